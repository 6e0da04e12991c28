#include "stats/stats_aggregate.h"

#include <algorithm>
#include <functional>
#include <map>
#include <utility>

namespace tern::app {

std::optional<double> median(std::vector<double> v) {
    if (v.empty()) return std::nullopt;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

namespace {
std::optional<double> best(const std::vector<double>& v) {
    if (v.empty()) return std::nullopt;
    return *std::max_element(v.begin(), v.end());
}
}  // namespace

QList<ComparisonRow> compareRecords(const QList<GenerationRecord>& records) {
    struct Group {
        ComparisonRow row;
        std::vector<double> decode, prefill, ttft;
    };
    std::vector<Group> groups;
    std::map<std::pair<QString, QString>, size_t> index;
    for (const GenerationRecord& r : records) {
        const auto key = std::make_pair(r.modelId, r.backend);
        auto it = index.find(key);
        if (it == index.end()) {
            it = index.emplace(key, groups.size()).first;
            groups.push_back({});
            groups.back().row.modelId = r.modelId;
            groups.back().row.backend = r.backend;
        }
        Group& g = groups[it->second];
        ++g.row.runs;
        g.row.device = r.device;
        if (!r.modelType.isEmpty()) g.row.modelType = r.modelType;
        if (r.weightBytes > 0) g.row.weightBytes = r.weightBytes;
        g.row.peakRssBytes = std::max(g.row.peakRssBytes, r.peakRssBytes);
        if (r.decodeTps) g.decode.push_back(*r.decodeTps);
        if (r.prefillTps) g.prefill.push_back(*r.prefillTps);
        if (r.ttftMs > 0) g.ttft.push_back(r.ttftMs);
    }
    QList<ComparisonRow> out;
    for (Group& g : groups) {
        ComparisonRow& row = g.row;
        row.medianDecodeTps = median(g.decode);
        row.bestDecodeTps = best(g.decode);
        row.medianPrefillTps = median(g.prefill);
        row.bestPrefillTps = best(g.prefill);
        row.medianTtftMs = median(g.ttft);
        if (row.medianDecodeTps && row.weightBytes > 0)
            row.decodeTpsPerGB = *row.medianDecodeTps / (double(row.weightBytes) / 1e9);
        out.append(row);
    }
    return out;
}

void sortComparison(QList<ComparisonRow>& rows, const QString& column, bool ascending) {
    using Num = std::function<std::optional<double>(const ComparisonRow&)>;
    const std::map<QString, Num> numeric{
        {QStringLiteral("runs"), [](const ComparisonRow& r) { return std::optional<double>(r.runs); }},
        {QStringLiteral("medianDecode"), [](const ComparisonRow& r) { return r.medianDecodeTps; }},
        {QStringLiteral("bestDecode"), [](const ComparisonRow& r) { return r.bestDecodeTps; }},
        {QStringLiteral("medianPrefill"), [](const ComparisonRow& r) { return r.medianPrefillTps; }},
        {QStringLiteral("bestPrefill"), [](const ComparisonRow& r) { return r.bestPrefillTps; }},
        {QStringLiteral("ttft"), [](const ComparisonRow& r) { return r.medianTtftMs; }},
        {QStringLiteral("peakMemory"),
         [](const ComparisonRow& r) {
             return r.peakRssBytes > 0 ? std::optional<double>(double(r.peakRssBytes)) : std::nullopt;
         }},
        {QStringLiteral("decodePerGB"), [](const ComparisonRow& r) { return r.decodeTpsPerGB; }},
    };
    if (column == QLatin1String("model") || column == QLatin1String("backend")) {
        const bool byModel = column == QLatin1String("model");
        std::stable_sort(rows.begin(), rows.end(), [&](const ComparisonRow& a, const ComparisonRow& b) {
            const int c = byModel ? QString::compare(a.modelId, b.modelId, Qt::CaseInsensitive)
                                  : QString::compare(a.backend, b.backend, Qt::CaseInsensitive);
            return ascending ? c < 0 : c > 0;
        });
        return;
    }
    const auto it = numeric.find(column);
    if (it == numeric.end()) return;
    const Num& f = it->second;
    std::stable_sort(rows.begin(), rows.end(), [&](const ComparisonRow& a, const ComparisonRow& b) {
        const auto x = f(a), y = f(b);
        if (!x || !y) return x.has_value() && !y.has_value();  // values first, missing last
        return ascending ? *x < *y : *x > *y;
    });
}

}  // namespace tern::app
