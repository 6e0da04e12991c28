#include "tern/chat.h"

namespace tern {

namespace {
bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }
}  // namespace

std::string render_completion_prompt(const std::vector<ChatMessage>& messages) {
    std::string doc;
    for (const ChatMessage& m : messages) {
        if (m.role == "system" || m.text.empty()) continue;
        if (m.role == "user" && !doc.empty() && !is_space(doc.back()) && !is_space(m.text.front())) doc += ' ';
        doc += m.text;
    }
    return doc;
}

}  // namespace tern
