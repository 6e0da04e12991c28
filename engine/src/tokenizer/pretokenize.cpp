// Pre-tokenizer splitters. Each llama.cpp expression is written out as a function "longest match
// starting at pos" (or a direct scan where the expression is a full alternation) following
// ECMAScript semantics: the leftmost position where some alternative matches, the first alternative
// in order, greedy quantifiers with backtracking. Unmatched gaps between matches stay pieces of
// their own, as llama.cpp's unicode_regex_split_stl keeps them.
#include "tokenizer/pretokenize.h"

#include "tern/error.h"

#include <algorithm>
#include <functional>
#include <utility>

namespace tern::detail {

namespace {

using Cpts = std::vector<uint32_t>;
// Match at pos inside [pos, end): length of the match, 0 when none.
using MatchFn = std::function<size_t(const Cpts&, size_t pos, size_t end)>;

bool is_letter(uint32_t c) { return cp_class(c) == CpClass::Letter; }
bool is_number(uint32_t c) { return cp_class(c) == CpClass::Number; }
bool is_ascii_digit(uint32_t c) { return c >= '0' && c <= '9'; }
// [^\s\p{L}\p{N}]
bool is_other(uint32_t c) { return !cp_is_space(c) && !is_letter(c) && !is_number(c); }

uint32_t ascii_lower(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

// 's|'t|'re|'ve|'m|'ll|'d, optionally ASCII case-insensitive (the llama3/qwen2 form).
size_t contraction(const Cpts& c, size_t pos, size_t end, bool fold) {
    if (c[pos] != '\'' || pos + 1 >= end) return 0;
    auto at = [&](size_t i) { return fold ? ascii_lower(c[i]) : c[i]; };
    const uint32_t a = at(pos + 1);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if (pos + 2 < end) {
        const uint32_t b = at(pos + 2);
        if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    }
    return 0;
}

template <typename Pred>
size_t run(const Cpts& c, size_t pos, size_t end, Pred pred) {
    size_t i = pos;
    while (i < end && pred(c[i])) ++i;
    return i - pos;
}

// \s+(?!\S)|\s+ at pos (pos is whitespace): a run followed by non-space gives back its last char,
// unless that would leave nothing.
size_t space_run(const Cpts& c, size_t pos, size_t end) {
    const size_t n = run(c, pos, end, cp_is_space);
    if (n > 1 && pos + n < end) return n - 1;
    return n;
}

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
size_t match_gpt2(const Cpts& c, size_t pos, size_t end) {
    if (const size_t n = contraction(c, pos, end, false)) return n;
    // " ?X+": a leading space only when X follows it; ' ' itself is none of the classes.
    const size_t sp = (c[pos] == ' ' && pos + 1 < end) ? 1 : 0;
    const size_t p = pos + sp;
    if (is_letter(c[p])) return sp + run(c, p, end, is_letter);
    if (is_number(c[p])) return sp + run(c, p, end, is_number);
    if (is_other(c[p])) return sp + run(c, p, end, is_other);
    return cp_is_space(c[pos]) ? space_run(c, pos, end) : 0;
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,max_digits}| ?[^\s\p{L}\p{N}]+[\r\n]*|
// \s*[\r\n]+|\s+(?!\S)|\s+      (llama3: max_digits 3; qwen2: 1)
size_t match_llama3(const Cpts& c, size_t pos, size_t end, size_t max_digits) {
    if (const size_t n = contraction(c, pos, end, true)) return n;
    const uint32_t c0 = c[pos];
    const bool nl0 = c0 == '\r' || c0 == '\n';
    if (is_letter(c0)) return run(c, pos, end, is_letter);
    if (!nl0 && !is_number(c0) && pos + 1 < end && is_letter(c[pos + 1])) return 1 + run(c, pos + 1, end, is_letter);
    if (is_number(c0)) return std::min(max_digits, run(c, pos, end, is_number));
    const size_t sp = (c0 == ' ' && pos + 1 < end && is_other(c[pos + 1])) ? 1 : 0;
    if (sp || is_other(c0)) {
        size_t n = sp + run(c, pos + sp, end, is_other);
        n += run(c, pos + n, end, [](uint32_t x) { return x == '\r' || x == '\n'; });
        return n;
    }
    // c0 is whitespace here (every code point is a letter, number, other or whitespace).
    const size_t ws = run(c, pos, end, cp_is_space);
    size_t last_nl = 0;
    for (size_t i = 0; i < ws; ++i)
        if (c[pos + i] == '\r' || c[pos + i] == '\n') last_nl = i + 1;
    if (last_nl) return last_nl;
    return space_run(c, pos, end);
}

// One expression over one piece: matches and gaps become pieces.
void split_piece(const Cpts& c, size_t begin, size_t end, const MatchFn& match, std::vector<size_t>& out) {
    size_t gap = begin;
    for (size_t pos = begin; pos < end;) {
        const size_t n = match(c, pos, end);
        if (n == 0) {
            ++pos;
            continue;
        }
        if (pos > gap) out.push_back(pos - gap);
        out.push_back(n);
        pos += n;
        gap = pos;
    }
    if (end > gap) out.push_back(end - gap);
}

std::vector<size_t> apply(const Cpts& c, const std::vector<size_t>& pieces, const MatchFn& match) {
    std::vector<size_t> out;
    out.reserve(pieces.size() * 2);
    size_t begin = 0;
    for (const size_t len : pieces) {
        split_piece(c, begin, begin + len, match, out);
        begin += len;
    }
    return out;
}

// Character class given as ranges (inclusive).
struct Ranges {
    std::vector<std::pair<uint32_t, uint32_t>> r;
    bool has(uint32_t x) const {
        for (const auto& [a, b] : r)
            if (x >= a && x <= b) return true;
        return false;
    }
};

// Parses the inside of a bracket expression written in UTF-8 ("a-zµÀ-Ö…"): single code points
// and a-b ranges.
Ranges parse_class(std::string_view spec) {
    const Cpts cp = utf8_to_cpts(spec);
    Ranges out;
    for (size_t i = 0; i < cp.size(); ++i) {
        if (i + 2 < cp.size() && cp[i + 1] == '-') {
            out.r.emplace_back(cp[i], cp[i + 2]);
            i += 2;
        } else {
            out.r.emplace_back(cp[i], cp[i]);
        }
    }
    return out;
}

// In the std::wregex path llama.cpp replaces non-ASCII whitespace by U+000B before matching.
uint32_t ws_folded(uint32_t x) { return (x > 0x7F && cp_is_space(x)) ? 0x0B : x; }

// \s?[class]+
MatchFn space_opt_class(Ranges cls) {
    return [cls = std::move(cls)](const Cpts& c, size_t pos, size_t end) -> size_t {
        auto in = [&](uint32_t x) { return cls.has(ws_folded(x)); };
        if (cp_is_space(c[pos]) && pos + 1 < end && in(c[pos + 1])) return 1 + run(c, pos + 1, end, in);
        return run(c, pos, end, in);
    };
}

template <typename Pred>
MatchFn class_run(Pred pred) {
    return [pred](const Cpts& c, size_t pos, size_t end) { return run(c, pos, end, pred); };
}

size_t match_three_digits(const Cpts& c, size_t pos, size_t end) {
    return (pos + 3 <= end && is_ascii_digit(c[pos]) && is_ascii_digit(c[pos + 1]) && is_ascii_digit(c[pos + 2])) ? 3
                                                                                                                 : 0;
}

bool is_ascii_symbol(uint32_t x, bool backtick) {
    return x == '$' || x == '+' || x == '<' || x == '=' || x == '>' || x == '^' || x == '~' || x == '|' ||
           (backtick && x == '`');
}

std::vector<MatchFn> expressions(PreType type) {
    const MatchFn gpt2 = match_gpt2;
    switch (type) {
    case PreType::Llama3: return {[](const Cpts& c, size_t p, size_t e) { return match_llama3(c, p, e, 3); }};
    case PreType::Qwen2: return {[](const Cpts& c, size_t p, size_t e) { return match_llama3(c, p, e, 1); }};
    case PreType::Gpt2: return {gpt2};
    case PreType::Starcoder:   // \p{N} then gpt2
        return {[](const Cpts& c, size_t p, size_t) -> size_t { return is_number(c[p]) ? 1 : 0; }, gpt2};
    case PreType::Falcon:   // [\p{P}\$\+<=>\^~\|`]+ then gpt2 then [0-9][0-9][0-9]
        return {class_run([](uint32_t x) { return cp_class(x) == CpClass::Punct || is_ascii_symbol(x, true); }), gpt2,
                match_three_digits};
    case PreType::Default:   // [\p{P}\$\+<=>\^~\|]+, gpt2, \p{N}+, [0-9][0-9][0-9]
        return {class_run([](uint32_t x) { return cp_class(x) == CpClass::Punct || is_ascii_symbol(x, false); }), gpt2,
                class_run(is_number), match_three_digits};
    case PreType::DeepseekLlm: {
        // The character classes of llama.cpp's LLAMA_VOCAB_PRE_TYPE_DEEPSEEK_LLM list, verbatim.
        static const Ranges letters = parse_class(
            "A-Za-zµÀ-ÖØ-öø-ƺƼ-ƿǄ-ʓʕ-ʯͰ-ͳͶͷͻ-ͽͿΆΈ-ΊΌΎ-ΡΣ-ϵϷ-ҁҊ-ԯԱ-ՖႠ-ჅᎠ-Ᏽᏸ-ᏽᲐ-ᲺᲽ-Ჿᴀ-ᴫᵫ-ᵷᵹ-ᶚḀ-ἕἘ-Ἕἠ-ὅὈ-Ὅὐ-ὗὙὛὝὟ-ώᾀ-ᾴᾶ-"
            "ᾼιῂ-ῄῆ-ῌῐ-ΐῖ-Ίῠ-Ῥῲ-ῴῶ-ῼℂℇℊ-ℓℕℙ-ℝℤΩℨK-ℭℯ-ℴℹℼ-ℿⅅ-ⅉⅎↃↄⰀ-ⱻⱾ-ⳤⳫ-ⳮⳲⳳꙀ-ꙭꚀ-ꚛꜢ-ꝯꝱ-ꞇꞋ-ꞎꭰ-ꮿﬀ-ﬆﬓ-ﬗＡ-Ｚａ-ｚ𐐀-𐑏𐒰-𐓓𐓘-"
            "𐓻𐲀-𐲲𐳀-𐳲𑢠-𑣟𞤀-𞥃");
        static const Ranges punct = parse_class("!-/:-~！-／：-～‘-‟　-。");
        static const Ranges cjk = parse_class("一-龥ࠀ-一가-퟿");
        return {
            [](const Cpts& c, size_t p, size_t) -> size_t { return (c[p] == '\r' || c[p] == '\n') ? 1 : 0; },
            space_opt_class(letters),
            space_opt_class(punct),
            // \s+$ : the whitespace run that reaches the end of the piece.
            [](const Cpts& c, size_t p, size_t e) -> size_t { return run(c, p, e, cp_is_space) == e - p ? e - p : 0; },
            class_run([](uint32_t x) { return cjk.has(ws_folded(x)); }),
            class_run(is_number),
        };
    }
    }
    return {gpt2};
}

struct PreName {
    std::string_view name;
    PreType type;
};
// The llama.cpp names (convert_hf_to_gguf_update.py) whose expressions are implemented above.
constexpr PreName kPreNames[] = {
    {"default", PreType::Default},     {"llama3", PreType::Llama3},         {"llama-v3", PreType::Llama3},
    {"llama-bpe", PreType::Llama3},    {"falcon3", PreType::Llama3},        {"qwen2", PreType::Qwen2},
    {"deepseek-r1-qwen", PreType::Qwen2}, {"stablelm2", PreType::Qwen2},    {"gpt-2", PreType::Gpt2},
    {"phi-2", PreType::Gpt2},          {"roberta-bpe", PreType::Gpt2},      {"mpt", PreType::Gpt2},
    {"olmo", PreType::Gpt2},           {"starcoder", PreType::Starcoder},   {"refact", PreType::Starcoder},
    {"command-r", PreType::Starcoder}, {"smollm", PreType::Starcoder},      {"codeshell", PreType::Starcoder},
    {"exaone", PreType::Starcoder},    {"falcon", PreType::Falcon},         {"deepseek-llm", PreType::DeepseekLlm},
};

}  // namespace

CpClass cp_class(uint32_t cp) {
    const CpRange* begin = kCpRanges;
    const CpRange* end = kCpRanges + kCpRangeCount;
    const CpRange* it = std::upper_bound(begin, end, cp, [](uint32_t v, const CpRange& r) { return v < r.first; });
    if (it == begin) return CpClass::Other;
    --it;
    return cp <= it->last ? static_cast<CpClass>(it->cls) : CpClass::Other;
}

bool cp_is_space(uint32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
           cp == 0x3000;
}

PreType pre_type_from_name(std::string_view pre) {
    for (const PreName& p : kPreNames)
        if (p.name == pre) return p.type;
    throw Error("BPE pre-tokenizer '" + std::string(pre) + "' (tokenizer.ggml.pre) is not supported");
}

std::vector<std::string> supported_pre_names() {
    std::vector<std::string> out;
    for (const PreName& p : kPreNames) out.emplace_back(p.name);
    return out;
}

std::vector<uint32_t> utf8_to_cpts(std::string_view s) {
    std::vector<uint32_t> out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        size_t n = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
        bool ok = n > 0 && i + n <= s.size();
        for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (!ok) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        uint32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1Fu) : n == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
        for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
        out.push_back(cp);
        i += n;
    }
    return out;
}

