// "nmf": non-negative matrix factorisation by multiplicative updates (Luo et al. 2014), as
// Surprise's NMF. r_ui ~ q_i . p_u (+ mu + b_u + b_i when biased), p_u and q_i non-negative.
//
// Fit: p_u and q_i start uniform in [init_low, init_high) (every user's p_u, then every item's
// q_i, from our Rng). Each epoch walks all ratings in Surprise's all_ratings order (by user, then
// the user's row order) with the current factors:
//   est = q_i . p_u (+ mu + b_u + b_i)           b_u, b_i then take one SGD step when biased:
//   b_u += lr_bu (r - est - reg_bu b_u),  b_i += lr_bi (r - est - reg_bi b_i)
//   user_num[u] += q_i r,  user_denom[u] += q_i est,  item_num[i] += p_u r,  item_denom[i] += p_u est
// and then, for every user and then every item (Surprise's documented rule and code):
//   p_uf *= user_num[u,f] / (user_denom[u,f] + |I_u| reg_pu p_uf)
//   q_if *= item_num[i,f] / (item_denom[i,f] + |U_i| reg_qi q_if)
// A factor that is 0 stays 0 (Surprise skips it: 0/0 otherwise); a denominator that is not
// positive (possible only with biases or zero regularisation) leaves the factor as it is, so the
// factors stay finite and non-negative.
// Predict: q_i . p_u (+ mu + b_u + b_i). An unknown user or item falls back, as in Surprise: to the
// global mean when unbiased, to mu plus the known biases when biased.
// A new person (not in the training set) is folded in by the same multiplicative updates on their
// p alone, item factors fixed: p starts from the same init rule, drawn from a generator seeded by
// the model's seed, and runs `epochs` iterations (b_u too, by the same SGD steps, when biased).
// State (model file, after the seed): u64 the fit's seed again (it seeds folding in, and Model
// keeps its own copy private), then vec<f32> user factors U x factors, vec<f32> item factors
// I x factors (row-major, without the padding), vec<f32> b_u (U), vec<f32> b_i (I).
// Parameters: factors (15), epochs (50), biased (false), reg_pu (0.06), reg_qi (0.06), reg_bu
// (0.02), reg_bi (0.02), lr_bu (0.005), lr_bi (0.005), init_low (0), init_high (1).
// The epoch loss is the training RMSE of the estimates the epoch computed on its way (as an SGD
// loss: the factors as the epoch found them, the biases as they stood at each rating), so it
// costs nothing extra; it trails the epoch's own factor updates by one epoch.
#pragma once
#include "models/model.h"

namespace cofi {

class Rng;

class Nmf : public Model {
 public:
  explicit Nmf(const Params& params);
  std::string algorithm() const override { return "nmf"; }

  int factors() const { return factors_; }
  // The learned factors and biases (biases all zero unless biased).
  float user_factor(int32_t user, int f) const { return pu_[static_cast<size_t>(user) * stride_ + static_cast<size_t>(f)]; }
  float item_factor(int32_t item, int f) const { return qi_[static_cast<size_t>(item) * stride_ + static_cast<size_t>(f)]; }
  float user_bias(int32_t user) const { return bu_[static_cast<size_t>(user)]; }
  float item_bias(int32_t item) const { return bi_[static_cast<size_t>(item)]; }

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
  // est = q_i . p (+ mu + b + b_i): the same float arithmetic in fit, predict and fold-in.
  float estimate(const float* p, float user_bias, int32_t item) const;
  // Fills `p` (stride_ floats) with a starting point: factors uniform in [init_low, init_high), padding 0.
  void initial_factors(Rng& rng, float* p) const;

  int factors_;
  int epochs_;
  bool biased_;
  float reg_pu_, reg_qi_, reg_bu_, reg_bi_;
  float lr_bu_, lr_bi_;
  float init_low_, init_high_;

  // Rows of pu_ and qi_ are padded with zeros to a multiple of 4 floats, so the per-rating loops
  // run whole 4-lane blocks; a zero factor stays zero under the multiplicative updates.
  size_t stride_;
  uint64_t seed_ = 0;  // the fit's seed, which also seeds folding in a new person
  float mu_ = 0.0f;    // the global mean when biased, 0 otherwise (as Surprise)
  std::vector<float> pu_, qi_, bu_, bi_;
};

}  // namespace cofi
