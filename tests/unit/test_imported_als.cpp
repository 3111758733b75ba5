// Item factors from Spark and implicit: reading every export layout, and folding a new person in
// exactly as the training system would (checked against a direct least-squares solution of the
// objective, by QR on the stacked system rather than by the normal equations the model uses).
#include <catch2/catch.hpp>

#include "support.h"

#include <Eigen/Dense>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include "cli/cli.h"
#include <fstream>
#include <sstream>

#include "io/factors_reader.h"
#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "io/json_reader.h"
#include "io/parse_error.h"
#include "models/imported_als.h"

using cofi::ItemFactors;
using cofi::Params;
using cofi::Profile;

using cofi::test::error_of;

namespace {

const std::filesystem::path kFixture = std::filesystem::path(__FILE__).parent_path() / ".." / "fixtures" / "spark-als";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The part files of a Spark output directory, concatenated in name order (as the CLI does).
std::string spark_parts(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> parts;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename().string().rfind("part-", 0) == 0) parts.push_back(entry.path());
  std::sort(parts.begin(), parts.end());
  std::string all;
  for (const auto& p : parts) all += read_file(p);
  return all;
}

Eigen::MatrixXd matrix_of(const ItemFactors& f) {
  Eigen::MatrixXd y(static_cast<Eigen::Index>(f.ids.size()), f.rank);
  for (Eigen::Index i = 0; i < y.rows(); ++i)
    for (Eigen::Index k = 0; k < f.rank; ++k) y(i, k) = f.values[static_cast<size_t>(i * f.rank + k)];
  return y;
}

// argmin_x sum_i w_i (t_i - x.y_i)^2 + lambda |x|^2 over the rows given, by QR of
// [sqrt(w) Y; sqrt(lambda) I] x = [sqrt(w) t; 0].
Eigen::VectorXd weighted_ridge(const Eigen::MatrixXd& y, const Eigen::VectorXd& w, const Eigen::VectorXd& t, double lambda) {
  const Eigen::Index n = y.rows(), k = y.cols();
  Eigen::MatrixXd a(n + k, k);
  Eigen::VectorXd b(n + k);
  for (Eigen::Index i = 0; i < n; ++i) {
    a.row(i) = std::sqrt(w(i)) * y.row(i);
    b(i) = std::sqrt(w(i)) * t(i);
  }
  a.bottomRows(k) = std::sqrt(lambda) * Eigen::MatrixXd::Identity(k, k);
  b.tail(k).setZero();
  return a.colPivHouseholderQr().solve(b);
}

void check_close(const std::vector<double>& got, const Eigen::VectorXd& want) {
  REQUIRE(static_cast<Eigen::Index>(got.size()) == want.size());
  for (Eigen::Index k = 0; k < want.size(); ++k) CHECK(got[static_cast<size_t>(k)] == Approx(want(k)).epsilon(1e-9).margin(1e-12));
}

Params params_of(std::map<std::string, std::string> values) { return Params(std::move(values)); }

}  // namespace

TEST_CASE("Spark itemFactors: JSON lines from the part files of the fixture", "[import]") {
  const ItemFactors f = cofi::read_spark_item_factors(spark_parts(kFixture / "itemFactors"), "itemFactors");
  CHECK(f.rank == 3);
  REQUIRE(f.ids.size() == 9);
  CHECK(f.ids.front() == "10");
  CHECK(f.ids.back() == "90");
  CHECK(f.values[0] == -0.352334f);
  CHECK(f.values[5] == -0.268622f);  // item 20, factor 3
}

TEST_CASE("Spark model metadata gives the explicitly set parameters before the defaults", "[import]") {
  const cofi::FactorSettings s = cofi::read_factor_settings(read_file(kFixture / "metadata" / "part-00000"), "metadata");
  CHECK(s.has_rank);
  CHECK(s.rank == 3);
  CHECK(s.reg == 0.05);         // paramMap, not defaultParamMap's 0.1
  CHECK(s.alpha == 1.0);        // defaultParamMap
  CHECK_FALSE(s.implicit);
  const cofi::FactorSettings plain = cofi::read_factor_settings("{\"rank\": 8, \"regParam\": 0.2, \"implicitPrefs\": true, \"alpha\": 40}", "p.json");
  CHECK(plain.rank == 8);
  CHECK(plain.reg == 0.2);
  CHECK(plain.alpha == 40.0);
  CHECK(plain.implicit);
  CHECK_FALSE(cofi::read_factor_settings("{}", "p.json").has_reg);
  CHECK(error_of([] { cofi::read_factor_settings("{\"regParam\": \"x\"}", "p.json"); }) == "p.json:1: \"regParam\" must be a number");
  CHECK(error_of([] { cofi::read_factor_settings("[1]", "p.json"); }) == "p.json:1: expected a JSON object of settings");
}

