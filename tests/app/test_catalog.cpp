// The model catalog: the bundled resources/catalog.json, the parser's rejection rules (a bad
// document is rejected whole), forward compatibility (unknown fields), what each entry needs from
// the engine, and the list model the catalog page uses (filters, search, installed, fits in RAM,
// refresh from a URL through an injected fetch function, the cached copy).
#include "catalog/catalog.h"
#include "catalog/catalog_model.h"
#include "catalog/catalog_requirements.h"
#include "catalog/catalog_source.h"
#include "test_support.h"

#include "tern/capabilities.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <memory>

using namespace tern::app;

namespace {

QString sourceDir() {
    QString d = qEnvironmentVariable("TERN_SOURCE_DIR");
    if (d.isEmpty()) d = QFileInfo(QStringLiteral(__FILE__)).absolutePath() + QStringLiteral("/../..");
    return QDir(d).absolutePath();
}

// A small hand-written catalog: two ternary models (one MoE), one MoE, one with nothing known.
QJsonObject smallDoc() {
    const QByteArray json =
        "{"
        "\"schema_version\": 1, \"updated\": \"2026-11-01\","
        "\"models\": ["
        "{\"id\": \"tiny\", \"name\": \"Tiny Stories\", \"publisher\": \"Tern project\", \"file_name\": \"tiny.gguf\","
        "\"bundled\": true, \"types\": [\"TQ2_0\", \"F32\"], \"architecture\": \"llama\", \"tokenizer\": \"llama\","
        "\"size_bytes\": 1000, \"sha256\": \"2EF77F461CF04386971B697E7F4CE6BF39CA5935E71CDAC42C69B8351512B51C\","
        "\"ram_bytes\": 1000000000, \"experts\": 4, \"experts_used\": 2,"
        "\"description\": \"Writes stories for children\", \"tags\": [\"ternary\", \"MoE\", \"completion\"]},"
        "{\"id\": \"bit\", \"name\": \"BitNet Chat\", \"publisher\": \"Microsoft\", \"file_name\": \"ggml-model-i2_s.gguf\","
        "\"local_file_name\": \"bitnet.gguf\", \"url\": \"https://huggingface.co/m/b/resolve/main/ggml-model-i2_s.gguf\","
        "\"types\": [\"I2_S\", \"F16\"], \"architecture\": \"bitnet-b1.58\", \"tokenizer\": \"gpt2\","
        "\"size_bytes\": null, \"size_note\": \"about 1.19 GB\", \"sha256\": null, \"ram_bytes\": 3000000000,"
        "\"description\": \"A ternary chat model\", \"tags\": [\"ternary\", \"chat\"]},"
        "{\"id\": \"qmoe\", \"name\": \"Qwen MoE\", \"publisher\": \"ggml-org\", \"file_name\": \"q.gguf\","
        "\"url\": \"https://huggingface.co/g/q/resolve/main/q.gguf\", \"types\": [\"Q8_0\"], \"architecture\": \"qwen3moe\","
        "\"tokenizer\": \"gpt2\", \"ram_bytes\": 8000000000, \"description\": \"Mixture of experts for chat\","
        "\"tags\": [\"moe\", \"chat\"]},"
        "{\"id\": \"plain\", \"name\": \"Plain\", \"file_name\": \"plain.gguf\", \"url\": \"https://example.org/plain.gguf\","
        "\"types\": [\"F32\"], \"architecture\": \"llama\"}"
        "]}";
    return QJsonDocument::fromJson(json).object();
}

QByteArray bytes(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QJsonObject withDate(QJsonObject o, const QString& date) {
    o[QStringLiteral("updated")] = date;
    return o;
}

// The small document with model `index` changed by `edit`.
template <typename Edit>
QJsonObject editModel(int index, Edit edit) {
    QJsonObject doc = smallDoc();
    QJsonArray models = doc[QStringLiteral("models")].toArray();
    QJsonObject m = models[index].toObject();
    edit(m);
    models[index] = m;
    doc[QStringLiteral("models")] = models;
    return doc;
}

QString parseError(const QByteArray& json) {
    try {
        Catalog::parse(json);
    } catch (const CatalogError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QStringList ids(const Catalog& c) {
    QStringList out;
    for (const CatalogEntry& e : c.entries()) out << e.id;
    return out;
}

QStringList rowIds(const CatalogModel& m) {
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r) out << m.data(m.index(r), CatalogModel::CatalogIdRole).toString();
    return out;
}

// The engine as the catalog tests assume it, independent of what the real engine has grown.
EngineSupport fakeEngine() {
    EngineSupport s;
    s.type = [](const QString& t) { return QStringList{"F32", "F16", "Q8_0", "TQ2_0"}.contains(t); };
    s.architecture = [](const QString& a) { return QStringList{"llama", "qwen3moe"}.contains(a); };
    s.tokenizer = [](const QString& t) { return t == QLatin1String("llama"); };
    return s;
}

FetchFunction serve(const QByteArray& body, std::atomic<int>* calls = nullptr) {
    return [body, calls](const QString&, const std::atomic<bool>&) {
        if (calls) ++*calls;
        return FetchResult{body, {}};
    };
}

// A resources dir with the small catalog, a data dir and a models dir.
struct Dirs {
    QTemporaryDir root;
    QString resources, data, models;
    explicit Dirs(const QByteArray& bundled = bytes(smallDoc())) {
        resources = root.path() + "/res";
        data = root.path() + "/data";
        models = data + "/models";
        QDir().mkpath(resources);
        QDir().mkpath(models);
        QFile f(resources + "/catalog.json");
        if (f.open(QIODevice::WriteOnly)) f.write(bundled);
    }
};

}  // namespace

class TestCatalog : public QObject {
    Q_OBJECT
private slots:
    void bundledCatalogIsValid();
    void bundledModelMatchesItsEntry();
    void unsupportedReasons();
    void bundledEntriesAgainstTheRealEngine();
    void invalidDocumentsAreRejectedWhole_data();
    void invalidDocumentsAreRejectedWhole();
    void unknownFieldsAreIgnored();
    void valuesAreReadAsWritten();
    void filtersAndSearch();
    void installedFollowsTheModelsFolder();
    void fitsInRamUsesTheGivenRam();
    void getReturnsAllRoles();
    void refreshWithANewerDocumentReplacesAndCaches();
    void refreshWithABadDocumentKeepsThePrevious();
    void refreshWithAnOlderDocumentKeepsTheCurrent();
    void cachedCopyIsUsedOnlyWhenValidAndNewer();
    void destroyingTheModelCancelsAFetch();
    void httpsGetRefusesOtherSchemesAndReportsFailures();
};

void TestCatalog::bundledCatalogIsValid() {
    const QString path = sourceDir() + "/resources/catalog.json";
    QVERIFY2(QFileInfo::exists(path), qPrintable(path));
    Catalog c;
    try {
        c = Catalog::loadFile(path);
    } catch (const CatalogError& e) {
        QFAIL(e.what());
    }
    QCOMPARE(c.schemaVersion(), 1);
    QCOMPARE(c.updated(), QDate(2026, 11, 29));
    QCOMPARE(c.entries().size(), 11);
    QCOMPARE(ids(c).mid(0, 2), (QStringList{"tern-tiny-moe", "bitnet-b1.58-2b-4t-i2_s"}));

    for (const CatalogEntry& e : c.entries()) {
        // Nothing made up: an unknown size or hash says so, and what is given has its real form.
        if (e.sizeBytes < 0) QVERIFY2(e.sizeNote.contains("not known"), qPrintable(e.id));
        if (e.sha256.isEmpty()) QVERIFY2(!e.sha256Note.isEmpty(), qPrintable(e.id));
        QVERIFY2(e.ramBytes > 0 && !e.ramNote.isEmpty(), qPrintable(e.id));
        QVERIFY2(!e.tokenizer.isEmpty(), qPrintable(e.id));
        if (e.bundled) continue;
        QCOMPARE(e.url, QStringLiteral("https://huggingface.co/%1/resolve/main/%2").arg(e.repository, e.fileName));
    }

    const auto bitnet = c.find("bitnet-b1.58-2b-4t-i2_s");
    QVERIFY(bitnet);
    QCOMPARE(bitnet->sha256, QStringLiteral("4221b252fdd5fd25e15847adfeb5ee88886506ba50b8a34548374492884c2162"));
    QCOMPARE(bitnet->sizeBytes, qint64(-1));
    QCOMPARE(bitnet->architecture, QStringLiteral("bitnet-b1.58"));
    QCOMPARE(bitnet->types, (QStringList{"I2_S", "F16", "F32"}));
    QCOMPARE(bitnet->contextLength, 4096);
    QCOMPARE(bitnet->localFileName, QStringLiteral("bitnet-b1.58-2B-4T-i2_s.gguf"));
    QVERIFY(bitnet->isTernary() && !bitnet->isMoe());

    const auto olmoe = c.find("olmoe-1b-7b-0924-instruct-q4_0");
    QVERIFY(olmoe);
    QCOMPARE(olmoe->sha256, QStringLiteral("e6fe22c3beb101a0679e49647f57c159f87b4a5547f0b444ae7f6b90f09d23d8"));
    QCOMPARE(olmoe->url, QStringLiteral("https://huggingface.co/bartowski/OLMoE-1B-7B-0924-Instruct-GGUF/resolve/main/"
                                        "OLMoE-1B-7B-0924-Instruct-Q4_0.gguf"));
    QVERIFY(olmoe->isMoe() && !olmoe->isTernary());
    QVERIFY(!c.find("no-such-model"));
}

void TestCatalog::bundledModelMatchesItsEntry() {
    const Catalog c = Catalog::loadBundled(sourceDir() + "/resources");
    const auto tiny = c.find("tern-tiny-moe");
    QVERIFY(tiny);
    QVERIFY(tiny->bundled && tiny->url.isEmpty());
    QCOMPARE(tiny->sizeBytes, qint64(1318144));
    QCOMPARE(tiny->paramsTotal, qint64(3216128));
    // Active: all but the 2 unused experts' three 256x256 matrices in each of the 3 layers.
    QCOMPARE(tiny->paramsActive, qint64(3216128 - 3 * 2 * 3 * 256 * 256));
    QCOMPARE(tiny->experts, 4);
    QCOMPARE(tiny->expertsUsed, 2);
    QCOMPARE(tiny->contextLength, 256);

    const QByteArray file = tern::test::readAll(sourceDir() + "/resources/models/" + tiny->localFileName);
    QCOMPARE(qint64(file.size()), tiny->sizeBytes);
    QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(file, QCryptographicHash::Sha256).toHex()), tiny->sha256);
}

