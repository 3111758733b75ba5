// Every case of the corpus of bad and awkward inputs (tests/corpus/cases.tsv) through the native
// readers: each must load with the stated counts or fail with the stated error, exactly. The same
// manifest drives tests/js/corpus.test.mjs through the WebAssembly build.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "corpus.h"
#include "io/items_reader.h"
#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "util/memory.h"

namespace cofi::test {

std::string corpus_dir() { return std::string(COFI_SOURCE_DIR) + "/tests/corpus"; }

std::vector<CorpusCase> corpus_cases() {
  std::ifstream in(corpus_dir() + "/cases.tsv");
  REQUIRE(in.good());
  std::vector<CorpusCase> cases;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> columns;
    std::stringstream split(line);
    for (std::string column; std::getline(split, column, '\t');) columns.push_back(column);
    INFO("cases.tsv line " << number << ": " << line);
    REQUIRE((columns.size() == 4 || columns.size() == 5));
    CorpusCase c;
    c.line = number;
    c.kind = columns[0];
    c.name = columns[1];
    if (columns[2] != "-") {
      std::stringstream options(columns[2]);
      for (std::string option; std::getline(options, option, ',');) c.options.push_back(option);
    }
    c.expected = columns[3];
    if (columns.size() == 5) c.generate = columns[4];
    cases.push_back(c);
  }
  return cases;
}

std::string corpus_input(const CorpusCase& c) {
  if (c.generate.empty()) {
    std::ifstream in(corpus_dir() + "/" + c.kind + "/" + c.name, std::ios::binary);
    REQUIRE(in.good());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string out;
  const std::string& t = c.generate;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\\' && i + 1 < t.size()) {
      const char e = t[++i];
      out += e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
    } else if (t[i] == '{' && i + 3 < t.size() && t[i + 2] == '*') {
      const size_t close = t.find('}', i);
      REQUIRE(close != std::string::npos);
      out.append(std::stoul(t.substr(i + 3, close - i - 3)), t[i + 1]);
      i = close;
    } else {
      out += t[i];
    }
  }
  return out;
}

namespace {

bool has_option(const CorpusCase& c, const std::string& option) {
  for (const auto& o : c.options)
    if (o == option) return true;
  return false;
}

// What reading the case gave, in the manifest's words.
std::string outcome(const CorpusCase& c) {
  const std::string input = corpus_input(c);
  try {
    if (c.kind == "ratings") {
      ReadOptions options;
      options.skip_bad_rows = has_option(c, "skipBadRows");
      if (has_option(c, "header=true")) options.header = 1;
      if (has_option(c, "header=false")) options.header = 0;
      const ReadResult r = read_ratings(input, c.name, options);
      return "loads ratings=" + std::to_string(r.data.num_ratings()) + " users=" + std::to_string(r.data.num_users()) +
             " items=" + std::to_string(r.data.num_items()) + " duplicates=" + std::to_string(r.data.duplicates()) +
             " skipped=" + std::to_string(r.report.skipped) + " encoding=" + r.report.encoding;
    }
    if (c.kind == "items") {
      const ItemTable t = read_items(input, c.name);
      return "loads items=" + std::to_string(t.ids.size()) + " columns=" + std::to_string(t.columns.size()) +
             " encoding=" + t.encoding;
    }
    REQUIRE(c.kind == "models");
    const auto m = load_model(input, c.name);
    return "loads algorithm=" + m->algorithm() + " fitted=" + (m->fitted() ? "true" : "false");
  } catch (const ParseError& e) {
    return std::string("ParseError: ") + e.what();
  } catch (const MemoryLimitError& e) {
    return std::string("MemoryError: ") + e.what();
  }
}

}  // namespace

TEST_CASE("the corpus of bad and awkward inputs: every case as its manifest line says", "[corpus]") {
  const std::vector<CorpusCase> cases = corpus_cases();
  REQUIRE(cases.size() >= 50);
  for (const CorpusCase& c : cases) {
    DYNAMIC_SECTION("cases.tsv:" << c.line << " " << c.kind << " " << c.name) {
      CHECK(outcome(c) == c.expected);
    }
  }
}

}  // namespace cofi::test
