// The tokenizer, delimiter detection and text helpers under the readers.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "io/csv.h"
#include "io/parse_error.h"
#include "io/text.h"

using cofi::ParseError;
using cofi::csv::Row;
using cofi::csv::Tokenizer;

namespace {

struct Rows {
  std::vector<std::vector<std::string>> fields;
  std::vector<int64_t> lines;
};

Rows tokenize(std::string_view text, std::string_view delimiter) {
  Tokenizer tokenizer(text, delimiter, "t.csv");
  Row row;
  Rows out;
  while (tokenizer.next(row)) {
    out.fields.emplace_back(row.fields.begin(), row.fields.end());
    out.lines.push_back(row.line);
  }
  return out;
}

using Fields = std::vector<std::string>;

}  // namespace

TEST_CASE("tokenizer splits plain rows and counts lines", "[csv]") {
  const Rows rows = tokenize("a,b,c\n1,2,3\n", ",");
  REQUIRE(rows.fields.size() == 2);
  CHECK(rows.fields[0] == Fields{"a", "b", "c"});
  CHECK(rows.fields[1] == Fields{"1", "2", "3"});
  CHECK(rows.lines == std::vector<int64_t>{1, 2});
}

TEST_CASE("tokenizer keeps empty fields, including a trailing one", "[csv]") {
  const Rows rows = tokenize("a,,c,\n,\n", ",");
  REQUIRE(rows.fields.size() == 2);
  CHECK(rows.fields[0] == Fields{"a", "", "c", ""});
  CHECK(rows.fields[1] == Fields{"", ""});
}

TEST_CASE("tokenizer handles RFC 4180 quoting", "[csv]") {
  const Rows rows = tokenize("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"\"\nnext,\"x\"\"\",\"q\"\"\"\"\"\n", ",");
  REQUIRE(rows.fields.size() == 2);
  CHECK(rows.fields[0] == Fields{"a,b", "say \"hi\"", "two\nlines", ""});
  CHECK(rows.fields[1] == Fields{"next", "x\"", "q\"\""});
  // The second row starts on physical line 3, after the two-line field.
  CHECK(rows.lines == std::vector<int64_t>{1, 3});
}

TEST_CASE("tokenizer keeps several escaped fields of one row apart", "[csv]") {
  // Each field needs the unescape buffer; the views must not overlap or dangle.
  std::string long_text(100, 'z');
  const std::string text = "\"a\"\"1\",\"" + long_text + "\"\"\",\"b\"\"2\"\n";
  const Rows rows = tokenize(text, ",");
  REQUIRE(rows.fields.size() == 1);
  CHECK(rows.fields[0] == Fields{"a\"1", long_text + "\"", "b\"2"});
}

TEST_CASE("tokenizer counts CRLF and lone CR inside quoted fields as line breaks", "[csv]") {
  const Rows rows = tokenize("\"a\r\nb\",1\r\n\"c\rd\",2\re,3", ",");
  REQUIRE(rows.fields.size() == 3);
  CHECK(rows.fields[0] == Fields{"a\r\nb", "1"});
  CHECK(rows.fields[1] == Fields{"c\rd", "2"});
  CHECK(rows.fields[2] == Fields{"e", "3"});
  CHECK(rows.lines == std::vector<int64_t>{1, 3, 5});
}

TEST_CASE("tokenizer reads CRLF, lone CR, blank lines and a missing final newline", "[csv]") {
  const Rows crlf = tokenize("a,b\r\n\r\nc,d\r\n", ",");
  REQUIRE(crlf.fields.size() == 2);
  CHECK(crlf.fields[1] == Fields{"c", "d"});
  CHECK(crlf.lines == std::vector<int64_t>{1, 3});

  const Rows cr = tokenize("a,b\rc,d\r\re,f", ",");
  REQUIRE(cr.fields.size() == 3);
  CHECK(cr.fields[2] == Fields{"e", "f"});
  CHECK(cr.lines == std::vector<int64_t>{1, 2, 4});

  const Rows blank = tokenize("\n  \n\t\na,b\n \n", ",");
  REQUIRE(blank.fields.size() == 1);
  CHECK(blank.lines == std::vector<int64_t>{4});

  // Spaces and tabs alone are blank even when the tab is the delimiter.
  const Rows tab_blank = tokenize("a\tb\n\t\t\n \t \nc\td\n", "\t");
  REQUIRE(tab_blank.fields.size() == 2);
  CHECK(tab_blank.lines == std::vector<int64_t>{1, 4});
}

