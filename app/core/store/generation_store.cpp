// The generations table of the chat store (schema v3): the Stats page's records.
#include "store/chat_store.h"

#include "store/sql_util.h"

namespace tern::app {

using namespace store_detail;

namespace {

const QString kColumns = QStringLiteral(
    "id, created_ms, kind, model_id, model_file, model_type, architecture, params_total, params_active,"
    " weight_bytes, backend, device, threads, context_size, prompt_tokens, prompt_evaluated, generated_tokens,"
    " ttft_ms, prefill_ms, decode_ms, prefill_tps, decode_tps, peak_rss_bytes, stop_reason");

QVariant optionalReal(const std::optional<double>& v) { return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::Double)); }

std::optional<double> readOptional(const QVariant& v) {
    if (v.isNull()) return std::nullopt;
    return v.toDouble();
}

}  // namespace

qint64 ChatStore::addGeneration(const GenerationRecord& r, qint64 messageId) {
    if (r.kind != QLatin1String("chat") && r.kind != QLatin1String("benchmark"))
        throw StoreError(QStringLiteral("chat database %1: invalid generation kind \"%2\"").arg(path_, r.kind).toStdString());
    const qint64 when = r.timestamp.isValid() ? r.timestamp.toMSecsSinceEpoch() : nowMs();
    QSqlQuery q = run(conn_.db, path_,
                      QStringLiteral("INSERT INTO generations(created_ms, kind, message_id, model_id, model_file,"
                                     " model_type, architecture, params_total, params_active, weight_bytes, backend,"
                                     " device, threads, context_size, prompt_tokens, prompt_evaluated,"
                                     " generated_tokens, ttft_ms, prefill_ms, decode_ms, prefill_tps, decode_tps,"
                                     " peak_rss_bytes, stop_reason)"
                                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                      {when, r.kind, messageId > 0 ? QVariant(messageId) : QVariant(QMetaType(QMetaType::LongLong)),
                       r.modelId, r.modelFile, r.modelType, r.architecture, r.paramsTotal, r.paramsActive,
                       r.weightBytes, r.backend, r.device, r.threads, r.contextSize, r.promptTokens,
                       r.promptEvaluated, r.generatedTokens, r.ttftMs, r.prefillMs, r.decodeMs,
                       optionalReal(r.prefillTps), optionalReal(r.decodeTps), r.peakRssBytes, r.stopReason});
    return q.lastInsertId().toLongLong();
}

QList<GenerationRecord> ChatStore::generations() const {
    QSqlQuery q = run(conn_.db, path_, QStringLiteral("SELECT %1 FROM generations ORDER BY created_ms, id").arg(kColumns));
    QList<GenerationRecord> out;
    while (q.next()) {
        GenerationRecord r;
        int i = 0;
        r.id = q.value(i++).toLongLong();
        r.timestamp = fromMs(q.value(i++));
        r.kind = q.value(i++).toString();
        r.modelId = q.value(i++).toString();
        r.modelFile = q.value(i++).toString();
        r.modelType = q.value(i++).toString();
        r.architecture = q.value(i++).toString();
        r.paramsTotal = q.value(i++).toLongLong();
        r.paramsActive = q.value(i++).toLongLong();
        r.weightBytes = q.value(i++).toLongLong();
        r.backend = q.value(i++).toString();
        r.device = q.value(i++).toString();
        r.threads = q.value(i++).toInt();
        r.contextSize = q.value(i++).toInt();
        r.promptTokens = q.value(i++).toInt();
        r.promptEvaluated = q.value(i++).toInt();
        r.generatedTokens = q.value(i++).toInt();
        r.ttftMs = q.value(i++).toDouble();
        r.prefillMs = q.value(i++).toDouble();
        r.decodeMs = q.value(i++).toDouble();
        r.prefillTps = readOptional(q.value(i++));
        r.decodeTps = readOptional(q.value(i++));
        r.peakRssBytes = q.value(i++).toLongLong();
        r.stopReason = q.value(i++).toString();
        out.append(r);
    }
    return out;
}

void ChatStore::clearGenerations() { run(conn_.db, path_, QStringLiteral("DELETE FROM generations")); }

}  // namespace tern::app
