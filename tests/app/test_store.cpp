// Chat history store: CRUD, ordering, settings, search, export, migrations from schema v1,
// crash safety (a writer child killed with SIGKILL mid-answer), corrupt / malformed / full /
// read-only databases.
#include "store/chat_store.h"
#include "test_support.h"

#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QJsonArray>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

using tern::app::ChatStore;
using tern::app::Message;
using tern::app::MessageStats;
using tern::app::StoreError;

namespace {

// A plain Qt SQL connection to a file, for building old schemas and damaging rows.
struct RawDb {
    QString name;
    QSqlDatabase db;
    explicit RawDb(const QString& path) {
        static int n = 0;
        name = QStringLiteral("raw-%1").arg(n++);
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb() {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
};

bool exec(const QSqlDatabase& db, const QString& sql, const QVariantList& binds = {}) {
    QSqlQuery q(db);
    q.prepare(sql);
    for (const QVariant& v : binds) q.addBindValue(v);
    if (q.exec()) return true;
    qWarning("SQL failed: %s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
    return false;
}

qint64 scalar(const QSqlDatabase& db, const QString& sql) {
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next()) return -1;
    return q.value(0).toLongLong();
}

QStringList texts(const QList<Message>& ms) {
    QStringList out;
    for (const Message& m : ms) out << m.text;
    return out;
}

QList<qint64> ids(const QList<tern::app::Conversation>& cs) {
    QList<qint64> out;
    for (const auto& c : cs) out << c.id;
    return out;
}

QString writerTool() {
    QString p = qEnvironmentVariable("TERN_TOOL_STORE_WRITER");
    if (p.isEmpty()) p = QCoreApplication::applicationDirPath() + QStringLiteral("/tool_store_writer");
    return p;
}

QByteArray garbage(int size, quint32 seed) {
    QRandomGenerator gen(seed);
    QByteArray b(size, Qt::Uninitialized);
    for (char& c : b) c = static_cast<char>(gen.bounded(256));
    return b;
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

}  // namespace

class StoreTest : public QObject {
    Q_OBJECT

private slots:
    void createRenameDelete();
    void conversationOrder();
    void messagesAndFinish();
    void deleteMessagesAfter();
    void settings();
    void invalidInput();
    void search();
    void searchHostileQueries();
    void exportMarkdown();
    void exportJson();
    void migrationFromV1();
    void newerSchemaRefused();
    void crashSafety();
    void corruptFile();
    void truncatedFile();
    void malformedRow();
    void diskFull();
    void readOnlyLocation();
};

void StoreTest::createRenameDelete() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sub/dir/chat.db"));  // parents are created
    ChatStore s(path);
    QCOMPARE(s.schemaVersion(), ChatStore::kSchemaVersion);
    QCOMPARE(s.path(), path);
    const QDateTime before = QDateTime::currentDateTimeUtc().addMSecs(-1);
    const qint64 a = s.createConversation(QStringLiteral("Zebra facts"));
    const qint64 b = s.createConversation(QStringLiteral("Other"));
    QVERIFY(a > 0 && b > a);
    auto c = s.conversation(a);
    QVERIFY(c.has_value());
    QCOMPARE(c->title, QStringLiteral("Zebra facts"));
    QVERIFY(c->created >= before && c->created <= QDateTime::currentDateTimeUtc());
    s.addMessage(a, QStringLiteral("user"), QStringLiteral("stripes of the okapi"));
    s.addMessage(b, QStringLiteral("user"), QStringLiteral("keep me"));

    s.renameConversation(a, QStringLiteral("Okapi facts"));
    QCOMPARE(s.conversation(a)->title, QStringLiteral("Okapi facts"));
    QCOMPARE(s.search(QStringLiteral("zebra")).size(), 0);  // title index follows the rename
    QCOMPARE(s.search(QStringLiteral("okapi")).size(), 2);  // title + message

    s.deleteConversation(a);
    QVERIFY(!s.conversation(a).has_value());
    QVERIFY(s.messages(a).isEmpty());
    QCOMPARE(s.search(QStringLiteral("okapi")).size(), 0);
    {
        const QSqlDatabase db = QSqlDatabase::database(s.connectionName());
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM messages")), 1);  // cascade
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM messages_fts")), 1);
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM conversations_fts")), 1);
    }
    s.deleteConversation(a);  // unknown id: no-op
    QCOMPARE(texts(s.messages(b)), QStringList{QStringLiteral("keep me")});
    QVERIFY(s.integrityOk());

    // Two stores coexist; a connection name in use is refused without harming its owner.
    ChatStore other(dir.filePath(QStringLiteral("other.db")), QStringLiteral("named"));
    QVERIFY_THROWS_EXCEPTION(StoreError, ChatStore(dir.filePath(QStringLiteral("third.db")), QStringLiteral("named")));
    QCOMPARE(other.createConversation(QStringLiteral("x")), 1);
}

void StoreTest::conversationOrder() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 a = s.createConversation(QStringLiteral("A"));
    const qint64 b = s.createConversation(QStringLiteral("B"));
    const qint64 c = s.createConversation(QStringLiteral("C"));
    QCOMPARE(ids(s.conversations()), (QList<qint64>{c, b, a}));
    s.addMessage(a, QStringLiteral("user"), QStringLiteral("hi"));
    QCOMPARE(ids(s.conversations()), (QList<qint64>{a, c, b}));
    s.renameConversation(b, QStringLiteral("B2"));
    QCOMPARE(ids(s.conversations()), (QList<qint64>{b, a, c}));
    const qint64 m = s.addMessage(c, QStringLiteral("assistant"), QString(), QString(), QStringLiteral("generating"));
    s.addMessage(a, QStringLiteral("user"), QStringLiteral("again"));
    s.finishMessage(m, QStringLiteral("done now"), QStringLiteral("done"), {});
    const auto list = s.conversations();
    QCOMPARE(ids(list), (QList<qint64>{c, a, b}));
    QVERIFY(list[0].updated > list[1].updated && list[1].updated > list[2].updated);
}

void StoreTest::messagesAndFinish() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 conv = s.createConversation(QStringLiteral("T"));
    const qint64 m1 = s.addMessage(conv, QStringLiteral("system"), QStringLiteral("Be brief."));
    const qint64 m2 = s.addMessage(conv, QStringLiteral("user"), QStringLiteral("Hi"));
    const qint64 m3 = s.addMessage(conv, QStringLiteral("assistant"), QStringLiteral(""), QStringLiteral("tiny.gguf"),
                                   QStringLiteral("generating"));
    QList<Message> ms = s.messages(conv);
    QCOMPARE(ms.size(), 3);
    QCOMPARE(ms[0].id, m1);
    QCOMPARE(ms[1].id, m2);
    QCOMPARE(ms[2].id, m3);
    QCOMPARE(ms[0].role, QStringLiteral("system"));
    QCOMPARE(ms[1].text, QStringLiteral("Hi"));
    QCOMPARE(ms[1].status, QStringLiteral("done"));
    QVERIFY(ms[1].finished.isValid());
    QCOMPARE(ms[2].status, QStringLiteral("generating"));
    QVERIFY(!ms[2].finished.isValid());
    QCOMPARE(ms[2].model, QStringLiteral("tiny.gguf"));

