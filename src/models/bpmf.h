// "bpmf": Bayesian probabilistic matrix factorisation (Salakhutdinov & Mnih 2008) with biases,
// fitted by Gibbs sampling; predictions average the model over the samples drawn after burn-in.
//   r_ui ~ N(mu + x_u . y_i (bias form below), 1 / alpha),  mu = the global mean, kept fixed
// Each user has x_u = (b_u, p_u) and each item y_i = (b_i, q_i), d = factors + 1 numbers; the
// prediction is mu + b_u + b_i + p_u . q_i. Users' vectors share a Gaussian prior N(m_U, Lambda_U^-1)
// whose mean and precision have the conjugate Normal-Wishart hyperprior (m0 = 0, beta0, W0 = I,
// nu0 = d); items likewise. Unlike SGD or ALS there is no regularisation weight to tune: the priors'
// widths are learnt, and averaging over samples guards against overfitting, which is why the model
// is accurate on small data such as MovieLens 100k.
//
// One sweep (an epoch): [alpha, when sample_alpha] -> item hyperparameters -> every item -> user
// hyperparameters -> every user, each drawn from its conditional given everything else:
//   hyperparameters: with N rows, mean xbar and scatter S = sum (x - xbar)(x - xbar)^T,
//     Lambda ~ Wishart((I + S + beta0 N / (beta0 + N) xbar xbar^T)^-1, nu0 + N)   (Bartlett's method)
//     m ~ N((N xbar) / (beta0 + N), ((beta0 + N) Lambda)^-1)
//   a user: with z_i = (1, q_i) and t_i = r_ui - mu - b_i over the items they rated,
//     x_u ~ N(A^-1 (alpha sum z_i t_i + Lambda_U m_U), A^-1),  A = Lambda_U + alpha sum z_i z_i^T
//   (items the same way from z_u = (1, p_u) and t = r_ui - mu - b_u);
//   alpha (sample_alpha=true): ~ Gamma(1 + |R| / 2, rate 1 + SSE / 2), SSE the squared training error.
// The linear algebra (Gram matrices, Cholesky factors) is in double; vectors are stored in float32.
// All draws come from our Rng seeded by the fit's seed, in a fixed order, so a seed gives the same
// samples natively and in WASM (up to the last bits of log/sqrt).
//
// The first `burnin` sweeps are discarded; each of the next `samples` sweeps is kept (every user's
// and item's vector and the user hyperparameters and alpha): memory samples x (users + items) x d
// floats. Prediction: mu + the mean over kept samples of b_u + b_i + p_u . q_i (before any sample is
// kept, e.g. for validation during burn-in, the current sweep's). An unknown user or item drops its
// terms (mu + mean b_i, ...) and is flagged as a fallback. A new person (Profile with user -1) is
// folded in per kept sample as the conditional posterior mean of x given that sample's items, user
// hyperparameters and alpha, and the predictions are averaged. similar_items: cosine of the
// last sample's q_i. Loss per epoch: the training RMSE of the current sample.
//
// implicit=true adds SVD++'s implicit feedback (Koren 2008) from which items a user rated:
//   r_ui ~ N(mu + b_u + b_i + q_i . (p_u + z_u), 1 / alpha),  z_u = |N(u)|^-1/2 sum_{j in N(u)} w_j
// with N(u) the user's training items, w_j ~ N(0, lambda_w^-1 I), lambda_w ~ Gamma(1 + items k / 2,
// rate 1 + sum |w_j|^2 / 2). Items are then drawn with z = (1, p_u + z_u), users with targets
// r - mu - b_i - q_i . z_u, and each sweep ends by drawing lambda_w and every w_j in turn from
//   w_j ~ N(A^-1 b, A^-1),  A = lambda_w I + alpha sum_{u rated j} s_u^2 G_u,
//                          b = alpha sum_{u rated j} s_u (h_u + s_u G_u w_j),
// s_u = |N(u)|^-1/2, G_u = sum_{v in N(u)} q_v q_v^T and h_u = sum_{v in N(u)} q_v e_uv (e the current
// residual); after each draw z_u and h_u of the raters are updated by the change, so a sweep costs
// O(|R| k^2) rather than SVD++'s O(sum_u |N(u)|^2 k). The kept user vectors are (b_u, p_u + z_u),
// so prediction is unchanged; the w_j are kept too, for folding in a new person (z from their
// items, then (b, p) as above with targets shifted by q_i . z).
//
// Parameters: factors (10), burnin (20), samples (100), alpha (2: the noise precision, or its
// starting value with sample_alpha), sample_alpha (false), beta0 (2), init_std (0.1),
// implicit (false).
#pragma once
#include <cstdint>
#include <vector>

