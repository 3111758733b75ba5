#include "models/knn.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace cofi {

Knn::Knn(KnnVariant variant, const Params& params) : variant_(variant) {
  k_ = params.get_int("k", 40, 1, 1000000);
  min_k_ = params.get_int("min_k", 1, 0, 1000000);
  user_based_ = params.get_bool("user_based", true);
  sim_options_.kind = parse_similarity(
      params.get_choice("similarity", "msd", {"msd", "cosine", "pearson", "pearson_baseline"}));
  sim_options_.min_support = params.get_int("min_support", 1, 0, 1000000000);
  if (sim_options_.kind == SimilarityKind::PearsonBaseline)
    sim_options_.shrinkage = params.get_double("shrinkage", 100.0, 0.0, 1e12);
  needs_baselines_ = variant_ == KnnVariant::Baseline || sim_options_.kind == SimilarityKind::PearsonBaseline;
  if (needs_baselines_) baseline_options_ = BaselineOptions::from_params(params, "bsl_");
  max_dense_bytes_ = static_cast<size_t>(params.get_int("max_dense_mb", 256, 0, 4095)) << 20;
  kept_neighbors_ = params.get_int("kept_neighbors", std::max(256, k_), 1, 1000000);
  params.finish(algorithm());
}

std::string Knn::algorithm() const {
  switch (variant_) {
    case KnnVariant::Basic: return "knn-basic";
    case KnnVariant::Means: return "knn-means";
    case KnnVariant::ZScore: return "knn-zscore";
    case KnnVariant::Baseline: return "knn-baseline";
  }
  return "knn";
}

namespace {

// `zero_sigma` stands in for the sigma of a constant row: Surprise uses the overall sigma.
void row_mean_sigma(const float* values, int32_t n, double zero_sigma, double& mean, double& sigma) {
  double sum = 0.0;
  for (int32_t k = 0; k < n; ++k) sum += values[k];
  mean = n > 0 ? sum / n : 0.0;
  double sq = 0.0;
  for (int32_t k = 0; k < n; ++k) sq += (values[k] - mean) * (values[k] - mean);
  const double var = n > 0 ? sq / n : 0.0;
  sigma = var == 0.0 ? zero_sigma : std::sqrt(var);
}

}  // namespace

void Knn::do_fit(const Dataset& train, uint64_t) {
  const SparseRows& xs = x_rows(train);
  if (needs_baselines_) baselines_ = estimate_baselines(train, baseline_options_);
  if (variant_ == KnnVariant::Means || variant_ == KnnVariant::ZScore) {
    // The population sigma of all ratings, for constant rows (as Surprise's KNNWithZScore); the
    // rows' values are contiguous, starting at row 0's.
    double overall_mean = 0.0;
    row_mean_sigma(train.by_user().row(0).value, static_cast<int32_t>(train.num_ratings()), 1.0, overall_mean,
                   overall_sigma_);
    mean_x_.assign(static_cast<size_t>(xs.rows()), 0.0);
    sigma_x_.assign(static_cast<size_t>(xs.rows()), 1.0);
    for (int32_t x = 0; x < xs.rows(); ++x) {
      const SparseRow row = xs.row(x);
      row_mean_sigma(row.value, row.size, overall_sigma_, mean_x_[static_cast<size_t>(x)],
                     sigma_x_[static_cast<size_t>(x)]);
    }
  }
  BaselineTerms terms;
  if (needs_baselines_) {
    terms.mu = baselines_.mu;
    terms.bx = user_based_ ? baselines_.bu.data() : baselines_.bi.data();
    terms.by = user_based_ ? baselines_.bi.data() : baselines_.bu.data();
  }
  sim_ = SimilarityMatrix::compute(xs, y_rows(train), sim_options_, needs_baselines_ ? &terms : nullptr,
                                   max_dense_bytes_, kept_neighbors_);
}

double Knn::deviation(int32_t neighbor, float rating, double y_bias) const {
  switch (variant_) {
    case KnnVariant::Basic: return rating;
    case KnnVariant::Means: return rating - mean_x_[static_cast<size_t>(neighbor)];
    case KnnVariant::ZScore:
      return (rating - mean_x_[static_cast<size_t>(neighbor)]) / sigma_x_[static_cast<size_t>(neighbor)];
    case KnnVariant::Baseline: {
      const auto& bx = user_based_ ? baselines_.bu : baselines_.bi;
      return rating - (baselines_.mu + bx[static_cast<size_t>(neighbor)] + y_bias);
    }
  }
  return 0.0;
}

