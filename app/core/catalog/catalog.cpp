#include "catalog/catalog.h"
#include "downloads/verify.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <cmath>

namespace tern::app {

namespace {

[[noreturn]] void fail(const QString& message) { throw CatalogError(message.toStdString()); }

// Reads one entry, with its field errors prefixed by "model N (id)".
class EntryReader {
public:
    EntryReader(const QJsonObject& o, const QString& where) : o_(o), where_(where) {}

    [[noreturn]] void fail(const QString& what) const { tern::app::fail(where_ + ": " + what); }

    QString requiredString(const char* key) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) fail(QStringLiteral("missing \"%1\"").arg(QLatin1String(key)));
        if (!v.isString()) fail(QStringLiteral("\"%1\" is not a string").arg(QLatin1String(key)));
        const QString s = v.toString().trimmed();
        if (s.isEmpty()) fail(QStringLiteral("\"%1\" is empty").arg(QLatin1String(key)));
        return s;
    }

    QString optionalString(const char* key) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) return {};
        if (!v.isString()) fail(QStringLiteral("\"%1\" is not a string").arg(QLatin1String(key)));
        return v.toString().trimmed();
    }

    bool optionalBool(const char* key) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) return false;
        if (!v.isBool()) fail(QStringLiteral("\"%1\" is not true or false").arg(QLatin1String(key)));
        return v.toBool();
    }

    // A non-negative whole number below 2^53 (exact in a JSON double), or -1 when null/absent.
    qint64 optionalCount(const char* key) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) return -1;
        if (!v.isDouble()) fail(QStringLiteral("\"%1\" is not a number").arg(QLatin1String(key)));
        const double d = v.toDouble();
        if (d < 0) fail(QStringLiteral("\"%1\" is negative").arg(QLatin1String(key)));
        if (d != std::floor(d) || d > 9007199254740992.0)
            fail(QStringLiteral("\"%1\" is not a whole number of a sensible size").arg(QLatin1String(key)));
        return static_cast<qint64>(d);
    }

    int optionalSmallCount(const char* key) const {
        const qint64 n = optionalCount(key);
        if (n > 0x7fffffff) fail(QStringLiteral("\"%1\" is too large").arg(QLatin1String(key)));
        return static_cast<int>(n);
    }

    QStringList stringList(const char* key, bool required) const {
        const QJsonValue v = o_.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull()) {
            if (required) fail(QStringLiteral("missing \"%1\"").arg(QLatin1String(key)));
            return {};
        }
        if (!v.isArray()) fail(QStringLiteral("\"%1\" is not a list").arg(QLatin1String(key)));
        QStringList out;
        for (const QJsonValue& item : v.toArray()) {
            if (!item.isString() || item.toString().trimmed().isEmpty())
                fail(QStringLiteral("\"%1\" holds something other than a name").arg(QLatin1String(key)));
            out << item.toString().trimmed();
        }
        if (required && out.isEmpty()) fail(QStringLiteral("\"%1\" is empty").arg(QLatin1String(key)));
        return out;
    }

private:
    const QJsonObject& o_;
    QString where_;
};

// A plain file name for the models folder: no folders, no hidden files, a .gguf extension.
bool isPlainGgufName(const QString& name) {
    if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) || name.startsWith(QLatin1Char('.')))
        return false;
    for (const QChar c : name)
        if (c.unicode() < 0x20) return false;
    return name.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive) && name.size() > 5;
}

// https, or http to this machine (loopback: the tests' servers), as for downloads.
bool isHttpsUrl(const QString& s) {
    const QUrl u(s, QUrl::StrictMode);
    if (!u.isValid() || u.host().isEmpty() || !u.userInfo().isEmpty()) return false;
    return u.scheme() == QLatin1String("https") || (u.scheme() == QLatin1String("http") && isLoopbackHost(u.host()));
}

