#include "models/baselines.h"

namespace cofi {

BaselineOptions BaselineOptions::from_params(const Params& params, const std::string& prefix) {
  BaselineOptions o;
  o.method = params.get_choice(prefix + "method", "als", {"als", "sgd"});
  o.epochs = params.get_int(prefix + "epochs", o.method == "als" ? 10 : 20, 0, 100000);
  if (o.method == "als") {
    o.reg_u = params.get_double(prefix + "reg_u", 15.0, 0.0, 1e12);
    o.reg_i = params.get_double(prefix + "reg_i", 10.0, 0.0, 1e12);
  } else {
    o.reg = params.get_double(prefix + "reg", 0.02, 0.0, 1e6);
    o.learning_rate = params.get_double(prefix + "learning_rate", 0.005, 0.0, 10.0);
  }
  return o;
}

Baselines estimate_baselines(const Dataset& train, const BaselineOptions& o) {
  Baselines b;
  b.mu = train.global_mean();
  b.bu.assign(static_cast<size_t>(train.num_users()), 0.0);
  b.bi.assign(static_cast<size_t>(train.num_items()), 0.0);
  const SparseRows& by_user = train.by_user();
  const SparseRows& by_item = train.by_item();
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    if (o.method == "als") {
      for (int32_t i = 0; i < train.num_items(); ++i) {
        const SparseRow col = by_item.row(i);
        double dev = 0.0;
        for (int32_t k = 0; k < col.size; ++k) dev += col.value[k] - b.mu - b.bu[static_cast<size_t>(col.index[k])];
        b.bi[static_cast<size_t>(i)] = dev / (o.reg_i + col.size);
      }
      for (int32_t u = 0; u < train.num_users(); ++u) {
        const SparseRow row = by_user.row(u);
        double dev = 0.0;
        for (int32_t k = 0; k < row.size; ++k) dev += row.value[k] - b.mu - b.bi[static_cast<size_t>(row.index[k])];
        b.bu[static_cast<size_t>(u)] = dev / (o.reg_u + row.size);
      }
    } else {
      for (int32_t u = 0; u < train.num_users(); ++u) {
        const SparseRow row = by_user.row(u);
        double& bu = b.bu[static_cast<size_t>(u)];
        for (int32_t k = 0; k < row.size; ++k) {
          double& bi = b.bi[static_cast<size_t>(row.index[k])];
          const double err = row.value[k] - (b.mu + bu + bi);
          bu += o.learning_rate * (err - o.reg * bu);
          bi += o.learning_rate * (err - o.reg * bi);
        }
      }
    }
  }
  return b;
}

double fold_in_user_bias(const Baselines& b, const BaselineOptions& o, const std::vector<int32_t>& items,
                         const std::vector<float>& ratings) {
  if (o.method == "als") {
    double dev = 0.0;
    for (size_t k = 0; k < items.size(); ++k) dev += ratings[k] - b.mu - b.bi[static_cast<size_t>(items[k])];
    return dev / (o.reg_u + static_cast<double>(items.size()));
  }
  double bu = 0.0;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    for (size_t k = 0; k < items.size(); ++k) {
      const double err = ratings[k] - (b.mu + bu + b.bi[static_cast<size_t>(items[k])]);
      bu += o.learning_rate * (err - o.reg * bu);
    }
  }
  return bu;
}

}  // namespace cofi