void TestCatalog::unsupportedReasons() {
    const Catalog c = Catalog::loadBundled(sourceDir() + "/resources");
    const EngineSupport engine = fakeEngine();
    QCOMPARE(unsupportedReason(*c.find("tern-tiny-moe"), engine), QString());
    QCOMPARE(unsupportedReason(*c.find("bitnet-b1.58-2b-4t-i2_s"), engine),
             QStringLiteral("needs I2_S support; needs the bitnet-b1.58 architecture; needs the gpt2 (BPE) tokenizer"));
    QCOMPARE(unsupportedReason(*c.find("falcon3-1b-instruct-1.58bit-i2_s"), engine),
             QStringLiteral("needs I2_S support; needs the gpt2 (BPE) tokenizer"));
    QCOMPARE(unsupportedReason(*c.find("qwen3-30b-a3b-q4_k_m"), engine),
             QStringLiteral("needs Q4_K and Q6_K support; needs the gpt2 (BPE) tokenizer"));
    QCOMPARE(unsupportedReason(*c.find("olmoe-1b-7b-0924-instruct-q4_0"), engine),
             QStringLiteral("needs Q4_0 support; needs the olmoe architecture; needs the gpt2 (BPE) tokenizer"));

    CatalogEntry e;
    e.types = QStringList{"I2_S", "Q4_K", "I2_S", "Q6_K"};
    e.architecture = "llama";  // tokenizer not known: judged on the rest
    QCOMPARE(unsupportedReason(e, engine), QStringLiteral("needs I2_S, Q4_K and Q6_K support"));
}