    s.setMessageText(m3, QStringLiteral("Hel"));
    QCOMPARE(s.message(m3)->text, QStringLiteral("Hel"));
    MessageStats st;
    st.promptTokens = 12;
    st.generatedTokens = 34;
    st.ttftMs = 56.5;
    st.prefillTps = 789.25;
    st.decodeTps = 21.5;
    st.peakRssBytes = 123456789012;
    st.backend = QStringLiteral("cpu");
    s.finishMessage(m3, QStringLiteral("Hello!"), QStringLiteral("stopped"), st);
    const Message f = *s.message(m3);
    QCOMPARE(f.text, QStringLiteral("Hello!"));
    QCOMPARE(f.status, QStringLiteral("stopped"));
    QVERIFY(f.finished.isValid() && f.finished >= f.created);
    QCOMPARE(f.stats.promptTokens, 12);
    QCOMPARE(f.stats.generatedTokens, 34);
    QCOMPARE(f.stats.ttftMs, 56.5);
    QCOMPARE(f.stats.prefillTps, 789.25);
    QCOMPARE(f.stats.decodeTps, 21.5);
    QCOMPARE(f.stats.peakRssBytes, Q_INT64_C(123456789012));
    QCOMPARE(f.stats.backend, QStringLiteral("cpu"));
    QVERIFY(!f.malformed);

    s.deleteMessage(m2);
    QCOMPARE(texts(s.messages(conv)), (QStringList{QStringLiteral("Be brief."), QStringLiteral("Hello!")}));
    QVERIFY(!s.message(m2).has_value());
    QVERIFY(s.integrityOk());
}

void StoreTest::deleteMessagesAfter() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 a = s.createConversation(QStringLiteral("A"));
    const qint64 b = s.createConversation(QStringLiteral("B"));
    QList<qint64> ms;
    for (int i = 0; i < 5; ++i) {
        ms << s.addMessage(a, i % 2 ? QStringLiteral("assistant") : QStringLiteral("user"), QStringLiteral("a%1").arg(i));
        s.addMessage(b, QStringLiteral("user"), QStringLiteral("b%1").arg(i));
    }
    s.deleteMessagesAfter(a, ms[2]);
    QCOMPARE(texts(s.messages(a)), (QStringList{QStringLiteral("a0"), QStringLiteral("a1"), QStringLiteral("a2")}));
    QCOMPARE(s.messages(b).size(), 5);  // later ids of another conversation stay
    QCOMPARE(s.search(QStringLiteral("a4")).size(), 0);
    const qint64 again = s.addMessage(a, QStringLiteral("assistant"), QStringLiteral("a3 regenerated"));
    QVERIFY(again > ms[4]);  // ids are never reused
}

