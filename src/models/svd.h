// "svd": biased matrix factorisation by stochastic gradient descent (Funk; Koren, Bell & Volinsky
// 2009, eq. 5), exactly as Surprise's SVD:
//   r_ui = mu + b_u + b_i + q_i . p_u          (biased=false: r_ui = q_i . p_u, and mu is 0 in training)
// Fit: b_u = b_i = 0; p_u ~ N(init_mean, init_std) for every user (row by row), then q_i for every
// item, drawn from our Rng. Each epoch visits the ratings in Surprise's all_ratings order (by user
// index, then the user's row order; no shuffling) and for each rating, with e = r - r_ui:
//   b_u += lr_bu (e - reg_bu b_u);  b_i += lr_bi (e - reg_bi b_i)          (biased only)
//   p_u += lr_pu (e q_i - reg_pu p_u);  q_i += lr_qi (e p_u - reg_qi q_i)   (old p_u on the right)
// Everything is float32; the factors are contiguous row-major arrays (users x k, items x k).
//
// Prediction: an unknown user or item drops its terms (Surprise: unknown user -> mu + b_i) and is
// flagged as a fallback; biased=false with an unknown side falls back to the global mean.
// A new person (Profile with user -1) is folded in with the item parameters fixed, by fold_in:
//   sgd (default)  the training itself for this one person: (b_u, p_u) start at 0 and take the
//                  epochs' SGD steps above over the person's ratings in their order, q_i and b_i
//                  fixed (so they are shrunk as the training users were)
//   ridge          the closed-form minimum of  sum_r (r - mu - b_u - b_i - q_i . p_u)^2
//                  + reg_pu |p_u|^2 + reg_bu b_u^2  (without b_u when unbiased)
// sgd is the default because it was much better on held-out ratings, measured on training data
// only: u1.base split 80/20 by train_test_split (seeds 1 and 2), each user of the 80% folded in
// from their 80% ratings and scored on their 20% at the defaults: RMSE 0.938 / 0.926 (sgd),
// 1.204 / 1.195 (ridge: with reg 0.02 on 100 factors it overfits a person's few ratings), against
// 0.946 / 0.934 for the users' trained vectors. similar_items and item_similarity (used by
// explanations): cosine of item factor vectors.
//
// Parameters: factors or n_factors (100), epochs (20), biased (true), lr (0.005) and lr_bu, lr_bi,
// lr_pu, lr_qi overriding it, reg (0.02) and reg_bu, reg_bi, reg_pu, reg_qi, init_mean (0),
// init_std (0.1), fold_in (sgd | ridge).
#pragma once
#include <cstdint>
#include <vector>

#include "models/model.h"

namespace cofi {

// Shared by svd and svdpp ------------------------------------------------------------------------

// A person's bias and factors fitted with the item parameters fixed.
struct FoldedUser {
  float bias = 0.0f;
  std::vector<float> factors;
};

// Minimises sum_r (target_r - b - q_{items[r]} . p)^2 + reg_bias b^2 + reg_factors |p|^2 over
// (b, p) (over p alone, b = 0, when !with_bias), q being rows of `item_factors` (row-major, k per
// row). Solved from the normal equations in double; the minimum-norm solution when singular.
FoldedUser fold_in_ridge(const std::vector<float>& item_factors, int k, const std::vector<int32_t>& items,
                         const std::vector<double>& targets, bool with_bias, double reg_bias, double reg_factors);

// The n items whose factor rows have the largest cosine with `item`'s (best first, ties to the
// lower index; the item itself and zero rows excluded).
std::vector<ScoredItem> similar_by_factors(const std::vector<float>& item_factors, int k, int32_t item, int n);

// Cosine of rows a and b of `item_factors` (0 when either is a zero row): the same number
// similar_by_factors ranks by.
float factor_cosine(const std::vector<float>& item_factors, int k, int32_t a, int32_t b);

// Reads factors / n_factors (only one of them may be given).
int read_factor_count(const Params& params, int fallback);

// -------------------------------------------------------------------------------------------------

class Svd : public Model {
 public:
  explicit Svd(const Params& params);
  std::string algorithm() const override { return "svd"; }
  std::vector<ScoredItem> similar_items(int32_t item, int n) const override;
  float item_similarity(int32_t a, int32_t b) const override;  // cosine of the item factors

  // The person's (b_u, p_u) by the fold-in described above (b_u = 0 when unbiased).
  FoldedUser fold_in(const Profile& person) const;
  // The same fold-in against the given item parameters (a compact copy's): only this model's
  // settings are used, so it works on a model that was never fitted.
  FoldedUser fold_in_with(const Profile& person, const std::vector<float>& item_factors,
                          const std::vector<float>& item_bias, float mu) const;

  // The learned parameters (after fit).
  int factors() const { return factors_; }
  bool biased() const { return biased_; }
  float mu() const { return mu_; }  // global mean of the training ratings; 0 when unbiased
  const std::vector<float>& user_bias() const { return user_bias_; }
  const std::vector<float>& item_bias() const { return item_bias_; }
  const std::vector<float>& user_factors() const { return user_factors_; }  // users x factors
  const std::vector<float>& item_factors() const { return item_factors_; }  // items x factors

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  uint64_t fit_bytes(const Dataset& train) const override;
  int epochs() const override { return epochs_; }
  // Returns the regularised squared error per rating: (sum_r e_r^2 + sum_r [reg_bu b_u^2 +
  // reg_bi b_i^2 + reg_pu |p_u|^2 + reg_qi |q_i|^2]) / |R|, the objective the SGD descends, with each
  // e_r the error computed at that rating's step in this epoch (before its update) and the
  // regularisation terms taken from the parameters at the end of the epoch.
  double run_epoch(const Dataset& train, int epoch) override;
  void write_state(BinaryWriter& out) const override;
  void read_state(const Dataset& train, BinaryReader& in) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  // The SGD steps of one user's ratings (in row order); returns the sum of their squared errors.
  double train_user(const SparseRow& row, int32_t u);

  int factors_;
  int epochs_;
  bool biased_;
  float lr_bu_, lr_bi_, lr_pu_, lr_qi_;
  float reg_bu_, reg_bi_, reg_pu_, reg_qi_;
  double init_mean_, init_std_;
  bool fold_in_sgd_;

  float mu_ = 0.0f;
  float global_mean_ = 0.0f;  // the fallback of an unbiased model
  std::vector<float> user_bias_, item_bias_;
  std::vector<float> user_factors_, item_factors_;
};

}  // namespace cofi
