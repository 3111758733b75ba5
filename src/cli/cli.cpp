#include "cli/cli.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <sstream>
#include <stdexcept>

#include "eval/metrics.h"
#include "eval/search.h"
#include "eval/split.h"
#include "io/factors_reader.h"
#include "io/items_reader.h"
#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "models/compact.h"
#include "models/imported_als.h"
#include "models/model.h"
#include "util/json.h"

namespace cofi {

namespace {

const char* kUsage =
    "usage: cofi <command> [options]\n"
    "\n"
    "commands:\n"
    "  inspect FILE                         counts, rating scale, duplicates of a ratings file\n"
    "  fit --ratings FILE --save MODEL      fit a model (--algo, --set, --seed) and save it\n"
    "  evaluate --train FILE --test FILE    RMSE and MAE of a model on a test file\n"
    "  evaluate --ratings FILE --folds K    the same by K-fold cross-validation\n"
    "  rank --train FILE --test FILE        precision, recall, NDCG and hit rate at k\n"
    "  recommend --ratings FILE --user ID   the top n items for a user (or --rate ITEM=RATING...)\n"
    "  similar --ratings FILE --item ID     the n items most similar to an item\n"
    "  predict --train FILE --test FILE     every test pair's prediction as CSV\n"
    "  predict --ratings FILE --user ID --item ID\n"
    "  search --ratings FILE --algo NAME --grid KEY=V1,V2...   hyperparameter search by K-fold\n"
    "                         cross-validation on FILE (use the training part only): --grid for every\n"
    "                         combination, or --random N with KEY=uniform:LO:HI, loguniform:LO:HI,\n"
    "                         int:LO:HI or lists; --folds (3), --measure rmse|mae|precision|ndcg\n"
    "  import --factors FILE... --save MODEL   serve item factors trained elsewhere: Spark's itemFactors\n"
    "                         (JSON lines or CSV; one --factors per part file) or, with --npy FILE\n"
    "                         --ids FILE, implicit's item_factors; --settings FILE (Spark's model\n"
    "                         metadata, or JSON with rank, regParam, alpha, implicitPrefs) and --set\n"
    "                         reg=, alpha=, implicit=, convention=spark|implicit; then recommend\n"
    "                         --model MODEL --rate ITEM=RATING... folds a person in as the trainer would\n"
    "  compact --model MODEL --save OUT     a saved svd, als, ials or imported-als model cut down for\n"
    "                         serving visitors on a static site: item factors in --encoding int8\n"
    "                         (default), float16 or float32, no training ratings or users\n"
    "  algorithms                           the algorithm names\n"
    "\n"
    "saved models:\n"
    "  --save MODEL           fit, evaluate --train/--test: write the fitted model to a file\n"
    "  --model MODEL          recommend, similar, predict, rank and evaluate (with --test): answer\n"
    "                         from a saved model instead of --ratings/--train, --algo, --set, --seed\n"
    "                         (the file carries the algorithm, parameters, seed and training data)\n"
    "\n"
    "options:\n"
    "  --algo NAME            algorithm (see `cofi algorithms`)\n"
    "  --set KEY=VALUE        an algorithm parameter, e.g. --set k=40 --set user_based=false\n"
    "  --seed N               seed for every random choice (default 0)\n"
    "  -n N                   number of items (default 10)\n"
    "  -k N, --threshold X    rank: list length (default 10), relevance threshold (default 4)\n"
    "  --items FILE           item titles (id, title, ...) for recommend and similar\n"
    "  --delimiter D          ratings delimiter (default: detected; , tab ; | ::)\n"
    "  --header | --no-header       whether the first row names the columns (default: detected)\n"
    "  --user-column C, --item-column C, --rating-column C   column by 0-based index or name\n"
    "  --skip-bad-rows        skip malformed rows (reported) instead of stopping\n"
    "  --output FILE          predict: write the CSV there instead of standard output\n"
    "  --validation F         fit, evaluate: hold out fraction F of the training ratings, report\n"
    "                         validation RMSE per epoch, and with --patience N stop early, keeping\n"
    "                         the best epoch (the model is then trained on the rest)\n"
    "  --progress             print each epoch (loss, validation RMSE) on standard error\n"
    "  --json                 machine-readable output\n";

// A usage error: bad flags. Input errors are ParseError / invalid_argument from the core.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // the last value of each flag
  std::vector<std::string> sets;               // --set KEY=VALUE, in order
  std::vector<std::string> rates;              // --rate ITEM=RATING, in order
  std::vector<std::string> grids;              // --grid KEY=VALUES, in order
  std::vector<std::string> factors;            // --factors FILE, in order
  bool json = false;

