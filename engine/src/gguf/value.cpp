// GGUF metadata values: type names and the typed look-ups of GgufFile.

#include "tern/error.h"
#include "tern/gguf.h"

#include <limits>
#include <string>

namespace tern {

std::string_view gguf_value_type_name(GgufValueType t) {
    switch (t) {
    case GgufValueType::UINT8: return "u8";
    case GgufValueType::INT8: return "i8";
    case GgufValueType::UINT16: return "u16";
    case GgufValueType::INT16: return "i16";
    case GgufValueType::UINT32: return "u32";
    case GgufValueType::INT32: return "i32";
    case GgufValueType::FLOAT32: return "f32";
    case GgufValueType::BOOL: return "bool";
    case GgufValueType::STRING: return "string";
    case GgufValueType::ARRAY: return "array";
    case GgufValueType::UINT64: return "u64";
    case GgufValueType::INT64: return "i64";
    case GgufValueType::FLOAT64: return "f64";
    }
    return "unknown";
}

namespace {

bool is_unsigned(GgufValueType t) {
    return t == GgufValueType::UINT8 || t == GgufValueType::UINT16 || t == GgufValueType::UINT32 ||
           t == GgufValueType::UINT64;
}

std::string describe(const GgufValue& v) {
    std::string s(gguf_value_type_name(v.type));
    if (v.type == GgufValueType::ARRAY) s += " of " + std::string(gguf_value_type_name(v.elem_type));
    return s;
}

[[noreturn]] void wrong_type(const std::string& path, std::string_view key, const GgufValue& v,
                             const std::string& expected) {
    throw Error(path + ": metadata key '" + std::string(key) + "' is " + describe(v) + ", expected " + expected);
}

const GgufValue* find_array(const GgufFile& f, std::string_view key, GgufValueType elem, const char* expected) {
    const GgufValue* v = f.find(key);
    if (v && (v->type != GgufValueType::ARRAY || v->elem_type != elem)) wrong_type(f.path(), key, *v, expected);
    return v;
}

}  // namespace

bool GgufValue::is_integer() const {
    switch (type) {
    case GgufValueType::UINT8: case GgufValueType::INT8: case GgufValueType::UINT16:
    case GgufValueType::INT16: case GgufValueType::UINT32: case GgufValueType::INT32:
    case GgufValueType::UINT64: case GgufValueType::INT64:
        return true;
    default:
        return false;
    }
}

std::optional<uint64_t> GgufFile::get_uint(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (is_unsigned(v->type)) return v->u;
    if (v->is_integer() && v->i >= 0) return static_cast<uint64_t>(v->i);
    if (v->is_integer())
        throw Error(path_ + ": metadata key '" + std::string(key) + "' is negative (" + std::to_string(v->i) +
                    "), expected an unsigned integer");
    wrong_type(path_, key, *v, "an unsigned integer");
}

std::optional<int64_t> GgufFile::get_int(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_integer()) wrong_type(path_, key, *v, "an integer");
    if (!is_unsigned(v->type)) return v->i;
    if (v->u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        throw Error(path_ + ": metadata key '" + std::string(key) + "' value " + std::to_string(v->u) +
                    " does not fit in int64");
    return static_cast<int64_t>(v->u);
}

std::optional<double> GgufFile::get_float(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (v->is_float()) return v->f;
    if (is_unsigned(v->type)) return static_cast<double>(v->u);
    if (v->is_integer()) return static_cast<double>(v->i);
    wrong_type(path_, key, *v, "a number");
}

std::optional<bool> GgufFile::get_bool(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (v->type != GgufValueType::BOOL) wrong_type(path_, key, *v, "bool");
    return v->u != 0;
}

std::optional<std::string_view> GgufFile::get_string(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return std::nullopt;
    if (v->type != GgufValueType::STRING) wrong_type(path_, key, *v, "string");
    return v->str;
}

std::optional<std::vector<std::string_view>> GgufFile::get_string_array(std::string_view key) const {
    const GgufValue* v = find_array(*this, key, GgufValueType::STRING, "array of string");
    if (!v) return std::nullopt;
    std::vector<std::string_view> out;
    out.reserve(v->array.size());
    for (const GgufValue& e : v->array) out.push_back(e.str);
    return out;
}

std::optional<std::vector<float>> GgufFile::get_f32_array(std::string_view key) const {
    const GgufValue* v = find_array(*this, key, GgufValueType::FLOAT32, "array of f32");
    if (!v) return std::nullopt;
    std::vector<float> out;
    out.reserve(v->array.size());
    // Parsed from f32 bits, so the round trip through double is exact.
    for (const GgufValue& e : v->array) out.push_back(static_cast<float>(e.f));
    return out;
}

std::optional<std::vector<int32_t>> GgufFile::get_i32_array(std::string_view key) const {
    const GgufValue* v = find_array(*this, key, GgufValueType::INT32, "array of i32");
    if (!v) return std::nullopt;
    std::vector<int32_t> out;
    out.reserve(v->array.size());
    for (const GgufValue& e : v->array) out.push_back(static_cast<int32_t>(e.i));
    return out;
}

}  // namespace tern
