// One scale measurement, natively: read a ratings CSV, fit one model, time recommendations.
// Prints one JSON line; bench/scale.mjs runs it (and bench/scale_wasm.mjs, its WASM twin) per
// data size and model, and prints the table.
//
//   build/native/cofi_scale_native FILE ALGO [KEY=VALUE...]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/ratings_reader.h"
#include "models/model.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cofi_scale_native FILE ALGO [KEY=VALUE...]\n");
    return 2;
  }
  try {
    std::ifstream in(argv[1], std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    const std::string bytes = text.str();
    auto t0 = std::chrono::steady_clock::now();
    auto data = std::make_shared<const cofi::Dataset>(cofi::read_ratings(bytes, argv[1]).data);
    const double read_s = seconds_since(t0);

    cofi::Params params;
    for (int k = 3; k < argc; ++k) {
      const std::string kv = argv[k];
      const auto eq = kv.find('=');
      params.set(kv.substr(0, eq), kv.substr(eq + 1));
    }
    auto model = cofi::make_model(argv[2], params);
    t0 = std::chrono::steady_clock::now();
    model->fit(data, 0);
    const double fit_s = seconds_since(t0);

    // Recommendations for 25 users spread over the user list: the median time of one.
    std::vector<double> times;
    for (int k = 0; k < 25; ++k) {
      const int32_t u = static_cast<int32_t>(static_cast<int64_t>(k) * data->num_users() / 25);
      t0 = std::chrono::steady_clock::now();
      const auto top = model->recommend(cofi::Profile::of_user(*data, u), 10);
      times.push_back(seconds_since(t0) * 1000.0);
      if (top.empty()) throw std::runtime_error("no recommendations");
    }
    std::sort(times.begin(), times.end());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("{\"read_s\":%.4f,\"read_mb_s\":%.1f,\"fit_s\":%.4f,\"recommend_ms\":%.3f,\"peak_mb\":%.1f,\"ratings\":%lld,\"users\":%d,\"items\":%d}\n",
                read_s, static_cast<double>(bytes.size()) / 1e6 / read_s, fit_s, times[times.size() / 2],
                static_cast<double>(usage.ru_maxrss) / 1024.0, static_cast<long long>(data->num_ratings()), data->num_users(),
                data->num_items());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cofi_scale_native: %s\n", e.what());
    return 1;
  }
  return 0;
}
