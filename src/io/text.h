// Small text helpers shared by the readers: encoding detection (UTF-8, else latin-1), trimming,
// ASCII case-insensitive comparison and strict decimal number parsing. No allocation on the
// hot paths (trim, iequals, parse_number).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <deque>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace cofi {
namespace text {

// The input's bytes as UTF-8 text: a UTF-8 BOM is dropped; bytes that are not valid UTF-8 are
// taken as latin-1 (ISO-8859-1) and transcoded. text() views either the caller's bytes or
// `storage`, so keep the Decoded object (and the caller's bytes) alive while using it.
struct Decoded {
  std::string_view original;  // the caller's bytes without a BOM
  std::string storage;        // the transcoded text when the input was latin-1
  bool transcoded = false;
  std::string_view text() const { return transcoded ? std::string_view(storage) : original; }
  const char* encoding() const { return transcoded ? "latin-1" : "utf-8"; }
};

// Decodes `bytes` (see Decoded). Throws ParseError(source, line, 0, "contains a NUL byte") when
// the input holds a NUL byte, which text files never do, and "contains the control byte 0x1B:
// not a text file" when bytes that are not UTF-8 hold a C0 control character other than tab,
// line and page breaks (binary data, which latin-1 would otherwise accept as text).
void decode(std::string_view bytes, const std::string& source, Decoded& out);

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// Each byte taken as a latin-1 code point, written as UTF-8.
std::string latin1_to_utf8(std::string_view bytes);

// The 1-based physical line of byte `offset` (a line ends at "\n", "\r\n" or a lone "\r").
int64_t line_at(std::string_view bytes, size_t offset);

// `s` without leading and trailing ASCII spaces (when `spaces`) and tabs (when `tabs`).
std::string_view trim(std::string_view s, bool spaces = true, bool tabs = true);

// ASCII case-insensitive equality (bytes >= 0x80 compare exactly).
bool iequals(std::string_view a, std::string_view b);

enum class Number { ok, not_a_number, not_finite };

// Parses a whole decimal number: optional spaces/tabs around, optional sign, digits with an
// optional '.', optional exponent ("4", "4.5", "-1", "+2", ".5", "1e0"). "nan", "inf",
// "infinity" (any case, signed) and values overflowing a double report not_finite; anything
// else (empty text, "five", "4,5", "0x10", trailing junk) reports not_a_number.
Number parse_number(std::string_view s, double& out);

// Parses a non-negative decimal integer index such as "2" (digits only, at most 9 of them).
bool parse_index(std::string_view s, int32_t& out);

// `s` in double quotes for messages, cut (at a UTF-8 character boundary) after `max_bytes`
// bytes with "..." appended.
std::string quoted(std::string_view s, size_t max_bytes = 60);

// What ViewIndex::intern throws when a new id would need an index beyond 2^31-2.
class TooManyIds : public std::length_error {
 public:
  TooManyIds() : std::length_error("more than 2147483646 distinct ids, the most 32-bit indices number") {}
};

// Dense indices for ids seen while reading, in order of first appearance: an open-addressing
// table of string_views, so a lookup neither allocates nor copies. Views inside `stable` (the
// text being read) are kept as they are; others (unescaped quoted fields in the tokenizer's
// reusable buffer) are copied once, when new. The readers fill an IdMap from keys() at the end,
// so the IdMap sees each distinct id once.
class ViewIndex {
 public:
  explicit ViewIndex(std::string_view stable) : stable_(stable) {}
  int32_t intern(std::string_view id);
  const std::vector<std::string_view>& keys() const { return keys_; }

 private:
  void grow();
  std::string_view stable_;
  std::vector<std::string_view> keys_;
  std::vector<uint32_t> hashes_;  // by index
  std::vector<int32_t> slots_;    // index + 1, 0 when empty; size a power of two
  std::deque<std::string> copies_;
};

}  // namespace text
}  // namespace cofi
