// Chat history of the desktop app in one SQLite file (Qt SQL, driver "QSQLITE").
//
// Durability: WAL journal, synchronous=FULL, foreign keys on. Every write below is its own
// transaction, committed before the call returns, so a crash (kill -9, power loss) loses at
// most the answer being generated; nothing is kept in memory to be saved at exit.
// Messages still marked "generating" when a store is opened were left by a crashed process
// and are marked "interrupted" (their partial text is kept).
//
// Schema (PRAGMA user_version = schema version, migrated step by step on open):
//   v1: conversations(id, title, created_ms, updated_ms),
//       messages(id, conversation_id -> conversations ON DELETE CASCADE, role, text, model,
//                created_ms, finished_ms, status)
//   v2: + message stats columns, settings(scope, key, value), FTS5 indexes of message text
//       and conversation titles kept in sync by triggers (backfilled from existing rows).
//   v3: + generations(id, created_ms, kind, message_id, model…, backend, device, threads,
//         context_size, token counts, ttft/prefill/decode times and rates, peak_rss_bytes,
//         stop_reason): one row per chat answer or benchmark run (stats/generation_record.h).
// Times are stored as integer milliseconds since the Unix epoch (UTC).
//
// Threading: Qt SQL connections belong to the thread that opened them, so a ChatStore is
// used from the thread that created it. Only one process should open a given file at a time
// (opening marks the other process's "generating" messages as interrupted).
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "stats/generation_record.h"

#include <optional>
#include <stdexcept>
#include <string>

namespace tern::app {

// Any failure of the store: unreadable/corrupt file, newer schema, full disk, read-only
// location, unknown ids. what() is one line naming the database file and, where SQLite
// reported one, its error text.
class StoreError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
    StoreError(const std::string& message, bool corrupt) : std::runtime_error(message), corrupt_(corrupt) {}
    // True when the file is not a usable SQLite database (garbage, truncated, malformed pages):
    // the app may then offer ChatStore::recoverCorrupt() and start with a fresh file.
    bool corrupt() const { return corrupt_; }

private:
    bool corrupt_ = false;
};

struct Conversation {
    qint64 id = 0;
    QString title;
    QDateTime created, updated;  // UTC, millisecond resolution
};

struct MessageStats {
    int promptTokens = 0, generatedTokens = 0;
    double ttftMs = 0;                 // time to first token, milliseconds
    double prefillTps = 0, decodeTps = 0;  // tokens per second
    qint64 peakRssBytes = 0;
    QString backend;                   // e.g. "cpu", "vulkan"
};

struct Message {
    qint64 id = 0, conversationId = 0;
    QString role;         // "system" | "user" | "assistant"
    QString text, model;  // model: file name / id that produced an assistant message
    QDateTime created, finished;  // UTC; finished is invalid while generating (and when interrupted)
    QString status;       // "done" | "generating" | "interrupted" | "stopped" | "error"
    MessageStats stats;
    // A row that failed to decode (text not valid text, unknown role or status): text holds
    // "[unreadable message #<id>]", an unknown role reads as "system", an unknown status as "error".
    bool malformed = false;
};

// A search result. A match in a conversation title has messageId == 0.
struct SearchHit {
    qint64 conversationId = 0, messageId = 0;
    QString conversationTitle;
    QString snippet;  // excerpt around the match; matched words wrapped in kSnippetOpen/kSnippetClose
};

class ChatStore {
public:
    static constexpr int kSchemaVersion = 3;
    // Control characters (STX/ETX) that never occur in chat text, so real brackets stay brackets.
    static constexpr const char* kSnippetOpen = "\u0002";
    static constexpr const char* kSnippetClose = "\u0003";
    static constexpr const char* kSnippetEllipsis = "\u2026";

    // Opens or creates the database at path (parent directories created), sets WAL,
    // foreign_keys=ON, synchronous=FULL and a 5 s busy timeout, checks the file
    // (PRAGMA quick_check), migrates it up to kSchemaVersion (each step one transaction) and
    // marks messages left "generating" as "interrupted". connectionName: a unique Qt SQL
    // connection name (empty: one is generated), so several stores can coexist.
    // Throws StoreError: the file is not a database or is damaged (corrupt() == true), the
    // schema is newer than kSchemaVersion, the location cannot be created/written, or the
    // SQLite build lacks FTS5.
    explicit ChatStore(const QString& path, const QString& connectionName = QString());
    ~ChatStore();  // closes and removes the Qt SQL connection
    ChatStore(const ChatStore&) = delete;
    ChatStore& operator=(const ChatStore&) = delete;

    int schemaVersion() const;  // PRAGMA user_version of the open file
    QString path() const;
    QString connectionName() const;  // the Qt SQL connection (for diagnostics and tests)

