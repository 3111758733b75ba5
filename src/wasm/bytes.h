// Copies JS bytes into C++ with one TypedArray.set instead of Embind's per-byte std::string
// conversion (which costs seconds on a 100 MB file). A JS string is taken as UTF-8 text.
#pragma once
#include <emscripten/val.h>

#include <string>

namespace cofi {

inline std::string bytes_of(const emscripten::val& input) {
  if (input.isString()) return input.as<std::string>();
  std::string bytes(input["length"].as<size_t>(), '\0');
  if (!bytes.empty()) {
    // A view made right before the copy: nothing can grow (and detach) the heap in between.
    emscripten::val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<unsigned char*>(&bytes[0])))
        .call<void>("set", input);
  }
  return bytes;
}

}  // namespace cofi
