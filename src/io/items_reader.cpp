#include "io/items_reader.h"

#include <algorithm>
#include <utility>

#include "io/csv.h"
#include "io/text.h"

namespace cofi {

namespace {

const char* const kIdNames[] = {"item",    "item_id", "itemid", "movieid", "movie_id", "movie",
                                "id",      "product", "product_id", "productid", "iid", "item id",
                                "isbn",    "asin",    "track",     "track_id"};
const char* const kTitleNames[] = {"title", "name", "movie_title", "item_name", "product_name", "track_name"};

bool is_id_name(std::string_view name) { return csv::name_in(name, kIdNames, sizeof kIdNames / sizeof kIdNames[0]); }
bool is_title_name(std::string_view name) {
  return csv::name_in(name, kTitleNames, sizeof kTitleNames / sizeof kTitleNames[0]);
}

bool is_name_option(const std::string& option) {
  int32_t index;
  return !option.empty() && !text::parse_index(option, index);
}

// A column chosen by option: -1 when the option is empty, else its index (a number, or a header
// name). Throws when a name is not in the header or there is no header.
int32_t option_column(const std::string& option, const char* role, const std::vector<std::string_view>* header,
                      int64_t header_line, const std::string& source) {
  if (option.empty()) return -1;
  int32_t index;
  if (text::parse_index(option, index)) return index;
  if (header == nullptr) {
    throw ParseError(source, 0, 0,
                     std::string("the ") + role + " column " + text::quoted(option) +
                         " is a name, but the file has no header (give a 0-based column index)");
  }
  for (size_t i = 0; i < header->size(); ++i)
    if (text::iequals((*header)[i], option)) return static_cast<int32_t>(i);
  std::string names;
  for (size_t i = 0; i < header->size(); ++i) names += (i > 0 ? ", " : "") + std::string((*header)[i]);
  throw ParseError(source, header_line, 0,
                   std::string("no ") + role + " column named " + text::quoted(option) + " in the header (" + names + ")");
}

}  // namespace

const std::string* ItemTable::title(std::string_view id) const {
  const int32_t index = ids.find(id);
  return index < 0 ? nullptr : &titles[static_cast<size_t>(index)];
}

ItemTable read_items(std::string_view bytes, const std::string& source, const ItemsReadOptions& options) {
  text::Decoded decoded;
  text::decode(bytes, source, decoded);
  const std::string_view body = decoded.text();

  ItemTable table;
  table.source = source;
  table.encoding = decoded.encoding();
  table.delimiter = csv::choose_delimiter(body, options.delimiter, source);

  csv::Tokenizer tokenizer(body, table.delimiter, source);
  csv::Row row;
  if (!tokenizer.next(row)) throw ParseError(source, 0, 0, "the file is empty");

  if (options.header >= 0) {
    table.header = options.header > 0;
  } else {
    // A header names an id or title column (or a column the options ask for by name).
    for (std::string_view field : row.fields) {
      if (is_id_name(field) || is_title_name(field) ||
          (is_name_option(options.id_column) && text::iequals(field, options.id_column)) ||
          (is_name_option(options.title_column) && text::iequals(field, options.title_column)))
        table.header = true;
    }
  }

  const size_t width = row.fields.size();
  const std::vector<std::string_view>* header = table.header ? &row.fields : nullptr;
  const int64_t header_line = row.line;
  int32_t id_column = option_column(options.id_column, "id", header, header_line, source);
  int32_t title_column = option_column(options.title_column, "title", header, header_line, source);
  if (header != nullptr) {
    for (size_t i = 0; i < width && id_column < 0; ++i)
      if (is_id_name(row.fields[i]) && static_cast<int32_t>(i) != title_column) id_column = static_cast<int32_t>(i);
    for (size_t i = 0; i < width && title_column < 0; ++i)
      if (is_title_name(row.fields[i]) && static_cast<int32_t>(i) != id_column) title_column = static_cast<int32_t>(i);
  }
  if (id_column < 0) id_column = title_column == 0 ? 1 : 0;
  if (title_column < 0) {
    // One column: the id is its own title. Otherwise column 1 (column 0 when the id is column 1).
    if (width == 1) {
      title_column = id_column;
    } else {
      title_column = id_column == 1 ? 0 : 1;
    }
  }
  table.id_column = id_column;
  table.title_column = title_column;

  if (table.header) {
    table.columns.assign(row.fields.begin(), row.fields.end());
    if (!tokenizer.next(row)) throw ParseError(source, 0, 0, "the file has a header but no items");
  } else {
    for (size_t i = 0; i < width; ++i) table.columns.push_back("column " + std::to_string(i + 1));
  }

  const auto id_at = static_cast<size_t>(id_column);
  const auto title_at = static_cast<size_t>(title_column);
  const size_t needed = 1 + std::max(id_at, title_at);
  std::vector<int64_t> first_line;  // by item index, for repeated-id errors
  do {
    const std::vector<std::string_view>& fields = row.fields;
    if (fields.size() < needed) {
      throw ParseError(source, row.line, 0,
                       "expected at least " + std::to_string(needed) + " fields, found " + std::to_string(fields.size()));
    }
    const std::string_view id = fields[id_at];
    if (id.empty()) throw ParseError(source, row.line, id_column + 1, "empty item id");
    const int32_t before = table.ids.size();
    const int32_t index = table.ids.intern(id);
    if (index < before) {
      throw ParseError(source, row.line, id_column + 1,
                       "item id " + text::quoted(id) + " repeated (first on line " +
                           std::to_string(first_line[static_cast<size_t>(index)]) + ")");
    }
    first_line.push_back(row.line);
    table.titles.emplace_back(fields[title_at]);
    table.fields.emplace_back(fields.begin(), fields.end());
    while (table.columns.size() < fields.size()) table.columns.push_back("column " + std::to_string(table.columns.size() + 1));
  } while (tokenizer.next(row));
  return table;
}

}  // namespace cofi
