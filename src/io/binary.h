// Little-endian binary writing and bounds-checked reading, for model files (docs/model-format.md).
// The reader never reads outside its buffer and checks every declared count against the bytes
// that remain before allocating, so a truncated or hostile file is refused with a ParseError,
// never a crash, and no allocation is larger than a small multiple of the bytes actually present.
//
// For read_state implementations: a state must not be trusted to agree with the training set.
// Read arrays whose length follows from the training set with vec(expected, what), which refuses
// any other length, and check every other size or index against the training set (fail() says
// what is wrong and where) before using it.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "io/parse_error.h"

namespace cofi {

// Fixed-width little-endian encoding of one value at p (no bounds check: callers check first).
// Inline and unable to throw, so array loops stay plain loops in WASM too (with -fexceptions,
// every call that may throw from a function with destructors goes through a slow JS trampoline).
namespace little_endian {

template <typename U>
inline void store_bits(char* p, U v) {
  for (size_t k = 0; k < sizeof(U); ++k) p[k] = static_cast<char>((v >> (8 * k)) & 0xFF);
}
template <typename U>
inline U load_bits(const char* p) {
  U v = 0;
  for (size_t k = 0; k < sizeof(U); ++k) v |= static_cast<U>(static_cast<uint8_t>(p[k])) << (8 * k);
  return v;
}
inline void store(char* p, uint8_t v) { p[0] = static_cast<char>(v); }
inline void store(char* p, uint16_t v) { store_bits(p, v); }
inline void store(char* p, uint32_t v) { store_bits(p, v); }
inline void store(char* p, uint64_t v) { store_bits(p, v); }
inline void store(char* p, int32_t v) { store_bits(p, static_cast<uint32_t>(v)); }
inline void store(char* p, int64_t v) { store_bits(p, static_cast<uint64_t>(v)); }
inline void store(char* p, float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  store_bits(p, bits);
}
inline void store(char* p, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  store_bits(p, bits);
}
inline void load(const char* p, uint8_t& v) { v = static_cast<uint8_t>(p[0]); }
inline void load(const char* p, uint16_t& v) { v = load_bits<uint16_t>(p); }
inline void load(const char* p, uint32_t& v) { v = load_bits<uint32_t>(p); }
inline void load(const char* p, uint64_t& v) { v = load_bits<uint64_t>(p); }
inline void load(const char* p, int32_t& v) { v = static_cast<int32_t>(load_bits<uint32_t>(p)); }
inline void load(const char* p, int64_t& v) { v = static_cast<int64_t>(load_bits<uint64_t>(p)); }
inline void load(const char* p, float& v) {
  const uint32_t bits = load_bits<uint32_t>(p);
  std::memcpy(&v, &bits, 4);
}
inline void load(const char* p, double& v) {
  const uint64_t bits = load_bits<uint64_t>(p);
  std::memcpy(&v, &bits, 8);
}

}  // namespace little_endian

class BinaryWriter {
 public:
  void u8(uint8_t v) { put(v); }
  void u32(uint32_t v) { put(v); }
  void u64(uint64_t v) { put(v); }
  void i32(int32_t v) { put(v); }
  void i64(int64_t v) { put(v); }
  void f32(float v) { put(v); }
  void f64(double v) { put(v); }
  void str(std::string_view s) {
    u64(s.size());
    bytes_.append(s.data(), s.size());
  }
  void raw(std::string_view s) { bytes_.append(s.data(), s.size()); }
  // An array: its u64 element count, then the elements (float, double, int32_t, int64_t, uint8_t, uint16_t, uint32_t).
  template <typename T>
  void vec(const std::vector<T>& v) {
    u64(v.size());
    char* p = grow(v.size() * sizeof(T));
    for (size_t k = 0; k < v.size(); ++k) little_endian::store(p + k * sizeof(T), v[k]);
  }
  // Appends n bytes (zero) and returns where they start, for writing many values at once with
  // little_endian::store; valid until the next write.
  char* grow(size_t n) {
    const size_t at = bytes_.size();
    bytes_.resize(at + n);
    return &bytes_[0] + at;
  }
  // Room for n more bytes, so that writing a large state does not reallocate as it grows.
  void reserve(size_t n) { bytes_.reserve(bytes_.size() + n); }
  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

 private:
  template <typename T>
  void put(T v) {
    char little[sizeof(T)];
    little_endian::store(little, v);
    bytes_.append(little, sizeof(T));
  }
  std::string bytes_;
};

class BinaryReader {
 public:
  // `offset` is where `bytes` start in the file, so that errors give file offsets.
  BinaryReader(std::string_view bytes, std::string source, uint64_t offset = 0)
      : data_(bytes), source_(std::move(source)), offset_(offset) {}

