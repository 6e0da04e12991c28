// `tern --self-test`: loads the default model, answers one prompt through the same ChatController
// the window uses (so the answer is stored in the history), prints it and returns 0; non-zero
// with a message on stderr when any step fails. Greedy decoding, 64 tokens, so the answer is
// reproducible.
#pragma once

#include <QString>

namespace tern::app {

int runSelfTest(const QString& dataDir, const QString& prompt);

}  // namespace tern::app