TEST_CASE("tokenizer trims spaces and tabs around unquoted fields only", "[csv]") {
  const Rows rows = tokenize("  a , b\t,\" c \" , d d \n", ",");
  REQUIRE(rows.fields.size() == 1);
  CHECK(rows.fields[0] == Fields{"a", "b", " c ", "d d"});

  // With a tab delimiter, tabs split and only spaces are trimmed.
  const Rows tabs = tokenize(" a \t\t b \n", "\t");
  REQUIRE(tabs.fields.size() == 1);
  CHECK(tabs.fields[0] == Fields{"a", "", "b"});
}

TEST_CASE("tokenizer keeps text after a closing quote literally", "[csv]") {
  const Rows rows = tokenize("\"ab\"c,d\n", ",");
  REQUIRE(rows.fields.size() == 1);
  CHECK(rows.fields[0] == Fields{"abc", "d"});
}

TEST_CASE("tokenizer splits on a multi-character delimiter", "[csv]") {
  const Rows rows = tokenize("1::1193::5::978300760\n2:3::a:b::5::1\n", "::");
  REQUIRE(rows.fields.size() == 2);
  CHECK(rows.fields[0] == Fields{"1", "1193", "5", "978300760"});
  CHECK(rows.fields[1] == Fields{"2:3", "a:b", "5", "1"});
}

TEST_CASE("tokenizer reports an unclosed quote at the line where it opened", "[csv]") {
  Tokenizer tokenizer("a,b\nc,\"d\ne\nf\n", ",", "t.csv");
  Row row;
  REQUIRE(tokenizer.next(row));
  try {
    tokenizer.next(row);
    FAIL("no error");
  } catch (const ParseError& e) {
    CHECK(std::string(e.what()) == "t.csv:2: unclosed quote in field 2");
    CHECK(e.line() == 2);
    CHECK(e.column() == 2);
  }
}

TEST_CASE("delimiter detection picks the consistent splitter", "[csv]") {
  using cofi::csv::detect_delimiter;
  CHECK(detect_delimiter("1,2,3\n4,5,6\n", "t") == ",");
  CHECK(detect_delimiter("1\t2\t3\n4\t5\t6\n", "t") == "\t");
  CHECK(detect_delimiter("1;2;3\n4;5;6\n", "t") == ";");
  CHECK(detect_delimiter("1|2|3\n4|5|6\n", "t") == "|");
  CHECK(detect_delimiter("1::1193::5::978300760\n1::661::3::978302109\n", "t") == "::");
  // Decimal commas inside a semicolon file.
  CHECK(detect_delimiter("u;i;4,5\nv;j;3,5\n", "t") == ";");
  // u.item-like: commas in some titles; '|' splits every row into the same 6 fields.
  CHECK(detect_delimiter("1|Toy Story (1995)|x||0|1\n11|American President, The (1995)|x||0|1\n", "t") == "|");
  // movies.csv-like: quoted commas and a '|' list whose length varies.
  CHECK(detect_delimiter("movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
                         "11,\"American President, The (1995)\",Comedy|Drama|Romance\n",
                         "t") == ",");
  // A quoted field with the delimiter and a line break does not change the count.
  CHECK(detect_delimiter("a;\"x;\ny\";1\nb;z;2\n", "t") == ";");
  // A single column.
  CHECK(detect_delimiter("one\ntwo\n", "t") == ",");
}

TEST_CASE("delimiter options resolve tab spellings and reject quotes", "[csv]") {
  using cofi::csv::resolve_delimiter;
  CHECK(resolve_delimiter("", "t").empty());
  CHECK(resolve_delimiter("\\t", "t") == "\t");
  CHECK(resolve_delimiter("TAB", "t") == "\t");
  CHECK(resolve_delimiter("::", "t") == "::");
  CHECK_THROWS_AS(resolve_delimiter("\"", "t"), ParseError);
}

