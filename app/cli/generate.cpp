// tern-cli generate / chat: text generation with streaming output.
#include "command.h"

#include "tern/chat.h"
#include "tern/error.h"
#include "tern/model.h"
#include "tern/session.h"
#include "tern/tokenizer.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace tern::cli {

namespace {

void print_piece(int32_t, std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

void warn_context(const Model& m, const SessionOptions& so) {
    if (so.n_ctx > m.hparams().n_ctx_train)
        std::fprintf(stderr, "tern-cli: warning: --ctx %d is more than the %d tokens this model was trained on; "
                             "text past that point will degrade\n", so.n_ctx, m.hparams().n_ctx_train);
}

// Ctrl-C while an answer is generated stops that answer; at the prompt it quits.
std::atomic<bool> g_cancel{false};
std::atomic<bool> g_generating{false};

extern "C" void on_sigint(int) {
    if (g_generating.load()) {
        g_cancel.store(true);
        return;
    }
    std::signal(SIGINT, SIG_DFL);
    std::raise(SIGINT);
}

}  // namespace

int cmd_generate(const QStringList& args) {
    QCommandLineParser p;
    add_model_options(p);
    add_sampling_options(p);
    p.addOption({{"p", "prompt"}, "Prompt text.", "TEXT"});
    p.addOption({"stats-json", "Also write the stats as JSON to FILE.", "FILE"});
    if (!parse_or_throw(p, args, "Generate a continuation of a prompt. Only the generated text goes to stdout; "
                                  "stats go to stderr."))
        return 0;
    if (!p.isSet("prompt")) throw Error("missing -p TEXT");
    const std::string path = model_path(p);
    const GenerateParams gp = generate_params(p);
    const SessionOptions so = session_options(p);
    const std::string stats_file = p.value("stats-json").toStdString();

    std::ofstream stats_out;
    if (!stats_file.empty()) {  // fail before generating, not after
        stats_out.open(stats_file, std::ios::binary | std::ios::trunc);
        if (!stats_out) throw Error(stats_file + ": cannot write the stats");
    }

    auto model = Model::load(path, load_options(p));
    warn_context(*model, so);
    Session session(*model, so);
    report_backend(p, session);
    const GenerationStats st = session.generate(p.value("prompt").toStdString(), gp, print_piece);
    std::fputs("\n", stdout);
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", stats_line(st).c_str());
    if (!stats_file.empty()) {
        stats_out << stats_json(st, path);
        stats_out.close();
        if (!stats_out) throw Error(stats_file + ": cannot write the stats");
    }
    return 0;
}

int cmd_chat(const QStringList& args) {
    QCommandLineParser p;
    add_model_options(p);
    add_sampling_options(p);
    p.addOption({"system", "System prompt (chat models).", "TEXT"});
    p.addOption({"chat-template", "Chat format instead of the one the model names: completion, llama3, bitnet, "
                                  "chatml, mistral, falcon3, gemma, phi3.", "NAME"});
    if (!parse_or_throw(p, args, "Interactive session. Models with a chat template hold a conversation in that "
                                  "format; models without one run in completion mode: each line you type is appended "
                                  "to the text so far and the model continues it. When the conversation outgrows "
                                  "the context, its oldest part is dropped. Ctrl-C stops an answer; an empty line "
                                  "or Ctrl-D ends."))
        return 0;
    const std::string path = model_path(p);
    const GenerateParams gp = generate_params(p);
    const SessionOptions so = session_options(p);
    auto model = Model::load(path, load_options(p));
    warn_context(*model, so);
    ChatFormat format = model->chat_format();
    if (p.isSet("chat-template")) {
        const auto f = chat_family_from_name(p.value("chat-template").toStdString());
        if (!f) throw Error("--chat-template: unknown format '" + p.value("chat-template").toStdString() + "'");
        format = {*f, false};
    }
    Session session(*model, so);
    report_backend(p, session);
    const HParams& hp = model->hparams();
    const bool chat_mode = format.family != ChatFamily::COMPLETION;
    std::fprintf(stderr, "%s: %s, %s, %d layers%s, context %d tokens; %s.\n", path.c_str(), hp.arch.c_str(),
                 model->main_type().c_str(), hp.n_layer,
                 hp.n_expert ? (", " + std::to_string(hp.n_expert) + " experts").c_str() : "", session.n_ctx(),
                 chat_mode ? ("chat mode, " + std::string(chat_family_name(format.family)) + " format").c_str()
                           : "completion mode");
    if (format.guessed)
        std::fprintf(stderr, "tern-cli: the model's chat template is not one Tern knows; using the %s format "
                             "(--chat-template chooses another)\n", std::string(chat_family_name(format.family)).c_str());
    std::fprintf(stderr, chat_mode ? "Type a message and press Enter. An empty line quits.\n"
                                   : "Type a text and press Enter; the model continues it. An empty line quits.\n");
    std::signal(SIGINT, on_sigint);
    std::vector<ChatMessage> history;
    if (chat_mode && p.isSet("system")) history.push_back({"system", p.value("system").toStdString()});
    std::string line;
    for (;;) {
        std::fputs("> ", stderr);
        if (!std::getline(std::cin, line)) {
            std::fputs("\n", stderr);  // Ctrl-D: leave the shell prompt on a line of its own
            break;
        }
        if (line.empty()) break;
        history.push_back({"user", line});
        bool truncated = false;
        const int32_t reserve = gp.max_tokens > 0 ? gp.max_tokens : session.n_ctx() / 4;
        const std::vector<int32_t> prompt =
            encode_chat_to_fit(model->tokenizer(), history, format.family, session.n_ctx(), reserve, &truncated);
        if (truncated) std::fprintf(stderr, "[the conversation is longer than the context: its oldest part is left out]\n");
        std::string answer;
        g_cancel.store(false);
        g_generating.store(true);
        try {
            const GenerationStats st = session.generate(prompt, gp, [&](int32_t id, std::string_view text) {
                print_piece(id, text);
                answer += text;
            }, &g_cancel);
            g_generating.store(false);
            history.push_back({"assistant", answer});
            std::fputs("\n", stdout);
            std::fflush(stdout);
            std::fprintf(stderr, "[%s]\n", stats_line(st).c_str());
        } catch (const Error& e) {  // one failed turn does not end the session
            g_generating.store(false);
            history.pop_back();
            std::fprintf(stderr, "\ntern-cli: %s\n", e.what());
        }
    }
    return 0;
}

}  // namespace tern::cli