  uint8_t u8() { return get<uint8_t>("a byte"); }
  uint32_t u32() { return get<uint32_t>("a 32-bit number"); }
  uint64_t u64() { return get<uint64_t>("a 64-bit number"); }
  int32_t i32() { return get<int32_t>("a 32-bit number"); }
  int64_t i64() { return get<int64_t>("a 64-bit number"); }
  float f32() { return get<float>("a 32-bit number"); }
  double f64() { return get<double>("a 64-bit number"); }
  // A string: a u64 byte count, then the bytes (any bytes; ids are kept as they were read).
  std::string str() {
    const size_t at = pos_;
    const uint64_t n = u64();
    if (n > remaining()) {
      const size_t left = remaining();
      pos_ = at;
      fail("a string of " + std::to_string(n) + " bytes runs past the end of " + region_ + " (" + std::to_string(left) +
           " bytes follow)");
    }
    std::string s(data_.substr(pos_, static_cast<size_t>(n)));
    pos_ += static_cast<size_t>(n);
    return s;
  }
  std::string_view raw(size_t n) {
    need(n, "data");
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  // An array written by BinaryWriter::vec: a u64 element count, then the elements.
  template <typename T>
  std::vector<T> vec() {
    const uint64_t n = count(sizeof(T), "an array");  // checked: n * sizeof(T) bytes are present
    std::vector<T> v(static_cast<size_t>(n));
    const char* p = data_.data() + pos_;
    for (size_t k = 0; k < v.size(); ++k) little_endian::load(p + k * sizeof(T), v[k]);
    pos_ += v.size() * sizeof(T);
    return v;
  }
  // The same, for an array whose length the reader already knows (e.g. num_users * factors):
  // any other declared length is refused, naming `what`.
  template <typename T>
  std::vector<T> vec(uint64_t expected, const char* what) {
    const size_t at = pos_;
    const uint64_t n = u64();
    if (n != expected) {
      pos_ = at;
      fail(std::string(what) + " holds " + std::to_string(n) + " values where " + std::to_string(expected) +
           " are expected");
    }
    pos_ = at;
    return vec<T>();
  }
  // Reads a count of elements of `element_size` bytes each and checks that they can be present.
  uint64_t count(size_t element_size, const char* what) {
    const size_t at = pos_;
    const uint64_t n = u64();
    const size_t left = remaining();
    if (element_size > 0 && n > left / element_size) {
      pos_ = at;
      fail(std::string(what) + " declares " + std::to_string(n) + " entries of " + std::to_string(element_size) +
           "+ bytes each, but only " + std::to_string(left) + " bytes follow in " + region_);
    }
    return n;
  }
  // The next n bytes as a reader of their own (a section with a declared length): the section's
  // reader cannot read past its end, and this reader moves past it.
  // `what` names the section in errors ("the file ends..." becomes "<what> ends...").
  BinaryReader section(uint64_t n, const std::string& what) {
    if (n > remaining())
      fail(what + " declares " + std::to_string(n) + " bytes but only " + std::to_string(remaining()) + " follow");
    BinaryReader inner(data_.substr(pos_, static_cast<size_t>(n)), source_, offset_ + pos_);
    inner.region_ = what;
    pos_ += static_cast<size_t>(n);
    return inner;
  }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  // The bytes already read from position `from` (as position() counts) up to here.
  std::string_view read_since(size_t from) const { return data_.substr(from, pos_ - from); }
  const std::string& source() const { return source_; }
  // Throws ParseError naming the source, the problem and the file offset.
  [[noreturn]] void fail(const std::string& problem) const { fail_at(pos_, problem); }
  // The same for a problem at `position` (as position() counts), e.g. in bytes read with raw().
  [[noreturn]] void fail_at(size_t position, const std::string& problem) const {
    throw ParseError(source_, 0, 0, problem + " (at byte " + std::to_string(offset_ + position) + ")");
  }

 private:
  void need(size_t n, const char* what) {
    if (n > remaining()) fail(region_ + " ends in the middle of " + what);
  }
  template <typename U>
  U get(const char* what) {
    need(sizeof(U), what);
    U v;
    little_endian::load(data_.data() + pos_, v);
    pos_ += sizeof(U);
    return v;
  }
  std::string_view data_;
  std::string source_;
  uint64_t offset_ = 0;
  std::string region_ = "the file";
  size_t pos_ = 0;
};

}  // namespace cofi
