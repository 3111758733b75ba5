#include "models/ials.h"

#include <Eigen/Dense>
#include <algorithm>
#include <limits>

#include "io/binary.h"
#include "util/memory.h"
#include "util/parallel.h"
#include "util/rng.h"

namespace cofi {

namespace {

float dot(const float* a, const float* b, int n) {
  float s = 0.0f;
  for (int f = 0; f < n; ++f) s += a[f] * b[f];
  return s;
}

// Y^T Y for row-major float factors (rows x k), accumulated in double; full symmetric k x k.
void gram(const std::vector<float>& y, int k, std::vector<double>& out) {
  const size_t kk = static_cast<size_t>(k);
  const size_t rows = y.size() / kk;
  out.assign(kk * kk, 0.0);
  // Split over the Gram's rows a: each entry still sums over j in ascending order, whichever
  // thread computes it, so the result does not depend on the thread count.
  parallel_for(0, k, [&](int64_t a_lo, int64_t a_hi) {
    for (size_t j = 0; j < rows; ++j) {
      const float* v = y.data() + j * kk;
      for (size_t a = static_cast<size_t>(a_lo); a < static_cast<size_t>(a_hi); ++a) {
        double* row = out.data() + a * kk;
        const double va = v[a];
        for (size_t c = 0; c <= a; ++c) row[c] += va * v[c];
      }
    }
  });
  for (size_t a = 0; a < kk; ++a)
    for (size_t c = 0; c < a; ++c) out[c * kk + a] = out[a * kk + c];
}

// Solves one row's implicit normal equations (see ials.h) against the fixed side's factors
// `fixed` with Gram matrix `gram`. Keeps its buffers, so solving rows allocates nothing per row.
class RowSolver {
 public:
  RowSolver(const Ials& model, const std::vector<float>& fixed, const std::vector<double>& gram)
      : model_(model), k_(model.factors()), fixed_(fixed), gram_(gram),
        b_(static_cast<size_t>(k_)), x_(static_cast<size_t>(k_)), r_(static_cast<size_t>(k_)),
        p_(static_cast<size_t>(k_)), ap_(static_cast<size_t>(k_)) {}

  // cg_steps conjugate-gradient steps from the row's current factors `x` (updated in place).
  void conjugate_gradient(const int32_t* index, const float* value, int32_t n, int steps, float* x) {
    if (n == 0) return zero(x);
    const size_t k = static_cast<size_t>(k_);
    right_hand_side(index, value, n);
    for (size_t f = 0; f < k; ++f) x_[f] = x[f];
    multiply(index, value, n, x_, ap_);
    double rr = 0.0;
    for (size_t f = 0; f < k; ++f) {
      r_[f] = b_[f] - ap_[f];
      p_[f] = r_[f];
      rr += r_[f] * r_[f];
    }
    for (int s = 0; s < steps && rr > 0.0; ++s) {
      multiply(index, value, n, p_, ap_);
      double pap = 0.0;
      for (size_t f = 0; f < k; ++f) pap += p_[f] * ap_[f];
      if (!(pap > 0.0)) break;
      const double step = rr / pap;
      double rr_next = 0.0;
      for (size_t f = 0; f < k; ++f) {
        x_[f] += step * p_[f];
        r_[f] -= step * ap_[f];
        rr_next += r_[f] * r_[f];
      }
      const double beta = rr_next / rr;
      for (size_t f = 0; f < k; ++f) p_[f] = r_[f] + beta * p_[f];
      rr = rr_next;
    }
    for (size_t f = 0; f < k; ++f) x[f] = static_cast<float>(x_[f]);
  }

