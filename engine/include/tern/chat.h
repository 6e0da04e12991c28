// Turning a conversation into the text a model continues.
//
// Completion mode (models without a chat template, such as the bundled tern-tiny-moe): the
// conversation is one growing document. Each user message is appended to the text so far (after
// a single space when neither side has whitespace at the join), each assistant message is the
// model's own continuation and is appended unchanged, and system messages are ignored. The model
// is then asked to continue the document.
//
// Chat mode: a fixed renderer per template family (no Jinja interpreter). The family is detected
// from the GGUF key `tokenizer.chat_template` by distinctive markers, as llama.cpp does in
// src/llama-chat.cpp (llm_chat_detect_template), and can be overridden per model by name.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

struct ChatMessage {
    std::string role;  // "system", "user" or "assistant"
    std::string text;
};

std::string render_completion_prompt(const std::vector<ChatMessage>& messages);

// Chat template families. The exact text of each (A = add_generation_prompt, trim = leading and
// trailing whitespace removed, as the real templates' `| trim` / `.strip()`):
//   LLAMA3   "<|start_header_id|>ROLE<|end_header_id|>\n\n" trim(text) "<|eot_id|>" per message;
//            A: "<|start_header_id|>assistant<|end_header_id|>\n\n".  (Meta Llama 3 template)
//   BITNET   "System: " / "User: " / "Assistant: " trim(text) "<|eot_id|>" per message;
//            A: "Assistant: ".  (BitNet b1.58 2B4T, microsoft/BitNet gpu/tokenizer.py ChatFormat)
//   CHATML   "<|im_start|>ROLE\n" text "<|im_end|>\n" per message; A: "<|im_start|>assistant\n".
//            (Qwen and other chatml models; no default system prompt is inserted.)
//   MISTRAL  "[INST] " user "[/INST]" then " " trim(assistant) "</s>"; no system role: system text
//            goes before the next user message, joined by "\n\n". A changes nothing: the model
//            answers after "[/INST]".  (Mistral v0.3 "[INST]" format; llama.cpp mistral-v3)
//   FALCON3  "<|system|>\n" / "<|user|>\n" text "\n"; "<|assistant|>\n" text "<|endoftext|>"
//            followed by "\n" unless it is the last message; A: "<|assistant|>\n".
//            (tiiuae Falcon3-*-Instruct template; "<|endoftext|>" is its eos_token)
//   GEMMA    "<start_of_turn>user\n" / "<start_of_turn>model\n" trim(text) "<end_of_turn>\n";
//            no system role: system text goes before the next user message, joined by "\n\n".
//            A: "<start_of_turn>model\n".  (Google Gemma template; llama.cpp "gemma")
//   PHI3     "<|ROLE|>\n" text "<|end|>\n" per message; A: "<|assistant|>\n".  (Microsoft Phi-3)
//   COMPLETION  render_completion_prompt (render_chat forwards to it).
//
// BOS is not part of the rendered text: the caller encodes the prompt with add_special = true so
// the tokenizer adds BOS once (llama.cpp does the same and so never doubles it), and with
// parse_special = true so the markers become their control tokens. `bos_text` exists for a
// caller whose tokenizer does not add BOS; it is prepended verbatim.
enum class ChatFamily { COMPLETION, LLAMA3, BITNET, CHATML, MISTRAL, FALCON3, GEMMA, PHI3 };

// The family used for a template we cannot recognise. ChatML because its markers are plain
// text in vocabularies that lack them (the model still sees clear turn boundaries) and most
// recent small instruct models use it.
inline constexpr ChatFamily kDefaultChatFamily = ChatFamily::CHATML;

struct ChatFormat {
    ChatFamily family = ChatFamily::COMPLETION;
    bool guessed = false;  // true: the template was not recognised and `family` is the default;
                           // the app should tell the user
};

// Lower-case names: "completion", "llama3", "bitnet", "chatml", "mistral", "falcon3", "gemma",
// "phi3". chat_family_from_name also accepts "qwen" (= chatml); it is case-sensitive and returns
// nullopt for anything else (the per-model override).
std::string_view chat_family_name(ChatFamily family);
std::optional<ChatFamily> chat_family_from_name(std::string_view name);

// jinja_template: the value of `tokenizer.chat_template` ("" when absent); arch:
// `general.architecture`. Rules, first match wins:
//   arch "bitnet-b1.58" or "bitnet-25"                               → BITNET
//   empty template                                                   → COMPLETION
//   "<|start_header_id|>" and "<|end_header_id|>"                    → LLAMA3
//   "<|eot_id|>" and "Assistant: "                                   → BITNET
//   "<|im_start|>"                                                   → CHATML
//   "[INST]"                                                         → MISTRAL
//   "<start_of_turn>"                                                → GEMMA
//   "<|user|>" and "<|end|>"                                         → PHI3
//   "<|user|>" and "<|assistant|>" (no "<|end|>")                    → FALCON3
//   anything else                                → kDefaultChatFamily with guessed = true
ChatFormat detect_chat_format(std::string_view jinja_template, std::string_view arch);
inline ChatFamily detect_chat_family(std::string_view jinja_template, std::string_view arch) {
    return detect_chat_format(jinja_template, arch).family;
}

// Consecutive messages of the same role become one, their texts joined by "\n\n". Empty messages
// are dropped first. Throws tern::Error for a role other than system, user or assistant.
std::vector<ChatMessage> merge_chat_messages(const std::vector<ChatMessage>& messages);

// The prompt for `family` (formats above) after merge_chat_messages. add_generation_prompt:
// end with the header that makes the model answer as the assistant. Throws tern::Error for an
// unknown role.
std::string render_chat(const std::vector<ChatMessage>& messages, ChatFamily family,
                        bool add_generation_prompt = true, std::string_view bos_text = "");

// The end-of-turn markers of the family; generation stops when one is produced (as a token or,
// when the vocab lacks it, as text). Empty for COMPLETION. Every one of them is also a name
// Tokenizer::is_eog treats as end of generation when the vocab has it as a control token
// ("</s>" is the Mistral EOS).
std::vector<std::string> chat_stop_strings(ChatFamily family);

}  // namespace tern

namespace tern {

class Tokenizer;

// The token ids of a conversation in a chat family, ready to generate from: BOS (when the vocab
// adds one), then the rendered template. The template's markers are parsed as special tokens;
// the messages' own text never is, so "<|eot_id|>" typed by a user stays text (llama.cpp parses
// the whole prompt, which lets a user inject control tokens). Message text is trimmed. For
// COMPLETION this is encode(render_completion_prompt(messages), add BOS).
std::vector<int32_t> encode_chat(const Tokenizer& tokenizer, const std::vector<ChatMessage>& messages,
                                 ChatFamily family, bool add_generation_prompt = true);

// encode_chat for a prompt that must leave `reserve` of `n_ctx` positions for the answer: the
// oldest messages after a leading system message are dropped until it fits (the template stays
// whole; the newest message is always kept). *dropped tells whether any was. For COMPLETION the
// text is cut from the front instead (keeping BOS).
std::vector<int32_t> encode_chat_to_fit(const Tokenizer& tokenizer, std::vector<ChatMessage> messages,
                                        ChatFamily family, int32_t n_ctx, int32_t reserve, bool* dropped = nullptr);

}  // namespace tern