void StoreTest::settings() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chat.db"));
    {
        ChatStore s(path);
        QCOMPARE(s.setting(QStringLiteral("theme"), QStringLiteral("global"), QStringLiteral("light")),
                 QStringLiteral("light"));
        QCOMPARE(s.setting(QStringLiteral("theme")), QString());
        s.setSetting(QStringLiteral("temperature"), QStringLiteral("0.7"));
        s.setSetting(QStringLiteral("temperature"), QStringLiteral("0.2"), QStringLiteral("tiny.gguf"));
        s.setSetting(QStringLiteral("theme"), QStringLiteral("dark"));
        s.setSetting(QStringLiteral("theme"), QStringLiteral("sepia"));  // overwrite
    }
    ChatStore s(path);
    QCOMPARE(s.setting(QStringLiteral("temperature")), QStringLiteral("0.7"));
    QCOMPARE(s.setting(QStringLiteral("temperature"), QStringLiteral("tiny.gguf")), QStringLiteral("0.2"));
    QCOMPARE(s.setting(QStringLiteral("temperature"), QStringLiteral("big.gguf"), QStringLiteral("1.0")),
             QStringLiteral("1.0"));
    QCOMPARE(s.setting(QStringLiteral("theme")), QStringLiteral("sepia"));
    s.removeSetting(QStringLiteral("temperature"), QStringLiteral("tiny.gguf"));
    QCOMPARE(s.setting(QStringLiteral("temperature"), QStringLiteral("tiny.gguf"), QStringLiteral("d")),
             QStringLiteral("d"));
    QCOMPARE(s.setting(QStringLiteral("temperature")), QStringLiteral("0.7"));
}

void StoreTest::invalidInput() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 conv = s.createConversation(QStringLiteral("T"));
    QVERIFY_THROWS_EXCEPTION(StoreError, s.addMessage(conv, QStringLiteral("robot"), QStringLiteral("x")));
    QVERIFY_THROWS_EXCEPTION(StoreError, s.addMessage(conv, QStringLiteral("user"), QStringLiteral("x"), {},
                                                      QStringLiteral("bogus")));
    QVERIFY_THROWS_EXCEPTION(StoreError, s.addMessage(conv + 100, QStringLiteral("user"), QStringLiteral("x")));
    QVERIFY_THROWS_EXCEPTION(StoreError, s.renameConversation(conv + 100, QStringLiteral("x")));
    QVERIFY_THROWS_EXCEPTION(StoreError, s.finishMessage(999, QStringLiteral("x"), QStringLiteral("done"), {}));
    QVERIFY_THROWS_EXCEPTION(StoreError, s.setMessageText(999, QStringLiteral("x")));
    QVERIFY_THROWS_EXCEPTION(StoreError, s.exportMarkdown(conv + 100));
    QVERIFY_THROWS_EXCEPTION(StoreError, s.exportJson(conv + 100));
    QVERIFY(s.messages(conv).isEmpty());
    QCOMPARE(s.conversations().size(), 1);
    try {
        s.renameConversation(conv + 100, QStringLiteral("x"));
    } catch (const StoreError& e) {
        QVERIFY(QString::fromStdString(e.what()).contains(s.path()));
        QVERIFY(!e.corrupt());
    }
}

void StoreTest::search() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 trip = s.createConversation(QStringLiteral("Trip to Lisbon"));
    const qint64 m1 = s.addMessage(trip, QStringLiteral("user"), QStringLiteral("Which museums open on Monday?"));
    const qint64 m2 =
        s.addMessage(trip, QStringLiteral("assistant"), QStringLiteral("The Gulbenkian museum opens at ten."));
    const qint64 food = s.createConversation(QStringLiteral("Recipes"));
    const qint64 m3 = s.addMessage(food, QStringLiteral("user"), QStringLiteral("Bake the bread at 220 degrees"));
    const qint64 m4 = s.addMessage(food, QStringLiteral("user"), QStringLiteral("Meet at the café and bring foobar"));

    auto hits = s.search(QStringLiteral("museum"));
    QCOMPARE(hits.size(), 2);  // prefix: "museums" and "museum"
    QSet<qint64> got{hits[0].messageId, hits[1].messageId};
    QCOMPARE(got, (QSet<qint64>{m1, m2}));
    for (const auto& h : hits) {
        QCOMPARE(h.conversationId, trip);
        QCOMPARE(h.conversationTitle, QStringLiteral("Trip to Lisbon"));
    }
    const auto byId = [&](qint64 id) {
        for (const auto& h : hits)
            if (h.messageId == id) return h.snippet;
        return QString();
    };
    QCOMPARE(byId(m2), QStringLiteral("The Gulbenkian \u0002museum\u0003 opens at ten."));
    QCOMPARE(byId(m1), QStringLiteral("Which \u0002museums\u0003 open on Monday?"));

    hits = s.search(QStringLiteral("lisbon"));
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].conversationId, trip);
    QCOMPARE(hits[0].messageId, 0);
    QCOMPARE(hits[0].snippet, QStringLiteral("Trip to \u0002Lisbon\u0003"));

    hits = s.search(QStringLiteral("bread   DEGREES"));  // all words, any case
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].messageId, m3);
    QCOMPARE(hits[0].conversationId, food);
    QCOMPARE(s.search(QStringLiteral("bread museum")).size(), 0);
    hits = s.search(QStringLiteral("cafe"));  // diacritics folded
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].messageId, m4);
    QCOMPARE(s.search(QStringLiteral("museum"), 1).size(), 1);
    QCOMPARE(s.search(QStringLiteral("museum"), 0).size(), 0);
}