TEST_CASE("parse_number accepts decimal numbers and rejects the rest", "[csv]") {
  using cofi::text::Number;
  using cofi::text::parse_number;
  double v = 0.0;
  CHECK(parse_number("4", v) == Number::ok);
  CHECK(v == 4.0);
  CHECK(parse_number("4.5", v) == Number::ok);
  CHECK(v == 4.5);
  CHECK(parse_number("-1", v) == Number::ok);
  CHECK(v == -1.0);
  CHECK(parse_number("+2", v) == Number::ok);
  CHECK(v == 2.0);
  CHECK(parse_number("1e0", v) == Number::ok);
  CHECK(v == 1.0);
  CHECK(parse_number("2.5E-1", v) == Number::ok);
  CHECK(v == 0.25);
  CHECK(parse_number(".5", v) == Number::ok);
  CHECK(v == 0.5);
  CHECK(parse_number(" 3.0 ", v) == Number::ok);
  CHECK(v == 3.0);
  CHECK(parse_number("0.1", v) == Number::ok);
  CHECK(v == 0.1);
  CHECK(parse_number("123456789012345678901234567890", v) == Number::ok);
  CHECK(v == 123456789012345678901234567890.0);
  CHECK(parse_number("1e-30", v) == Number::ok);
  CHECK(v == 1e-30);
  for (const char* bad : {"", "five", "4,5", "0x10", "1e", "-", ".", "4.5.1", "4 5", "1e+"})
    CHECK(parse_number(bad, v) == Number::not_a_number);
  for (const char* nonfinite : {"nan", "NaN", "-nan", "inf", "-Infinity", "+INF", "1e999", "-1e400"})
    CHECK(parse_number(nonfinite, v) == Number::not_finite);
}

TEST_CASE("UTF-8 validation and latin-1 transcoding", "[csv]") {
  using cofi::text::is_valid_utf8;
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("Zo\xC3\xAB \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(is_valid_utf8("Mis\xE9rables"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE6\x9D"));          // cut short
  CHECK(cofi::text::latin1_to_utf8("Mis\xE9rables \xFF") == "Mis\xC3\xA9rables \xC3\xBF");

  cofi::text::Decoded decoded;
  cofi::text::decode("\xEF\xBB\xBF" "caf\xE9", "t", decoded);
  CHECK(decoded.text() == "caf\xC3\xA9");
  CHECK(std::string(decoded.encoding()) == "latin-1");
  cofi::text::decode("\xEF\xBB\xBF" "caf\xC3\xA9 0123456789abcdef", "t", decoded);
  CHECK(decoded.text() == "caf\xC3\xA9 0123456789abcdef");
  CHECK(std::string(decoded.encoding()) == "utf-8");
}

TEST_CASE("decode finds a NUL byte and names its line", "[csv]") {
  cofi::text::Decoded decoded;
  std::string with_nul = "a,b\r\nc,d\rlong enough for the word loop\n\x01\x02";
  with_nul.push_back('\0');
  with_nul += "more";
  try {
    cofi::text::decode(with_nul, "bin.dat", decoded);
    FAIL("no error");
  } catch (const ParseError& e) {
    CHECK(std::string(e.what()) == "bin.dat:4: contains a NUL byte");
  }
  // Also after a byte that is not UTF-8.
  std::string latin_nul = "\xE9\n\n";
  latin_nul.push_back('\0');
  CHECK_THROWS_WITH(cofi::text::decode(latin_nul, "bin.dat", decoded), "bin.dat:3: contains a NUL byte");
}

TEST_CASE("ViewIndex numbers ids in order of first appearance and copies unstable views", "[csv]") {
  std::string stable;
  for (int k = 0; k < 5000; ++k) stable += "id" + std::to_string(k) + ",";
  cofi::text::ViewIndex index(stable);
  // Views into `stable`, 5000 of them (the table grows several times), each seen twice.
  for (int round = 0; round < 2; ++round) {
    size_t at = 0;
    for (int k = 0; k < 5000; ++k) {
      const size_t comma = stable.find(',', at);
      CHECK(index.intern(std::string_view(stable).substr(at, comma - at)) == k);
      at = comma + 1;
    }
  }
  // A view into a buffer that is then overwritten: the index keeps its own copy.
  std::string buffer = "transient id that is long enough to live on the heap";
  CHECK(index.intern(buffer) == 5000);
  buffer.assign(buffer.size(), 'x');
  CHECK(index.intern("transient id that is long enough to live on the heap") == 5000);
  CHECK(index.keys()[5000] == "transient id that is long enough to live on the heap");
  CHECK(index.keys()[4999] == "id4999");
  CHECK(index.intern("") == 5001);
  CHECK(index.keys().size() == 5002);
}
