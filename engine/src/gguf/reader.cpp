// GGUF reader: maps the file read-only and parses header, metadata and tensor infos in place.
// Layout and checks: ../shared/docs/formats.md §1 (from ggml docs/gguf.md and src/gguf.cpp).
// Type ids 36–39 mean different things in upstream ggml and in Microsoft's bitnet.cpp fork
// (formats.md §1.3, §3.1), so they are decided by the id and the file's provenance.

#include "tern/gguf.h"

#include "gguf/parser.h"
#include "tern/error.h"
#include "tern/types.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_set>

namespace tern {

namespace {

constexpr uint32_t kMagic = 0x46554747u;  // "GGUF" read as a little-endian u32
constexpr uint64_t kHeaderBytes = 24;     // magic, version, tensor_count, kv_count
constexpr uint64_t kMinKvBytes = 8 + 4 + 1;            // empty key, type, 1-byte value
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;  // empty name, 1 dim, type, offset
constexpr int kMaxArrayDepth = 8;
constexpr uint64_t kMaxTensorName = 256;  // the spec says 64; real files are sometimes longer
// Each array element becomes one GgufValue (~80 bytes), so a file of many 1-byte elements
// would expand ~80x in memory. Real vocabularies have well under a million entries.
constexpr uint64_t kMaxArrayElements = uint64_t{1} << 24;

// Smallest encoding of one value of type t; 0 for an unknown type.
uint64_t min_value_bytes(uint32_t t) {
    switch (static_cast<GgufValueType>(t)) {
    case GgufValueType::UINT8: case GgufValueType::INT8: case GgufValueType::BOOL: return 1;
    case GgufValueType::UINT16: case GgufValueType::INT16: return 2;
    case GgufValueType::UINT32: case GgufValueType::INT32: case GgufValueType::FLOAT32: return 4;
    case GgufValueType::UINT64: case GgufValueType::INT64: case GgufValueType::FLOAT64: return 8;
    case GgufValueType::STRING: return 8;  // the length prefix
    case GgufValueType::ARRAY: return 12;  // element type + count
    }
    return 0;
}

// Names and keys come from the file: control bytes are escaped and long ones shortened so a
// message stays one readable line.
std::string quoted(std::string_view s) {
    constexpr size_t kMaxShown = 80;
    std::string out = "'";
    for (size_t k = 0; k < s.size() && k < kMaxShown; ++k) {
        const auto c = static_cast<unsigned char>(s[k]);
        if (c < 0x20 || c == 0x7f) {
            const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (s.size() > kMaxShown) out += "...";
    return out + "'";
}

// bitnet.cpp's own type ids (its ggml/include/ggml.h), and its file type for I2_S models
// (LLAMA_FTYPE_MOSTLY_I2_S in its include/llama.h).
constexpr uint32_t kIdI2S = 36, kIdI8S = 37, kIdTL1 = 38, kIdTL2 = 39;
constexpr uint64_t kFileTypeI2S = 40;

// Architectures bitnet.cpp writes I2_S files for (formats.md §1.3, §4.1, §4.4).
bool bitnet_cpp_architecture(std::string_view arch) {
    return arch == "bitnet-b1.58" || arch == "bitnet-25" || arch == "bitnet" || arch == "llama" || arch == "falcon";
}

[[noreturn]] void open_fail(const std::string& path, const std::string& problem) {
    throw Error(path + ": " + problem);
}

}  // namespace

class GgufParser {
public:
    explicit GgufParser(GgufFile& f) : f_(f), cur_(f.map_, f.size_, f.path_) {}

    void parse() {
        parse_header_and_metadata();
        parse_alignment();
        read_provenance();
        parse_tensor_infos();
        place_tensor_data();
    }

private:
    void parse_header_and_metadata() {
        cur_.set_section("header");
        if (cur_.u32() != kMagic) cur_.fail("bad magic (not a GGUF file)");
        const uint32_t version = cur_.u32();
        if ((version & 0xFFFFu) == 0)
            cur_.fail("unsupported GGUF version " + std::to_string(version) +
                      " (byte-swapped: big-endian files are not supported)");
        if (version != 2 && version != 3)
            cur_.fail("unsupported GGUF version " + std::to_string(version));
        f_.version_ = version;
        const uint64_t n_tensors = cur_.u64();
        const uint64_t n_kv = cur_.u64();
        check_count(n_kv, kMinKvBytes, "metadata count");
        check_count(n_tensors, kMinTensorInfoBytes, "tensor count");
        n_tensors_ = n_tensors;

        if (cur_.fits(n_kv, kMinKvBytes)) f_.kv_.reserve(static_cast<size_t>(n_kv));
        std::unordered_set<std::string_view> keys;
        for (uint64_t k = 0; k < n_kv; ++k) {
            cur_.set_section("metadata key " + std::to_string(k));
            const std::string_view key = cur_.str();
            const uint32_t type = cur_.u32();
            if (!keys.insert(key).second) cur_.fail("duplicate metadata key " + quoted(key));
            cur_.set_section("metadata value " + std::to_string(k) + " (" + quoted(key) + ")");
            key_ = key;
            GgufKV kv;
            kv.key = std::string(key);
            kv.value = parse_value(type, 0);
            f_.kv_.push_back(std::move(kv));
        }
    }

    // A count that could not fit even in the whole file is a corrupt header. A smaller one that
    // does not fit in the bytes left is a truncated file: the loop reading the items then stops
    // at the first incomplete one (each item consumes at least min_bytes), so the message names
    // it, and nothing is reserved for items that are not there.
    void check_count(uint64_t count, uint64_t min_bytes, const char* what) {
        if (count > f_.size_ / min_bytes)
            cur_.fail(std::string(what) + " " + std::to_string(count) + " is too large for a " +
                      std::to_string(f_.size_) + "-byte file");
    }

    GgufValue parse_value(uint32_t type, int depth) {
        if (min_value_bytes(type) == 0)
            cur_.fail("metadata key " + quoted(key_) + " has unknown value type " + std::to_string(type));
        GgufValue v;
        v.type = static_cast<GgufValueType>(type);
        switch (v.type) {
        case GgufValueType::UINT8: v.u = cur_.u8(); break;
        case GgufValueType::INT8: v.i = static_cast<int8_t>(cur_.u8()); break;
        case GgufValueType::UINT16: v.u = cur_.u16(); break;
        case GgufValueType::INT16: v.i = static_cast<int16_t>(cur_.u16()); break;
        case GgufValueType::UINT32: v.u = cur_.u32(); break;
        case GgufValueType::INT32: v.i = static_cast<int32_t>(cur_.u32()); break;
        case GgufValueType::UINT64: v.u = cur_.u64(); break;
        case GgufValueType::INT64: v.i = static_cast<int64_t>(cur_.u64()); break;
        case GgufValueType::FLOAT32: v.f = cur_.f32(); break;
        case GgufValueType::FLOAT64: v.f = cur_.f64(); break;
        case GgufValueType::BOOL: {
            const uint8_t b = cur_.u8();
            if (b > 1)
                cur_.fail("metadata key " + quoted(key_) + ": bool value " + std::to_string(b) +
                          " is not 0 or 1");
            v.u = b;
            break;
        }
        case GgufValueType::STRING: v.str = cur_.str(); break;
        case GgufValueType::ARRAY: parse_array(v, depth); break;
        }
        return v;
    }

    void parse_array(GgufValue& v, int depth) {
        if (depth >= kMaxArrayDepth)
            cur_.fail("metadata key " + quoted(key_) + ": arrays nested deeper than " +
                      std::to_string(kMaxArrayDepth));
        const uint32_t elem = cur_.u32();
        const uint64_t min_bytes = min_value_bytes(elem);
        if (min_bytes == 0)
            cur_.fail("metadata key " + quoted(key_) + " has unknown array element type " +
                      std::to_string(elem));
        const uint64_t count = cur_.u64();
        if (!cur_.fits(count, min_bytes))
            cur_.truncated("array count " + std::to_string(count) + " of " +
                           std::string(gguf_value_type_name(static_cast<GgufValueType>(elem))) +
                           " needs more than the " + std::to_string(cur_.remaining()) + " bytes left");
        if (count > kMaxArrayElements - array_elements_)
            cur_.fail("metadata key " + quoted(key_) + ": arrays hold more than " +
                      std::to_string(kMaxArrayElements) + " elements in total");
        array_elements_ += count;
        v.elem_type = static_cast<GgufValueType>(elem);
        v.array.reserve(static_cast<size_t>(count));
        for (uint64_t n = 0; n < count; ++n) v.array.push_back(parse_value(elem, depth + 1));
    }

    void parse_alignment() {
        const GgufValue* a = f_.find("general.alignment");
        if (!a) return;
        if (a->type != GgufValueType::UINT32)
            cur_.fail("general.alignment must be u32, not " + std::string(gguf_value_type_name(a->type)));
        if (a->u == 0 || (a->u & (a->u - 1)) != 0)
            cur_.fail("general.alignment must be a non-zero power of two, not " + std::to_string(a->u));
        f_.alignment_ = a->u;
    }

    void read_provenance() {
        const GgufValue* a = f_.find("general.architecture");
        if (a && a->type == GgufValueType::STRING) arch_ = a->str;
        bitnet_arch_ = a && a->type == GgufValueType::STRING && bitnet_cpp_architecture(a->str);
        // Integers of either signedness (writers differ): u holds unsigned values, i signed ones.
        if (const GgufValue* ft = f_.find("general.file_type"); ft && ft->is_integer()) {
            const bool is_signed = ft->type == GgufValueType::INT8 || ft->type == GgufValueType::INT16 ||
                                   ft->type == GgufValueType::INT32 || ft->type == GgufValueType::INT64;
            i2s_file_type_ = is_signed ? ft->i == static_cast<int64_t>(kFileTypeI2S) : ft->u == kFileTypeI2S;
        }
    }

    std::string not_i2s(const std::string& what, const std::string& why) const {
        return what + " has type id 36, which upstream GGUF no longer defines (bitnet.cpp writes I2_S with it; " +
               "this file does not look like one: " + why + ")";
    }

    // The type of a tensor from its id. Id 36 is I2_S only in a file of an architecture that
    // bitnet.cpp writes; with its I2_S file type that settles it, otherwise the tensor's size
    // is checked once all offsets are known (check_i2s_spans).
    const TypeTraits* tensor_type(uint32_t id, const std::string& what, size_t index) {
        switch (id) {
        case kIdI2S:
            if (!bitnet_arch_)
                cur_.fail(not_i2s(what, arch_.empty() ? std::string("no general.architecture")
                                                      : "architecture " + quoted(arch_)));
            if (!i2s_file_type_) pending_i2s_.push_back(index);
            return &type_traits(Type::I2_S);
        case kIdI8S:
            if (bitnet_arch_)
                cur_.fail(what + " has type id 37, bitnet.cpp's I8_S (an activation type), which Tern does not " +
                          "support; use the I2_S or TQ2_0 file");
            break;
        case kIdTL1:
        case kIdTL2:
            if (bitnet_arch_)
                cur_.fail(what + " has type id " + std::to_string(id) + ", bitnet.cpp's " +
                          (id == kIdTL1 ? "TL1" : "TL2") +
                          ": it uses bitnet.cpp's TL1/TL2 layout, which Tern does not support; use the I2_S or "
                          "TQ2_0 file");
            break;
        default:
            break;
        }
        const TypeTraits* tt = type_traits(id);
        if (!tt || tt->internal)
            cur_.fail(what + " has unknown type id " + std::to_string(id));
        return tt;
    }

    // Id 36 in a bitnet.cpp-architecture file whose file type is not I2_S (the first 2B4T
    // upload says 137): accepted only when the room up to the next tensor (or the end of the
    // file) is exactly an I2_S tensor's n/4 + 32 bytes, padded to the alignment.
    void check_i2s_spans() {
        if (pending_i2s_.empty()) return;
        std::vector<uint64_t> offsets;
        offsets.reserve(f_.tensors_.size());
        for (const GgufTensorInfo& t : f_.tensors_) offsets.push_back(t.offset);
        std::sort(offsets.begin(), offsets.end());
        const uint64_t data_end = f_.size_ - f_.data_offset_;
        const uint64_t align = f_.alignment_;
        for (size_t index : pending_i2s_) {
            const GgufTensorInfo& t = f_.tensors_[index];
            const auto next = std::upper_bound(offsets.begin(), offsets.end(), t.offset);
            const uint64_t span = (next == offsets.end() ? data_end : *next) - t.offset;
            const uint64_t padded = t.n_bytes + (align - t.n_bytes % align) % align;
            if (span < t.n_bytes || span > padded)
                cur_.fail(not_i2s("tensor " + quoted(t.name),
                                  "file type is not I2_S and the tensor takes " + std::to_string(span) +
                                      " bytes, not the " + std::to_string(t.n_bytes) + " of an I2_S tensor"));
        }
    }

    void parse_tensor_infos() {
        if (cur_.fits(n_tensors_, kMinTensorInfoBytes)) f_.tensors_.reserve(static_cast<size_t>(n_tensors_));
        std::unordered_set<std::string_view> names;
        for (uint64_t t = 0; t < n_tensors_; ++t) {
            cur_.set_section("tensor info " + std::to_string(t));
            GgufTensorInfo info;
            const std::string_view name = cur_.str();
            if (name.size() > kMaxTensorName)
                cur_.fail("tensor info " + std::to_string(t) + ": name of " + std::to_string(name.size()) +
                          " bytes is longer than " + std::to_string(kMaxTensorName));
            if (!names.insert(name).second) cur_.fail("duplicate tensor name " + quoted(name));
            info.name = std::string(name);
            cur_.set_section("tensor info " + std::to_string(t) + " (" + quoted(name) + ")");
            const std::string what = "tensor " + quoted(name);

            info.n_dims = cur_.u32();
            if (info.n_dims < 1 || info.n_dims > 4)
                cur_.fail(what + " has " + std::to_string(info.n_dims) + " dimensions (1 to 4 allowed)");
            int64_t n_elements = 1;
            for (uint32_t d = 0; d < info.n_dims; ++d) {
                const uint64_t ne = cur_.u64();
                if (ne == 0) cur_.fail(what + " has a dimension of 0 (dim " + std::to_string(d) + ")");
                if (ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
                    __builtin_mul_overflow(n_elements, static_cast<int64_t>(ne), &n_elements))
                    cur_.fail(what + ": element count overflows int64");
                info.ne[d] = static_cast<int64_t>(ne);
            }

            const uint32_t type_id = cur_.u32();
            const TypeTraits* tt = tensor_type(type_id, what, f_.tensors_.size());
            info.type = tt->type;
            if (info.ne[0] % tt->block_size != 0)
                cur_.fail(what + ": row length " + std::to_string(info.ne[0]) + " is not a multiple of the " +
                          std::string(tt->name) + " block size " + std::to_string(tt->block_size));
            info.offset = cur_.u64();

            uint64_t bytes = static_cast<uint64_t>(info.ne[0] / tt->block_size);
            if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(tt->block_bytes), &bytes) ||
                __builtin_mul_overflow(bytes, static_cast<uint64_t>(info.ne[1]), &bytes) ||
                __builtin_mul_overflow(bytes, static_cast<uint64_t>(info.ne[2]), &bytes) ||
                __builtin_mul_overflow(bytes, static_cast<uint64_t>(info.ne[3]), &bytes))
                cur_.fail(what + ": data size overflows");
            if (tt->type == Type::I2_S) bytes = i2s_tensor_bytes(static_cast<uint64_t>(n_elements));
            info.n_bytes = bytes;
            f_.tensors_.push_back(std::move(info));
        }
    }

