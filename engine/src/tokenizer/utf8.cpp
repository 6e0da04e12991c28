// UTF-8 well-formedness scanning and the streaming decoder used while tokens are generated one
// at a time (a character can be split across byte-fallback tokens).
#include "tokenizer/spm.h"

namespace tern {

namespace detail {

int utf8_scan(std::string_view s) {
    const auto c = static_cast<unsigned char>(s[0]);
    if (c < 0x80) return 1;
    int need = 0;
    unsigned lo = 0x80, hi = 0xBF;   // allowed range of the first continuation byte
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) lo = 0xA0;          // no overlong 3-byte forms
        else if (c == 0xED) hi = 0x9F;     // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) lo = 0x90;          // no overlong 4-byte forms
        else if (c == 0xF4) hi = 0x8F;     // nothing above U+10FFFF
    } else {
        return -1;   // continuation byte without a lead, C0/C1, F5..FF
    }
    for (int i = 1; i <= need; ++i) {
        if (static_cast<size_t>(i) >= s.size()) return 0;
        const auto b = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
        if (b < lo || b > hi) return -i;
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

}  // namespace detail

namespace {
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";   // U+FFFD
}

std::string Utf8Stream::push(std::string_view bytes) {
    pending_.append(bytes);
    std::string out;
    size_t i = 0;
    while (i < pending_.size()) {
        const int r = detail::utf8_scan(std::string_view(pending_).substr(i));
        if (r == 0) break;   // hold back: the next piece may complete it
        if (r > 0) {
            out.append(pending_, i, static_cast<size_t>(r));
            i += static_cast<size_t>(r);
        } else {
            out.append(kReplacement);
            i += static_cast<size_t>(-r);
        }
    }
    pending_.erase(0, i);
    return out;
}

std::string Utf8Stream::flush() {
    // After push() only an incomplete (but so far valid) prefix can remain.
    std::string out;
    if (!pending_.empty()) out.append(kReplacement);
    pending_.clear();
    return out;
}

}  // namespace tern
