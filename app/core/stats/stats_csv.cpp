#include "stats/stats_csv.h"

#include "tern/error.h"

#include <functional>

namespace tern::app {

namespace {

QString field(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')) &&
        !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

QString num(double v) { return QString::number(v, 'g', 17); }
QString num(const std::optional<double>& v) { return v ? num(*v) : QString(); }
QString num(qint64 v) { return QString::number(v); }

QString line(const QStringList& fields) {
    QStringList out;
    out.reserve(fields.size());
    for (const QString& f : fields) out << field(f);
    return out.join(QLatin1Char(',')) + QLatin1String("\r\n");
}

QString timestamp(const QDateTime& t) { return t.toUTC().toString(Qt::ISODateWithMs); }

}  // namespace

const QStringList& recordCsvColumns() {
    static const QStringList c{
        "timestamp",       "kind",          "model_id",       "model_file",      "model_type",     "architecture",
        "params_total",    "params_active", "weight_bytes",   "backend",         "device",         "threads",
        "context_size",    "prompt_tokens", "prompt_evaluated", "generated_tokens", "ttft_ms",      "prefill_ms",
        "decode_ms",       "prefill_tps",   "decode_tps",     "peak_rss_bytes",  "stop_reason"};
    return c;
}

const QStringList& comparisonCsvColumns() {
    static const QStringList c{"model_id",        "backend",         "device",           "model_type",
                               "runs",            "median_decode_tps", "best_decode_tps", "median_prefill_tps",
                               "best_prefill_tps", "median_ttft_ms",  "peak_rss_bytes",   "weight_bytes",
                               "decode_tps_per_gb"};
    return c;
}

QString recordsToCsv(const QList<GenerationRecord>& records) {
    QString out = line(recordCsvColumns());
    for (const GenerationRecord& r : records) {
        out += line({timestamp(r.timestamp), r.kind, r.modelId, r.modelFile, r.modelType, r.architecture,
                     num(r.paramsTotal), num(r.paramsActive), num(r.weightBytes), r.backend, r.device,
                     num(qint64(r.threads)), num(qint64(r.contextSize)), num(qint64(r.promptTokens)),
                     num(qint64(r.promptEvaluated)), num(qint64(r.generatedTokens)), num(r.ttftMs), num(r.prefillMs),
                     num(r.decodeMs), num(r.prefillTps), num(r.decodeTps), num(r.peakRssBytes), r.stopReason});
    }
    return out;
}

QString comparisonToCsv(const QList<ComparisonRow>& rows) {
    QString out = line(comparisonCsvColumns());
    for (const ComparisonRow& r : rows) {
        out += line({r.modelId, r.backend, r.device, r.modelType, num(qint64(r.runs)), num(r.medianDecodeTps),
                     num(r.bestDecodeTps), num(r.medianPrefillTps), num(r.bestPrefillTps), num(r.medianTtftMs),
                     num(r.peakRssBytes), num(r.weightBytes), num(r.decodeTpsPerGB)});
    }
    return out;
}

QList<QStringList> parseCsv(const QString& text) {
    QList<QStringList> rows;
    QStringList row;
    QString cur;
    bool quoted = false, fieldStarted = false;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < n && text[i + 1] == QLatin1Char('"')) {
                    cur += QLatin1Char('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cur += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && cur.isEmpty()) {
            quoted = true;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            row << cur;
            cur.clear();
            fieldStarted = true;
        } else if (c == QLatin1Char('\r') || c == QLatin1Char('\n')) {
            if (c == QLatin1Char('\r') && i + 1 < n && text[i + 1] == QLatin1Char('\n')) ++i;
            row << cur;
            rows << row;
            row.clear();
            cur.clear();
            fieldStarted = false;
        } else {
            cur += c;
            fieldStarted = true;
        }
    }
    if (quoted) throw tern::Error("CSV: a quoted field is not closed");
    if (fieldStarted || !cur.isEmpty()) {
        row << cur;
        rows << row;
    }
    return rows;
}

QList<GenerationRecord> recordsFromCsv(const QString& text) {
    const QList<QStringList> rows = parseCsv(text);
    if (rows.isEmpty()) throw tern::Error("CSV: no header line");
    const QStringList& header = rows.front();
    QList<int> col;
    for (const QString& name : recordCsvColumns()) {
        const int i = int(header.indexOf(name));
        if (i < 0) throw tern::Error("CSV: no column \"" + name.toStdString() + "\"");
        col << i;
    }
    QList<GenerationRecord> out;
    for (qsizetype li = 1; li < rows.size(); ++li) {
        const QStringList& f = rows[li];
        const auto at = [&](int c) -> QString {
            const int i = col[c];
            if (i >= f.size()) throw tern::Error("CSV line " + std::to_string(li + 1) + ": too few fields");
            return f[i];
        };
        const auto real = [&](int c) {
            bool ok = false;
            const double v = at(c).toDouble(&ok);
            if (!ok) throw tern::Error("CSV line " + std::to_string(li + 1) + ": not a number in " +
                                       recordCsvColumns()[c].toStdString());
            return v;
        };
        const auto integer = [&](int c) {
            bool ok = false;
            const qint64 v = at(c).toLongLong(&ok);
            if (!ok) throw tern::Error("CSV line " + std::to_string(li + 1) + ": not an integer in " +
                                       recordCsvColumns()[c].toStdString());
            return v;
        };
        const auto optional = [&](int c) -> std::optional<double> {
            if (at(c).isEmpty()) return std::nullopt;
            return real(c);
        };
        GenerationRecord r;
        int c = 0;
        r.timestamp = QDateTime::fromString(at(c++), Qt::ISODateWithMs);
        r.kind = at(c++);
        r.modelId = at(c++);
        r.modelFile = at(c++);
        r.modelType = at(c++);
        r.architecture = at(c++);
        r.paramsTotal = integer(c++);
        r.paramsActive = integer(c++);
        r.weightBytes = integer(c++);
        r.backend = at(c++);
        r.device = at(c++);
        r.threads = int(integer(c++));
        r.contextSize = int(integer(c++));
        r.promptTokens = int(integer(c++));
        r.promptEvaluated = int(integer(c++));
        r.generatedTokens = int(integer(c++));
        r.ttftMs = real(c++);
        r.prefillMs = real(c++);
        r.decodeMs = real(c++);
        r.prefillTps = optional(c++);
        r.decodeTps = optional(c++);
        r.peakRssBytes = integer(c++);
        r.stopReason = at(c++);
        out << r;
    }
    return out;
}

}  // namespace tern::app