    void place_tensor_data() {
        const uint64_t align = f_.alignment_;
        const uint64_t end_of_infos = cur_.pos();
        f_.data_offset_ = end_of_infos + (align - end_of_infos % align) % align;

        for (GgufTensorInfo& t : f_.tensors_) {
            const std::string what = "tensor " + quoted(t.name);
            if (t.offset % align != 0)
                cur_.fail(what + " offset " + std::to_string(t.offset) + " is not a multiple of the alignment " +
                          std::to_string(align));
            uint64_t end = 0;
            if (__builtin_add_overflow(f_.data_offset_, t.offset, &end) ||
                __builtin_add_overflow(end, t.n_bytes, &end) || end > f_.size_)
                cur_.fail(what + " data extends past end of file");
            t.data = f_.map_ + f_.data_offset_ + t.offset;
        }
        check_i2s_spans();

        std::vector<const GgufTensorInfo*> by_offset;
        by_offset.reserve(f_.tensors_.size());
        for (const GgufTensorInfo& t : f_.tensors_) by_offset.push_back(&t);
        std::sort(by_offset.begin(), by_offset.end(),
                  [](const GgufTensorInfo* a, const GgufTensorInfo* b) { return a->offset < b->offset; });
        for (size_t k = 1; k < by_offset.size(); ++k) {
            const GgufTensorInfo* a = by_offset[k - 1];
            const GgufTensorInfo* b = by_offset[k];
            // Both ends were checked against the file size above, so this sum cannot overflow.
            if (a->offset + a->n_bytes > b->offset)
                cur_.fail("tensor data of " + quoted(a->name) + " and " + quoted(b->name) + " overlap");
        }
    }

