// Embind bindings of the core: types and errors are translated here, nothing else.
// Every method returns a JS value; a C++ exception becomes a plain error record
// {cofiError: name, message, line, column, source} that js/index.js turns into an Error subclass.
// (Throwing JS exceptions through wasm frames would skip the binding's own cleanup.)
#include <emscripten/bind.h>
#include <emscripten/heap.h>
#include <emscripten/val.h>
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <new>
#include <string>

#include "wasm/bytes.h"
#include "data/from_arrays.h"
#include "eval/metrics.h"
#include "eval/split.h"
#include "io/factors_reader.h"
#include "io/items_reader.h"
#include "io/model_file.h"
#include "io/ratings_reader.h"
#include "models/compact.h"
#include "models/imported_als.h"
#include "models/model.h"
#include "util/memory.h"
#include "util/parallel.h"

using emscripten::val;

namespace cofi {
namespace {

val error_record(const char* name, const std::string& message, int64_t line = 0, int32_t column = 0,
                 const std::string& source = "") {
  val e = val::object();
  e.set("cofiError", std::string(name));
  e.set("message", message);
  if (line > 0) e.set("line", static_cast<double>(line));
  if (column > 0) e.set("column", column);
  if (!source.empty()) e.set("source", source);
  return e;
}

// The error record of the exception being handled. One function holds the catch chain, so that
// each guard() instantiation below carries a single catch clause (every clause is code the page
// downloads, once per bound function).
val current_error_record() {
  try {
    throw;
  } catch (const ParseError& e) {
    return error_record("ParseError", e.what(), e.line(), e.column(), e.source());
  } catch (const MemoryLimitError& e) {
    return error_record("MemoryError", e.what());
  } catch (const std::out_of_range& e) {
    return error_record("RangeError", e.what());
  } catch (const std::invalid_argument& e) {
    return error_record("UsageError", e.what());
  } catch (const std::logic_error& e) {
    return error_record("UsageError", e.what());
  } catch (const std::bad_alloc&) {
    return error_record("MemoryError", "out of memory: the data or model does not fit in WebAssembly memory");
  } catch (const std::exception& e) {
    return error_record("Error", e.what());
  } catch (...) {
    return error_record("Error", "unknown error");
  }
}

template <typename F>
val guard(F&& body) {
  try {
    return body();
  } catch (...) {
    return current_error_record();
  }
}

std::string string_option(const val& options, const char* key) {
  const val v = options[key];
  if (v.isUndefined() || v.isNull()) return "";
  if (v.isString()) return v.as<std::string>();
  if (v.isNumber()) return std::to_string(v.as<int>());
  throw std::invalid_argument(std::string("option ") + key + ": expected a string or a column index");
}

ReadOptions read_options(const val& o) {
  ReadOptions r;
  if (o.isUndefined() || o.isNull()) return r;
  r.delimiter = string_option(o, "delimiter");
  const val header = o["header"];
  if (header.isTrue()) r.header = 1;
  if (header.isFalse()) r.header = 0;
  r.user_column = string_option(o, "userColumn");
  r.item_column = string_option(o, "itemColumn");
  r.rating_column = string_option(o, "ratingColumn");
  r.skip_bad_rows = o["skipBadRows"].isTrue();
  return r;
}

Params params_from(const val& o) {
  Params p;
  if (o.isUndefined() || o.isNull()) return p;
  const val keys = val::global("Object").call<val>("keys", o);
  const int n = keys["length"].as<int>();
  for (int k = 0; k < n; ++k) {
    const std::string key = keys[k].as<std::string>();
    const val v = o[key];
    if (v.isTrue() || v.isFalse()) p.set(key, v.isTrue() ? "true" : "false");
    else if (v.isNumber() || v.isString()) p.set(key, val::global("String")(v).as<std::string>());
    else throw std::invalid_argument("parameter " + key + ": expected a number, string or boolean");
  }
  return p;
}

val report_value(const ReadReport& r) {
  val o = val::object();
  o.set("source", r.source);
  o.set("delimiter", r.delimiter);
  o.set("encoding", r.encoding);
  o.set("header", r.header);
  val names = val::array();
  for (const auto& n : r.header_names) names.call<void>("push", n);
  o.set("headerNames", names);
  o.set("userColumn", r.user_column);
  o.set("itemColumn", r.item_column);
  o.set("ratingColumn", r.rating_column);
  o.set("implicit", r.implicit);
  o.set("rows", static_cast<double>(r.rows));
  o.set("duplicates", static_cast<double>(r.duplicates));
  o.set("skipped", static_cast<double>(r.skipped));
  val lines = val::array();
  for (int64_t l : r.skipped_lines) lines.call<void>("push", static_cast<double>(l));
  o.set("skippedLines", lines);
  val errors = val::array();
  for (const auto& e : r.skipped_errors) errors.call<void>("push", e);
  o.set("skippedErrors", errors);
  return o;
}

// A dataset as JS holds it: shared with the models fitted on it.
struct DatasetHandle {
  std::shared_ptr<const Dataset> data;
  ReadReport report;
};

struct ModelHandle {
  std::unique_ptr<Model> model;
};

// A fit in progress, driven epoch by epoch from JS (which yields between epochs, so a page or a
// worker can cancel). It trains a fresh model and swaps it in only at finish(): a cancelled or
// failed fit leaves the previous model intact.
struct TrainingHandle {
  ModelHandle* target = nullptr;
  std::shared_ptr<const Dataset> data;
  std::unique_ptr<Model> fresh;
  std::unique_ptr<Training> training;
  std::vector<Rating> validation;  // held-out ratings in data's indices (FitOptions points here)
  std::chrono::steady_clock::time_point started;
};

val epoch_value(const EpochReport& r) {
  val o = val::object();
  o.set("epoch", r.epoch);
  o.set("epochs", r.epochs);
  o.set("loss", std::isnan(r.loss) ? val::null() : val(r.loss));
  o.set("validationRmse", std::isnan(r.validation_rmse) ? val::null() : val(r.validation_rmse));
  o.set("best", r.best);
  return o;
}

struct ItemsHandle {
  ItemTable table;
};

val scored_items(const Dataset& d, const std::vector<ScoredItem>& list) {
  val out = val::array();
  for (const ScoredItem& s : list) {
    val o = val::object();
    o.set("item", d.items().id(s.item));
    o.set("score", s.score);
    out.call<void>("push", o);
  }
  return out;
}

val ids_array(const IdMap& ids) {
  val out = val::array();
  for (int32_t k = 0; k < ids.size(); ++k) out.call<void>("push", ids.id(k));
  return out;
}

int32_t user_index(const Dataset& d, const std::string& id) { return d.users().find(id); }

// Ids arrive as one UTF-8 buffer with a NUL after each id (js/index.js joins them): one copy into
// the heap instead of one Embind string conversion per id. The views point into `buffer`.
std::vector<std::string_view> split_ids(const std::string& buffer) {
  std::vector<std::string_view> ids;
  size_t start = 0;
  for (size_t k = 0; k < buffer.size(); ++k) {
    if (buffer[k] != '\0') continue;
    ids.emplace_back(buffer.data() + start, k - start);
    start = k + 1;
  }
  return ids;
}

std::vector<int32_t> item_indices(const Dataset& d, const std::vector<std::string_view>& ids) {
  std::vector<int32_t> out;
  out.reserve(ids.size());
  for (std::string_view id : ids) out.push_back(d.items().find(id));
  return out;
}

// {exclude, include, excludeRated} with joined id buffers, as js/index.js passes them.
RecommendFilter filter_from(const Dataset& d, const val& o) {
  RecommendFilter f;
  if (o.isUndefined() || o.isNull()) return f;
  if (!o["exclude"].isUndefined()) f.exclude = item_indices(d, split_ids(bytes_of(o["exclude"])));
  if (!o["include"].isUndefined()) {
    f.include = item_indices(d, split_ids(bytes_of(o["include"])));
    // Only unknown ids were given: nothing may be recommended (an empty include list means "all").
    bool any = false;
    for (int32_t i : f.include) any = any || i >= 0;
    if (!any)
      for (int32_t i = 0; i < d.num_items(); ++i) f.exclude.push_back(i);
  }
  if (o["excludeRated"].isFalse()) f.exclude_rated = false;
  return f;
}

// The model's training set, or a usage error naming the call when the model is not fitted.
const Dataset& trained(const ModelHandle& h, const char* call) {
  if (!h.model->fitted()) throw std::logic_error(std::string(call) + ": the model is not fitted yet (call fit first)");
  return h.model->train();
}

int32_t item_index_or_throw(const Dataset& d, const std::string& id) {
  const int32_t i = d.items().find(id);
  if (i < 0) throw std::out_of_range("unknown item \"" + id + "\"");
  return i;
}

val read_ratings_js(val input, const std::string& source, val options) {
  return guard([&] {
    ReadResult r = read_ratings(bytes_of(input), source.empty() ? "ratings" : source, read_options(options));
    auto h = std::make_shared<DatasetHandle>();
    h->data = std::make_shared<const Dataset>(std::move(r.data));
    h->report = std::move(r.report);
    return val(h);
  });
}

// Ratings from parallel arrays: joined id buffers (see split_ids) and a Float32Array of values,
// or null for implicit feedback.
val ratings_from_arrays_js(val users, val items, val values, const std::string& source) {
  return guard([&] {
    const std::string user_buffer = bytes_of(users), item_buffer = bytes_of(items);
    const std::vector<std::string_view> user_ids = split_ids(user_buffer);
    std::vector<float> v;
    if (!values.isNull() && !values.isUndefined()) v = emscripten::convertJSArrayToNumberVector<float>(values);
    auto h = std::make_shared<DatasetHandle>();
    h->data = std::make_shared<const Dataset>(dataset_from_arrays(user_ids, split_ids(item_buffer), v));
    h->report.source = source.empty() ? "arrays" : source;
    h->report.implicit = h->data->implicit();
    h->report.rows = static_cast<int64_t>(user_ids.size());
    h->report.duplicates = h->data->duplicates();
    h->report.user_column = 0;
    h->report.item_column = 1;
    h->report.rating_column = h->data->implicit() ? -1 : 2;
    return val(h);
  });
}

val read_items_js(val input, const std::string& source, val options) {
  return guard([&] {
    ItemsReadOptions o;
    if (!options.isUndefined() && !options.isNull()) {
      o.delimiter = string_option(options, "delimiter");
      if (options["header"].isTrue()) o.header = 1;
      if (options["header"].isFalse()) o.header = 0;
      o.id_column = string_option(options, "idColumn");
      o.title_column = string_option(options, "titleColumn");
    }
    auto h = std::make_shared<ItemsHandle>();
    h->table = read_items(bytes_of(input), source.empty() ? "items" : source, o);
    return val(h);
  });
}

val create_model_js(const std::string& algorithm, val params) {
  return guard([&] {
    auto h = std::make_shared<ModelHandle>();
    h->model = make_model(algorithm, params_from(params));
    return val(h);
  });
}

// A saved model's bytes (docs/model-format.md) as a Uint8Array of its own: a view into the wasm
// heap would be detached by the next memory growth.
val bytes_value(const std::string& bytes) {
  return val::global("Uint8Array")
      .new_(val(emscripten::typed_memory_view(bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()))));
}

// `input` is a Uint8Array (js/index.js makes sure). It is copied into the wasm heap with
// TypedArray.set, in one native copy: Embind's own std::string conversion copies byte by byte in
// JavaScript, which took longer than parsing a megabyte model.
val load_model_js(val input, const std::string& source) {
  return guard([&] {
    const std::string bytes = bytes_of(input);
    auto h = std::make_shared<ModelHandle>();
    h->model = load_model(bytes, source.empty() ? "model" : source);
    return val(h);
  });
}

// Item factors trained elsewhere (see imported_als.h): `parts` is an array of {bytes, source}
// (Spark part files), or `npy` and `ids` are ({bytes, source}) for implicit's export; `settings`
// ({bytes, source} or null) is Spark's metadata or a JSON object of settings; `params` override.
val import_factors_js(val parts, val npy, val ids, val settings, val params) {
  return guard([&] {
    ItemFactors factors;
    std::string convention = "spark";
    if (!npy.isNull() && !npy.isUndefined()) {
      factors = read_npy_item_factors(bytes_of(npy["bytes"]), npy["source"].as<std::string>(), bytes_of(ids["bytes"]),
                                      ids["source"].as<std::string>());
      convention = "implicit";
    } else {
      const int n = parts["length"].as<int>();
      for (int k = 0; k < n; ++k) {
        const std::string source = parts[k]["source"].as<std::string>();
        append_item_factors(factors, read_spark_item_factors(bytes_of(parts[k]["bytes"]), source), source);
      }
    }
    const bool has_settings = !settings.isNull() && !settings.isUndefined();
    const std::string source = has_settings ? settings["source"].as<std::string>() : "";
    FactorSettings s;
    if (has_settings) s = read_factor_settings(bytes_of(settings["bytes"]), source);
    const Params p = import_params(convention, has_settings ? &s : nullptr, source, factors.rank, params_from(params));
    auto h = std::make_shared<ModelHandle>();
    h->model = import_item_factors(std::move(factors), p);
    return val(h);
  });
}

val algorithms_js() {
  val out = val::array();
  for (const auto& n : model_names()) out.call<void>("push", n);
  return out;
}

val accuracy_value(const AccuracyResult& r) {
  val o = val::object();
  o.set("rmse", r.rmse);
  o.set("mae", r.mae);
  o.set("predictions", static_cast<double>(r.predictions));
  o.set("fallbacks", static_cast<double>(r.fallbacks));
  return o;
}

val ranking_value(const RankingResult& r) {
  val o = val::object();
  o.set("precision", r.precision);
  o.set("recall", r.recall);
  o.set("ndcg", r.ndcg);
  o.set("hitRate", r.hit_rate);
  o.set("users", static_cast<double>(r.users));
  return o;
}

// K-fold CV; with ranking_k > 0 each fold also reports precision/recall/NDCG/hit rate at k.
val cross_validate_js(const DatasetHandle& d, const std::string& algorithm, val params, int folds, double seed,
                      int ranking_k, double threshold) {
  return guard([&] {
    const Params p = params_from(params);
    KFold kfold(*d.data, folds, static_cast<uint64_t>(seed));
    val per_fold = val::array();
    for (int f = 0; f < folds; ++f) {
      Fold fold = kfold.fold(f);
      auto model = make_model(algorithm, p);
      const auto t0 = std::chrono::steady_clock::now();
      model->fit(fold.train, static_cast<uint64_t>(seed));
      const auto t1 = std::chrono::steady_clock::now();
      val r = accuracy_value(evaluate_accuracy(*model, fold.test));
      const auto t2 = std::chrono::steady_clock::now();
      r.set("fitSeconds", std::chrono::duration<double>(t1 - t0).count());
      r.set("predictSeconds", std::chrono::duration<double>(t2 - t1).count());
      if (ranking_k > 0) {
        RankingOptions o;
        o.k = ranking_k;
        o.threshold = threshold;
        const RankingResult rr = evaluate_ranking(*model, fold.test, o);
        r.set("precision", rr.precision);
        r.set("recall", rr.recall);
        r.set("ndcg", rr.ndcg);
        r.set("hitRate", rr.hit_rate);
      }
      per_fold.call<void>("push", r);
    }
    return per_fold;
  });
}

// mallinfo's counts are ints; in a 32-bit address space they are read back as unsigned, so that
// counts above 2 GB stay right.
uint64_t malloc_count(int count) { return static_cast<uint32_t>(count); }

// The memory the module holds now: everything below the break (static data, stack and the malloc
// heap) less what malloc holds free.
uint64_t module_bytes_in_use() {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(sbrk(0))) - malloc_count(mallinfo().fordblks);
}

