#include "models/bpmf.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "io/binary.h"
#include "models/svd.h"
#include "util/memory.h"

namespace cofi {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Gamma(shape, 1) by Marsaglia and Tsang's method (2000); shapes below 1 by the boost
// Gamma(a) = Gamma(a + 1) U^(1/a).
double gamma_draw(Rng& rng, double shape) {
  if (shape < 1.0) {
    const double g = gamma_draw(rng, shape + 1.0);
    double u;
    do u = rng.uniform(); while (u == 0.0);
    return g * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = rng.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0.0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

// Draws the prior mean and precision of `count` rows of d numbers (row-major) from their
// Normal-Wishart posterior (hyperprior m0 = 0, beta0, W0 = I, nu0 = d); see bpmf.h.
void sample_hyperparameters(const float* rows, int32_t count, int d, double beta0, Rng& rng, std::vector<double>& mean,
                            std::vector<double>& precision) {
  VectorXd xbar = VectorXd::Zero(d);
  for (int32_t r = 0; r < count; ++r)
    for (int f = 0; f < d; ++f) xbar(f) += rows[static_cast<size_t>(r) * d + f];
  const double n = static_cast<double>(count);
  if (count > 0) xbar /= n;
  MatrixXd scatter = MatrixXd::Zero(d, d);
  VectorXd centred(d);
  for (int32_t r = 0; r < count; ++r) {
    for (int f = 0; f < d; ++f) centred(f) = rows[static_cast<size_t>(r) * d + f] - xbar(f);
    scatter.selfadjointView<Eigen::Lower>().rankUpdate(centred);
  }
  MatrixXd w_inverse = scatter.selfadjointView<Eigen::Lower>();
  w_inverse += MatrixXd::Identity(d, d) + (beta0 * n / (beta0 + n)) * xbar * xbar.transpose();
  const MatrixXd w = w_inverse.llt().solve(MatrixXd::Identity(d, d));
  const MatrixXd chol_w = w.llt().matrixL();
  // Bartlett: Lambda = (L A)(L A)^T, A lower triangular, A_jj^2 ~ chi2(nu - j), A_ij ~ N(0, 1) below.
  const double nu = static_cast<double>(d) + n;
  MatrixXd a = MatrixXd::Zero(d, d);
  for (int j = 0; j < d; ++j) {
    a(j, j) = std::sqrt(2.0 * gamma_draw(rng, 0.5 * (nu - j)));
    for (int i = j + 1; i < d; ++i) a(i, j) = rng.normal();
  }
  const MatrixXd la = chol_w * a;
  const MatrixXd lambda = la * la.transpose();
  // m ~ N(N xbar / (beta0 + N), ((beta0 + N) Lambda)^-1): the mean plus U^-1 eps, U^T U = (beta0 + N) Lambda.
  const Eigen::LLT<MatrixXd> llt((beta0 + n) * lambda);
  VectorXd eps(d);
  for (int f = 0; f < d; ++f) eps(f) = rng.normal();
  const VectorXd m = (n / (beta0 + n)) * xbar + llt.matrixU().solve(eps);
  mean.assign(m.data(), m.data() + d);
  precision.assign(lambda.data(), lambda.data() + static_cast<size_t>(d) * d);
}

// One row's conditional posterior N(A^-1 b, A^-1), A = Lambda + alpha Z^T Z, b = alpha Z^T t + Lambda m,
// with z = (1, the other side's factors) and t = r - mu - the other side's bias for each rating of
// the row (the other side's rows hold (bias, factors)). Buffers grow to the longest row, so rows
// allocate nothing.
class RowPosterior {
 public:
  explicit RowPosterior(int d) : d_(d), a_(d, d), b_(d), x_(d), eps_(d) {}

  // Forms A and b and factors A; then mean() and draw() give the posterior mean and a draw.
  // `shift` (k numbers, or null) is subtracted from each target through the other side's factors:
  // t = r - mu - bias - factors . shift (the user side of the implicit model, shift = z_u).
  void form(const int32_t* index, const float* value, int32_t n, const float* other, float mu, double alpha,
            const std::vector<double>& prior_mean, const std::vector<double>& prior_precision,
            const double* shift = nullptr) {
    if (features_.rows() < n) {
      features_.resize(n, d_);
      targets_.resize(n);
    }
    for (int32_t r = 0; r < n; ++r) {
      const float* y = other + static_cast<size_t>(index[r]) * d_;
      features_(r, 0) = 1.0;
      for (int f = 1; f < d_; ++f) features_(r, f) = y[f];
      targets_(r) = static_cast<double>(value[r]) - mu - y[0];
      if (shift)
        for (int f = 1; f < d_; ++f) targets_(r) -= y[f] * shift[f - 1];
    }
    const Eigen::Map<const MatrixXd> lambda(prior_precision.data(), d_, d_);
    const Eigen::Map<const VectorXd> m(prior_mean.data(), d_);
    a_.setZero();
    if (n > 0) a_.selfadjointView<Eigen::Lower>().rankUpdate(features_.topRows(n).transpose(), alpha);
    a_ += lambda;
    b_.noalias() = lambda * m;
    if (n > 0) b_.noalias() += alpha * (features_.topRows(n).transpose() * targets_.head(n));
    llt_.compute(a_);
    x_ = llt_.solve(b_);
  }
  const VectorXd& mean() const { return x_; }
  // The mean plus U^-1 eps (U^T U = A), a draw from N(A^-1 b, A^-1); written as float.
  void draw(Rng& rng, float* out) {
    for (int f = 0; f < d_; ++f) eps_(f) = rng.normal();
    eps_ = llt_.matrixU().solve(eps_);
    for (int f = 0; f < d_; ++f) out[f] = static_cast<float>(x_(f) + eps_(f));
  }

 private:
  int d_;
  MatrixXd features_;
  VectorXd targets_;
  MatrixXd a_;
  VectorXd b_, x_, eps_;
  Eigen::LLT<MatrixXd> llt_;
};

// b_u + b_i + p_u . q_i for rows (bias, factors) of length d.
inline float interaction(const float* x, const float* y, int d) {
  float s = x[0] + y[0];
  for (int f = 1; f < d; ++f) s += x[f] * y[f];
  return s;
}

}  // namespace

Bpmf::Bpmf(const Params& params)
    : factors_(read_factor_count(params, 10)),
      burnin_(params.get_int("burnin", 20, 0, 100000)),
      samples_(params.get_int("samples", 100, 1, 100000)),
      alpha_init_(params.get_double("alpha", 2.0, 1e-6, 1e6)),
      sample_alpha_(params.get_bool("sample_alpha", false)),
      beta0_(params.get_double("beta0", 2.0, 1e-9, 1e9)),
      init_std_(params.get_double("init_std", 0.1, 0.0, 1e3)),
      implicit_(params.get_bool("implicit", false)) {
  params.finish(algorithm());
  if (factors_ > 500) throw std::invalid_argument("bpmf: factors must be at most 500");
}

const float* Bpmf::users_of(int s) const {
  if (s < 0 || kept_ == 0) return user_eff_.data();
  return kept_users_.data() + static_cast<size_t>(s) * user_eff_.size();
}

const float* Bpmf::items_of(int s) const {
  if (s < 0 || kept_ == 0) return item_vec_.data();
  return kept_items_.data() + static_cast<size_t>(s) * item_vec_.size();
}

// Every kept sample holds each user's and item's (bias, factors) vector, and the implicit factors too.
uint64_t Bpmf::fit_bytes(const Dataset& train) const {
  const uint64_t d = static_cast<uint64_t>(factors_) + 1;
  const uint64_t per_sample = add_saturating(float_array_bytes(add_saturating(train.num_users(), train.num_items()), d),
                                             implicit_ ? float_array_bytes(train.num_items(), static_cast<uint64_t>(factors_)) : 0);
  return mul_saturating(per_sample, static_cast<uint64_t>(samples_) + 1);
}

void Bpmf::do_fit(const Dataset& train, uint64_t seed) {
  const int d = factors_ + 1;
  mu_ = static_cast<float>(train.global_mean());
  alpha_ = alpha_init_;
  rng_ = Rng(seed);
  user_vec_.resize(static_cast<size_t>(train.num_users()) * d);
  item_vec_.resize(static_cast<size_t>(train.num_items()) * d);
  // Biases start at 0, factors from N(0, init_std^2): users, then items. The w_j start at 0.
  for (size_t r = 0; r < user_vec_.size(); ++r)
    user_vec_[r] = r % d == 0 ? 0.0f : static_cast<float>(rng_.normal() * init_std_);
  for (size_t r = 0; r < item_vec_.size(); ++r)
    item_vec_[r] = r % d == 0 ? 0.0f : static_cast<float>(rng_.normal() * init_std_);
  implicit_vec_.assign(implicit_ ? static_cast<size_t>(train.num_items()) * factors_ : 0, 0.0f);
  implicit_sum_.assign(implicit_ ? static_cast<size_t>(train.num_users()) * factors_ : 0, 0.0);
  implicit_prec_ = 1.0;
  refresh_effective();
  user_mean_.assign(static_cast<size_t>(d), 0.0);
  user_prec_.assign(static_cast<size_t>(d) * d, 0.0);
  for (int f = 0; f < d; ++f) user_prec_[static_cast<size_t>(f) * d + f] = 1.0;
  kept_ = 0;
  kept_users_.clear();
  kept_items_.clear();
  kept_implicit_.clear();
  kept_users_.reserve(static_cast<size_t>(samples_) * user_vec_.size());
  kept_items_.reserve(static_cast<size_t>(samples_) * item_vec_.size());
  kept_implicit_.reserve(static_cast<size_t>(samples_) * implicit_vec_.size());
  kept_user_mean_.clear();
  kept_user_prec_.clear();
  kept_alpha_.clear();
}

void Bpmf::refresh_implicit(const Dataset& train) {
  const size_t k = static_cast<size_t>(factors_);
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = train.by_user().row(u);
    double* z = implicit_sum_.data() + static_cast<size_t>(u) * k;
    std::fill(z, z + k, 0.0);
    if (row.size == 0) continue;
    for (int32_t r = 0; r < row.size; ++r) {
      const float* w = implicit_vec_.data() + static_cast<size_t>(row.index[r]) * k;
      for (size_t f = 0; f < k; ++f) z[f] += w[f];
    }
    const double scale = 1.0 / std::sqrt(static_cast<double>(row.size));
    for (size_t f = 0; f < k; ++f) z[f] *= scale;
  }
}

void Bpmf::refresh_effective() {
  user_eff_ = user_vec_;
  if (!implicit_) return;
  const size_t d = static_cast<size_t>(factors_) + 1, k = static_cast<size_t>(factors_);
  for (size_t u = 0; u < user_eff_.size() / d; ++u)
    for (size_t f = 0; f < k; ++f) user_eff_[u * d + 1 + f] += static_cast<float>(implicit_sum_[u * k + f]);
}

void Bpmf::sample_implicit(const Dataset& train) {
  const int k = factors_, d = factors_ + 1;
  const size_t kk = static_cast<size_t>(k) * k;
  const int32_t users = train.num_users();
  // lambda_w from its Gamma posterior.
  double norm = 0.0;
  for (float w : implicit_vec_) norm += static_cast<double>(w) * w;
  implicit_prec_ = gamma_draw(rng_, 1.0 + 0.5 * static_cast<double>(implicit_vec_.size())) / (1.0 + 0.5 * norm);
  // Per user: s_u, G_u = sum q_v q_v^T, h_u = sum q_v e_uv over the user's items.
  std::vector<double> scale(static_cast<size_t>(users), 0.0), gram(static_cast<size_t>(users) * kk, 0.0),
      residual_sum(static_cast<size_t>(users) * k, 0.0);
  for (int32_t u = 0; u < users; ++u) {
    const SparseRow row = train.by_user().row(u);
    if (row.size == 0) continue;
    scale[static_cast<size_t>(u)] = 1.0 / std::sqrt(static_cast<double>(row.size));
    Eigen::Map<MatrixXd> g(gram.data() + static_cast<size_t>(u) * kk, k, k);
    Eigen::Map<VectorXd> h(residual_sum.data() + static_cast<size_t>(u) * k, k);
    const float* x = user_eff_.data() + static_cast<size_t>(u) * d;
    for (int32_t r = 0; r < row.size; ++r) {
      const float* y = item_vec_.data() + static_cast<size_t>(row.index[r]) * d;
      const Eigen::Map<const Eigen::VectorXf> q(y + 1, k);
      const VectorXd qd = q.cast<double>();
      g.selfadjointView<Eigen::Lower>().rankUpdate(qd);
      h += (static_cast<double>(row.value[r]) - mu_ - interaction(x, y, d)) * qd;
    }
    g.triangularView<Eigen::StrictlyUpper>() = g.transpose();
  }
  MatrixXd a(k, k);
  VectorXd b(k), old(k), eps(k), change(k);
  Eigen::LLT<MatrixXd> llt;
  for (int32_t j = 0; j < train.num_items(); ++j) {
    const SparseRow col = train.by_item().row(j);
    float* w = implicit_vec_.data() + static_cast<size_t>(j) * k;
    for (int f = 0; f < k; ++f) old(f) = w[f];
    a.setIdentity();
    a *= implicit_prec_;
    b.setZero();
    for (int32_t r = 0; r < col.size; ++r) {
      const size_t u = static_cast<size_t>(col.index[r]);
      const double su = scale[u];
      const Eigen::Map<const MatrixXd> g(gram.data() + u * kk, k, k);
      const Eigen::Map<const VectorXd> h(residual_sum.data() + u * k, k);
      a.noalias() += (alpha_ * su * su) * g;
      b.noalias() += (alpha_ * su) * h + (alpha_ * su * su) * (g * old);
    }
    llt.compute(a);
    for (int f = 0; f < k; ++f) eps(f) = rng_.normal();
    const VectorXd drawn = llt.solve(b) + llt.matrixU().solve(eps);
    for (int f = 0; f < k; ++f) w[f] = static_cast<float>(drawn(f));
    // The raters' z_u and h_u follow the change (as stored in float).
    for (int f = 0; f < k; ++f) change(f) = static_cast<double>(w[f]) - old(f);
    for (int32_t r = 0; r < col.size; ++r) {
      const size_t u = static_cast<size_t>(col.index[r]);
      const double su = scale[u];
      const Eigen::Map<const MatrixXd> g(gram.data() + u * kk, k, k);
      Eigen::Map<VectorXd> h(residual_sum.data() + u * k, k);
      Eigen::Map<VectorXd> z(implicit_sum_.data() + u * k, k);
      z.noalias() += su * change;
      h.noalias() -= su * (g * change);
    }
  }
}

double Bpmf::run_epoch(const Dataset& train, int epoch) {
  const int d = factors_ + 1;
  const SparseRows& by_user = train.by_user();
  const SparseRows& by_item = train.by_item();
  auto squared_error = [&]() {
    double sse = 0.0;
    for (int32_t u = 0; u < train.num_users(); ++u) {
      const SparseRow row = by_user.row(u);
      const float* x = user_eff_.data() + static_cast<size_t>(u) * d;
      for (int32_t r = 0; r < row.size; ++r) {
        const double e = row.value[r] - mu_ - interaction(x, item_vec_.data() + static_cast<size_t>(row.index[r]) * d, d);
        sse += e * e;
      }
    }
    return sse;
  };
  if (implicit_) {
    // z_u from scratch once per sweep, so the incremental updates never drift.
    refresh_implicit(train);
    refresh_effective();
  }
  if (sample_alpha_)
    alpha_ = gamma_draw(rng_, 1.0 + 0.5 * static_cast<double>(train.num_ratings())) / (1.0 + 0.5 * squared_error());
  RowPosterior posterior(d);
  std::vector<double> item_mean, item_prec;
  sample_hyperparameters(item_vec_.data(), train.num_items(), d, beta0_, rng_, item_mean, item_prec);
  for (int32_t i = 0; i < train.num_items(); ++i) {
    const SparseRow col = by_item.row(i);
    posterior.form(col.index, col.value, col.size, user_eff_.data(), mu_, alpha_, item_mean, item_prec);
    posterior.draw(rng_, item_vec_.data() + static_cast<size_t>(i) * d);
  }
  sample_hyperparameters(user_vec_.data(), train.num_users(), d, beta0_, rng_, user_mean_, user_prec_);
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = by_user.row(u);
    posterior.form(row.index, row.value, row.size, item_vec_.data(), mu_, alpha_, user_mean_, user_prec_,
                   implicit_ ? implicit_sum_.data() + static_cast<size_t>(u) * factors_ : nullptr);
    posterior.draw(rng_, user_vec_.data() + static_cast<size_t>(u) * d);
  }
  refresh_effective();
  if (implicit_) {
    sample_implicit(train);
    refresh_effective();
  }
  if (epoch >= burnin_) {
    kept_users_.insert(kept_users_.end(), user_eff_.begin(), user_eff_.end());
    kept_items_.insert(kept_items_.end(), item_vec_.begin(), item_vec_.end());
    kept_implicit_.insert(kept_implicit_.end(), implicit_vec_.begin(), implicit_vec_.end());
    kept_user_mean_.insert(kept_user_mean_.end(), user_mean_.begin(), user_mean_.end());
    kept_user_prec_.insert(kept_user_prec_.end(), user_prec_.begin(), user_prec_.end());
    kept_alpha_.push_back(alpha_);
    ++kept_;
  }
  // Loss: the training RMSE of this sweep's sample.
  return train.num_ratings() > 0 ? std::sqrt(squared_error() / static_cast<double>(train.num_ratings())) : 0.0;
}

