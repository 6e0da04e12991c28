// Bounds-checked little-endian cursor over the mapped GGUF bytes, used by the parser in
// reader.cpp. Every read first checks the bytes it needs against what is left, so no read
// ever leaves the mapping; callers check counts with fits() before allocating anything.
#pragma once

#include "tern/error.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace tern::gguf_detail {

class Cursor {
public:
    Cursor(const uint8_t* base, uint64_t size, const std::string& path)
        : base_(base), size_(size), path_(path) {}

    uint64_t pos() const { return pos_; }
    uint64_t remaining() const { return size_ - pos_; }

    // Names the part of the file being read, for "truncated in <section>" messages.
    void set_section(std::string section) { section_ = std::move(section); }
    const std::string& section() const { return section_; }

    [[noreturn]] void fail(const std::string& problem) const { throw Error(path_ + ": " + problem); }
    [[noreturn]] void truncated(const std::string& detail) const {
        fail("truncated in " + section_ + ": " + detail);
    }

    // True when `count` items of at least `min_bytes` each can still fit in the file.
    bool fits(uint64_t count, uint64_t min_bytes) const {
        return min_bytes == 0 || count <= remaining() / min_bytes;
    }

    void need(uint64_t n) const {
        if (n > remaining())
            truncated("need " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) +
                      ", " + std::to_string(remaining()) + " left");
    }

    uint8_t u8() {
        need(1);
        return base_[pos_++];
    }
    uint16_t u16() { return static_cast<uint16_t>(le(2)); }
    uint32_t u32() { return static_cast<uint32_t>(le(4)); }
    uint64_t u64() { return le(8); }
    float f32() { return std::bit_cast<float>(u32()); }
    double f64() { return std::bit_cast<double>(u64()); }

    // gguf_string: u64 length, then that many bytes (no NUL). The length is checked against
    // the remaining bytes before anything is read, so a hostile length allocates nothing.
    std::string_view str() {
        const uint64_t len = u64();
        if (len > remaining())
            truncated("string length " + std::to_string(len) + " at offset " +
                      std::to_string(pos_ - 8) + " exceeds the " + std::to_string(remaining()) +
                      " bytes left");
        std::string_view s(reinterpret_cast<const char*>(base_ + pos_), static_cast<size_t>(len));
        pos_ += len;
        return s;
    }

private:
    uint64_t le(unsigned n) {
        need(n);
        uint64_t v = 0;
        for (unsigned k = 0; k < n; ++k) v |= static_cast<uint64_t>(base_[pos_ + k]) << (8 * k);
        pos_ += n;
        return v;
    }

    const uint8_t* base_;
    uint64_t size_;
    uint64_t pos_ = 0;
    const std::string& path_;
    std::string section_ = "header";
};

}  // namespace tern::gguf_detail
