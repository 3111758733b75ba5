// A small JSON reader for the files cofi imports (Spark's factor exports and model metadata): the
// whole grammar (objects, arrays, strings with escapes, numbers, true/false/null), nesting capped
// so hostile input cannot exhaust the stack. Errors are ParseErrors with the line of the problem.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cofi {

struct JsonValue {
  enum class Kind { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0.0;
  std::string text;                          // a string's value, or a number's source text
  std::vector<JsonValue> items;              // an array's elements
  std::map<std::string, JsonValue> members;  // an object's members (a repeated key keeps the last)

  bool is_object() const { return kind == Kind::object; }
  bool is_array() const { return kind == Kind::array; }
  bool is_number() const { return kind == Kind::number; }
  bool is_string() const { return kind == Kind::string; }
  // The member `key` of an object, or nullptr.
  const JsonValue* find(const std::string& key) const;
};

// Parses one JSON document (surrounding whitespace allowed). `first_line` numbers the text's first
// line, for documents that are one line of a larger file (JSON lines).
JsonValue parse_json(std::string_view text, const std::string& source, int64_t first_line = 1);

}  // namespace cofi
