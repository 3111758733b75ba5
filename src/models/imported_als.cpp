#include "models/imported_als.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "io/binary.h"
#include "kernels/vector_ops.h"
#include "models/svd.h"

namespace cofi {

ImportedAls::ImportedAls(const Params& params)
    : spark_(params.get_choice("convention", "spark", {"spark", "implicit"}) == "spark"),
      implicit_(params.get_bool("implicit", false)),
      reg_(params.get_double("reg", 0.1, 0.0, 1e9)),
      alpha_(params.get_double("alpha", 1.0, 0.0, 1e9)) {
  params.finish(algorithm());
  if (!spark_ && !implicit_) {
    // implicit (the library) only trains implicit-feedback models.
    implicit_ = true;
  }
}

void ImportedAls::do_fit(const Dataset&, uint64_t) {
  throw std::invalid_argument(
      "imported-als is trained elsewhere (Spark, implicit): import its item factors instead of fitting it");
}

Prediction ImportedAls::do_predict(int32_t, int32_t) const {
  // No training users: a rating for a known user cannot be asked; score a profile instead.
  Prediction p;
  p.fallback = true;
  return p;
}

std::vector<double> ImportedAls::fold_in(const Profile& person) const {
  const Eigen::Index k = rank_;
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(k, k);
  Eigen::VectorXd b = Eigen::VectorXd::Zero(k);
  double weight_count = 0.0;  // Spark's numExplicits: all ratings (explicit) or positive ones (implicit)
  if (implicit_) a = Eigen::Map<const Eigen::MatrixXd>(gram_.data(), k, k);
  for (size_t r = 0; r < person.items.size(); ++r) {
    const float* y = item_factors_.data() + static_cast<size_t>(person.items[r]) * static_cast<size_t>(k);
    const Eigen::VectorXd yv = Eigen::Map<const Eigen::VectorXf>(y, k).cast<double>();
    const double rating = person.ratings[r];
    if (!implicit_) {
      a.selfadjointView<Eigen::Lower>().rankUpdate(yv);
      b += rating * yv;
      weight_count += 1.0;
    } else if (spark_) {
      const double c1 = alpha_ * std::fabs(rating);
      a.selfadjointView<Eigen::Lower>().rankUpdate(yv, c1);
      if (rating > 0) {
        b += (1.0 + c1) * yv;
        weight_count += 1.0;
      }
    } else {
      const double confidence = alpha_ * rating;
      a.selfadjointView<Eigen::Lower>().rankUpdate(yv, std::fabs(confidence) - 1.0);
      if (confidence > 0) b += confidence * yv;
    }
  }
  // Spark weighs lambda by the number of (positive) ratings; implicit adds it once.
  const double lambda = spark_ ? reg_ * weight_count : reg_;
  a.diagonal().array() += lambda;
  std::vector<double> x(static_cast<size_t>(k), 0.0);
  if (person.items.empty() || b.isZero(0.0)) return x;
  const Eigen::VectorXd solution = a.selfadjointView<Eigen::Lower>().ldlt().solve(b);
  for (Eigen::Index f = 0; f < k; ++f) x[static_cast<size_t>(f)] = solution(f);
  return x;
}

void ImportedAls::do_score(const Profile& person, std::vector<float>& scores) const {
  const std::vector<double> x = fold_in(person);
  std::vector<float> xf(x.begin(), x.end());
  for (size_t i = 0; i < scores.size(); ++i)
    scores[i] = kernels::dot(item_factors_.data() + i * static_cast<size_t>(rank_), xf.data(), rank_);
}

std::vector<ScoredItem> ImportedAls::similar_items(int32_t item, int n) const {
  require_fitted("similar_items");
  if (item < 0 || item >= train().num_items()) throw std::out_of_range("similar_items: unknown item");
  return similar_by_factors(item_factors_, rank_, item, n);
}

float ImportedAls::item_similarity(int32_t a, int32_t b) const {
  require_fitted("item_similarity");
  if (a < 0 || b < 0 || a >= train().num_items() || b >= train().num_items())
    throw std::out_of_range("item_similarity: unknown item");
  return factor_cosine(item_factors_, rank_, a, b);
}

void ImportedAls::write_state(BinaryWriter& out) const {
  out.i32(rank_);
  out.vec(item_factors_);
}

void ImportedAls::read_state(const Dataset& train, BinaryReader& in) {
  const int32_t rank = in.i32();
  if (rank < 1 || rank > 100000) in.fail("imported-als rank " + std::to_string(rank) + " is out of range");
  std::vector<float> factors = in.vec<float>();
  if (factors.size() != static_cast<size_t>(train.num_items()) * static_cast<size_t>(rank))
    in.fail("imported-als factors do not match the items and the rank");
  rank_ = rank;
  item_factors_ = std::move(factors);
  // Y^T Y once, for every implicit fold-in.
  const Eigen::Index k = rank_;
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(k, k);
  const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> y(
      item_factors_.data(), train.num_items(), k);
  gram.selfadjointView<Eigen::Lower>().rankUpdate(y.transpose().cast<double>());
  gram.triangularView<Eigen::StrictlyUpper>() = gram.transpose();
  gram_.assign(gram.data(), gram.data() + k * k);
}

std::unique_ptr<Model> import_item_factors(ItemFactors factors, const Params& params) {
  if (factors.ids.empty() || factors.rank < 1) throw std::invalid_argument("no item factors to import");
  if (factors.values.size() != factors.ids.size() * static_cast<size_t>(factors.rank))
    throw std::invalid_argument("item factors and ids disagree in size");
  IdMap items;
  for (const auto& id : factors.ids) items.intern(id);
  const bool implicit = params.get_bool("implicit", false) || params.get_string("convention", "spark") == "implicit";
  auto train = std::make_shared<const Dataset>(IdMap{}, std::move(items), std::vector<Rating>{}, implicit);
  // The factors enter through the model's own state reader, which validates them as it would a
  // saved model's; the model is then fitted on a training set of items only.
  BinaryWriter state;
  state.u64(0);  // seed: unused
  state.i32(factors.rank);
  state.vec(factors.values);
  auto model = make_model("imported-als", params);
  BinaryReader reader(state.bytes(), "imported factors");
  model->load_state(train, reader);
  return model;
}

}  // namespace cofi