void TestCatalog::bundledEntriesAgainstTheRealEngine() {
    Dirs d;
    QFile::remove(d.resources + "/catalog.json");
    QVERIFY(QFile::copy(sourceDir() + "/resources/catalog.json", d.resources + "/catalog.json"));
    CatalogModel m(d.resources, d.data, d.models);
    QCOMPARE(m.totalCount(), 11);
    const QVariantMap tiny = m.get("tern-tiny-moe");
    QCOMPARE(tiny["runnable"].toBool(), true);
    QCOMPARE(tiny["unsupportedReason"].toString(), QString());
    const QVariantMap bitnet = m.get("bitnet-b1.58-2b-4t-i2_s");
    if (!tern::is_type_supported("I2_S")) {
        QCOMPARE(bitnet["runnable"].toBool(), false);
        QVERIFY2(bitnet["unsupportedReason"].toString().startsWith("needs I2_S support"),
                 qPrintable(bitnet["unsupportedReason"].toString()));
    } else {
        QVERIFY(!bitnet["unsupportedReason"].toString().contains("I2_S"));
    }
    const bool bitnetRuns = tern::is_type_supported("I2_S") && tern::is_architecture_supported("bitnet-b1.58") &&
                            tern::is_tokenizer_supported("gpt2");
    QCOMPARE(bitnet["runnable"].toBool(), bitnetRuns);
}

