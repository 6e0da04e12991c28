#include "stats/model_cost.h"

#include "catalog/catalog.h"
#include "models/model_registry.h"

namespace tern::app {

QVariantMap ModelCost::toMap() const {
    return {{QStringLiteral("paramsTotal"), double(paramsTotal)},
            {QStringLiteral("paramsActive"), double(paramsActive)},
            {QStringLiteral("bitsPerWeight"), bitsPerWeight},
            {QStringLiteral("weightBytesPerToken"), double(weightBytesPerToken)},
            {QStringLiteral("memoryBytes"), double(memoryBytes)},
            {QStringLiteral("exact"), exact}};
}

ModelCost costOf(const ModelInfo& m) {
    ModelCost c;
    c.exact = true;
    c.paramsTotal = m.paramsTotal > 0 ? m.paramsTotal : -1;
    c.paramsActive = m.paramsActive > 0 ? m.paramsActive : -1;
    c.bitsPerWeight = m.bitsPerWeight > 0 ? m.bitsPerWeight : -1;
    c.weightBytesPerToken = m.weightBytesPerToken > 0 ? m.weightBytesPerToken : -1;
    c.memoryBytes = m.weightBytes > 0 ? m.weightBytes : -1;
    return c;
}

ModelCost costOf(const CatalogEntry& e) {
    ModelCost c;
    c.paramsTotal = e.paramsTotal > 0 ? e.paramsTotal : -1;
    c.paramsActive = e.paramsActive > 0 ? e.paramsActive : -1;
    if (e.sizeBytes > 0 && c.paramsTotal > 0) {
        c.bitsPerWeight = 8.0 * double(e.sizeBytes) / double(c.paramsTotal);
        if (c.paramsActive > 0)
            c.weightBytesPerToken = qint64(double(e.sizeBytes) * double(c.paramsActive) / double(c.paramsTotal));
    }
    c.memoryBytes = e.ramBytes > 0 ? e.ramBytes : -1;
    return c;
}

}  // namespace tern::app
