// Compact models (models/compact.h): half-precision conversion, int8 and float16 factor encodings,
// answers to new people against the source model's own fold-in, the model file round trip, and
// refusal of malformed states.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <sstream>

#include "io/binary.h"
#include "io/model_file.h"
#include "io/parse_error.h"
#include "kernels/float16.h"
#include "models/compact.h"
#include "models/imported_als.h"
#include "models/als.h"
#include "models/ials.h"
#include "models/svd.h"
#include "support.h"

using cofi::CompactModel;
using cofi::FactorEncoding;
using cofi::Model;
using cofi::Params;
using cofi::Profile;
using cofi::kernels::float_to_half;
using cofi::kernels::half_to_float;

using cofi::test::error_of;

namespace {

// 80 people x 50 items with two planted tastes, ratings 1-5, about 40% of pairs rated (seeded LCG).
std::shared_ptr<const cofi::Dataset> planted_ratings() {
  std::ostringstream csv;
  uint64_t state = 12345;
  auto next = [&state]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (int u = 0; u < 80; ++u)
    for (int i = 0; i < 50; ++i) {
      if (next() > 0.4) continue;
      const bool likes = (u % 2) == (i % 2);
      int r = static_cast<int>(std::lround((likes ? 4.0 : 2.0) + 2.0 * (next() - 0.5)));
      r = std::max(1, std::min(5, r));
      csv << "u" << u << ",i" << i << "," << r << "\n";
    }
  return cofi::test::load(csv.str());
}

Params with(std::map<std::string, std::string> values) { return Params(std::move(values)); }

std::unique_ptr<Model> fitted(const std::string& algorithm, const Params& params = Params{}) {
  auto model = cofi::make_model(algorithm, params);
  model->fit(planted_ratings(), 7);
  return model;
}

// Visitors: the first half of several training users' rows, as new people.
std::vector<Profile> visitors(const cofi::Dataset& data) {
  std::vector<Profile> people;
  for (int32_t u : {0, 3, 10, 41, 77}) {
    const Profile whole = Profile::of_user(data, u);
    Profile half;
    const size_t keep = std::max<size_t>(1, whole.items.size() / 2);
    half.items.assign(whole.items.begin(), whole.items.begin() + static_cast<std::ptrdiff_t>(keep));
    half.ratings.assign(whole.ratings.begin(), whole.ratings.begin() + static_cast<std::ptrdiff_t>(keep));
    people.push_back(half);
  }
  return people;
}

double largest_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double worst = 0.0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(static_cast<double>(a[i]) - b[i]));
  return worst;
}

}  // namespace

TEST_CASE("float16 conversion round-trips every half and rounds to nearest even", "[compact]") {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = half_to_float(static_cast<uint16_t>(h));
    if (std::isnan(f)) {
      CHECK(std::isnan(half_to_float(float_to_half(f))));
    } else {
      REQUIRE(float_to_half(f) == h);
    }
  }
  CHECK(float_to_half(1.0f) == 0x3C00);
  CHECK(float_to_half(-2.0f) == 0xC000);
  CHECK(float_to_half(65504.0f) == 0x7BFF);
  CHECK(float_to_half(65519.0f) == 0x7BFF);
  CHECK(float_to_half(65520.0f) == 0x7C00);  // rounds up past the largest half: infinity
  CHECK(float_to_half(std::ldexp(1.0f, -24)) == 0x0001);
  CHECK(float_to_half(std::ldexp(1.0f, -25)) == 0x0000);         // a tie between 0 and 2^-24: even
  CHECK(float_to_half(std::ldexp(3.0f, -26)) == 0x0001);         // above the tie
  CHECK(float_to_half(1.0f + std::ldexp(1.0f, -11)) == 0x3C00);  // tie: to the even 1.0
  CHECK(float_to_half(1.0f + std::ldexp(3.0f, -11)) == 0x3C02);  // tie: to the even 1 + 2^-9
  // Relative error of any value in the normal range: at most 2^-11.
  uint64_t state = 99;
  for (int n = 0; n < 100000; ++n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const float v = static_cast<float>(std::ldexp(static_cast<double>(state >> 11) / 9007199254740992.0 + 0.5, static_cast<int>(state % 28) - 13));
    const float back = half_to_float(float_to_half(v));
    REQUIRE(std::fabs(back - v) <= std::ldexp(std::fabs(v), -11));
  }
}

