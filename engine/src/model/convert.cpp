// Load-time conversion of tensors whose file layout the kernels do not read: bitnet.cpp's I2_S
// (one float32 scale per tensor, after the codes) becomes TQ2_0_S32, TQ2_0's blocks with a
// float32 scale, so the TQ2_0 kernels run it and the scale stays exact. And, when asked
// (LoadOptions::repack_tq1_0), TQ1_0 is repacked to TQ2_0: the same values and scales, so the
// same results bit for bit, read by the 2-bit kernels, which are faster than base-3
// unpacking, for 2.06 instead of 1.69 bits per weight.
#include "model/loader.h"

#include "tensor/quants.h"
#include "tern/error.h"

#include <sys/mman.h>

#include <cmath>
#include <cstring>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace tern {

namespace {

// Gives the mapping's pages that hold only [p, p + n) back to the kernel: the converted copy
// replaces them, and a clean private file mapping re-reads them from the file if ever touched.
void release_pages(const uint8_t* p, uint64_t n) {
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (page_size <= 0) return;
    const auto page = static_cast<uintptr_t>(page_size);
    const auto begin = (reinterpret_cast<uintptr_t>(p) + page - 1) / page * page;
    const auto end = (reinterpret_cast<uintptr_t>(p) + n) / page * page;
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);  // advisory only
}

// A new converted tensor: t's name and shape in `type`, its bytes allocated (64-byte aligned).
ConvertedTensor& add_converted(const GgufTensorInfo& t, Type type, ModelWeights& owner) {
    ConvertedTensor& c = owner.converted.emplace_back();
    c.source = &t;
    c.info = t;
    c.info.type = type;
    c.info.n_bytes = row_bytes(type, t.ne[0]) * static_cast<uint64_t>(t.ne[1] * t.ne[2] * t.ne[3]);
    c.data.reset(static_cast<uint8_t*>(::operator new[](static_cast<size_t>(c.info.n_bytes), AlignedDelete::kAlign)));
    c.info.data = c.data.get();
    return c;
}

}  // namespace

void check_convertible(const GgufFile& f, const GgufTensorInfo& t) {
    const std::string what = f.path() + ": tensor '" + t.name + "'";
    if (t.type != Type::I2_S)
        throw Error(what + ": type " + std::string(type_name(t.type)) + " needs no conversion");
    if (t.ne[0] % 256 != 0)
        throw Error(what + ": I2_S row length " + std::to_string(t.ne[0]) +
                    " is not a multiple of 256, which Tern's ternary kernels need");
    float scale = 0.0f;  // one float32 after the n/4 bytes of codes (formats.md §3.2)
    std::memcpy(&scale, t.data + t.n_elements() / 4, sizeof scale);
    if (!std::isfinite(scale)) throw Error(what + ": I2_S scale is not a finite number");
}

const GgufTensorInfo* convert_for_kernels(const GgufFile& f, const GgufTensorInfo& t, ModelWeights& owner) {
    for (const ConvertedTensor& c : owner.converted)
        if (c.source == &t) return &c.info;
    check_convertible(f, t);
    const std::string what = f.path() + ": tensor '" + t.name + "'";

    ConvertedTensor& c = add_converted(t, Type::TQ2_0_S32, owner);
    try {
        ref::convert_i2_s_to_tq2_0_s32(t.data, c.data.get(), t.n_elements());
    } catch (const Error& e) {
        owner.converted.pop_back();
        throw Error(what + ": " + e.what());
    }
    release_pages(t.data, t.n_bytes);
    return &c.info;
}

const GgufTensorInfo* repack_tq1_0(const GgufFile& f, const GgufTensorInfo& t, ModelWeights& owner) {
    for (const ConvertedTensor& c : owner.converted)
        if (c.source == &t) return &c.info;
    if (t.type != Type::TQ1_0)
        throw Error(f.path() + ": tensor '" + t.name + "': type " + std::string(type_name(t.type)) + " is not TQ1_0");
    ConvertedTensor& c = add_converted(t, Type::TQ2_0, owner);
    // Blocks are independent: split them across the cores (a 1 B-parameter file has millions).
    const int64_t nb = t.n_elements() / 256;
    const int64_t n_threads = std::clamp<int64_t>(nb / 16384, 1, std::max(1u, std::thread::hardware_concurrency()));
    const size_t in_block = row_bytes(Type::TQ1_0, 256), out_block = row_bytes(Type::TQ2_0, 256);
    auto part = [&](int64_t k) {
        const int64_t b0 = nb * k / n_threads, b1 = nb * (k + 1) / n_threads;
        ref::convert_tq1_0_to_tq2_0(t.data + static_cast<size_t>(b0) * in_block,
                                    c.data.get() + static_cast<size_t>(b0) * out_block, (b1 - b0) * 256);
    };
    std::vector<std::thread> workers;
    for (int64_t k = 1; k < n_threads; ++k) workers.emplace_back(part, k);
    part(0);
    for (auto& w : workers) w.join();
    release_pages(t.data, t.n_bytes);
    return &c.info;
}

}  // namespace tern
