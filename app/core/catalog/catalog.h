// The model catalog: the models Tern can offer for download (resources/catalog.json, or a newer
// copy fetched from a configurable HTTPS URL), parsed and validated as a whole.
//
// Document (schema_version 1; unknown fields anywhere are ignored, so newer catalogs stay readable):
//   { "schema_version": 1, "updated": "YYYY-MM-DD", "models": [ entry, ... ] }
// Entry fields (null = not known; sizes in bytes; counts are plain integers):
//   id*, name*, file_name*, architecture*, types* (non-empty list of llama.cpp tensor type names),
//   publisher, repository ("owner/name" on Hugging Face), url (https; may be empty when bundled),
//   bundled (bool: ships inside Tern), local_file_name (name in the models folder; default file_name),
//   quantization (the file's quantization label, e.g. "Q4_K_M"), size_bytes, size_note, sha256 (64 hex),
//   sha256_note, tokenizer (tokenizer.ggml.model: "llama" SentencePiece, "gpt2" BPE), params_total,
//   params_active, experts, experts_used, context_length, license, ram_bytes, ram_note,
//   chat_template (family, e.g. "chatml"; null for completion models), description, tags
//   ("ternary", "moe", "chat", "completion", ...), notes.   (* required)
// A document is rejected whole (CatalogError) when it is not JSON, schema_version is missing or
// newer than kSchemaVersion, models is not a non-empty array, an entry lacks a required field or
// has a field of the wrong type, ids or local file names repeat, a sha256 is not 64 hex digits,
// a url is not https (a bundled entry may have none), a count or size is negative, or a file name
// is not a plain "*.gguf" name.
#pragma once

#include <QDate>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>
#include <stdexcept>

namespace tern::app {

class CatalogError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct CatalogEntry {
    QString id;
    QString name;
    QString publisher;
    QString repository;
    QString fileName;       // the file's name at its source (the last part of url)
    QString localFileName;  // its name in the models folder; unique within a catalog
    QString url;            // https download URL; empty for a bundled entry without one
    bool bundled = false;
    QString quantization;
    qint64 sizeBytes = -1;  // -1: not known exactly (see sizeNote)
    QString sizeNote;
    QString sha256;         // lower-case hex; empty: not known (verify the GGUF header and size instead)
    QString sha256Note;
    QStringList types;      // tensor types, main type first
    QString architecture;   // general.architecture
    QString tokenizer;      // tokenizer.ggml.model; empty when not known
    qint64 paramsTotal = -1, paramsActive = -1;
    int experts = -1, expertsUsed = -1;
    int contextLength = -1;
    QString license;
    qint64 ramBytes = -1;   // estimated RAM to run it; -1 when not known
    QString ramNote;
    QString chatTemplate;
    QString description;
    QStringList tags;       // lower-case
    QString notes;

    bool hasTag(const QString& tag) const { return tags.contains(tag); }
    bool isTernary() const { return hasTag(QStringLiteral("ternary")); }
    bool isMoe() const { return hasTag(QStringLiteral("moe")); }
};

class Catalog {
public:
    static constexpr int kSchemaVersion = 1;

    // Parses and validates a whole document; throws CatalogError with a one-line reason.
    static Catalog parse(const QByteArray& json);
    // As parse(), reading a file; the error names the file.
    static Catalog loadFile(const QString& path);
    // resourcesDir + "/catalog.json" (AppPaths::resources).
    static Catalog loadBundled(const QString& resourcesDir);
    static QString bundledPath(const QString& resourcesDir);

    int schemaVersion() const { return schemaVersion_; }
    QDate updated() const { return updated_; }  // null when the document has no date
    const QVector<CatalogEntry>& entries() const { return entries_; }
    bool isEmpty() const { return entries_.isEmpty(); }

    std::optional<CatalogEntry> find(const QString& id) const;

private:
    int schemaVersion_ = 0;
    QDate updated_;
    QVector<CatalogEntry> entries_;
};

}  // namespace tern::app
