// The comparison table of the Stats page: the generation records grouped by model × backend,
// with the median and best of each rate. Pure functions over records, no Qt objects.
#pragma once

#include "stats/generation_record.h"

#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace tern::app {

struct ComparisonRow {
    QString modelId, backend;
    QString device;              // the device of the newest record in the group
    QString modelType;
    qint64 weightBytes = 0;
    int runs = 0;                // records in the group
    std::optional<double> medianDecodeTps, bestDecodeTps;
    std::optional<double> medianPrefillTps, bestPrefillTps;
    std::optional<double> medianTtftMs;  // over records that sampled a token
    qint64 peakRssBytes = 0;     // the largest peak of the group
    // Median decode tokens/s per GB (10^9 bytes) of weights: how well a model turns the bytes
    // it holds into speed. nullopt without a decode rate or a weight size.
    std::optional<double> decodeTpsPerGB;
};

// Median of the values (the mean of the two middle ones for an even count); nullopt for none.
std::optional<double> median(std::vector<double> values);

// One row per (modelId, backend) in the order each pair first appears in records.
QList<ComparisonRow> compareRecords(const QList<GenerationRecord>& records);

// Sorts rows by a column of the table ("model", "backend", "runs", "medianDecode",
// "bestDecode", "medianPrefill", "bestPrefill", "ttft", "peakMemory", "decodePerGB").
// Rows without a value sort last whatever the direction; an unknown column leaves the order.
void sortComparison(QList<ComparisonRow>& rows, const QString& column, bool ascending);

}  // namespace tern::app