// The core refuses data sets and models that cannot fit in what the module may still grow to.
[[maybe_unused]] const bool memory_limit_set = [] {
  MemoryLimit limit;
  limit.max_bytes = emscripten_get_heap_max();
  limit.used_bytes = module_bytes_in_use;
  set_memory_limit(std::move(limit));
  return true;
}();

// Heap figures for the JS API's cofi.memory(): bytes malloc has handed out and not had back, the
// module's memory now, and the most it may grow to.
val memory_stats_js() {
  val o = val::object();
  o.set("usedBytes", static_cast<double>(malloc_count(mallinfo().uordblks)));
  o.set("heapBytes", static_cast<double>(emscripten_get_heap_size()));
  o.set("maxBytes", static_cast<double>(emscripten_get_heap_max()));
  return o;
}

// Sets the core's thread count (util/parallel.h) and returns the count in effect afterwards: the
// one asked for, unless the core refused it (the single-threaded core accepts only 1). Only the
// loader calls it (js/index.js), once, right after it created the threaded module with a pthread
// pool of threads - 1 Workers, so that every thread a parallel_for starts finds a loaded Worker
// (a larger count could wait forever for one). No error record: this is not public API.
int set_threads_js(int threads) {
  try {
    set_thread_count(threads);
  } catch (const std::invalid_argument&) {
  }
  return thread_count();
}

}  // namespace
}  // namespace cofi