TEST_CASE("compact float32 models answer new people as their source does", "[compact]") {
  for (const std::string algorithm : {"svd", "als", "ials"}) {
    INFO(algorithm);
    auto source = fitted(algorithm, with({{"factors", "8"}}));
    auto compact = cofi::compact_model(*source, FactorEncoding::Float32);
    CHECK(compact->algorithm() == "compact");
    CHECK(compact->params().get_string("source", "") == algorithm);
    CHECK(compact->train().num_users() == 0);
    CHECK(compact->train().num_items() == source->train().num_items());
    for (const Profile& person : visitors(source->train())) {
      const auto expected = cofi::test::scores_of(*source, person);
      const auto got = cofi::test::scores_of(*compact, person);
      // svd shares the very solve; als and ials solve the same system by another factorisation.
      CHECK(largest_difference(expected, got) <= (algorithm == "svd" ? 0.0 : 1e-4));
      // Every recommended item is one the source ranks as highly (to that tolerance).
      const auto ranked = source->recommend(person, 10);
      for (const auto& item : compact->recommend(person, 10))
        CHECK(expected[static_cast<size_t>(item.item)] >= ranked.back().score - 1e-4);
    }
    // Someone with no ratings gets the source's popular list (the counts are kept).
    const auto popular = compact->recommend(Profile{}, 10);
    const auto source_popular = source->recommend(Profile{}, 10);
    REQUIRE(popular.size() == source_popular.size());
    for (size_t k = 0; k < popular.size(); ++k) CHECK(popular[k].item == source_popular[k].item);
    // Similar items by factor cosine: svd's own measure (als and ials rank by rating columns, which
    // a compact model does not keep).
    const auto similar = compact->similar_items(2, 5);
    const auto source_similar = algorithm == "svd" ? source->similar_items(2, 5)
                                : algorithm == "als" ? cofi::similar_by_factors(dynamic_cast<const cofi::Als&>(*source).item_factors(), 8, 2, 5)
                                                     : cofi::similar_by_factors(dynamic_cast<const cofi::Ials&>(*source).item_factors(), 8, 2, 5);
    REQUIRE(similar.size() == source_similar.size());
    for (size_t k = 0; k < similar.size(); ++k) CHECK(similar[k].item == source_similar[k].item);
  }
}

TEST_CASE("compact int8 and float16 factors stay within their rounding bounds", "[compact]") {
  auto source = fitted("svd", with({{"factors", "16"}}));
  const auto& original = dynamic_cast<const cofi::Svd&>(*source).item_factors();
  const int k = 16;
  auto int8 = cofi::compact_model(*source, FactorEncoding::Int8);
  auto half = cofi::compact_model(*source, FactorEncoding::Float16);
  const auto& q8 = dynamic_cast<const CompactModel&>(*int8).item_factors();
  const auto& q16 = dynamic_cast<const CompactModel&>(*half).item_factors();
  REQUIRE(q8.size() == original.size());
  REQUIRE(q16.size() == original.size());
  bool any_changed = false;
  for (size_t i = 0; i < original.size() / k; ++i) {
    float largest = 0.0f;
    for (int f = 0; f < k; ++f) largest = std::max(largest, std::fabs(original[i * k + f]));
    const float scale = largest / 127.0f;
    for (int f = 0; f < k; ++f) {
      const float v = original[i * k + f];
      CHECK(std::fabs(q8[i * k + f] - v) <= scale * 0.5f * 1.0001f);
      CHECK(std::fabs(q16[i * k + f] - v) <= std::ldexp(std::fabs(v), -11) + std::ldexp(1.0f, -25));
      any_changed = any_changed || q8[i * k + f] != v;
    }
  }
  CHECK(any_changed);  // int8 did round something: the bounds above were not met trivially
  // Scores move by little; the model file shrinks by far more than 3x (no ratings, no users, 1 byte per value).
  for (const Profile& person : visitors(source->train())) {
    const auto expected = cofi::test::scores_of(*source, person);
    CHECK(largest_difference(expected, cofi::test::scores_of(*int8, person)) < 0.05);
    CHECK(largest_difference(expected, cofi::test::scores_of(*half, person)) < 0.005);
  }
  const size_t full = cofi::save_model(*source).size();
  CHECK(cofi::save_model(*int8).size() * 3 < full);
  CHECK(cofi::save_model(*half).size() < cofi::save_model(*cofi::compact_model(*source, FactorEncoding::Float32)).size());
}

