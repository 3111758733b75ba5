// Embind entry of the WASM command-line tool: bin/cofi.mjs passes the arguments and two file
// callbacks, and gets back the exit status and what the tool wrote.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <sstream>
#include <stdexcept>

#include "cli/cli.h"
#include "wasm/bytes.h"

using emscripten::val;

namespace {

// readFile(path) returns the bytes (Uint8Array) or {error: "message"}; writeFile(path, bytes)
// returns null or {error: "message"}.
val run_cli_js(val args, val read_file, val write_file) {
  std::vector<std::string> argv;
  const int n = args["length"].as<int>();
  for (int k = 0; k < n; ++k) argv.push_back(args[k].as<std::string>());
  std::ostringstream out, err;
  cofi::CliIo io;
  io.read_file = [&](const std::string& path) {
    val r = read_file(path);
    if (!r["error"].isUndefined()) throw std::runtime_error(r["error"].as<std::string>());
    return cofi::bytes_of(r);
  };
  io.write_file = [&](const std::string& path, const std::string& bytes) {
    // The bytes as a Uint8Array (a view, used before any other wasm call): a std::string would
    // reach JS as text decoded from UTF-8, which damages binary files such as saved models.
    val r = write_file(path, val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const unsigned char*>(bytes.data()))));
    if (!r.isNull() && !r.isUndefined()) throw std::runtime_error(r["error"].as<std::string>());
  };
  io.out = &out;
  io.err = &err;
  const int status = cofi::run_cli(argv, io);
  val result = val::object();
  result.set("status", status);
  result.set("stdout", out.str());
  result.set("stderr", err.str());
  return result;
}

}  // namespace

EMSCRIPTEN_BINDINGS(cofi_cli) { emscripten::function("runCli", &run_cli_js); }
