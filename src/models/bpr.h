// "bpr": Bayesian Personalised Ranking (Rendle, Freudenthaler, Gantner and Schmidt-Thieme 2009),
// matrix factorisation with item biases learnt from (user, positive item, negative item) triples:
//   x_ui = b_i + p_u . q_i,   maximise sum ln sigmoid(x_ui - x_uj) - reg (|p_u|^2 + |q_i|^2 + |q_j|^2 + b_i^2 + b_j^2)
// by stochastic gradient ascent (learning rate lr), one triple at a time:
//   (u, i): a positive training pair drawn uniformly (so users are drawn in proportion to their
//           number of positives); positives are the pairs rated >= threshold (default: every pair);
//   j:      an item drawn uniformly from the catalogue, redrawn while u rated it (any rating).
// An epoch draws as many triples as there are positive pairs. All draws use our Rng with the fit's
// seed (epoch e draws from its own generator, seeded by the seed and e), and the updates run in a
// fixed order, so a seed gives the same factors natively and in WASM. Factors (float32) start from
// N(0, init_std^2), biases from 0. A user without positives gets zero factors (their scores are the
// item biases); an item rated by nobody keeps its initial factors and is never scored.
//
// Loss per epoch: the mean of -ln sigmoid(x_ui - x_uj) over the epoch's triples, each taken just
// before its update (the regularisation is not included).
// State (model file, after the seed): u64 the fit's seed again (fold-in draws from it; the base
// class keeps its copy private), then vec<f32> user factors (users x factors, row-major), item
// factors (items x factors), item biases. The positives and sorted rows are rebuilt on load.
//
// Scores (ranking) and do_predict: b_i + p_u . q_i, a ranking score, not a rating (Model::predict
// clips it into the rating scale, so as a rating predictor it is meaningless). An unknown user or
// item predicts 0 and is flagged as a fallback; items without training ratings score NaN.
// Fold-in of a new person: their factors start from an N(0, init_std^2) draw seeded by the fit's
// seed and are trained by the same SGD with the items and biases fixed, for `epochs` epochs of as
// many triples as the person has positives (the same number of updates a training user with those
// positives gets on average); without positives their factors are zero.
//
// Parameters: factors (64), epochs (100), lr (0.02), reg (0.03), init_std (0.1), threshold
// (none: every observed pair is a positive).
// The defaults were chosen on training data only: u1.base split 80/20 by train_test_split (seeds 1
// and 2, validation metrics averaged), by validation P@10 (threshold 4) over lr {0.01, 0.02, 0.05,
// 0.1} x reg {0.0025, 0.01, 0.03, 0.05} x epochs {30, 100, 200} (factors 64). The paper's lr 0.05,
// reg 0.0025, 30 epochs gave 0.1335; the best was lr 0.01, reg 0.03, 200 epochs (0.1739); lr 0.02,
// reg 0.03, 100 epochs is within 0.003 of it (0.1709) at half the fit time, so it is the default.
#pragma once
#include <vector>

#include "models/model.h"

namespace cofi {

class Bpr : public Model {
 public:
  explicit Bpr(const Params& params);
  std::string algorithm() const override { return "bpr"; }

  int factors() const { return factors_; }
  const std::vector<float>& user_factors() const { return user_factors_; }
  const std::vector<float>& item_factors() const { return item_factors_; }
  const std::vector<float>& item_bias() const { return item_bias_; }

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
  bool positive(float rating) const { return rating >= threshold_; }
  // The training state that is not the factors: positives and each user's sorted rated items.
  void index_training_set(const Dataset& train);

  int factors_;
  int epochs_;
  double lr_;
  double reg_;
  double init_std_;
  float threshold_;

  uint64_t seed_ = 0;
  std::vector<float> user_factors_, item_factors_, item_bias_;
  // Positive pairs as (user, item), in the training set's user order; the sampler draws from it.
  std::vector<int32_t> positive_user_, positive_item_;
  // Every user's rated items, sorted, for the negative sampler's membership test (CSR offsets).
  std::vector<int64_t> rated_offsets_;
  std::vector<int32_t> rated_sorted_;
};

}  // namespace cofi