void TestCatalog::invalidDocumentsAreRejectedWhole_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    auto remove = [](const char* key) { return [key](QJsonObject& m) { m.remove(QLatin1String(key)); }; };
    auto set = [](const char* key, QJsonValue v) { return [key, v](QJsonObject& m) { m[QLatin1String(key)] = v; }; };

    QTest::newRow("not JSON") << QByteArray("{\"schema_version\": 1, \"models\": [") << "not valid JSON";
    QTest::newRow("empty") << QByteArray() << "not valid JSON";
    QTest::newRow("an array") << QByteArray("[1, 2]") << "not a JSON object";
    QJsonObject doc = smallDoc();
    doc.remove("schema_version");
    QTest::newRow("no schema_version") << bytes(doc) << "missing \"schema_version\"";
    doc = smallDoc();
    doc["schema_version"] = 2;
    QTest::newRow("newer schema") << bytes(doc) << "schema_version 2 is newer";
    doc["schema_version"] = "1";
    QTest::newRow("schema_version a string") << bytes(doc) << "\"schema_version\" is not a positive whole number";
    doc = smallDoc();
    doc["models"] = QJsonObject{{"id", "x"}};
    QTest::newRow("models not a list") << bytes(doc) << "\"models\" is not a list";
    doc.remove("models");
    QTest::newRow("no models") << bytes(doc) << "\"models\" is not a list";
    doc["models"] = QJsonArray();
    QTest::newRow("no entries") << bytes(doc) << "\"models\" is empty";
    QTest::newRow("bad date") << bytes(withDate(smallDoc(), "29/11/2026")) << "\"updated\" is not a date";
    for (const char* key : {"id", "name", "file_name", "architecture", "types"})
        QTest::newRow(qPrintable(QStringLiteral("no %1").arg(key)))
            << bytes(editModel(1, remove(key))) << QStringLiteral("missing \"%1\"").arg(key);
    QTest::newRow("empty types") << bytes(editModel(0, set("types", QJsonArray()))) << "model 1 (tiny): \"types\" is empty";
    QTest::newRow("types not names") << bytes(editModel(0, set("types", QJsonArray{1, 2}))) << "\"types\" holds something";
    QTest::newRow("duplicate id") << bytes(editModel(3, set("id", "bit"))) << "model 4: duplicate id \"bit\"";
    QTest::newRow("duplicate local file") << bytes(editModel(3, set("file_name", "BITNET.gguf")))
                                          << "model 4 (plain): local file name \"BITNET.gguf\" is used twice";
    QTest::newRow("sha256 63 digits") << bytes(editModel(1, set("sha256", QString(63, 'a'))))
                                      << "model 2 (bit): sha256 is not 64 hex digits";
    QTest::newRow("sha256 not hex") << bytes(editModel(1, set("sha256", QString(64, 'g')))) << "sha256 is not 64 hex digits";
    QTest::newRow("sha256 empty") << bytes(editModel(1, set("sha256", ""))) << "sha256 is empty";
    QTest::newRow("http url") << bytes(editModel(2, set("url", "http://huggingface.co/g/q/resolve/main/q.gguf")))
                              << "model 3 (qmoe): url is not an https URL";
    QTest::newRow("ftp url") << bytes(editModel(2, set("url", "ftp://example.org/q.gguf"))) << "url is not an https URL";
    QTest::newRow("no url") << bytes(editModel(2, remove("url"))) << "model 3 (qmoe): url is not an https URL";
    QTest::newRow("bundled with http url") << bytes(editModel(0, set("url", "http://example.org/t.gguf")))
                                           << "model 1 (tiny): url is not an https URL";
    QTest::newRow("negative size") << bytes(editModel(0, set("size_bytes", -1))) << "\"size_bytes\" is negative";
    QTest::newRow("negative ram") << bytes(editModel(2, set("ram_bytes", -5))) << "\"ram_bytes\" is negative";
    QTest::newRow("fractional size") << bytes(editModel(0, set("size_bytes", 1.5))) << "\"size_bytes\" is not a whole number";
    QTest::newRow("size as text") << bytes(editModel(0, set("size_bytes", "1000"))) << "\"size_bytes\" is not a number";
    QTest::newRow("more used than experts") << bytes(editModel(0, set("experts_used", 5))) << "experts_used is larger";
    QTest::newRow("file in a folder") << bytes(editModel(3, set("file_name", "../plain.gguf")))
                                      << "file_name is not a plain .gguf file name";
    QTest::newRow("not gguf") << bytes(editModel(3, set("file_name", "plain.bin"))) << "file_name is not a plain .gguf";
    QTest::newRow("bad id") << bytes(editModel(3, set("id", "a b"))) << "id may hold only";
    QTest::newRow("name not text") << bytes(editModel(3, set("name", 7))) << "\"name\" is not a string";
    QTest::newRow("bundled not bool") << bytes(editModel(0, set("bundled", "yes"))) << "\"bundled\" is not true or false";
    QTest::newRow("empty entry") << bytes(editModel(0, [](QJsonObject& m) { m = QJsonObject(); }))
                                 << "model 1: missing \"id\"";
    doc = smallDoc();
    QJsonArray models = doc["models"].toArray();
    models.append(5);
    doc["models"] = models;
    QTest::newRow("entry not an object") << bytes(doc) << "model 5: not an object";
}

void TestCatalog::invalidDocumentsAreRejectedWhole() {
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    const QString got = parseError(json);
    QVERIFY2(got.contains(error), qPrintable("got: " + got));
    // The same document from a URL leaves the catalog that was there.
    Dirs d;
    CatalogModel m(d.resources, d.data, d.models);
    QCOMPARE(m.totalCount(), 4);
    m.setUrl("https://catalog.example/c.json");
    m.source().setFetcher(serve(json));
    QSignalSpy done(&m, &CatalogModel::refreshFinished);
    m.refresh();
    QVERIFY(done.wait(5000));
    QCOMPARE(done.at(0).at(0).toBool(), false);
    QVERIFY2(m.error().contains(error), qPrintable(m.error()));
    QVERIFY(m.error().startsWith("https://catalog.example/c.json: "));
    QCOMPARE(ids(m.catalog()), (QStringList{"tiny", "bit", "qmoe", "plain"}));
    QCOMPARE(m.origin(), QStringLiteral("bundled"));
    QVERIFY(!QFileInfo::exists(m.source().cachePath()));
}

