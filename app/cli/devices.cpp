// tern-cli devices: the Vulkan devices the engine sees, with what the Vulkan backend uses.
#include "command.h"

#include "tern/devices.h"

#include <cstdio>

namespace tern::cli {

namespace {

std::string mib(uint64_t bytes) {
    char b[32];
    if (bytes >= (1ull << 30)) std::snprintf(b, sizeof b, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
    else std::snprintf(b, sizeof b, "%llu MiB", static_cast<unsigned long long>(bytes >> 20));
    return b;
}

const char* yes(bool v) { return v ? "yes" : "no"; }

}  // namespace

void report_backend(const QCommandLineParser& p, const Session& s) {
    if (s.backend_kind() == BackendKind::VULKAN)
        std::fprintf(stderr, "tern-cli: running on %s\n", s.backend_description().c_str());
    else if (!s.backend_fallback_reason().empty() && (p.isSet("backend") || p.isSet("device")))
        std::fprintf(stderr, "tern-cli: %s; running on the CPU\n", s.backend_fallback_reason().c_str());
}

int cmd_devices(const QStringList& args) {
    QCommandLineParser p;
    if (!parse_or_throw(p, args, "List the Vulkan devices: index (for --device), name, type, memory and the "
                                  "features the Vulkan backend can use."))
        return 0;
    const DeviceList list = list_vulkan_devices();
    if (list.devices.empty()) {
        std::printf("No Vulkan devices: %s. Generation runs on the CPU.\n", list.error.c_str());
        return 0;
    }
    for (const DeviceInfo& d : list.devices) {
        std::printf("%d  %s  (%s, Vulkan %s)\n", d.index, d.name.c_str(), device_type_name(d.type), d.api_version.c_str());
        std::string heaps;
        for (size_t i = 0; i < d.heap_bytes.size(); ++i) heaps += (i ? ", " : "") + mib(d.heap_bytes[i]);
        std::printf("   memory: %s device-local (heaps: %s); max storage buffer %s\n", mib(d.device_local_bytes).c_str(),
                    heaps.c_str(), mib(d.max_storage_buffer_range).c_str());
        std::printf("   subgroup size %u; int8 dot product %s; fp16 %s; 8-bit storage %s; 16-bit storage %s\n",
                    d.subgroup_size, yes(d.integer_dot_product), yes(d.float16), yes(d.storage_8bit),
                    yes(d.storage_16bit));
    }
    std::printf("--backend auto uses the first discrete, else integrated GPU, never a CPU-type device; "
                "--backend vulkan uses the best device listed (CPU-type ones included); --device N picks one.\n");
    return 0;
}

}  // namespace tern::cli