Prediction Knn::estimate(const Target& target, std::vector<Candidate>& candidates) const {
  // The k most similar (ties: earlier position first); candidates hold only positive similarities.
  if (candidates.size() > static_cast<size_t>(k_)) {
    std::nth_element(candidates.begin(), candidates.begin() + k_, candidates.end(),
                     [](const Candidate& a, const Candidate& b) {
                       return a.sim != b.sim ? a.sim > b.sim : a.position < b.position;
                     });
    candidates.resize(static_cast<size_t>(k_));
  }
  double sum_sim = 0.0;
  double sum_dev = 0.0;
  for (const Candidate& c : candidates) {
    sum_sim += c.sim;
    sum_dev += c.sim * c.deviation;
  }
  Prediction p;
  p.neighbors = static_cast<int32_t>(candidates.size());
  if (p.neighbors < min_k_ || sum_sim == 0.0) {
    p.fallback = true;
    p.raw = static_cast<float>(variant_ == KnnVariant::Basic ? train().global_mean() : target.center);
    return p;
  }
  p.raw = static_cast<float>(target.center + target.scale * sum_dev / sum_sim);
  return p;
}

Prediction Knn::do_predict(int32_t user, int32_t item) const {
  const Dataset& d = train();
  if (user < 0 || item < 0) {
    // As Surprise: knn-baseline keeps the baseline terms it knows; the others answer the global mean.
    Prediction p;
    p.fallback = true;
    double est = d.global_mean();
    if (variant_ == KnnVariant::Baseline) {
      if (user >= 0) est += baselines_.bu[static_cast<size_t>(user)];
      if (item >= 0) est += baselines_.bi[static_cast<size_t>(item)];
    }
    p.raw = static_cast<float>(est);
    return p;
  }
  const int32_t x = user_based_ ? user : item;
  const int32_t y = user_based_ ? item : user;
  Target target{0.0, 1.0};
  double y_bias = 0.0;
  if (variant_ == KnnVariant::Means || variant_ == KnnVariant::ZScore) {
    target.center = mean_x_[static_cast<size_t>(x)];
    if (variant_ == KnnVariant::ZScore) target.scale = sigma_x_[static_cast<size_t>(x)];
  } else if (variant_ == KnnVariant::Baseline) {
    const auto& bx = user_based_ ? baselines_.bu : baselines_.bi;
    const auto& by = user_based_ ? baselines_.bi : baselines_.bu;
    y_bias = by[static_cast<size_t>(y)];
    target.center = baselines_.mu + bx[static_cast<size_t>(x)] + y_bias;
  }
  const SparseRow raters = y_rows(d).row(y);
  std::vector<Candidate> candidates;
  candidates.reserve(static_cast<size_t>(raters.size));
  const float* dense = sim_.dense_row(x);
  for (int32_t pos = 0; pos < raters.size; ++pos) {
    const int32_t other = raters.index[pos];
    const float s = dense ? dense[other] : sim_.get(x, other);
    if (s > 0.0f) candidates.push_back({s, pos, deviation(other, raters.value[pos], y_bias)});
  }
  return estimate(target, candidates);
}

void Knn::do_score(const Profile& person, std::vector<float>& scores) const {
  const Dataset& d = train();
  const int32_t n_items = d.num_items();
  // The person's own statistics: taken from the fit for a training user, computed for a new one.
  double bias = 0.0;  // the person's baseline bias (knn-baseline, pearson_baseline)
  if (needs_baselines_)
    bias = person.user >= 0 ? baselines_.bu[static_cast<size_t>(person.user)]
                            : fold_in_user_bias(baselines_, baseline_options_, person.items, person.ratings);
  double mean = 0.0, sigma = 1.0;
  if (person.user >= 0 && user_based_ && !mean_x_.empty()) {
    mean = mean_x_[static_cast<size_t>(person.user)];
    sigma = sigma_x_[static_cast<size_t>(person.user)];
  } else {
    row_mean_sigma(person.ratings.data(), static_cast<int32_t>(person.ratings.size()), overall_sigma_, mean, sigma);
  }
  std::vector<Candidate> candidates;

  if (!user_based_) {
    // x = item, y = the person: each item's neighbours are the items the person rated.
    candidates.reserve(person.items.size());
    for (int32_t i = 0; i < n_items; ++i) {
      Target target{0.0, 1.0};
      if (variant_ == KnnVariant::Means || variant_ == KnnVariant::ZScore) {
        target.center = mean_x_[static_cast<size_t>(i)];
        if (variant_ == KnnVariant::ZScore) target.scale = sigma_x_[static_cast<size_t>(i)];
      } else if (variant_ == KnnVariant::Baseline) {
        target.center = baselines_.mu + baselines_.bi[static_cast<size_t>(i)] + bias;
      }
      candidates.clear();
      const float* dense = sim_.dense_row(i);
      for (size_t pos = 0; pos < person.items.size(); ++pos) {
        const float s = dense ? dense[person.items[pos]] : sim_.get(i, person.items[pos]);
        if (s > 0.0f)
          candidates.push_back({s, static_cast<int32_t>(pos), deviation(person.items[pos], person.ratings[pos], bias)});
      }
      const Prediction p = estimate(target, candidates);
      scores[static_cast<size_t>(i)] = p.fallback ? std::numeric_limits<float>::quiet_NaN() : p.raw;
    }
    return;
  }

  // x = the person, y = item: similarities of the person to every user, then each item's raters.
  std::vector<float> buffer;
  const float* sims = nullptr;
  if (person.user >= 0) {
    sims = sim_.row(person.user, buffer);
  } else {
    BaselineTerms terms;
    if (needs_baselines_) {
      terms.mu = baselines_.mu;
      terms.bx = baselines_.bu.data();
      terms.by = baselines_.bi.data();
      terms.x_bias = bias;
    }
    const SparseRow row{person.items.data(), person.ratings.data(), static_cast<int32_t>(person.items.size())};
    similarity_to_all(d.by_user(), d.by_item(), row, sim_options_, needs_baselines_ ? &terms : nullptr, buffer);
    sims = buffer.data();
  }
  for (int32_t i = 0; i < n_items; ++i) {
    Target target{0.0, 1.0};
    double y_bias = 0.0;
    if (variant_ == KnnVariant::Means) {
      target.center = mean;
    } else if (variant_ == KnnVariant::ZScore) {
      target = {mean, sigma};
    } else if (variant_ == KnnVariant::Baseline) {
      y_bias = baselines_.bi[static_cast<size_t>(i)];
      target.center = baselines_.mu + bias + y_bias;
    }
    const SparseRow raters = d.by_item().row(i);
    candidates.clear();
    for (int32_t pos = 0; pos < raters.size; ++pos) {
      const int32_t v = raters.index[pos];
      if (v == person.user) continue;
      const float s = sims[v];
      if (s > 0.0f) candidates.push_back({s, pos, deviation(v, raters.value[pos], y_bias)});
    }
    const Prediction p = estimate(target, candidates);
    scores[static_cast<size_t>(i)] = p.fallback ? std::numeric_limits<float>::quiet_NaN() : p.raw;
  }
}

