#include "models/co_clustering.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "io/binary.h"
#include "util/rng.h"

namespace cofi {

namespace {

constexpr int kMaxClusters = 10000;

// Our name for a cluster count, with Surprise's accepted as well (not both at once).
int cluster_count(const Params& params, const std::string& name, const std::string& surprise_name) {
  if (params.has(name) && params.has(surprise_name))
    throw std::invalid_argument("parameters " + name + " and " + surprise_name + " are the same setting: give one");
  const int surprise_value = params.get_int(surprise_name, 3, 1, kMaxClusters);
  return params.get_int(name, surprise_value, 1, kMaxClusters);
}

}  // namespace

CoClustering::CoClustering(const Params& params) {
  user_clusters_ = cluster_count(params, "user_clusters", "n_cltr_u");
  item_clusters_ = cluster_count(params, "item_clusters", "n_cltr_i");
  epochs_ = params.get_int("epochs", 20, 0, 1000000);
  params.finish(algorithm());
}

void CoClustering::compute_means(const Dataset& train) {
  auto means = [&](const SparseRows& rows, std::vector<double>& out) {
    out.assign(static_cast<size_t>(rows.rows()), train.global_mean());
    for (int32_t x = 0; x < rows.rows(); ++x) {
      const SparseRow row = rows.row(x);
      if (row.size == 0) continue;
      double sum = 0.0;
      for (int32_t k = 0; k < row.size; ++k) sum += row.value[k];
      out[static_cast<size_t>(x)] = sum / row.size;
    }
  };
  means(train.by_user(), user_mean_);
  means(train.by_item(), item_mean_);
}

void CoClustering::compute_averages(const Dataset& train) {
  const size_t ku = static_cast<size_t>(user_clusters_), ki = static_cast<size_t>(item_clusters_);
  std::vector<double> sum_u(ku, 0.0), sum_i(ki, 0.0), sum_co(ku * ki, 0.0);
  std::vector<int64_t> count_u(ku, 0), count_i(ki, 0), count_co(ku * ki, 0);
  const SparseRows& rows = train.by_user();
  for (int32_t u = 0; u < rows.rows(); ++u) {
    const SparseRow row = rows.row(u);
    const size_t uc = static_cast<size_t>(user_cluster_[static_cast<size_t>(u)]);
    for (int32_t k = 0; k < row.size; ++k) {
      const size_t ic = static_cast<size_t>(item_cluster_[static_cast<size_t>(row.index[k])]);
      const double r = row.value[k];
      sum_u[uc] += r;
      sum_i[ic] += r;
      sum_co[uc * ki + ic] += r;
      ++count_u[uc];
      ++count_i[ic];
      ++count_co[uc * ki + ic];
    }
  }
  const double mu = train.global_mean();
  auto average = [mu](double sum, int64_t count) { return count > 0 ? sum / static_cast<double>(count) : mu; };
  user_cluster_mean_.resize(ku);
  item_cluster_mean_.resize(ki);
  cocluster_mean_.resize(ku * ki);
  for (size_t c = 0; c < ku; ++c) user_cluster_mean_[c] = average(sum_u[c], count_u[c]);
  for (size_t c = 0; c < ki; ++c) item_cluster_mean_[c] = average(sum_i[c], count_i[c]);
  for (size_t c = 0; c < ku * ki; ++c) cocluster_mean_[c] = average(sum_co[c], count_co[c]);
}

void CoClustering::assign(const Dataset& train, std::vector<int32_t> user_cluster, std::vector<int32_t> item_cluster) {
  if (user_cluster.size() != static_cast<size_t>(train.num_users()) ||
      item_cluster.size() != static_cast<size_t>(train.num_items()))
    throw std::invalid_argument("co-clustering: one cluster per user and per item is needed");
  for (int32_t c : user_cluster)
    if (c < 0 || c >= user_clusters_) throw std::invalid_argument("co-clustering: a user cluster is out of range");
  for (int32_t c : item_cluster)
    if (c < 0 || c >= item_clusters_) throw std::invalid_argument("co-clustering: an item cluster is out of range");
  user_cluster_ = std::move(user_cluster);
  item_cluster_ = std::move(item_cluster);
  compute_means(train);
  compute_averages(train);
}

void CoClustering::do_fit(const Dataset& train, uint64_t seed) {
  Rng rng(seed);
  std::vector<int32_t> users(static_cast<size_t>(train.num_users())), items(static_cast<size_t>(train.num_items()));
  for (int32_t& c : users) c = static_cast<int32_t>(rng.below(static_cast<uint64_t>(user_clusters_)));
  for (int32_t& c : items) c = static_cast<int32_t>(rng.below(static_cast<uint64_t>(item_clusters_)));
  assign(train, std::move(users), std::move(items));
}

double CoClustering::estimate(int32_t uc, double user_mean, int32_t item) const {
  const int32_t ic = item_cluster_[static_cast<size_t>(item)];
  return cocluster_mean_[static_cast<size_t>(uc) * static_cast<size_t>(item_clusters_) + static_cast<size_t>(ic)] +
         (user_mean - user_cluster_mean_[static_cast<size_t>(uc)]) +
         (item_mean_[static_cast<size_t>(item)] - item_cluster_mean_[static_cast<size_t>(ic)]);
}

int32_t CoClustering::best_user_cluster(double user_mean, const int32_t* items, const float* ratings, int32_t n,
                                        std::vector<double>& errors) const {
  const size_t ki = static_cast<size_t>(item_clusters_);
  errors.assign(static_cast<size_t>(user_clusters_), 0.0);
  for (int32_t k = 0; k < n; ++k) {
    const size_t i = static_cast<size_t>(items[k]);
    const size_t ic = static_cast<size_t>(item_cluster_[i]);
    // r - est(uc) = (r - mu_u - mu_i + A(ic)) - (A(uc, ic) - A(uc)); the first part is the same for every uc.
    const double rest = ratings[k] - user_mean - item_mean_[i] + item_cluster_mean_[ic];
    for (size_t uc = 0; uc < errors.size(); ++uc) {
      const double err = rest - (cocluster_mean_[uc * ki + ic] - user_cluster_mean_[uc]);
      errors[uc] += err * err;
    }
  }
  size_t best = 0;  // the first minimum, as numpy's argmin
  for (size_t uc = 1; uc < errors.size(); ++uc)
    if (errors[uc] < errors[best]) best = uc;
  return static_cast<int32_t>(best);
}

double CoClustering::run_epoch(const Dataset& train, int) {
  std::vector<double> errors;
  const SparseRows& by_user = train.by_user();
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = by_user.row(u);
    user_cluster_[static_cast<size_t>(u)] =
        best_user_cluster(user_mean_[static_cast<size_t>(u)], row.index, row.value, row.size, errors);
  }
  // Items: with the users' new clusters, still the epoch's averages (Surprise's order).
  const size_t ki = static_cast<size_t>(item_clusters_);
  errors.resize(ki);
  const SparseRows& by_item = train.by_item();
  for (int32_t i = 0; i < train.num_items(); ++i) {
    const SparseRow col = by_item.row(i);
    std::fill(errors.begin(), errors.end(), 0.0);
    const double mu_i = item_mean_[static_cast<size_t>(i)];
    for (int32_t k = 0; k < col.size; ++k) {
      const size_t u = static_cast<size_t>(col.index[k]);
      const size_t uc = static_cast<size_t>(user_cluster_[u]);
      const double rest = col.value[k] - user_mean_[u] + user_cluster_mean_[uc] - mu_i;
      for (size_t ic = 0; ic < ki; ++ic) {
        const double err = rest - (cocluster_mean_[uc * ki + ic] - item_cluster_mean_[ic]);
        errors[ic] += err * err;
      }
    }
    size_t best = 0;
    for (size_t ic = 1; ic < ki; ++ic)
      if (errors[ic] < errors[best]) best = ic;
    item_cluster_[static_cast<size_t>(i)] = static_cast<int32_t>(best);
  }
  compute_averages(train);

