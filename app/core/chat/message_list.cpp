#include "chat/message_list.h"

namespace tern::app {

int MessageList::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

QString statsSummary(const Message& m) {
    if (m.role != "assistant" || m.status == "generating") return {};
    const MessageStats& s = m.stats;
    const QString rate = s.decodeTps > 0 ? QString::number(s.decodeTps, 'f', 1) : QStringLiteral("–");
    QString out = QStringLiteral("%1 tokens · %2 tokens/s · first token %3 ms")
                      .arg(s.generatedTokens)
                      .arg(rate)
                      .arg(s.ttftMs > 0 ? QString::number(s.ttftMs, 'f', 0) : QStringLiteral("–"));
    // Which backend wrote it (stored with the message since schema v3).
    if (s.backend == QLatin1String("cpu")) out += QStringLiteral(" · CPU");
    else if (s.backend == QLatin1String("vulkan")) out += QStringLiteral(" · Vulkan");
    if (m.status == "stopped") out += QStringLiteral(" · stopped");
    if (m.status == "interrupted") out = QStringLiteral("interrupted");
    if (m.status == "error") out = QStringLiteral("error");
    return out;
}

QVariant MessageList::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rows_.size()) return {};
    const Message& m = rows_[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case TextRole: return m.text;
    case IdRole: return m.id;
    case RoleRole: return m.role;
    case StatusRole: return m.status;
    case ModelRole: return m.model;
    case StatsRole: return statsSummary(m);
    case MalformedRole: return m.malformed;
    default: return {};
    }
}

QHash<int, QByteArray> MessageList::roleNames() const {
    return {{IdRole, "messageId"}, {RoleRole, "role"},   {TextRole, "text"},          {StatusRole, "status"},
            {ModelRole, "model"},  {StatsRole, "stats"}, {MalformedRole, "malformed"}};
}

void MessageList::reset(const QList<Message>& messages) {
    beginResetModel();
    rows_ = messages;
    endResetModel();
    emit countChanged();
}

void MessageList::append(const Message& m) {
    beginInsertRows({}, int(rows_.size()), int(rows_.size()));
    rows_.append(m);
    endInsertRows();
    emit countChanged();
}

int MessageList::rowOf(qint64 id) const {
    for (int i = 0; i < rows_.size(); ++i)
        if (rows_[i].id == id) return i;
    return -1;
}

void MessageList::appendText(qint64 id, const QString& piece) {
    const int r = rowOf(id);
    if (r < 0) return;
    rows_[r].text += piece;
    emit dataChanged(index(r), index(r), {TextRole});
}

void MessageList::update(const Message& m) {
    const int r = rowOf(m.id);
    if (r < 0) return;
    rows_[r] = m;
    emit dataChanged(index(r), index(r));
}

void MessageList::removeFrom(int row) {
    if (row < 0 || row >= rows_.size()) return;
    beginRemoveRows({}, row, int(rows_.size()) - 1);
    rows_.erase(rows_.begin() + row, rows_.end());
    endRemoveRows();
    emit countChanged();
}

}  // namespace tern::app
