// The error every reader throws for bad input: it names the source, the line (1-based, physical
// line in the file) and, where known, the column (1-based field number), and says what is wrong.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cofi {

class ParseError : public std::runtime_error {
 public:
  // what() is "<source>:<line>: <problem>", or "<source>: <problem>" when line is 0.
  ParseError(std::string source, int64_t line, int32_t column, const std::string& problem)
      : std::runtime_error(format(source, line, problem)),
        source_(std::move(source)), line_(line), column_(column), problem_(problem) {}
  const std::string& source() const { return source_; }
  int64_t line() const { return line_; }      // 0 when the problem is not on one line
  int32_t column() const { return column_; }  // 0 when unknown
  const std::string& problem() const { return problem_; }

 private:
  static std::string format(const std::string& source, int64_t line, const std::string& problem) {
    return line > 0 ? source + ":" + std::to_string(line) + ": " + problem : source + ": " + problem;
  }
  std::string source_;
  int64_t line_;
  int32_t column_;
  std::string problem_;
};

}  // namespace cofi
