#include "io/text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "io/parse_error.h"

namespace cofi {
namespace text {

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

inline bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the well-formed UTF-8 sequence starting at p[0] (a byte >= 0x80), or 0.
size_t utf8_sequence(const unsigned char* p, size_t left) {
  const unsigned char c = p[0];
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && is_continuation(p[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3 || !is_continuation(p[1]) || !is_continuation(p[2])) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
    if (c == 0xED && p[1] > 0x9F) return 0;  // UTF-16 surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4 || !is_continuation(p[1]) || !is_continuation(p[2]) || !is_continuation(p[3])) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;  // overlong
    if (c == 0xF4 && p[1] > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

// One pass over the bytes: the offset of the first NUL byte (or npos), and whether the bytes
// are valid UTF-8 up to there. Eight ASCII bytes without a NUL are checked at a time.
struct Scan {
  size_t nul = std::string_view::npos;
  bool utf8 = true;
};

// Scans [i, stop) (a UTF-8 sequence may run past stop) and returns where it stopped; sets `done`
// once the answer is known (a NUL byte, or bytes that are not UTF-8).
[[gnu::noinline]] size_t scan_block(const unsigned char* p, size_t i, size_t stop, size_t n, Scan& result, bool& done) {
  while (i < stop) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      const uint64_t has_zero = (word - kOnes) & ~word & kHighs;
      if (((word & kHighs) | has_zero) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c == 0) {
      result.nul = i;
      done = true;
      return i;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t length = utf8_sequence(p + i, n - i);
    if (length == 0) {
      // Not UTF-8: the rest only needs the NUL search.
      result.utf8 = false;
      const void* zero = std::memchr(p + i, 0, n - i);
      if (zero != nullptr) result.nul = static_cast<size_t>(static_cast<const unsigned char*>(zero) - p);
      done = true;
      return i;
    }
    i += length;
  }
  return i;
}

// In blocks of 1 MB: WebAssembly engines swap baseline code for optimised code only between calls
// (see read_chunk in ratings_reader.cpp), and one call over a 100 MB file would never get it.
Scan scan(std::string_view bytes) {
  Scan result;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  bool done = false;
  for (size_t i = 0; i < n && !done;) i = scan_block(p, i, std::min(n, i + (size_t{1} << 20)), n, result, done);
  return result;
}

}  // namespace

void decode(std::string_view bytes, const std::string& source, Decoded& out) {
  if (bytes.size() >= 3 && static_cast<unsigned char>(bytes[0]) == 0xEF &&
      static_cast<unsigned char>(bytes[1]) == 0xBB && static_cast<unsigned char>(bytes[2]) == 0xBF)
    bytes.remove_prefix(3);
  out.original = bytes;
  out.storage.clear();
  out.transcoded = false;
  const Scan found = scan(bytes);
  if (found.nul != std::string_view::npos)
    throw ParseError(source, line_at(bytes, found.nul), 0, "contains a NUL byte");
  if (!found.utf8) {
    // Bytes that are not UTF-8 are taken as latin-1, in which every byte is a character, so
    // binary data would be read as text and fail later with a puzzling message. Text files do
    // not hold C0 control characters other than tab, line and page breaks: refuse those here.
    for (size_t i = 0; i < bytes.size(); ++i) {
      const auto c = static_cast<unsigned char>(bytes[i]);
      if ((c < 0x20 && (c < 0x09 || c > 0x0D)) || c == 0x7F) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", c);
        throw ParseError(source, line_at(bytes, i), 0,
                         std::string("contains the control byte ") + hex + ": not a text file");
      }
    }
    out.storage = latin1_to_utf8(bytes);
    out.transcoded = true;
  }
}

bool is_valid_utf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const size_t length = utf8_sequence(p + i, n - i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string latin1_to_utf8(std::string_view bytes) {
  size_t high = 0;
  for (char ch : bytes) high += static_cast<unsigned char>(ch) >= 0x80 ? 1 : 0;
  std::string out;
  out.reserve(bytes.size() + high);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

int64_t line_at(std::string_view bytes, size_t offset) {
  int64_t line = 1;
  const size_t end = offset < bytes.size() ? offset : bytes.size();
  for (size_t i = 0; i < end; ++i) {
    if (bytes[i] == '\n') {
      ++line;
    } else if (bytes[i] == '\r') {
      // "\r\n" counts once, at its '\n'.
      if (i + 1 >= bytes.size() || bytes[i + 1] != '\n') ++line;
    }
  }
  return line;
}

std::string_view trim(std::string_view s, bool spaces, bool tabs) {
  auto blank = [spaces, tabs](char c) { return (spaces && c == ' ') || (tabs && c == '\t'); };
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && blank(s[begin])) ++begin;
  while (end > begin && blank(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Number parse_number(std::string_view s, double& out) {
  s = trim(s);
  const size_t n = s.size();
  size_t i = 0;
  bool negative = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  {
    const std::string_view word = s.substr(i);
    if (iequals(word, "nan") || iequals(word, "inf") || iequals(word, "infinity")) return Number::not_finite;
  }

  // Mantissa: up to 19 significant digits exactly in an integer, the rest only counted.
  uint64_t mantissa = 0;
  int significant = 0;
  int64_t exponent = 0;
  bool any_digit = false;
  bool exact = true;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i) {
    any_digit = true;
    const auto digit = static_cast<uint64_t>(s[i] - '0');
    if (significant < 19) {
      mantissa = mantissa * 10 + digit;
      if (mantissa != 0) ++significant;
    } else {
      ++exponent;
      if (digit != 0) exact = false;
    }
  }
  if (i < n && s[i] == '.') {
    for (++i; i < n && s[i] >= '0' && s[i] <= '9'; ++i) {
      any_digit = true;
      const auto digit = static_cast<uint64_t>(s[i] - '0');
      if (significant < 19) {
        mantissa = mantissa * 10 + digit;
        if (mantissa != 0) ++significant;
        --exponent;
      } else if (digit != 0) {
        exact = false;
      }
    }
  }
  if (!any_digit) return Number::not_a_number;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      exponent_negative = s[i] == '-';
      ++i;
    }
    if (i >= n || s[i] < '0' || s[i] > '9') return Number::not_a_number;
    int64_t written = 0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (written < 100000) written = written * 10 + (s[i] - '0');
    }
    exponent += exponent_negative ? -written : written;
  }
  if (i != n) return Number::not_a_number;

  static const double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  double value;
  if (exact && mantissa <= (uint64_t{1} << 53) && exponent >= -22 && exponent <= 22) {
    // Both operands are exact doubles, so one multiplication or division rounds correctly.
    value = static_cast<double>(mantissa);
    if (exponent < 0) {
      value /= kPowers[-exponent];
    } else {
      value *= kPowers[exponent];
    }
    if (negative) value = -value;
  } else if (mantissa == 0) {
    value = negative ? -0.0 : 0.0;
  } else {
    // Rare (long or large-exponent numbers): the syntax was checked above, so strtod sees a
    // plain decimal number.
    const std::string copy(s);
    value = std::strtod(copy.c_str(), nullptr);
  }
  if (!std::isfinite(value)) return Number::not_finite;
  out = value;
  return Number::ok;
}

bool parse_index(std::string_view s, int32_t& out) {
  s = trim(s);
  if (s.empty() || s.size() > 9) return false;
  int32_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

std::string quoted(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return "\"" + std::string(s) + "\"";
  size_t cut = max_bytes;
  while (cut > 0 && is_continuation(static_cast<unsigned char>(s[cut]))) --cut;
  return "\"" + std::string(s.substr(0, cut)) + "...\"";
}

namespace {

// A fast hash of short byte strings, eight bytes at a time.
inline uint64_t hash_bytes(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (static_cast<uint64_t>(n) * 0xBF58476D1CE4E5B9ULL);
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t word = 0;  // (a loop, not a memcpy of variable length, which becomes a call)
    for (size_t i = 0; i < n; ++i) word |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    h = (h ^ word) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
  }
  h *= 0xBF58476D1CE4E5B9ULL;
  return h ^ (h >> 32);
}

// Equality of short ids without a call to memcmp.
inline bool same_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

}  // namespace

int32_t ViewIndex::intern(std::string_view id) {
  const auto hash = static_cast<uint32_t>(hash_bytes(id));
  if (slots_.empty()) grow();
  size_t mask = slots_.size() - 1;
  size_t slot = hash & mask;
  for (;;) {
    const int32_t entry = slots_[slot];
    if (entry == 0) break;
    const auto index = static_cast<size_t>(entry - 1);
    if (hashes_[index] == hash && same_bytes(keys_[index], id)) return entry - 1;
    slot = (slot + 1) & mask;
  }
  const auto index = static_cast<int32_t>(keys_.size());
  if (keys_.size() >= 0x7FFFFFFEu) throw TooManyIds();
  const std::less_equal<const char*> before_or_at;
  const bool inside = before_or_at(stable_.data(), id.data()) &&
                      before_or_at(id.data() + id.size(), stable_.data() + stable_.size());
  if (!inside) {
    copies_.emplace_back(id);
    id = copies_.back();
  }
  keys_.push_back(id);
  hashes_.push_back(hash);
  slots_[slot] = index + 1;
  if (keys_.size() * 2 > slots_.size()) grow();
  return index;
}

void ViewIndex::grow() {
  const size_t size = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(size, 0);
  const size_t mask = size - 1;
  for (size_t index = 0; index < keys_.size(); ++index) {
    size_t slot = hashes_[index] & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = static_cast<int32_t>(index + 1);
  }
}

}  // namespace text
}  // namespace cofi
