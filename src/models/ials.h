// "ials": implicit-feedback matrix factorisation (Hu, Koren and Volinsky 2008), for ranking.
// Every (user, item) pair counts: preference p_ui = 1 where the user rated the item, 0 elsewhere,
// with confidence c_ui = 1 + alpha r_ui on observed pairs (1 + alpha with binary=true) and 1 on
// the others. Minimises
//   sum over all pairs c_ui (p_ui - x_u . y_i)^2 + reg (sum_u |x_u|^2 + sum_i |y_i|^2)
// by alternating: with Y fixed, user u's factors solve
//   (Y^T Y + sum_{i rated} (c_ui - 1) y_i y_i^T + reg I) x_u = sum_{i rated} c_ui y_i.
// Y^T Y is computed once per half-epoch (double); each row's system is never formed but solved by
// cg_steps steps of the conjugate-gradient method warm-started from the row's current factors
// (Takacs, Pilaszy and Tikk 2011), each step one product with Y^T Y plus the sparse correction over
// the row's rated items. cg_steps=0 solves each system exactly instead (LDLT in double).
// Items are solved the same way with X fixed.
//
// An epoch solves every item, then every user, so a user's factors are the latest solve against
// the final items. Folding in a new person is the exact solve (LDLT) with Y fixed; with cg_steps=0
// it equals the training solve of an identical user. A row with no ratings gets zero factors.
// Factors (float32) start from N(0, init_std^2).
//
// Loss per epoch: the objective above after the epoch, divided by the number of ratings (the sum
// over unobserved pairs is sum_u x_u^T (Y^T Y) x_u minus the observed pairs' share, so it costs no
// pass over all pairs).
// State (model file, after the seed): vec<f32> user factors (users x factors, row-major), then
// item factors (items x factors); Y^T Y is recomputed from them on load.
//
// Scores (ranking) and do_predict: x_u . y_i, the model's preference estimate near 0..1; it is not
// a rating (Model::predict clips it into the rating scale, so as a rating predictor it is useless).
// An unknown user or item predicts 0 and is flagged as a fallback; items without training ratings
// score NaN (never recommended).
//
// Parameters: factors (64), epochs (15), reg (50), alpha (2), binary (false), cg_steps (3),
// init_std (0.01).
// The defaults were chosen on training data only: u1.base split 80/20 by train_test_split (seeds 1
// and 2, validation metrics averaged), by validation P@10 (threshold 4): first reg {1, 10, 50, 200}
// x alpha {1, 3, 10, 40} x binary {false, true} at 64 factors, then around the best, reg {15 .. 120}
// x alpha {0.5, 1, 2, 3} and factors {32, 64, 128}. Best: reg 50, alpha 2, ratings as confidence,
// 64 factors (P@10 0.1910, NDCG@10 0.2758); the large alphas usual for play counts did worse on
// 1-5 ratings (alpha 40: at most 0.1585).
#pragma once
#include <vector>

#include "models/model.h"

namespace cofi {

class Ials : public Model {
 public:
  explicit Ials(const Params& params);
  std::string algorithm() const override { return "ials"; }

  int factors() const { return factors_; }
  double reg() const { return reg_; }
  double alpha() const { return alpha_; }
  bool binary() const { return binary_; }
  // The confidence of an observed rating: 1 + alpha r (or 1 + alpha with binary=true).
  double confidence(float rating) const { return 1.0 + alpha_ * (binary_ ? 1.0 : static_cast<double>(rating)); }
  // Row-major factors (num_users x factors, num_items x factors), for tests.
  const std::vector<float>& user_factors() const { return user_factors_; }
  const std::vector<float>& item_factors() const { return item_factors_; }

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  uint64_t fit_bytes(const Dataset& train) const override;
  int epochs() const override { return epochs_; }
  double run_epoch(const Dataset& train, int epoch) override;
  void write_state(BinaryWriter& out) const override;
  void read_state(const Dataset& train, BinaryReader& in) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  int factors_;
  int epochs_;
  double reg_;
  double alpha_;
  bool binary_;
  int cg_steps_;
  double init_std_;

  std::vector<float> user_factors_, item_factors_;
  std::vector<double> item_gram_;  // Y^T Y of the final items, for folding people in
};

}  // namespace cofi
