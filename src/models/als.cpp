#include "models/als.h"

#include <Eigen/Dense>
#include <limits>

#include "io/binary.h"
#include "util/memory.h"
#include "util/parallel.h"
#include "util/rng.h"

namespace cofi {

namespace {

// Solves one row's (bias, factors) by ridge regression against the fixed side (see als.h).
// Holds its buffers (grown to the longest row seen) so that solving rows allocates nothing per row.
class RowSolver {
 public:
  explicit RowSolver(int factors) : k_(factors), a_(factors + 1, factors + 1), b_(factors + 1), x_(factors + 1) {}

  // The row rated the fixed-side rows index[0..n) with value[...]; fixed is row-major
  // (fixed rows x factors), fixed_bias their biases. Writes the row's bias and factors.
  void solve(const int32_t* index, const float* value, int32_t n, const std::vector<float>& fixed,
             const std::vector<float>& fixed_bias, float mu, double reg, float& bias, float* factors) {
    if (n == 0) {
      bias = 0.0f;
      for (int f = 0; f < k_; ++f) factors[f] = 0.0f;
      return;
    }
    if (features_.rows() < n) {
      features_.resize(n, k_ + 1);
      targets_.resize(n);
    }
    // Features z = (1, fixed factors), the 1 carrying the row's bias; targets r - mu - fixed bias.
    for (int32_t r = 0; r < n; ++r) {
      const size_t j = static_cast<size_t>(index[r]);
      const float* q = fixed.data() + j * static_cast<size_t>(k_);
      features_(r, 0) = 1.0;
      for (int f = 0; f < k_; ++f) features_(r, f + 1) = q[f];
      targets_(r) = static_cast<double>(value[r]) - mu - fixed_bias[j];
    }
    const auto z = features_.topRows(n);
    // Z^T Z (lower triangle, what LLT reads) + reg n I; Z^T t.
    a_.setZero();
    a_.selfadjointView<Eigen::Lower>().rankUpdate(z.transpose());
    a_.diagonal().array() += reg * static_cast<double>(n);  // ALS-WR: lambda times the row's ratings
    b_.noalias() = z.transpose() * targets_.head(n);
    llt_.compute(a_);
    x_ = llt_.solve(b_);
    bias = static_cast<float>(x_(0));
    for (int f = 0; f < k_; ++f) factors[f] = static_cast<float>(x_(f + 1));
  }

