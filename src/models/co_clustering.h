// "co-clustering": co-clustering collaborative filtering (George & Merugu 2005) as Surprise's
// CoClustering. Users fall into user_clusters clusters and items into item_clusters clusters;
// with C_u, C_i the clusters of u and i:
//   r_ui = A(C_u, C_i) + (mu_u - A(C_u)) + (mu_i - A(C_i))
// mu_u, mu_i: the user's and item's mean ratings; A(C_u), A(C_i), A(C_u, C_i): the mean rating of
// all ratings by users of C_u, of items of C_i, of users of C_u for items of C_i (the global mean
// for an empty cluster or co-cluster).
//
// Fit (Surprise's order exactly): users then items get a cluster uniform in [0, n) from our Rng;
// the averages are computed; each epoch then moves every user to the cluster that minimises the
// squared error of the user's ratings (ties: the lowest cluster), then every item likewise (with
// the users' new clusters but the epoch's averages), and recomputes the averages. (Surprise
// computes them at the start of each epoch and once after the last, which is the same.) The epoch
// loss is the RMSE on the training ratings after it.
// Predict: the formula for a known user and item. Fallbacks (flagged): an unknown user gets the
// item's mean, an unknown item the user's mean, both unknown the global mean. (Surprise's code
// returns the global mean for all three: its later branches are never reached.)
// A new person is put in the user cluster that minimises the squared error of their ratings, with
// their own mean as mu_u.
// State (model file, after the seed): vec<i32> user clusters (U), vec<i32> item clusters (I),
// vec<f64> A(C_u) per user cluster, vec<f64> A(C_i) per item cluster, vec<f64> A(C_u, C_i)
// row-major by user cluster; the rating means are recomputed from the training set.
// Parameters: user_clusters (3; Surprise's name n_cltr_u is accepted too), item_clusters (3;
// n_cltr_i), epochs (20).
#pragma once
#include "models/model.h"

namespace cofi {

class CoClustering : public Model {
 public:
  explicit CoClustering(const Params& params);
  std::string algorithm() const override { return "co-clustering"; }

  int user_clusters() const { return user_clusters_; }
  int item_clusters() const { return item_clusters_; }
  const std::vector<int32_t>& user_cluster() const { return user_cluster_; }
  const std::vector<int32_t>& item_cluster() const { return item_cluster_; }
  // A(C_u) per user cluster, A(C_i) per item cluster, A(C_u, C_i) row-major by user cluster.
  const std::vector<double>& user_cluster_mean() const { return user_cluster_mean_; }
  const std::vector<double>& item_cluster_mean() const { return item_cluster_mean_; }
  const std::vector<double>& cocluster_mean() const { return cocluster_mean_; }

  // Sets the clusters and computes the averages from them (for tests and for loading).
  void assign(const Dataset& train, std::vector<int32_t> user_cluster, std::vector<int32_t> item_cluster);

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  int epochs() const override { return epochs_; }
  double run_epoch(const Dataset& train, int epoch) override;
  void write_state(BinaryWriter& out) const override;
  void read_state(const Dataset& train, BinaryReader& in) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  void compute_means(const Dataset& train);
  void compute_averages(const Dataset& train);
  // The user cluster minimising sum_k (r_k - est(uc, items[k]))^2 with mu_u = user_mean.
  int32_t best_user_cluster(double user_mean, const int32_t* items, const float* ratings, int32_t n,
                            std::vector<double>& errors) const;
  double estimate(int32_t uc, double user_mean, int32_t item) const;

  int user_clusters_;
  int item_clusters_;
  int epochs_;

  // All double: one number per user, item or cluster, so precision costs nothing here and the
  // arg-min ties fall as in Surprise's double arithmetic.
  std::vector<double> user_mean_, item_mean_;
  std::vector<int32_t> user_cluster_, item_cluster_;
  std::vector<double> user_cluster_mean_, item_cluster_mean_, cocluster_mean_;
};

}  // namespace cofi