  bool has(const std::string& flag) const { return options.count(flag) != 0; }
  std::string get(const std::string& flag, const std::string& fallback = "") const {
    auto found = options.find(flag);
    return found == options.end() ? fallback : found->second;
  }
  std::string require(const std::string& flag) const {
    auto found = options.find(flag);
    if (found == options.end()) throw UsageError(command + " needs " + flag);
    return found->second;
  }
};

Args parse_args(const std::vector<std::string>& argv) {
  static const std::map<std::string, bool> kFlags = {  // flag -> takes a value
      {"--train", true},       {"--test", true},        {"--ratings", true},     {"--folds", true},
      {"--algo", true},        {"--seed", true},        {"-n", true},            {"-k", true},
      {"--threshold", true},   {"--user", true},        {"--item", true},        {"--items", true},
      {"--delimiter", true},   {"--user-column", true}, {"--item-column", true}, {"--rating-column", true},
      {"--output", true},      {"--save", true},        {"--model", true},       {"--header", false},     {"--no-header", false},  {"--skip-bad-rows", false},
      {"--json", false},       {"--validation", true},  {"--patience", true},    {"--progress", false},
      {"--random", true},      {"--measure", true},     {"--npy", true},         {"--ids", true},
      {"--settings", true},    {"--encoding", true}};
  Args a;
  if (argv.empty()) throw UsageError("no command given (try cofi --help)");
  a.command = argv[0];
  for (size_t k = 1; k < argv.size(); ++k) {
    const std::string& arg = argv[k];
    if (arg == "--set" || arg == "--rate" || arg == "--grid") {
      if (k + 1 >= argv.size()) throw UsageError(arg + " needs KEY=VALUE");
      const std::string& kv = argv[++k];
      if (kv.find('=') == std::string::npos || kv.front() == '=')
        throw UsageError(arg + " " + kv + ": expected KEY=VALUE");
      (arg == "--set" ? a.sets : arg == "--rate" ? a.rates : a.grids).push_back(kv);
      continue;
    }
    if (arg == "--factors") {
      if (k + 1 >= argv.size()) throw UsageError("--factors needs a file");
      a.factors.push_back(argv[++k]);
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      auto flag = kFlags.find(arg);
      if (flag == kFlags.end()) throw UsageError("unknown option " + arg);
      if (flag->second) {
        if (k + 1 >= argv.size()) throw UsageError(arg + " needs a value");
        a.options[arg] = argv[++k];
      } else {
        a.options[arg] = "1";
      }
      if (arg == "--json") a.json = true;
      continue;
    }
    a.positional.push_back(arg);
  }
  return a;
}

long long parse_count(const std::string& flag, const std::string& text, long long lo, long long hi) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < lo || v > hi)
    throw UsageError(flag + " " + text + ": expected a whole number from " + std::to_string(lo) + " to " +
                     std::to_string(hi));
  return v;
}

double parse_number(const std::string& flag, const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) throw UsageError(flag + " " + text + ": expected a number");
  return v;
}

uint64_t seed_of(const Args& a) {
  return static_cast<uint64_t>(parse_count("--seed", a.get("--seed", "0"), 0, 9007199254740991LL));
}

ReadOptions read_options(const Args& a) {
  ReadOptions o;
  o.delimiter = a.get("--delimiter");
  if (a.has("--header") && a.has("--no-header")) throw UsageError("--header and --no-header contradict each other");
  if (a.has("--header")) o.header = 1;
  if (a.has("--no-header")) o.header = 0;
  o.user_column = a.get("--user-column");
  o.item_column = a.get("--item-column");
  o.rating_column = a.get("--rating-column");
  o.skip_bad_rows = a.has("--skip-bad-rows");
  return o;
}

class Command {
 public:
  Command(const Args& args, const CliIo& io) : a_(args), io_(io) {}

  ReadResult load(const std::string& path) const {
    ReadResult r = read_ratings(io_.read_file(path), path, read_options(a_));
    if (r.report.skipped > 0) {
      std::string lines;
      for (int64_t l : r.report.skipped_lines) lines += (lines.empty() ? "" : ", ") + std::to_string(l);
      *io_.err << "cofi: warning: " << path << ": skipped " << r.report.skipped << " bad row"
               << (r.report.skipped == 1 ? "" : "s") << " (line" << (r.report.skipped == 1 ? " " : "s ") << lines
               << (r.report.skipped > static_cast<int64_t>(r.report.skipped_lines.size()) ? ", ..." : "")
               << "); first: " << r.report.skipped_errors.front() << "\n";
    }
    return r;
  }

  std::shared_ptr<const Dataset> load_dataset(const std::string& path) const {
    return std::make_shared<const Dataset>(load(path).data);
  }

  Params params() const {
    Params p;
    for (const auto& kv : a_.sets) {
      const auto eq = kv.find('=');
      p.set(kv.substr(0, eq), kv.substr(eq + 1));
    }
    return p;
  }