void TestCatalog::unknownFieldsAreIgnored() {
    QJsonObject doc = editModel(1, [](QJsonObject& m) {
        m["mirror_urls"] = QJsonArray{"https://a.example/x.gguf"};
        m["benchmarks"] = QJsonObject{{"mmlu", 53.2}, {"nested", QJsonObject{{"deep", true}}}};
        m["future_flag"] = true;
    });
    doc["signature"] = "base64...";
    doc["publisher_info"] = QJsonObject{{"x", 1}};
    const Catalog plain = Catalog::parse(bytes(smallDoc()));
    Catalog extended;
    try {
        extended = Catalog::parse(bytes(doc));
    } catch (const CatalogError& e) {
        QFAIL(e.what());
    }
    QCOMPARE(ids(extended), ids(plain));
    const CatalogEntry a = *plain.find("bit"), b = *extended.find("bit");
    QCOMPARE(b.url, a.url);
    QCOMPARE(b.types, a.types);
    QCOMPARE(b.ramBytes, a.ramBytes);
    QCOMPARE(b.description, a.description);
}

void TestCatalog::valuesAreReadAsWritten() {
    const Catalog c = Catalog::parse(bytes(smallDoc()));
    const CatalogEntry tiny = *c.find("tiny");
    QCOMPARE(tiny.sha256, QStringLiteral("2ef77f461cf04386971b697e7f4ce6bf39ca5935e71cdac42c69b8351512b51c"));
    QCOMPARE(tiny.tags, (QStringList{"ternary", "moe", "completion"}));  // lower-cased
    QCOMPARE(tiny.localFileName, QStringLiteral("tiny.gguf"));          // defaults to file_name
    QCOMPARE(tiny.sizeBytes, qint64(1000));
    QVERIFY(tiny.bundled && tiny.url.isEmpty());
    const CatalogEntry bit = *c.find("bit");
    QCOMPARE(bit.sizeBytes, qint64(-1));
    QCOMPARE(bit.sizeNote, QStringLiteral("about 1.19 GB"));
    QCOMPARE(bit.sha256, QString());
    QCOMPARE(bit.localFileName, QStringLiteral("bitnet.gguf"));
    QCOMPARE(bit.ramBytes, qint64(3000000000));
    const CatalogEntry plain = *c.find("plain");
    QCOMPARE(plain.ramBytes, qint64(-1));
    QCOMPARE(plain.experts, -1);
    QCOMPARE(plain.tokenizer, QString());
    QCOMPARE(c.updated(), QDate(2026, 11, 1));
}

void TestCatalog::filtersAndSearch() {
    Dirs d;
    CatalogModel m(d.resources, d.data, d.models);
    m.setTotalRamBytes(4000000000);
    QSignalSpy counts(&m, &CatalogModel::countChanged);
    QCOMPARE(rowIds(m), (QStringList{"tiny", "bit", "qmoe", "plain"}));
    QCOMPARE(m.count(), 4);

    m.setFilterTernary(true);
    QCOMPARE(rowIds(m), (QStringList{"tiny", "bit"}));
    QCOMPARE(m.count(), 2);
    QCOMPARE(counts.size(), 1);
    m.setFilterMoe(true);
    QCOMPARE(rowIds(m), (QStringList{"tiny"}));
    m.setFilterTernary(false);
    QCOMPARE(rowIds(m), (QStringList{"tiny", "qmoe"}));
    m.setFilterFitsRam(true);  // qmoe needs 8 GB of the 4 GB
    QCOMPARE(rowIds(m), (QStringList{"tiny"}));
    m.setFilterMoe(false);
    QCOMPARE(rowIds(m), (QStringList{"tiny", "bit"}));  // plain: RAM need not known
    m.setFilterFitsRam(false);

    const QList<QPair<QString, QStringList>> searches = {
        {"stories", {"tiny"}},                // description
        {"MICROSOFT", {"bit"}},               // publisher, any case
        {"chat", {"bit", "qmoe"}},            // tag / description
        {"qwen3moe", {"qmoe"}},               // architecture
        {"ternary chat", {"bit"}},            // every word must match
        {"  experts  ", {"qmoe"}},            // description; spaces ignored
        {"completion", {"tiny"}},             // tag
        {"nothing-like-this", {}},
        {"", {"tiny", "bit", "qmoe", "plain"}},
    };
    for (const auto& [text, expected] : searches) {
        m.setSearchText(text);
        QVERIFY2(rowIds(m) == expected, qPrintable(text + ": " + rowIds(m).join(',')));
        QCOMPARE(m.count(), int(expected.size()));
    }
    m.setSearchText("chat");
    m.setFilterTernary(true);
    QCOMPARE(rowIds(m), (QStringList{"bit"}));
    QCOMPARE(m.data(m.index(0), CatalogModel::NameRole).toString(), QStringLiteral("BitNet Chat"));
    QCOMPARE(m.data(m.index(0), Qt::DisplayRole).toString(), QStringLiteral("BitNet Chat"));
    QCOMPARE(m.totalCount(), 4);
}