#include "models/model.h"
#include "util/rng.h"

namespace cofi {

class Bpmf : public Model {
 public:
  explicit Bpmf(const Params& params);
  std::string algorithm() const override { return "bpmf"; }
  std::vector<ScoredItem> similar_items(int32_t item, int n) const override;

  int factors() const { return factors_; }
  int kept_samples() const { return kept_; }
  float mu() const { return mu_; }
  // The current sample's vectors, (bias, factors) per row: users x d and items x d, row-major.
  const std::vector<float>& user_vectors() const { return user_vec_; }
  const std::vector<float>& item_vectors() const { return item_vec_; }
  // implicit=true: the current w_j (items x factors) and (b_u, p_u + z_u) (users x d).
  const std::vector<float>& implicit_vectors() const { return implicit_vec_; }
  const std::vector<float>& effective_user_vectors() const { return user_eff_; }
  double alpha() const { return alpha_; }  // the current noise precision
  // The current user prior N(m_U, Lambda_U^-1): m_U (d) and Lambda_U (d x d, column-major).
  const std::vector<double>& user_prior_mean() const { return user_mean_; }
  const std::vector<double>& user_prior_precision() const { return user_prec_; }

 protected:
  void do_fit(const Dataset& train, uint64_t seed) override;
  uint64_t fit_bytes(const Dataset& train) const override;
  int epochs() const override { return burnin_ + samples_; }
  double run_epoch(const Dataset& train, int epoch) override;
  void write_state(BinaryWriter& out) const override;
  void read_state(const Dataset& train, BinaryReader& in) override;
  Prediction do_predict(int32_t user, int32_t item) const override;
  void do_score(const Profile& person, std::vector<float>& scores) const override;

 private:
  // Where the vectors of sample s start (s = -1: the current sweep's).
  const float* users_of(int s) const;
  const float* items_of(int s) const;
  int sample_count() const { return kept_ > 0 ? kept_ : 1; }
  // implicit=true: z_u from the w_j, and the effective user vectors (b_u, p_u + z_u).
  void refresh_implicit(const Dataset& train);
  void refresh_effective();
  // implicit=true: draws lambda_w and every w_j (see above), keeping z_ current.
  void sample_implicit(const Dataset& train);
  // The person's (bias, factors [+ z]) given kept sample s (-1 or nothing kept: the current one).
  void fold_in(const Profile& person, int s, float* out) const;

  int factors_;
  int burnin_;
  int samples_;
  double alpha_init_;
  bool sample_alpha_;
  double beta0_;
  double init_std_;
  bool implicit_;

  float mu_ = 0.0f;
  double alpha_ = 2.0;
  std::vector<float> user_vec_, item_vec_;  // the current sweep: (b_u, p_u), (b_i, q_i)
  std::vector<float> user_eff_;             // (b_u, p_u + z_u); a copy of user_vec_ without implicit
  std::vector<float> implicit_vec_;         // w_j, items x factors (implicit only)
  std::vector<double> implicit_sum_;        // z_u, users x factors (implicit only)
  double implicit_prec_ = 1.0;              // lambda_w
  std::vector<double> user_mean_, user_prec_;  // the current user hyperparameters (d, d x d)
  Rng rng_{0};                                 // seeded by do_fit; not saved (sampling ends with the fit)

  int kept_ = 0;
  std::vector<float> kept_users_, kept_items_;     // kept_ x users x d (effective), kept_ x items x d
  std::vector<float> kept_implicit_;               // kept_ x items x factors (implicit only)
  std::vector<double> kept_user_mean_, kept_user_prec_, kept_alpha_;  // per kept sample, for fold-in
};

}  // namespace cofi