  double sq = 0.0;
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = by_user.row(u);
    const int32_t uc = user_cluster_[static_cast<size_t>(u)];
    for (int32_t k = 0; k < row.size; ++k) {
      const double err = row.value[k] - estimate(uc, user_mean_[static_cast<size_t>(u)], row.index[k]);
      sq += err * err;
    }
  }
  return std::sqrt(sq / static_cast<double>(train.num_ratings()));
}

Prediction CoClustering::do_predict(int32_t user, int32_t item) const {
  Prediction p;
  double est;
  if (user >= 0 && item >= 0) {
    est = estimate(user_cluster_[static_cast<size_t>(user)], user_mean_[static_cast<size_t>(user)], item);
  } else {
    p.fallback = true;
    est = item >= 0 ? item_mean_[static_cast<size_t>(item)]
                    : user >= 0 ? user_mean_[static_cast<size_t>(user)] : train().global_mean();
  }
  p.raw = static_cast<float>(est);
  return p;
}

void CoClustering::do_score(const Profile& person, std::vector<float>& scores) const {
  if (person.items.empty()) return;  // no evidence: every score stays NaN
  int32_t uc;
  double mean;
  if (person.user >= 0) {
    uc = user_cluster_[static_cast<size_t>(person.user)];
    mean = user_mean_[static_cast<size_t>(person.user)];
  } else {
    mean = 0.0;
    for (float r : person.ratings) mean += r;
    mean /= static_cast<double>(person.ratings.size());
    std::vector<double> errors;
    uc = best_user_cluster(mean, person.items.data(), person.ratings.data(),
                           static_cast<int32_t>(person.items.size()), errors);
  }
  for (size_t i = 0; i < scores.size(); ++i) scores[i] = static_cast<float>(estimate(uc, mean, static_cast<int32_t>(i)));
}

