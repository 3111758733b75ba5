// Little-endian binary writing and bounds-checked reading, for model files. The reader never
// reads outside its buffer and checks every declared count against the bytes that remain before
// allocating, so a truncated or hostile file is refused with a ParseError, never a crash.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "io/parse_error.h"

namespace cofi {

class BinaryWriter {
 public:
  void u8(uint8_t v) { bytes_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { put(v); }
  void u64(uint64_t v) { put(v); }
  void i32(int32_t v) { put(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { put(static_cast<uint64_t>(v)); }
  void f32(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    put(bits);
  }
  void f64(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, 8);
    put(bits);
  }
  void str(std::string_view s) {
    u64(s.size());
    bytes_.append(s.data(), s.size());
  }
  void raw(std::string_view s) { bytes_.append(s.data(), s.size()); }
  template <typename T>
  void vec(const std::vector<T>& v) {
    u64(v.size());
    for (const T& x : v) one(x);
  }
  const std::string& bytes() const { return bytes_; }
  std::string take() { return std::move(bytes_); }

 private:
  template <typename U>
  void put(U v) {
    for (size_t k = 0; k < sizeof(U); ++k) bytes_.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
  }
  void one(float x) { f32(x); }
  void one(double x) { f64(x); }
  void one(int32_t x) { i32(x); }
  void one(int64_t x) { i64(x); }
  void one(uint8_t x) { u8(x); }
  std::string bytes_;
};

class BinaryReader {
 public:
  BinaryReader(std::string_view bytes, std::string source) : data_(bytes), source_(std::move(source)) {}

  uint8_t u8() { need(1, "a byte"); return static_cast<uint8_t>(data_[pos_++]); }
  uint32_t u32() { return get<uint32_t>("a 32-bit number"); }
  uint64_t u64() { return get<uint64_t>("a 64-bit number"); }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  int64_t i64() { return static_cast<int64_t>(u64()); }
  float f32() {
    const uint32_t bits = u32();
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  double f64() {
    const uint64_t bits = u64();
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
  std::string str() {
    const uint64_t n = count(1, "a string");
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
  template <typename T>
  std::vector<T> vec() {
    const uint64_t n = count(sizeof(T), "an array");
    std::vector<T> v(static_cast<size_t>(n));
    for (auto& x : v) one(x);
    return v;
  }
  // Reads a count of elements of `element_size` bytes each and checks that they can be present.
  uint64_t count(size_t element_size, const char* what) {
    const uint64_t n = u64();
    if (element_size > 0 && n > remaining() / element_size)
      fail(std::string(what) + " of " + std::to_string(n) + " elements is longer than the file");
    return n;
  }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  [[noreturn]] void fail(const std::string& problem) const {
    throw ParseError(source_, 0, 0, problem + " (at byte " + std::to_string(pos_) + ")");
  }

 private:
  void need(size_t n, const char* what) {
    if (n > remaining()) fail(std::string("the file ends in the middle of ") + what);
  }
  template <typename U>
  U get(const char* what) {
    need(sizeof(U), what);
    U v = 0;
    for (size_t k = 0; k < sizeof(U); ++k) v |= static_cast<U>(static_cast<uint8_t>(data_[pos_ + k])) << (8 * k);
    pos_ += sizeof(U);
    return v;
  }
  void one(float& x) { x = f32(); }
  void one(double& x) { x = f64(); }
  void one(int32_t& x) { x = i32(); }
  void one(int64_t& x) { x = i64(); }
  void one(uint8_t& x) { x = u8(); }
  std::string_view data_;
  std::string source_;
  size_t pos_ = 0;
};

}  // namespace cofi