TEST_CASE("a saved compact model loads to the same answers and the same bytes", "[compact]") {
  for (const std::string algorithm : {"svd", "als", "ials"})
    for (FactorEncoding encoding : {FactorEncoding::Float32, FactorEncoding::Float16, FactorEncoding::Int8}) {
      INFO(algorithm << " " << cofi::factor_encoding_name(encoding));
      auto source = fitted(algorithm, with({{"factors", "6"}}));
      auto compact = cofi::compact_model(*source, encoding);
      const std::string bytes = cofi::save_model(*compact);
      auto loaded = cofi::load_model(bytes, "compact.cofi");
      CHECK(loaded->algorithm() == "compact");
      CHECK(cofi::save_model(*loaded) == bytes);
      for (const Profile& person : visitors(source->train()))
        CHECK(cofi::test::scores_of(*loaded, person) == cofi::test::scores_of(*compact, person));
    }
}

TEST_CASE("a compact unbiased svd keeps scoring without biases", "[compact]") {
  auto source = fitted("svd", with({{"factors", "6"}, {"biased", "false"}}));
  auto compact = cofi::compact_model(*source, FactorEncoding::Float32);
  for (const Profile& person : visitors(source->train()))
    CHECK(largest_difference(cofi::test::scores_of(*source, person), cofi::test::scores_of(*compact, person)) == 0.0);
}

TEST_CASE("a compact model of imported factors folds in with the imported convention", "[compact]") {
  cofi::ItemFactors factors;
  factors.rank = 3;
  for (int i = 0; i < 6; ++i) {
    factors.ids.push_back("item" + std::to_string(i));
    for (int f = 0; f < 3; ++f) factors.values.push_back(static_cast<float>(std::sin(1.0 + i * 3 + f)));
  }
  for (const std::string convention : {"spark", "implicit"}) {
    INFO(convention);
    Params params = with({{"convention", convention}, {"reg", "0.2"}, {"alpha", "3"}});
    if (convention == "spark") params.set("implicit", "true");
    auto imported = cofi::import_item_factors(factors, params);
    auto compact = cofi::compact_model(*imported, FactorEncoding::Float32);
    Profile person;
    person.items = {0, 2, 5};
    person.ratings = {1.0f, 4.0f, 2.0f};
    CHECK(cofi::test::scores_of(*compact, person) == cofi::test::scores_of(*imported, person));
    auto loaded = cofi::load_model(cofi::save_model(*compact), "compact.cofi");
    CHECK(cofi::test::scores_of(*loaded, person) == cofi::test::scores_of(*imported, person));
  }
}

