// read_ratings: delimiters, quoting, line endings, headers, columns, ids, errors, and the real
// MovieLens files ([data]).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/ratings_reader.h"

using cofi::Dataset;
using cofi::ParseError;
using cofi::ReadOptions;
using cofi::ReadResult;
using cofi::read_ratings;

namespace {

ReadResult read(std::string_view text, const ReadOptions& options = {}) {
  return read_ratings(text, "ratings.csv", options);
}

// The what() of the ParseError reading `text` throws, or "no error".
std::string error_of(std::string_view text, const ReadOptions& options = {}) {
  try {
    read(text, options);
  } catch (const ParseError& e) {
    return e.what();
  }
  return "no error";
}

ParseError parse_error_of(std::string_view text, const ReadOptions& options = {}) {
  try {
    read(text, options);
  } catch (const ParseError& e) {
    return e;
  }
  return ParseError("none", -1, -1, "no error");
}

// The stored value for (user id, item id); NaN when absent.
float value_of(const Dataset& data, std::string_view user, std::string_view item) {
  const int32_t u = data.users().find(user);
  const int32_t i = data.items().find(item);
  if (u < 0 || i < 0) return std::nanf("");
  const cofi::SparseRow row = data.by_user().row(u);
  for (int32_t k = 0; k < row.size; ++k)
    if (row.index[k] == i) return row.value[k];
  return std::nanf("");
}

std::string read_file(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return {};
  std::string bytes;
  char buffer[1 << 16];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) bytes.append(buffer, got);
  std::fclose(file);
  return bytes;
}

bool is_directory(const std::string& path) {
  // A directory holding one of the expected folders' README files.
  std::FILE* file = std::fopen((path + "/README.md").c_str(), "rb");
  if (file == nullptr) return false;
  std::fclose(file);
  return true;
}

// The datasets folder: $COFI_DATA, else ../shared/datasets beside the repository, looked for
// from the working directory (the tests run in the build folder).
std::string datasets_dir() {
  if (const char* env = std::getenv("COFI_DATA")) return env;
  for (const char* candidate : {"../shared/datasets", "../../shared/datasets", "../../../shared/datasets"})
    if (is_directory(candidate)) return candidate;
  return {};
}

}  // namespace

TEST_CASE("reads a comma file with a header", "[reader]") {
  const ReadResult r = read("userId,movieId,rating,timestamp\n1,10,4.0,964982703\n1,30,3.5,964981247\n2,10,5,964982224\n");
  CHECK(r.report.source == "ratings.csv");
  CHECK(r.report.delimiter == ",");
  CHECK(r.report.encoding == "utf-8");
  CHECK(r.report.header);
  CHECK(r.report.header_names == std::vector<std::string>{"userId", "movieId", "rating", "timestamp"});
  CHECK(r.report.user_column == 0);
  CHECK(r.report.item_column == 1);
  CHECK(r.report.rating_column == 2);
  CHECK_FALSE(r.report.implicit);
  CHECK(r.report.rows == 3);
  CHECK(r.report.duplicates == 0);
  CHECK(r.report.skipped == 0);
  CHECK(r.data.num_users() == 2);
  CHECK(r.data.num_items() == 2);
  CHECK(r.data.num_ratings() == 3);
  CHECK(value_of(r.data, "1", "30") == 3.5f);
  CHECK(value_of(r.data, "2", "10") == 5.0f);
  CHECK(r.data.rating_min() == 3.5f);
  CHECK(r.data.rating_max() == 5.0f);
}

TEST_CASE("detects every delimiter", "[reader]") {
  for (const char* delimiter : {",", "\t", ";", "|", "::"}) {
    INFO("delimiter '" << delimiter << "'");
    const std::string d = delimiter;
    const std::string text = "7" + d + "70" + d + "4" + d + "1000\n8" + d + "80" + d + "2.5" + d + "1001\n";
    const ReadResult r = read(text);
    CHECK(r.report.delimiter == d);
    CHECK_FALSE(r.report.header);
    CHECK(r.report.rows == 2);
    CHECK(value_of(r.data, "7", "70") == 4.0f);
    CHECK(value_of(r.data, "8", "80") == 2.5f);
  }
}

TEST_CASE("reads MovieLens 1M '::' rows", "[reader]") {
  const ReadResult r = read("1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n");
  CHECK(r.report.delimiter == "::");
  CHECK(r.report.rows == 3);
  CHECK(r.data.num_users() == 2);
  CHECK(value_of(r.data, "1", "661") == 3.0f);
}

