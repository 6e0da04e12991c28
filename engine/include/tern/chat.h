// Turning a conversation into the text a model continues.
//
// Models without a chat template (completion models such as the bundled tern-tiny-moe) run in
// completion mode: the conversation is one growing document. Each user message is appended to
// the text so far (after a single space when neither side has whitespace at the join), each
// assistant message is the model's own continuation and is appended unchanged, and system
// messages are ignored. The model is then asked to continue the document. Chat templates
// (llama3, chatml, ...) arrive with the BPE/template work and extend this header.
#pragma once

#include <string>
#include <vector>

namespace tern {

struct ChatMessage {
    std::string role;  // "system", "user" or "assistant"
    std::string text;
};

std::string render_completion_prompt(const std::vector<ChatMessage>& messages);

}  // namespace tern
