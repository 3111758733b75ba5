// "slope-one": Slope One (Lemire & Maclachlan 2005) exactly as Surprise's SlopeOne computes it.
//   dev(i, j)  = mean over the users who rated both i and j of (r_ui - r_uj);  card(i, j) = their number
//   r_ui       = mu_u + (1 / |R_i(u)|) sum_{j in R_i(u)} dev(i, j)
// where mu_u is u's mean rating and R_i(u) the items u rated that share at least one rater with i
// (card(i, j) > 0; j = i counts, with dev 0). This is Surprise's formula: user-mean-centred and
// an unweighted mean of the deviations, not the paper's card-weighted variant.
// When R_i(u) is empty the prediction is mu_u, as in Surprise, flagged as a fallback; an unknown
// user or item gets the global mean (Surprise: PredictionImpossible). A new person is scored by
// the same formula with their own mean and items.
//
// Storage: every pair is kept, densely, in float32: since dev(j, i) = -dev(i, j) and dev(i, i) = 0,
// only the pairs i < j are stored, as a packed upper triangle (num_items (num_items - 1) / 2
// floats, NaN where card = 0; half a full matrix). It is filled one row i at a time from the
// sparse data: every user who rated i adds r_ui - r_uj for each of their items j > i into a
// dense scratch row, so the work is sum over users of n_u^2 / 2 and nothing but the result is
// n_items^2 in size. Slope One needs every pair, so nothing can be pruned: when the triangle is
// larger than max_dense_mb (default 256) the fit is refused with std::invalid_argument naming the
// sizes. State: nothing after the seed; the fit is deterministic, so loading recomputes it.
// Parameters: max_dense_mb (256).
#pragma once
#include "models/model.h"

namespace cofi {

class SlopeOne : public Model {
 public:
  explicit SlopeOne(const Params& params);
  std::string algorithm() const override { return "slope-one"; }

  // dev(i, j) (NaN when no user rated both).
  float deviation(int32_t i, int32_t j) const {
    if (i == j) return 0.0f;
    return i < j ? dev_[static_cast<size_t>(row_base(i) + j)] : -dev_[static_cast<size_t>(row_base(j) + i)];
  }
  // The bytes the deviations of `num_items` items take.
  static uint64_t matrix_bytes(int64_t num_items);

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  // mean_rating + the mean of dev(item, j) over the rated items j that share raters with item;
  // fallback (and mean_rating alone) when there are none.
  Prediction estimate(double mean_rating, const int32_t* items, int32_t n, int32_t item) const;

  // Where row i of the packed triangle would start if it held columns 0..i as well: the pair
  // (i, j > i) is at row_base(i) + j.
  int64_t row_base(int64_t i) const { return i * (num_items_ - 1) - i * (i - 1) / 2 - i - 1; }

  uint64_t max_dense_bytes_;
  int32_t num_items_ = 0;
  std::vector<float> dev_;
  std::vector<double> user_mean_;
};

}  // namespace cofi
