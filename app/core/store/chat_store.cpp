#include "store/chat_store.h"

#include "store/sql_util.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace tern::app {

using namespace store_detail;

namespace {

const QStringList& validRoles() {
    static const QStringList r{QStringLiteral("system"), QStringLiteral("user"), QStringLiteral("assistant")};
    return r;
}

const QStringList& validStatuses() {
    static const QStringList s{QStringLiteral("done"), QStringLiteral("generating"), QStringLiteral("interrupted"),
                               QStringLiteral("stopped"), QStringLiteral("error")};
    return s;
}

QString newConnectionName() {
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("tern-chat-store-%1").arg(counter.fetchAndAddRelaxed(1));
}

// A conversation's updated time is pushed past every other one's, so "most recently updated
// first" follows the order of activity even when two changes fall in the same millisecond or
// the system clock steps back.
const QString kNextUpdated =
    QStringLiteral("max(?, (SELECT coalesce(max(updated_ms), 0) + 1 FROM conversations))");

const QString kMessageColumns = QStringLiteral(
    "id, conversation_id, role, typeof(text), text, model, created_ms, finished_ms, status,"
    " prompt_tokens, generated_tokens, ttft_ms, prefill_tps, decode_tps, peak_rss_bytes, backend");

Message decodeMessage(const QSqlQuery& q) {
    Message m;
    m.id = q.value(0).toLongLong();
    m.conversationId = q.value(1).toLongLong();
    m.role = q.value(2).toString();
    const bool textOk = q.value(3).toString() == QLatin1String("text");
    m.text = q.value(4).toString();
    m.model = q.value(5).toString();
    m.created = fromMs(q.value(6));
    m.finished = fromMs(q.value(7));
    m.status = q.value(8).toString();
    m.stats.promptTokens = q.value(9).toInt();
    m.stats.generatedTokens = q.value(10).toInt();
    m.stats.ttftMs = q.value(11).toDouble();
    m.stats.prefillTps = q.value(12).toDouble();
    m.stats.decodeTps = q.value(13).toDouble();
    m.stats.peakRssBytes = q.value(14).toLongLong();
    m.stats.backend = q.value(15).toString();
    if (!validRoles().contains(m.role)) {
        m.role = QStringLiteral("system");
        m.malformed = true;
    }
    if (!validStatuses().contains(m.status)) {
        m.status = QStringLiteral("error");
        m.malformed = true;
    }
    if (!textOk) m.malformed = true;
    if (m.malformed) m.text = QStringLiteral("[unreadable message #%1]").arg(m.id);
    return m;
}

Conversation decodeConversation(const QSqlQuery& q) {
    Conversation c;
    c.id = q.value(0).toLongLong();
    c.title = q.value(1).toString() == QLatin1String("text") ? q.value(2).toString()
                                                             : QStringLiteral("[unreadable conversation #%1]").arg(c.id);
    c.created = fromMs(q.value(3));
    c.updated = fromMs(q.value(4));
    return c;
}

const QString kConversationColumns = QStringLiteral("id, typeof(title), title, created_ms, updated_ms");

// A file that does not start with SQLite's magic string is refused before SQLite opens it:
// SQLite would otherwise clean up a -wal file beside it on close, and that file may be all
// that is left of the history.
void checkHeader(const QString& path) {
    QFile f(path);
    if (!f.exists() || f.size() == 0) return;  // new (or never written) database
    if (!f.open(QIODevice::ReadOnly))
        throw StoreError(QStringLiteral("chat database %1 cannot be read: %2").arg(path, f.errorString()).toStdString());
    static const QByteArray kMagic("SQLite format 3\0", 16);  // first 16 bytes of every SQLite 3 file
    if (f.read(kMagic.size()) != kMagic) {
        throw StoreError(
            QStringLiteral("chat database %1 is damaged or not a database (no SQLite header)").arg(path).toStdString(),
            true);
    }
}

}  // namespace

ChatStore::Connection::~Connection() {
    if (name.isEmpty()) return;
    db.close();
    db = QSqlDatabase();  // no handle may remain when the connection is removed
    QSqlDatabase::removeDatabase(name);
}