  // The exact solution: the system formed explicitly and solved by LDLT.
  void exact(const int32_t* index, const float* value, int32_t n, float* x) {
    if (n == 0) return zero(x);
    const size_t k = static_cast<size_t>(k_);
    right_hand_side(index, value, n);
    a_.resize(k_, k_);
    for (size_t a = 0; a < k; ++a)
      for (size_t c = 0; c <= a; ++c) a_(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(c)) = gram_[a * k + c];
    for (int32_t r = 0; r < n; ++r) {
      const float* y = fixed_.data() + static_cast<size_t>(index[r]) * k;
      const double w = model_.confidence(value[r]) - 1.0;
      for (size_t a = 0; a < k; ++a) {
        const double wya = w * y[a];
        for (size_t c = 0; c <= a; ++c) a_(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(c)) += wya * y[c];
      }
    }
    for (int a = 0; a < k_; ++a) a_(a, a) += model_.reg();
    ldlt_.compute(a_);  // reads the lower triangle only
    const Eigen::Map<const Eigen::VectorXd> b(b_.data(), k_);
    solution_ = ldlt_.solve(b);
    for (int f = 0; f < k_; ++f) x[f] = static_cast<float>(solution_(f));
  }

 private:
  void zero(float* x) const { std::fill(x, x + k_, 0.0f); }

  // b = sum over the rated rows of c y.
  void right_hand_side(const int32_t* index, const float* value, int32_t n) {
    const size_t k = static_cast<size_t>(k_);
    std::fill(b_.begin(), b_.end(), 0.0);
    for (int32_t r = 0; r < n; ++r) {
      const float* y = fixed_.data() + static_cast<size_t>(index[r]) * k;
      const double c = model_.confidence(value[r]);
      for (size_t f = 0; f < k; ++f) b_[f] += c * y[f];
    }
  }

  // out = (Y^T Y + reg I) v + sum over the rated rows of (c - 1) (y . v) y.
  void multiply(const int32_t* index, const float* value, int32_t n, const std::vector<double>& v,
                std::vector<double>& out) const {
    const size_t k = static_cast<size_t>(k_);
    // As a sum of the symmetric Gram's columns (element-wise, so it vectorises).
    for (size_t a = 0; a < k; ++a) out[a] = model_.reg() * v[a];
    for (size_t c = 0; c < k; ++c) {
      const double* column = gram_.data() + c * k;
      const double vc = v[c];
      for (size_t a = 0; a < k; ++a) out[a] += column[a] * vc;
    }
    for (int32_t r = 0; r < n; ++r) {
      const float* y = fixed_.data() + static_cast<size_t>(index[r]) * k;
      double yv = 0.0;
      for (size_t f = 0; f < k; ++f) yv += y[f] * v[f];
      const double w = (model_.confidence(value[r]) - 1.0) * yv;
      for (size_t f = 0; f < k; ++f) out[f] += w * y[f];
    }
  }

