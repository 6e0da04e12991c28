#include "store/sql_util.h"

#include <QDateTime>

namespace tern::app::store_detail {

namespace {
// Primary result codes from sqlite3.h. Qt's QSQLITE driver reports the SQLite result code
// as QSqlError::nativeErrorCode(); extended codes carry the primary code in the low byte.
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteNotADb = 26;

QString oneLine(QString s) {
    s.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\r'), QLatin1Char(' '));
    return s.trimmed();
}
}  // namespace

bool isCorruptError(const QSqlError& err) {
    bool ok = false;
    const int code = err.nativeErrorCode().toInt(&ok) & 0xff;
    return ok && (code == kSqliteCorrupt || code == kSqliteNotADb);
}

void throwSql(const QString& dbPath, const QString& what, const QSqlError& err) {
    QString detail = oneLine(err.databaseText());
    if (detail.isEmpty()) detail = oneLine(err.text());
    if (isCorruptError(err)) {
        throw StoreError(QStringLiteral("chat database %1 is damaged or not a database (%2, while %3)")
                             .arg(dbPath, detail, what)
                             .toStdString(),
                         true);
    }
    throw StoreError(QStringLiteral("chat database %1: %2 failed: %3").arg(dbPath, what, detail).toStdString());
}

QSqlQuery run(const QSqlDatabase& db, const QString& dbPath, const QString& sql, const QVariantList& binds) {
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) throwSql(dbPath, QStringLiteral("preparing a statement"), q.lastError());
    for (const QVariant& v : binds) {
        // Qt SQL binds a null QString as SQL NULL; our text columns are NOT NULL and a
        // default-constructed QString means "empty" in the API.
        if (v.typeId() == QMetaType::QString && v.toString().isNull())
            q.addBindValue(QStringLiteral(""));
        else
            q.addBindValue(v);
    }
    if (!q.exec()) throwSql(dbPath, QStringLiteral("a statement"), q.lastError());
    return q;
}

QSqlQuery runRaw(const QSqlDatabase& db, const QString& dbPath, const QString& sql, const QString& what) {
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(sql))
        throwSql(dbPath, what.isEmpty() ? QStringLiteral("\"%1\"").arg(sql.left(60)) : what, q.lastError());
    return q;
}

Transaction::Transaction(const QSqlDatabase& db, const QString& dbPath) : db_(db), path_(dbPath) {
    runRaw(db_, path_, QStringLiteral("BEGIN IMMEDIATE"));
    open_ = true;
}

Transaction::~Transaction() {
    if (!open_) return;
    // SQLite may already have rolled back by itself (e.g. after SQLITE_FULL); then this
    // ROLLBACK fails harmlessly.
    QSqlQuery q(db_);
    q.exec(QStringLiteral("ROLLBACK"));
}

void Transaction::commit() {
    runRaw(db_, path_, QStringLiteral("COMMIT"));
    open_ = false;
}

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QDateTime fromMs(const QVariant& v) {
    if (v.isNull()) return {};
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

QVariant toMs(const QDateTime& t) {
    if (!t.isValid()) return QVariant(QMetaType(QMetaType::LongLong));
    return QVariant(t.toMSecsSinceEpoch());
}

}  // namespace tern::app::store_detail