void StoreTest::searchHostileQueries() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 conv = s.createConversation(QStringLiteral("Quotes \"and\" (parens)"));
    const qint64 m = s.addMessage(conv, QStringLiteral("user"), QStringLiteral("bread and butter, foobar NEAR x"));
    const QStringList hostile{QStringLiteral("\""),       QStringLiteral("AND"),     QStringLiteral("foo*"),
                              QStringLiteral("("),        QStringLiteral(""),        QStringLiteral("   "),
                              QStringLiteral("NEAR(a b)"), QStringLiteral("a OR"),   QStringLiteral("text:bread"),
                              QStringLiteral("^bread"),   QStringLiteral("\"bread"), QStringLiteral("-"),
                              QStringLiteral("*"),        QStringLiteral("'; DROP TABLE messages; --")};
    for (const QString& q : hostile) {
        try {
            s.search(q);
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QStringLiteral("search(%1) threw: %2").arg(q, QString::fromUtf8(e.what()))));
        }
    }
    // Operators are plain words.
    auto hits = s.search(QStringLiteral("AND"));
    QCOMPARE(hits.size(), 2);  // the title and the message both contain "and"
    hits = s.search(QStringLiteral("foo*"));
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].messageId, m);
    QCOMPARE(s.search(QStringLiteral("\"bread")).size(), 1);
    QCOMPARE(s.search(QStringLiteral("(")).size(), 0);
    QCOMPARE(s.search(QString()).size(), 0);
    QCOMPARE(s.messages(conv).size(), 1);
}

void StoreTest::exportMarkdown() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 conv = s.createConversation(QStringLiteral("Greetings"));
    s.addMessage(conv, QStringLiteral("system"), QStringLiteral("Be brief."));
    s.addMessage(conv, QStringLiteral("user"), QStringLiteral("Hi\n"));
    s.addMessage(conv, QStringLiteral("assistant"), QStringLiteral("Hello! **How** can I help?"),
                 QStringLiteral("tiny.gguf"));
    const qint64 g = s.addMessage(conv, QStringLiteral("assistant"), QString(), QStringLiteral("tiny.gguf"),
                                  QStringLiteral("generating"));
    s.finishMessage(g, QStringLiteral("Partial"), QStringLiteral("stopped"), {});
    s.addMessage(conv, QStringLiteral("assistant"), QStringLiteral("Line one\n\nLine two"));
    const QString expected = QStringLiteral(
        "# Greetings\n"
        "\n## System\n\nBe brief.\n"
        "\n## User\n\nHi\n"
        "\n## Assistant (tiny.gguf)\n\nHello! **How** can I help?\n"
        "\n## Assistant (tiny.gguf)\n\n*(stopped)*\n\nPartial\n"
        "\n## Assistant\n\nLine one\n\nLine two\n");
    QCOMPARE(s.exportMarkdown(conv), expected);

    const qint64 empty = s.createConversation(QStringLiteral("two\nlines"));
    QCOMPARE(s.exportMarkdown(empty), QStringLiteral("# two lines\n"));
}