Prediction Bpmf::do_predict(int32_t user, int32_t item) const {
  const int d = factors_ + 1;
  const int samples = sample_count();
  double total = 0.0;
  for (int s = 0; s < samples; ++s) {
    const float* x = user >= 0 ? users_of(s) + static_cast<size_t>(user) * d : nullptr;
    const float* y = item >= 0 ? items_of(s) + static_cast<size_t>(item) * d : nullptr;
    if (x && y) total += interaction(x, y, d);
    else if (x) total += x[0];
    else if (y) total += y[0];
  }
  Prediction p;
  p.raw = static_cast<float>(mu_ + total / samples);
  p.fallback = user < 0 || item < 0;
  return p;
}

void Bpmf::fold_in(const Profile& person, int s, float* out) const {
  const int k = factors_, d = factors_ + 1;
  const bool current = s < 0 || kept_ == 0;
  const size_t dd = static_cast<size_t>(d) * d;
  const std::vector<double> mean =
      current ? user_mean_
              : std::vector<double>(kept_user_mean_.begin() + static_cast<std::ptrdiff_t>(s) * d,
                                    kept_user_mean_.begin() + static_cast<std::ptrdiff_t>(s + 1) * d);
  const std::vector<double> prec =
      current ? user_prec_
              : std::vector<double>(kept_user_prec_.begin() + static_cast<std::ptrdiff_t>(s * dd),
                                    kept_user_prec_.begin() + static_cast<std::ptrdiff_t>((s + 1) * dd));
  std::vector<double> z;
  if (implicit_) {
    const float* w = current ? implicit_vec_.data() : kept_implicit_.data() + static_cast<size_t>(s) * implicit_vec_.size();
    z.assign(static_cast<size_t>(k), 0.0);
    for (int32_t j : person.items)
      for (int f = 0; f < k; ++f) z[static_cast<size_t>(f)] += w[static_cast<size_t>(j) * k + f];
    if (!person.items.empty())
      for (double& v : z) v /= std::sqrt(static_cast<double>(person.items.size()));
  }
  RowPosterior posterior(d);
  posterior.form(person.items.data(), person.ratings.data(), static_cast<int32_t>(person.items.size()), items_of(s),
                 mu_, current ? alpha_ : kept_alpha_[static_cast<size_t>(s)], mean, prec,
                 implicit_ ? z.data() : nullptr);
  for (int f = 0; f < d; ++f) out[f] = static_cast<float>(posterior.mean()(f) + (f > 0 && implicit_ ? z[static_cast<size_t>(f - 1)] : 0.0));
}

