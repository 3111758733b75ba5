// "svdpp": SVD++ (Koren 2008, eq. 15) as Surprise's SVDpp, with implicit feedback from which items
// a user rated:
//   r_ui = mu + b_u + b_i + q_i . (p_u + z_u),    z_u = |N(u)|^-1/2 sum_{j in N(u)} y_j
// N(u) = the items u rated. Fit: biases 0; p_u, then q_i, then y_j drawn from N(init_mean, init_std)
// with our Rng, row by row; epochs visit the ratings in Surprise's all_ratings order (by user, then
// row order), and for each rating, with e = r - r_ui and all right-hand sides taken before the step:
//   b_u += lr_bu (e - reg_bu b_u);  b_i += lr_bi (e - reg_bi b_i)
//   p_u += lr_pu (e q_i - reg_pu p_u);  q_i += lr_qi (e (p_u + z_u) - reg_qi q_i)
//   y_j += lr_yj (e |N(u)|^-1/2 q_i - reg_yj y_j)   for every j in N(u)
//
// Surprise performs that last line literally, which makes an epoch cost O(sum_u |N(u)|^2 k). Here an
// epoch costs O(|R| k): within one user's ratings every y_j of N(u) receives the SAME update, a
// linear recurrence, so after the user's t-th rating
//   y_j = c^t y_j(start) + a_t,   c = 1 - lr_yj reg_yj,   a_t = c a_{t-1} + lr_yj e_t |N(u)|^-1/2 q_i(t),  a_0 = 0
// and z_u follows  z_t = c z_{t-1} + lr_yj e_t q_i(t)  (sum the y_j update over N(u), times |N(u)|^-1/2).
// So per user: z_u is computed once from the y_j; each rating updates b_u, b_i, p_u, q_i, z_u and the
// accumulator a in O(k); after the user's last rating every y_j of N(u) is set once to c^|N(u)| y_j + a.
// This is Surprise's update, only reorganised: the results differ from a literal implementation by
// float rounding alone (and from Surprise itself by float32 versus double and the random draws).
//
// Prediction: unknown user or item drop their terms (as svd) and are flagged as fallbacks. A new
// person (Profile with user -1) is folded in with the item parameters (b_i, q_i, y_j) fixed: z from
// their items, then (b_u, p_u) minimise sum_r (r - mu - b_i - q_i . z - b_u - q_i . p_u)^2 +
// reg_pu |p_u|^2 + reg_bu b_u^2 in closed form. similar_items and item_similarity: cosine of the q_i.
//
// Parameters: factors or n_factors (20), epochs (20), lr (0.007) and lr_bu, lr_bi, lr_pu, lr_qi,
// lr_yj overriding it, reg (0.02) and reg_bu, reg_bi, reg_pu, reg_qi, reg_yj, init_mean (0),
// init_std (0.1).
#pragma once
#include <cstdint>
#include <vector>

#include "models/model.h"
#include "models/svd.h"

namespace cofi {

class SvdPP : public Model {
 public:
  explicit SvdPP(const Params& params);
  std::string algorithm() const override { return "svdpp"; }
  std::vector<ScoredItem> similar_items(int32_t item, int n) const override;
  float item_similarity(int32_t a, int32_t b) const override;  // cosine of the q_i

  // The person's (b_u, p_u) by the ridge fold-in described above, and z (their implicit feedback).
  FoldedUser fold_in(const Profile& person, std::vector<float>* implicit = nullptr) const;

  int factors() const { return factors_; }
  float mu() const { return mu_; }
  const std::vector<float>& user_bias() const { return user_bias_; }
  const std::vector<float>& item_bias() const { return item_bias_; }
  const std::vector<float>& user_factors() const { return user_factors_; }          // p_u, users x factors
  const std::vector<float>& item_factors() const { return item_factors_; }          // q_i, items x factors
  const std::vector<float>& implicit_factors() const { return implicit_factors_; }  // y_j, items x factors

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  uint64_t fit_bytes(const Dataset& train) const override;
  int epochs() const override { return epochs_; }
  // Returns the regularised squared error per rating: (sum_r e_r^2 + sum_r [reg_bu b_u^2 + reg_bi b_i^2 +
  // reg_pu |p_u|^2 + reg_qi |q_i|^2 + reg_yj sum_{j in N(u)} |y_j|^2]) / |R|, with each e_r the error at
  // that rating's step of this epoch and the penalties from the parameters at the end of the epoch.
  double run_epoch(const Dataset& train, int epoch) override;
  void write_state(BinaryWriter& out) const override;
  void read_state(const Dataset& train, BinaryReader& in) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  // The SGD steps of one user's ratings and the y_j update after them; returns the sum of squared
  // errors.
  double train_user(const SparseRow& row, int32_t u);
  // z = |items|^-1/2 sum y_j over the items (zero for none).
  void implicit_feedback(const int32_t* items, int32_t count, float* z) const;
  // p_u + z_u for every user, for predictions (refreshed after each epoch and on load).
  void refresh_user_vectors(const Dataset& train);

  int factors_;
  int epochs_;
  float lr_bu_, lr_bi_, lr_pu_, lr_qi_, lr_yj_;
  float reg_bu_, reg_bi_, reg_pu_, reg_qi_, reg_yj_;
  double init_mean_, init_std_;

  float mu_ = 0.0f;
  std::vector<float> user_bias_, item_bias_;
  std::vector<float> user_factors_, item_factors_, implicit_factors_;
  std::vector<float> user_vectors_;
  // Scratch of one user's step (z_u and the y_j accumulator), kept to avoid allocating per user.
  std::vector<float> implicit_, gained_;
  // For the loss: sum over the raters u of item j of |R(u)|, how often y_j's penalty is counted.
  std::vector<double> implicit_penalty_weight_;
};

}  // namespace cofi