void StoreTest::exportJson() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 conv = s.createConversation(QStringLiteral("Json \"test\""));
    s.addMessage(conv, QStringLiteral("user"), QStringLiteral("2+2?"));
    const qint64 a = s.addMessage(conv, QStringLiteral("assistant"), QString(), QStringLiteral("tiny.gguf"),
                                  QStringLiteral("generating"));
    const qint64 b = s.addMessage(conv, QStringLiteral("assistant"), QString(), QStringLiteral("tiny.gguf"),
                                  QStringLiteral("generating"));
    MessageStats st;
    st.promptTokens = 7;
    st.generatedTokens = 3;
    st.ttftMs = 12.5;
    st.prefillTps = 100.25;
    st.decodeTps = 40.5;
    st.peakRssBytes = 5000000000;
    st.backend = QStringLiteral("vulkan");
    s.finishMessage(a, QStringLiteral("4"), QStringLiteral("done"), st);

    QJsonParseError err{};
    const QJsonObject o = QJsonDocument::fromJson(s.exportJson(conv), &err).object();
    QCOMPARE(err.error, QJsonParseError::NoError);
    QCOMPARE(o.value("format").toString(), QStringLiteral("tern-chat"));
    QCOMPARE(o.value("version").toInt(), 1);
    QCOMPARE(o.value("title").toString(), QStringLiteral("Json \"test\""));
    const auto c = s.conversation(conv);
    QCOMPARE(QDateTime::fromString(o.value("created").toString(), Qt::ISODateWithMs), c->created);
    QCOMPARE(QDateTime::fromString(o.value("updated").toString(), Qt::ISODateWithMs), c->updated);
    const QJsonArray ms = o.value("messages").toArray();
    QCOMPARE(ms.size(), 3);
    QCOMPARE(ms[0].toObject().value("role").toString(), QStringLiteral("user"));
    QCOMPARE(ms[0].toObject().value("text").toString(), QStringLiteral("2+2?"));
    const QJsonObject ma = ms[1].toObject();
    const Message stored = *s.message(a);
    QCOMPARE(ma.value("role").toString(), QStringLiteral("assistant"));
    QCOMPARE(ma.value("text").toString(), QStringLiteral("4"));
    QCOMPARE(ma.value("model").toString(), QStringLiteral("tiny.gguf"));
    QCOMPARE(ma.value("status").toString(), QStringLiteral("done"));
    QCOMPARE(QDateTime::fromString(ma.value("created").toString(), Qt::ISODateWithMs), stored.created);
    QCOMPARE(QDateTime::fromString(ma.value("finished").toString(), Qt::ISODateWithMs), stored.finished);
    QVERIFY(ma.value("created").toString().endsWith(QLatin1Char('Z')));
    const QJsonObject js = ma.value("stats").toObject();
    QCOMPARE(js.value("promptTokens").toInt(), 7);
    QCOMPARE(js.value("generatedTokens").toInt(), 3);
    QCOMPARE(js.value("ttftMs").toDouble(), 12.5);
    QCOMPARE(js.value("prefillTps").toDouble(), 100.25);
    QCOMPARE(js.value("decodeTps").toDouble(), 40.5);
    QCOMPARE(js.value("peakRssBytes").toInteger(), Q_INT64_C(5000000000));
    QCOMPARE(js.value("backend").toString(), QStringLiteral("vulkan"));
    QVERIFY(!ma.contains("malformed"));
    const QJsonObject mb = ms[2].toObject();
    QVERIFY(mb.value("finished").isNull());
    QCOMPARE(mb.value("status").toString(), QStringLiteral("generating"));
    QVERIFY(b > a);
}

void StoreTest::migrationFromV1() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v1.db"));
    qint64 conv = 0;
    {
        RawDb raw(path);
        QVERIFY(raw.db.isOpen());
        ChatStore::createSchemaV1ForTests(raw.db);
        QCOMPARE(scalar(raw.db, QStringLiteral("PRAGMA user_version")), 1);
        QCOMPARE(scalar(raw.db, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'settings'")), 0);
        QVERIFY(exec(raw.db, QStringLiteral("INSERT INTO conversations(title, created_ms, updated_ms) VALUES (?, ?, ?)"),
                     {QStringLiteral("Old chat"), Q_INT64_C(1700000000000), Q_INT64_C(1700000005000)}));
        conv = scalar(raw.db, QStringLiteral("SELECT max(id) FROM conversations"));
        const QString ins = QStringLiteral(
            "INSERT INTO messages(conversation_id, role, text, model, created_ms, finished_ms, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)");
        QVERIFY(exec(raw.db, ins,
                     {conv, QStringLiteral("user"), QStringLiteral("legacy question about penguins"), QStringLiteral(""),
                      Q_INT64_C(1700000001000), Q_INT64_C(1700000001000), QStringLiteral("done")}));
        QVERIFY(exec(raw.db, ins,
                     {conv, QStringLiteral("assistant"), QStringLiteral("Penguins live in the south."),
                      QStringLiteral("old.gguf"), Q_INT64_C(1700000002000), Q_INT64_C(1700000003000),
                      QStringLiteral("done")}));
        QVERIFY(exec(raw.db, ins,
                     {conv, QStringLiteral("assistant"), QStringLiteral("cut off"), QStringLiteral("old.gguf"),
                      Q_INT64_C(1700000004000), QVariant(QMetaType(QMetaType::LongLong)),
                      QStringLiteral("generating")}));
    }
    ChatStore s(path);
    QCOMPARE(s.schemaVersion(), ChatStore::kSchemaVersion);
    const auto cs = s.conversations();
    QCOMPARE(cs.size(), 1);
    QCOMPARE(cs[0].id, conv);
    QCOMPARE(cs[0].title, QStringLiteral("Old chat"));
    QCOMPARE(cs[0].created, QDateTime::fromMSecsSinceEpoch(Q_INT64_C(1700000000000), Qt::UTC));
    QCOMPARE(cs[0].updated, QDateTime::fromMSecsSinceEpoch(Q_INT64_C(1700000005000), Qt::UTC));
    const QList<Message> ms = s.messages(conv);
    QCOMPARE(texts(ms), (QStringList{QStringLiteral("legacy question about penguins"),
                                     QStringLiteral("Penguins live in the south."), QStringLiteral("cut off")}));
    QCOMPARE(ms[1].model, QStringLiteral("old.gguf"));
    QCOMPARE(ms[1].finished, QDateTime::fromMSecsSinceEpoch(Q_INT64_C(1700000003000), Qt::UTC));
    QCOMPARE(ms[1].stats.generatedTokens, 0);
    QCOMPARE(ms[1].stats.backend, QString());
    QCOMPARE(ms[2].status, QStringLiteral("interrupted"));
    for (const Message& m : ms) QVERIFY(!m.malformed);

    // The FTS index was backfilled from the old rows.
    auto hits = s.search(QStringLiteral("penguins"));
    QCOMPARE(hits.size(), 2);
    QCOMPARE((QSet<qint64>{hits[0].messageId, hits[1].messageId}), (QSet<qint64>{ms[0].id, ms[1].id}));
    hits = s.search(QStringLiteral("old"));
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].messageId, 0);
    QCOMPARE(hits[0].conversationId, conv);
    QVERIFY(s.integrityOk());
    // New features work on the migrated file.
    s.setSetting(QStringLiteral("k"), QStringLiteral("v"));
    QCOMPARE(s.setting(QStringLiteral("k")), QStringLiteral("v"));
    const qint64 m = s.addMessage(conv, QStringLiteral("user"), QStringLiteral("new krill question"));
    QCOMPARE(s.search(QStringLiteral("krill")).value(0).messageId, m);
}