TEST_CASE("a delimiter option overrides detection", "[reader]") {
  // Detection takes ',' (3 fields); a tab splits the rows into two fields, so implicit feedback.
  const std::string text = "1\t2,10,4\n3\t4,11,5\n";
  CHECK(read(text).report.delimiter == ",");
  for (const char* spelling : {"\\t", "tab", "\t"}) {
    ReadOptions options;
    options.delimiter = spelling;
    const ReadResult r = read(text, options);
    CHECK(r.report.delimiter == "\t");
    CHECK(r.report.implicit);
    CHECK(r.data.items().id(0) == "2,10,4");
  }
  // A space delimiter, which detection never picks.
  ReadOptions space;
  space.delimiter = " ";
  const ReadResult r = read("1 10 4\n2 11 3\n", space);
  CHECK(r.report.rows == 2);
  CHECK(value_of(r.data, "2", "11") == 3.0f);
  ReadOptions colons;
  colons.delimiter = "::";
  CHECK(read("1::2::3\n", colons).report.rows == 1);
}

TEST_CASE("quoted fields: escaped quotes, delimiters and line breaks inside", "[reader]") {
  const std::string text =
      "user,item,rating\n"
      "\"say \"\"hi\"\"\",\"a,b\",4\n"
      "\"two\nlines\",x,\"3.5\"\n"
      "u,\"\",2\n";
  const ReadResult ok = read(text.substr(0, text.rfind("u,")));
  CHECK(ok.report.rows == 2);
  CHECK(value_of(ok.data, "say \"hi\"", "a,b") == 4.0f);
  CHECK(value_of(ok.data, "two\nlines", "x") == 3.5f);
  // The last row starts on physical line 5 (line 3 held a line break inside quotes).
  const ParseError e = parse_error_of(text);
  CHECK(std::string(e.what()) == "ratings.csv:5: empty item id");
  CHECK(e.line() == 5);
  CHECK(e.column() == 2);
}

TEST_CASE("an error after a multi-line quoted field names the right line", "[reader]") {
  CHECK(error_of("1,\"a\nb\nc\",4\n2,x,5\n3,y,five\n") == "ratings.csv:5: rating \"five\" is not a number");
  CHECK(error_of("1,\"a\r\nb\",4\r\n3,y,five\r\n") == "ratings.csv:3: rating \"five\" is not a number");
}

TEST_CASE("a UTF-8 BOM is ignored", "[reader]") {
  const ReadResult r = read("\xEF\xBB\xBFuser,item,rating\n1,2,3\n");
  CHECK(r.report.header);
  CHECK(r.report.header_names[0] == "user");
  CHECK(r.report.encoding == "utf-8");
  CHECK(value_of(r.data, "1", "2") == 3.0f);
  // Without a header the first id must not carry the BOM.
  const ReadResult plain = read("\xEF\xBB\xBF" "1,2,3\n");
  CHECK(plain.data.users().id(0) == "1");
}

TEST_CASE("CRLF and lone CR line endings", "[reader]") {
  const ReadResult crlf = read("user,item,rating\r\n1,2,3\r\n4,5,2\r\n");
  CHECK(crlf.report.rows == 2);
  CHECK(value_of(crlf.data, "4", "5") == 2.0f);
  CHECK(crlf.data.items().id(1) == "5");
  const ReadResult cr = read("1,2,3\r4,5,2\r");
  CHECK(cr.report.rows == 2);
  CHECK(value_of(cr.data, "4", "5") == 2.0f);
  CHECK(error_of("1,2,3\r\n4,5,2\r\n6,7,x\r\n") == "ratings.csv:3: rating \"x\" is not a number");
  CHECK(error_of("1,2,3\r4,5,2\r6,7,x\r") == "ratings.csv:3: rating \"x\" is not a number");
}

TEST_CASE("blank lines are skipped and still counted", "[reader]") {
  const ReadResult r = read("\n\nuser,item,rating\n\n1,2,3\n   \n\n4,5,2\n\n");
  CHECK(r.report.header);
  CHECK(r.report.rows == 2);
  CHECK(error_of("\n1,2,3\n\n\n4,5,bad\n\n") == "ratings.csv:5: rating \"bad\" is not a number");
}

TEST_CASE("a missing final newline is fine", "[reader]") {
  const ReadResult r = read("1,2,3\n4,5,2.5");
  CHECK(r.report.rows == 2);
  CHECK(value_of(r.data, "4", "5") == 2.5f);
  CHECK(read("1,\"2\",\"3\"").report.rows == 1);
}

