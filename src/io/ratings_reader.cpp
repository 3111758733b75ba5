// read_ratings: one pass of the tokenizer over the (decoded) text. Fields are views into the
// text; ids are numbered in text::ViewIndex tables without copying and handed to the IdMaps
// once per distinct id at the end, so the hot loop does not allocate per field or per row.
#include "io/ratings_reader.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "io/csv.h"
#include "io/text.h"
#include "util/memory.h"

namespace cofi {

namespace {

const char* const kUserNames[] = {"user", "userid", "user_id", "users", "uid", "user id", "customer", "customer_id"};
const char* const kItemNames[] = {"item",    "itemid",     "item_id",   "movieid", "movie_id",
                                  "movie",   "product",    "product_id", "productid", "iid",
                                  "item id", "isbn",       "asin",      "track",   "track_id"};
const char* const kRatingNames[] = {"rating", "ratings", "score", "value", "stars", "preference", "rate"};

enum Role { kUser = 0, kItem = 1, kRating = 2 };
const char* const kRoleNames[] = {"user", "item", "rating"};

bool known_name(std::string_view name, int role) {
  switch (role) {
    case kUser: return csv::name_in(name, kUserNames, sizeof kUserNames / sizeof kUserNames[0]);
    case kItem: return csv::name_in(name, kItemNames, sizeof kItemNames / sizeof kItemNames[0]);
    default: return csv::name_in(name, kRatingNames, sizeof kRatingNames / sizeof kRatingNames[0]);
  }
}

// A column option that names a column (not empty, not an index, not "none").
bool is_name_option(const std::string& option) {
  int32_t index;
  return !option.empty() && !text::parse_index(option, index) && !text::iequals(option, "none");
}

std::string join(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  return out;
}

// Chooses the user, item and (unless implicit) rating columns: options first (index, or a
// header name), then header names, then the lowest free index (so 0, 1, 2 without a header).
// Returns false with `error` set when an option cannot be satisfied.
bool resolve_columns(const ReadOptions& options, const std::vector<std::string_view>* header, bool implicit,
                     int32_t columns[3], std::string& error) {
  const std::string* chosen[3] = {&options.user_column, &options.item_column, &options.rating_column};
  const int roles = implicit ? 2 : 3;
  columns[0] = columns[1] = columns[2] = -1;
  for (int r = 0; r < roles; ++r) {
    const std::string& option = *chosen[r];
    if (option.empty()) continue;
    int32_t index;
    if (text::parse_index(option, index)) {
      columns[r] = index;
      continue;
    }
    if (header == nullptr) {
      error = std::string("the ") + kRoleNames[r] + " column " + text::quoted(option) +
              " is a name, but the file has no header (give a 0-based column index)";
      return false;
    }
    for (size_t i = 0; i < header->size() && columns[r] < 0; ++i)
      if (text::iequals((*header)[i], option)) columns[r] = static_cast<int32_t>(i);
    if (columns[r] < 0) {
      error = std::string("no ") + kRoleNames[r] + " column named " + text::quoted(option) + " in the header (" +
              join(*header) + ")";
      return false;
    }
  }
  auto taken = [&columns](int32_t index) { return columns[0] == index || columns[1] == index || columns[2] == index; };
  if (header != nullptr) {
    for (int r = 0; r < roles; ++r) {
      for (size_t i = 0; i < header->size() && columns[r] < 0; ++i) {
        const auto index = static_cast<int32_t>(i);
        if (!taken(index) && known_name((*header)[i], r)) columns[r] = index;
      }
    }
  }
  for (int r = 0; r < roles; ++r) {
    if (columns[r] >= 0) continue;
    int32_t index = 0;
    while (taken(index)) ++index;
    columns[r] = index;
  }
  for (int a = 0; a < roles; ++a) {
    for (int b = a + 1; b < roles; ++b) {
      if (columns[a] == columns[b]) {
        error = std::string("the ") + kRoleNames[a] + " and " + kRoleNames[b] + " columns are the same (column " +
                std::to_string(columns[a] + 1) + ")";
        return false;
      }
    }
  }
  return true;
}

// header = -1: is the first row a header?
bool looks_like_header(const ReadOptions& options, const std::vector<std::string_view>& first, bool implicit) {
  for (const std::string* option : {&options.user_column, &options.item_column, &options.rating_column}) {
    if (!is_name_option(*option)) continue;
    for (std::string_view field : first)
      if (text::iequals(field, *option)) return true;
  }
  if (implicit) {
    for (std::string_view field : first)
      if (known_name(field, kUser) || known_name(field, kItem) || known_name(field, kRating)) return true;
    return false;
  }
  // The rating field, with the columns chosen as if the row were a header, is not a number.
  // (An option naming a column this row lacks is set aside: the names may still be a header.)
  int32_t columns[3];
  std::string ignored;
  if (!resolve_columns(options, &first, false, columns, ignored)) {
    ReadOptions by_index = options;
    for (std::string* option : {&by_index.user_column, &by_index.item_column, &by_index.rating_column})
      if (is_name_option(*option)) option->clear();
    if (!resolve_columns(by_index, &first, false, columns, ignored)) return false;
  }
  if (static_cast<size_t>(columns[kRating]) >= first.size()) return false;
  double value;
  return text::parse_number(first[static_cast<size_t>(columns[kRating])], value) != text::Number::ok;
}

// Calls take(row) for up to max_rows rows, reading the next row after each; false at the end of
// the text. The rows loop runs in chunks because WebAssembly engines start a function in baseline
// code and swap in optimised code only between calls (there is no on-stack replacement): read in
// one call, a large file would be parsed by baseline code from start to end (V8: about 5x slower).
template <typename Take>
[[gnu::noinline]] bool read_chunk(csv::Tokenizer& tokenizer, csv::Row& row, int max_rows, Take& take) {
  for (int n = 0; n < max_rows; ++n) {
    take(row);
    if (!tokenizer.next(row)) return false;
  }
  return true;
}

}  // namespace

ReadResult read_ratings(std::string_view bytes, const std::string& source, const ReadOptions& options) {
  text::Decoded decoded;
  text::decode(bytes, source, decoded);
  const std::string_view body = decoded.text();

  ReadReport report;
  report.source = source;
  report.encoding = decoded.encoding();
  report.delimiter = csv::choose_delimiter(body, options.delimiter, source);

  csv::Tokenizer tokenizer(body, report.delimiter, source);
  csv::Row row;
  if (!tokenizer.next(row)) throw ParseError(source, 0, 0, "the file is empty");

  const bool implicit =
      text::iequals(options.rating_column, "none") || (options.rating_column.empty() && row.fields.size() == 2);
  report.implicit = implicit;
  report.header = options.header > 0 || (options.header < 0 && looks_like_header(options, row.fields, implicit));

  int32_t columns[3];
  std::string error;
  if (report.header) {
    const int64_t header_line = row.line;
    if (!resolve_columns(options, &row.fields, implicit, columns, error))
      throw ParseError(source, header_line, 0, error);
    report.header_names.assign(row.fields.begin(), row.fields.end());
    if (!tokenizer.next(row)) throw ParseError(source, 0, 0, "the file has a header but no ratings");
  } else if (!resolve_columns(options, nullptr, implicit, columns, error)) {
    throw ParseError(source, 0, 0, error);
  }
  report.user_column = columns[kUser];
  report.item_column = columns[kItem];
  report.rating_column = implicit ? -1 : columns[kRating];
  const auto user_column = static_cast<size_t>(columns[kUser]);
  const auto item_column = static_cast<size_t>(columns[kItem]);
  const auto rating_column = static_cast<size_t>(implicit ? 0 : columns[kRating]);
  const size_t needed = 1 + std::max({user_column, item_column, implicit ? size_t{0} : rating_column});

  // A bad row (too few fields, an empty id, a bad rating): thrown, or skipped and reported.
  // An unclosed quote is never skipped: the tokenizer throws, since the quoted field would run
  // to the end of the file and there is no row boundary left to resume from.
  auto bad = [&](int64_t line, size_t column, const std::string& problem) {
    if (!options.skip_bad_rows) throw ParseError(source, line, static_cast<int32_t>(column), problem);
    ++report.skipped;
    if (report.skipped_lines.size() < 20) {
      report.skipped_lines.push_back(line);
      report.skipped_errors.push_back(source + ":" + std::to_string(line) + ": " + problem);
    }
  };

  text::ViewIndex users(body);
  text::ViewIndex items(body);
  std::vector<Rating> ratings;
  std::string last_user;  // consecutive rows often share a user (files sorted by user)
  int32_t last_user_index = -1;
  const size_t start = tokenizer.consumed();
  // One row: stored, or reported as bad (`return` moves on to the next row).
  auto take = [&](const csv::Row& row) {
      const std::vector<std::string_view>& fields = row.fields;
      if (fields.size() < needed) {
        bad(row.line, 0, "expected at least " + std::to_string(needed) + " fields, found " + std::to_string(fields.size()));
        return;
      }
      const std::string_view user = fields[user_column];
      if (user.empty()) {
        bad(row.line, user_column + 1, "empty user id");
        return;
      }
      const std::string_view item = fields[item_column];
      if (item.empty()) {
        bad(row.line, item_column + 1, "empty item id");
        return;
      }
      float value = 1.0f;
      if (!implicit) {
        const std::string_view field = fields[rating_column];
        double parsed = 0.0;
        const text::Number status = text::parse_number(field, parsed);
        if (status == text::Number::not_a_number) {
          bad(row.line, rating_column + 1, "rating " + text::quoted(field) + " is not a number");
          return;
        }
        value = static_cast<float>(parsed);
        if (status == text::Number::not_finite || !std::isfinite(value)) {
          bad(row.line, rating_column + 1, "rating " + text::quoted(field) + " is not a finite number");
          return;
        }
      }
      int32_t user_index = last_user_index;
      if (user_index < 0 || user != last_user) {
        user_index = users.intern(user);
        last_user.assign(user.data(), user.size());
        last_user_index = user_index;
      }
      const int32_t item_index = items.intern(item);
      if (ratings.size() == kMaxRatings)
        throw ParseError(source, row.line, 0, "more than " + std::to_string(kMaxRatings) + " ratings, the most a data set holds");
      ratings.push_back({user_index, item_index, value});
      if (ratings.size() == 1024) {
        // Reserve for the rest of the text at the bytes per row seen since the first (plus 5%),
        // after checking that the ratings and the data set built from them fit in memory.
        const size_t used = tokenizer.consumed() - start;
        if (used > 0) {
          const double per_row = static_cast<double>(used) / 1023.0;
          const double remaining = static_cast<double>(body.size() - tokenizer.consumed()) / per_row;
          const auto expected = static_cast<uint64_t>(1024 + remaining * 1.05);
          require_memory(add_saturating(mul_saturating(expected, sizeof(Rating)),
                                        dataset_build_bytes(expected, users.keys().size(), items.keys().size())),
                         source, "about " + std::to_string(expected) + " ratings");
          ratings.reserve(static_cast<size_t>(std::min<uint64_t>(expected, kMaxRatings)));
        }
      }
  };
  try {
    while (read_chunk(tokenizer, row, 4096, take)) {
    }
  } catch (const text::TooManyIds& e) {
    throw ParseError(source, row.line, 0, e.what());
  }

  if (ratings.empty())
    throw ParseError(source, 0, 0, "no valid ratings (" + std::to_string(report.skipped) + " rows skipped)");
  report.rows = static_cast<int64_t>(ratings.size());
  require_memory(dataset_build_bytes(ratings.size(), users.keys().size(), items.keys().size()), source,
                 std::to_string(ratings.size()) + " ratings");
  IdMap user_ids;
  IdMap item_ids;
  for (std::string_view id : users.keys()) user_ids.intern(id);
  for (std::string_view id : items.keys()) item_ids.intern(id);
  Dataset data(std::move(user_ids), std::move(item_ids), ratings, implicit);
  report.duplicates = data.duplicates();
  return ReadResult{std::move(data), std::move(report)};
}

}  // namespace cofi
