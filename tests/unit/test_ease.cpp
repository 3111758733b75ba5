// "ease" (Steck 2019): B on a 3-item example worked by hand, B from ratings against an Eigen
// inverse, scores, similar items, the catalogue limit, save/load.
#include <catch2/catch.hpp>

#include "support.h"

#include <Eigen/Dense>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "models/ease.h"
#include "models/model.h"

using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Profile;

namespace {

using cofi::test::load;

std::unique_ptr<Model> fit_ease(std::shared_ptr<const Dataset> data, std::map<std::string, std::string> params) {
  auto m = cofi::make_model("ease", Params(std::move(params)));
  m->fit(std::move(data), 0);
  return m;
}

const cofi::Ease& ease(const Model& m) { return dynamic_cast<const cofi::Ease&>(m); }

using cofi::test::scores_of;

// u1 rated a, b; u2 a, b, c; u3 b, c (ratings ignored with binary=true).
//   X^T X = [2 2 1; 2 3 2; 1 2 2],  + I = [3 2 1; 2 4 2; 1 2 3],  determinant 16,
//   P = [8 -4 0; -4 8 -4; 0 -4 8] / 16 = [.5 -.25 0; -.25 .5 -.25; 0 -.25 .5]
//   B_ij = -P_ij / P_jj = [0 .5 0; .5 0 .5; 0 .5 0]
const char* const kThree = "user,item,rating\nu1,a,5\nu1,b,3\nu2,a,4\nu2,b,2\nu2,c,1\nu3,b,4\nu3,c,5\n";
enum { a, b, c };

}  // namespace

TEST_CASE("ease: B on a three-item example worked by hand", "[ease]") {
  const auto data = load(kThree);
  const auto model = fit_ease(data, {{"reg", "1"}, {"binary", "true"}});
  const cofi::Ease& m = ease(*model);
  const float expected[3][3] = {{0.0f, 0.5f, 0.0f}, {0.5f, 0.0f, 0.5f}, {0.0f, 0.5f, 0.0f}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      INFO(i << "," << j);
      CHECK(m.weight(i, j) == Approx(expected[i][j]).margin(1e-6));
    }
  // Scores x_u B: u1 = row a + row b = (.5, .5, .5).
  CHECK(model->predict(0, c).raw == Approx(0.5f));
  const std::vector<float> s = scores_of(*model, Profile::of_user(*data, 0));
  CHECK(s == std::vector<float>{m.weight(b, a), m.weight(a, b), m.weight(a, c) + m.weight(b, c)});
  // A new person who liked only a is recommended b (c's weight from a is 0).
  Profile person;
  person.items = {a};
  person.ratings = {1.0f};
  const auto top = model->recommend(person, 2);
  REQUIRE(top.size() == 2);
  CHECK(top[0].item == b);
  CHECK(top[0].score == Approx(0.5f));
  // Similar items: row b, a and c tie at .5 (lower index first); a has only b.
  const auto similar_b = model->similar_items(b, 5);
  REQUIRE(similar_b.size() == 2);
  CHECK(similar_b[0].item == a);
  CHECK(similar_b[1].item == c);
  const auto similar_a = model->similar_items(a, 5);
  REQUIRE(similar_a.size() == 1);
  CHECK(similar_a[0].item == b);
  CHECK_THROWS_AS(model->similar_items(3, 1), std::out_of_range);
}

TEST_CASE("ease: with binary=false, B comes from the ratings matrix, lambda scaled by the mean squared rating", "[ease]") {
  const char* const csv =
      "user,item,rating\nu1,a,5\nu1,b,3\nu1,c,1\nu2,a,4\nu2,c,1\nu2,d,4\nu2,e,2\n"
      "u3,a,1\nu3,b,1\nu3,d,5\nu3,e,5\nu4,b,3\nu4,c,5\nu4,d,4\n";
  const auto data = load(csv);
  const double reg = 2.5;
  const auto model = fit_ease(data, {{"reg", "2.5"}, {"binary", "false"}});
  const int n = data->num_items();
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(data->num_users(), n);
  for (const cofi::Rating& r : data->ratings()) x(r.user, r.item) = r.value;
  // lambda = reg times the mean squared rating.
  const double lambda = reg * x.squaredNorm() / static_cast<double>(data->num_ratings());
  const Eigen::MatrixXd p = (x.transpose() * x + lambda * Eigen::MatrixXd::Identity(n, n)).inverse();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      INFO(i << "," << j);
      const double expected = i == j ? 0.0 : -p(i, j) / p(j, j);
      CHECK(ease(*model).weight(i, j) == Approx(expected).margin(1e-6));
    }
  // Scores weight each rated item's row of B by the rating.
  const std::vector<float> s = scores_of(*model, Profile::of_user(*data, 1));
  for (int j = 0; j < n; ++j) {
    double expected = 0.0;
    for (int i = 0; i < n; ++i) expected += x(1, i) * (i == j ? 0.0 : -p(i, j) / p(j, j));
    CHECK(s[static_cast<size_t>(j)] == Approx(expected).margin(1e-5));
  }
}

TEST_CASE("ease: items nobody rated in training are never recommended", "[ease]") {
  // A training set whose item list has d without any rating (as a split can leave it).
  cofi::IdMap users, items;
  for (const char* id : {"u1", "u2", "u3"}) users.intern(id);
  for (const char* id : {"a", "b", "c", "d"}) items.intern(id);
  const std::vector<cofi::Rating> ratings = {{0, 0, 5}, {0, 1, 3}, {1, 0, 4}, {1, 2, 2}, {2, 1, 4}};
  const auto train = std::make_shared<const Dataset>(std::move(users), std::move(items), ratings, false);
  REQUIRE(train->by_item().row_size(3) == 0);
  const auto model = fit_ease(train, {{"reg", "1"}});
  const std::vector<float> s = scores_of(*model, Profile::of_user(*train, 0));
  CHECK(std::isnan(s[3]));
  for (const auto& r : model->recommend(Profile::of_user(*train, 0), 5)) CHECK(train->items().id(r.item) != "d");
}

TEST_CASE("ease: a catalogue above max_items is refused with the memory it would need", "[ease]") {
  const auto data = load(kThree);
  auto model = cofi::make_model("ease", Params(std::map<std::string, std::string>{{"max_items", "2"}}));
  try {
    model->fit(data, 0);
    FAIL("no error");
  } catch (const std::invalid_argument& e) {
    CHECK_THAT(e.what(), Catch::Contains("3 items") && Catch::Contains("MB") && Catch::Contains("max_items"));
  }
  CHECK_FALSE(model->fitted());
  CHECK_NOTHROW(fit_ease(data, {{"max_items", "3"}}));
}

TEST_CASE("ease: save and load predict bit-identically", "[ease]") {
  const auto data = load(kThree);
  const auto model = fit_ease(data, {{"reg", "0.7"}});
  const auto loaded = cofi::load_model(cofi::save_model(*model), "ease.model");
  REQUIRE(loaded->algorithm() == "ease");
  for (int32_t u = 0; u < data->num_users(); ++u)
    for (int32_t i = 0; i < data->num_items(); ++i) CHECK(loaded->predict(u, i).raw == model->predict(u, i).raw);
  for (int32_t i = 0; i < 3; ++i)
    for (int32_t j = 0; j < 3; ++j) CHECK(ease(*loaded).weight(i, j) == ease(*model).weight(i, j));
}