void TestCatalog::installedFollowsTheModelsFolder() {
    Dirs d;
    QFile pre(d.models + "/tiny.gguf");
    QVERIFY(pre.open(QIODevice::WriteOnly));
    pre.close();
    CatalogModel m(d.resources, d.data, d.models);
    QCOMPARE(m.get("tiny")["installed"].toBool(), true);
    QCOMPARE(m.get("bit")["installed"].toBool(), false);

    // The BitNet entry is installed under its local name, not the repository's file name.
    QFile remoteName(d.models + "/ggml-model-i2_s.gguf");
    QVERIFY(remoteName.open(QIODevice::WriteOnly));
    remoteName.close();
    m.recheckInstalled();
    QCOMPARE(m.get("bit")["installed"].toBool(), false);

    QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
    QFile local(d.models + "/bitnet.gguf");
    QVERIFY(local.open(QIODevice::WriteOnly));
    local.close();
    m.recheckInstalled();
    QCOMPARE(m.get("bit")["installed"].toBool(), true);
    QCOMPARE(m.data(m.index(1), CatalogModel::InstalledRole).toBool(), true);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);

    QVERIFY(QFile::remove(d.models + "/tiny.gguf"));
    m.refresh();  // a refresh rechecks too
    QCOMPARE(m.get("tiny")["installed"].toBool(), false);
}

void TestCatalog::fitsInRamUsesTheGivenRam() {
    Dirs d;
    CatalogModel m(d.resources, d.data, d.models);
    QVERIFY(m.totalRamBytes() > 0);  // this machine's, from /proc/meminfo
    QCOMPARE(m.totalRamBytes(), totalPhysicalRamBytes());
    m.setTotalRamBytes(3000000000);
    QCOMPARE(m.get("tiny")["fitsInRam"].toBool(), true);
    QCOMPARE(m.get("bit")["fitsInRam"].toBool(), true);  // exactly 3 GB
    QCOMPARE(m.get("qmoe")["fitsInRam"].toBool(), false);
    QCOMPARE(m.get("plain")["fitsInRam"].toBool(), false);  // need not known
    m.setTotalRamBytes(2999999999);
    QCOMPARE(m.get("bit")["fitsInRam"].toBool(), false);
    m.setTotalRamBytes(0);  // machine's RAM not known: nothing is hidden
    QCOMPARE(m.get("qmoe")["fitsInRam"].toBool(), true);
}

void TestCatalog::getReturnsAllRoles() {
    Dirs d;
    CatalogModel m(d.resources, d.data, d.models);
    m.setEngineSupport(fakeEngine());
    const QVariantMap bit = m.get("bit");
    QCOMPARE(bit.size(), m.roleNames().size());
    QCOMPARE(bit["catalogId"].toString(), QStringLiteral("bit"));
    QCOMPARE(bit["fileName"].toString(), QStringLiteral("ggml-model-i2_s.gguf"));
    QCOMPARE(bit["localFileName"].toString(), QStringLiteral("bitnet.gguf"));
    QCOMPARE(bit["sizeBytes"].toLongLong(), -1LL);
    QCOMPARE(bit["sha256"].toString(), QString());
    QCOMPARE(bit["types"].toStringList(), (QStringList{"I2_S", "F16"}));
    QCOMPARE(bit["runnable"].toBool(), false);
    QCOMPARE(bit["unsupportedReason"].toString(),
             QStringLiteral("needs I2_S support; needs the bitnet-b1.58 architecture; needs the gpt2 (BPE) tokenizer"));
    const QVariantMap qmoe = m.get("qmoe");
    QCOMPARE(qmoe["unsupportedReason"].toString(), QStringLiteral("needs the gpt2 (BPE) tokenizer"));
    QCOMPARE(m.get("tiny")["runnable"].toBool(), true);
    QCOMPARE(m.get("tiny")["experts"].toInt(), 4);
    QCOMPARE(m.get("plain")["runnable"].toBool(), true);  // tokenizer not given: types and arch decide
    QVERIFY(m.get("nope").isEmpty());
}

