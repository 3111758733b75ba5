#include "data/id_map.h"

#include <limits>
#include <stdexcept>

namespace cofi {

int32_t IdMap::intern(std::string_view id) {
  std::string key(id);
  auto found = index_.find(key);
  if (found != index_.end()) return found->second;
  if (ids_.size() >= static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw std::length_error("more than 2^31-1 distinct ids");
  const auto index = static_cast<int32_t>(ids_.size());
  ids_.push_back(key);
  index_.emplace(std::move(key), index);
  return index;
}

int32_t IdMap::find(std::string_view id) const {
  auto found = index_.find(std::string(id));
  return found == index_.end() ? -1 : found->second;
}

size_t IdMap::memory_bytes() const {
  size_t bytes = ids_.capacity() * sizeof(std::string);
  for (const auto& s : ids_) bytes += 2 * (s.size() > 15 ? s.capacity() : 0);
  // An unordered_map node holds the key, the value and a next pointer; buckets hold one pointer each.
  bytes += index_.size() * (sizeof(std::string) + sizeof(int32_t) + 2 * sizeof(void*));
  bytes += index_.bucket_count() * sizeof(void*);
  return bytes;
}

}  // namespace cofi