TEST_CASE("spaces around unquoted fields are tolerated, quoted ids are exact", "[reader]") {
  const ReadResult r = read("1 , 2 , 4.5 \n 3,\" 4 \",\" 5 \"\n");
  CHECK(value_of(r.data, "1", "2") == 4.5f);
  CHECK(value_of(r.data, "3", " 4 ") == 5.0f);
  const ReadResult tabs = read("1 \t 2\t 3 \n4\t5\t1\n");
  CHECK(tabs.report.delimiter == "\t");
  CHECK(value_of(tabs.data, "1", "2") == 3.0f);
}

TEST_CASE("header detection both ways, and the header option", "[reader]") {
  CHECK(read("user,item,rating\n1,2,3\n").report.header);
  CHECK_FALSE(read("1,2,3\n4,5,6\n").report.header);
  // Unknown names: still a header, since the rating field is not a number; columns 0, 1, 2.
  const ReadResult unknown = read("who,what,how much\nu,i,4\n");
  CHECK(unknown.report.header);
  CHECK(unknown.report.header_names == std::vector<std::string>{"who", "what", "how much"});
  CHECK(unknown.report.user_column == 0);
  CHECK(unknown.report.item_column == 1);
  CHECK(unknown.report.rating_column == 2);
  CHECK(value_of(unknown.data, "u", "i") == 4.0f);
  // Ids that are words do not make a header when the rating is a number.
  const ReadResult words = read("alice,matrix,5\nbob,alien,3\n");
  CHECK_FALSE(words.report.header);
  CHECK(words.report.rows == 2);

  ReadOptions none;
  none.header = 0;
  CHECK(error_of("user,item,rating\n1,2,3\n", none) == "ratings.csv:1: rating \"rating\" is not a number");
  ReadOptions present;
  present.header = 1;
  const ReadResult forced = read("1,2,3\n4,5,6\n", present);
  CHECK(forced.report.header);
  CHECK(forced.report.header_names == std::vector<std::string>{"1", "2", "3"});
  CHECK(forced.report.rows == 1);
  CHECK(forced.data.users().id(0) == "4");
}

TEST_CASE("columns by header name in any order", "[reader]") {
  const ReadResult r = read("rating,movieId,userId\n4,10,1\n2.5,11,1\n3,10,2\n");
  CHECK(r.report.header);
  CHECK(r.report.user_column == 2);
  CHECK(r.report.item_column == 1);
  CHECK(r.report.rating_column == 0);
  CHECK(r.data.users().id(0) == "1");
  CHECK(r.data.items().id(1) == "11");
  CHECK(value_of(r.data, "1", "11") == 2.5f);
  CHECK(value_of(r.data, "2", "10") == 3.0f);

  const ReadResult other = read("Timestamp;Score;Customer_ID;ASIN\n99;5;c1;B000\n");
  CHECK(other.report.user_column == 2);
  CHECK(other.report.item_column == 3);
  CHECK(other.report.rating_column == 1);
  CHECK(value_of(other.data, "c1", "B000") == 5.0f);
}

TEST_CASE("columns chosen by options: index or name", "[reader]") {
  ReadOptions by_index;
  by_index.user_column = "2";
  by_index.item_column = "0";
  by_index.rating_column = "1";
  const ReadResult r = read("10,4,1\n11,3,1\n", by_index);
  CHECK_FALSE(r.report.header);
  CHECK(r.report.user_column == 2);
  CHECK(r.report.item_column == 0);
  CHECK(r.report.rating_column == 1);
  CHECK(value_of(r.data, "1", "11") == 3.0f);

  ReadOptions by_name;
  by_name.user_column = "WHO";
  by_name.item_column = "what";
  by_name.rating_column = "how_much";
  const ReadResult n = read("ts,how_much,what,who\n9,2,i,u\n", by_name);
  CHECK(n.report.header);
  CHECK(n.report.user_column == 3);
  CHECK(n.report.item_column == 2);
  CHECK(n.report.rating_column == 1);
  CHECK(value_of(n.data, "u", "i") == 2.0f);

  ReadOptions missing;
  missing.rating_column = "nope";
  CHECK(error_of("user,item,rating\n1,2,3\n", missing) ==
        "ratings.csv:1: no rating column named \"nope\" in the header (user, item, rating)");
  ReadOptions without_header;
  without_header.header = 0;
  without_header.user_column = "user";
  CHECK(error_of("1,2,3\n", without_header) ==
        "ratings.csv: the user column \"user\" is a name, but the file has no header (give a 0-based column index)");
  ReadOptions clash;
  clash.user_column = "1";
  clash.item_column = "1";
  CHECK(error_of("1,2,3\n", clash) == "ratings.csv: the user and item columns are the same (column 2)");
  // An index beyond the row: too few fields.
  ReadOptions far;
  far.rating_column = "5";
  CHECK(error_of("1,2,3,4\n", far) == "ratings.csv:1: expected at least 6 fields, found 4");
}