void TestCatalog::refreshWithANewerDocumentReplacesAndCaches() {
    Dirs d;
    QJsonObject newer = withDate(smallDoc(), "2026-12-05");
    QJsonArray models = newer["models"].toArray();
    models.append(QJsonObject{{"id", "new"}, {"name", "New"}, {"file_name", "new.gguf"},
                              {"url", "https://example.org/new.gguf"}, {"types", QJsonArray{"F16"}},
                              {"architecture", "llama"}});
    newer["models"] = models;
    const QByteArray body = bytes(newer);
    {
        CatalogModel m(d.resources, d.data, d.models);
        QCOMPARE(m.origin(), QStringLiteral("bundled"));
        QCOMPARE(m.updated(), QStringLiteral("2026-11-01"));
        std::atomic<int> calls{0};
        QString askedFor;
        m.setUrl("https://catalog.example/tern.json");
        m.source().setFetcher([&](const QString& url, const std::atomic<bool>&) {
            askedFor = url;
            ++calls;
            return FetchResult{body, {}};
        });
        QSignalSpy done(&m, &CatalogModel::refreshFinished);
        QSignalSpy busy(&m, &CatalogModel::busyChanged);
        m.refresh();
        QVERIFY(m.busy());
        m.refresh();  // ignored while busy
        QVERIFY(done.wait(5000));
        QCOMPARE(calls.load(), 1);
        QCOMPARE(askedFor, QStringLiteral("https://catalog.example/tern.json"));
        QCOMPARE(done.at(0).at(0).toBool(), true);
        QVERIFY(!m.busy());
        QCOMPARE(busy.size(), 2);
        QCOMPARE(m.origin(), QStringLiteral("remote"));
        QCOMPARE(m.updated(), QStringLiteral("2026-12-05"));
        QCOMPARE(m.totalCount(), 5);
        QCOMPARE(m.count(), 5);
        QCOMPARE(m.error(), QString());
        QVERIFY(m.get("new").size() > 0);
        QCOMPARE(tern::test::readAll(m.source().cachePath()), body);
    }
    // The next start prefers the newer cached copy to the bundled one.
    CatalogModel again(d.resources, d.data, d.models);
    QCOMPARE(again.origin(), QStringLiteral("cached"));
    QCOMPARE(again.totalCount(), 5);
}

void TestCatalog::refreshWithABadDocumentKeepsThePrevious() {
    Dirs d;
    CatalogModel m(d.resources, d.data, d.models);
    m.setUrl("https://catalog.example/tern.json");
    // First a good newer one, so "previous" is a remote catalog, not just the bundled file.
    m.source().setFetcher(serve(bytes(withDate(smallDoc(), "2026-12-01"))));
    QSignalSpy done(&m, &CatalogModel::refreshFinished);
    m.refresh();
    QVERIFY(done.wait(5000));
    QCOMPARE(m.updated(), QStringLiteral("2026-12-01"));
    const QByteArray cached = tern::test::readAll(m.source().cachePath());

    // Newer but invalid (the last entry has a bad hash): rejected whole.
    const QJsonObject bad = withDate(editModel(3, [](QJsonObject& e) { e["sha256"] = "abc"; }), "2027-01-01");
    m.source().setFetcher(serve(bytes(bad)));
    m.refresh();
    QVERIFY(done.wait(5000));
    QCOMPARE(done.at(1).at(0).toBool(), false);
    QCOMPARE(m.updated(), QStringLiteral("2026-12-01"));
    QCOMPARE(m.totalCount(), 4);
    QVERIFY2(m.error().contains("model 4 (plain): sha256 is not 64 hex digits"), qPrintable(m.error()));
    QVERIFY(m.status().startsWith("Kept the current catalog"));
    QCOMPARE(tern::test::readAll(m.source().cachePath()), cached);

    // A failed transfer keeps it too.
    m.source().setFetcher([](const QString&, const std::atomic<bool>&) {
        return FetchResult{{}, QStringLiteral("Could not resolve host: catalog.example")};
    });
    m.refresh();
    QVERIFY(done.wait(5000));
    QCOMPARE(done.at(2).at(0).toBool(), false);
    QCOMPARE(m.error(), QStringLiteral("https://catalog.example/tern.json: Could not resolve host: catalog.example"));
    QCOMPARE(m.updated(), QStringLiteral("2026-12-01"));

    // And a fetch function that throws.
    m.source().setFetcher([](const QString&, const std::atomic<bool>&) -> FetchResult { throw std::runtime_error("boom"); });
    m.refresh();
    QVERIFY(done.wait(5000));
    QCOMPARE(done.at(3).at(0).toBool(), false);
    QCOMPARE(m.error(), QStringLiteral("boom"));
    QCOMPARE(m.totalCount(), 4);
}