  const Ials& model_;
  int k_;
  const std::vector<float>& fixed_;
  const std::vector<double>& gram_;
  std::vector<double> b_, x_, r_, p_, ap_;
  Eigen::MatrixXd a_;
  Eigen::VectorXd solution_;
  Eigen::LDLT<Eigen::MatrixXd> ldlt_;
};

}  // namespace

Ials::Ials(const Params& params)
    : factors_(params.get_int("factors", 64, 1, 1000)),
      epochs_(params.get_int("epochs", 15, 1, 10000)),
      reg_(params.get_double("reg", 50.0, 1e-9, 1e9)),
      alpha_(params.get_double("alpha", 2.0, 0.0, 1e6)),
      binary_(params.get_bool("binary", false)),
      cg_steps_(params.get_int("cg_steps", 3, 0, 1000)),
      init_std_(params.get_double("init_std", 0.01, 0.0, 1e3)) {
  params.finish(algorithm());
}

// Users and items: factors each (the k x k Gram matrices are small).
uint64_t Ials::fit_bytes(const Dataset& train) const {
  return float_array_bytes(add_saturating(train.num_users(), train.num_items()), static_cast<uint64_t>(factors_));
}

void Ials::do_fit(const Dataset& train, uint64_t seed) {
  const size_t k = static_cast<size_t>(factors_);
  user_factors_.assign(static_cast<size_t>(train.num_users()) * k, 0.0f);
  item_factors_.assign(static_cast<size_t>(train.num_items()) * k, 0.0f);
  Rng rng(seed);
  for (auto& x : user_factors_) x = static_cast<float>(rng.normal() * init_std_);
  for (auto& x : item_factors_) x = static_cast<float>(rng.normal() * init_std_);
}

double Ials::run_epoch(const Dataset& train, int) {
  const size_t k = static_cast<size_t>(factors_);
  // Each row's solve reads only the fixed side (and its Gram matrix) and updates only its own
  // factors, so rows can be solved on several threads with results identical to one thread
  // (util/parallel.h). A solver holds scratch buffers, so each chunk of rows gets its own.
  auto solve_rows = [&](const SparseRows& rows, const std::vector<float>& fixed, const std::vector<double>& fixed_gram,
                        std::vector<float>& solved) {
    parallel_for(0, rows.rows(), [&](int64_t lo, int64_t hi) {
      RowSolver solver(*this, fixed, fixed_gram);
      for (int32_t r = static_cast<int32_t>(lo); r < hi; ++r) {
        const SparseRow row = rows.row(r);
        float* x = solved.data() + static_cast<size_t>(r) * k;
        if (cg_steps_ > 0)
          solver.conjugate_gradient(row.index, row.value, row.size, cg_steps_, x);
        else
          solver.exact(row.index, row.value, row.size, x);
      }
    });
  };
  // Items against the users, then users against the items.
  std::vector<double> user_gram;
  gram(user_factors_, factors_, user_gram);
  solve_rows(train.by_item(), user_factors_, user_gram, item_factors_);
  gram(item_factors_, factors_, item_gram_);  // kept: the items no longer change in this epoch
  solve_rows(train.by_user(), item_factors_, item_gram_, user_factors_);

  // The objective: every pair as if unobserved (x^T Y^T Y x), corrected on the observed pairs.
  double total = 0.0;
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const float* x = user_factors_.data() + static_cast<size_t>(u) * k;
    for (size_t a = 0; a < k; ++a) {
      double s = 0.0;
      for (size_t c = 0; c < k; ++c) s += item_gram_[a * k + c] * x[c];
      total += s * x[a];
    }
    const SparseRow row = train.by_user().row(u);
    for (int32_t r = 0; r < row.size; ++r) {
      const double s = dot(x, item_factors_.data() + static_cast<size_t>(row.index[r]) * k, factors_);
      total += confidence(row.value[r]) * (1.0 - s) * (1.0 - s) - s * s;
    }
  }
  double norms = 0.0;
  for (float v : user_factors_) norms += static_cast<double>(v) * v;
  for (float v : item_factors_) norms += static_cast<double>(v) * v;
  total += reg_ * norms;
  return total / static_cast<double>(train.num_ratings());
}

Prediction Ials::do_predict(int32_t user, int32_t item) const {
  const size_t k = static_cast<size_t>(factors_);
  Prediction p;
  p.fallback = user < 0 || item < 0;
  if (!p.fallback)
    p.raw = dot(user_factors_.data() + static_cast<size_t>(user) * k, item_factors_.data() + static_cast<size_t>(item) * k,
                factors_);
  return p;
}

void Ials::do_score(const Profile& person, std::vector<float>& scores) const {
  const Dataset& data = train();
  const size_t k = static_cast<size_t>(factors_);
  std::vector<float> folded(k);
  const float* x;
  if (person.user >= 0) {
    x = user_factors_.data() + static_cast<size_t>(person.user) * k;
  } else {
    RowSolver solver(*this, item_factors_, item_gram_);
    solver.exact(person.items.data(), person.ratings.data(), static_cast<int32_t>(person.items.size()), folded.data());
    x = folded.data();
  }
  for (int32_t i = 0; i < data.num_items(); ++i)
    scores[static_cast<size_t>(i)] = data.by_item().row_size(i) == 0
                                         ? std::numeric_limits<float>::quiet_NaN()
                                         : dot(x, item_factors_.data() + static_cast<size_t>(i) * k, factors_);
}

void Ials::write_state(BinaryWriter& out) const {
  out.vec(user_factors_);
  out.vec(item_factors_);
}

void Ials::read_state(const Dataset& train, BinaryReader& in) {
  const uint64_t k = static_cast<uint64_t>(factors_);
  user_factors_ = in.vec<float>(static_cast<uint64_t>(train.num_users()) * k, "ials user factors");
  item_factors_ = in.vec<float>(static_cast<uint64_t>(train.num_items()) * k, "ials item factors");
  gram(item_factors_, factors_, item_gram_);
}

}  // namespace cofi