TEST_CASE("extra columns are ignored", "[reader]") {
  const ReadResult r = read("1,2,3,978300760,extra,\"more, text\"\n4,5,1,978300761,x,y\n");
  CHECK(r.report.rows == 2);
  CHECK(r.data.num_items() == 2);
  CHECK(value_of(r.data, "4", "5") == 1.0f);
}

TEST_CASE("two columns are implicit feedback", "[reader]") {
  const ReadResult r = read("user_id,item_id\nu1,i1\nu1,i2\nu2,i1\n");
  CHECK(r.report.header);
  CHECK(r.report.implicit);
  CHECK(r.report.rating_column == -1);
  CHECK(r.data.implicit());
  CHECK(r.report.rows == 3);
  CHECK(value_of(r.data, "u1", "i2") == 1.0f);
  CHECK(r.data.rating_min() == 1.0f);
  CHECK(r.data.rating_max() == 1.0f);

  const ReadResult plain = read("u1\ti1\nu2\ti1\n");
  CHECK_FALSE(plain.report.header);
  CHECK(plain.report.implicit);
  CHECK(plain.report.rows == 2);

  ReadOptions none;
  none.rating_column = "none";
  const ReadResult forced = read("1,2,3\n4,5,five\n", none);
  CHECK(forced.report.implicit);
  CHECK(forced.report.rating_column == -1);
  CHECK(value_of(forced.data, "4", "5") == 1.0f);
}

TEST_CASE("ids round trip byte for byte in order of first appearance", "[reader]") {
  const std::vector<std::string> users = {"12345678901234567890", "alice@example.com",
                                          "123e4567-e89b-12d3-a456-426614174000", "Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC",
                                          "007"};
  std::string text = "user,item,rating\n";
  for (size_t k = 0; k < users.size(); ++k)
    text += "\"" + users[k] + "\",item" + std::to_string(users.size() - k) + "," + std::to_string(k + 1) + "\n";
  text += users[0] + ",item1,5\n";
  const ReadResult r = read(text);
  CHECK(r.report.encoding == "utf-8");
  REQUIRE(r.data.num_users() == static_cast<int32_t>(users.size()));
  for (size_t k = 0; k < users.size(); ++k) {
    CHECK(r.data.users().id(static_cast<int32_t>(k)) == users[k]);
    CHECK(r.data.users().find(users[k]) == static_cast<int32_t>(k));
    CHECK(r.data.users().id(r.data.users().find(users[k])) == users[k]);
  }
  CHECK(r.data.items().id(0) == "item5");
  CHECK(r.data.items().id(4) == "item1");
  CHECK(value_of(r.data, "12345678901234567890", "item1") == 5.0f);
  CHECK(r.data.users().find("7") == -1);
}

TEST_CASE("duplicates are counted and the last value wins", "[reader]") {
  const ReadResult r = read("1,2,3\n1,3,4\n1,2,5\n2,2,1\n1,2,2.5\n");
  CHECK(r.report.rows == 5);
  CHECK(r.report.duplicates == 2);
  CHECK(r.data.num_ratings() == 3);
  CHECK(value_of(r.data, "1", "2") == 2.5f);
}

TEST_CASE("a rating that is not a number", "[reader]") {
  const std::string text = "user,item,rating\n1,2,4\n1,3,five\n";
  CHECK(error_of(text) == "ratings.csv:3: rating \"five\" is not a number");
  const ParseError e = parse_error_of(text);
  CHECK(e.source() == "ratings.csv");
  CHECK(e.line() == 3);
  CHECK(e.column() == 3);
  CHECK(e.problem() == "rating \"five\" is not a number");
  CHECK(error_of("1,2,4\n1,3,\n") == "ratings.csv:2: rating \"\" is not a number");
  CHECK(error_of("1,2,4\n1,3,4,5\n1,4,\"4,5\"\n") == "ratings.csv:3: rating \"4,5\" is not a number");
}

