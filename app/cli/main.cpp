// tern-cli: headless front end of the Tern engine.
#include "build_info.h"
#include "command.h"

#include "tern/error.h"

#include <QCoreApplication>

#include <cstdio>
#include <exception>
#include <new>

namespace {

const char* kUsage =
    "usage: tern-cli COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  generate  -m MODEL -p TEXT   generate a continuation, streamed to stdout\n"
    "  chat      -m MODEL           interactive session on stdin/stdout\n"
    "  tokenize  -m MODEL -p TEXT   print token ids\n"
    "  logits    -m MODEL --tokens 1,2,3 -o OUT.f32   write the logits of every position\n"
    "  info      -m MODEL           architecture, hyperparameters, tensors, tokenizer\n"
    "  pull      ID|URL             download a model (catalog id or https URL), resumable\n"
    "  synth     -o FILE [--n-embd N --n-ff N --n-expert N --n-layer N --type TQ2_0 ...]\n"
    "                               write a random-weight llama GGUF (dense or MoE) for benchmarks\n"
    "  bench     -m MODEL [-p 64] [-n 32] [-r 3] [-t N] [--json]\n"
    "                               prefill/decode tokens/s like llama-bench, and decode's share of\n"
    "                               the memory bandwidth bound\n"
    "  bench     --memory [-t N]    measure the memory read bandwidth (GB/s)\n"
    "  devices                      list Vulkan devices (type, memory, features)\n"
    "\n"
    "tern-cli COMMAND --help shows the options of a command; tern-cli --version the version,\n"
    "backends and CPU features.\n";

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName("tern-cli");
    QCoreApplication::setApplicationVersion(TERN_VERSION);
    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args[1] == "-h" || args[1] == "--help") {
        std::fputs(kUsage, args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == "--version" || args[1] == "-v") {
        std::printf("%s\n", qPrintable(tern::app::buildSummary(QStringLiteral("tern-cli"))));
        return 0;
    }
    const QString cmd = args[1];
    args.removeAt(1);  // what remains: "tern-cli COMMAND" (for usage lines) + the command's options
    args[0] = "tern-cli " + cmd;
    try {
        if (cmd == "generate") return tern::cli::cmd_generate(args);
        if (cmd == "chat") return tern::cli::cmd_chat(args);
        if (cmd == "tokenize") return tern::cli::cmd_tokenize(args);
        if (cmd == "logits") return tern::cli::cmd_logits(args);
        if (cmd == "info") return tern::cli::cmd_info(args);
        if (cmd == "pull") return tern::cli::cmd_pull(args);
        if (cmd == "synth") return tern::cli::cmd_synth(args);
        if (cmd == "bench") return tern::cli::cmd_bench(args);
        if (cmd == "devices") return tern::cli::cmd_devices(args);
        std::fprintf(stderr, "tern-cli: unknown command '%s'\n%s", qPrintable(cmd), kUsage);
        return 2;
    } catch (const tern::Error& e) {
        std::fprintf(stderr, "tern-cli: %s\n", e.what());
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "tern-cli: out of memory\n");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tern-cli: %s\n", e.what());
    }
    return 1;
}