void CoClustering::write_state(BinaryWriter& out) const {
  out.vec(user_cluster_);
  out.vec(item_cluster_);
  out.vec(user_cluster_mean_);
  out.vec(item_cluster_mean_);
  out.vec(cocluster_mean_);
}

void CoClustering::read_state(const Dataset& train, BinaryReader& in) {
  const uint64_t ku = static_cast<uint64_t>(user_clusters_), ki = static_cast<uint64_t>(item_clusters_);
  std::vector<int32_t> users = in.vec<int32_t>(static_cast<uint64_t>(train.num_users()), "co-clustering user clusters");
  for (int32_t c : users)
    if (c < 0 || c >= user_clusters_) in.fail("co-clustering state: a user cluster is out of range");
  std::vector<int32_t> items = in.vec<int32_t>(static_cast<uint64_t>(train.num_items()), "co-clustering item clusters");
  for (int32_t c : items)
    if (c < 0 || c >= item_clusters_) in.fail("co-clustering state: an item cluster is out of range");
  std::vector<double> user_avg = in.vec<double>(ku, "co-clustering user-cluster averages");
  std::vector<double> item_avg = in.vec<double>(ki, "co-clustering item-cluster averages");
  std::vector<double> co_avg = in.vec<double>(ku * ki, "co-clustering co-cluster averages");
  user_cluster_ = std::move(users);
  item_cluster_ = std::move(items);
  compute_means(train);  // the rating means follow from the training set
  // The averages as saved: exactly the numbers the saved model predicted with.
  user_cluster_mean_ = std::move(user_avg);
  item_cluster_mean_ = std::move(item_avg);
  cocluster_mean_ = std::move(co_avg);
}

}  // namespace cofi
