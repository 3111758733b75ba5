// Helpers shared by the Catch2 tests.
#pragma once
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/ratings_reader.h"
#include "models/model.h"

namespace cofi::test {

// A dataset from CSV text (fixtures are written inline in the tests).
inline std::shared_ptr<const Dataset> load(const std::string& csv) {
  return std::make_shared<const Dataset>(read_ratings(csv, "fixture.csv").data);
}

// A model's scores of every item for a person.
inline std::vector<float> scores_of(const Model& m, const Profile& p) {
  std::vector<float> s;
  m.score(p, s);
  return s;
}

// What `f` throws (its what()), or "no error": for tests of exact messages.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace cofi::test