ChatStore::ChatStore(const QString& path, const QString& connectionName) {
    if (path.isEmpty()) throw StoreError("chat database: no file name given");
    path_ = QFileInfo(path).absoluteFilePath();
    const QFileInfo info(path_);
    if (!QDir().mkpath(info.absolutePath()))
        throw StoreError(QStringLiteral("chat database %1: cannot create its folder").arg(path_).toStdString());
    if (info.exists() && !info.isFile())
        throw StoreError(QStringLiteral("chat database %1 is not a file").arg(path_).toStdString());

    checkHeader(path_);

    const QString name = connectionName.isEmpty() ? newConnectionName() : connectionName;
    if (QSqlDatabase::contains(name)) {
        throw StoreError(QStringLiteral("chat database %1: Qt SQL connection name \"%2\" is already in use")
                             .arg(path_, name)
                             .toStdString());
    }
    conn_.name = name;
    conn_.db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    if (!conn_.db.isValid()) {
        throw StoreError(QStringLiteral("chat database %1: the Qt SQL driver QSQLITE is not available")
                             .arg(path_)
                             .toStdString());
    }
    conn_.db.setDatabaseName(path_);
    conn_.db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!conn_.db.open()) throwSql(path_, QStringLiteral("opening"), conn_.db.lastError());

    configure();
    migrate();
    // No other process owns this file, so an answer still "generating" was cut off by a crash.
    run(conn_.db, path_,
        QStringLiteral("UPDATE messages SET status = 'interrupted' WHERE status = 'generating'"));
}

ChatStore::~ChatStore() = default;

void ChatStore::configure() {
    const QString opening = QStringLiteral("opening");
    runRaw(conn_.db, path_, QStringLiteral("PRAGMA foreign_keys = ON"), opening);
    // Checked before anything is written (the switch to WAL writes the header).
    QSqlQuery check = runRaw(conn_.db, path_, QStringLiteral("PRAGMA quick_check"), opening);
    QStringList problems;
    while (check.next()) problems << check.value(0).toString();
    check.finish();
    if (problems != QStringList{QStringLiteral("ok")}) {
        throw StoreError(QStringLiteral("chat database %1 is damaged (%2)")
                             .arg(path_, problems.value(0).replace(QLatin1Char('\n'), QLatin1Char(' ')))
                             .toStdString(),
                         true);
    }
    QSqlQuery mode = runRaw(conn_.db, path_, QStringLiteral("PRAGMA journal_mode = WAL"), opening);
    if (!mode.next() || mode.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        throw StoreError(QStringLiteral("chat database %1: cannot switch to WAL journal mode (read-only location?)")
                             .arg(path_)
                             .toStdString());
    }
    mode.finish();
    // FULL: a commit is on disk when the call returns, even across a power cut.
    runRaw(conn_.db, path_, QStringLiteral("PRAGMA synchronous = FULL"), opening);
}

void ChatStore::migrate() {
    const int version = schemaVersion();
    if (version > kSchemaVersion) {
        throw StoreError(QStringLiteral("chat database %1 was written by a newer Tern (schema version %2; "
                                        "this version reads up to %3)")
                             .arg(path_)
                             .arg(version)
                             .arg(kSchemaVersion)
                             .toStdString());
    }
    for (int v = version; v < kSchemaVersion; ++v) runMigrationStep(conn_.db, path_, v);
}

void ChatStore::createSchemaV1ForTests(QSqlDatabase& db) { runMigrationStep(db, db.databaseName(), 0); }

int ChatStore::schemaVersion() const {
    QSqlQuery q = runRaw(conn_.db, path_, QStringLiteral("PRAGMA user_version"));
    return q.next() ? q.value(0).toInt() : 0;
}

QString ChatStore::path() const { return path_; }

QString ChatStore::connectionName() const { return conn_.name; }