EMSCRIPTEN_BINDINGS(cofi_core) {
  using namespace cofi;
  using emscripten::class_;
  using emscripten::function;
  using emscripten::optional_override;

  function("readRatings", &read_ratings_js);
  function("readItems", &read_items_js);
  function("ratingsFromArrays", &ratings_from_arrays_js);
  function("createModel", &create_model_js);
  function("loadModel", &load_model_js);
  function("algorithms", &algorithms_js);
  function("importFactors", &import_factors_js);
  function("crossValidate", &cross_validate_js);
  function("memoryStats", &memory_stats_js);
  function("setThreads", &set_threads_js);

  class_<DatasetHandle>("Dataset")
      .smart_ptr<std::shared_ptr<DatasetHandle>>("DatasetPtr")
      .function("numRatings", optional_override([](const DatasetHandle& h) { return static_cast<double>(h.data->num_ratings()); }))
      .function("numUsers", optional_override([](const DatasetHandle& h) { return h.data->num_users(); }))
      .function("numItems", optional_override([](const DatasetHandle& h) { return h.data->num_items(); }))
      .function("duplicates", optional_override([](const DatasetHandle& h) { return static_cast<double>(h.data->duplicates()); }))
      .function("implicit", optional_override([](const DatasetHandle& h) { return h.data->implicit(); }))
      .function("ratingMin", optional_override([](const DatasetHandle& h) { return h.data->rating_min(); }))
      .function("ratingMax", optional_override([](const DatasetHandle& h) { return h.data->rating_max(); }))
      .function("globalMean", optional_override([](const DatasetHandle& h) { return h.data->global_mean(); }))
      .function("bytesPerRating", optional_override([](const DatasetHandle& h) { return h.data->bytes_per_rating(); }))
      .function("report", optional_override([](const DatasetHandle& h) { return report_value(h.report); }))
      .function("userId", optional_override([](const DatasetHandle& h, int32_t u) {
                  return guard([&] {
                    if (u < 0 || u >= h.data->num_users()) throw std::out_of_range("user index out of range");
                    return val(h.data->users().id(u));
                  });
                }))
      .function("itemId", optional_override([](const DatasetHandle& h, int32_t i) {
                  return guard([&] {
                    if (i < 0 || i >= h.data->num_items()) throw std::out_of_range("item index out of range");
                    return val(h.data->items().id(i));
                  });
                }))
      .function("userIds", optional_override([](const DatasetHandle& h) { return ids_array(h.data->users()); }))
      .function("itemIds", optional_override([](const DatasetHandle& h) { return ids_array(h.data->items()); }))
      .function("hasUser", optional_override([](const DatasetHandle& h, const std::string& id) { return h.data->users().find(id) >= 0; }))
      .function("hasItem", optional_override([](const DatasetHandle& h, const std::string& id) { return h.data->items().find(id) >= 0; }))
      .function("userRatings", optional_override([](const DatasetHandle& h, const std::string& id) {
                  return guard([&] {
                    const int32_t u = h.data->users().find(id);
                    if (u < 0) throw std::out_of_range("unknown user \"" + id + "\"");
                    const SparseRow row = h.data->by_user().row(u);
                    val items = val::array();
                    val ratings = val::array();
                    for (int32_t k = 0; k < row.size; ++k) {
                      items.call<void>("push", h.data->items().id(row.index[k]));
                      ratings.call<void>("push", row.value[k]);
                    }
                    val o = val::object();
                    o.set("items", items);
                    o.set("ratings", ratings);
                    return o;
                  });
                }))
      .function("split", optional_override([](const DatasetHandle& h, double test_fraction, double seed) {
                  return guard([&] {
                    if (!(test_fraction > 0.0 && test_fraction < 1.0))
                      throw std::invalid_argument("testFraction must lie strictly between 0 and 1");
                    // Both parts in this dataset's indices: a Fold's test part is in train's
                    // indices, which subset() would read as this dataset's (wrong users and items).
                    const SplitParts parts = train_test_parts(*h.data, test_fraction, static_cast<uint64_t>(seed));
                    auto train = std::make_shared<DatasetHandle>();
                    train->data = std::make_shared<const Dataset>(subset(*h.data, parts.train));
                    train->report = h.report;
                    train->report.rows = train->data->num_ratings();
                    auto test = std::make_shared<DatasetHandle>();
                    test->data = std::make_shared<const Dataset>(subset(*h.data, parts.test));
                    test->report = h.report;
                    test->report.rows = test->data->num_ratings();
                    val out = val::array();
                    out.call<void>("push", val(train));
                    out.call<void>("push", val(test));
                    return out;
                  });
                }))
      // Ratings per user and per item (by dense index) and the count of each distinct rating
      // value, in one call: a page draws its histograms without a call per user.
      .function("counts", optional_override([](const DatasetHandle& h) {
                  return guard([&] {
                    const Dataset& d = *h.data;
                    std::vector<int32_t> per_user(static_cast<size_t>(d.num_users()));
                    std::vector<int32_t> per_item(static_cast<size_t>(d.num_items()));
                    std::map<float, double> by_value;
                    for (int32_t u = 0; u < d.num_users(); ++u) {
                      const SparseRow row = d.by_user().row(u);
                      per_user[static_cast<size_t>(u)] = row.size;
                      for (int32_t k = 0; k < row.size; ++k) by_value[row.value[k]] += 1;
                    }
                    for (int32_t i = 0; i < d.num_items(); ++i) per_item[static_cast<size_t>(i)] = d.by_item().row_size(i);
                    std::vector<double> values, value_counts;
                    for (const auto& [value, count] : by_value) {
                      values.push_back(value);
                      value_counts.push_back(count);
                    }
                    val o = val::object();
                    o.set("perUser", val::global("Int32Array").new_(val(emscripten::typed_memory_view(per_user.size(), per_user.data()))));
                    o.set("perItem", val::global("Int32Array").new_(val(emscripten::typed_memory_view(per_item.size(), per_item.data()))));
                    o.set("values", val::global("Float64Array").new_(val(emscripten::typed_memory_view(values.size(), values.data()))));
                    o.set("valueCounts", val::global("Float64Array").new_(val(emscripten::typed_memory_view(value_counts.size(), value_counts.data()))));
                    return o;
                  });
                }))
      .function("itemCount", optional_override([](const DatasetHandle& h, const std::string& id) {
                  const int32_t i = h.data->items().find(id);
                  return i < 0 ? 0 : h.data->by_item().row_size(i);
                }));

  class_<ItemsHandle>("ItemTable")
      .smart_ptr<std::shared_ptr<ItemsHandle>>("ItemTablePtr")
      .function("size", optional_override([](const ItemsHandle& h) { return h.table.ids.size(); }))
      .function("id", optional_override([](const ItemsHandle& h, int32_t i) {
                  return guard([&] {
                    if (i < 0 || i >= h.table.ids.size()) throw std::out_of_range("item index out of range");
                    return val(h.table.ids.id(i));
                  });
                }))
      .function("title", optional_override([](const ItemsHandle& h, const std::string& id) {
                  const std::string* t = h.table.title(id);
                  return t ? val(*t) : val::null();
                }))
      .function("fields", optional_override([](const ItemsHandle& h, const std::string& id) {
                  const int32_t i = h.table.ids.find(id);
                  if (i < 0) return val::null();
                  val out = val::array();
                  for (const auto& f : h.table.fields[static_cast<size_t>(i)]) out.call<void>("push", f);
                  return out;
                }))
      .function("columns", optional_override([](const ItemsHandle& h) {
                  val out = val::array();
                  for (const auto& c : h.table.columns) out.call<void>("push", c);
                  return out;
                }))
      .function("ids", optional_override([](const ItemsHandle& h) { return ids_array(h.table.ids); }))
      .function("info", optional_override([](const ItemsHandle& h) {
                  val o = val::object();
                  o.set("source", h.table.source);
                  o.set("delimiter", h.table.delimiter);
                  o.set("encoding", h.table.encoding);
                  o.set("header", h.table.header);
                  o.set("idColumn", h.table.id_column);
                  o.set("titleColumn", h.table.title_column);
                  return o;
                }));

  class_<TrainingHandle>("Training")
      .smart_ptr<std::shared_ptr<TrainingHandle>>("TrainingPtr")
      .function("done", optional_override([](const TrainingHandle& t) { return !t.training || t.training->done(); }))
      .function("step", optional_override([](TrainingHandle& t) {
                  return guard([&] {
                    if (!t.training) throw std::logic_error("this fit has already finished");
                    return epoch_value(t.training->step());
                  });
                }))
      .function("finish", optional_override([](TrainingHandle& t) {
                  return guard([&] {
                    if (!t.training) throw std::logic_error("this fit has already finished");
                    t.training->finish();
                    t.training.reset();
                    t.target->model = std::move(t.fresh);
                    return val(std::chrono::duration<double>(std::chrono::steady_clock::now() - t.started).count());
                  });
                }));

  class_<ModelHandle>("Model")
      .smart_ptr<std::shared_ptr<ModelHandle>>("ModelPtr")
      .function("algorithm", optional_override([](const ModelHandle& h) { return h.model->algorithm(); }))
      .function("fitted", optional_override([](const ModelHandle& h) { return h.model->fitted(); }))
      .function("fit", optional_override([](ModelHandle& h, const DatasetHandle& d, double seed) {
                  return guard([&] {
                    const auto t0 = std::chrono::steady_clock::now();
                    h.model->fit(d.data, static_cast<uint64_t>(seed));
                    return val(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
                  });
                }))
      .function("startFit", optional_override([](ModelHandle& h, const DatasetHandle& d, double seed, val validation,
                                                  int patience) {
                  return guard([&] {
                    auto t = std::make_shared<TrainingHandle>();
                    t->target = &h;
                    t->data = d.data;
                    t->fresh = make_model(h.model->algorithm(), h.model->params());
                    t->started = std::chrono::steady_clock::now();
                    FitOptions options;
                    options.seed = static_cast<uint64_t>(seed);
                    options.patience = patience;
                    if (!validation.isNull() && !validation.isUndefined()) {
                      t->validation = d.data->translate(*validation.as<std::shared_ptr<DatasetHandle>>()->data);
                      options.validation = &t->validation;
                    }
                    t->training = std::make_unique<Training>(*t->fresh, t->data, options);
                    return val(t);
                  });
                }))
      .function("explain", optional_override([](const ModelHandle& h, const std::string& user, const std::string& item, int n) {
                  return guard([&] {
                    const Dataset& d = trained(h, "explain");
                    const int32_t u = d.users().find(user);
                    if (u < 0) throw std::out_of_range("unknown user \"" + user + "\"");
                    val out = val::array();
                    for (const Contribution& c : h.model->explain(Profile::of_user(d, u), item_index_or_throw(d, item), n)) {
                      val o = val::object();
                      o.set("item", d.items().id(c.item));
                      o.set("weight", c.weight);
                      out.call<void>("push", o);
                    }
                    return out;
                  });
                }))
      .function("predict", optional_override([](const ModelHandle& h, const std::string& user, const std::string& item) {
                  return guard([&] {
                    const Dataset& d = trained(h, "predict");
                    const Prediction p = h.model->predict(d.users().find(user), d.items().find(item));
                    val o = val::object();
                    o.set("value", p.value);
                    o.set("fallback", p.fallback);
                    if (p.neighbors >= 0) o.set("neighbors", p.neighbors);
                    return o;
                  });
                }))
      .function("recommend", optional_override([](const ModelHandle& h, const std::string& user, int n, val options) {
                  return guard([&] {
                    const Dataset& d = trained(h, "recommend");
                    const int32_t u = user_index(d, user);
                    val o = val::object();
                    o.set("known", u >= 0);
                    // An unknown user is a person with no ratings: the most popular allowed items.
                    const Profile person = u >= 0 ? Profile::of_user(d, u) : Profile{};
                    o.set("items", scored_items(d, h.model->recommend(person, n, filter_from(d, options))));
                    return o;
                  });
                }))
      .function("recommendFor", optional_override([](const ModelHandle& h, val items, val ratings, int n, val options) {
                  return guard([&] {
                    const Dataset& d = trained(h, "recommendFor");
                    const int len = items["length"].as<int>();
                    if (ratings["length"].as<int>() != len)
                      throw std::invalid_argument("recommendFor needs as many ratings as items");
                    Profile p;
                    val unknown = val::array();
                    for (int k = 0; k < len; ++k) {
                      const std::string id = items[k].as<std::string>();
                      const int32_t i = d.items().find(id);
                      if (i < 0) {
                        unknown.call<void>("push", id);
                        continue;
                      }
                      p.items.push_back(i);
                      p.ratings.push_back(ratings[k].as<float>());
                    }
                    val o = val::object();
                    o.set("items", scored_items(d, h.model->recommend(p, n, filter_from(d, options))));
                    o.set("unknownItems", unknown);
                    return o;
                  });
                }))
      .function("predictMany", optional_override([](const ModelHandle& h, val users, val items) {
                  return guard([&] {
                    const Dataset& d = trained(h, "predictMany");
                    const std::string user_buffer = bytes_of(users), item_buffer = bytes_of(items);
                    const auto u = split_ids(user_buffer), i = split_ids(item_buffer);
                    if (u.size() != i.size()) throw std::invalid_argument("predictMany needs as many items as users");
                    std::vector<float> values(u.size());
                    std::vector<uint8_t> fallback(u.size());
                    for (size_t k = 0; k < u.size(); ++k) {
                      const Prediction p = h.model->predict(d.users().find(u[k]), d.items().find(i[k]));
                      values[k] = p.value;
                      fallback[k] = p.fallback ? 1 : 0;
                    }
                    val o = val::object();
                    o.set("values", val::global("Float32Array").new_(val(emscripten::typed_memory_view(values.size(), values.data()))));
                    o.set("fallback", val::global("Uint8Array").new_(val(emscripten::typed_memory_view(fallback.size(), fallback.data()))));
                    return o;
                  });
                }))
      .function("similarItems", optional_override([](const ModelHandle& h, const std::string& item, int n) {
                  return guard([&] {
                    const Dataset& d = trained(h, "similarItems");
                    return scored_items(d, h.model->similar_items(item_index_or_throw(d, item), n));
                  });
                }))
      .function("popular", optional_override([](const ModelHandle& h, int n) {
                  return guard([&] { return scored_items(trained(h, "popular"), h.model->popular(n)); });
                }))
      .function("evaluate", optional_override([](const ModelHandle& h, const DatasetHandle& test) {
                  return guard([&] {
                    const auto t0 = std::chrono::steady_clock::now();
                    val r = accuracy_value(evaluate_accuracy(*h.model, trained(h, "evaluate").translate(*test.data)));
                    r.set("predictSeconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
                    return r;
                  });
                }))
      .function("compact", optional_override([](const ModelHandle& h, const std::string& encoding) {
                  return guard([&] {
                    trained(h, "compact");
                    auto out = std::make_shared<ModelHandle>();
                    out->model = compact_model(*h.model, parse_factor_encoding(encoding));
                    return val(out);
                  });
                }))
      .function("save", optional_override([](const ModelHandle& h) {
                  return guard([&] {
                    trained(h, "save");
                    return bytes_value(save_model(*h.model));
                  });
                }))
      .function("rank", optional_override([](const ModelHandle& h, const DatasetHandle& test, int k, double threshold) {
                  return guard([&] {
                    RankingOptions o;
                    o.k = k;
                    o.threshold = threshold;
                    return ranking_value(evaluate_ranking(*h.model, trained(h, "rank").translate(*test.data), o));
                  });
                }));
}
