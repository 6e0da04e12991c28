// GGUF v3 writer: header, metadata in insertion order, tensor infos, zero padding to the
// alignment, then each tensor's data padded to the alignment (ggml docs/gguf.md, "File Structure").

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/types.h"

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <utility>

namespace tern {

namespace {

void put_le(std::vector<uint8_t>& out, uint64_t v, unsigned n) {
    for (unsigned k = 0; k < n; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
}
void put_u32(std::vector<uint8_t>& out, uint32_t v) { put_le(out, v, 4); }
void put_u64(std::vector<uint8_t>& out, uint64_t v) { put_le(out, v, 8); }
void put_str(std::vector<uint8_t>& out, const std::string& s) {
    put_u64(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
}
void put_type(std::vector<uint8_t>& out, GgufValueType t) { put_u32(out, static_cast<uint32_t>(t)); }
void pad_to(std::vector<uint8_t>& out, uint64_t align) {
    while (out.size() % align != 0) out.push_back(0);
}
uint64_t padded(uint64_t n, uint64_t align) { return (n + align - 1) / align * align; }

}  // namespace

struct GgufWriter::Impl {
    struct Tensor {
        std::string name;
        Type type;
        std::vector<int64_t> ne;
        uint64_t n_bytes = 0;
        std::vector<uint8_t> data;  // the data, or empty when `fill` makes it at write time
        TensorFill fill;
    };
    uint32_t alignment = 32;
    std::set<std::string> keys;
    std::vector<uint8_t> kv_bytes;  // serialized key/type/value records, in insertion order
    uint64_t n_kv = 0;
    std::set<std::string> names;
    std::vector<Tensor> tensors;

    // Starts a record; the caller appends the value bytes.
    std::vector<uint8_t>& begin(const std::string& key, GgufValueType t) {
        if (key == "general.alignment") throw Error("GgufWriter: set general.alignment with set_alignment()");
        if (!keys.insert(key).second) throw Error("GgufWriter: duplicate metadata key '" + key + "'");
        put_str(kv_bytes, key);
        put_type(kv_bytes, t);
        ++n_kv;
        return kv_bytes;
    }
    // Checks a new tensor and returns its data size in bytes.
    uint64_t check_tensor(const std::string& name, Type type, const std::vector<int64_t>& ne) const;
    // Header, metadata and tensor infos, padded to the alignment: everything before the data.
    std::vector<uint8_t> header() const;
    // Calls emit(bytes, n) for every tensor's data and its padding, in order.
    template <class Emit> void emit_data(Emit&& emit) const;

    std::vector<uint8_t>& begin_array(const std::string& key, GgufValueType elem, size_t count) {
        std::vector<uint8_t>& out = begin(key, GgufValueType::ARRAY);
        put_type(out, elem);
        put_u64(out, count);
        return out;
    }
};

GgufWriter::GgufWriter() : impl_(std::make_unique<Impl>()) {}
GgufWriter::~GgufWriter() = default;

void GgufWriter::set_alignment(uint32_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw Error("GgufWriter: alignment " + std::to_string(alignment) + " is not a non-zero power of two");
    impl_->alignment = alignment;
}

void GgufWriter::add_u32(const std::string& key, uint32_t v) { put_u32(impl_->begin(key, GgufValueType::UINT32), v); }
void GgufWriter::add_i32(const std::string& key, int32_t v) {
    put_u32(impl_->begin(key, GgufValueType::INT32), static_cast<uint32_t>(v));
}
void GgufWriter::add_u64(const std::string& key, uint64_t v) { put_u64(impl_->begin(key, GgufValueType::UINT64), v); }
void GgufWriter::add_f32(const std::string& key, float v) {
    put_u32(impl_->begin(key, GgufValueType::FLOAT32), std::bit_cast<uint32_t>(v));
}
void GgufWriter::add_bool(const std::string& key, bool v) {
    impl_->begin(key, GgufValueType::BOOL).push_back(v ? 1 : 0);
}
void GgufWriter::add_string(const std::string& key, const std::string& v) {
    put_str(impl_->begin(key, GgufValueType::STRING), v);
}
void GgufWriter::add_string_array(const std::string& key, const std::vector<std::string>& v) {
    std::vector<uint8_t>& out = impl_->begin_array(key, GgufValueType::STRING, v.size());
    for (const std::string& s : v) put_str(out, s);
}
void GgufWriter::add_f32_array(const std::string& key, const std::vector<float>& v) {
    std::vector<uint8_t>& out = impl_->begin_array(key, GgufValueType::FLOAT32, v.size());
    for (float x : v) put_u32(out, std::bit_cast<uint32_t>(x));
}
void GgufWriter::add_i32_array(const std::string& key, const std::vector<int32_t>& v) {
    std::vector<uint8_t>& out = impl_->begin_array(key, GgufValueType::INT32, v.size());
    for (int32_t x : v) put_u32(out, static_cast<uint32_t>(x));
}

uint64_t GgufWriter::Impl::check_tensor(const std::string& name, Type type, const std::vector<int64_t>& ne) const {
    const std::string what = "GgufWriter: tensor '" + name + "'";
    const TypeTraits* tt = type_traits(static_cast<uint32_t>(type));
    if (!tt || tt->internal) throw Error(what + " has an unsupported type");
    if (ne.empty() || ne.size() > 4) throw Error(what + " must have 1 to 4 dimensions");
    for (int64_t n : ne)
        if (n < 1) throw Error(what + " has a dimension < 1");
    if (ne[0] % tt->block_size != 0)
        throw Error(what + ": row length " + std::to_string(ne[0]) + " is not a multiple of the " +
                    std::string(tt->name) + " block size " + std::to_string(tt->block_size));
    uint64_t bytes = static_cast<uint64_t>(ne[0] / tt->block_size);
    bool overflow = __builtin_mul_overflow(bytes, static_cast<uint64_t>(tt->block_bytes), &bytes);
    for (size_t d = 1; d < ne.size(); ++d)
        overflow = overflow || __builtin_mul_overflow(bytes, static_cast<uint64_t>(ne[d]), &bytes);
    if (overflow) throw Error(what + " is too large");
    if (type == Type::I2_S) {  // codes of all rows, then the per-tensor scale tail
        uint64_t n = 1;
        for (int64_t d : ne) n *= static_cast<uint64_t>(d);
        bytes = i2s_tensor_bytes(n);
    }
    if (names.count(name)) throw Error("GgufWriter: duplicate tensor name '" + name + "'");
    return bytes;
}

void GgufWriter::add_tensor(const std::string& name, Type type, std::vector<int64_t> ne, std::vector<uint8_t> data) {
    const uint64_t bytes = impl_->check_tensor(name, type, ne);
    if (data.size() != bytes)
        throw Error("GgufWriter: tensor '" + name + "' has " + std::to_string(data.size()) + " bytes of data, expected " +
                    std::to_string(bytes));
    impl_->names.insert(name);
    impl_->tensors.push_back({name, type, std::move(ne), bytes, std::move(data), {}});
}

void GgufWriter::add_tensor_streamed(const std::string& name, Type type, std::vector<int64_t> ne, TensorFill fill) {
    if (!fill) throw Error("GgufWriter: tensor '" + name + "' has no data");
    const uint64_t bytes = impl_->check_tensor(name, type, ne);
    impl_->names.insert(name);
    impl_->tensors.push_back({name, type, std::move(ne), bytes, {}, std::move(fill)});
}

std::vector<uint8_t> GgufWriter::Impl::header() const {
    const bool write_alignment = alignment != 32;
    std::vector<uint8_t> out;
    put_u32(out, 0x46554747u);  // "GGUF"
    put_u32(out, 3);
    put_u64(out, tensors.size());
    put_u64(out, n_kv + (write_alignment ? 1 : 0));
    out.insert(out.end(), kv_bytes.begin(), kv_bytes.end());
    if (write_alignment) {
        put_str(out, "general.alignment");
        put_type(out, GgufValueType::UINT32);
        put_u32(out, alignment);
    }
    uint64_t offset = 0;
    for (const Tensor& t : tensors) {
        put_str(out, t.name);
        put_u32(out, static_cast<uint32_t>(t.ne.size()));
        for (int64_t n : t.ne) put_u64(out, static_cast<uint64_t>(n));
        put_u32(out, static_cast<uint32_t>(t.type));
        put_u64(out, offset);
        offset += padded(t.n_bytes, alignment);
    }
    pad_to(out, alignment);
    return out;
}

template <class Emit> void GgufWriter::Impl::emit_data(Emit&& emit) const {
    const std::vector<uint8_t> zeros(alignment, 0);
    std::vector<uint8_t> buf;  // reused by every filled tensor
    for (const Tensor& t : tensors) {
        if (t.fill) {
            buf.assign(t.n_bytes, 0);
            t.fill(buf.data(), buf.size());
            emit(buf.data(), buf.size());
        } else {
            emit(t.data.data(), t.data.size());
        }
        emit(zeros.data(), padded(t.n_bytes, alignment) - t.n_bytes);
    }
}

std::vector<uint8_t> GgufWriter::to_bytes() const {
    std::vector<uint8_t> out = impl_->header();
    impl_->emit_data([&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
    return out;
}

void GgufWriter::write(const std::string& path) const {
    std::FILE* fp = std::fopen(path.c_str(), "wb");
    if (!fp) throw Error(path + ": cannot create: " + std::strerror(errno));
    const auto put = [&](const uint8_t* p, size_t n) {
        if (n > 0 && std::fwrite(p, 1, n, fp) != n) throw Error(path + ": cannot write: " + std::strerror(errno));
    };
    try {
        const std::vector<uint8_t> head = impl_->header();
        put(head.data(), head.size());
        impl_->emit_data(put);
        if (std::fflush(fp) != 0) throw Error(path + ": cannot write: " + std::strerror(errno));
    } catch (...) {
        std::fclose(fp);
        std::remove(path.c_str());
        throw;
    }
    if (std::fclose(fp) != 0) {
        const int err = errno;
        std::remove(path.c_str());
        throw Error(path + ": cannot write: " + std::strerror(err));
    }
}

}  // namespace tern