void Bpmf::do_score(const Profile& person, std::vector<float>& scores) const {
  const Dataset& data = train();
  const int d = factors_ + 1;
  const int samples = sample_count();
  const size_t items = static_cast<size_t>(data.num_items());
  std::vector<double> total(items, 0.0);
  std::vector<float> folded(static_cast<size_t>(d));
  for (int s = 0; s < samples; ++s) {
    const float* y = items_of(s);
    const float* x;
    if (person.user >= 0) {
      x = users_of(s) + static_cast<size_t>(person.user) * d;
    } else {
      // Fold-in: the posterior mean of the person's vector given this sample.
      fold_in(person, kept_ == 0 ? -1 : s, folded.data());
      x = folded.data();
    }
    for (size_t i = 0; i < items; ++i) total[i] += interaction(x, y + i * d, d);
  }
  for (size_t i = 0; i < items; ++i)
    scores[i] = data.by_item().row_size(static_cast<int32_t>(i)) == 0 ? std::numeric_limits<float>::quiet_NaN()
                                                                       : static_cast<float>(mu_ + total[i] / samples);
}

std::vector<ScoredItem> Bpmf::similar_items(int32_t item, int n) const {
  require_fitted("similar_items");
  const int d = factors_ + 1;
  std::vector<float> factors(static_cast<size_t>(train().num_items()) * factors_);
  for (size_t i = 0; i < static_cast<size_t>(train().num_items()); ++i)
    for (int f = 0; f < factors_; ++f) factors[i * factors_ + f] = item_vec_[i * d + 1 + f];
  return similar_by_factors(factors, factors_, item, n);
}