  // --algo, or the default for commands that rank items: item-based knn-baseline with the
  // pearson_baseline similarity (Surprise's most accurate neighbourhood setting).
  std::unique_ptr<Model> model(const std::string& fallback_algo) const {
    std::string algo = a_.get("--algo", fallback_algo);
    if (algo.empty()) throw UsageError(a_.command + " needs --algo NAME");
    Params p = params();
    if (!a_.has("--algo") && algo == "knn-baseline") {
      if (!p.has("user_based")) p.set("user_based", "false");
      if (!p.has("similarity")) p.set("similarity", "pearson_baseline");
    }
    return make_model(algo, p);
  }

  // The parameters as given on the command line (a loaded model's: as saved in its file).
  void write_params(JsonWriter& j, const Model& m) const {
    j.key("algo").value(m.algorithm());
    j.key("params").begin_object();
    const Params given = a_.has("--model") ? m.params() : params();
    for (const auto& kv : given.values()) j.key(kv.first).value(kv.second);
    j.end_object();
  }

  // A saved model (--model), which stands in for the training file, --algo, --set and --seed:
  // giving any of them as well is a usage error rather than silently ignored.
  // `load_seconds`, when given, receives the time load_model took (the file already read).
  std::unique_ptr<Model> load_saved(double* load_seconds = nullptr) const {
    for (const char* flag : {"--ratings", "--train", "--algo", "--seed", "--folds", "--save"})
      if (a_.has(flag))
        throw UsageError(std::string("--model carries its algorithm, parameters, seed and training data: drop ") + flag);
    if (!a_.sets.empty()) throw UsageError("--model carries its algorithm, parameters, seed and training data: drop --set");
    const std::string path = a_.get("--model");
    const std::string bytes = io_.read_file(path);
    const auto t0 = std::chrono::steady_clock::now();
    std::unique_ptr<Model> m = load_model(bytes, path);
    if (load_seconds) *load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return m;
  }

  // The model a query command (recommend, similar, predict) answers from: loaded from --model,
  // or fitted on --ratings with --algo (default: `fallback_algo`).
  std::unique_ptr<Model> query_model(const std::string& fallback_algo) const {
    if (a_.has("--model")) return load_saved();
    const auto data = load_dataset(a_.require("--ratings"));
    std::unique_ptr<Model> m = model(fallback_algo);
    m->fit(data, seed_of(a_));
    return m;
  }

  // What the query commands call the training data in messages.
  std::string data_name() const { return a_.has("--model") ? a_.get("--model") : a_.get("--ratings"); }

  // Writes the fitted model to --save and returns the file's size in bytes.
  size_t save(const Model& m) const {
    const std::string bytes = save_model(m);
    io_.write_file(a_.get("--save"), bytes);
    return bytes.size();
  }

  std::unique_ptr<ItemTable> items_table() const {
    if (!a_.has("--items")) return nullptr;
    const std::string path = a_.get("--items");
    return std::make_unique<ItemTable>(read_items(io_.read_file(path), path));
  }

  void write_items(JsonWriter& j, const Dataset& d, const std::vector<ScoredItem>& list, const ItemTable* titles) const {
    j.key("items").begin_array();
    for (const ScoredItem& s : list) {
      j.begin_object();
      j.key("item").value(d.items().id(s.item));
      j.key("score").value(static_cast<double>(s.score));
      if (titles) {
        const std::string* t = titles->title(d.items().id(s.item));
        j.key("title");
        if (t) j.value(*t); else j.null();
      }
      j.end_object();
    }
    j.end_array();
  }

  void print_items(const Dataset& d, const std::vector<ScoredItem>& list, const ItemTable* titles) const {
    int rank = 0;
    for (const ScoredItem& s : list) {
      char score[32];
      std::snprintf(score, sizeof score, "%.4f", static_cast<double>(s.score));
      *io_.out << ++rank << "\t" << d.items().id(s.item) << "\t" << score;
      if (titles) {
        const std::string* t = titles->title(d.items().id(s.item));
        if (t) *io_.out << "\t" << *t;
      }
      *io_.out << "\n";
    }
  }

