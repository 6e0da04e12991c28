// Chat template families: detection from the Jinja source and fixed renderers (formats and
// sources in tern/chat.h).
#include "tern/chat.h"
#include "tern/error.h"

#include <array>
#include <utility>

namespace tern {

namespace {

constexpr std::array<std::pair<ChatFamily, std::string_view>, 8> kNames = {{
    {ChatFamily::COMPLETION, "completion"}, {ChatFamily::LLAMA3, "llama3"},
    {ChatFamily::BITNET, "bitnet"},         {ChatFamily::CHATML, "chatml"},
    {ChatFamily::MISTRAL, "mistral"},       {ChatFamily::FALCON3, "falcon3"},
    {ChatFamily::GEMMA, "gemma"},           {ChatFamily::PHI3, "phi3"},
}};

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Families without a system role: each system text is put before the next user message
// ("\n\n" between); a system text with no user message after it becomes a user message.
std::vector<ChatMessage> fold_system(const std::vector<ChatMessage>& msgs) {
    std::vector<ChatMessage> out;
    std::string pending;
    for (const ChatMessage& m : msgs) {
        if (m.role == "system") {
            pending += pending.empty() ? m.text : "\n\n" + m.text;
            continue;
        }
        if (m.role == "user" && !pending.empty()) {
            out.push_back({"user", pending + "\n\n" + m.text});
            pending.clear();
            continue;
        }
        out.push_back(m);
    }
    if (!pending.empty()) out.push_back({"user", pending});
    return merge_chat_messages(out);
}

std::string render_mistral(const std::vector<ChatMessage>& msgs) {
    std::string s;
    for (const ChatMessage& m : fold_system(msgs)) {
        if (m.role == "user") {
            s += "[INST] " + m.text + "[/INST]";
        } else {
            s += ' ';
            s += trim(m.text);
            s += "</s>";
        }
    }
    return s;
}

std::string render_gemma(const std::vector<ChatMessage>& msgs, bool gen) {
    std::string s;
    for (const ChatMessage& m : fold_system(msgs)) {
        s += m.role == "user" ? "<start_of_turn>user\n" : "<start_of_turn>model\n";
        s += trim(m.text);
        s += "<end_of_turn>\n";
    }
    if (gen) s += "<start_of_turn>model\n";
    return s;
}

std::string render_falcon3(const std::vector<ChatMessage>& msgs, bool gen) {
    std::string s;
    for (size_t i = 0; i < msgs.size(); ++i) {
        const ChatMessage& m = msgs[i];
        s += "<|" + m.role + "|>\n" + m.text;
        if (m.role == "assistant") {
            s += "<|endoftext|>";
            if (i + 1 < msgs.size()) s += '\n';
        } else {
            s += '\n';
        }
    }
    if (gen) s += "<|assistant|>\n";
    return s;
}

}  // namespace

std::string_view chat_family_name(ChatFamily family) {
    for (const auto& [f, name] : kNames)
        if (f == family) return name;
    return "unknown";
}

std::optional<ChatFamily> chat_family_from_name(std::string_view name) {
    if (name == "qwen") return ChatFamily::CHATML;
    for (const auto& [f, n] : kNames)
        if (n == name) return f;
    return std::nullopt;
}

ChatFormat detect_chat_format(std::string_view tmpl, std::string_view arch) {
    const auto has = [&](std::string_view marker) { return tmpl.find(marker) != std::string_view::npos; };
    if (arch == "bitnet-b1.58" || arch == "bitnet-25") return {ChatFamily::BITNET, false};
    if (trim(tmpl).empty()) return {ChatFamily::COMPLETION, false};
    if (has("<|start_header_id|>") && has("<|end_header_id|>")) return {ChatFamily::LLAMA3, false};
    if (has("<|eot_id|>") && has("Assistant: ")) return {ChatFamily::BITNET, false};
    if (has("<|im_start|>")) return {ChatFamily::CHATML, false};
    if (has("[INST]")) return {ChatFamily::MISTRAL, false};
    if (has("<start_of_turn>")) return {ChatFamily::GEMMA, false};
    if (has("<|user|>") && has("<|end|>")) return {ChatFamily::PHI3, false};
    if (has("<|user|>") && has("<|assistant|>")) return {ChatFamily::FALCON3, false};
    return {kDefaultChatFamily, true};
}

std::vector<ChatMessage> merge_chat_messages(const std::vector<ChatMessage>& messages) {
    std::vector<ChatMessage> out;
    for (const ChatMessage& m : messages) {
        if (m.role != "system" && m.role != "user" && m.role != "assistant")
            throw Error("chat: unknown message role '" + m.role + "'");
        if (m.text.empty()) continue;
        if (!out.empty() && out.back().role == m.role) {
            out.back().text += "\n\n" + m.text;
        } else {
            out.push_back(m);
        }
    }
    return out;
}

std::string render_chat(const std::vector<ChatMessage>& messages, ChatFamily family,
                        bool add_generation_prompt, std::string_view bos_text) {
    const std::vector<ChatMessage> msgs = merge_chat_messages(messages);
    std::string s(bos_text);
    switch (family) {
    case ChatFamily::COMPLETION:
        return s + render_completion_prompt(msgs);
    case ChatFamily::LLAMA3:
        for (const ChatMessage& m : msgs) {
            s += "<|start_header_id|>" + m.role + "<|end_header_id|>\n\n";
            s += trim(m.text);
            s += "<|eot_id|>";
        }
        if (add_generation_prompt) s += "<|start_header_id|>assistant<|end_header_id|>\n\n";
        return s;
    case ChatFamily::BITNET:
        for (const ChatMessage& m : msgs) {
            s += m.role == "system" ? "System: " : m.role == "user" ? "User: " : "Assistant: ";
            s += trim(m.text);
            s += "<|eot_id|>";
        }
        if (add_generation_prompt) s += "Assistant: ";
        return s;
    case ChatFamily::CHATML:
        for (const ChatMessage& m : msgs) s += "<|im_start|>" + m.role + "\n" + m.text + "<|im_end|>\n";
        if (add_generation_prompt) s += "<|im_start|>assistant\n";
        return s;
    case ChatFamily::MISTRAL:
        return s + render_mistral(msgs);
    case ChatFamily::FALCON3:
        return s + render_falcon3(msgs, add_generation_prompt);
    case ChatFamily::GEMMA:
        return s + render_gemma(msgs, add_generation_prompt);
    case ChatFamily::PHI3:
        for (const ChatMessage& m : msgs) s += "<|" + m.role + "|>\n" + m.text + "<|end|>\n";
        if (add_generation_prompt) s += "<|assistant|>\n";
        return s;
    }
    throw Error("chat: unknown template family");
}

std::vector<std::string> chat_stop_strings(ChatFamily family) {
    switch (family) {
    case ChatFamily::COMPLETION: return {};
    case ChatFamily::LLAMA3: return {"<|eot_id|>", "<|eom_id|>"};
    case ChatFamily::BITNET: return {"<|eot_id|>"};
    case ChatFamily::CHATML: return {"<|im_end|>"};
    case ChatFamily::MISTRAL: return {"</s>"};
    case ChatFamily::FALCON3: return {"<|endoftext|>"};
    case ChatFamily::GEMMA: return {"<end_of_turn>"};
    case ChatFamily::PHI3: return {"<|end|>", "<|endoftext|>"};
    }
    return {};
}

}  // namespace tern
