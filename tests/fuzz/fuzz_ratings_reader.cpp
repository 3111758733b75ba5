// libFuzzer harness for read_ratings (see docs/fuzzing.md). The first byte chooses the options,
// so that forced delimiters, header modes, implicit feedback and skip_bad_rows are explored with
// the same inputs as detection; the rest is the file. Every input must give a data set that agrees
// with its report, or a ParseError: any other exception, a crash or a sanitizer report is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "io/ratings_reader.h"

namespace {

void expect(bool condition) {
  if (!condition) std::abort();  // an invariant broke: libFuzzer saves the input
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  static const char* const kDelimiters[] = {"", ",", "\t", "::"};
  cofi::ReadOptions options;
  options.delimiter = kDelimiters[flags & 3];
  options.header = static_cast<int>((flags >> 2) & 3) - 1;  // -1, 0, 1 (and 2, taken as present)
  options.skip_bad_rows = (flags & 16) != 0;
  if (flags & 32) options.rating_column = "none";
  if (flags & 64) options.user_column = "1", options.item_column = "0";
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const cofi::ReadResult result = cofi::read_ratings(text, "fuzz.csv", options);
    const cofi::Dataset& d = result.data;
    expect(d.num_ratings() > 0);
    expect(d.num_ratings() == result.report.rows - result.report.duplicates);
    expect(d.by_item().nnz() == d.num_ratings());
    expect(d.num_users() > 0 && d.num_items() > 0);
    for (const cofi::Rating& r : d.ratings()) {
      expect(r.user >= 0 && r.user < d.num_users() && r.item >= 0 && r.item < d.num_items());
      expect(std::isfinite(r.value));
    }
    expect(result.report.skipped == 0 || options.skip_bad_rows);
  } catch (const cofi::ParseError& e) {
    expect(!e.source().empty() && !e.problem().empty());
  }
  return 0;
}