void TestCatalog::refreshWithAnOlderDocumentKeepsTheCurrent() {
    Dirs d;
    CatalogModel m(d.resources, d.data, d.models);
    m.setUrl("https://catalog.example/tern.json");
    QJsonObject older = withDate(smallDoc(), "2026-10-01");
    QJsonArray models = older["models"].toArray();
    models.removeLast();
    older["models"] = models;
    m.source().setFetcher(serve(bytes(older)));
    QSignalSpy done(&m, &CatalogModel::refreshFinished);
    m.refresh();
    QVERIFY(done.wait(5000));
    QCOMPARE(done.at(0).at(0).toBool(), true);
    QCOMPARE(m.totalCount(), 4);
    QCOMPARE(m.origin(), QStringLiteral("bundled"));
    QCOMPARE(m.error(), QString());
    QVERIFY(m.status().startsWith("The catalog is up to date"));
    QVERIFY(!QFileInfo::exists(m.source().cachePath()));

    // Without a URL, refresh only reloads the local catalog, at once.
    m.setUrl(QString());
    m.refresh();
    QCOMPARE(done.size(), 2);
    QVERIFY(!m.busy());
}

void TestCatalog::cachedCopyIsUsedOnlyWhenValidAndNewer() {
    Dirs d;
    CatalogSource source(d.resources, d.data);
    QCOMPARE(source.cachePath(), d.data + "/catalog-cache.json");

    QCOMPARE(source.storeCache(bytes(withDate(smallDoc(), "2026-10-31"))), QString());
    CatalogSource::Local local = source.loadLocal();
    QCOMPARE(local.origin, QStringLiteral("bundled"));  // older than the bundled one
    QCOMPARE(local.catalog.updated(), QDate(2026, 11, 1));
    QCOMPARE(source.storeCache(bytes(withDate(smallDoc(), "2026-11-01"))), QString());
    QCOMPARE(source.loadLocal().origin, QStringLiteral("bundled"));  // as old: the bundled one

    QCOMPARE(source.storeCache(bytes(withDate(smallDoc(), "2026-11-02"))), QString());
    QCOMPARE(source.loadLocal().origin, QStringLiteral("cached"));

    // A damaged cache falls back to the bundled catalog and says why.
    QCOMPARE(source.storeCache("{\"schema_version\": 1, \"models\": [{"), QString());
    local = source.loadLocal();
    QCOMPARE(local.origin, QStringLiteral("bundled"));
    QVERIFY2(local.warning.contains("catalog-cache.json: not valid JSON"), qPrintable(local.warning));

    // A cache from a newer Tern (schema 2) is not read.
    QJsonObject future = withDate(smallDoc(), "2027-01-01");
    future["schema_version"] = 2;
    QCOMPARE(source.storeCache(bytes(future)), QString());
    QCOMPARE(source.loadLocal().origin, QStringLiteral("bundled"));

    // With no usable bundled catalog, a valid cache still serves; with neither, a clear error.
    QVERIFY(QFile::remove(d.resources + "/catalog.json"));
    QCOMPARE(source.storeCache(bytes(smallDoc())), QString());
    QCOMPARE(source.loadLocal().origin, QStringLiteral("cached"));
    QVERIFY(QFile::remove(source.cachePath()));
    QVERIFY_THROWS_EXCEPTION(CatalogError, source.loadLocal());
    CatalogModel empty(d.resources, d.data, d.models);
    QCOMPARE(empty.totalCount(), 0);
    QVERIFY2(empty.error().contains("catalog.json: cannot read"), qPrintable(empty.error()));
}

void TestCatalog::destroyingTheModelCancelsAFetch() {
    Dirs d;
    auto sawCancel = std::make_shared<std::atomic<bool>>(false);
    auto started = std::make_shared<std::atomic<bool>>(false);
    {
        CatalogModel m(d.resources, d.data, d.models);
        m.setUrl("https://catalog.example/slow.json");
        m.source().setFetcher([sawCancel, started](const QString&, const std::atomic<bool>& cancelled) {
            started->store(true);
            while (!cancelled.load()) QThread::msleep(1);
            sawCancel->store(true);
            return FetchResult{bytes(withDate(smallDoc(), "2027-01-01")), {}};
        });
        m.refresh();
        QTRY_VERIFY(started->load());
    }  // the destructor cancels, waits, and nothing is delivered to the destroyed model
    QVERIFY(sawCancel->load());
    QCoreApplication::processEvents();
    QVERIFY(!QFileInfo::exists(d.data + "/catalog-cache.json"));
}

void TestCatalog::httpsGetRefusesOtherSchemesAndReportsFailures() {
    std::atomic<bool> cancelled{false};
    QCOMPARE(httpsGet("http://example.org/catalog.json", cancelled).error, QStringLiteral("not an https URL"));
    QCOMPARE(httpsGet("file:///etc/passwd", cancelled).error, QStringLiteral("not an https URL"));
    // Nothing listens on port 1: curl's own error comes back, with no body.
    const FetchResult r = httpsGet("https://127.0.0.1:1/catalog.json", cancelled);
    QVERIFY(r.body.isEmpty());
    QVERIFY2(r.error.contains("connect", Qt::CaseInsensitive), qPrintable(r.error));
}

QTEST_GUILESS_MAIN(TestCatalog)
#include "test_catalog.moc"