 private:
  int k_;
  Eigen::MatrixXd features_;
  Eigen::VectorXd targets_;
  Eigen::MatrixXd a_;
  Eigen::VectorXd b_, x_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
};

float dot(const float* a, const float* b, int n) {
  float s = 0.0f;
  for (int f = 0; f < n; ++f) s += a[f] * b[f];
  return s;
}

double squared_norm(const float* a, int n) {
  double s = 0.0;
  for (int f = 0; f < n; ++f) s += static_cast<double>(a[f]) * a[f];
  return s;
}

}  // namespace

Als::Als(const Params& params)
    : factors_(params.get_int("factors", 50, 1, 1000)),
      epochs_(params.get_int("epochs", 15, 1, 10000)),
      reg_(params.get_double("reg", 0.13, 1e-9, 1e9)),
      init_std_(params.get_double("init_std", 0.1, 0.0, 1e3)) {
  params.finish(algorithm());
}

// Users and items: bias and factors each.
uint64_t Als::fit_bytes(const Dataset& train) const {
  return float_array_bytes(add_saturating(train.num_users(), train.num_items()), static_cast<uint64_t>(factors_) + 1);
}

void Als::do_fit(const Dataset& train, uint64_t seed) {
  const size_t k = static_cast<size_t>(factors_);
  mu_ = static_cast<float>(train.global_mean());
  user_factors_.assign(static_cast<size_t>(train.num_users()) * k, 0.0f);
  item_factors_.assign(static_cast<size_t>(train.num_items()) * k, 0.0f);
  user_bias_.assign(static_cast<size_t>(train.num_users()), 0.0f);
  item_bias_.assign(static_cast<size_t>(train.num_items()), 0.0f);
  Rng rng(seed);
  for (auto& x : user_factors_) x = static_cast<float>(rng.normal() * init_std_);
}

double Als::run_epoch(const Dataset& train, int) {
  const size_t k = static_cast<size_t>(factors_);
  // Each row's solve reads only the fixed side and writes only its own bias and factors, so rows
  // can be solved on several threads with results identical to one thread (util/parallel.h).
  // A solver holds scratch buffers, so each chunk of rows gets its own.
  auto solve_rows = [&](const SparseRows& rows, const std::vector<float>& fixed, const std::vector<float>& fixed_bias,
                        std::vector<float>& bias, std::vector<float>& factors) {
    parallel_for(0, rows.rows(), [&](int64_t lo, int64_t hi) {
      RowSolver solver(factors_);
      for (int32_t r = static_cast<int32_t>(lo); r < hi; ++r) {
        const SparseRow row = rows.row(r);
        solver.solve(row.index, row.value, row.size, fixed, fixed_bias, mu_, reg_, bias[static_cast<size_t>(r)],
                     factors.data() + static_cast<size_t>(r) * k);
      }
    });
  };
  // Items against the users, then users against the items.
  solve_rows(train.by_item(), user_factors_, user_bias_, item_bias_, item_factors_);
  solve_rows(train.by_user(), item_factors_, item_bias_, user_bias_, user_factors_);
  return loss(train);
}

double Als::loss(const Dataset& train) const {
  const size_t k = static_cast<size_t>(factors_);
  double total = 0.0;
  for (int32_t u = 0; u < train.num_users(); ++u) {
    const SparseRow row = train.by_user().row(u);
    const float* p = user_factors_.data() + static_cast<size_t>(u) * k;
    const float bu = user_bias_[static_cast<size_t>(u)];
    for (int32_t r = 0; r < row.size; ++r) {
      const size_t i = static_cast<size_t>(row.index[r]);
      const double err = static_cast<double>(row.value[r]) - mu_ - bu - item_bias_[i] -
                         dot(p, item_factors_.data() + i * k, factors_);
      total += err * err;
    }
    total += reg_ * row.size * (static_cast<double>(bu) * bu + squared_norm(p, factors_));
  }
  for (int32_t i = 0; i < train.num_items(); ++i) {
    const float bi = item_bias_[static_cast<size_t>(i)];
    total += reg_ * train.by_item().row_size(i) *
             (static_cast<double>(bi) * bi + squared_norm(item_factors_.data() + static_cast<size_t>(i) * k, factors_));
  }
  return total / static_cast<double>(train.num_ratings());
}

Prediction Als::do_predict(int32_t user, int32_t item) const {
  const size_t k = static_cast<size_t>(factors_);
  float est = mu_;
  if (user >= 0) est += user_bias_[static_cast<size_t>(user)];
  if (item >= 0) est += item_bias_[static_cast<size_t>(item)];
  if (user >= 0 && item >= 0)
    est += dot(user_factors_.data() + static_cast<size_t>(user) * k, item_factors_.data() + static_cast<size_t>(item) * k,
               factors_);
  Prediction p;
  p.raw = est;
  p.fallback = user < 0 || item < 0;
  return p;
}

void Als::do_score(const Profile& person, std::vector<float>& scores) const {
  const Dataset& data = train();
  const size_t k = static_cast<size_t>(factors_);
  std::vector<float> folded(k);
  float bias = 0.0f;
  const float* p;
  if (person.user >= 0) {
    p = user_factors_.data() + static_cast<size_t>(person.user) * k;
    bias = user_bias_[static_cast<size_t>(person.user)];
  } else {
    // Fold-in: the training user solve against the fixed items.
    RowSolver solver(factors_);
    solver.solve(person.items.data(), person.ratings.data(), static_cast<int32_t>(person.items.size()), item_factors_,
                 item_bias_, mu_, reg_, bias, folded.data());
    p = folded.data();
  }
  for (int32_t i = 0; i < data.num_items(); ++i) {
    scores[static_cast<size_t>(i)] =
        data.by_item().row_size(i) == 0
            ? std::numeric_limits<float>::quiet_NaN()
            : mu_ + bias + item_bias_[static_cast<size_t>(i)] + dot(p, item_factors_.data() + static_cast<size_t>(i) * k, factors_);
  }
}

void Als::write_state(BinaryWriter& out) const {
  out.f32(mu_);
  out.vec(user_factors_);
  out.vec(item_factors_);
  out.vec(user_bias_);
  out.vec(item_bias_);
}

void Als::read_state(const Dataset& train, BinaryReader& in) {
  const uint64_t k = static_cast<uint64_t>(factors_);
  const uint64_t users = static_cast<uint64_t>(train.num_users()), items = static_cast<uint64_t>(train.num_items());
  mu_ = in.f32();
  user_factors_ = in.vec<float>(users * k, "als user factors");
  item_factors_ = in.vec<float>(items * k, "als item factors");
  user_bias_ = in.vec<float>(users, "als user biases");
  item_bias_ = in.vec<float>(items, "als item biases");
}

}  // namespace cofi
