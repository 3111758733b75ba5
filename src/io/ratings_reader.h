// Reads ratings from delimited text (CSV, TSV, MovieLens formats) into a Dataset.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "data/dataset.h"
#include "io/parse_error.h"

namespace cofi {

struct ReadOptions {
  // "" detects among "," "\t" ";" "|" "::"; otherwise the delimiter to use (any non-empty string
  // without quote or newline characters; "\\t" and "tab" mean a tab).
  std::string delimiter;
  // -1 detects (a first row whose rating field is not a number is a header), 0 none, 1 present.
  int header = -1;
  // Column selectors: "" chooses automatically (by header name, else user 0, item 1, rating 2);
  // otherwise a 0-based index ("2") or a header name (case-insensitive). rating_column "none"
  // forces implicit feedback.
  std::string user_column;
  std::string item_column;
  std::string rating_column;
  // When true, bad rows are skipped and reported instead of stopping the read.
  bool skip_bad_rows = false;
};

struct ReadReport {
  std::string source;
  std::string delimiter;        // the delimiter used
  std::string encoding;         // "utf-8", or "latin-1" when the bytes were not valid UTF-8
  bool header = false;
  std::vector<std::string> header_names;  // empty without a header
  int32_t user_column = 0;      // 0-based
  int32_t item_column = 1;
  int32_t rating_column = 2;    // -1 for implicit feedback
  bool implicit = false;
  int64_t rows = 0;             // data rows accepted (before duplicates were merged)
  int64_t duplicates = 0;       // rows that repeated an earlier (user, item) pair; the last value won
  int64_t skipped = 0;          // bad rows skipped (skip_bad_rows)
  std::vector<int64_t> skipped_lines;       // the first 20 skipped rows' line numbers
  std::vector<std::string> skipped_errors;  // and their messages ("<source>:<line>: <problem>")
};

struct ReadResult {
  Dataset data;
  ReadReport report;
};

// Parses `text` (bytes: UTF-8, or latin-1 which is transcoded; a UTF-8 BOM is ignored).
// `source` names the input in errors. Throws ParseError on bad input (unless skipped), on an empty
// input, and on a header without rows.
ReadResult read_ratings(std::string_view text, const std::string& source, const ReadOptions& options = {});

}  // namespace cofi
