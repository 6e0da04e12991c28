// What a model costs to run, for the Stats page's cost view and the catalog: parameters (total
// and active per token), bits per weight, weight bytes read per decoded token and memory.
// From an installed file the figures are exact (the engine reads the tensors); from a catalog
// entry only what its fields allow is derived, and the rest is left unknown (-1), never guessed.
#pragma once

#include <QString>
#include <QVariantMap>

namespace tern::app {

struct CatalogEntry;
struct ModelInfo;

struct ModelCost {
    qint64 paramsTotal = -1, paramsActive = -1;
    double bitsPerWeight = -1;          // bits per weight element
    qint64 weightBytesPerToken = -1;    // weight bytes one decoded token reads (active experts only)
    qint64 memoryBytes = -1;            // memory the model needs (weights; the catalog's RAM figure)
    // true: measured from the file. false: derived from catalog fields — bits per weight is the
    // file size over the parameters (metadata and tokenizer included, so slightly high) and
    // weight bytes per token assume every weight has that width (size × active ÷ total).
    bool exact = false;

    QVariantMap toMap() const;  // the fields by name; -1 for unknown
};

ModelCost costOf(const ModelInfo& installed);
ModelCost costOf(const CatalogEntry& entry);

}  // namespace tern::app
