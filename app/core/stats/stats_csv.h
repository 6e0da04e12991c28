// CSV export of the Stats page (RFC 4180: comma separated, CRLF line ends, fields with a comma,
// quote or line break in double quotes, quotes doubled; UTF-8). A missing value (a rate that
// could not be measured) is an empty field. Numbers are written with enough digits to read
// back the same double.
#pragma once

#include "stats/generation_record.h"
#include "stats/stats_aggregate.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tern::app {

// Column names of the raw records, in order.
const QStringList& recordCsvColumns();
// Column names of the comparison table, in order.
const QStringList& comparisonCsvColumns();

QString recordsToCsv(const QList<GenerationRecord>& records);
QString comparisonToCsv(const QList<ComparisonRow>& rows);

// Splits CSV text into rows of fields. Throws tern::Error for an unterminated quoted field.
QList<QStringList> parseCsv(const QString& text);
// Reads records written by recordsToCsv (columns found by name in the header, so extra
// columns are ignored). Throws tern::Error naming the line for a missing column or a bad number.
QList<GenerationRecord> recordsFromCsv(const QString& text);

}  // namespace tern::app
