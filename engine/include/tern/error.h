// Errors raised by the engine. Every failure the user can cause (a bad file, a bad argument,
// a full context) is reported as a tern::Error whose message is one line naming the problem
// (and, for files, the file). The engine never aborts on bad input.
#pragma once

#include <stdexcept>
#include <string>

namespace tern {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace tern