TEST_CASE("ratings accept signs, decimals and exponents", "[reader]") {
  const ReadResult r = read("a,1,4\na,2,4.5\na,3,-1\na,4,1e0\na,5,+2\na,6,0.5\n");
  CHECK(value_of(r.data, "a", "1") == 4.0f);
  CHECK(value_of(r.data, "a", "2") == 4.5f);
  CHECK(value_of(r.data, "a", "3") == -1.0f);
  CHECK(value_of(r.data, "a", "4") == 1.0f);
  CHECK(value_of(r.data, "a", "5") == 2.0f);
  CHECK(value_of(r.data, "a", "6") == 0.5f);
}

TEST_CASE("a rating that is not finite", "[reader]") {
  CHECK(error_of("1,2,4\n1,3,nan\n") == "ratings.csv:2: rating \"nan\" is not a finite number");
  CHECK(error_of("1,2,4\n1,3,NaN\n") == "ratings.csv:2: rating \"NaN\" is not a finite number");
  CHECK(error_of("1,2,4\n1,3,inf\n") == "ratings.csv:2: rating \"inf\" is not a finite number");
  CHECK(error_of("1,2,4\n1,3,-Infinity\n") == "ratings.csv:2: rating \"-Infinity\" is not a finite number");
  CHECK(error_of("1,2,4\n1,3,1e999\n") == "ratings.csv:2: rating \"1e999\" is not a finite number");
  // Finite as a double but not as the float it is stored in.
  CHECK(error_of("1,2,4\n1,3,1e39\n") == "ratings.csv:2: rating \"1e39\" is not a finite number");
}

TEST_CASE("empty inputs and a header without rows", "[reader]") {
  for (const char* empty : {"", "\n", "\n  \r\n\t\n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n"}) {
    const ParseError e = parse_error_of(empty);
    CHECK(std::string(e.what()) == "ratings.csv: the file is empty");
    CHECK(e.line() == 0);
  }
  CHECK(error_of("user,item,rating\n") == "ratings.csv: the file has a header but no ratings");
  CHECK(error_of("user,item,rating\n\n\n") == "ratings.csv: the file has a header but no ratings");
  CHECK(error_of("userId\tmovieId") == "ratings.csv: the file has a header but no ratings");
}

TEST_CASE("a row with too few fields", "[reader]") {
  CHECK(error_of("1,2,3\n4,5,6\n7,8\n9,10,11\n") == "ratings.csv:3: expected at least 3 fields, found 2");
  CHECK(parse_error_of("1,2,3\n4,5,6\n7,8\n").column() == 0);
  ReadOptions options;
  options.rating_column = "3";
  CHECK(error_of("1,2,x,4\n1,2,y\n", options) == "ratings.csv:2: expected at least 4 fields, found 3");
}

TEST_CASE("an unclosed quote names the line where it opened", "[reader]") {
  const ParseError e = parse_error_of("1,2,3\n4,5,6\n\"7,8,9\n10,11,12\n");
  CHECK(std::string(e.what()) == "ratings.csv:3: unclosed quote in field 1");
  CHECK(e.column() == 1);
  // Still an error when bad rows are skipped: the rest of the file would be swallowed.
  ReadOptions skip;
  skip.skip_bad_rows = true;
  CHECK(error_of("1,2,3\n4,5,\"6\n7,8,9\n", skip) == "ratings.csv:2: unclosed quote in field 3");
}

TEST_CASE("an empty id", "[reader]") {
  CHECK(error_of("user,item,rating\n1,2,3\n4,5,6\n,10,4\n") == "ratings.csv:4: empty user id");
  CHECK(error_of("1,2,3\n\"\",10,4\n") == "ratings.csv:2: empty user id");
  CHECK(error_of("1,2,3\n  ,10,4\n") == "ratings.csv:2: empty user id");
  CHECK(error_of("1,2,3\n4,,4\n") == "ratings.csv:2: empty item id");
  CHECK(parse_error_of("1,2,3\n4,,4\n").column() == 2);
}

TEST_CASE("a NUL byte is an error naming its line", "[reader]") {
  std::string text = "1,2,3\n4,5,";
  text.push_back('\0');
  text += "\n";
  CHECK(error_of(text) == "ratings.csv:2: contains a NUL byte");
}