void Bpmf::write_state(BinaryWriter& out) const {
  out.f32(mu_);
  out.f64(alpha_);
  out.f64(implicit_prec_);
  out.vec(user_vec_);
  out.vec(item_vec_);
  out.vec(user_eff_);
  out.vec(implicit_vec_);
  out.vec(implicit_sum_);
  out.vec(user_mean_);
  out.vec(user_prec_);
  out.i32(kept_);
  out.vec(kept_users_);
  out.vec(kept_items_);
  out.vec(kept_implicit_);
  out.vec(kept_user_mean_);
  out.vec(kept_user_prec_);
  out.vec(kept_alpha_);
}

void Bpmf::read_state(const Dataset& train, BinaryReader& in) {
  const size_t d = static_cast<size_t>(factors_) + 1, k = static_cast<size_t>(factors_);
  const size_t users = static_cast<size_t>(train.num_users()), items = static_cast<size_t>(train.num_items());
  mu_ = in.f32();
  alpha_ = in.f64();
  implicit_prec_ = in.f64();
  user_vec_ = in.vec<float>();
  item_vec_ = in.vec<float>();
  user_eff_ = in.vec<float>();
  implicit_vec_ = in.vec<float>();
  implicit_sum_ = in.vec<double>();
  user_mean_ = in.vec<double>();
  user_prec_ = in.vec<double>();
  kept_ = in.i32();
  kept_users_ = in.vec<float>();
  kept_items_ = in.vec<float>();
  kept_implicit_ = in.vec<float>();
  kept_user_mean_ = in.vec<double>();
  kept_user_prec_ = in.vec<double>();
  kept_alpha_ = in.vec<double>();
  const size_t kept = kept_ < 0 ? 0 : static_cast<size_t>(kept_);
  const size_t implicit_items = implicit_ ? items * k : 0, implicit_users = implicit_ ? users * k : 0;
  if (kept_ < 0 || user_vec_.size() != users * d || item_vec_.size() != items * d || user_eff_.size() != users * d ||
      implicit_vec_.size() != implicit_items || implicit_sum_.size() != implicit_users || user_mean_.size() != d ||
      user_prec_.size() != d * d || kept_users_.size() != kept * users * d || kept_items_.size() != kept * items * d ||
      kept_implicit_.size() != kept * implicit_items || kept_user_mean_.size() != kept * d ||
      kept_user_prec_.size() != kept * d * d || kept_alpha_.size() != kept)
    in.fail("bpmf state does not match the training set and the factors and implicit parameters");
}

}  // namespace cofi
