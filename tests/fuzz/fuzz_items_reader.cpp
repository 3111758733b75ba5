// libFuzzer harness for read_items (see docs/fuzzing.md). The first byte chooses the options
// (delimiter, header mode, columns by index or name); the rest is the file. Every input must give
// a table whose ids, titles and fields agree, or a ParseError; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/items_reader.h"

namespace {

void expect(bool condition) {
  if (!condition) std::abort();  // an invariant broke: libFuzzer saves the input
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  static const char* const kDelimiters[] = {"", ",", "|", "::"};
  static const char* const kIdColumns[] = {"", "0", "2", "movieId"};
  cofi::ItemsReadOptions options;
  options.delimiter = kDelimiters[flags & 3];
  options.header = static_cast<int>((flags >> 2) & 3) - 1;
  options.id_column = kIdColumns[(flags >> 4) & 3];
  if (flags & 64) options.title_column = "title";
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const cofi::ItemTable table = cofi::read_items(text, "fuzz.items", options);
    expect(table.ids.size() > 0);
    expect(table.titles.size() == static_cast<size_t>(table.ids.size()));
    expect(table.fields.size() == static_cast<size_t>(table.ids.size()));
    for (int32_t i = 0; i < table.ids.size(); ++i) {
      expect(!table.ids.id(i).empty());
      expect(table.title(table.ids.id(i)) == &table.titles[static_cast<size_t>(i)]);
      expect(table.fields[static_cast<size_t>(i)].size() > static_cast<size_t>(table.id_column));
    }
  } catch (const cofi::ParseError& e) {
    expect(!e.source().empty() && !e.problem().empty());
  }
  return 0;
}