TEST_CASE("Spark itemFactors as CSV: a features column, or one column per factor", "[import]") {
  for (const char* text : {"id,features\n7,\"[0.5,-1.0]\"\n8,\"[2,3]\"\n", "id,features\n7,0.5 -1\n8,2 3\n", "id,f0,f1\n7,0.5,-1\n8,2,3\n",
                           "7,0.5,-1\n8,2,3\n"}) {
    INFO(text);
    const ItemFactors f = cofi::read_spark_item_factors(text, "f.csv");
    CHECK(f.rank == 2);
    CHECK(f.ids == std::vector<std::string>{"7", "8"});
    CHECK(f.values == std::vector<float>{0.5f, -1.0f, 2.0f, 3.0f});
  }
}

TEST_CASE("bad factor files are refused with the line and the problem", "[import]") {
  using cofi::read_spark_item_factors;
  CHECK(error_of([] { read_spark_item_factors("", "f.json"); }) == "f.json: the file is empty");
  CHECK(error_of([] { read_spark_item_factors("{\"id\":1,\"features\":[1,2]}\n{\"id\":2,\"features\":[1]}\n", "f.json"); }) ==
        "f.json:2: item \"2\" has 1 factors; the first item had 2");
  CHECK(error_of([] { read_spark_item_factors("{\"id\":1,\"features\":[1,2]}\n{\"id\":1,\"features\":[3,4]}\n", "f.json"); }) ==
        "f.json:2: item \"1\" appears twice");
  CHECK(error_of([] { read_spark_item_factors("{\"id\":1,\"features\":[1,2]\n", "f.json"); }) == "f.json:1: expected ',' or '}' in an object");
  CHECK(error_of([] { read_spark_item_factors("{\"id\":1}\n", "f.json"); }) == "f.json:1: expected an object with \"id\" and \"features\"");
  CHECK(error_of([] { read_spark_item_factors("{\"id\":1,\"features\":[1,\"x\"]}\n", "f.json"); }) ==
        "f.json:1: \"features\" must be an array of numbers");
  CHECK(error_of([] { read_spark_item_factors("{\"id\":1,\"features\":[1e39]}\n", "f.json"); }) ==
        "f.json:1: factor 1 of item \"1\" is not a finite float");
  CHECK(error_of([] { read_spark_item_factors("7,0.5,x\n", "f.csv"); }) == "f.csv:1: factor \"x\" is not a number");
  // Deep nesting is refused, not recursed into.
  CHECK(error_of([] { read_spark_item_factors(std::string(200, '['), "f.csv"); }) == "f.csv:1: expected an id and its factors");
  CHECK(error_of([] { cofi::parse_json(std::string(100, '['), "deep.json"); }) == "deep.json:1: JSON nested more than 64 levels deep");
}

namespace {

// A .npy file: header dict padded so the data starts at a multiple of 64, as numpy writes it.
std::string npy_file(const std::vector<float>& values, size_t rows, size_t cols, bool fortran) {
  std::string dict = "{'descr': '<f4', 'fortran_order': " + std::string(fortran ? "True" : "False") + ", 'shape': (" +
                     std::to_string(rows) + ", " + std::to_string(cols) + "), }";
  while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
  dict += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  out += dict;
  std::vector<float> data = values;
  if (fortran) {
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) data[c * rows + r] = values[r * cols + c];
  }
  out.append(reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float));
  return out;
}

}  // namespace

