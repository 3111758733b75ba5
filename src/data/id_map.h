// Maps external ids (any UTF-8 string, kept byte for byte) to dense indices 0..n-1 and back.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cofi {

class IdMap {
 public:
  // Returns the index of `id`, adding it (as the next index) when it is new.
  int32_t intern(std::string_view id);
  // Returns the index of `id`, or -1 when it was never interned.
  int32_t find(std::string_view id) const;
  const std::string& id(int32_t index) const { return ids_[static_cast<size_t>(index)]; }
  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  const std::vector<std::string>& ids() const { return ids_; }
  // Approximate heap bytes held, for the memory figures the tools print.
  size_t memory_bytes() const;

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, int32_t> index_;
};

}  // namespace cofi
