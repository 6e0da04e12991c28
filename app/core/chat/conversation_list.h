// The conversations in the sidebar (most recent first), optionally filtered by a full-text search.
#pragma once

#include "store/chat_store.h"

#include <QAbstractListModel>

namespace tern::app {

class ConversationList : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, TitleRole, UpdatedRole, SnippetRole };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(rows_.size()); }

    struct Row {
        qint64 id = 0;
        QString title;
        QDateTime updated;
        QString snippet;  // search match, empty when not searching
    };
    void reset(QList<Row> rows);
    int rowOf(qint64 id) const;

signals:
    void countChanged();

private:
    QList<Row> rows_;
};

}  // namespace tern::app
