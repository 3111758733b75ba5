// The native `cofi` binary: real files and standard streams around run_cli.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "cli/cli.h"

int main(int argc, char** argv) {
  cofi::CliIo io;
  io.read_file = [](const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw std::runtime_error("cannot read " + path + ": Is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    // One read of the whole file (a stream copy through rdbuf() is several times slower).
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0) {  // not seekable (a pipe): copy the stream
      in.clear();
      std::ostringstream piped;
      piped << in.rdbuf();
      return piped.str();
    }
    in.seekg(0, std::ios::beg);
    std::string bytes(size > 0 ? static_cast<size_t>(size) : 0, '\0');
    if (size > 0 && !in.read(&bytes[0], size)) throw std::runtime_error("cannot read " + path + ": read error");
    return bytes;
  };
  io.write_file = [](const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    if (!out || !out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())))
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  };
  io.out = &std::cout;
  io.err = &std::cerr;
  const int status = cofi::run_cli(std::vector<std::string>(argv + 1, argv + argc), io);
  std::cout.flush();
  return status;
}