QString ChatStore::recoverCorrupt(const QString& path) {
    if (!QFileInfo::exists(path))
        throw StoreError(QStringLiteral("chat database %1 does not exist: nothing to move aside").arg(path).toStdString());
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-hhmmss"));
    const QStringList companions{QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")};
    auto taken = [&](const QString& base) {
        if (QFileInfo::exists(base)) return true;
        for (const QString& s : companions)
            if (QFileInfo::exists(base + s)) return true;
        return false;
    };
    QString backup = path + QStringLiteral(".corrupt-") + stamp;
    for (int n = 2; taken(backup); ++n) backup = path + QStringLiteral(".corrupt-%1-%2").arg(stamp).arg(n);

    if (!QFile::rename(path, backup))
        throw StoreError(QStringLiteral("chat database %1: cannot move it to %2").arg(path, backup).toStdString());
    // A stale -wal left beside a fresh database would be replayed into it: it goes with the
    // backup (where SQLite will find it if someone opens the backup to rescue data).
    for (const QString& s : companions) {
        if (QFileInfo::exists(path + s) && !QFile::rename(path + s, backup + s)) {
            throw StoreError(QStringLiteral("chat database %1: moved to %2 but cannot move %3")
                                 .arg(path, backup, path + s)
                                 .toStdString());
        }
    }
    return backup;
}

void ChatStore::bumpUpdated(qint64 conversationId) {
    run(conn_.db, path_, QStringLiteral("UPDATE conversations SET updated_ms = %1 WHERE id = ?").arg(kNextUpdated),
        {nowMs(), conversationId});
}

qint64 ChatStore::createConversation(const QString& title) {
    const qint64 now = nowMs();
    QSqlQuery q = run(conn_.db, path_,
                      QStringLiteral("INSERT INTO conversations(title, created_ms, updated_ms) VALUES (?, ?, %1)")
                          .arg(kNextUpdated),
                      {title, now, now});
    return q.lastInsertId().toLongLong();
}

void ChatStore::renameConversation(qint64 id, const QString& title) {
    Transaction tx(conn_.db, path_);
    QSqlQuery q = run(conn_.db, path_, QStringLiteral("UPDATE conversations SET title = ? WHERE id = ?"), {title, id});
    if (q.numRowsAffected() == 0)
        throw StoreError(QStringLiteral("chat database %1: no conversation %2").arg(path_).arg(id).toStdString());
    bumpUpdated(id);
    tx.commit();
}

void ChatStore::deleteConversation(qint64 id) {
    run(conn_.db, path_, QStringLiteral("DELETE FROM conversations WHERE id = ?"), {id});
}

QList<Conversation> ChatStore::conversations() const {
    QSqlQuery q = run(conn_.db, path_,
                      QStringLiteral("SELECT %1 FROM conversations ORDER BY updated_ms DESC, id DESC")
                          .arg(kConversationColumns));
    QList<Conversation> out;
    while (q.next()) out.append(decodeConversation(q));
    return out;
}

std::optional<Conversation> ChatStore::conversation(qint64 id) const {
    QSqlQuery q = run(conn_.db, path_,
                      QStringLiteral("SELECT %1 FROM conversations WHERE id = ?").arg(kConversationColumns), {id});
    if (!q.next()) return std::nullopt;
    return decodeConversation(q);
}

qint64 ChatStore::addMessage(qint64 conversationId, const QString& role, const QString& text, const QString& model,
                             const QString& status) {
    if (!validRoles().contains(role))
        throw StoreError(QStringLiteral("chat database %1: invalid message role \"%2\"").arg(path_, role).toStdString());
    if (!validStatuses().contains(status))
        throw StoreError(
            QStringLiteral("chat database %1: invalid message status \"%2\"").arg(path_, status).toStdString());
    const qint64 now = nowMs();
    const QVariant finished = status == QLatin1String("generating") ? QVariant(QMetaType(QMetaType::LongLong))
                                                                      : QVariant(now);
    Transaction tx(conn_.db, path_);
    if (!conversation(conversationId))
        throw StoreError(
            QStringLiteral("chat database %1: no conversation %2").arg(path_).arg(conversationId).toStdString());
    const qint64 id =
        run(conn_.db, path_,
            QStringLiteral("INSERT INTO messages(conversation_id, role, text, model, created_ms, finished_ms, status)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)"),
            {conversationId, role, text, model, now, finished, status})
            .lastInsertId()
            .toLongLong();
    bumpUpdated(conversationId);
    tx.commit();
    return id;
}

void ChatStore::finishMessage(qint64 id, const QString& text, const QString& status, const MessageStats& stats) {
    if (!validStatuses().contains(status))
        throw StoreError(
            QStringLiteral("chat database %1: invalid message status \"%2\"").arg(path_, status).toStdString());
    Transaction tx(conn_.db, path_);
    QSqlQuery q = run(conn_.db, path_,
                      QStringLiteral("UPDATE messages SET text = ?, status = ?, finished_ms = ?, prompt_tokens = ?,"
                                     " generated_tokens = ?, ttft_ms = ?, prefill_tps = ?, decode_tps = ?,"
                                     " peak_rss_bytes = ?, backend = ? WHERE id = ?"),
                      {text, status, nowMs(), stats.promptTokens, stats.generatedTokens, stats.ttftMs,
                       stats.prefillTps, stats.decodeTps, stats.peakRssBytes, stats.backend, id});
    if (q.numRowsAffected() == 0)
        throw StoreError(QStringLiteral("chat database %1: no message %2").arg(path_).arg(id).toStdString());
    run(conn_.db, path_,
        QStringLiteral("UPDATE conversations SET updated_ms = %1"
                       " WHERE id = (SELECT conversation_id FROM messages WHERE id = ?)")
            .arg(kNextUpdated),
        {nowMs(), id});
    tx.commit();
}

void ChatStore::setMessageText(qint64 id, const QString& text) {
    QSqlQuery q = run(conn_.db, path_, QStringLiteral("UPDATE messages SET text = ? WHERE id = ?"), {text, id});
    if (q.numRowsAffected() == 0)
        throw StoreError(QStringLiteral("chat database %1: no message %2").arg(path_).arg(id).toStdString());
}

void ChatStore::deleteMessagesAfter(qint64 conversationId, qint64 messageId) {
    run(conn_.db, path_, QStringLiteral("DELETE FROM messages WHERE conversation_id = ? AND id > ?"),
        {conversationId, messageId});
}

void ChatStore::deleteMessage(qint64 id) {
    run(conn_.db, path_, QStringLiteral("DELETE FROM messages WHERE id = ?"), {id});
}

QList<Message> ChatStore::readMessages(const QString& where, qint64 key) const {
    QSqlQuery q = run(conn_.db, path_,
                      QStringLiteral("SELECT %1 FROM messages WHERE %2 ORDER BY id").arg(kMessageColumns, where), {key});
    QList<Message> out;
    while (q.next()) out.append(decodeMessage(q));
    return out;
}

QList<Message> ChatStore::messages(qint64 conversationId) const {
    return readMessages(QStringLiteral("conversation_id = ?"), conversationId);
}

std::optional<Message> ChatStore::message(qint64 id) const {
    const QList<Message> m = readMessages(QStringLiteral("id = ?"), id);
    if (m.isEmpty()) return std::nullopt;
    return m.front();
}

QString ChatStore::setting(const QString& key, const QString& scope, const QString& def) const {
    QSqlQuery q =
        run(conn_.db, path_, QStringLiteral("SELECT value FROM settings WHERE scope = ? AND key = ?"), {scope, key});
    return q.next() ? q.value(0).toString() : def;
}

void ChatStore::setSetting(const QString& key, const QString& value, const QString& scope) {
    run(conn_.db, path_,
        QStringLiteral("INSERT INTO settings(scope, key, value) VALUES (?, ?, ?)"
                       " ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value"),
        {scope, key, value});
}

void ChatStore::removeSetting(const QString& key, const QString& scope) {
    run(conn_.db, path_, QStringLiteral("DELETE FROM settings WHERE scope = ? AND key = ?"), {scope, key});
}

bool ChatStore::integrityOk() const {
    try {
        QSqlQuery q = runRaw(conn_.db, path_, QStringLiteral("PRAGMA integrity_check"));
        QStringList rows;
        while (q.next()) rows << q.value(0).toString();
        if (rows != QStringList{QStringLiteral("ok")}) return false;
        // PRAGMA integrity_check of SQLite < 3.44 does not look inside FTS5 tables, and no
        // check compares them with the rows they index: both are done here.
        runRaw(conn_.db, path_, QStringLiteral("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')"));
        runRaw(conn_.db, path_,
               QStringLiteral("INSERT INTO conversations_fts(conversations_fts) VALUES ('integrity-check')"));
        QSqlQuery diff = runRaw(
            conn_.db, path_,
            QStringLiteral("SELECT (SELECT count(*) FROM messages m LEFT JOIN messages_fts f ON f.rowid = m.id"
                           "         WHERE f.rowid IS NULL OR f.text IS NOT m.text)"
                           "     + ((SELECT count(*) FROM messages) != (SELECT count(*) FROM messages_fts))"
                           "     + (SELECT count(*) FROM conversations c LEFT JOIN conversations_fts f"
                           "         ON f.rowid = c.id WHERE f.rowid IS NULL OR f.title IS NOT c.title)"
                           "     + ((SELECT count(*) FROM conversations) != (SELECT count(*) FROM conversations_fts))"));
        return diff.next() && diff.value(0).toLongLong() == 0;
    } catch (const StoreError&) {
        return false;
    }
}

}  // namespace tern::app
