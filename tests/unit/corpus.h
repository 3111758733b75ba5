// The corpus of bad and awkward inputs (tests/corpus/cases.tsv): reading the manifest and
// describing an outcome the way tests/js/corpus.test.mjs does, so that the native readers and the
// WebAssembly build are held to the same expected line.
#pragma once
#include <string>
#include <vector>

namespace cofi::test {

struct CorpusCase {
  int line = 0;          // in cases.tsv
  std::string kind;      // ratings, items or models: the folder under tests/corpus
  std::string name;      // the file in that folder, and the source name errors give
  std::vector<std::string> options;  // skipBadRows, header=true, header=false
  std::string expected;  // "loads ..." or "<ErrorName>: <message>"
  std::string generate;  // a template for generated inputs (empty: read the file)
};

// The corpus folder (the source tree's tests/corpus).
std::string corpus_dir();

// Every case of cases.tsv (blank lines and lines starting with '#' are skipped).
std::vector<CorpusCase> corpus_cases();

// The bytes of a case: its file, or its template expanded: \n \r \t \\ are escapes and {c*N}
// is the character c repeated N times.
std::string corpus_input(const CorpusCase& c);

}  // namespace cofi::test