void StoreTest::newerSchemaRefused() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("future.db"));
    {
        RawDb raw(path);
        QVERIFY(exec(raw.db, QStringLiteral("CREATE TABLE t(x)")));
        QVERIFY(exec(raw.db, QStringLiteral("PRAGMA user_version = %1").arg(ChatStore::kSchemaVersion + 1)));
    }
    try {
        ChatStore s(path);
        QFAIL("a newer schema was accepted");
    } catch (const StoreError& e) {
        const QString msg = QString::fromUtf8(e.what());
        QVERIFY2(msg.contains(path) && msg.contains(QStringLiteral("newer")), e.what());
        QVERIFY(!e.corrupt());
    }
}

void StoreTest::crashSafety() {
    const QString tool = writerTool();
    if (!QFileInfo::exists(tool)) QFAIL(qPrintable(QStringLiteral("writer tool not found: %1").arg(tool)));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chat.db"));
    constexpr int kPairs = 20;
    // Kill at different moments of the streaming answer; the same file is reused, so each
    // run also reopens a file recovered from the previous kill.
    const QList<int> delaysMs{200, 0, 30, 500, 120};
    for (int run = 0; run < delaysMs.size(); ++run) {
        QProcess p;
        p.setProcessChannelMode(QProcess::SeparateChannels);
        p.start(tool, {path, QString::number(kPairs)});
        QVERIFY2(p.waitForStarted(10000), qPrintable(p.errorString()));
        QByteArray out;
        while (!out.contains("ready\n")) {
            if (!p.waitForReadyRead(20000)) {
                p.kill();
                p.waitForFinished();
                QFAIL(qPrintable(QStringLiteral("writer never got ready: %1")
                                     .arg(QString::fromLocal8Bit(p.readAllStandardError()))));
            }
            out += p.readAllStandardOutput();
        }
        if (delaysMs[run] > 0) QThread::msleep(static_cast<unsigned long>(delaysMs[run]));
        QCOMPARE(::kill(static_cast<pid_t>(p.processId()), SIGKILL), 0);
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        QVERIFY2(p.readAllStandardError().isEmpty(), "the writer reported an error before the kill");

        ChatStore s(path);
        QVERIFY(s.integrityOk());
        QList<tern::app::Conversation> cs = s.conversations();
        QCOMPARE(cs.size(), run + 1);
        std::sort(cs.begin(), cs.end(), [](const auto& x, const auto& y) { return x.id < y.id; });
        for (int r = 0; r <= run; ++r) {
            const QList<Message> ms = s.messages(cs[r].id);
            QVERIFY(ms.size() == 2 * kPairs || ms.size() == 2 * kPairs + 1);
            for (int i = 0; i < kPairs; ++i) {
                QCOMPARE(ms[2 * i].text, QStringLiteral("question %1").arg(i));
                QCOMPARE(ms[2 * i + 1].text, QStringLiteral("answer %1").arg(i));
                QCOMPARE(ms[2 * i + 1].status, QStringLiteral("done"));
                QVERIFY(ms[2 * i + 1].finished.isValid());
            }
            if (ms.size() == 2 * kPairs + 1) {
                const Message& partial = ms.back();
                QCOMPARE(partial.status, QStringLiteral("interrupted"));
                QVERIFY(!partial.finished.isValid());
                QVERIFY(!partial.malformed);
                // A prefix of "tok0 tok1 tok2 ..." ending at a whole update.
                const QStringList toks = partial.text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
                for (int k = 0; k < toks.size(); ++k) QCOMPARE(toks[k], QStringLiteral("tok%1").arg(k));
                QVERIFY(partial.text.isEmpty() || partial.text.endsWith(QLatin1Char(' ')));
                if (delaysMs[r] >= 200) QVERIFY2(toks.size() > 1, "no partial text was saved");
            } else {
                // Only a kill right after "ready" may come before the answer's first commit.
                QVERIFY2(delaysMs[r] < 200, "the partial answer vanished though it was committed");
            }
        }
    }
}

