// Schema migrations of the chat store. Steps are never edited once released: a database at
// version i is brought to i + 1 by exactly the statements of step i, so old files and fresh
// ones end up with the same schema. (Qt's QSQLITE runs one statement per exec, hence one
// string per statement.)
#include "store/sql_util.h"

namespace tern::app::store_detail {

namespace {

QStringList stepV0toV1() {
    return {
        QStringLiteral("CREATE TABLE conversations ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " title TEXT NOT NULL DEFAULT '',"
                       " created_ms INTEGER NOT NULL,"
                       " updated_ms INTEGER NOT NULL)"),
        // AUTOINCREMENT: ids are never reused, so an id the UI still holds cannot come to
        // mean another message after a delete.
        QStringLiteral("CREATE TABLE messages ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
                       " role TEXT NOT NULL,"
                       " text TEXT NOT NULL DEFAULT '',"
                       " model TEXT NOT NULL DEFAULT '',"
                       " created_ms INTEGER NOT NULL,"
                       " finished_ms INTEGER,"
                       " status TEXT NOT NULL DEFAULT 'done')"),
        QStringLiteral("CREATE INDEX messages_by_conversation ON messages(conversation_id, id)"),
        QStringLiteral("CREATE INDEX conversations_by_updated ON conversations(updated_ms)"),
    };
}

QStringList stepV1toV2() {
    // The FTS tables keep their own copy of the text (not external-content tables): the
    // index can then never disagree with what it was built from, whatever happens to a row.
    const QString tokenizer = QStringLiteral("tokenize = 'unicode61 remove_diacritics 2'");
    return {
        QStringLiteral("ALTER TABLE messages ADD COLUMN prompt_tokens INTEGER NOT NULL DEFAULT 0"),
        QStringLiteral("ALTER TABLE messages ADD COLUMN generated_tokens INTEGER NOT NULL DEFAULT 0"),
        QStringLiteral("ALTER TABLE messages ADD COLUMN ttft_ms REAL NOT NULL DEFAULT 0"),
        QStringLiteral("ALTER TABLE messages ADD COLUMN prefill_tps REAL NOT NULL DEFAULT 0"),
        QStringLiteral("ALTER TABLE messages ADD COLUMN decode_tps REAL NOT NULL DEFAULT 0"),
        QStringLiteral("ALTER TABLE messages ADD COLUMN peak_rss_bytes INTEGER NOT NULL DEFAULT 0"),
        QStringLiteral("ALTER TABLE messages ADD COLUMN backend TEXT NOT NULL DEFAULT ''"),
        QStringLiteral("CREATE TABLE settings ("
                       " scope TEXT NOT NULL,"
                       " key TEXT NOT NULL,"
                       " value TEXT NOT NULL,"
                       " PRIMARY KEY (scope, key)) WITHOUT ROWID"),
        QStringLiteral("CREATE VIRTUAL TABLE messages_fts USING fts5(text, %1)").arg(tokenizer),
        QStringLiteral("CREATE VIRTUAL TABLE conversations_fts USING fts5(title, %1)").arg(tokenizer),
        QStringLiteral("INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages"),
        QStringLiteral("INSERT INTO conversations_fts(rowid, title) SELECT id, title FROM conversations"),
        // Deleting a conversation cascades to its messages, which fires messages_fts_delete.
        QStringLiteral("CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN"
                       " INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END"),
        QStringLiteral("CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
                       " DELETE FROM messages_fts WHERE rowid = old.id; END"),
        QStringLiteral("CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN"
                       " UPDATE messages_fts SET text = new.text WHERE rowid = old.id; END"),
        QStringLiteral("CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN"
                       " INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title); END"),
        QStringLiteral("CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN"
                       " DELETE FROM conversations_fts WHERE rowid = old.id; END"),
        QStringLiteral("CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN"
                       " UPDATE conversations_fts SET title = new.title WHERE rowid = old.id; END"),
    };
}

QStringList stepV2toV3() {
    // One row per generation (chat answer or benchmark run) for the Stats page. Rows are kept
    // when their conversation is deleted (message_id is a plain number, not a foreign key):
    // they describe the machine's speed, not the chat. A rate that could not be measured
    // (fewer than two tokens, zero time) is NULL.
    return {
        QStringLiteral("CREATE TABLE generations ("
                       " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                       " created_ms INTEGER NOT NULL,"
                       " kind TEXT NOT NULL CHECK (kind IN ('chat', 'benchmark')),"
                       " message_id INTEGER,"
                       " model_id TEXT NOT NULL DEFAULT '',"
                       " model_file TEXT NOT NULL DEFAULT '',"
                       " model_type TEXT NOT NULL DEFAULT '',"
                       " architecture TEXT NOT NULL DEFAULT '',"
                       " params_total INTEGER NOT NULL DEFAULT 0,"
                       " params_active INTEGER NOT NULL DEFAULT 0,"
                       " weight_bytes INTEGER NOT NULL DEFAULT 0,"
                       " backend TEXT NOT NULL DEFAULT '',"
                       " device TEXT NOT NULL DEFAULT '',"
                       " threads INTEGER NOT NULL DEFAULT 0,"
                       " context_size INTEGER NOT NULL DEFAULT 0,"
                       " prompt_tokens INTEGER NOT NULL DEFAULT 0,"
                       " prompt_evaluated INTEGER NOT NULL DEFAULT 0,"
                       " generated_tokens INTEGER NOT NULL DEFAULT 0,"
                       " ttft_ms REAL NOT NULL DEFAULT 0,"
                       " prefill_ms REAL NOT NULL DEFAULT 0,"
                       " decode_ms REAL NOT NULL DEFAULT 0,"
                       " prefill_tps REAL,"
                       " decode_tps REAL,"
                       " peak_rss_bytes INTEGER NOT NULL DEFAULT 0,"
                       " stop_reason TEXT NOT NULL DEFAULT '')"),
        QStringLiteral("CREATE INDEX generations_by_model ON generations(model_id, backend, created_ms)"),
    };
}

}  // namespace

QList<QStringList> migrationSteps() { return {stepV0toV1(), stepV1toV2(), stepV2toV3()}; }

void runMigrationStep(const QSqlDatabase& db, const QString& dbPath, int fromVersion) {
    const QList<QStringList> steps = migrationSteps();
    if (fromVersion < 0 || fromVersion >= steps.size()) {
        throw StoreError(QStringLiteral("chat database %1: no migration from schema version %2")
                             .arg(dbPath)
                             .arg(fromVersion)
                             .toStdString());
    }
    Transaction tx(db, dbPath);
    for (const QString& sql : steps[fromVersion]) {
        QSqlQuery q(db);
        if (!q.exec(sql)) {
            const QSqlError err = q.lastError();
            if (err.databaseText().contains(QLatin1String("no such module: fts5"))) {
                throw StoreError(QStringLiteral("chat database %1: this SQLite build has no FTS5 "
                                                "(full-text search), which the chat history needs")
                                     .arg(dbPath)
                                     .toStdString());
            }
            throwSql(dbPath, QStringLiteral("migrating from schema version %1").arg(fromVersion), err);
        }
    }
    // user_version lives in the database header, which the transaction covers: the step and
    // the new version are committed together or not at all.
    runRaw(db, dbPath, QStringLiteral("PRAGMA user_version = %1").arg(fromVersion + 1));
    tx.commit();
}

}  // namespace tern::app::store_detail
