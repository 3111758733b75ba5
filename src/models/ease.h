// "ease": Embarrassingly Shallow Autoencoder (Steck 2019), an item-item linear model for ranking
// learnt in closed form. With X the user-item matrix (1 for every rated pair with binary=true, the
// rating otherwise):
//   P = (X^T X + lambda I)^-1,   B = I - P diag(1 / diag(P)),  i.e. B_ij = -P_ij / P_jj, B_jj = 0
// (the least-squares item-item weights with a zero diagonal). lambda = reg times the mean squared
// entry of X (the mean squared rating; 1 with binary=true, where lambda = reg as in Steck's paper),
// so one reg suits both: scaling X by s scales X^T X by s^2, and lambda with it. A person's scores are x_u B: the sum,
// over the items they rated, of those items' rows of B (a new person is scored the same way, from
// their ratings, without refitting).
//
// X^T X is built from the sparse ratings (each user's pairs of rated items), then factored in place
// by Eigen's LLT and inverted in double precision (the matrix is SPD; double keeps native and WASM
// results within rounding of each other); B is kept in float32, n_items^2 of them. Peak memory is
// about 16 bytes per item pair (two double matrices; then one and B), so catalogues above max_items
// are refused with std::invalid_argument naming the memory needed. The model is deterministic and does
// not save B: loading a model file recomputes it from the training set (small files; the cost is
// the fit time again).
//
// Scores (ranking) and do_predict: x_u . B[:, i], a ranking score, not a rating (Model::predict clips
// it into the rating scale, so as a rating predictor it is meaningless). An unknown user or item
// predicts 0 and is flagged as a fallback; items without training ratings score NaN.
// similar_items(i): the items j with the largest positive B_ij (how much having i raises j's score).
//
// Parameters: reg (400), binary (false), max_items (10000).
// The defaults were chosen on training data only: u1.base split 80/20 by train_test_split (seeds 1
// and 2, validation metrics averaged), by validation P@10 (threshold 4). binary=true over reg {50,
// 100, 200, 300, 500, 700, 1000, 1500, 2500} peaked at 500 (P@10 0.1817); binary=false over reg
// from 4 to 2200 (15 values; u1.base's mean squared rating is 13.7) peaked at 400 (P@10 0.1933,
// NDCG@10 0.2790; 300 and 500 gave 0.1925), so ratings as X and reg 400 are the defaults.
#pragma once
#include <vector>

#include "models/model.h"

namespace cofi {

class Ease : public Model {
 public:
  explicit Ease(const Params& params);
  std::string algorithm() const override { return "ease"; }
  std::vector<ScoredItem> similar_items(int32_t item, int n) const override;

  // B row-major: weight(i, j) = B_ij.
  float weight(int32_t i, int32_t j) const {
    return weights_[static_cast<size_t>(i) * static_cast<size_t>(num_items_) + static_cast<size_t>(j)];
  }

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  uint64_t fit_bytes(const Dataset& train) const override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  float value_of(float rating) const { return binary_ ? 1.0f : rating; }

  double reg_;
  bool binary_;
  int max_items_;

  int32_t num_items_ = 0;
  std::vector<float> weights_;  // B, num_items x num_items, row-major
};

}  // namespace cofi
