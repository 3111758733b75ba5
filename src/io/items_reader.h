// Reads an items file (item id, title, optional further columns such as genres), for example
// MovieLens' movies.csv (header, comma, quoted titles) or u.item ('|', no header, latin-1).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "data/id_map.h"
#include "io/parse_error.h"

namespace cofi {

struct ItemsReadOptions {
  std::string delimiter;    // "" detects, as for ratings
  int header = -1;          // -1 detects (a header row names an id or title column), 0 none, 1 present
  std::string id_column;    // "" = by name (item, item_id, itemId, movieId, id, ...) else 0
  std::string title_column; // "" = by name (title, name) else 1
};

struct ItemTable {
  std::string source;
  std::string delimiter;
  std::string encoding;                   // "utf-8" or "latin-1"
  bool header = false;
  std::vector<std::string> columns;       // every column's name (header names, or "column N")
  int32_t id_column = 0;
  int32_t title_column = 1;
  IdMap ids;                              // item ids in file order
  std::vector<std::string> titles;        // by index in `ids`
  std::vector<std::vector<std::string>> fields;  // by index in `ids`: every column's raw text

  // The title of an item id, or nullptr when the table does not have it.
  const std::string* title(std::string_view id) const;
};

// Throws ParseError on bad input (an empty file, a row without the id column, a repeated id).
ItemTable read_items(std::string_view text, const std::string& source, const ItemsReadOptions& options = {});

}  // namespace cofi
