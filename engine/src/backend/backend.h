// The seam between graphs and hardware (after ggml's ggml-backend-impl.h: small, explicit,
// `supports` asked before use). A backend executes a Graph node by node and owns the KV cache,
// so a GPU backend can keep it in device memory. Backends know ops and tensor types, never
// architectures. The CPU backend's scalar kernels are the reference every other path is tested
// against.
#pragma once

#include "graph/graph.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace tern {

struct KvCacheConfig {
    int32_t n_layer = 0;
    int32_t n_ctx = 0;       // positions per layer
    int32_t kv_dim = 0;      // n_head_kv · head_dim, for K and for V
    // Element type of K and V: F32, or F16 (rounded to nearest even when stored, widened to F32
    // when attention reads them; llama.cpp's default -ctk/-ctv f16). Bytes in all:
    // 2 · n_layer · n_ctx · kv_dim · (4 or 2).
    Type type = Type::F32;
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string_view name() const = 0;
    // Human-readable: backend, device and settings, e.g. "CPU (scalar, 2 threads)"; an F16 KV
    // cache adds ", F16 KV cache" inside the parentheses.
    virtual std::string description() const = 0;

    // Whether this backend can run `op` with src0 of type `type` (the weight type for
    // GET_ROWS / MUL_MAT / MUL_MAT_ID, F32 for the rest).
    virtual bool supports(Op op, Type type) const = 0;

    // (Re)allocates the KV cache; its contents are undefined until written by ATTENTION. Throws
    // tern::Error for a size or type (cfg.type: F32 or F16) the backend cannot hold.
    virtual void init_kv_cache(const KvCacheConfig& cfg) = 0;
    virtual const KvCacheConfig& kv_cache_config() const = 0;
    virtual size_t kv_cache_bytes() const = 0;

    // Executes every node of g in order. Afterwards the `out` of g.output, of the g.routing and
    // g.keep nodes and (CPU) of every node no other node reads points to its result in
    // host-readable memory valid until the next compute(); other intermediate results may have
    // been overwritten (graph/memory_plan.h). Throws tern::Error when the graph holds an
    // unsupported (op, type) or invalid values (e.g. an expert id out of range).
    virtual void compute(Graph& g) = 0;
};

// How the CPU backend multiplies by quantized weights.
enum class MatmulPrecision {
    // As llama.cpp's CPU backend: activations converted to the weight type's vec_dot_type
    // (Q8_0 for Q4_0/Q8_0, Q8_K for TQ1_0/TQ2_0, F16 for F16), integer dot products.
    NATIVE,
    // Weights dequantized to F32 and multiplied with F32 activations: the exact-math
    // reference (matches ../shared/fixtures/ref/*-dequant.F32 to ~1e-5).
    EXACT_F32,
};

struct CpuBackendOptions {
    int n_threads = 0;                        // 0: all hardware threads
    MatmulPrecision precision = MatmulPrecision::NATIVE;
    // Kernel set (backend/cpu/kernels.h cpu_kernels): "" = the best this CPU runs, or "scalar",
    // "avx2", "avx512" (x86-64), "neon" (aarch64); make_cpu_backend throws tern::Error for an unknown or unsupported one.
    std::string cpu_features;
};

std::unique_ptr<Backend> make_cpu_backend(const CpuBackendOptions& opts);

struct VulkanBackendOptions {
    int device = -1;                  // index as list_vulkan_devices() gives it; -1: the best GPU
    bool allow_cpu_device = false;    // with device == -1, also consider CPU-type devices (lavapipe)
    uint64_t reserve_bytes = 0;       // device memory the caller will need (weights): checked against the budget
    uint64_t max_binding_bytes = 0;   // 0: the device's maxStorageBufferRange; smaller splits weights sooner (tests)
    uint32_t row_threads = 0;         // matmul invocations per output row (power of two ≤ 64); 0: per device type
};

// The Vulkan compute backend (backend/vulkan/). Throws tern::Error starting "Vulkan unavailable: "
// when there is no loader, driver or suitable device, or the reserve does not fit the device.
// Weight leaves are uploaded on first use and cached by host pointer for the backend's lifetime
// (their data must not change); I32 leaves (token ids, positions, expert ids) are inputs uploaded
// by every compute(). After compute(), only g.output and the g.routing nodes have host memory
// (`out`); other nodes' `out` is null.
std::unique_ptr<Backend> make_vulkan_backend(const VulkanBackendOptions& opts);

}  // namespace tern
