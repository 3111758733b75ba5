// The command-line tool, written against an abstract file reader and output streams so that the
// native binary (main.cpp) and the WASM build (bin/cofi.mjs) run the very same code.
#pragma once
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace cofi {

struct CliIo {
  // Returns a file's bytes; throws std::runtime_error("cannot read FILE: reason") on failure.
  std::function<std::string(const std::string& path)> read_file;
  // Writes a whole file (predict --output); throws std::runtime_error on failure.
  std::function<void(const std::string& path, const std::string& bytes)> write_file;
  std::ostream* out;
  std::ostream* err;
};

// Runs `cofi <args...>` (args without the program name). Returns the exit status: 0 on success,
// 2 on bad input or usage (after one line "cofi: error: ..." on err).
int run_cli(const std::vector<std::string>& args, const CliIo& io);

}  // namespace cofi
