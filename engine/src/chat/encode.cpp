#include "tern/chat.h"
#include "tern/tokenizer.h"

#include <algorithm>

namespace tern {

namespace {

// Marks around message text in the rendered template: control characters that chat text does
// not contain (they are removed from messages first).
constexpr char kOpen = '\x01';
constexpr char kClose = '\x02';

std::string clean(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != kOpen && c != kClose) out += c;
    const size_t b = out.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    const size_t e = out.find_last_not_of(" \t\r\n");
    return out.substr(b, e - b + 1);
}

}  // namespace

std::vector<int32_t> encode_chat(const Tokenizer& tokenizer, const std::vector<ChatMessage>& messages,
                                 ChatFamily family, bool add_generation_prompt) {
    if (family == ChatFamily::COMPLETION) return tokenizer.encode(render_completion_prompt(messages), true);
    std::vector<ChatMessage> marked;
    for (const ChatMessage& m : messages) {
        const std::string text = clean(m.text);
        if (!text.empty()) marked.push_back({m.role, kOpen + text + kClose});
    }
    const std::string rendered = render_chat(marked, family, add_generation_prompt);
    // Template text between messages: special tokens parsed; message text: never.
    std::vector<int32_t> ids;
    bool first = true;
    size_t pos = 0;
    while (pos <= rendered.size()) {
        const size_t open = rendered.find(kOpen, pos);
        const std::string_view scaffold(rendered.data() + pos, (open == std::string::npos ? rendered.size() : open) - pos);
        const std::vector<int32_t> a = tokenizer.encode(scaffold, first, true);
        ids.insert(ids.end(), a.begin(), a.end());
        first = false;
        if (open == std::string::npos) break;
        const size_t close = rendered.find(kClose, open + 1);
        const size_t end = close == std::string::npos ? rendered.size() : close;
        const std::vector<int32_t> b = tokenizer.encode(std::string_view(rendered).substr(open + 1, end - open - 1), false, false);
        ids.insert(ids.end(), b.begin(), b.end());
        pos = end + 1;
    }
    return ids;
}

std::vector<int32_t> encode_chat_to_fit(const Tokenizer& tokenizer, std::vector<ChatMessage> messages,
                                        ChatFamily family, int32_t n_ctx, int32_t reserve, bool* dropped) {
    if (dropped) *dropped = false;
    reserve = std::clamp(reserve, 1, std::max(1, n_ctx / 2));
    const auto limit = static_cast<size_t>(std::max(2, n_ctx - reserve));
    if (family == ChatFamily::COMPLETION) {
        std::vector<int32_t> ids = encode_chat(tokenizer, messages, family);
        if (ids.size() <= limit) return ids;
        const bool bos = tokenizer.bos() >= 0 && ids.front() == tokenizer.bos();
        std::vector<int32_t> kept(bos ? 1 : 0, tokenizer.bos());
        kept.insert(kept.end(), ids.end() - static_cast<std::ptrdiff_t>(limit - kept.size()), ids.end());
        if (dropped) *dropped = true;
        return kept;
    }
    for (;;) {
        std::vector<int32_t> ids = encode_chat(tokenizer, messages, family);
        const size_t first = !messages.empty() && messages.front().role == "system" ? 1 : 0;
        if (ids.size() <= limit || messages.size() <= first + 1) return ids;
        messages.erase(messages.begin() + static_cast<std::ptrdiff_t>(first));
        if (dropped) *dropped = true;
    }
}

}  // namespace tern
