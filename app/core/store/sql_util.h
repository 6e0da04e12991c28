// Internal helpers of the chat store: running statements with errors turned into StoreError,
// transactions, time conversion. Not part of the app's API.
#pragma once

#include "store/chat_store.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantList>

namespace tern::app::store_detail {

// SQLite primary result codes that mean the file itself is bad (sqlite3.h: SQLITE_CORRUPT,
// SQLITE_NOTADB).
bool isCorruptError(const QSqlError& err);

// Throws StoreError "chat database <path>: <what> failed: <SQLite's message>" (one line).
[[noreturn]] void throwSql(const QString& dbPath, const QString& what, const QSqlError& err);

// Prepares sql, binds values positionally and executes it; throws StoreError on failure.
// The returned query is positioned before the first row.
QSqlQuery run(const QSqlDatabase& db, const QString& dbPath, const QString& sql,
              const QVariantList& binds = {});

// Runs a statement without bound values (PRAGMA, DDL); throws StoreError naming what
// (default: the statement itself).
QSqlQuery runRaw(const QSqlDatabase& db, const QString& dbPath, const QString& sql, const QString& what = {});

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed without commit() (an exception on
// the way): nothing is left half-written. IMMEDIATE takes the write lock up front so a busy
// database waits in busy_timeout instead of failing at the first write.
class Transaction {
public:
    Transaction(const QSqlDatabase& db, const QString& dbPath);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    QSqlDatabase db_;
    QString path_;
    bool open_ = false;
};

qint64 nowMs();
QDateTime fromMs(const QVariant& v);  // invalid QDateTime for NULL
QVariant toMs(const QDateTime& t);    // NULL for an invalid time

// Schema migrations (schema.cpp): the statements of step i take the database from version i
// to i + 1. Each step runs in one transaction together with the new PRAGMA user_version.
QList<QStringList> migrationSteps();
void runMigrationStep(const QSqlDatabase& db, const QString& dbPath, int fromVersion);

}  // namespace tern::app::store_detail
