// Neighbourhood models (Surprise's KNNBasic, KNNWithMeans, KNNWithZScore, KNNBaseline).
// For user-based models x = user and y = item; item-based models swap them. N = the k rows x' with
// the largest positive similarity to x among those that rated y (ties: the earlier rating first):
//   knn-basic:    r_xy = sum sim(x,x') r_x'y / sum sim(x,x')
//   knn-means:    r_xy = mu_x + sum sim(x,x') (r_x'y - mu_x') / sum sim(x,x')
//   knn-zscore:   r_xy = mu_x + sigma_x sum sim(x,x') (r_x'y - mu_x') / sigma_x' / sum sim(x,x')
//   knn-baseline: r_xy = b_xy + sum sim(x,x') (r_x'y - b_x'y) / sum sim(x,x')
// With fewer than min_k neighbours: knn-basic falls back to the global mean, the others to their
// first term (mu_x or b_xy); such predictions are flagged as fallbacks.
// Parameters: k (40), min_k (1), user_based (true), similarity (msd | cosine | pearson |
// pearson_baseline), min_support (1), shrinkage (100, pearson_baseline), bsl_method, bsl_epochs,
// bsl_reg_u, bsl_reg_i, bsl_reg, bsl_learning_rate (baselines, as for the baseline model),
// max_dense_mb (256: above it each row keeps only its kept_neighbors best, default 256).
#pragma once
#include "models/baselines.h"
#include "models/model.h"
#include "models/similarity.h"

namespace cofi {

enum class KnnVariant { Basic, Means, ZScore, Baseline };

class Knn : public Model {
 public:
  Knn(KnnVariant variant, const Params& params);
  std::string algorithm() const override;
  std::vector<ScoredItem> similar_items(int32_t item, int n) const override;
  // Item-based: each of the k neighbours' term sim(i, j) (r_j - baseline or mean) / sum sim, as
  // used in the prediction. User-based: the default (item similarity times rating deviation).
  std::vector<Contribution> explain(const Profile& person, int32_t item, int n) const override;
  float item_similarity(int32_t a, int32_t b) const override;

  bool user_based() const { return user_based_; }
  const SimilarityMatrix& similarities() const { return sim_; }

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  struct Candidate {
    float sim;
    int32_t position;  // position in y's list of ratings: Surprise's tie-break
    double deviation;  // the neighbour's term in the weighted sum (r, r - mu, z-score or residual)
  };
  // What the prediction formula needs to know about x and y apart from the neighbours.
  struct Target {
    double center;  // 0 (basic), mu_x, or b_xy
    double scale;   // sigma_x for z-scores, else 1
  };
  double deviation(int32_t neighbor, float rating, double y_bias) const;
  Prediction estimate(const Target& target, std::vector<Candidate>& candidates) const;
  const SparseRows& x_rows(const Dataset& d) const { return user_based_ ? d.by_user() : d.by_item(); }
  const SparseRows& y_rows(const Dataset& d) const { return user_based_ ? d.by_item() : d.by_user(); }

  KnnVariant variant_;
  int k_;
  int min_k_;
  bool user_based_;
  SimilarityOptions sim_options_;
  BaselineOptions baseline_options_;
  bool needs_baselines_ = false;
  size_t max_dense_bytes_;
  int kept_neighbors_;

  SimilarityMatrix sim_;
  Baselines baselines_;
  std::vector<double> mean_x_, sigma_x_;  // per x row (means, zscore)
  double overall_sigma_ = 1.0;            // sigma of all ratings: stands in for a constant row's
};

}  // namespace cofi
