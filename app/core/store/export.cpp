// Full-text search and export of the chat store.
#include "store/chat_store.h"

#include "store/sql_util.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace tern::app {

using namespace store_detail;

namespace {

// User text becomes a conjunction of quoted prefix phrases ("word"*), so FTS5 syntax in it
// (AND, NEAR, *, ^, :, parentheses, quotes) is plain text. Words without a letter or digit
// would form empty phrases and are dropped.
QString ftsQuery(const QString& query) {
    static const QRegularExpression space(QStringLiteral("\\s+"));
    QStringList phrases;
    for (QString word : query.split(space, Qt::SkipEmptyParts)) {
        const bool hasWordChar = std::any_of(word.cbegin(), word.cend(), [](QChar c) { return c.isLetterOrNumber(); });
        if (!hasWordChar) continue;
        word.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        phrases << QStringLiteral("\"%1\"*").arg(word);
    }
    return phrases.join(QLatin1Char(' '));
}

QString heading(const Message& m) {
    if (m.role == QLatin1String("user")) return QStringLiteral("User");
    if (m.role == QLatin1String("assistant"))
        return m.model.isEmpty() ? QStringLiteral("Assistant") : QStringLiteral("Assistant (%1)").arg(m.model);
    return QStringLiteral("System");
}

QString singleLine(QString s) {
    s.replace(QLatin1Char('\r'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' '));
    return s.trimmed();
}

QJsonValue isoTime(const QDateTime& t) {
    if (!t.isValid()) return QJsonValue(QJsonValue::Null);
    return t.toUTC().toString(Qt::ISODateWithMs);
}

}  // namespace

QList<SearchHit> ChatStore::search(const QString& query, int limit) const {
    const QString match = ftsQuery(query);
    QList<SearchHit> hits;
    if (match.isEmpty() || limit <= 0) return hits;
    const QVariantList marks{QString::fromUtf8(kSnippetOpen), QString::fromUtf8(kSnippetClose),
                             QString::fromUtf8(kSnippetEllipsis)};

    QSqlQuery titles = run(conn_.db, path_,
                           QStringLiteral("SELECT c.id, c.title, snippet(conversations_fts, 0, ?, ?, ?, 12)"
                                          " FROM conversations_fts JOIN conversations c ON c.id = conversations_fts.rowid"
                                          " WHERE conversations_fts MATCH ? ORDER BY conversations_fts.rank LIMIT ?"),
                           marks + QVariantList{match, limit});
    while (titles.next()) {
        SearchHit h;
        h.conversationId = titles.value(0).toLongLong();
        h.conversationTitle = titles.value(1).toString();
        h.snippet = titles.value(2).toString();
        hits.append(h);
    }
    const int left = limit - static_cast<int>(hits.size());
    if (left <= 0) return hits;

    QSqlQuery msgs = run(conn_.db, path_,
                         QStringLiteral("SELECT m.conversation_id, m.id, c.title, snippet(messages_fts, 0, ?, ?, ?, 16)"
                                        " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
                                        " JOIN conversations c ON c.id = m.conversation_id"
                                        " WHERE messages_fts MATCH ? ORDER BY messages_fts.rank LIMIT ?"),
                         marks + QVariantList{match, left});
    while (msgs.next()) {
        SearchHit h;
        h.conversationId = msgs.value(0).toLongLong();
        h.messageId = msgs.value(1).toLongLong();
        h.conversationTitle = msgs.value(2).toString();
        h.snippet = msgs.value(3).toString();
        hits.append(h);
    }
    return hits;
}

QString ChatStore::exportMarkdown(qint64 conversationId) const {
    const std::optional<Conversation> c = conversation(conversationId);
    if (!c)
        throw StoreError(
            QStringLiteral("chat database %1: no conversation %2").arg(path_).arg(conversationId).toStdString());
    const QString title = singleLine(c->title);
    QString out = QStringLiteral("# %1\n").arg(title.isEmpty() ? QStringLiteral("Untitled conversation") : title);
    for (const Message& m : messages(conversationId)) {
        out += QStringLiteral("\n## %1\n\n").arg(heading(m));
        if (m.status != QLatin1String("done")) out += QStringLiteral("*(%1)*\n\n").arg(m.status);
        QString text = m.text;
        while (text.endsWith(QLatin1Char('\n'))) text.chop(1);
        out += text + QLatin1Char('\n');
    }
    return out;
}

QByteArray ChatStore::exportJson(qint64 conversationId) const {
    const std::optional<Conversation> c = conversation(conversationId);
    if (!c)
        throw StoreError(
            QStringLiteral("chat database %1: no conversation %2").arg(path_).arg(conversationId).toStdString());
    QJsonArray list;
    for (const Message& m : messages(conversationId)) {
        const QJsonObject stats{
            {QStringLiteral("promptTokens"), m.stats.promptTokens},
            {QStringLiteral("generatedTokens"), m.stats.generatedTokens},
            {QStringLiteral("ttftMs"), m.stats.ttftMs},
            {QStringLiteral("prefillTps"), m.stats.prefillTps},
            {QStringLiteral("decodeTps"), m.stats.decodeTps},
            {QStringLiteral("peakRssBytes"), m.stats.peakRssBytes},
            {QStringLiteral("backend"), m.stats.backend},
        };
        QJsonObject o{
            {QStringLiteral("role"), m.role},
            {QStringLiteral("text"), m.text},
            {QStringLiteral("model"), m.model},
            {QStringLiteral("created"), isoTime(m.created)},
            {QStringLiteral("finished"), isoTime(m.finished)},
            {QStringLiteral("status"), m.status},
            {QStringLiteral("stats"), stats},
        };
        if (m.malformed) o.insert(QStringLiteral("malformed"), true);
        list.append(o);
    }
    const QJsonObject doc{
        {QStringLiteral("format"), QStringLiteral("tern-chat")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("title"), c->title},
        {QStringLiteral("created"), isoTime(c->created)},
        {QStringLiteral("updated"), isoTime(c->updated)},
        {QStringLiteral("messages"), list},
    };
    return QJsonDocument(doc).toJson(QJsonDocument::Indented);
}

}  // namespace tern::app
