// What a catalog entry needs from this machine before anyone downloads it: engine support for its
// tensor types, architecture and tokenizer (tern/capabilities.h), and enough RAM.
#pragma once

#include "catalog/catalog.h"

#include <functional>

namespace tern::app {

// The engine's capability checks, by the names catalogs use. Injectable for tests.
struct EngineSupport {
    std::function<bool(const QString&)> type;          // "TQ2_0", "I2_S", ...
    std::function<bool(const QString&)> architecture;  // "llama", "bitnet-b1.58", ...
    std::function<bool(const QString&)> tokenizer;     // "llama", "gpt2", ...

    static EngineSupport engine();  // tern::is_type_supported & co.
};

// Why the engine cannot run the entry yet, for the UI; empty when it can. Parts are joined with
// "; ", e.g. "needs I2_S support; needs the bitnet-b1.58 architecture; needs the gpt2 (BPE) tokenizer".
// An entry whose tokenizer is not known is judged on its types and architecture alone (the engine
// still checks the downloaded file).
QString unsupportedReason(const CatalogEntry& entry, const EngineSupport& support = EngineSupport::engine());

// Total physical memory in bytes: MemTotal from /proc/meminfo on Linux, else sysconf; 0 when unknown.
qint64 totalPhysicalRamBytes();

}  // namespace tern::app