CatalogEntry readEntry(const QJsonValue& value, int index) {
    QString where = QStringLiteral("model %1").arg(index + 1);
    if (!value.isObject()) fail(where + ": not an object");
    const QJsonObject o = value.toObject();
    if (o.value(QLatin1String("id")).isString()) where += QStringLiteral(" (%1)").arg(o.value(QLatin1String("id")).toString());
    const EntryReader r(o, where);

    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]*$"));
    static const QRegularExpression hexPattern(QStringLiteral("^[0-9a-fA-F]{64}$"));

    CatalogEntry e;
    e.id = r.requiredString("id");
    if (!idPattern.match(e.id).hasMatch()) r.fail(QStringLiteral("id may hold only letters, digits, '.', '_' and '-'"));
    e.name = r.requiredString("name");
    e.fileName = r.requiredString("file_name");
    if (!isPlainGgufName(e.fileName)) r.fail(QStringLiteral("file_name is not a plain .gguf file name"));
    e.localFileName = r.optionalString("local_file_name");
    if (e.localFileName.isEmpty()) e.localFileName = e.fileName;
    if (!isPlainGgufName(e.localFileName)) r.fail(QStringLiteral("local_file_name is not a plain .gguf file name"));
    e.architecture = r.requiredString("architecture");
    e.types = r.stringList("types", true);

    e.bundled = r.optionalBool("bundled");
    e.url = r.optionalString("url");
    if (e.url.isEmpty() ? !e.bundled : !isHttpsUrl(e.url)) r.fail(QStringLiteral("url is not an https URL"));

    e.sha256 = r.optionalString("sha256").toLower();
    if (!e.sha256.isEmpty() && !hexPattern.match(e.sha256).hasMatch()) r.fail(QStringLiteral("sha256 is not 64 hex digits"));
    if (o.value(QLatin1String("sha256")).isString() && e.sha256.isEmpty()) r.fail(QStringLiteral("sha256 is empty (use null)"));

    e.publisher = r.optionalString("publisher");
    e.repository = r.optionalString("repository");
    e.quantization = r.optionalString("quantization");
    e.sizeBytes = r.optionalCount("size_bytes");
    e.sizeNote = r.optionalString("size_note");
    e.sha256Note = r.optionalString("sha256_note");
    e.tokenizer = r.optionalString("tokenizer");
    e.paramsTotal = r.optionalCount("params_total");
    e.paramsActive = r.optionalCount("params_active");
    e.experts = r.optionalSmallCount("experts");
    e.expertsUsed = r.optionalSmallCount("experts_used");
    e.contextLength = r.optionalSmallCount("context_length");
    e.license = r.optionalString("license");
    e.ramBytes = r.optionalCount("ram_bytes");
    e.ramNote = r.optionalString("ram_note");
    e.chatTemplate = r.optionalString("chat_template");
    e.description = r.optionalString("description");
    for (const QString& t : r.stringList("tags", false)) {
        const QString tag = t.toLower();
        if (!e.tags.contains(tag)) e.tags << tag;
    }
    e.notes = r.optionalString("notes");

    if (e.experts >= 0 && e.expertsUsed > e.experts) r.fail(QStringLiteral("experts_used is larger than experts"));
    if (e.paramsTotal >= 0 && e.paramsActive > e.paramsTotal)
        r.fail(QStringLiteral("params_active is larger than params_total"));
    return e;
}

}  // namespace

Catalog Catalog::parse(const QByteArray& json) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        fail(QStringLiteral("not valid JSON (%1 at byte %2)").arg(err.errorString()).arg(err.offset));
    if (!doc.isObject()) fail(QStringLiteral("not a JSON object"));
    const QJsonObject root = doc.object();

    const QJsonValue version = root.value(QLatin1String("schema_version"));
    if (version.isUndefined() || version.isNull()) fail(QStringLiteral("missing \"schema_version\""));
    const double v = version.toDouble(-1);
    if (!version.isDouble() || v < 1 || v != std::floor(v)) fail(QStringLiteral("\"schema_version\" is not a positive whole number"));
    if (v > kSchemaVersion)
        fail(QStringLiteral("schema_version %1 is newer than this version of Tern reads (%2)").arg(v).arg(kSchemaVersion));

    Catalog c;
    c.schemaVersion_ = static_cast<int>(v);
    const QJsonValue updated = root.value(QLatin1String("updated"));
    if (!updated.isUndefined() && !updated.isNull()) {
        c.updated_ = QDate::fromString(updated.toString(), Qt::ISODate);
        if (!updated.isString() || !c.updated_.isValid()) fail(QStringLiteral("\"updated\" is not a date (YYYY-MM-DD)"));
    }

    const QJsonValue models = root.value(QLatin1String("models"));
    if (!models.isArray()) fail(QStringLiteral("\"models\" is not a list"));
    const QJsonArray list = models.toArray();
    if (list.isEmpty()) fail(QStringLiteral("\"models\" is empty"));

    QSet<QString> ids, files;
    for (int i = 0; i < list.size(); ++i) {
        CatalogEntry e = readEntry(list.at(i), i);
        if (ids.contains(e.id)) fail(QStringLiteral("model %1: duplicate id \"%2\"").arg(i + 1).arg(e.id));
        // File names are compared case-insensitively: some file systems do, and the models folder
        // must never hold two catalog entries in one file.
        const QString file = e.localFileName.toLower();
        if (files.contains(file))
            fail(QStringLiteral("model %1 (%2): local file name \"%3\" is used twice").arg(i + 1).arg(e.id, e.localFileName));
        ids.insert(e.id);
        files.insert(file);
        c.entries_.append(std::move(e));
    }
    return c;
}

Catalog Catalog::loadFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) fail(path + QStringLiteral(": cannot read: ") + f.errorString());
    // A catalog is a few kB; a huge file is not one.
    if (f.size() > 16 * 1024 * 1024) fail(path + QStringLiteral(": too large for a catalog"));
    try {
        return parse(f.readAll());
    } catch (const CatalogError& e) {
        fail(path + QStringLiteral(": ") + QString::fromStdString(e.what()));
    }
}

QString Catalog::bundledPath(const QString& resourcesDir) { return resourcesDir + QStringLiteral("/catalog.json"); }

Catalog Catalog::loadBundled(const QString& resourcesDir) { return loadFile(bundledPath(resourcesDir)); }

std::optional<CatalogEntry> Catalog::find(const QString& id) const {
    for (const CatalogEntry& e : entries_)
        if (e.id == id) return e;
    return std::nullopt;
}

}  // namespace tern::app