TEST_CASE("implicit's item_factors: a .npy matrix (C or Fortran order) and the id list", "[import]") {
  const std::vector<float> values = {1, 2, 3, 4, 5, 6};
  for (bool fortran : {false, true}) {
    const ItemFactors f = cofi::read_npy_item_factors(npy_file(values, 3, 2, fortran), "items.npy", "a\nb\nc\n", "ids.txt");
    CHECK(f.rank == 2);
    CHECK(f.ids == std::vector<std::string>{"a", "b", "c"});
    CHECK(f.values == values);
  }
  CHECK(error_of([&] { cofi::read_npy_item_factors(npy_file(values, 3, 2, false), "items.npy", "a\nb\n", "ids.txt"); }) ==
        "ids.txt: 2 ids for 3 rows of factors in items.npy");
  std::string cut = npy_file(values, 3, 2, false);
  cut.resize(cut.size() - 4);
  CHECK(error_of([&] { cofi::read_npy_item_factors(cut, "items.npy", "a\nb\nc\n", "ids.txt"); }) ==
        "items.npy: the .npy data holds 20 bytes; shape (3, 2) needs 24");
  CHECK(error_of([] { cofi::read_npy_item_factors("PK\x03\x04", "items.npy", "", "ids.txt"); }) == "items.npy: not a .npy file (no \\x93NUMPY magic)");
}

TEST_CASE("fold-in reproduces Spark's explicit ALS-WR solve", "[import]") {
  ItemFactors f = cofi::read_spark_item_factors(spark_parts(kFixture / "itemFactors"), "itemFactors");
  const Eigen::MatrixXd y = matrix_of(f);
  const auto model = cofi::import_item_factors(f, params_of({{"reg", "0.05"}}));
  const auto& imported = dynamic_cast<const cofi::ImportedAls&>(*model);
  Profile person;
  person.items = {0, 3, 4, 7};
  person.ratings = {5.0f, 1.0f, 3.5f, 4.0f};
  Eigen::MatrixXd rated(4, 3);
  Eigen::VectorXd r(4);
  for (int k = 0; k < 4; ++k) {
    rated.row(k) = y.row(person.items[static_cast<size_t>(k)]);
    r(k) = person.ratings[static_cast<size_t>(k)];
  }
  // min sum (r - x.y)^2 + regParam * n * |x|^2 over the rated items.
  check_close(imported.fold_in(person), weighted_ridge(rated, Eigen::VectorXd::Ones(4), r, 0.05 * 4));
  // Scores are x . y_i for every item; the rated ones are not recommended.
  const auto x = imported.fold_in(person);
  std::vector<float> scores;
  model->score(person, scores);
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    double s = 0;
    for (int k = 0; k < 3; ++k) s += x[static_cast<size_t>(k)] * static_cast<float>(y(i, k));
    CHECK(scores[static_cast<size_t>(i)] == Approx(s).epsilon(1e-5));
  }
  for (const auto& item : model->recommend(person, 10)) CHECK((item.item != 0 && item.item != 3 && item.item != 4 && item.item != 7));
}

TEST_CASE("fold-in reproduces Spark's implicit solve (confidence 1 + alpha |r| over positive ratings)", "[import]") {
  ItemFactors f = cofi::read_spark_item_factors(spark_parts(kFixture / "itemFactors"), "itemFactors");
  const Eigen::MatrixXd y = matrix_of(f);
  const auto model = cofi::import_item_factors(f, params_of({{"implicit", "true"}, {"reg", "0.1"}, {"alpha", "2.5"}}));
  const auto& imported = dynamic_cast<const cofi::ImportedAls&>(*model);
  Profile person;
  person.items = {1, 2, 5};
  person.ratings = {3.0f, 1.0f, 2.0f};
  // Every item counts: preference 1 with confidence 1 + alpha r for the rated, 0 with confidence 1
  // for the rest; lambda = regParam * (number of positive ratings).
  Eigen::VectorXd w = Eigen::VectorXd::Ones(y.rows()), p = Eigen::VectorXd::Zero(y.rows());
  for (size_t k = 0; k < person.items.size(); ++k) {
    w(person.items[k]) = 1.0 + 2.5 * person.ratings[k];
    p(person.items[k]) = 1.0;
  }
  check_close(imported.fold_in(person), weighted_ridge(y, w, p, 0.1 * 3));
  // A non-positive rating adds confidence but no preference, and does not count for lambda.
  person.items.push_back(6);
  person.ratings.push_back(-2.0f);
  w(6) = 1.0 + 2.5 * 2.0;
  check_close(imported.fold_in(person), weighted_ridge(y, w, p, 0.1 * 3));
}

