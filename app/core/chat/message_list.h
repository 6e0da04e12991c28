// The messages of the conversation on screen, for QML. The controller feeds it; streaming tokens
// update one row's text in place.
#pragma once

#include "store/chat_store.h"

#include <QAbstractListModel>

namespace tern::app {

class MessageList : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, RoleRole, TextRole, StatusRole, ModelRole, StatsRole, MalformedRole };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(rows_.size()); }

    void reset(const QList<Message>& messages);
    void append(const Message& m);
    void appendText(qint64 id, const QString& piece);     // a streamed token
    void update(const Message& m);                        // replace the row with this id
    void removeFrom(int row);                             // drop rows row..end
    int rowOf(qint64 id) const;
    const Message& at(int row) const { return rows_[row]; }
    const QList<Message>& all() const { return rows_; }

signals:
    void countChanged();

private:
    QList<Message> rows_;
};

// "12 tokens · 35.2 tokens/s · first token 120 ms" under an answer; "–" where not measurable.
QString statsSummary(const Message& m);

}  // namespace tern::app
