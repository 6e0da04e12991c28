// tern-cli generate / chat: text generation with streaming output.
#include "command.h"

#include "tern/chat.h"
#include "tern/error.h"
#include "tern/model.h"
#include "tern/session.h"
#include "tern/tokenizer.h"

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

    auto model = Model::load(path);
    Session session(*model, so);
    const GenerationStats st = session.generate(p.value("prompt").toStdString(), gp, print_piece);
    std::fputs("\n", stdout);
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", stats_line(st).c_str());
    if (!stats_file.empty()) {
        std::ofstream f(stats_file, std::ios::binary);
        f << stats_json(st, path);
        if (!f) throw Error(stats_file + ": cannot write the stats");
    }
    return 0;
}

int cmd_chat(const QStringList& args) {
    QCommandLineParser p;
    add_model_options(p);
    add_sampling_options(p);
    if (!parse_or_throw(p, args, "Interactive session. Models without a chat template run in completion mode: each "
                                  "line you type is appended to the text so far and the model continues it. "
                                  "An empty line or Ctrl-D ends."))
        return 0;
    const std::string path = model_path(p);
    const GenerateParams gp = generate_params(p);
    auto model = Model::load(path);
    Session session(*model, session_options(p));
    std::fprintf(stderr, "%s: %s, %s, %d layers%s; completion mode. Type a text and press Enter; an empty line quits.\n",
                 path.c_str(), model->hparams().arch.c_str(), model->main_type().c_str(), model->hparams().n_layer,
                 model->hparams().n_expert ? (", " + std::to_string(model->hparams().n_expert) + " experts").c_str() : "");
    std::vector<ChatMessage> history;
    std::string line;
    for (;;) {
        std::fputs("> ", stderr);
        if (!std::getline(std::cin, line) || line.empty()) break;
        history.push_back({"user", line});
        std::vector<int32_t> prompt = model->tokenizer().encode(render_completion_prompt(history), true);
        if (static_cast<int>(prompt.size()) + std::max(gp.max_tokens, 1) >= session.n_ctx()) {
            // Start over with only the new line when the context would overflow.
            history = {{"user", line}};
            prompt = model->tokenizer().encode(render_completion_prompt(history), true);
        }
        std::string answer;
        const GenerationStats st = session.generate(prompt, gp, [&](int32_t id, std::string_view text) {
            print_piece(id, text);
            answer += text;
        });
        history.push_back({"assistant", answer});
        std::fputs("\n", stdout);
        std::fprintf(stderr, "[%s]\n", stats_line(st).c_str());
    }
    return 0;
}

}  // namespace tern::cli
