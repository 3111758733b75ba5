// The delimited-text tokenizer shared by the readers: RFC 4180 quoting, any delimiter string
// ("," "\t" ";" "|" "::" ...), "\n", "\r\n" and lone "\r" line endings, blank lines skipped,
// physical line numbers. Unquoted fields are views into the text; quoted fields are views into
// the text too unless they hold an escaped quote ("") or text after the closing quote, in which
// case they view a buffer the tokenizer reuses from row to row. A row's views stay valid until
// the next call to next().
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cofi {
namespace csv {

struct Row {
  std::vector<std::string_view> fields;
  int64_t line = 0;  // the physical line (1-based) where the row starts
};

class Tokenizer {
 public:
  // `delimiter` must be non-empty and hold no '"', '\n' or '\r' (see resolve_delimiter).
  Tokenizer(std::string_view text, std::string_view delimiter, std::string source);

  // Reads the next row that is not blank (a blank line is empty or holds only spaces and tabs,
  // even with a tab or space delimiter: such a row would have only empty fields). Returns false at the end of the text. Throws ParseError
  // "unclosed quote in field N" naming the line where the quote opened.
  bool next(Row& row);

  // Bytes of the text read so far (for estimating the row count).
  size_t consumed() const { return static_cast<size_t>(p_ - begin_); }

  // Unquoted fields lose surrounding ASCII spaces and tabs, except a character that is part of
  // the delimiter. Quoted fields are kept byte for byte; spaces or tabs before the opening quote
  // and after the closing quote are dropped. Text after a closing quote (`"ab"c`) is kept as
  // literal text (`abc`), as Python's csv module does, rather than failing the row.

 private:
  bool is_blank(char c) const { return (trim_spaces_ && c == ' ') || (trim_tabs_ && c == '\t'); }
  bool at_delimiter(const char* p) const;
  bool at_field_end(const char* p) const;
  const char* scan_unquoted(const char* p) const;
  void count_lines(const char* begin, const char* end);

  const char* begin_;
  const char* p_;
  const char* end_;
  std::string delimiter_;
  char first_;
  bool trim_spaces_;
  bool trim_tabs_;
  int64_t line_ = 1;
  std::string source_;
  unsigned char stop_[256];  // 1 for the delimiter's first byte, '\n' and '\r'
  std::string buffer_;       // unescaped quoted fields of the current row
  struct Pending {
    size_t field, offset, size;
  };
  std::vector<Pending> pending_;
};

// The delimiter ReadOptions ask for: "" (detect) stays "", "\\t" and "tab" become a tab.
// Throws ParseError(source, 0, 0, ...) for a delimiter holding '"', '\n' or '\r'.
std::string resolve_delimiter(const std::string& option, const std::string& source);

// Picks among "\t" "," ";" "|" "::" the delimiter that splits the first rows (up to 50, from
// the first 64 KiB) into a consistent number of fields >= 2 (most fields first, then that
// order). Without such a delimiter, the one whose most common count >= 2 fits most rows; when
// nothing splits any row, "," (every row is one field).
std::string detect_delimiter(std::string_view text, const std::string& source);

// The delimiter for a reader: the resolved option, or the detected one.
std::string choose_delimiter(std::string_view text, const std::string& option, const std::string& source);

// True when `name` equals one of `names` ASCII case-insensitively.
bool name_in(std::string_view name, const char* const* names, size_t count);

}  // namespace csv
}  // namespace cofi