void StoreTest::corruptFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chat.db"));
    const QByteArray bytes = garbage(8192, 42);
    const QByteArray walBytes = garbage(4096, 7);
    QVERIFY(writeFile(path, bytes));
    QVERIFY(writeFile(path + QStringLiteral("-wal"), walBytes));
    try {
        ChatStore s(path);
        QFAIL("garbage accepted as a database");
    } catch (const StoreError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
        QVERIFY(e.corrupt());
        QVERIFY(!QString::fromUtf8(e.what()).contains(QLatin1Char('\n')));
    }
    QCOMPARE(tern::test::readAll(path), bytes);  // a failed open changes nothing
    QCOMPARE(tern::test::readAll(path + QStringLiteral("-wal")), walBytes);

    const QString backup = ChatStore::recoverCorrupt(path);
    QVERIFY2(QRegularExpression(QStringLiteral("\\.corrupt-\\d{8}-\\d{6}$")).match(backup).hasMatch(),
             qPrintable(backup));
    QVERIFY(backup.startsWith(path + QStringLiteral(".corrupt-")));
    QCOMPARE(tern::test::readAll(backup), bytes);
    QCOMPARE(tern::test::readAll(backup + QStringLiteral("-wal")), walBytes);
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));
    {
        ChatStore s(path);
        QVERIFY(s.conversations().isEmpty());
        s.createConversation(QStringLiteral("fresh"));
        QVERIFY(s.integrityOk());
    }
    // A second recovery never overwrites the first backup.
    const QByteArray bytes2 = garbage(3000, 43);
    QVERIFY(QFile::remove(path));
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    QVERIFY(writeFile(path, bytes2));
    QVERIFY_THROWS_EXCEPTION(StoreError, ChatStore{path});
    const QString backup2 = ChatStore::recoverCorrupt(path);
    QVERIFY(backup2 != backup);
    QCOMPARE(tern::test::readAll(backup), bytes);
    QCOMPARE(tern::test::readAll(backup2), bytes2);
    QVERIFY_THROWS_EXCEPTION(StoreError, ChatStore::recoverCorrupt(path));  // nothing there now
}

void StoreTest::truncatedFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chat.db"));
    {
        ChatStore s(path);
        const qint64 conv = s.createConversation(QStringLiteral("long"));
        for (int i = 0; i < 300; ++i)
            s.addMessage(conv, QStringLiteral("user"), QStringLiteral("message %1 ").arg(i).repeated(40));
    }
    QVERIFY(!QFileInfo::exists(path + QStringLiteral("-wal")));  // checkpointed on close
    const QByteArray full = tern::test::readAll(path);
    QVERIFY(full.size() > 100000);
    for (const qsizetype keep : {full.size() / 2, qsizetype(60)}) {
        QVERIFY(writeFile(path, full.left(keep)));
        try {
            ChatStore s(path);
            QFAIL(qPrintable(QStringLiteral("a file truncated to %1 bytes was accepted").arg(keep)));
        } catch (const StoreError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
            QVERIFY2(e.corrupt(), e.what());
        }
    }
}