TEST_CASE("compact models are refused from other models and cannot be fitted", "[compact]") {
  auto knn = fitted("knn-basic");
  CHECK(error_of([&] { cofi::compact_model(*knn, FactorEncoding::Int8); }) ==
        "compact models are made from svd, als, ials or imported-als models (which serve new people from item factors "
        "alone), not from knn-basic");
  auto unfitted = cofi::make_model("svd", Params{});
  CHECK_THROWS_AS(cofi::compact_model(*unfitted, FactorEncoding::Int8), std::logic_error);
  auto compact = cofi::make_model("compact", with({{"source", "svd"}}));
  CHECK(error_of([&] { compact->fit(planted_ratings(), 1); }) ==
        "a compact model is made from a fitted svd, als, ials or imported-als model (compact), not fitted");
  CHECK_THROWS_AS(cofi::make_model("compact", with({{"source", "knn-basic"}})), std::invalid_argument);
  CHECK_THROWS_AS(cofi::make_model("compact", with({{"encoding", "int4"}})), std::invalid_argument);
  // The source's parameters are checked as the source checks them.
  CHECK_THROWS_AS(cofi::make_model("compact", with({{"source", "svd"}, {"factorz", "3"}})), std::invalid_argument);
  CHECK(cofi::parse_factor_encoding("float16") == FactorEncoding::Float16);
  CHECK(error_of([] { cofi::parse_factor_encoding("bf16"); }) == "unknown factor encoding \"bf16\" (float32, float16 or int8)");
}

TEST_CASE("malformed compact states are refused with the problem named", "[compact]") {
  // Two items, 2 factors, svd: a state written by hand, then spoiled one field at a time.
  cofi::IdMap items;
  items.intern("a");
  items.intern("b");
  auto train = std::make_shared<const cofi::Dataset>(cofi::IdMap{}, std::move(items), std::vector<cofi::Rating>{}, false);
  struct Spoil {
    std::string encoding = "int8";
    int32_t factors = 2;
    uint8_t written_encoding = 2;
    float scale = 0.5f;
    float bias = 0.1f;
    uint16_t half = 0x3C00;
  };
  auto load = [&](const Spoil& s) {
    cofi::BinaryWriter state;
    state.u64(0);
    state.i32(s.factors);
    state.vec(std::vector<uint32_t>{3, 1});
    state.f32(3.5f);
    state.vec(std::vector<float>{s.bias, -0.1f});
    state.u8(s.written_encoding);
    if (s.encoding == "int8") {
      state.vec(std::vector<float>{s.scale, 0.25f});
      state.vec(std::vector<uint8_t>{1, 255, 127, 0});
    } else {
      state.vec(std::vector<uint16_t>{s.half, 0, 0, 0x3C00});
    }
    auto model = cofi::make_model("compact", with({{"source", "svd"}, {"factors", "2"}, {"encoding", s.encoding}}));
    cofi::BinaryReader in(state.bytes(), "m.cofi");
    model->load_state(train, in);
    return model;
  };
  // The well-formed state loads, and decodes codes as two's complement times the item's scale.
  auto good = load(Spoil{});
  const auto& f = dynamic_cast<const CompactModel&>(*good).item_factors();
  CHECK(f == std::vector<float>{0.5f, -0.5f, 127 * 0.25f, 0.0f});
  CHECK(good->popular(2)[0].item == 0);
  Spoil s;
  s.factors = 3;
  CHECK_THROWS_WITH(load(s), Catch::Contains("the compact model has 3 factors, but its svd parameters give 2"));
  s = Spoil{};
  s.written_encoding = 1;
  CHECK_THROWS_WITH(load(s), Catch::Contains("the compact factors are encoded as float16, but the parameters say int8"));
  s.written_encoding = 9;
  CHECK_THROWS_WITH(load(s), Catch::Contains("unknown encoding 9"));
  s = Spoil{};
  s.scale = std::nanf("");
  CHECK_THROWS_WITH(load(s), Catch::Contains("a compact item scale is negative or not a finite number"));
  s = Spoil{};
  s.bias = INFINITY;
  CHECK_THROWS_WITH(load(s), Catch::Contains("a compact item bias is not a finite number"));
  s = Spoil{};
  s.encoding = "float16";
  s.written_encoding = 1;
  CHECK_NOTHROW(load(s));
  s.half = 0x7C00;  // infinity
  CHECK_THROWS_WITH(load(s), Catch::Contains("a compact item factor is not a finite number"));
  CHECK_THROWS_AS(load(s), cofi::ParseError);
}
