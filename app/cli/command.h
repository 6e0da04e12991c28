// tern-cli subcommands. Each takes its arguments (after the subcommand name) and returns the
// process exit code; errors are thrown as tern::Error and printed by main as one line.
#pragma once

#include <QCommandLineParser>
#include <QStringList>

#include "tern/model.h"
#include "tern/session.h"

#include <string>

namespace tern::cli {

int cmd_generate(const QStringList& args);
int cmd_chat(const QStringList& args);
int cmd_logits(const QStringList& args);
int cmd_tokenize(const QStringList& args);
int cmd_info(const QStringList& args);
int cmd_pull(const QStringList& args);
int cmd_synth(const QStringList& args);
int cmd_bench(const QStringList& args);
int cmd_devices(const QStringList& args);

// Parses args for a subcommand; throws tern::Error with the parser's message on bad options.
// Adds -h/--help; returns false when help was printed (the command should exit 0). Positional
// arguments are refused unless `positional` (the command then reads them itself).
bool parse_or_throw(QCommandLineParser& p, const QStringList& args, const char* usage, bool positional = false);

// Options shared by commands that load a model and run it.
void add_model_options(QCommandLineParser& p);
void add_sampling_options(QCommandLineParser& p);
// --cache-type f32|f16 (part of add_model_options; bench adds it alone) and its value.
void add_cache_type_option(QCommandLineParser& p);
Type cache_type_option(const QCommandLineParser& p);
// --repack (part of add_model_options; bench adds it alone) and the LoadOptions it gives.
void add_repack_option(QCommandLineParser& p);
LoadOptions load_options(const QCommandLineParser& p);
// What a model converted at load: "I2_S", "TQ1_0 → TQ2_0" or both, from its file's tensor types.
std::string converted_what(const Model& m);

int int_option(const QCommandLineParser& p, const QString& name, int lo, int hi);
double float_option(const QCommandLineParser& p, const QString& name, double lo, double hi);
std::string model_path(const QCommandLineParser& p);
SessionOptions session_options(const QCommandLineParser& p);   // from add_model_options
// After creating a session: names the Vulkan device on stderr, or why an explicit --backend auto
// or --device fell back to the CPU.
void report_backend(const QCommandLineParser& p, const Session& s);
GenerateParams generate_params(const QCommandLineParser& p);   // from add_sampling_options

// One-line summary of generation stats ("prompt 5 tok, 123.4 tok/s | ...") for stderr.
std::string stats_line(const GenerationStats& st);
// The stats as a JSON object (UTF-8).
std::string stats_json(const GenerationStats& st, const std::string& model);

}  // namespace tern::cli