void StoreTest::malformedRow() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("chat.db"));
    ChatStore s(path);
    const qint64 conv = s.createConversation(QStringLiteral("T"));
    const qint64 good = s.addMessage(conv, QStringLiteral("user"), QStringLiteral("fine"));
    {
        const QSqlDatabase db = QSqlDatabase::database(s.connectionName());
        const QString ins = QStringLiteral(
            "INSERT INTO messages(conversation_id, role, text, created_ms, status) VALUES (?, %1, %2, 0, %3)");
        QVERIFY(exec(db, ins.arg("'wizard'", "'spell'", "'done'"), {conv}));
        QVERIFY(exec(db, ins.arg("'user'", "X'C328FF00'", "'done'"), {conv}));  // not text
        QVERIFY(exec(db, ins.arg("'assistant'", "'ok text'", "'pending'"), {conv}));
    }
    const QList<Message> ms = s.messages(conv);
    QCOMPARE(ms.size(), 4);
    QCOMPARE(ms[0].id, good);
    QVERIFY(!ms[0].malformed);
    QCOMPARE(ms[0].text, QStringLiteral("fine"));
    for (int i = 1; i < 4; ++i) {
        QVERIFY(ms[i].malformed);
        QCOMPARE(ms[i].text, QStringLiteral("[unreadable message #%1]").arg(ms[i].id));
    }
    QCOMPARE(ms[1].role, QStringLiteral("system"));
    QCOMPARE(ms[2].role, QStringLiteral("user"));
    QCOMPARE(ms[3].status, QStringLiteral("error"));
    QVERIFY(s.message(ms[2].id)->malformed);
    QVERIFY(s.exportMarkdown(conv).contains(QStringLiteral("[unreadable message #%1]").arg(ms[2].id)));
    const QJsonArray arr = QJsonDocument::fromJson(s.exportJson(conv)).object().value("messages").toArray();
    QCOMPARE(arr.size(), 4);
    QVERIFY(arr[2].toObject().value("malformed").toBool());
    QVERIFY(s.integrityOk());
}

void StoreTest::diskFull() {
    // PRAGMA max_page_count makes SQLite answer SQLITE_FULL exactly as on a full disk.
    QTemporaryDir dir;
    ChatStore s(dir.filePath(QStringLiteral("chat.db")));
    const qint64 conv = s.createConversation(QStringLiteral("T"));
    const qint64 m = s.addMessage(conv, QStringLiteral("assistant"), QStringLiteral("start"), {},
                                  QStringLiteral("generating"));
    const QDateTime updated = s.conversation(conv)->updated;
    const QString big = QStringLiteral("x").repeated(200000);
    {
        const QSqlDatabase db = QSqlDatabase::database(s.connectionName());
        const qint64 pages = scalar(db, QStringLiteral("PRAGMA page_count"));
        QVERIFY(pages > 0);
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA max_page_count = %1").arg(pages)), pages);
    }
    try {
        s.addMessage(conv, QStringLiteral("user"), big);
        QFAIL("write beyond the page limit succeeded");
    } catch (const StoreError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("full")), e.what());
        QVERIFY(QString::fromUtf8(e.what()).contains(s.path()));
    }
    QVERIFY_THROWS_EXCEPTION(StoreError, s.finishMessage(m, big, QStringLiteral("done"), {}));
    // Nothing half-written: no new row, the old one unchanged, updated not bumped.
    QCOMPARE(s.messages(conv).size(), 1);
    QCOMPARE(s.message(m)->text, QStringLiteral("start"));
    QCOMPARE(s.message(m)->status, QStringLiteral("generating"));
    QCOMPARE(s.conversation(conv)->updated, updated);
    QCOMPARE(s.search(QStringLiteral("xxx")).size(), 0);
    QVERIFY(s.integrityOk());
    {
        const QSqlDatabase db = QSqlDatabase::database(s.connectionName());
        QVERIFY(exec(db, QStringLiteral("PRAGMA max_page_count = 1073741823")));
    }
    s.finishMessage(m, big, QStringLiteral("done"), {});  // space again: writes work
    QCOMPARE(s.message(m)->text.size(), big.size());
}

void StoreTest::readOnlyLocation() {
    QTemporaryDir dir;
    const QString sub = dir.filePath(QStringLiteral("ro"));
    const QString path = sub + QStringLiteral("/chat.db");
    {
        ChatStore s(path);
        s.addMessage(s.createConversation(QStringLiteral("T")), QStringLiteral("user"), QStringLiteral("kept"));
    }
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0444), 0);
    QCOMPARE(::chmod(QFile::encodeName(sub).constData(), 0555), 0);
    const auto restore = qScopeGuard([&] {
        ::chmod(QFile::encodeName(sub).constData(), 0755);
        ::chmod(QFile::encodeName(path).constData(), 0644);
    });
    {
        QFile probe(sub + QStringLiteral("/probe"));
        if (probe.open(QIODevice::WriteOnly)) {
            probe.close();
            probe.remove();
            QSKIP("running with privileges that ignore file permissions (root): read-only cannot be simulated");
        }
    }
    try {
        ChatStore s(path);  // may already fail here (no -shm can be created)
        s.createConversation(QStringLiteral("new"));
        QFAIL("write to a read-only database succeeded");
    } catch (const StoreError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
    }
    QCOMPARE(::chmod(QFile::encodeName(sub).constData(), 0755), 0);
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0644), 0);
    ChatStore s(path);
    QCOMPARE(s.conversations().size(), 1);
    QCOMPARE(s.messages(s.conversations()[0].id).value(0).text, QStringLiteral("kept"));
}

QTEST_GUILESS_MAIN(StoreTest)
#include "test_store.moc"
