#include <catch2/catch.hpp>

#include <cmath>

#include "io/ratings_reader.h"
#include "models/model.h"

using namespace cofi;

namespace {

std::shared_ptr<const Dataset> small() {
  // Items a, b, c, d rated by five users; e is rated only by u5.
  const char* csv =
      "user,item,rating\n"
      "u1,a,5\nu1,b,4\nu1,c,1\n"
      "u2,a,4\nu2,b,5\nu2,c,2\nu2,d,3\n"
      "u3,a,1\nu3,b,2\nu3,c,5\nu3,d,4\n"
      "u4,b,4\nu4,c,2\nu4,d,2\n"
      "u5,a,5\nu5,d,1\nu5,e,3\n";
  return std::make_shared<const Dataset>(read_ratings(csv, "small.csv").data);
}

}  // namespace

TEST_CASE("item-based knn explanations are the neighbours' terms of the prediction", "[explain]") {
  const auto data = small();
  Params p;
  p.set("user_based", "false");
  p.set("similarity", "cosine");
  auto model = make_model("knn-basic", p);
  model->fit(data);
  // u4 has not rated a: its estimate is sum sim(a, j) r_j / sum sim(a, j) over b, c, d.
  const int32_t u4 = data->users().find("u4"), a = data->items().find("a");
  const Profile person = Profile::of_user(*data, u4);
  const auto why = model->explain(person, a, 10);
  REQUIRE(why.size() == 3);
  double total = 0.0;
  for (const auto& c : why) total += c.weight;
  CHECK(total == Approx(model->predict(u4, a).raw).epsilon(1e-5));
  for (size_t k = 1; k < why.size(); ++k) CHECK(why[k - 1].weight >= why[k].weight);
  // b is rated 4 and is a's closest item: it leads.
  CHECK(data->items().id(why.front().item) == "b");
  CHECK(model->explain(person, a, 1).size() == 1);
}

TEST_CASE("the default explanation weighs rated items by similarity and rating deviation", "[explain]") {
  const auto data = small();
  auto model = make_model("baseline", Params());
  model->fit(data);
  // A new person who loved a and disliked c: for b (rated like a by most), a contributes, c does not.
  Profile fresh;
  fresh.items = {data->items().find("a"), data->items().find("c")};
  fresh.ratings = {5.0f, 1.0f};
  const int32_t b = data->items().find("b");
  const auto why = model->explain(fresh, b, 5);
  REQUIRE(why.size() == 1);
  CHECK(data->items().id(why[0].item) == "a");
  CHECK(why[0].weight == Approx(model->item_similarity(b, fresh.items[0]) * (5.0 - 3.0)));
  // Cosine of the rating columns, by hand for a and e: they share only u5 (5 and 3).
  const int32_t a = data->items().find("a"), e = data->items().find("e");
  CHECK(model->item_similarity(a, e) == Approx(15.0 / std::sqrt((25 + 16 + 1 + 25) * 9.0)));
  CHECK_THROWS_AS(model->explain(fresh, 99, 3), std::out_of_range);
}
