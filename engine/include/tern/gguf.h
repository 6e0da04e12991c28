// GGUF reader (versions 2 and 3) over a read-only memory mapping.
//
// Layout: ggml docs/gguf.md "File Structure"; checks as in ggml src/gguf.cpp
// (gguf_init_from_file_impl) and ../shared/docs/formats.md §1. Every count, length, offset,
// dimension and type is validated against the file size before it is used, so a truncated or
// hostile file gives a tern::Error ("<path>: <problem>") and never a crash or a huge allocation.
// Tensor data is used in place from the mapping, never copied.
//
// Type id 36 is read as bitnet.cpp's I2_S (n/4 + 32 bytes, formats.md §3) only when
// general.architecture is one bitnet.cpp writes (bitnet-b1.58, bitnet-25, bitnet, llama, falcon)
// and either general.file_type is 40 (its MOSTLY_I2_S) or the tensor's room in the file is
// exactly n/4 + 32 bytes padded to the alignment; otherwise the error says why. Ids 37–39 in
// such files (bitnet.cpp's I8_S/TL1/TL2) are refused with a message naming the I2_S/TQ2_0 way.
#pragma once

#include "tern/types.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

enum class GgufValueType : uint32_t {
    UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6,
    BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
};

std::string_view gguf_value_type_name(GgufValueType t);

// One metadata value. Strings are views into the mapping (valid while the GgufFile lives).
struct GgufValue {
    GgufValueType type = GgufValueType::UINT8;
    uint64_t u = 0;          // unsigned integer types and BOOL (0/1)
    int64_t i = 0;           // signed integer types
    double f = 0.0;          // FLOAT32 / FLOAT64
    std::string_view str;    // STRING
    GgufValueType elem_type = GgufValueType::UINT8;  // ARRAY: type of the elements
    std::vector<GgufValue> array;                    // ARRAY: the elements (may nest)

    bool is_integer() const;          // any of the 8 integer types
    bool is_float() const { return type == GgufValueType::FLOAT32 || type == GgufValueType::FLOAT64; }
};

struct GgufKV {
    std::string key;
    GgufValue value;
};

struct GgufTensorInfo {
    std::string name;
    uint32_t n_dims = 0;
    int64_t ne[4] = {1, 1, 1, 1};  // ne[0] is the contiguous (row) dimension
    Type type = Type::F32;
    uint64_t offset = 0;           // relative to the start of the data section, as in the file
    uint64_t n_bytes = 0;          // size of the tensor data
    const uint8_t* data = nullptr; // points into the mapping

    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

class GgufFile {
public:
    // Maps and parses the file. Throws tern::Error("<path>: <problem>") on any invalid content.
    static std::unique_ptr<GgufFile> open(const std::string& path);
    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    const std::string& path() const { return path_; }
    uint32_t version() const { return version_; }
    uint64_t file_size() const { return size_; }
    uint64_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }  // absolute file offset of the data section

    const std::vector<GgufKV>& metadata() const { return kv_; }
    const GgufValue* find(std::string_view key) const;       // nullptr when absent

    // Typed look-ups. Absent key → std::nullopt. Present with an incompatible type → tern::Error.
    // get_uint accepts any integer type holding a value >= 0; get_float accepts FLOAT32/FLOAT64
    // and integers; get_bool accepts BOOL; get_string accepts STRING.
    std::optional<uint64_t> get_uint(std::string_view key) const;
    std::optional<int64_t> get_int(std::string_view key) const;
    std::optional<double> get_float(std::string_view key) const;
    std::optional<bool> get_bool(std::string_view key) const;
    std::optional<std::string_view> get_string(std::string_view key) const;
    // Arrays: absent → empty optional; wrong element type → tern::Error.
    std::optional<std::vector<std::string_view>> get_string_array(std::string_view key) const;
    std::optional<std::vector<float>> get_f32_array(std::string_view key) const;
    std::optional<std::vector<int32_t>> get_i32_array(std::string_view key) const;

    const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
    const GgufTensorInfo* find_tensor(std::string_view name) const;  // nullptr when absent

private:
    GgufFile() = default;
    std::string path_;
    uint32_t version_ = 0;
    uint64_t size_ = 0;
    uint64_t alignment_ = 32;
    uint64_t data_offset_ = 0;
    const uint8_t* map_ = nullptr;
    std::vector<GgufKV> kv_;
    std::vector<GgufTensorInfo> tensors_;
    friend class GgufParser;
};

// Builds GGUF (version 3) files: used by tests and by `tern-cli synth`.
class GgufWriter {
public:
    // Produces a tensor's data at write time into `dst` (exactly the tensor's n_bytes, zeroed).
    using TensorFill = std::function<void(uint8_t* dst, size_t n_bytes)>;

    GgufWriter();
    ~GgufWriter();
    void set_alignment(uint32_t alignment);  // also written as general.alignment if not 32
    void add_u32(const std::string& key, uint32_t v);
    void add_i32(const std::string& key, int32_t v);
    void add_u64(const std::string& key, uint64_t v);
    void add_f32(const std::string& key, float v);
    void add_bool(const std::string& key, bool v);
    void add_string(const std::string& key, const std::string& v);
    void add_string_array(const std::string& key, const std::vector<std::string>& v);
    void add_f32_array(const std::string& key, const std::vector<float>& v);
    void add_i32_array(const std::string& key, const std::vector<int32_t>& v);
    // data must hold exactly row_bytes(type, ne[0]) * ne[1] * ne[2] * ne[3] bytes (I2_S:
    // i2s_tensor_bytes(n), codes then scale tail). Internal types are refused.
    void add_tensor(const std::string& name, Type type, std::vector<int64_t> ne, std::vector<uint8_t> data);
    // The same, but the data is made by `fill` when the file is written, one tensor at a time,
    // so write() holds at most one tensor in memory (big synthetic models). The size is checked
    // here as above; `fill` may throw (the write then fails with that error).
    void add_tensor_streamed(const std::string& name, Type type, std::vector<int64_t> ne, TensorFill fill);
    std::vector<uint8_t> to_bytes() const;
    // Streams the file: the header, then each tensor's data as it is made. On any failure the
    // partial file is removed and tern::Error is thrown ("<path>: ...").
    void write(const std::string& path) const;
private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tern