    GgufFile& f_;
    gguf_detail::Cursor cur_;
    uint64_t n_tensors_ = 0;
    uint64_t array_elements_ = 0;  // over all metadata arrays, nested ones included
    std::string_view key_;  // key of the metadata value being parsed, for messages
    std::string_view arch_;           // general.architecture ("" when absent)
    bool bitnet_arch_ = false;        // an architecture bitnet.cpp writes I2_S files for
    bool i2s_file_type_ = false;      // general.file_type == 40 (bitnet.cpp's MOSTLY_I2_S)
    std::vector<size_t> pending_i2s_; // id-36 tensors still to check by size
};

std::unique_ptr<GgufFile> GgufFile::open(const std::string& path) {
    std::unique_ptr<GgufFile> f(new GgufFile());
    f->path_ = path;

    // O_NONBLOCK keeps a FIFO from blocking open(); it is rejected below as not a regular file.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) open_fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    const int stat_rc = ::fstat(fd, &st);
    const int stat_errno = errno;
    if (stat_rc != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        if (stat_rc != 0) open_fail(path, std::string("cannot stat: ") + std::strerror(stat_errno));
        open_fail(path, S_ISDIR(st.st_mode) ? "is a directory, not a GGUF file" : "is not a regular file");
    }
    f->size_ = static_cast<uint64_t>(st.st_size);
    if (f->size_ == 0) {
        ::close(fd);
        open_fail(path, "file is empty");
    }
    void* map = ::mmap(nullptr, static_cast<size_t>(f->size_), PROT_READ, MAP_PRIVATE, fd, 0);
    const int map_errno = errno;
    ::close(fd);  // the mapping keeps the file referenced
    if (map == MAP_FAILED) open_fail(path, std::string("cannot map: ") + std::strerror(map_errno));
    f->map_ = static_cast<const uint8_t*>(map);

    if (f->size_ >= 4 && (f->map_[0] != 'G' || f->map_[1] != 'G' || f->map_[2] != 'U' || f->map_[3] != 'F'))
        open_fail(path, "bad magic (not a GGUF file)");
    if (f->size_ < kHeaderBytes)
        open_fail(path, "truncated in header: " + std::to_string(f->size_) + " bytes, a GGUF header needs " +
             std::to_string(kHeaderBytes));
    GgufParser(*f).parse();
    return f;
}

GgufFile::~GgufFile() {
    if (map_) ::munmap(const_cast<uint8_t*>(map_), static_cast<size_t>(size_));
}

const GgufValue* GgufFile::find(std::string_view key) const {
    for (const GgufKV& kv : kv_)
        if (kv.key == key) return &kv.value;
    return nullptr;
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
    for (const GgufTensorInfo& t : tensors_)
        if (t.name == name) return &t;
    return nullptr;
}

}  // namespace tern