  int inspect() const {
    if (a_.positional.size() != 1) throw UsageError("inspect needs exactly one FILE");
    const ReadResult r = load(a_.positional[0]);
    const Dataset& d = r.data;
    const double density = static_cast<double>(d.num_ratings()) /
                           (static_cast<double>(d.num_users()) * static_cast<double>(d.num_items()));
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      j.key("ratings").value(d.num_ratings());
      j.key("users").value(d.num_users());
      j.key("items").value(d.num_items());
      j.key("duplicates").value(d.duplicates());
      j.key("rating_min").value(static_cast<double>(d.rating_min()));
      j.key("rating_max").value(static_cast<double>(d.rating_max()));
      j.key("rating_mean").value(d.global_mean());
      j.key("implicit").value(d.implicit());
      j.key("density").value(density);
      j.key("delimiter").value(r.report.delimiter);
      j.key("header").value(r.report.header);
      j.key("encoding").value(r.report.encoding);
      j.key("skipped").value(r.report.skipped);
      j.key("skipped_lines").begin_array();
      for (int64_t l : r.report.skipped_lines) j.value(l);
      j.end_array();
      j.key("bytes_per_rating").value(d.bytes_per_rating());
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      std::string delim = r.report.delimiter == "\t" ? "tab" : r.report.delimiter;
      *io_.out << a_.positional[0] << ": " << d.num_ratings() << " ratings, " << d.num_users() << " users, "
               << d.num_items() << " items\n"
               << "  rating scale " << d.rating_min() << " to " << d.rating_max() << ", mean " << d.global_mean()
               << (d.implicit() ? " (implicit feedback: no rating column)" : "") << "\n"
               << "  density " << density * 100 << "%, " << d.duplicates() << " duplicate pairs (last kept), "
               << r.report.skipped << " rows skipped\n"
               << "  delimiter '" << delim << "', " << (r.report.header ? "header" : "no header") << ", "
               << r.report.encoding << ", " << d.bytes_per_rating() << " bytes per rating in memory\n";
    }
    return 0;
  }

  // Fits m on train, honouring --validation, --patience and --progress. Returns the epochs run.
  int fit_model(Model& m, const std::shared_ptr<const Dataset>& train, uint64_t seed) const {
    FitOptions options;
    options.seed = seed;
    Fold held_out;
    std::shared_ptr<const Dataset> fit_on = train;
    if (a_.has("--patience") && !a_.has("--validation")) throw UsageError("--patience needs --validation FRACTION");
    if (a_.has("--validation")) {
      const double fraction = parse_number("--validation", a_.get("--validation"));
      if (!(fraction > 0.0 && fraction < 0.9)) throw UsageError("--validation " + a_.get("--validation") + ": expected a fraction in (0, 0.9)");
      held_out = train_test_split(*train, fraction, seed ^ 0x7A11DULL);
      fit_on = held_out.train;
      options.validation = &held_out.test;
      options.patience = static_cast<int>(parse_count("--patience", a_.get("--patience", "0"), 0, 100000));
    }
    int epochs_run = 0;
    const bool progress = a_.has("--progress");
    options.on_epoch = [&](const EpochReport& r) {
      epochs_run = r.epoch;
      if (progress) {
        char line[160];
        std::snprintf(line, sizeof line, "epoch %d/%d: loss %.6g, validation RMSE %.6g%s\n", r.epoch, r.epochs, r.loss,
                      r.validation_rmse, r.best ? " (best)" : "");
        *io_.err << line;
      }
      return true;
    };
    m.fit(fit_on, options);
    return epochs_run;
  }

  int search() const {
    SearchOptions o;
    o.algorithm = a_.require("--algo");
    o.fixed = params();
    if (a_.grids.empty()) throw UsageError("search needs at least one --grid KEY=VALUES");
    for (const auto& kv : a_.grids) {
      const auto eq = kv.find('=');
      o.dimensions.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
    }
    o.folds = static_cast<int>(parse_count("--folds", a_.get("--folds", "3"), 2, 100));
    o.seed = seed_of(a_);
    o.random_candidates = static_cast<int>(parse_count("--random", a_.get("--random", "0"), 0, 100000));
    o.measure = a_.get("--measure", "rmse");
    o.k = static_cast<int>(parse_count("-k", a_.get("-k", "10"), 1, 100000));
    o.threshold = parse_number("--threshold", a_.get("--threshold", "4"));
    const auto data = load_dataset(a_.require("--ratings"));
    const bool progress = a_.has("--progress");
    const SearchResult r = cofi::search(*data, o, [&](size_t done, size_t total, const SearchCandidate& c) {
      if (progress) *io_.err << "candidate " << done << "/" << total << ": " << o.measure << " " << c.mean << "\n";
      return true;
    });
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      j.key("algo").value(o.algorithm);
      j.key("measure").value(o.measure);
      j.key("folds").value(static_cast<int64_t>(o.folds));
      j.key("candidates").begin_array();
      for (const auto& c : r.candidates) {
        j.begin_object();
        j.key("params").begin_object();
        for (const auto& kv : c.params) j.key(kv.first).value(kv.second);
        j.end_object();
        j.key("mean").value(c.mean);
        j.key("std").value(c.std);
        j.key("rmse").value(c.rmse);
        j.key("mae").value(c.mae);
        j.key("fit_seconds").value(c.fit_seconds);
        j.end_object();
      }
      j.end_array();
      j.key("best").begin_object();
      for (const auto& kv : r.candidates[r.best].params) j.key(kv.first).value(kv.second);
      j.end_object();
      j.key("best_score").value(r.candidates[r.best].mean);
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      *io_.out << o.algorithm << ": " << r.candidates.size() << " candidates, " << o.folds << "-fold cross-validation, "
               << o.measure << " (" << (r.lower_is_better ? "lower" : "higher") << " is better)\n";
      for (size_t c = 0; c < r.candidates.size(); ++c) {
        const auto& cand = r.candidates[c];
        std::string ps;
        for (const auto& kv : cand.params) ps += (ps.empty() ? "" : " ") + kv.first + "=" + kv.second;
        char line[96];
        std::snprintf(line, sizeof line, "%s %.4f ± %.4f  (rmse %.4f, fit %.2f s)  ", c == r.best ? "*" : " ", cand.mean,
                      cand.std, cand.rmse, cand.fit_seconds);
        *io_.out << line << ps << "\n";
      }
      std::string best;
      for (const auto& kv : r.candidates[r.best].params) best += " --set " + kv.first + "=" + kv.second;
      *io_.out << "best:" << best << "\n";
    }
    return 0;
  }

  // Item factors from Spark or implicit, saved as an imported-als model (see imported_als.h).
  int import_factors() const {
    const std::string path = a_.require("--save");
    ItemFactors factors;
    std::string convention = "spark";
    if (a_.has("--npy")) {
      if (!a_.factors.empty()) throw UsageError("import takes --factors (Spark) or --npy with --ids (implicit), not both");
      const std::string npy = a_.get("--npy"), ids = a_.require("--ids");
      factors = read_npy_item_factors(io_.read_file(npy), npy, io_.read_file(ids), ids);
      convention = "implicit";
    } else {
      if (a_.factors.empty()) throw UsageError("import needs --factors FILE (Spark) or --npy FILE --ids FILE (implicit)");
      for (const auto& file : a_.factors) append_item_factors(factors, read_spark_item_factors(io_.read_file(file), file), file);
    }
    // Settings from the file first, then --set (which wins).
    FactorSettings settings;
    const std::string settings_file = a_.get("--settings");
    if (a_.has("--settings")) settings = read_factor_settings(io_.read_file(settings_file), settings_file);
    const Params p = import_params(convention, a_.has("--settings") ? &settings : nullptr, settings_file, factors.rank, params());
    const std::unique_ptr<Model> m = import_item_factors(std::move(factors), p);
    const size_t bytes = save(*m);
    const auto& imported = dynamic_cast<const ImportedAls&>(*m);
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      j.key("algo").value(m->algorithm());
      j.key("params").begin_object();
      for (const auto& kv : m->params().values()) j.key(kv.first).value(kv.second);
      j.end_object();
      j.key("items").value(m->train().num_items());
      j.key("rank").value(imported.rank());
      j.key("model_file").value(path);
      j.key("model_bytes").value(static_cast<int64_t>(bytes));
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      *io_.out << "imported " << m->train().num_items() << " items x " << imported.rank() << " factors (";
      bool first = true;
      for (const auto& kv : m->params().values()) *io_.out << (first ? "" : ", ") << kv.first << "=" << kv.second, first = false;
      *io_.out << "); saved " << path << " (" << bytes << " bytes)\n";
    }
    return 0;
  }

  // A saved svd, als, ials or imported-als model cut down for serving visitors (models/compact.h).
  int compact() const {
    const std::string source_path = a_.require("--model");
    const std::string path = a_.require("--save");
    const FactorEncoding encoding = parse_factor_encoding(a_.has("--encoding") ? a_.get("--encoding") : "int8");
    const std::string source_bytes = io_.read_file(source_path);
    const std::unique_ptr<Model> source = load_model(source_bytes, source_path);
    const std::unique_ptr<Model> m = compact_model(*source, encoding);
    const size_t bytes = save(*m);
    const auto& compact = dynamic_cast<const CompactModel&>(*m);
    const double smaller = static_cast<double>(source_bytes.size()) / static_cast<double>(bytes);
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      j.key("algo").value(m->algorithm());
      j.key("source").value(compact.source());
      j.key("encoding").value(factor_encoding_name(encoding));
      j.key("items").value(m->train().num_items());
      j.key("factors").value(compact.factors());
      j.key("model_file").value(path);
      j.key("model_bytes").value(static_cast<int64_t>(bytes));
      j.key("source_bytes").value(static_cast<int64_t>(source_bytes.size()));
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      char ratio[32];
      std::snprintf(ratio, sizeof ratio, "%.1f", smaller);
      *io_.out << "compact " << compact.source() << " model: " << m->train().num_items() << " items x " << compact.factors()
               << " factors in " << factor_encoding_name(encoding) << "; saved " << path << " (" << bytes << " bytes, "
               << ratio << "x smaller than " << source_bytes.size() << ")\n";
    }
    return 0;
  }

  int fit() const {
    using clock = std::chrono::steady_clock;
    const std::string ratings_path = a_.require("--ratings");
    const std::string path = a_.require("--save");
    if (!a_.has("--algo")) throw UsageError("fit needs --algo NAME");
    const auto data = load_dataset(ratings_path);
    std::unique_ptr<Model> m = model("");
    const auto t0 = clock::now();
    const int epochs_run = fit_model(*m, data, seed_of(a_));
    const double fit_seconds = std::chrono::duration<double>(clock::now() - t0).count();
    const size_t bytes = save(*m);
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      write_params(j, *m);
      j.key("ratings").value(m->train().num_ratings());
      j.key("users").value(data->num_users());
      j.key("items").value(data->num_items());
      j.key("fit_seconds").value(fit_seconds);
      j.key("epochs").value(static_cast<int64_t>(epochs_run));
      j.key("model_file").value(path);
      j.key("model_bytes").value(static_cast<int64_t>(bytes));
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      char line[160];
      std::snprintf(line, sizeof line, ": fitted on %lld ratings (%d users, %d items) in %.3f s; saved ",
                    static_cast<long long>(m->train().num_ratings()), data->num_users(), data->num_items(), fit_seconds);
      *io_.out << m->algorithm() << line << path << " (" << bytes << " bytes)\n";
    }
    return 0;
  }

  int evaluate() const {
    using clock = std::chrono::steady_clock;
    auto seconds = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double>(b - a).count(); };
    const uint64_t seed = seed_of(a_);
    if (a_.has("--ratings") && !a_.has("--model")) {
      if (a_.has("--train") || a_.has("--test")) throw UsageError("evaluate takes --train/--test or --ratings, not both");
      if (a_.has("--save")) throw UsageError("--save works with evaluate --train/--test (one fitted model), not --folds");
      const int folds = static_cast<int>(parse_count("--folds", a_.get("--folds", "5"), 2, 1000));
      const auto data = load_dataset(a_.get("--ratings"));
      KFold kfold(*data, folds, seed);
      std::vector<AccuracyResult> results;
      std::vector<double> fit_s, predict_s;
      std::unique_ptr<Model> m;
      for (int f = 0; f < folds; ++f) {
        Fold fold = kfold.fold(f);
        m = model("");
        const auto t0 = clock::now();
        m->fit(fold.train, seed);
        const auto t1 = clock::now();
        results.push_back(evaluate_accuracy(*m, fold.test));
        const auto t2 = clock::now();
        fit_s.push_back(seconds(t0, t1));
        predict_s.push_back(seconds(t1, t2));
      }
      auto mean = [](const std::vector<double>& v) {
        double s = 0;
        for (double x : v) s += x;
        return s / static_cast<double>(v.size());
      };
      std::vector<double> rmse, mae;
      for (const auto& r : results) {
        rmse.push_back(r.rmse);
        mae.push_back(r.mae);
      }
      if (a_.json) {
        JsonWriter j;
        j.begin_object();
        write_params(j, *m);
        j.key("folds").value(static_cast<int64_t>(folds));
        j.key("rmse").value(mean(rmse));
        j.key("mae").value(mean(mae));
        j.key("fit_seconds").value(mean(fit_s));
        j.key("predict_seconds").value(mean(predict_s));
        j.key("per_fold").begin_array();
        for (int f = 0; f < folds; ++f) {
          j.begin_object();
          j.key("rmse").value(rmse[static_cast<size_t>(f)]);
          j.key("mae").value(mae[static_cast<size_t>(f)]);
          j.key("fit_seconds").value(fit_s[static_cast<size_t>(f)]);
          j.key("predict_seconds").value(predict_s[static_cast<size_t>(f)]);
          j.key("predictions").value(results[static_cast<size_t>(f)].predictions);
          j.key("fallbacks").value(results[static_cast<size_t>(f)].fallbacks);
          j.end_object();
        }
        j.end_array();
        j.end_object();
        *io_.out << j.str() << "\n";
      } else {
        char line[160];
        *io_.out << m->algorithm() << ", " << folds << "-fold cross-validation\n";
        *io_.out << "fold  rmse    mae     fit s   predict s\n";
        for (int f = 0; f < folds; ++f) {
          std::snprintf(line, sizeof line, "%-5d %.4f  %.4f  %.3f   %.3f\n", f + 1, rmse[static_cast<size_t>(f)],
                        mae[static_cast<size_t>(f)], fit_s[static_cast<size_t>(f)], predict_s[static_cast<size_t>(f)]);
          *io_.out << line;
        }
        std::snprintf(line, sizeof line, "mean  %.4f  %.4f  %.3f   %.3f\n", mean(rmse), mean(mae), mean(fit_s), mean(predict_s));
        *io_.out << line;
      }
      return 0;
    }
    // Train/test: a model fitted on --train (and saved with --save), or loaded from --model.
    // fit_seconds times the fit alone, load_seconds load_model alone (files are read before).
    const bool loaded = a_.has("--model");
    std::unique_ptr<Model> m;
    std::shared_ptr<const Dataset> test;
    double model_seconds = 0.0;
    if (loaded) {
      const std::string test_path = a_.require("--test");
      m = load_saved(&model_seconds);
      test = load_dataset(test_path);
    } else {
      const auto train = load_dataset(a_.require("--train"));
      test = load_dataset(a_.require("--test"));
      m = model("");
      const auto t0 = clock::now();
      fit_model(*m, train, seed);
      model_seconds = seconds(t0, clock::now());
    }
    const auto t2 = clock::now();
    const AccuracyResult r = evaluate_accuracy(*m, m->train().translate(*test));
    const auto t3 = clock::now();
    const size_t saved_bytes = a_.has("--save") ? save(*m) : 0;
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      write_params(j, *m);
      if (loaded) j.key("model_file").value(a_.get("--model"));
      j.key("rmse").value(r.rmse);
      j.key("mae").value(r.mae);
      j.key(loaded ? "load_seconds" : "fit_seconds").value(model_seconds);
      j.key("predict_seconds").value(seconds(t2, t3));
      j.key("predictions").value(r.predictions);
      j.key("fallbacks").value(r.fallbacks);
      if (a_.has("--save")) {
        j.key("model_file").value(a_.get("--save"));
        j.key("model_bytes").value(static_cast<int64_t>(saved_bytes));
      }
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      char line[200];
      std::snprintf(line, sizeof line, ": RMSE %.4f, MAE %.4f on %lld ratings (%lld fallbacks); %s %.3f s, predict %.3f s\n",
                    r.rmse, r.mae, static_cast<long long>(r.predictions), static_cast<long long>(r.fallbacks),
                    loaded ? "load" : "fit", model_seconds, seconds(t2, t3));
      *io_.out << m->algorithm() << (loaded ? " (loaded " + a_.get("--model") + ")" : "") << line;
      if (a_.has("--save")) *io_.out << "saved " << a_.get("--save") << " (" << saved_bytes << " bytes)\n";
    }
    return 0;
  }

  // The model a test file is scored with (rank, predict): loaded from --model, or fitted on --train.
  std::unique_ptr<Model> tested_model(const std::string& fallback_algo) const {
    if (a_.has("--model")) return load_saved();
    const auto train = load_dataset(a_.require("--train"));
    std::unique_ptr<Model> m = model(fallback_algo);
    m->fit(train, seed_of(a_));
    return m;
  }

  int rank() const {
    if (!a_.has("--model")) a_.require("--train");
    const std::string test_path = a_.require("--test");
    RankingOptions o;
    o.k = static_cast<int>(parse_count("-k", a_.get("-k", "10"), 1, 100000));
    o.threshold = parse_number("--threshold", a_.get("--threshold", "4"));
    std::unique_ptr<Model> m = tested_model("");
    const auto test = load_dataset(test_path);
    const RankingResult r = evaluate_ranking(*m, m->train().translate(*test), o);
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      write_params(j, *m);
      j.key("k").value(static_cast<int64_t>(o.k));
      j.key("threshold").value(o.threshold);
      j.key("users").value(r.users);
      j.key("precision").value(r.precision);
      j.key("recall").value(r.recall);
      j.key("ndcg").value(r.ndcg);
      j.key("hit_rate").value(r.hit_rate);
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      char line[200];
      std::snprintf(line, sizeof line, "%s at %d over %lld users: precision %.4f, recall %.4f, NDCG %.4f, hit rate %.4f\n",
                    m->algorithm().c_str(), o.k, static_cast<long long>(r.users), r.precision, r.recall, r.ndcg, r.hit_rate);
      *io_.out << line;
    }
    return 0;
  }

  int recommend() const {
    if (!a_.has("--model")) a_.require("--ratings");
    const int n = static_cast<int>(parse_count("-n", a_.get("-n", "10"), 0, 1000000));
    if (a_.has("--user") == !a_.rates.empty())
      throw UsageError("recommend needs either --user ID or one or more --rate ITEM=RATING");
    const auto titles = items_table();
    const std::unique_ptr<Model> m = query_model("knn-baseline");
    const Dataset* const data = &m->train();
    Profile person;
    bool known = true;
    if (a_.has("--user")) {
      const int32_t u = data->users().find(a_.get("--user"));
      known = u >= 0;
      if (known) person = Profile::of_user(*data, u);
    } else {
      for (const auto& kv : a_.rates) {
        const auto eq = kv.rfind('=');
        const std::string item = kv.substr(0, eq);
        const int32_t i = data->items().find(item);
        if (i < 0) throw UsageError("--rate " + kv + ": item \"" + item + "\" is not in " + data_name());
        person.items.push_back(i);
        person.ratings.push_back(static_cast<float>(parse_number("--rate " + item, kv.substr(eq + 1))));
      }
    }
    // A user the data does not know gets the most popular items.
    const std::vector<ScoredItem> list = known ? m->recommend(person, n) : m->popular(n);
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      if (a_.has("--user")) j.key("user").value(a_.get("--user")); else j.key("user").null();
      j.key("known").value(known);
      j.key("algo").value(m->algorithm());
      write_items(j, *data, list, titles.get());
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      if (!known) *io_.out << "user " << a_.get("--user") << " is not in the data: most popular items\n";
      print_items(*data, list, titles.get());
    }
    return 0;
  }

  int similar() const {
    if (!a_.has("--model")) a_.require("--ratings");
    const int n = static_cast<int>(parse_count("-n", a_.get("-n", "10"), 0, 1000000));
    const std::string id = a_.require("--item");
    const auto titles = items_table();
    const std::unique_ptr<Model> m = query_model("knn-baseline");
    const Dataset* const data = &m->train();
    const int32_t i = data->items().find(id);
    if (i < 0) throw UsageError("--item " + id + ": not in " + data_name());
    const std::vector<ScoredItem> list = m->similar_items(i, n);
    if (a_.json) {
      JsonWriter j;
      j.begin_object();
      j.key("item").value(id);
      if (titles) {
        const std::string* t = titles->title(id);
        j.key("title");
        if (t) j.value(*t); else j.null();
      }
      j.key("algo").value(m->algorithm());
      write_items(j, *data, list, titles.get());
      j.end_object();
      *io_.out << j.str() << "\n";
    } else {
      print_items(*data, list, titles.get());
    }
    return 0;
  }

  int predict() const {
    // One pair (--user and --item, from --ratings or --model) or every pair of --test.
    if (a_.has("--ratings") || (a_.has("--model") && !a_.has("--test"))) {
      const std::string user = a_.require("--user"), item = a_.require("--item");
      const std::unique_ptr<Model> m = query_model("knn-baseline");
      const Dataset* const data = &m->train();
      const Prediction p = m->predict(data->users().find(user), data->items().find(item));
      if (a_.json) {
        JsonWriter j;
        j.begin_object();
        j.key("user").value(a_.get("--user"));
        j.key("item").value(a_.get("--item"));
        j.key("prediction").value(static_cast<double>(p.value));
        j.key("fallback").value(p.fallback);
        j.end_object();
        *io_.out << j.str() << "\n";
      } else {
        *io_.out << p.value << (p.fallback ? " (fallback)" : "") << "\n";
      }
      return 0;
    }
    if (!a_.has("--model")) a_.require("--train");
    const std::string test_path = a_.require("--test");
    const std::unique_ptr<Model> m = tested_model("knn-baseline");
    const auto test = load_dataset(test_path);
    const std::vector<Rating> pairs = m->train().translate(*test);
    const std::vector<Rating> raw = test->ratings();
    std::string csv = "user,item,rating,prediction,fallback\n";
    char num[64];
    for (size_t k = 0; k < pairs.size(); ++k) {
      const Prediction p = m->predict(pairs[k].user, pairs[k].item);
      csv += test->users().id(raw[k].user) + "," + test->items().id(raw[k].item) + ",";
      std::snprintf(num, sizeof num, "%.9g,%.9g,%d\n", static_cast<double>(raw[k].value), static_cast<double>(p.value),
                    p.fallback ? 1 : 0);
      csv += num;
    }
    if (a_.has("--output")) io_.write_file(a_.get("--output"), csv);
    else *io_.out << csv;
    return 0;
  }

 private:
  const Args& a_;
  const CliIo& io_;
};

}  // namespace

