// The models through the registry (make_model + fit + predict/recommend), checked against values
// worked by hand: global-mean, random, baseline, popular, and the four neighbourhood models
// user- and item-based; k, min_k, clipping, fallbacks, recommending, new profiles, parameters.
#include <catch2/catch.hpp>

#include "support.h"

#include <set>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/ratings_reader.h"
#include "models/baselines.h"
#include "models/knn.h"
#include "models/model.h"
#include "models/random_normal.h"

using cofi::Dataset;
using cofi::Model;
using cofi::Params;
using cofi::Prediction;
using cofi::Profile;
using cofi::ScoredItem;

namespace {

using cofi::test::load;

// The hand example (the same as in test_similarity.cpp). Users u1..u4 = 0..3, items a..e = 0..4.
//        a  b  c  d  e      user means: u1 3, u2 11/4, u3 3, u4 4
//   u1   5  3  1  .  .      item means: a 10/3, b 7/3, c 7/3, d 13/3, e 7/2
//   u2   4  .  1  4  2      global mean: 44/14 = 22/7
//   u3   1  1  .  5  5
//   u4   .  3  5  4  .
// Within an item's column the raters are in user order (u1 first).
// msd similarities (1 / (mean squared difference over shared ratings + 1)):
//   users: u1u2 2/3, u1u3 1/11, u1u4 1/9, u2u3 3/22, u2u4 1/9, u3u4 2/7
//   items: ab 1/3, ac 2/27, ad 1/9, ae 1/11, bc 1/5, bd 2/19, be 1/17, cd 1/6, ce 1/2, de 1/3
const char* const kExample =
    "user,item,rating\n"
    "u1,a,5\nu1,b,3\nu1,c,1\n"
    "u2,a,4\nu2,c,1\nu2,d,4\nu2,e,2\n"
    "u3,a,1\nu3,b,1\nu3,d,5\nu3,e,5\n"
    "u4,b,3\nu4,c,5\nu4,d,4\n";

enum { u1, u2, u3, u4 };
enum { a, b, c, d, e };

std::unique_ptr<Model> fitted(const std::string& algo, std::map<std::string, std::string> params,
                              std::shared_ptr<const Dataset> data, uint64_t seed = 0) {
  auto m = cofi::make_model(algo, Params(std::move(params)));
  m->fit(std::move(data), seed);
  return m;
}

std::vector<int32_t> items_of(const std::vector<ScoredItem>& list) {
  std::vector<int32_t> out;
  for (const auto& s : list) out.push_back(s.item);
  return out;
}

// The invalid_argument message make_model throws, or "no error".
std::string error_of(const std::string& algo, std::map<std::string, std::string> params) {
  try {
    cofi::make_model(algo, Params(std::move(params)));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

const std::vector<std::string> kKnn = {"knn-basic", "knn-means", "knn-zscore", "knn-baseline"};

}  // namespace

// ---------------------------------------------------------------------------------------------
// global-mean, random

TEST_CASE("global-mean predicts the training mean for every pair", "[models]") {
  const auto data = load(kExample);
  const auto m = fitted("global-mean", {}, data);
  CHECK(m->algorithm() == "global-mean");
  for (int u = 0; u < 4; ++u)
    for (int i = 0; i < 5; ++i) CHECK(m->predict(u, i).raw == Approx(22.0 / 7.0));
  CHECK(m->predict(-1, -1).value == Approx(22.0 / 7.0));
  // For ranking it has no preference: by popularity. u1 rated a,b,c; d has 3 ratings, e 2.
  const auto top = m->recommend(Profile::of_user(*data, u1), 10);
  CHECK(items_of(top) == std::vector<int32_t>{d, e});
}

TEST_CASE("random draws from N(mu, sigma) with sigma the population standard deviation", "[models]") {
  const auto data = load(kExample);
  const auto m = fitted("random", {}, data, 7);
  // Ratings 5,3,1,4,1,4,2,1,1,5,5,3,5,4: sum 44, sum of squares 174.
  // variance = 174/14 - (22/7)^2 = 609/49 - 484/49 = 125/49  ->  sigma = 5 sqrt(5) / 7
  // (the sample standard deviation, dividing by 13, would be larger).
  const auto* rn = dynamic_cast<const cofi::RandomNormal*>(m.get());
  REQUIRE(rn != nullptr);
  CHECK(rn->sigma() == Approx(5.0 * std::sqrt(5.0) / 7.0));

  SECTION("the same seed and pair give the same value, also from a new model") {
    const auto again = fitted("random", {}, data, 7);
    for (int u = 0; u < 4; ++u)
      for (int i = 0; i < 5; ++i) {
        CHECK(m->predict(u, i).raw == m->predict(u, i).raw);
        CHECK(again->predict(u, i).raw == m->predict(u, i).raw);
      }
  }
  SECTION("different seeds give different values") {
    const auto other = fitted("random", {}, data, 8);
    int differ = 0;
    for (int u = 0; u < 4; ++u)
      for (int i = 0; i < 5; ++i) differ += other->predict(u, i).raw != m->predict(u, i).raw;
    CHECK(differ == 20);
  }
  SECTION("different pairs give different values") {
    CHECK(m->predict(0, 1).raw != m->predict(1, 0).raw);
    CHECK(m->predict(0, 1).raw != m->predict(0, 2).raw);
  }
  SECTION("values are clipped to the rating scale, raw is not") {
    for (int u = 0; u < 4; ++u)
      for (int i = 0; i < 5; ++i) {
        const Prediction p = m->predict(u, i);
        CHECK(p.value == std::min(std::max(p.raw, 1.0f), 5.0f));
      }
  }
}

TEST_CASE("random: over many pairs the draws have mean mu and spread sigma", "[models]") {
  // 200 users x 50 items; user u rates items (u + j) % 50, j = 0..4, with (u + j) % 5 + 1: every
  // user rates 1..5 once, so mu = 3 and sigma = sqrt(((2^2 + 1 + 0 + 1 + 2^2) / 5)) = sqrt(2).
  std::string csv = "user,item,rating\n";
  for (int u = 0; u < 200; ++u)
    for (int j = 0; j < 5; ++j)
      csv += "u" + std::to_string(u) + ",i" + std::to_string((u + j) % 50) + "," + std::to_string((u + j) % 5 + 1) + "\n";
  const auto data = load(csv);
  REQUIRE(data->num_items() == 50);
  const auto m = fitted("random", {}, data, 12345);
  double sum = 0.0, sq = 0.0;
  const int n = data->num_users() * data->num_items();
  for (int u = 0; u < data->num_users(); ++u)
    for (int i = 0; i < data->num_items(); ++i) {
      const double r = m->predict(u, i).raw;
      sum += r;
      sq += r * r;
    }
  const double mean = sum / n;
  const double sd = std::sqrt(sq / n - mean * mean);
  // 10000 draws: the standard error of the mean is sqrt(2)/100 ~ 0.014.
  CHECK(mean == Approx(3.0).margin(0.05));
  CHECK(sd == Approx(std::sqrt(2.0)).margin(0.05));
}

// ---------------------------------------------------------------------------------------------
// baseline

TEST_CASE("baseline predicts mu + bu + bi and drops unknown terms", "[models]") {
  // u1: a 4, b 2; u2: a 3. mu = 3. ALS, one epoch, reg_u = 2, reg_i = 1 (see test_baselines.cpp):
  //   bi[a] = 1/3, bi[b] = -1/2, bu[u1] = 1/24, bu[u2] = -1/9.
  const auto data = load("user,item,rating\nu1,a,4\nu1,b,2\nu2,a,3\n");
  const auto m = fitted("baseline", {{"method", "als"}, {"epochs", "1"}, {"reg_u", "2"}, {"reg_i", "1"}}, data);
  Prediction p = m->predict(0, 1);  // 3 + 1/24 - 1/2
  CHECK(p.raw == Approx(3.0 + 1.0 / 24.0 - 0.5));
  CHECK_FALSE(p.fallback);
  p = m->predict(1, 1);  // 3 - 1/9 - 1/2
  CHECK(p.raw == Approx(3.0 - 1.0 / 9.0 - 0.5));
  CHECK_FALSE(p.fallback);

  p = m->predict(-1, 0);  // unknown user: 3 + 1/3
  CHECK(p.raw == Approx(3.0 + 1.0 / 3.0));
  CHECK(p.fallback);
  p = m->predict(0, -1);  // unknown item: 3 + 1/24
  CHECK(p.raw == Approx(3.0 + 1.0 / 24.0));
  CHECK(p.fallback);
  p = m->predict(-1, -1);
  CHECK(p.raw == Approx(3.0));
  CHECK(p.fallback);

  SECTION("a new person is folded in: the same ratings as u1 give u1's scores") {
    Profile person = Profile::of_user(*data, 0);
    std::vector<float> known, fresh;
    m->score(person, known);
    person.user = -1;
    m->score(person, fresh);
    REQUIRE(known.size() == 2);
    CHECK(fresh[0] == Approx(known[0]));
    CHECK(fresh[1] == Approx(known[1]));
    CHECK(known[1] == Approx(3.0 + 1.0 / 24.0 - 0.5));
  }
}

TEST_CASE("baseline with sgd", "[models]") {
  // One SGD epoch, learning rate 0.1, reg 0.5: bu = (-0.015, -0.01), bi = (0.085, -0.11).
  const auto data = load("user,item,rating\nu1,a,4\nu1,b,2\nu2,a,3\n");
  const auto m = fitted("baseline", {{"method", "sgd"}, {"epochs", "1"}, {"learning_rate", "0.1"}, {"reg", "0.5"}}, data);
  CHECK(m->predict(0, 1).raw == Approx(3.0 - 0.015 - 0.11));
  CHECK(m->predict(1, 0).raw == Approx(3.0 - 0.01 + 0.085));
}

// ---------------------------------------------------------------------------------------------
// popular

namespace {
// Counts: p 4, q 3, r 2, s 1, t 1 (indices p0 q1 r2 s3 t4).
const char* const kPopular =
    "user,item,rating\n"
    "u1,p,5\nu1,q,4\n"
    "u2,p,3\nu2,q,4\nu2,r,2\n"
    "u3,p,4\nu3,r,5\nu3,s,3\n"
    "u4,p,2\nu4,q,1\nu4,t,4\n";
}  // namespace

TEST_CASE("popular ranks items by their number of ratings, ties by lower index", "[models]") {
  const auto data = load(kPopular);
  const auto m = fitted("popular", {}, data);
  const auto all = m->popular(10);
  CHECK(items_of(all) == std::vector<int32_t>{0, 1, 2, 3, 4});  // s (3) before t (4): tie at 1
  REQUIRE(all.size() == 5);
  CHECK(all[0].score == 4.0f);
  CHECK(all[4].score == 1.0f);
  CHECK(items_of(m->popular(2, {0})) == std::vector<int32_t>{1, 2});

  // u3 rated p, r, s: left q (3 ratings) then t (1).
  const auto rec = m->recommend(Profile::of_user(*data, 2), 10);
  CHECK(items_of(rec) == std::vector<int32_t>{1, 4});
  CHECK(rec[0].score == 3.0f);
  CHECK(items_of(m->recommend(Profile::of_user(*data, 2), 1)) == std::vector<int32_t>{1});

  // As a predictor: the item's mean rating; the global mean 37/11 for an unknown item.
  CHECK(m->predict(0, 0).raw == Approx((5 + 3 + 4 + 2) / 4.0));
  CHECK(m->predict(0, 4).raw == Approx(4.0));
  const Prediction p = m->predict(0, -1);
  CHECK(p.raw == Approx(37.0 / 11.0));
  CHECK(p.fallback);
}

TEST_CASE("recommend with a filter: exclude, include, and re-recommending rated items", "[models]") {
  const auto data = load(kPopular);
  const auto m = fitted("popular", {}, data);
  const Profile u3 = Profile::of_user(*data, 2);  // rated p, r, s; unrated q (3 ratings), t (1)
  cofi::RecommendFilter filter;
  SECTION("exclude hides items on top of the rated ones") {
    filter.exclude = {1};
    CHECK(items_of(m->recommend(u3, 10, filter)) == std::vector<int32_t>{4});
  }
  SECTION("include restricts the candidates; rated items stay out") {
    filter.include = {4, 2};
    CHECK(items_of(m->recommend(u3, 10, filter)) == std::vector<int32_t>{4});
  }
  SECTION("exclude wins over include; out-of-range indices are ignored") {
    filter.include = {1, 4, 99, -1};
    filter.exclude = {4, 1234};
    CHECK(items_of(m->recommend(u3, 10, filter)) == std::vector<int32_t>{1});
  }
  SECTION("exclude_rated = false ranks every item, rated ones included") {
    filter.exclude_rated = false;
    CHECK(items_of(m->recommend(u3, 10, filter)) == std::vector<int32_t>{0, 1, 2, 3, 4});
  }
  SECTION("a person with no ratings gets the most popular allowed items") {
    filter.include = {2, 3, 4};
    filter.exclude = {2};
    CHECK(items_of(m->recommend(Profile{}, 10, filter)) == std::vector<int32_t>{3, 4});
  }
  SECTION("a learned model honours the filter too") {
    const auto svd = fitted("svd", {}, data);
    const auto all = items_of(svd->recommend(u3, 10));
    REQUIRE(all.size() == 2);
    filter.exclude = {all[0]};
    CHECK(items_of(svd->recommend(u3, 10, filter)) == std::vector<int32_t>{all[1]});
  }
}

TEST_CASE("a person with no ratings gets the most popular items", "[models]") {
  const auto data = load(kPopular);
  for (const std::string algo : {"baseline", "knn-basic", "knn-baseline", "global-mean"}) {
    const auto m = fitted(algo, {}, data);
    INFO(algo);
    CHECK(items_of(m->recommend(Profile{}, 3)) == std::vector<int32_t>{0, 1, 2});
  }
}

// ---------------------------------------------------------------------------------------------
// neighbourhood models: predicted values

TEST_CASE("knn user-based predictions, worked by hand", "[models]") {
  const auto data = load(kExample);
  // u1 on d: d's raters u2 (4), u3 (5), u4 (4); sims to u1: 2/3, 1/11, 1/9; sum = 86/99.
  SECTION("knn-basic") {
    const auto m = fitted("knn-basic", {}, data);
    // (2/3 * 4 + 1/11 * 5 + 1/9 * 4) / (86/99) = (264 + 45 + 44)/99 / (86/99) = 353/86
    const Prediction p = m->predict(u1, d);
    CHECK(p.raw == Approx(353.0 / 86.0));
    CHECK(p.neighbors == 3);
    CHECK_FALSE(p.fallback);
    // u1 on e: raters u2 (2), u3 (5): (2/3 * 2 + 1/11 * 5) / (2/3 + 1/11) = (44 + 15)/33 / (25/33) = 59/25
    CHECK(m->predict(u1, e).raw == Approx(59.0 / 25.0));
    CHECK(m->predict(u1, e).neighbors == 2);
  }
  SECTION("knn-means") {
    const auto m = fitted("knn-means", {}, data);
    // 3 + (2/3 (4 - 11/4) + 1/11 (5 - 3) + 1/9 (4 - 4)) / (86/99) = 3 + (5/6 + 2/11) * 99/86
    //   = 3 + 67/66 * 99/86 = 3 + 201/172 = 717/172
    CHECK(m->predict(u1, d).raw == Approx(717.0 / 172.0));
  }
  SECTION("knn-zscore") {
    const auto m = fitted("knn-zscore", {}, data);
    // sigmas (population): u1 sqrt(8/3), u2 sqrt(27/16) = 3 sqrt(3)/4, u3 2, u4 sqrt(2/3).
    // z of the neighbours on d: u2 (4 - 11/4) / (3 sqrt(3)/4) = 5 / (3 sqrt(3)); u3 (5-3)/2 = 1; u4 0.
    // 3 + sqrt(8/3) * (2/3 * 5/(3 sqrt 3) + 1/11 * 1) * 99/86
    const double expected = 3.0 + std::sqrt(8.0 / 3.0) * (2.0 / 3.0 * 5.0 / (3.0 * std::sqrt(3.0)) + 1.0 / 11.0) * 99.0 / 86.0;
    CHECK(m->predict(u1, d).raw == Approx(expected));
    CHECK(expected == Approx(4.376813).epsilon(1e-6));
  }
  SECTION("knn-baseline") {
    // ALS, one epoch, no regularisation: mu + bi = the item mean, and bu = the user's mean
    // deviation from the item means: u1 (5/3 + 2/3 - 4/3)/3 = 1/3, u2 (2/3 - 4/3 - 1/3 - 3/2)/4 = -5/8,
    // u3 (-7/3 - 4/3 + 2/3 + 3/2)/4 = -3/8, u4 (2/3 + 8/3 - 1/3)/3 = 1.
    const auto m = fitted("knn-baseline", {{"bsl_epochs", "1"}, {"bsl_reg_u", "0"}, {"bsl_reg_i", "0"}}, data);
    // b(u1,d) = 13/3 + 1/3 = 14/3. Residuals on d: u2 4 - (13/3 - 5/8) = 7/24,
    // u3 5 - (13/3 - 3/8) = 25/24, u4 4 - (13/3 + 1) = -4/3.
    // 14/3 + (2/3 * 7/24 + 1/11 * 25/24 - 1/9 * 4/3) * 99/86 = 14/3 + 335/2376 * 99/86 = 14/3 + 335/2064
    CHECK(m->predict(u1, d).raw == Approx(14.0 / 3.0 + 335.0 / 2064.0));
  }
}

TEST_CASE("knn item-based predictions, worked by hand", "[models]") {
  const auto data = load(kExample);
  // u1 on d, item-based: the neighbours are the items u1 rated, a (5), b (3), c (1) in that order,
  // with sims to d: a 1/9, b 2/19, c 1/6. Over 342: 38, 36, 57; sum 131/342.
  SECTION("knn-basic") {
    const auto m = fitted("knn-basic", {{"user_based", "false"}}, data);
    // (38 * 5 + 36 * 3 + 57 * 1) / 131 = 355/131
    const Prediction p = m->predict(u1, d);
    CHECK(p.raw == Approx(355.0 / 131.0));
    CHECK(p.neighbors == 3);
  }
  SECTION("knn-means") {
    const auto m = fitted("knn-means", {{"user_based", "false"}}, data);
    // 13/3 + (38 (5 - 10/3) + 36 (3 - 7/3) + 57 (1 - 7/3)) / 131 = 13/3 + (190 + 72 - 228)/3/131
    //   = 13/3 + 34/393 = 1737/393
    CHECK(m->predict(u1, d).raw == Approx(1737.0 / 393.0));
  }
  SECTION("knn-zscore") {
    const auto m = fitted("knn-zscore", {{"user_based", "false"}}, data);
    // item sigmas: a sqrt(26)/3, b 2 sqrt(2)/3, c 4 sqrt(2)/3, d sqrt(2)/3.
    // 13/3 + sqrt(2)/3 * (38 (5/3)/(sqrt(26)/3) + 36 (2/3)/(2 sqrt(2)/3) + 57 (-4/3)/(4 sqrt(2)/3)) / 131
    //   = 13/3 + (190 / (3 sqrt(13)) + 12 - 19) / 131
    const double expected = 13.0 / 3.0 + (190.0 / (3.0 * std::sqrt(13.0)) - 7.0) / 131.0;
    CHECK(m->predict(u1, d).raw == Approx(expected));
  }
  SECTION("knn-baseline, no regularisation: mu + bi is the item mean and bu cancels, as knn-means") {
    const auto m = fitted("knn-baseline", {{"user_based", "false"}, {"bsl_epochs", "1"}, {"bsl_reg_u", "0"},
                                           {"bsl_reg_i", "0"}}, data);
    CHECK(m->predict(u1, d).raw == Approx(1737.0 / 393.0));
  }
  SECTION("knn-baseline with the default (regularised) baselines") {
    const auto m = fitted("knn-baseline", {{"user_based", "false"}}, data);
    const cofi::Baselines bl = cofi::estimate_baselines(*data, cofi::BaselineOptions());
    auto base = [&](int user, int item) { return bl.mu + bl.bu[static_cast<size_t>(user)] + bl.bi[static_cast<size_t>(item)]; };
    const double sa = 1.0 / 9, sb = 2.0 / 19, sc = 1.0 / 6;
    const double expected =
        base(u1, d) + (sa * (5 - base(u1, a)) + sb * (3 - base(u1, b)) + sc * (1 - base(u1, c))) / (sa + sb + sc);
    CHECK(m->predict(u1, d).raw == Approx(expected));
  }
}

TEST_CASE("knn-zscore: a constant row takes the overall sigma (Surprise)", "[models]") {
  // u1 rates a 4, b 4 (sigma 0); u2 a 5, b 3, c 2; u3 a 1, c 5.
  const auto data = load("user,item,rating\nu1,a,4\nu1,b,4\nu2,a,5\nu2,b,3\nu2,c,2\nu3,a,1\nu3,c,5\n");
  // Overall: mean 24/7, sum of squares 96: variance 96/7 - 576/49 = 96/49, sigma = 4 sqrt(6) / 7.
  const double overall = 4.0 * std::sqrt(6.0) / 7.0;
  // u1 on c: raters u2 (2) and u3 (5); msd to u1: u2 over a,b (1 + 1)/2 -> 1/2; u3 over a 9 -> 1/10.
  // z: u2 mean 10/3, sigma sqrt(14)/3: (2 - 10/3) / (sqrt(14)/3) = -4/sqrt(14); u3 (5 - 3)/2 = 1.
  // 4 + overall * (1/2 * -4/sqrt(14) + 1/10 * 1) / (6/10)
  const double expected = 4.0 + overall * (0.5 * -4.0 / std::sqrt(14.0) + 0.1) / 0.6;
  CHECK(expected == Approx(2.986325));
  const auto m = fitted("knn-zscore", {}, data);
  CHECK(m->predict(0, 2).raw == Approx(expected));
  SECTION("and so does a new person with constant ratings") {
    Profile person = Profile::of_user(*data, 0);
    person.user = -1;
    std::vector<float> scores;
    m->score(person, scores);
    CHECK(scores[2] == Approx(expected));
  }
}

TEST_CASE("knn: k keeps the most similar neighbours, ties to the earlier rating", "[models]") {
  const auto data = load(kExample);
  SECTION("k = 2 on u1, d: u2 (2/3) and u4 (1/9), not u3 (1/11)") {
    const auto m = fitted("knn-basic", {{"k", "2"}}, data);
    const Prediction p = m->predict(u1, d);
    CHECK(p.raw == Approx(4.0));  // (2/3 * 4 + 1/9 * 4) / (7/9)
    CHECK(p.neighbors == 2);
  }
  SECTION("u4 on a: sims u1 1/9 and u2 1/9 tie, u3 2/7") {
    // a's raters in order: u1 (5), u2 (4), u3 (1).
    // k = 1: u3 only -> 1
    CHECK(fitted("knn-basic", {{"k", "1"}}, data)->predict(u4, a).raw == Approx(1.0));
    // k = 2: u3 and the earlier of the tie, u1: (2/7 * 1 + 1/9 * 5) / (2/7 + 1/9) = (18 + 35)/25 = 53/25
    //        (u2 instead would give (18 + 28)/25 = 46/25)
    const Prediction p = fitted("knn-basic", {{"k", "2"}}, data)->predict(u4, a);
    CHECK(p.raw == Approx(53.0 / 25.0));
    CHECK(p.neighbors == 2);
    // k = 3: all: (18 + 35 + 28)/63 / (32/63) = 81/32
    CHECK(fitted("knn-basic", {{"k", "3"}}, data)->predict(u4, a).raw == Approx(81.0 / 32.0));
  }
  SECTION("only positive similarities count as neighbours") {
    // pearson user-based: u1 vs u2 1, u3 0, u4 -1. On d only u2 (4) counts.
    const auto m = fitted("knn-basic", {{"similarity", "pearson"}}, data);
    const Prediction p = m->predict(u1, d);
    CHECK(p.raw == Approx(4.0));
    CHECK(p.neighbors == 1);
  }
}

TEST_CASE("knn: fewer than min_k neighbours fall back", "[models]") {
  const auto data = load(kExample);
  // u1 on d has 3 neighbours.
  const std::map<std::string, std::string> bsl = {{"bsl_epochs", "1"}, {"bsl_reg_u", "0"}, {"bsl_reg_i", "0"}};
  auto with = [&](std::map<std::string, std::string> p, const std::string& min_k) {
    p["min_k"] = min_k;
    return p;
  };
  SECTION("knn-basic -> the global mean") {
    const Prediction p = fitted("knn-basic", with({}, "4"), data)->predict(u1, d);
    CHECK(p.fallback);
    CHECK(p.raw == Approx(22.0 / 7.0));
    CHECK(p.neighbors == 3);
    const Prediction q = fitted("knn-basic", with({}, "3"), data)->predict(u1, d);
    CHECK_FALSE(q.fallback);
    CHECK(q.raw == Approx(353.0 / 86.0));
  }
  SECTION("knn-means and knn-zscore -> the user's mean (3 for u1)") {
    for (const std::string algo : {"knn-means", "knn-zscore"}) {
      INFO(algo);
      const Prediction p = fitted(algo, with({}, "4"), data)->predict(u1, d);
      CHECK(p.fallback);
      CHECK(p.raw == Approx(3.0));
    }
    // item-based: the item's mean (d: 13/3)
    const Prediction p = fitted("knn-means", with({{"user_based", "false"}}, "4"), data)->predict(u1, d);
    CHECK(p.fallback);
    CHECK(p.raw == Approx(13.0 / 3.0));
  }
  SECTION("knn-baseline -> the baseline b(u1,d) = 14/3") {
    const Prediction p = fitted("knn-baseline", with(bsl, "4"), data)->predict(u1, d);
    CHECK(p.fallback);
    CHECK(p.raw == Approx(14.0 / 3.0));
  }
}

TEST_CASE("knn: unknown user or item falls back", "[models]") {
  const auto data = load(kExample);
  for (const auto& algo : {"knn-basic", "knn-means", "knn-zscore"}) {
    INFO(algo);
    const auto m = fitted(algo, {}, data);
    const Prediction p = m->predict(-1, d);
    CHECK(p.fallback);
    CHECK(p.raw == Approx(22.0 / 7.0));
    CHECK(m->predict(u1, -1).fallback);
  }
  // knn-baseline keeps the known term: mu + bi[d] = 13/3; mu + bu[u1] = 22/7 + 1/3 = 73/21.
  const auto m = fitted("knn-baseline", {{"bsl_epochs", "1"}, {"bsl_reg_u", "0"}, {"bsl_reg_i", "0"}}, data);
  Prediction p = m->predict(-1, d);
  CHECK(p.fallback);
  CHECK(p.raw == Approx(13.0 / 3.0));
  p = m->predict(u1, -1);
  CHECK(p.fallback);
  CHECK(p.raw == Approx(73.0 / 21.0));
}

TEST_CASE("predictions are clipped to the training rating scale, raw is not", "[models]") {
  const auto data = load(kExample);
  // knn-means, u4 on e: raters u2 (2), u3 (5); sims to u4 1/9, 2/7 (sum 25/63).
  // 4 + (1/9 (2 - 11/4) + 2/7 (5 - 3)) / (25/63) = 4 + (-5.25 + 36)/63 * 63/25 = 4 + 30.75/25 = 5.23
  const Prediction p = fitted("knn-means", {}, data)->predict(u4, e);
  CHECK(p.raw == Approx(5.23));
  CHECK(p.value == 5.0f);
  CHECK_FALSE(p.fallback);
  // Unclipped predictions keep their value.
  const Prediction q = fitted("knn-means", {}, data)->predict(u1, d);
  CHECK(q.value == q.raw);
}

TEST_CASE("knn with pearson_baseline uses the fitted baselines in the right roles", "[models]") {
  const auto data = load(kExample);
  // Baselines from ALS, one epoch, no regularisation: mu + bi = the item mean, bu = (1/3, -5/8, -3/8, 1).
  // Residual r - (item mean + bu), over 24:
  //   u2: a 4 - 10/3 + 5/8 = 31/24, d 4 - 13/3 + 5/8 = 7/24, e 2 - 7/2 + 5/8 = -21/24
  //   u3: a 1 - 10/3 + 3/8 = -47/24, d 5 - 13/3 + 3/8 = 25/24, e 5 - 7/2 + 3/8 = 45/24
  const std::map<std::string, std::string> common = {
      {"similarity", "pearson_baseline"}, {"shrinkage", "0"}, {"bsl_epochs", "1"}, {"bsl_reg_u", "0"}, {"bsl_reg_i", "0"}};
  SECTION("item-based: rows are items (bx = bi), columns users (by = bu)") {
    auto params = common;
    params["user_based"] = "false";
    const auto m = fitted("knn-basic", params, data);
    const auto& sims = dynamic_cast<const cofi::Knn&>(*m).similarities();
    // d,e over u2,u3: (7 * -21 + 25 * 45) / sqrt((49 + 625)(441 + 2025)) = 978 / sqrt(674 * 2466)
    CHECK(sims.get(d, e) == Approx(978.0 / std::sqrt(674.0 * 2466.0)));
    CHECK(sims.get(d, e) == Approx(0.7585992));
  }
  SECTION("user-based: rows are users (bx = bu), columns items (by = bi)") {
    auto params = common;
    params["user_based"] = "true";
    const auto m = fitted("knn-basic", params, data);
    const auto& sims = dynamic_cast<const cofi::Knn&>(*m).similarities();
    // u2,u3 over a,d,e: (31 * -47 + 7 * 25 - 21 * 45) / sqrt((961 + 49 + 441)(2209 + 625 + 2025))
    //   = -2227 / sqrt(1451 * 4859)
    CHECK(sims.get(u2, u3) == Approx(-2227.0 / std::sqrt(1451.0 * 4859.0)));
  }
}

TEST_CASE("knn with pruned similarity storage uses only the kept neighbours", "[models]") {
  const auto data = load(kExample);
  const auto m = fitted("knn-basic", {{"max_dense_mb", "0"}, {"kept_neighbors", "1"}}, data);
  const auto* knn = dynamic_cast<const cofi::Knn*>(m.get());
  REQUIRE(knn != nullptr);
  CHECK_FALSE(knn->similarities().dense());
  // u1 keeps only u2 (2/3): u1 on d = u2's rating 4.
  const Prediction p = m->predict(u1, d);
  CHECK(p.raw == Approx(4.0));
  CHECK(p.neighbors == 1);
}

// ---------------------------------------------------------------------------------------------
// recommending

TEST_CASE("recommend: unrated items only, best first, at most n", "[models]") {
  const auto data = load(kExample);
  SECTION("knn-basic user-based, u1 (rated a, b, c)") {
    const auto m = fitted("knn-basic", {}, data);
    const Profile person = Profile::of_user(*data, u1);
    const auto all = m->recommend(person, 10);
    REQUIRE(items_of(all) == std::vector<int32_t>{d, e});  // 353/86 ~ 4.10 > 59/25 = 2.36
    CHECK(all[0].score == Approx(353.0 / 86.0));
    CHECK(all[1].score == Approx(59.0 / 25.0));
    CHECK(items_of(m->recommend(person, 1)) == std::vector<int32_t>{d});
    CHECK(m->recommend(person, 0).empty());
    CHECK_THROWS_AS(m->recommend(person, -1), std::invalid_argument);
  }
  SECTION("knn-means user-based, u4 (rated b, c, d): ranked by the unclipped estimate") {
    const auto m = fitted("knn-means", {}, data);
    const auto all = m->recommend(Profile::of_user(*data, u4), 10);
    // e: 5.23 (above); a: 4 + (1/9 * 2 + 1/9 * 1.25 + 2/7 * -2) / (32/63) = 4 - 13.25/32 = 3.5859375
    REQUIRE(items_of(all) == std::vector<int32_t>{e, a});
    CHECK(all[0].score == Approx(5.23));
    CHECK(all[1].score == Approx(3.5859375));
  }
  SECTION("scores match predict for every unrated item, for every knn model both ways") {
    for (const auto& algo : kKnn) {
      for (const std::string ub : {"true", "false"}) {
        const auto m = fitted(algo, {{"user_based", ub}}, data);
        for (int u = 0; u < 4; ++u) {
          std::vector<float> scores;
          m->score(Profile::of_user(*data, u), scores);
          const auto row = data->by_user().row(u);
          for (int i = 0; i < 5; ++i) {
            if (std::find(row.index, row.index + row.size, i) != row.index + row.size) continue;
            INFO(algo << " user_based=" << ub << " u" << u + 1 << " item " << i);
            const Prediction p = m->predict(u, i);
            if (p.fallback)
              CHECK(std::isnan(scores[static_cast<size_t>(i)]));
            else
              CHECK(scores[static_cast<size_t>(i)] == Approx(p.raw));
          }
        }
      }
    }
  }
}

TEST_CASE("recommend for a new profile equals recommend for the identical training user", "[models]") {
  const auto data = load(kExample);
  for (const auto& algo : kKnn) {
    for (const std::string sim : {"msd", "pearson_baseline", "cosine"}) {
      for (const std::string ub : {"false", "true"}) {
        std::map<std::string, std::string> params = {{"user_based", ub}, {"similarity", sim}};
        if (sim == "pearson_baseline") params["shrinkage"] = "1";
        const auto m = fitted(algo, params, data);
        for (int u = 0; u < 4; ++u) {
          INFO(algo << " " << sim << " user_based=" << ub << " u" << u + 1);
          Profile known = Profile::of_user(*data, u);
          Profile fresh = known;
          fresh.user = -1;
          std::vector<float> sk, sf;
          m->score(known, sk);
          m->score(fresh, sf);
          const auto row = data->by_user().row(u);
          for (int i = 0; i < 5; ++i) {
            // User-based, a new person also meets their own twin among the raters of items they
            // rated; only unrated items are comparable there (and only they are recommended).
            const bool rated = std::find(row.index, row.index + row.size, i) != row.index + row.size;
            if (ub == "true" && rated) continue;
            INFO("item " << i);
            if (std::isnan(sk[static_cast<size_t>(i)]))
              CHECK(std::isnan(sf[static_cast<size_t>(i)]));
            else
              CHECK(sf[static_cast<size_t>(i)] == Approx(sk[static_cast<size_t>(i)]).margin(1e-5));
          }
          const auto rk = m->recommend(known, 5);
          const auto rf = m->recommend(fresh, 5);
          CHECK(items_of(rk) == items_of(rf));
        }
      }
    }
  }
}

TEST_CASE("a new profile is scored from its own ratings", "[models]") {
  const auto data = load(kExample);
  // item-based knn-basic msd; the person rated a = 5 only. For d: a is the one neighbour (1/9) -> 5.
  const auto m = fitted("knn-basic", {{"user_based", "false"}}, data);
  Profile person;
  person.items = {a};
  person.ratings = {5.0f};
  std::vector<float> scores;
  m->score(person, scores);
  CHECK(scores[d] == Approx(5.0));
  CHECK(scores[b] == Approx(5.0));
  const auto top = m->recommend(person, 10);
  CHECK(top.size() == 4);  // every item but a has a positive msd to a
  for (const auto& s : top) CHECK(s.item != a);
  SECTION("a profile with mismatched lengths or bad items is refused") {
    Profile bad = person;
    bad.ratings.push_back(1.0f);
    CHECK_THROWS_AS(m->score(bad, scores), std::invalid_argument);
    Profile outside;
    outside.items = {7};
    outside.ratings = {1.0f};
    CHECK_THROWS_AS(m->score(outside, scores), std::out_of_range);
  }
}

TEST_CASE("similar_items: the item-based matrix, or cosine of the rating columns", "[models]") {
  const auto data = load(kExample);
  SECTION("item-based knn uses its own similarity (msd): a -> b 1/3, d 1/9, e 1/11, c 2/27") {
    const auto m = fitted("knn-basic", {{"user_based", "false"}}, data);
    const auto list = m->similar_items(a, 10);
    CHECK(items_of(list) == std::vector<int32_t>{b, d, e, c});
    CHECK(list[0].score == Approx(1.0 / 3.0));
    CHECK(items_of(m->similar_items(a, 2)) == std::vector<int32_t>{b, d});
  }
  SECTION("other models: cosine over shared users: a -> c 9/sqrt(82), b 16/sqrt(260), d, e") {
    const auto m = fitted("baseline", {}, data);
    const auto list = m->similar_items(a, 10);
    CHECK(items_of(list) == std::vector<int32_t>{c, b, d, e});
    CHECK(list[0].score == Approx(9.0 / std::sqrt(82.0)));
    CHECK(list[1].score == Approx(16.0 / std::sqrt(260.0)));
    CHECK_THROWS_AS(m->similar_items(9, 3), std::out_of_range);
  }
}

// ---------------------------------------------------------------------------------------------
// parameters, lifecycle

TEST_CASE("unknown parameters and bad values are refused, naming the key", "[models]") {
  CHECK_THAT(error_of("knn-basic", {{"K", "40"}}), Catch::Contains("'K'"));
  CHECK_THAT(error_of("knn-basic", {{"k", "0"}}), Catch::Contains("k=0"));
  CHECK_THAT(error_of("knn-basic", {{"k", "forty"}}), Catch::Contains("k=forty"));
  CHECK_THAT(error_of("knn-means", {{"min_k", "-1"}}), Catch::Contains("min_k"));
  CHECK_THAT(error_of("knn-zscore", {{"similarity", "jaccard"}}), Catch::Contains("similarity"));
  CHECK_THAT(error_of("knn-baseline", {{"user_based", "maybe"}}), Catch::Contains("user_based"));
  CHECK_THAT(error_of("knn-baseline", {{"bsl_method", "newton"}}), Catch::Contains("bsl_method"));
  CHECK_THAT(error_of("knn-basic", {{"similarity", "pearson_baseline"}, {"shrinkage", "x"}}),
             Catch::Contains("shrinkage"));
  CHECK_THAT(error_of("baseline", {{"epochs", "-1"}}), Catch::Contains("epochs"));
  CHECK_THAT(error_of("baseline", {{"method", "als"}, {"reg_u", "abc"}}), Catch::Contains("reg_u"));
  CHECK_THAT(error_of("baseline", {{"lr", "0.1"}}), Catch::Contains("'lr'"));
  CHECK_THAT(error_of("random", {{"seed", "1"}}), Catch::Contains("'seed'"));
  CHECK_THAT(error_of("popular", {{"k", "1"}}), Catch::Contains("'k'"));
  CHECK_THAT(error_of("global-mean", {{"x", "1"}}), Catch::Contains("'x'"));
  CHECK_THAT(error_of("svm", {}), Catch::Contains("unknown algorithm 'svm'"));
  // And good ones are accepted.
  CHECK(error_of("knn-baseline", {{"k", "5"}, {"min_k", "2"}, {"similarity", "pearson_baseline"}, {"shrinkage", "50"},
                                  {"bsl_method", "sgd"}, {"bsl_reg", "0.1"}, {"user_based", "false"}}) == "no error");
}

TEST_CASE("the registry lists every model, each creatable by name", "[models]") {
  const auto names = cofi::model_names();
  // Names are unique, and the models of the first issue come first, in the CLI's order.
  CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
  REQUIRE(names.size() >= 8);
  CHECK(std::vector<std::string>(names.begin(), names.begin() + 8) ==
        std::vector<std::string>{"random", "global-mean", "baseline", "popular", "knn-basic", "knn-means", "knn-zscore", "knn-baseline"});
  const auto data = load(kExample);
  for (const auto& name : names) {
    INFO(name);
    const auto m = fitted(name, {}, data);
    CHECK(m->algorithm() == name);
    CHECK(m->fitted());
    const Prediction p = m->predict(u1, d);
    CHECK(p.value >= 1.0f);
    CHECK(p.value <= 5.0f);
  }
}

TEST_CASE("a model must be fitted before use", "[models]") {
  const auto data = load(kExample);
  for (const auto& name : cofi::model_names()) {
    INFO(name);
    const auto m = cofi::make_model(name, Params());
    CHECK_FALSE(m->fitted());
    CHECK_THROWS_AS(m->predict(0, 0), std::logic_error);
    CHECK_THROWS_AS(m->recommend(Profile::of_user(*data, 0), 3), std::logic_error);
    CHECK_THROWS_AS(m->popular(3), std::logic_error);
    CHECK_THROWS_AS(m->similar_items(0, 3), std::logic_error);
    CHECK_THROWS_AS(m->train(), std::logic_error);
  }
  const auto m = cofi::make_model("baseline", Params());
  CHECK_THROWS_AS(m->fit(nullptr), std::invalid_argument);
  CHECK_THROWS_AS(m->fit(std::make_shared<const Dataset>()), std::invalid_argument);
  CHECK_FALSE(m->fitted());
  m->fit(data);
  CHECK_THROWS_AS(m->predict(4, 0), std::out_of_range);
  CHECK_THROWS_AS(m->predict(0, 5), std::out_of_range);
}