    // Moves a damaged database (and its -wal/-shm files) aside to
    // "<path>.corrupt-<yyyyMMdd-hhmmss>" (local time; "-2", "-3"... appended if taken) so a
    // fresh store can be created at path. Never deletes anything. Call with no store open on
    // path. Returns the backup path; throws StoreError when path is missing or cannot be renamed.
    static QString recoverCorrupt(const QString& path);

    // Runs only the migration step 0 -> 1 on an open, empty database: the first schema, for
    // tests of the migrations. Throws StoreError.
    static void createSchemaV1ForTests(QSqlDatabase& db);

    // All calls below throw StoreError when SQLite fails (disk full, read-only file, damaged
    // pages: corrupt() set); a failed write changes nothing. Null QStrings are stored as "".
    // A conversation's updated time is set to now, or 1 ms past the newest other one if that
    // is later, so the order of conversations() follows activity even within a millisecond or
    // when the clock steps back.
    // Conversations. Writes throw StoreError also for an unknown id.
    qint64 createConversation(const QString& title);        // returns the new id
    void renameConversation(qint64 id, const QString& title);  // also bumps updated
    void deleteConversation(qint64 id);  // with its messages; no-op for an unknown id
    QList<Conversation> conversations() const;  // most recently updated first
    std::optional<Conversation> conversation(qint64 id) const;

    // Messages. role must be "system" | "user" | "assistant" and status one of Message::status,
    // else StoreError. addMessage sets created = now (finished = now unless status is
    // "generating") and bumps the conversation's updated time; returns the new id.
    qint64 addMessage(qint64 conversationId, const QString& role, const QString& text,
                      const QString& model = {}, const QString& status = QStringLiteral("done"));
    // Final text, status and stats of a message (typically the answer that was generating);
    // sets finished = now and bumps the conversation's updated time. Throws StoreError for an
    // unknown id.
    void finishMessage(qint64 id, const QString& text, const QString& status, const MessageStats& stats);
    // Edit, or a snapshot of a streaming answer. Each call is a committed, fsync'ed
    // transaction (milliseconds): save streaming text every second or so, not per token.
    // StoreError for an unknown id.
    void setMessageText(qint64 id, const QString& text);
    // Deletes the messages of conversationId that come after messageId (edit-and-resend,
    // regenerate); messageId itself stays.
    void deleteMessagesAfter(qint64 conversationId, qint64 messageId);
    void deleteMessage(qint64 id);  // no-op for an unknown id
    QList<Message> messages(qint64 conversationId) const;  // in the order they were added
    std::optional<Message> message(qint64 id) const;

    // Full-text search (FTS5, unicode61 tokenizer, diacritics folded) over message text and
    // conversation titles. Every whitespace-separated word of query must occur (as a prefix
    // of a word); FTS syntax in query has no effect, so any input is safe. Title matches come
    // first, then messages by relevance; at most limit hits. Empty query: no hits.
    QList<SearchHit> search(const QString& query, int limit = 50) const;

    // "# Title", then per message "## User" / "## Assistant (model)" / "## System", a
    // "*(status)*" line for a message that is not "done", and the text. StoreError for an
    // unknown conversation.
    QString exportMarkdown(qint64 conversationId) const;
    // UTF-8 JSON: {"format":"tern-chat","version":1,"title","created","updated",
    // "messages":[{"role","text","model","created","finished" (null while generating),
    // "status","stats":{"promptTokens","generatedTokens","ttftMs","prefillTps","decodeTps",
    // "peakRssBytes","backend"}, "malformed":true only for an unreadable row}]}; times ISO 8601
    // UTC with milliseconds. StoreError for an unknown conversation.
    QByteArray exportJson(qint64 conversationId) const;

    // Settings. scope: "global" or a model id (per-model values). There is no fallback
    // between scopes: chain them, e.g. setting(k, model, setting(k)).
    QString setting(const QString& key, const QString& scope = QStringLiteral("global"),
                    const QString& def = {}) const;
    void setSetting(const QString& key, const QString& value, const QString& scope = QStringLiteral("global"));
    void removeSetting(const QString& key, const QString& scope = QStringLiteral("global"));

    // Generation records (the Stats page; generation_store.cpp). addGeneration stores one
    // (kind must be "chat" or "benchmark", else StoreError; an invalid timestamp becomes now)
    // and returns its id; messageId: the chat answer it belongs to (0: none).
    qint64 addGeneration(const GenerationRecord& r, qint64 messageId = 0);
    QList<GenerationRecord> generations() const;  // oldest first
    void clearGenerations();

    // PRAGMA integrity_check == "ok" and the FTS indexes agree with their tables. Never throws.
    bool integrityOk() const;

private:
    // Owns the Qt SQL connection so it is removed even when the constructor throws.
    struct Connection {
        QString name;
        QSqlDatabase db;
        ~Connection();
    };

    void configure();
    void migrate();
    void bumpUpdated(qint64 conversationId);
    QList<Message> readMessages(const QString& where, qint64 key) const;

    QString path_;
    Connection conn_;
};

}  // namespace tern::app
