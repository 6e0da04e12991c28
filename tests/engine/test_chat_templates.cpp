// Chat templates: exact rendered prompts per family, detection from template snippets, the
// fallback flag, stop strings and their end-of-generation tokens.
#include "tern/chat.h"
#include "tern/error.h"
#include "tern/tokenizer.h"

#include <QtTest>

using namespace tern;

namespace {

using Msgs = std::vector<ChatMessage>;

const Msgs kUser = {{"user", "Hi"}};
const Msgs kSysUser = {{"system", "Be brief."}, {"user", "Hi"}};
const Msgs kMulti = {{"user", "Hi"}, {"assistant", "Hello!"}, {"user", "Bye"}};
// Two user messages in a row and two system messages in a row are each merged with "\n\n".
const Msgs kRepeated = {{"system", "A"}, {"system", "B"}, {"user", "x"}, {"user", "y"}};

std::string R(const Msgs& m, ChatFamily f, bool gen = true) { return render_chat(m, f, gen); }

}  // namespace

class TestChatTemplates : public QObject {
    Q_OBJECT
private slots:
    void llama3() {
        const auto f = ChatFamily::LLAMA3;
        QCOMPARE(R(kUser, f), std::string("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                                          "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        QCOMPARE(R(kSysUser, f), std::string("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
                                             "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                                             "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        QCOMPARE(R(kMulti, f), std::string("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                                           "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
                                           "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
                                           "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        QCOMPARE(R(kRepeated, f), std::string("<|start_header_id|>system<|end_header_id|>\n\nA\n\nB<|eot_id|>"
                                              "<|start_header_id|>user<|end_header_id|>\n\nx\n\ny<|eot_id|>"
                                              "<|start_header_id|>assistant<|end_header_id|>\n\n"));
        // Content is trimmed, as the Llama 3 template's `| trim`.
        QCOMPARE(R({{"user", "  Hi \n"}}, f, false),
                 std::string("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"));
        // BOS text only when asked for.
        QCOMPARE(render_chat(kUser, f, false, "<|begin_of_text|>"),
                 std::string("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"));
    }

    void bitnet() {
        const auto f = ChatFamily::BITNET;
        QCOMPARE(R(kUser, f), std::string("User: Hi<|eot_id|>Assistant: "));
        // formats.md §4.2 example (with the BOS the tokenizer adds spelled out here).
        QCOMPARE(render_chat({{"system", "You are a helpful assistant"}, {"user", "Hi"}}, f, true, "<|begin_of_text|>"),
                 std::string("<|begin_of_text|>System: You are a helpful assistant<|eot_id|>User: Hi<|eot_id|>Assistant: "));
        QCOMPARE(R(kMulti, f), std::string("User: Hi<|eot_id|>Assistant: Hello!<|eot_id|>User: Bye<|eot_id|>Assistant: "));
        QCOMPARE(R(kRepeated, f), std::string("System: A\n\nB<|eot_id|>User: x\n\ny<|eot_id|>Assistant: "));
        QCOMPARE(R(kMulti, f, false), std::string("User: Hi<|eot_id|>Assistant: Hello!<|eot_id|>User: Bye<|eot_id|>"));
        QCOMPARE(R({{"user", " Hi\n"}}, f, false), std::string("User: Hi<|eot_id|>"));  // content.strip()
    }

    void chatml() {
        const auto f = ChatFamily::CHATML;
        QCOMPARE(R(kUser, f), std::string("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
        QCOMPARE(R(kSysUser, f), std::string("<|im_start|>system\nBe brief.<|im_end|>\n"
                                             "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"));
        QCOMPARE(R(kMulti, f), std::string("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
                                           "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n"));
        QCOMPARE(R(kRepeated, f), std::string("<|im_start|>system\nA\n\nB<|im_end|>\n"
                                              "<|im_start|>user\nx\n\ny<|im_end|>\n<|im_start|>assistant\n"));
        QCOMPARE(R(kSysUser, f, false), std::string("<|im_start|>system\nBe brief.<|im_end|>\n"
                                                    "<|im_start|>user\nHi<|im_end|>\n"));
        // Not trimmed (the chatml template inserts content as is).
        QCOMPARE(R({{"user", " Hi "}}, f, false), std::string("<|im_start|>user\n Hi <|im_end|>\n"));
    }

    void mistral() {
        const auto f = ChatFamily::MISTRAL;
        QCOMPARE(R(kUser, f), std::string("[INST] Hi[/INST]"));
        // No system role: it goes before the first user message.
        QCOMPARE(R(kSysUser, f), std::string("[INST] Be brief.\n\nHi[/INST]"));
        QCOMPARE(R(kMulti, f), std::string("[INST] Hi[/INST] Hello!</s>[INST] Bye[/INST]"));
        QCOMPARE(R(kRepeated, f), std::string("[INST] A\n\nB\n\nx\n\ny[/INST]"));
        // The generation prompt adds nothing: the answer follows "[/INST]".
        QCOMPARE(R(kMulti, f, false), std::string("[INST] Hi[/INST] Hello!</s>[INST] Bye[/INST]"));
        QCOMPARE(R({{"user", "Q"}, {"assistant", " A \n"}}, f), std::string("[INST] Q[/INST] A</s>"));
    }

    void falcon3() {
        const auto f = ChatFamily::FALCON3;
        QCOMPARE(R(kUser, f), std::string("<|user|>\nHi\n<|assistant|>\n"));
        QCOMPARE(R(kSysUser, f), std::string("<|system|>\nBe brief.\n<|user|>\nHi\n<|assistant|>\n"));
        QCOMPARE(R(kMulti, f), std::string("<|user|>\nHi\n<|assistant|>\nHello!<|endoftext|>\n<|user|>\nBye\n<|assistant|>\n"));
        QCOMPARE(R(kRepeated, f), std::string("<|system|>\nA\n\nB\n<|user|>\nx\n\ny\n<|assistant|>\n"));
        QCOMPARE(R(kMulti, f, false), std::string("<|user|>\nHi\n<|assistant|>\nHello!<|endoftext|>\n<|user|>\nBye\n"));
        // A final assistant message has no newline after its eos.
        QCOMPARE(R({{"user", "Hi"}, {"assistant", "Yo"}}, f, false),
                 std::string("<|user|>\nHi\n<|assistant|>\nYo<|endoftext|>"));
    }

    void gemma() {
        const auto f = ChatFamily::GEMMA;
        QCOMPARE(R(kUser, f), std::string("<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n"));
        QCOMPARE(R(kSysUser, f),
                 std::string("<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\n"));
        QCOMPARE(R(kMulti, f), std::string("<start_of_turn>user\nHi<end_of_turn>\n"
                                           "<start_of_turn>model\nHello!<end_of_turn>\n"
                                           "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n"));
        QCOMPARE(R(kRepeated, f),
                 std::string("<start_of_turn>user\nA\n\nB\n\nx\n\ny<end_of_turn>\n<start_of_turn>model\n"));
        QCOMPARE(R(kMulti, f, false), std::string("<start_of_turn>user\nHi<end_of_turn>\n"
                                                  "<start_of_turn>model\nHello!<end_of_turn>\n"
                                                  "<start_of_turn>user\nBye<end_of_turn>\n"));
        // A system message with no user message after it becomes a user turn.
        QCOMPARE(R({{"system", "S"}}, f, false), std::string("<start_of_turn>user\nS<end_of_turn>\n"));
    }

    void phi3() {
        const auto f = ChatFamily::PHI3;
        QCOMPARE(R(kUser, f), std::string("<|user|>\nHi<|end|>\n<|assistant|>\n"));
        QCOMPARE(R(kSysUser, f), std::string("<|system|>\nBe brief.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\n"));
        QCOMPARE(R(kMulti, f), std::string("<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n"
                                           "<|user|>\nBye<|end|>\n<|assistant|>\n"));
        QCOMPARE(R(kRepeated, f), std::string("<|system|>\nA\n\nB<|end|>\n<|user|>\nx\n\ny<|end|>\n<|assistant|>\n"));
        QCOMPARE(R(kMulti, f, false), std::string("<|user|>\nHi<|end|>\n<|assistant|>\nHello!<|end|>\n"
                                                  "<|user|>\nBye<|end|>\n"));
    }

    void completionFamily() {
        QCOMPARE(R(kMulti, ChatFamily::COMPLETION), std::string("HiHello! Bye"));
        QCOMPARE(R(kSysUser, ChatFamily::COMPLETION), std::string("Hi"));
    }

    void mergeAndErrors() {
        const Msgs merged = merge_chat_messages({{"user", "a"}, {"user", ""}, {"user", "b"}, {"assistant", "c"}});
        QCOMPARE(merged.size(), size_t(2));
        QCOMPARE(merged[0].text, std::string("a\n\nb"));
        QCOMPARE(merged[1].role, std::string("assistant"));
        // An empty message in between does not split a run of the same role.
        QCOMPARE(R({{"user", "a"}, {"assistant", ""}, {"user", "b"}}, ChatFamily::CHATML, false),
                 std::string("<|im_start|>user\na\n\nb<|im_end|>\n"));
        QVERIFY_THROWS_EXCEPTION(Error, render_chat({{"tool", "x"}}, ChatFamily::CHATML));
        QCOMPARE(R({}, ChatFamily::CHATML), std::string("<|im_start|>assistant\n"));
    }

    void names() {
        for (const ChatFamily f : {ChatFamily::COMPLETION, ChatFamily::LLAMA3, ChatFamily::BITNET, ChatFamily::CHATML,
                                   ChatFamily::MISTRAL, ChatFamily::FALCON3, ChatFamily::GEMMA, ChatFamily::PHI3})
            QCOMPARE(chat_family_from_name(chat_family_name(f)), std::optional<ChatFamily>(f));
        QCOMPARE(chat_family_name(ChatFamily::FALCON3), std::string_view("falcon3"));
        QCOMPARE(chat_family_from_name("qwen"), std::optional<ChatFamily>(ChatFamily::CHATML));
        QCOMPARE(chat_family_from_name("vicuna"), std::optional<ChatFamily>());
        QCOMPARE(chat_family_from_name("Llama3"), std::optional<ChatFamily>());
    }

    void detection() {
        const auto D = [](std::string_view t, std::string_view arch = "llama") { return detect_chat_format(t, arch); };
        const auto is = [](ChatFormat got, ChatFamily want) { return got.family == want && !got.guessed; };
        QVERIFY(is(D("{{ bos_token }}{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + "
                     "'<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}{% endfor %}"),
                   ChatFamily::LLAMA3));
        QVERIFY(is(D("{% for message in messages %}{% set content = message['role'] | capitalize + ': ' + "
                     "message['content'] | trim + '<|eot_id|>' %}{{ content }}{% endfor %}"
                     "{% if add_generation_prompt %}{{ 'Assistant: ' }}{% endif %}"),
                   ChatFamily::BITNET));
        // BitNet 2B4T by architecture, whatever the template says (even none).
        QVERIFY(is(D("", "bitnet-b1.58"), ChatFamily::BITNET));
        QVERIFY(is(D("{{ '<|im_start|>' }}", "bitnet-25"), ChatFamily::BITNET));
        QVERIFY(is(D("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + "
                     "'<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}"
                     "{% endif %}", "qwen2"),
                   ChatFamily::CHATML));
        QVERIFY(is(D("{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
                     "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% else %}{{ message['content'] + eos_token }}"
                     "{% endif %}{% endfor %}"),
                   ChatFamily::MISTRAL));
        QVERIFY(is(D("{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + role + '\n' + "
                     "message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"),
                   ChatFamily::GEMMA));
        QVERIFY(is(D("{% for message in messages %}{% if message['role'] == 'user' %}{{'<|user|>\n' + "
                     "message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}{{ '<|assistant|>\n' }}"),
                   ChatFamily::PHI3));
        QVERIFY(is(D("{%- for message in messages %}{%- if message['role'] == 'user' %}{{- '<|user|>\n' + "
                     "message['content'] + '\n' }}{%- elif message['role'] == 'assistant' %}{{- '<|assistant|>\n' + "
                     "message['content'] + eos_token }}{%- endif %}{%- endfor %}"),
                   ChatFamily::FALCON3));
        // No template: completion mode, not a guess.
        QVERIFY(is(D(""), ChatFamily::COMPLETION));
        QVERIFY(is(D(" \n"), ChatFamily::COMPLETION));
        // Unrecognised: the documented default, flagged as a guess.
        const ChatFormat unknown = D("{% for m in messages %}### {{ m['role'] }}: {{ m['content'] }}{% endfor %}");
        QCOMPARE(unknown.family, kDefaultChatFamily);
        QCOMPARE(unknown.family, ChatFamily::CHATML);
        QVERIFY(unknown.guessed);
        QCOMPARE(detect_chat_family("<|im_start|>", "llama"), ChatFamily::CHATML);
    }

    // Every family's end-of-turn marker ends generation when the vocab has it as a control token.
    void stopStringsAreEndOfGeneration() {
        QCOMPARE(chat_stop_strings(ChatFamily::BITNET), std::vector<std::string>{"<|eot_id|>"});
        QCOMPARE(chat_stop_strings(ChatFamily::GEMMA), std::vector<std::string>{"<end_of_turn>"});
        QVERIFY(chat_stop_strings(ChatFamily::COMPLETION).empty());
        Vocab v;
        v.model = "llama";
        v.add_space_prefix = false;
        const std::vector<std::string> controls = {"<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|endoftext|>",
                                                   "<end_of_turn>", "<|end|>"};
        v.tokens = {"<unk>", "</s>", "a"};
        v.types = {TokenType::UNKNOWN, TokenType::CONTROL, TokenType::NORMAL};
        for (const std::string& c : controls) {
            v.tokens.push_back(c);
            v.types.push_back(TokenType::CONTROL);
        }
        v.scores.assign(v.tokens.size(), 0.0f);
        v.unk = 0;
        v.eos = 1;
        const auto tok = Tokenizer::from_vocab(v);
        QVERIFY(!tok->is_eog(2));
        for (const ChatFamily f : {ChatFamily::LLAMA3, ChatFamily::BITNET, ChatFamily::CHATML, ChatFamily::MISTRAL,
                                   ChatFamily::FALCON3, ChatFamily::GEMMA, ChatFamily::PHI3}) {
            const std::vector<std::string> stops = chat_stop_strings(f);
            QVERIFY(!stops.empty());
            for (const std::string& s : stops) {
                int32_t id = -1;
                for (size_t i = 0; i < v.tokens.size(); ++i)
                    if (v.tokens[i] == s) id = static_cast<int32_t>(i);
                QVERIFY2(id >= 0, s.c_str());
                QVERIFY2(tok->is_eog(id), s.c_str());
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestChatTemplates)
#include "test_chat_templates.moc"
