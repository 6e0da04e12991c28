#include "chat/conversation_list.h"

namespace tern::app {

int ConversationList::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

QVariant ConversationList::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) return {};
    const Row& r = rows_[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole: return r.title;
    case IdRole: return r.id;
    case UpdatedRole: return r.updated;
    case SnippetRole: return r.snippet;
    default: return {};
    }
}

QHash<int, QByteArray> ConversationList::roleNames() const {
    return {{IdRole, "conversationId"}, {TitleRole, "title"}, {UpdatedRole, "updated"}, {SnippetRole, "snippet"}};
}

void ConversationList::reset(QList<Row> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    emit countChanged();
}

int ConversationList::rowOf(qint64 id) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == id) return i;
    return -1;
}

}  // namespace tern::app
