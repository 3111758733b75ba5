// read_items: u.item-like and movies.csv-like files, headers, columns, errors, and the real
// MovieLens files ([data]).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/items_reader.h"

using cofi::ItemsReadOptions;
using cofi::ItemTable;
using cofi::ParseError;
using cofi::read_items;

namespace {

std::string items_error(std::string_view text, const ItemsReadOptions& options = {}) {
  try {
    read_items(text, "movies.csv", options);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "no error";
}

std::string slurp(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return {};
  std::string bytes;
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) bytes.append(buffer, got);
  std::fclose(file);
  return bytes;
}

// The datasets folder: $COFI_DATA, else ../shared/datasets beside the repository, looked for
// from the working directory (the tests run in the build folder).
std::string find_datasets() {
  if (const char* env = std::getenv("COFI_DATA")) return env;
  for (const char* candidate : {"../shared/datasets", "../../shared/datasets", "../../../shared/datasets"}) {
    std::FILE* file = std::fopen((std::string(candidate) + "/README.md").c_str(), "rb");
    if (file != nullptr) {
      std::fclose(file);
      return candidate;
    }
  }
  return {};
}

// A u.item-like line: id|title|date||url|19 genre flags.
std::string u_item_line(const std::string& id, const std::string& title) {
  std::string line = id + "|" + title + "|01-Jan-1995||http://us.imdb.com/M/title-exact?x";
  for (int k = 0; k < 19; ++k) line += k % 5 == 0 ? "|1" : "|0";
  return line + "\n";
}

}  // namespace

TEST_CASE("reads a u.item-like file: '|', no header, latin-1", "[items]") {
  const std::string text = u_item_line("1", "Toy Story (1995)") + u_item_line("2", "GoldenEye (1995)") +
                           u_item_line("543", "Mis\xE9rables, Les (1995)") + u_item_line("267", "unknown");
  const ItemTable t = read_items(text, "u.item");
  CHECK(t.source == "u.item");
  CHECK(t.delimiter == "|");
  CHECK(t.encoding == "latin-1");
  CHECK_FALSE(t.header);
  CHECK(t.id_column == 0);
  CHECK(t.title_column == 1);
  REQUIRE(t.columns.size() == 24);
  CHECK(t.columns[0] == "column 1");
  CHECK(t.columns[23] == "column 24");
  REQUIRE(t.ids.size() == 4);
  CHECK(t.ids.id(2) == "543");
  REQUIRE(t.title("543") != nullptr);
  CHECK(*t.title("543") == "Mis\xC3\xA9rables, Les (1995)");
  CHECK(*t.title("1") == "Toy Story (1995)");
  CHECK(t.titles[3] == "unknown");
  REQUIRE(t.fields.size() == 4);
  REQUIRE(t.fields[0].size() == 24);
  CHECK(t.fields[0][2] == "01-Jan-1995");
  CHECK(t.fields[0][3].empty());
  CHECK(t.fields[0][5] == "1");
  CHECK(t.title("999") == nullptr);
}

TEST_CASE("reads a movies.csv-like file: header, quoted titles with commas", "[items]") {
  const std::string text =
      "movieId,title,genres\r\n"
      "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\r\n"
      "11,\"American President, The (1995)\",Comedy|Drama|Romance\r\n"
      "7789,\"11'09\"\"01 - September 11 (2002)\",Drama\r\n"
      "26,Othello (1995),Drama\r\n";
  const ItemTable t = read_items(text, "movies.csv");
  CHECK(t.delimiter == ",");
  CHECK(t.encoding == "utf-8");
  CHECK(t.header);
  CHECK(t.columns == std::vector<std::string>{"movieId", "title", "genres"});
  CHECK(t.id_column == 0);
  CHECK(t.title_column == 1);
  REQUIRE(t.ids.size() == 4);
  REQUIRE(t.title("11") != nullptr);
  CHECK(*t.title("11") == "American President, The (1995)");
  CHECK(*t.title("7789") == "11'09\"01 - September 11 (2002)");
  CHECK(t.fields[0][2] == "Adventure|Animation|Children|Comedy|Fantasy");
  CHECK(t.fields[1] == std::vector<std::string>{"11", "American President, The (1995)", "Comedy|Drama|Romance"});
  CHECK(t.title("Toy Story (1995)") == nullptr);
}

