#include "util/memory.h"

#include <cstdio>
#include <utility>

namespace cofi {

namespace {
MemoryLimit& current() {
  static MemoryLimit limit;
  return limit;
}
}  // namespace

void set_memory_limit(MemoryLimit limit) { current() = std::move(limit); }

const MemoryLimit& memory_limit() { return current(); }

uint64_t free_memory_bytes() {
  const MemoryLimit& limit = current();
  if (limit.max_bytes == 0) return std::numeric_limits<uint64_t>::max();
  const uint64_t used = limit.used_bytes ? limit.used_bytes() : 0;
  return used >= limit.max_bytes ? 0 : limit.max_bytes - used;
}

void require_memory(uint64_t needed, const std::string& who, const std::string& what) {
  const MemoryLimit& limit = current();
  if (limit.max_bytes == 0) return;
  const uint64_t available = free_memory_bytes();
  if (needed <= available) return;
  throw MemoryLimitError(who + ": needs about " + format_bytes(needed) + " of memory for " + what +
                         "; cofi can use at most " + format_bytes(limit.max_bytes) + " (" + format_bytes(available) +
                         " free)");
}

std::string format_bytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  static const char* const kUnits[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
  double value = static_cast<double>(bytes) / 1024.0;
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < sizeof kUnits / sizeof kUnits[0]) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

}  // namespace cofi