TEST_CASE("fold-in reproduces implicit's solve (confidence alpha r, lambda not scaled)", "[import]") {
  ItemFactors f = cofi::read_spark_item_factors(spark_parts(kFixture / "itemFactors"), "itemFactors");
  const Eigen::MatrixXd y = matrix_of(f);
  const auto model = cofi::import_item_factors(f, params_of({{"convention", "implicit"}, {"reg", "0.01"}, {"alpha", "40"}}));
  const auto& imported = dynamic_cast<const cofi::ImportedAls&>(*model);
  Profile person;
  person.items = {0, 8};
  person.ratings = {1.0f, 2.0f};
  Eigen::VectorXd w = Eigen::VectorXd::Ones(y.rows()), p = Eigen::VectorXd::Zero(y.rows());
  w(0) = 40.0;
  p(0) = 1.0;
  w(8) = 80.0;
  p(8) = 1.0;
  check_close(imported.fold_in(person), weighted_ridge(y, w, p, 0.01));
}

TEST_CASE("an imported model saves, loads and recommends the same, and cannot be fitted", "[import]") {
  ItemFactors f = cofi::read_spark_item_factors(spark_parts(kFixture / "itemFactors"), "itemFactors");
  const auto model = cofi::import_item_factors(f, params_of({{"reg", "0.05"}}));
  const auto loaded = cofi::load_model(cofi::save_model(*model), "m.cofi");
  CHECK(loaded->algorithm() == "imported-als");
  Profile person;
  person.items = {2, 6};
  person.ratings = {4.0f, 2.0f};
  const auto a = model->recommend(person, 5), b = loaded->recommend(person, 5);
  REQUIRE(a.size() == b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    CHECK(a[k].item == b[k].item);
    CHECK(a[k].score == b[k].score);
  }
  CHECK(model->similar_items(0, 2).size() == 2);
  CHECK(model->predict(-1, 0).fallback);
  auto fresh = cofi::make_model("imported-als", params_of({}));
  const auto ratings = std::make_shared<const cofi::Dataset>(cofi::read_ratings("u,i,r\n1,a,4\n", "r.csv").data);
  CHECK(error_of([&] { fresh->fit(ratings); }) ==
        "imported-als is trained elsewhere (Spark, implicit): import its item factors instead of fitting it");
}

TEST_CASE("cofi import: Spark parts and settings, then recommend --model --rate folds a person in", "[import][cli]") {
  std::map<std::string, std::string> files = {
      {"p0.json", "{\"id\":1,\"features\":[1,0]}\n{\"id\":2,\"features\":[0,1]}\n"},
      {"p1.json", "{\"id\":3,\"features\":[0.9,0.1]}\n{\"id\":4,\"features\":[0.1,0.9]}\n"},
      {"settings.json", "{\"rank\":2,\"regParam\":0.1,\"implicitPrefs\":false}"},
      {"bad-rank.json", "{\"rank\":5}"}};
  auto run = [&](const std::vector<std::string>& args, std::string* out_text = nullptr) {
    std::ostringstream out, err;
    cofi::CliIo io;
    io.read_file = [&](const std::string& path) {
      auto found = files.find(path);
      if (found == files.end()) throw std::runtime_error("cannot read " + path + ": No such file or directory");
      return found->second;
    };
    io.write_file = [&](const std::string& path, const std::string& bytes) { files[path] = bytes; };
    io.out = &out;
    io.err = &err;
    const int status = cofi::run_cli(args, io);
    if (out_text) *out_text = out.str() + err.str();
    return status;
  };
  std::string text;
  REQUIRE(run({"import", "--factors", "p0.json", "--factors", "p1.json", "--settings", "settings.json", "--save", "m.cofi"}, &text) == 0);
  CHECK(text.rfind("imported 4 items x 2 factors (convention=spark, implicit=false, reg=0.1); saved m.cofi (", 0) == 0);
  // Someone who loved item 1 gets item 3 (its near twin) first.
  REQUIRE(run({"recommend", "--model", "m.cofi", "--rate", "1=5", "-n", "2"}, &text) == 0);
  CHECK(text.rfind("1\t3\t", 0) == 0);
  CHECK(run({"import", "--factors", "p0.json", "--settings", "bad-rank.json", "--save", "x.cofi"}, &text) == 2);
  CHECK(text == "cofi: error: bad-rank.json gives rank 5 but the factors have rank 2\n");
  CHECK(run({"import", "--save", "x.cofi"}, &text) == 2);
  CHECK(text == "cofi: error: import needs --factors FILE (Spark) or --npy FILE --ids FILE (implicit)\n");
  CHECK(run({"import", "--factors", "p0.json", "--factors", "p0.json", "--save", "x.cofi"}, &text) == 2);
  CHECK(text == "cofi: error: p0.json: item \"1\" also appears in an earlier part\n");
}