void append_utf8(std::string& out, uint32_t cp) {
    auto put = [&](uint32_t v) { out.push_back(static_cast<char>(static_cast<unsigned char>(v))); };
    if (cp < 0x80) {
        put(cp);
    } else if (cp < 0x800) {
        put(0xC0 | (cp >> 6));
        put(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        put(0xE0 | (cp >> 12));
        put(0x80 | ((cp >> 6) & 0x3F));
        put(0x80 | (cp & 0x3F));
    } else {
        put(0xF0 | (cp >> 18));
        put(0x80 | ((cp >> 12) & 0x3F));
        put(0x80 | ((cp >> 6) & 0x3F));
        put(0x80 | (cp & 0x3F));
    }
}

std::vector<std::string> pretokenize(PreType type, std::string_view text) {
    const Cpts c = utf8_to_cpts(text);
    if (c.empty()) return {};
    std::vector<size_t> pieces = {c.size()};
    for (const MatchFn& m : expressions(type)) pieces = apply(c, pieces, m);
    std::vector<std::string> words;
    words.reserve(pieces.size());
    size_t begin = 0;
    for (const size_t len : pieces) {
        std::string w;
        for (size_t i = begin; i < begin + len; ++i) append_utf8(w, c[i]);
        words.push_back(std::move(w));
        begin += len;
    }
    return words;
}

}  // namespace tern::detail