TEST_CASE("items: header names in another order and options", "[items]") {
  const ItemTable t = read_items("Name;Genre;Product_ID\nWidget;tools;p1\nGadget;toys;p2\n", "items.csv");
  CHECK(t.delimiter == ";");
  CHECK(t.header);
  CHECK(t.id_column == 2);
  CHECK(t.title_column == 0);
  CHECK(*t.title("p2") == "Gadget");

  ItemsReadOptions options;
  options.id_column = "code";
  options.title_column = "label";
  const ItemTable named = read_items("label,code\nAlpha,a\nBeta,b\n", "items.csv", options);
  CHECK(named.header);
  CHECK(named.id_column == 1);
  CHECK(named.title_column == 0);
  CHECK(*named.title("b") == "Beta");

  ItemsReadOptions by_index;
  by_index.id_column = "1";
  by_index.title_column = "2";
  const ItemTable indexed = read_items("x\t7\tSeven\ny\t8\tEight\n", "items.tsv", by_index);
  CHECK_FALSE(indexed.header);
  CHECK(*indexed.title("8") == "Eight");

  ItemsReadOptions no_header;
  no_header.header = 0;
  const ItemTable forced = read_items("id,title\n1,One\n", "items.csv", no_header);
  CHECK(forced.ids.size() == 2);
  CHECK(*forced.title("id") == "title");
}

TEST_CASE("items: one column is both id and title", "[items]") {
  const ItemTable t = read_items("a\nb\n", "items.txt");
  CHECK(t.ids.size() == 2);
  CHECK(t.id_column == 0);
  CHECK(t.title_column == 0);
  CHECK(*t.title("b") == "b");
  CHECK(t.columns == std::vector<std::string>{"column 1"});
}

TEST_CASE("items: MovieLens 1M movies.dat with '::'", "[items]") {
  const ItemTable t =
      read_items("1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure|Children's\n", "movies.dat");
  CHECK(t.delimiter == "::");
  CHECK(*t.title("2") == "Jumanji (1995)");
  CHECK(t.fields[1][2] == "Adventure|Children's");
}

TEST_CASE("items: errors", "[items]") {
  CHECK(items_error("movieId,title\n1,A\n5,B\n5,C\n") == "movies.csv:4: item id \"5\" repeated (first on line 3)");
  CHECK(items_error("") == "movies.csv: the file is empty");
  CHECK(items_error("movieId,title,genres\n") == "movies.csv: the file has a header but no items");
  CHECK(items_error("1|A|x\n2|B|y\n3\n4|D|z\n") == "movies.csv:3: expected at least 2 fields, found 1");
  CHECK(items_error("id,title\n1,\"A\n2,B\n") == "movies.csv:2: unclosed quote in field 2");
  CHECK(items_error("id,title\n1,A\n,B\n") == "movies.csv:3: empty item id");
  ItemsReadOptions missing;
  missing.title_column = "label";
  CHECK(items_error("id,title\n1,A\n", missing) == "movies.csv:1: no title column named \"label\" in the header (id, title)");
  // A repeated id after a multi-line title still names physical lines.
  CHECK(items_error("id,title\n1,\"A\nB\"\n2,C\n1,D\n") == "movies.csv:5: item id \"1\" repeated (first on line 2)");
}

TEST_CASE("reads the MovieLens items files", "[items][data]") {
  const std::string dir = find_datasets();
  if (dir.empty())
    FAIL("MovieLens datasets not found: set COFI_DATA or put them in ../shared/datasets beside the repository");
  INFO("datasets folder: " << dir);

  const std::string u_item = slurp(dir + "/ml-100k/u.item");
  REQUIRE_FALSE(u_item.empty());
  const ItemTable a = read_items(u_item, "u.item");
  CHECK(a.delimiter == "|");
  CHECK_FALSE(a.header);
  CHECK(a.encoding == "latin-1");
  CHECK(a.ids.size() == 1682);
  CHECK(a.columns.size() == 24);
  REQUIRE(a.title("1") != nullptr);
  CHECK(*a.title("1") == "Toy Story (1995)");
  REQUIRE(a.title("543") != nullptr);
  CHECK(*a.title("543") == "Mis\xC3\xA9rables, Les (1995)");

  const std::string movies = slurp(dir + "/ml-latest-small/movies.csv");
  REQUIRE_FALSE(movies.empty());
  const ItemTable b = read_items(movies, "movies.csv");
  CHECK(b.delimiter == ",");
  CHECK(b.header);
  CHECK(b.encoding == "utf-8");
  CHECK(b.ids.size() == 9742);
  CHECK(b.columns == std::vector<std::string>{"movieId", "title", "genres"});
  REQUIRE(b.title("11") != nullptr);
  CHECK(*b.title("11") == "American President, The (1995)");
}
