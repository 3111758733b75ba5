#include "models/blend.h"

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "eval/split.h"
#include "io/binary.h"

namespace cofi {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

}  // namespace

Blend::Blend(const Params& params) {
  const std::string members =
      params.get_string("members", "knn-baseline:user_based=false,similarity=pearson_baseline|knn-baseline");
  holdout_ = params.get_double("holdout", 0.1, 0.01, 0.5);
  reg_ = params.get_double("reg", 0.001, 0.0, 1e6);
  params.finish(algorithm());
  if (members.empty()) throw std::invalid_argument("blend needs members, e.g. members=baseline|knn-baseline:user_based=false");
  for (const std::string& spec : split(members, '|')) {
    const size_t colon = spec.find(':');
    Member m;
    m.algorithm = spec.substr(0, colon);
    if (m.algorithm == "blend") throw std::invalid_argument("a blend cannot contain a blend");
    if (colon != std::string::npos) {
      for (const std::string& kv : split(spec.substr(colon + 1), ',')) {
        const size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
          throw std::invalid_argument("blend member " + spec + ": expected key=value, got \"" + kv + "\"");
        m.params.set(kv.substr(0, eq), kv.substr(eq + 1));
      }
    }
    specs_.push_back(std::move(m));
  }
  make_members();  // checks every member's name and parameters now, not at fit time
}

std::vector<std::unique_ptr<Model>> Blend::make_members() const {
  std::vector<std::unique_ptr<Model>> out;
  for (const Member& m : specs_) out.push_back(make_model(m.algorithm, m.params));
  return out;
}

void Blend::do_fit(const Dataset&, uint64_t seed) {
  const auto& train = train_shared();
  const size_t m = specs_.size();
  // 1. Members on the training part, predictions on the held-out part.
  const Fold fold = train_test_split(*train, holdout_, seed ^ 0xB1E2DULL);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(fold.test.size()), static_cast<Eigen::Index>(m + 1));
  Eigen::VectorXd y(static_cast<Eigen::Index>(fold.test.size()));
  x.col(0).setOnes();
  for (size_t k = 0; k < fold.test.size(); ++k) y(static_cast<Eigen::Index>(k)) = fold.test[k].value;
  {
    auto members = make_members();
    for (size_t j = 0; j < m; ++j) {
      members[j]->fit(fold.train, seed + j);
      for (size_t k = 0; k < fold.test.size(); ++k)
        x(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(j + 1)) =
            members[j]->predict(fold.test[k].user, fold.test[k].item).value;
    }
  }
  // 2. Ridge regression for the weights; the intercept is not penalised.
  Eigen::MatrixXd gram = x.transpose() * x;
  const double penalty = reg_ * static_cast<double>(fold.test.size());
  for (size_t j = 1; j <= m; ++j) gram(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j)) += penalty;
  const Eigen::VectorXd w = gram.ldlt().solve(x.transpose() * y);
  weights_.assign(w.data(), w.data() + w.size());
  // 3. Members again, on the whole training set.
  members_ = make_members();
  for (size_t j = 0; j < m; ++j) members_[j]->fit(train, seed + j);
}

Prediction Blend::do_predict(int32_t user, int32_t item) const {
  Prediction p;
  double est = weights_[0];
  bool all_fallback = true;
  for (size_t j = 0; j < members_.size(); ++j) {
    const Prediction mp = members_[j]->predict(user, item);
    est += weights_[j + 1] * mp.value;
    all_fallback = all_fallback && mp.fallback;
  }
  p.raw = static_cast<float>(est);
  p.fallback = all_fallback;
  return p;
}

void Blend::do_score(const Profile& person, std::vector<float>& scores) const {
  // Members' ranking scores on their own scales, blended with the rating weights; a member with
  // no score for an item contributes the training mean there.
  std::vector<float> member_scores;
  std::vector<double> total(scores.size(), weights_[0]);
  const double mu = train().global_mean();
  for (size_t j = 0; j < members_.size(); ++j) {
    members_[j]->score(person, member_scores);
    for (size_t i = 0; i < scores.size(); ++i)
      total[i] += weights_[j + 1] * (std::isnan(member_scores[i]) ? mu : member_scores[i]);
  }
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<float>(total[i]);
}

void Blend::write_state(BinaryWriter& out) const {
  out.vec(weights_);
  for (const auto& member : members_) member->save_state(out);
}

void Blend::read_state(const Dataset&, BinaryReader& in) {
  weights_ = in.vec<double>();
  if (weights_.size() != specs_.size() + 1) in.fail("blend weights do not match its members");
  members_ = make_members();
  for (auto& member : members_) member->load_state(train_shared(), in);
}

}  // namespace cofi