int run_cli(const std::vector<std::string>& argv, const CliIo& io) {
  try {
    if (!argv.empty() && (argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help")) {
      *io.out << kUsage;
      return 0;
    }
    if (!argv.empty() && argv[0] == "--version") {
      *io.out << "cofi 0.1.0\n";
      return 0;
    }
    const Args args = parse_args(argv);
    const std::string& cmd = args.command;
    if (args.has("--save") && cmd != "fit" && cmd != "evaluate" && cmd != "import" && cmd != "compact")
      throw UsageError("--save works with fit, import, compact and evaluate --train/--test, not " + cmd);
    if (args.has("--model") && cmd != "recommend" && cmd != "similar" && cmd != "predict" && cmd != "rank" &&
        cmd != "evaluate" && cmd != "compact")
      throw UsageError("--model works with recommend, similar, predict, rank, evaluate and compact, not " + cmd);
    if (args.has("--encoding") && cmd != "compact") throw UsageError("--encoding works with compact, not " + cmd);
    Command c(args, io);
    if (args.command == "fit") return c.fit();
    if (args.command == "inspect") return c.inspect();
    if (args.command == "evaluate") return c.evaluate();
    if (args.command == "rank") return c.rank();
    if (args.command == "recommend") return c.recommend();
    if (args.command == "similar") return c.similar();
    if (args.command == "predict") return c.predict();
    if (args.command == "search") return c.search();
    if (args.command == "import") return c.import_factors();
    if (args.command == "compact") return c.compact();
    if (args.command == "algorithms") {
      for (const auto& n : model_names()) *io.out << n << "\n";
      return 0;
    }
    throw UsageError("unknown command '" + args.command + "' (try cofi --help)");
  } catch (const std::bad_alloc&) {
    *io.err << "cofi: error: out of memory\n";
  } catch (const std::exception& e) {
    std::string message = e.what();
    for (auto& ch : message)
      if (ch == '\n' || ch == '\r') ch = ' ';
    *io.err << "cofi: error: " << message << "\n";
  }
  return 2;
}

}  // namespace cofi