TEST_CASE("skip_bad_rows skips and reports bad rows", "[reader]") {
  std::string text = "user,item,rating\n";
  // Lines 2..26: 25 bad rows of three kinds, each followed by a good row on the next line.
  int64_t line = 2;
  std::vector<int64_t> bad_lines;
  for (int k = 0; k < 25; ++k) {
    const std::string id = std::to_string(k);
    if (k % 3 == 0) text += "u" + id + ",i,five\n";
    if (k % 3 == 1) text += "u" + id + "\n";
    if (k % 3 == 2) text += ",i" + id + ",3\n";
    bad_lines.push_back(line++);
    text += "u" + id + ",i" + id + ",4\n";
    ++line;
  }
  ReadOptions options;
  options.skip_bad_rows = true;
  const ReadResult r = read(text, options);
  CHECK(r.report.skipped == 25);
  CHECK(r.report.rows == 25);
  CHECK(r.data.num_users() == 25);  // the bad rows' ids were not interned
  REQUIRE(r.report.skipped_lines.size() == 20);
  REQUIRE(r.report.skipped_errors.size() == 20);
  CHECK(r.report.skipped_lines == std::vector<int64_t>(bad_lines.begin(), bad_lines.begin() + 20));
  CHECK(r.report.skipped_errors[0] == "ratings.csv:2: rating \"five\" is not a number");
  CHECK(r.report.skipped_errors[1] == "ratings.csv:4: expected at least 3 fields, found 1");
  CHECK(r.report.skipped_errors[2] == "ratings.csv:6: empty user id");
  CHECK(r.report.skipped_errors[19] == "ratings.csv:40: expected at least 3 fields, found 1");

  // Without the option the first bad row stops the read.
  CHECK(error_of(text) == "ratings.csv:2: rating \"five\" is not a number");

  CHECK(error_of("user,item,rating\na,b,x\nc,d,nan\n,e,1\n", options) == "ratings.csv: no valid ratings (3 rows skipped)");
}

TEST_CASE("bytes that are not UTF-8 are read as latin-1", "[reader]") {
  const ReadResult r = read("user,item,rating\nJos\xE9,Mis\xE9rables,4\nZo\xEB,caf\xE9,3\n");
  CHECK(r.report.encoding == "latin-1");
  CHECK(r.data.users().id(0) == "Jos\xC3\xA9");
  CHECK(r.data.items().id(0) == "Mis\xC3\xA9rables");
  CHECK(value_of(r.data, "Zo\xC3\xAB", "caf\xC3\xA9") == 3.0f);
  // Valid UTF-8 stays as it is.
  const ReadResult utf8 = read("Jos\xC3\xA9,x,4\n");
  CHECK(utf8.report.encoding == "utf-8");
  CHECK(utf8.data.users().id(0) == "Jos\xC3\xA9");
}

TEST_CASE("reads the MovieLens ratings files", "[reader][data]") {
  const std::string dir = datasets_dir();
  if (dir.empty())
    FAIL("MovieLens datasets not found: set COFI_DATA or put them in ../shared/datasets beside the repository");
  INFO("datasets folder: " << dir);

  const std::string u_data = read_file(dir + "/ml-100k/u.data");
  REQUIRE_FALSE(u_data.empty());
  const ReadResult a = read_ratings(u_data, "u.data");
  CHECK(a.report.delimiter == "\t");
  CHECK_FALSE(a.report.header);
  CHECK(a.report.encoding == "utf-8");
  CHECK(a.report.rows == 100000);
  CHECK(a.data.num_ratings() == 100000);
  CHECK(a.data.num_users() == 943);
  CHECK(a.data.num_items() == 1682);
  CHECK(a.data.users().id(0) == "196");
  CHECK(a.data.items().id(0) == "242");
  CHECK(a.data.rating_min() == 1.0f);
  CHECK(a.data.rating_max() == 5.0f);

  const std::string small = read_file(dir + "/ml-latest-small/ratings.csv");
  REQUIRE_FALSE(small.empty());
  const ReadResult b = read_ratings(small, "ratings.csv");
  CHECK(b.report.delimiter == ",");
  CHECK(b.report.header);
  CHECK(b.report.rows == 100836);
  CHECK(b.report.duplicates == 0);
  CHECK(b.data.num_ratings() == 100836);
  CHECK(b.data.num_users() == 610);
  CHECK(b.data.num_items() == 9724);
  CHECK(b.data.rating_min() == 0.5f);
  CHECK(b.data.rating_max() == 5.0f);
}
