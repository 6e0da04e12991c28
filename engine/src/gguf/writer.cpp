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
        std::vector<uint8_t> data;
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

void GgufWriter::add_tensor(const std::string& name, Type type, std::vector<int64_t> ne, std::vector<uint8_t> data) {
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
    if (data.size() != bytes)
        throw Error(what + " has " + std::to_string(data.size()) + " bytes of data, expected " + std::to_string(bytes));
    if (!impl_->names.insert(name).second) throw Error("GgufWriter: duplicate tensor name '" + name + "'");
    impl_->tensors.push_back({name, type, std::move(ne), std::move(data)});
}

std::vector<uint8_t> GgufWriter::to_bytes() const {
    const Impl& m = *impl_;
    const bool write_alignment = m.alignment != 32;
    std::vector<uint8_t> out;
    put_u32(out, 0x46554747u);  // "GGUF"
    put_u32(out, 3);
    put_u64(out, m.tensors.size());
    put_u64(out, m.n_kv + (write_alignment ? 1 : 0));
    out.insert(out.end(), m.kv_bytes.begin(), m.kv_bytes.end());
    if (write_alignment) {
        put_str(out, "general.alignment");
        put_type(out, GgufValueType::UINT32);
        put_u32(out, m.alignment);
    }
    uint64_t offset = 0;
    for (const Impl::Tensor& t : m.tensors) {
        put_str(out, t.name);
        put_u32(out, static_cast<uint32_t>(t.ne.size()));
        for (int64_t n : t.ne) put_u64(out, static_cast<uint64_t>(n));
        put_u32(out, static_cast<uint32_t>(t.type));
        put_u64(out, offset);
        offset += padded(t.data.size(), m.alignment);
    }
    pad_to(out, m.alignment);
    for (const Impl::Tensor& t : m.tensors) {
        out.insert(out.end(), t.data.begin(), t.data.end());
        pad_to(out, m.alignment);
    }
    return out;
}

void GgufWriter::write(const std::string& path) const {
    const std::vector<uint8_t> bytes = to_bytes();
    std::FILE* fp = std::fopen(path.c_str(), "wb");
    if (!fp) throw Error(path + ": cannot create: " + std::strerror(errno));
    const size_t written = std::fwrite(bytes.data(), 1, bytes.size(), fp);
    const int write_errno = errno;
    if (std::fclose(fp) != 0 || written != bytes.size())
        throw Error(path + ": cannot write: " + std::strerror(written != bytes.size() ? write_errno : errno));
}

}  // namespace tern