std::vector<ScoredItem> Knn::similar_items(int32_t item, int n) const {
  if (user_based_) return Model::similar_items(item, n);
  require_fitted("similar_items");
  if (item < 0 || item >= sim_.size()) throw std::out_of_range("similar_items: unknown item");
  std::vector<float> buffer;
  const float* row = sim_.row(item, buffer);
  std::vector<ScoredItem> out;
  for (int32_t j = 0; j < sim_.size(); ++j)
    if (j != item && row[j] > 0.0f) out.push_back({j, row[j]});
  const size_t keep = std::min(out.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                    [](const ScoredItem& a, const ScoredItem& b) { return a.score != b.score ? a.score > b.score : a.item < b.item; });
  out.resize(keep);
  return out;
}

float Knn::item_similarity(int32_t a, int32_t b) const {
  if (user_based_) return Model::item_similarity(a, b);
  require_fitted("item_similarity");
  if (a < 0 || b < 0 || a >= sim_.size() || b >= sim_.size()) throw std::out_of_range("item_similarity: unknown item");
  return sim_.get(a, b);
}

std::vector<Contribution> Knn::explain(const Profile& person, int32_t item, int n) const {
  if (user_based_) return Model::explain(person, item, n);
  require_fitted("explain");
  if (item < 0 || item >= sim_.size()) throw std::out_of_range("explain: unknown item");
  // The same neighbours and terms as do_score uses for this item.
  double bias = 0.0;
  if (needs_baselines_)
    bias = person.user >= 0 ? baselines_.bu[static_cast<size_t>(person.user)]
                            : fold_in_user_bias(baselines_, baseline_options_, person.items, person.ratings);
  std::vector<Candidate> candidates;
  for (size_t pos = 0; pos < person.items.size(); ++pos) {
    const float s = sim_.get(item, person.items[pos]);
    if (s > 0.0f && person.items[pos] != item)
      candidates.push_back({s, static_cast<int32_t>(pos), deviation(person.items[pos], person.ratings[pos], bias)});
  }
  if (candidates.size() > static_cast<size_t>(k_)) {
    std::nth_element(candidates.begin(), candidates.begin() + k_, candidates.end(),
                     [](const Candidate& a, const Candidate& b) {
                       return a.sim != b.sim ? a.sim > b.sim : a.position < b.position;
                     });
    candidates.resize(static_cast<size_t>(k_));
  }
  double sum_sim = 0.0;
  for (const Candidate& c : candidates) sum_sim += c.sim;
  std::vector<Contribution> out;
  for (const Candidate& c : candidates) {
    const double term = c.sim * c.deviation / sum_sim;
    if (term > 0) out.push_back({person.items[static_cast<size_t>(c.position)], static_cast<float>(term)});
  }
  const size_t keep = std::min(out.size(), static_cast<size_t>(std::max(n, 0)));
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(),
                    [](const Contribution& a, const Contribution& b) {
                      return a.weight != b.weight ? a.weight > b.weight : a.item < b.item;
                    });
  out.resize(keep);
  return out;
}

}  // namespace cofi
