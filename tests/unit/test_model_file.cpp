// Saved models (src/io/model_file.*, docs/model-format.md): every registered model survives
// save_model -> load_model bit for bit; every kind of bad file is refused with a ParseError that
// names the file and the problem; the CLI's --save / --model flags.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "io/binary.h"
#include "io/model_file.h"
#include "io/parse_error.h"
#include "io/ratings_reader.h"
#include "models/model.h"

using cofi::BinaryWriter;
using cofi::Dataset;
using cofi::Model;
using cofi::ParseError;
using cofi::Params;
using cofi::Prediction;
using cofi::Profile;
using cofi::ScoredItem;

namespace {

// 40 users in two taste groups rating 30 items of two kinds (about 12 each, 1-5 stars), from a
// fixed LCG so every run has the same data. Ids of mixed shapes, one of them not ASCII.
std::string synthetic_csv() {
  uint64_t state = 12345;
  auto next = [&state]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  std::ostringstream csv;
  csv << "user,item,rating\n";
  for (int u = 0; u < 40; ++u) {
    std::vector<bool> seen(30, false);
    for (int k = 0; k < 14; ++k) {
      const int i = static_cast<int>(next() % 30);
      if (seen[static_cast<size_t>(i)]) continue;
      seen[static_cast<size_t>(i)] = true;
      const bool liked = (i % 2) == (u % 2);
      const int r = std::min(5, std::max(1, (liked ? 4 : 2) + static_cast<int>(next() % 3) - 1));
      csv << (u == 7 ? std::string("Jos\xC3\xA9") : "user-" + std::to_string(u)) << ",item" << i << "," << r << "\n";
    }
  }
  return csv.str();
}

std::shared_ptr<const Dataset> synthetic() {
  static const auto data = std::make_shared<const Dataset>(cofi::read_ratings(synthetic_csv(), "synthetic.csv").data);
  return data;
}

std::unique_ptr<Model> fitted(const std::string& algo, std::map<std::string, std::string> params = {}, uint64_t seed = 5) {
  auto m = cofi::make_model(algo, Params(std::move(params)));
  m->fit(synthetic(), seed);
  return m;
}

uint32_t bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return b;
}

// The documented checksum, written out again here from docs/model-format.md.
uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// A complete file around `payload`: magic, version, length, payload, checksum.
std::string wrap(const std::string& payload, uint32_t version = cofi::kModelFormatVersion) {
  BinaryWriter w;
  w.raw("COFIMODL");
  w.u32(version);
  w.u64(payload.size());
  w.raw(payload);
  w.u64(fnv1a64(payload));
  return w.take();
}

std::string payload_of(const std::string& file) { return file.substr(20, file.size() - 28); }

// The ParseError message load_model throws, or "loaded".
std::string load_error(const std::string& bytes, const std::string& source = "m.cofi") {
  try {
    cofi::load_model(bytes, source);
  } catch (const ParseError& e) {
    CHECK(e.source() == source);
    CHECK(std::string(e.what()).rfind(source + ": ", 0) == 0);
    return e.what();
  }
  return "loaded";
}

// Where the state begins in a payload, found by walking the documented layout up to the state
// section's length field.
size_t state_offset(const std::string& payload) {
  cofi::BinaryReader in(payload, "m");
  in.str();
  for (uint64_t n = in.u64(); n > 0; --n) {
    in.str();
    in.str();
  }
  in.u8();
  const uint64_t users = in.u64();
  for (uint64_t n = users; n > 0; --n) in.str();
  for (uint64_t n = in.u64(); n > 0; --n) in.str();
  in.u64();
  for (uint64_t u = 0; u < users; ++u) in.raw(8 * static_cast<size_t>(in.u32()));
  const uint64_t state_length = in.u64();
  REQUIRE(state_length == in.remaining());
  return in.position();
}

// Builds payloads field by field (the layout of docs/model-format.md).
struct PayloadBuilder {
  std::string algorithm = "baseline";
  std::vector<std::pair<std::string, std::string>> params;
  uint8_t implicit = 0;
  std::vector<std::string> users = {"u1", "u2"};
  std::vector<std::string> items = {"a", "b", "c"};
  // Per user: (item, value) pairs.
  std::vector<std::vector<std::pair<int32_t, float>>> rows = {{{0, 4.0f}, {1, 2.0f}}, {{0, 3.0f}, {2, 5.0f}}};
  int64_t declared_ratings = -1;  // -1: the true count
  std::string state = std::string(8, '\0');  // seed 0, nothing else (the default write_state)
  int64_t declared_state = -1;    // -1: the true length
  std::string after_state;

  std::string payload() const {
    BinaryWriter w;
    w.str(algorithm);
    w.u64(params.size());
    for (const auto& kv : params) {
      w.str(kv.first);
      w.str(kv.second);
    }
    w.u8(implicit);
    w.u64(users.size());
    for (const auto& id : users) w.str(id);
    w.u64(items.size());
    for (const auto& id : items) w.str(id);
    uint64_t total = 0;
    for (const auto& row : rows) total += row.size();
    w.u64(declared_ratings >= 0 ? static_cast<uint64_t>(declared_ratings) : total);
    for (const auto& row : rows) {
      w.u32(static_cast<uint32_t>(row.size()));
      for (const auto& r : row) {
        w.i32(r.first);
        w.f32(r.second);
      }
    }
    w.u64(declared_state >= 0 ? static_cast<uint64_t>(declared_state) : state.size());
    w.raw(state);
    w.raw(after_state);
    return w.take();
  }
  std::string file() const { return wrap(payload()); }
};

// Everything a caller can observe, compared bit for bit.
void require_same_model(const Model& a, const Model& b) {
  const Dataset& d = a.train();
  REQUIRE(b.algorithm() == a.algorithm());
  REQUIRE(b.params().values() == a.params().values());
  REQUIRE(b.train().num_users() == d.num_users());
  REQUIRE(b.train().num_items() == d.num_items());
  REQUIRE(b.train().num_ratings() == d.num_ratings());
  REQUIRE(b.train().users().ids() == d.users().ids());
  REQUIRE(b.train().items().ids() == d.items().ids());
  for (int32_t u = -1; u < d.num_users(); ++u) {
    for (int32_t i = -1; i < d.num_items(); ++i) {
      const Prediction p = a.predict(u, i), q = b.predict(u, i);
      INFO(a.algorithm() << " user " << u << " item " << i);
      REQUIRE(bits(p.value) == bits(q.value));
      REQUIRE(bits(p.raw) == bits(q.raw));
      REQUIRE(p.fallback == q.fallback);
      REQUIRE(p.neighbors == q.neighbors);
    }
  }
  auto same_list = [&](const std::vector<ScoredItem>& x, const std::vector<ScoredItem>& y) {
    REQUIRE(x.size() == y.size());
    for (size_t k = 0; k < x.size(); ++k) {
      REQUIRE(x[k].item == y[k].item);
      REQUIRE(bits(x[k].score) == bits(y[k].score));
    }
  };
  for (int32_t u = 0; u < d.num_users(); ++u) {
    INFO(a.algorithm() << " recommend for user " << u);
    same_list(a.recommend(Profile::of_user(d, u), 10), b.recommend(Profile::of_user(d, u), 10));
  }
  // A new person (models that cannot fold one in refuse alike).
  Profile person;
  person.items = {0, 3, 5};
  person.ratings = {5.0f, 1.0f, 4.0f};
  std::string refused_a, refused_b;
  std::vector<ScoredItem> list_a, list_b;
  try { list_a = a.recommend(person, 10); } catch (const std::invalid_argument& e) { refused_a = e.what(); }
  try { list_b = b.recommend(person, 10); } catch (const std::invalid_argument& e) { refused_b = e.what(); }
  REQUIRE(refused_a == refused_b);
  same_list(list_a, list_b);
  for (int32_t i = 0; i < d.num_items(); i += 7) same_list(a.similar_items(i, 5), b.similar_items(i, 5));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
TEST_CASE("every registered model predicts and recommends bit for bit after save and load", "[model_file]") {
  REQUIRE(cofi::model_names().size() >= 8);
  for (const std::string& algo : cofi::model_names()) {
    SECTION(algo) {
      const auto original = fitted(algo);
      const std::string bytes = cofi::save_model(*original);
      const auto loaded = cofi::load_model(bytes, algo + ".cofi");
      REQUIRE(loaded->fitted());
      require_same_model(*original, *loaded);
      // Saving the loaded model gives the same bytes: the state survived whole.
      REQUIRE(cofi::save_model(*loaded) == bytes);
    }
  }
}

TEST_CASE("parameters and the seed are saved with the model", "[model_file]") {
  const auto original = fitted("knn-means", {{"k", "3"}, {"user_based", "false"}, {"similarity", "pearson"}});
  const auto loaded = cofi::load_model(cofi::save_model(*original), "m.cofi");
  CHECK(loaded->params().values() == original->params().values());
  require_same_model(*original, *loaded);
  // random draws per (user, item) from the seed: another seed gives another model.
  const auto seeded = fitted("random", {}, 99);
  const auto reloaded = cofi::load_model(cofi::save_model(*seeded), "r.cofi");
  CHECK(bits(reloaded->predict(0, 0).raw) == bits(seeded->predict(0, 0).raw));
  CHECK(bits(reloaded->predict(0, 0).raw) != bits(fitted("random", {}, 98)->predict(0, 0).raw));
}

TEST_CASE("the file layout: magic, version, payload length, payload, FNV-1a checksum", "[model_file]") {
  const auto model = fitted("baseline");
  const std::string bytes = cofi::save_model(*model);
  REQUIRE(bytes.size() > 28);
  CHECK(bytes.substr(0, 8) == "COFIMODL");
  cofi::BinaryReader in(bytes, "m");
  in.raw(8);
  CHECK(in.u32() == cofi::kModelFormatVersion);
  CHECK(in.u64() == bytes.size() - 28);
  const std::string payload = payload_of(bytes);
  CHECK(cofi::model_file_checksum(payload) == fnv1a64(payload));
  cofi::BinaryReader tail(std::string_view(bytes).substr(bytes.size() - 8), "m");
  CHECK(tail.u64() == fnv1a64(payload));
  // The published FNV-1a test vectors.
  CHECK(cofi::model_file_checksum("") == 0xcbf29ce484222325ULL);
  CHECK(cofi::model_file_checksum("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(cofi::model_file_checksum("foobar") == 0x85944171f73967e8ULL);
  // The payload starts with the algorithm name and ends with the state section (seed 5 only).
  cofi::BinaryReader p(payload, "m");
  CHECK(p.str() == "baseline");
  CHECK(payload.substr(payload.size() - 16) == std::string("\x08\0\0\0\0\0\0\0\x05\0\0\0\0\0\0\0", 16));
  // A payload built field by field from the documented layout is exactly what save_model writes.
  PayloadBuilder b;
  b.state = std::string("\x05\0\0\0\0\0\0\0", 8);
  const auto small_data = std::make_shared<const Dataset>(
      cofi::read_ratings("user,item,rating\nu1,a,4\nu1,b,2\nu2,a,3\nu2,c,5\n", "small.csv").data);
  auto small = cofi::make_model("baseline", Params());
  small->fit(small_data, 5);
  CHECK(cofi::save_model(*small) == b.file());
  b.params = {{"method", "sgd"}, {"reg", "0.5"}};
  auto with_params = cofi::make_model("baseline", Params({{"reg", "0.5"}, {"method", "sgd"}}));
  with_params->fit(small_data, 5);
  CHECK(cofi::save_model(*with_params) == b.file());
}

TEST_CASE("not a model file, truncated header, unknown versions", "[model_file]") {
  const std::string good = cofi::save_model(*fitted("baseline"));
  CHECK_THAT(load_error(""), Catch::Contains("the file is empty"));
  CHECK_THAT(load_error("user,item,rating\n1,2,3\n"), Catch::Contains("not a cofi model file"));
  CHECK_THAT(load_error("COFI"), Catch::Contains("ends inside the 8-byte COFIMODL signature"));
  CHECK_THAT(load_error(good.substr(0, 15)), Catch::Contains("less than the 20-byte header"));

  std::string v0 = good, v2 = good;
  v0[8] = 0;
  v2[8] = 2;
  CHECK_THAT(load_error(v0), Catch::Contains("model format version 0 does not exist"));
  CHECK_THAT(load_error(v2), Catch::Contains("model format version 2 was written by a newer cofi; this cofi reads versions 1 to 1"));
  std::string huge_version = good;
  huge_version[11] = '\x7f';
  CHECK_THAT(load_error(huge_version), Catch::Contains("was written by a newer cofi"));
}

TEST_CASE("truncation, trailing bytes and a bad checksum are refused", "[model_file]") {
  const std::string good = cofi::save_model(*fitted("knn-baseline"));
  CHECK(load_error(good) == "loaded");
  CHECK_THAT(load_error(good.substr(0, good.size() - 1)), Catch::Contains("the file is truncated"));
  CHECK_THAT(load_error(good.substr(0, good.size() - 9)), Catch::Contains("the file is truncated"));
  CHECK_THAT(load_error(good + "x"), Catch::Contains("1 unexpected bytes after the checksum"));
  std::string bad_sum = good;
  bad_sum.back() ^= 1;
  CHECK_THAT(load_error(bad_sum), Catch::Contains("checksum mismatch: the file is corrupted"));
  // A declared payload length of 2^64-1 is refused without allocating it.
  std::string huge = good;
  for (int k = 12; k < 20; ++k) huge[static_cast<size_t>(k)] = '\xff';
  CHECK_THAT(load_error(huge), Catch::Contains("the header declares 18446744073709551615 payload bytes"));
}

TEST_CASE("a file cut at any length is refused without a crash", "[model_file]") {
  const std::string good = cofi::save_model(*fitted("baseline"));
  for (size_t n = 0; n < good.size(); ++n) {
    const std::string message = load_error(good.substr(0, n));
    INFO("cut at " << n << ": " << message);
    REQUIRE(message != "loaded");
  }
  // A payload cut at any length, in a file whose length and checksum fit it: the parser itself
  // meets the end of the data everywhere and refuses.
  const std::string payload = payload_of(good);
  for (size_t n = 0; n < payload.size(); ++n) {
    const std::string message = load_error(wrap(payload.substr(0, n)));
    INFO("payload cut at " << n << ": " << message);
    REQUIRE(message != "loaded");
    REQUIRE(message.find("checksum") == std::string::npos);
  }
}

TEST_CASE("one changed byte anywhere is caught", "[model_file]") {
  const std::string good = cofi::save_model(*fitted("global-mean"));
  for (size_t at = 0; at < good.size(); ++at) {
    for (unsigned char flip : {0x01, 0x80, 0xff}) {
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ flip);
      const std::string message = load_error(bad);
      INFO("byte " << at << " xor " << int(flip) << ": " << message);
      REQUIRE(message != "loaded");
      // Inside the payload or the checksum itself, it is the checksum that catches it.
      if (at >= 20) REQUIRE_THAT(message, Catch::Contains("checksum mismatch"));
    }
  }
}

TEST_CASE("a hostile payload is refused, naming the problem", "[model_file]") {
  SECTION("the hand-built reference loads") { CHECK(load_error(PayloadBuilder().file()) == "loaded"); }
  SECTION("unknown algorithm") {
    PayloadBuilder b;
    b.algorithm = "deep-magic";
    CHECK_THAT(load_error(b.file()), Catch::Contains("cannot create the saved model: unknown algorithm 'deep-magic'"));
  }
  SECTION("an algorithm name too long to be one") {
    PayloadBuilder b;
    b.algorithm = std::string(65, 'x');
    CHECK_THAT(load_error(b.file()), Catch::Contains("the algorithm name is 65 bytes long") && Catch::Contains("(at byte 93)"));
  }
  SECTION("unknown or bad parameters") {
    PayloadBuilder b;
    b.params = {{"K", "40"}};
    CHECK_THAT(load_error(b.file()), Catch::Contains("cannot create the saved model") && Catch::Contains("K"));
    b.algorithm = "knn-basic";
    b.params = {{"k", "many"}};
    CHECK_THAT(load_error(b.file()), Catch::Contains("cannot create the saved model") && Catch::Contains("k"));
  }
  SECTION("a repeated or unordered parameter") {
    PayloadBuilder b;
    b.algorithm = "knn-basic";
    b.params = {{"k", "4"}, {"k", "5"}};
    CHECK_THAT(load_error(b.file()), Catch::Contains("parameter \"k\" is repeated or out of order"));
    b.params = {{"min_k", "1"}, {"k", "5"}};
    CHECK_THAT(load_error(b.file()), Catch::Contains("parameter \"k\" is repeated or out of order"));
  }
  SECTION("huge declared counts are refused before allocating") {
    PayloadBuilder b;
    std::string p = b.payload();
    // The parameter count sits right after the algorithm string (8 + 8 bytes).
    for (int k = 16; k < 24; ++k) p[static_cast<size_t>(k)] = '\x7f';
    CHECK_THAT(load_error(wrap(p)), Catch::Contains("the parameter list declares 9187201950435737471 entries"));
    // The user count: after the algorithm, the empty parameter list and the implicit flag.
    p = b.payload();
    for (int k = 25; k < 33; ++k) p[static_cast<size_t>(k)] = '\x7f';
    CHECK_THAT(load_error(wrap(p)), Catch::Contains("the user list declares 9187201950435737471 entries"));
    // The algorithm string's own length.
    p = b.payload();
    p[6] = '\x01';
    CHECK_THAT(load_error(wrap(p)), Catch::Contains("a string of 281474976710664 bytes runs past the end") && Catch::Contains("(at byte 20)"));
    b.declared_ratings = int64_t(1) << 60;
    CHECK_THAT(load_error(b.file()), Catch::Contains("the rating list declares 1152921504606846976 entries"));
  }
  SECTION("repeated or empty ids") {
    PayloadBuilder b;
    b.users = {"u1", "u1"};
    CHECK_THAT(load_error(b.file()), Catch::Contains("a repeated id in the user list: \"u1\""));
    b.users = {"u1", "u2"};
    b.items = {"a", "b", "a"};
    CHECK_THAT(load_error(b.file()), Catch::Contains("a repeated id in the item list: \"a\""));
    b.items = {"a", "", "c"};
    CHECK_THAT(load_error(b.file()), Catch::Contains("an empty id in the item list"));
  }
  SECTION("ratings outside the id lists, not finite, repeated") {
    PayloadBuilder b;
    b.rows[1][1].first = 3;
    CHECK_THAT(load_error(b.file()), Catch::Contains("a rating of user \"u2\" names item 3, outside the 3 items"));
    b.rows[1][1].first = -1;
    CHECK_THAT(load_error(b.file()), Catch::Contains("names item -1"));
    b = PayloadBuilder();
    b.rows[0][1].second = std::numeric_limits<float>::quiet_NaN();
    CHECK_THAT(load_error(b.file()), Catch::Contains("a rating of user \"u1\" is not a finite number"));
    b.rows[0][1].second = -std::numeric_limits<float>::infinity();
    CHECK_THAT(load_error(b.file()), Catch::Contains("is not a finite number"));
    b = PayloadBuilder();
    b.rows[1][1].first = 0;
    CHECK_THAT(load_error(b.file()), Catch::Contains("user \"u2\" rates item \"a\" twice"));
  }
  SECTION("counts that disagree") {
    PayloadBuilder b;
    b.declared_ratings = 3;
    CHECK_THAT(load_error(b.file()), Catch::Contains("user \"u2\" has 2 ratings, more than the 3 declared in all"));
    b.declared_ratings = 5;
    CHECK_THAT(load_error(b.file()), Catch::Contains("the users hold 4 ratings, not the 5 declared"));
    b.declared_ratings = -1;
    b.rows = {{}, {}};
    CHECK_THAT(load_error(b.file()), Catch::Contains("the training set has no ratings"));
    b = PayloadBuilder();
    b.implicit = 2;
    CHECK_THAT(load_error(b.file()), Catch::Contains("the implicit-feedback flag is 2"));
  }
  SECTION("a state section that lies about its length, or bytes after it") {
    PayloadBuilder b;
    b.declared_state = 9;
    CHECK_THAT(load_error(b.file()), Catch::Contains("the baseline state declares 9 bytes but only 8 follow"));
    b.declared_state = -1;
    b.after_state = "zz";
    CHECK_THAT(load_error(b.file()), Catch::Contains("2 unexpected bytes after the model state"));
  }
  SECTION("a state its model does not use up, or that ends early") {
    PayloadBuilder b;
    b.state += "abcd";
    CHECK_THAT(load_error(b.file()), Catch::Contains("the baseline state has 4 bytes its reader did not use"));
    b.state = std::string(5, '\0');
    CHECK_THAT(load_error(b.file()), Catch::Contains("the baseline state ends in the middle of a 64-bit number"));
  }
  SECTION("errors give the file offset") {
    PayloadBuilder b;
    b.users = {"u1", "u1"};
    // 20 (header) + 16 ("baseline") + 8 (no parameters) + 1 (flag) + 8 (count) + 10 ("u1") + 10 ("u1")
    CHECK_THAT(load_error(b.file()), Catch::Contains("(at byte 73)"));
  }
}

TEST_CASE("every model refuses a state cut short, lengthened or with a changed byte", "[model_file]") {
  for (const std::string& algo : cofi::model_names()) {
    SECTION(algo) {
      const std::string good = cofi::save_model(*fitted(algo));
      const std::string payload = payload_of(good);
      const size_t state_at = state_offset(payload);
      const uint64_t state_length = payload.size() - state_at;
      const std::string head = payload.substr(0, state_at - 8);
      const std::string state = payload.substr(state_at);
      auto with_state = [&](const std::string& s) {
        BinaryWriter w;
        w.raw(head);
        w.u64(s.size());
        w.raw(s);
        return wrap(w.take());
      };
      REQUIRE(with_state(state) == good);
      INFO(algo << " state of " << state_length << " bytes");
      // Cut short at a few lengths (every length for small states) and lengthened: refused.
      const size_t step = std::max<size_t>(1, state.size() / 64);
      for (size_t n = 0; n < state.size(); n += step) {
        INFO("state cut to " << n << " bytes");
        REQUIRE(load_error(with_state(state.substr(0, n))) != "loaded");
      }
      CHECK_THAT(load_error(with_state(state + std::string(4, '\x01'))), Catch::Contains("bytes its reader did not use"));
      // A changed byte with a valid checksum (a hostile file, not an accident): either refused
      // with a ParseError or loaded into a model that still answers without crashing.
      const size_t stride = std::max<size_t>(1, state.size() / 300);
      for (size_t at = 0; at < state.size(); at += stride) {
        for (unsigned char flip : {0x01, 0x40, 0xff}) {
          std::string s = state;
          s[at] = static_cast<char>(s[at] ^ flip);
          std::unique_ptr<Model> m;
          try {
            m = cofi::load_model(with_state(s), "m.cofi");
          } catch (const ParseError&) {
            continue;
          }
          const Dataset& d = m->train();
          for (int32_t u = 0; u < d.num_users(); u += 13) {
            for (int32_t i = 0; i < d.num_items(); i += 5) (void)m->predict(u, i);
            (void)m->recommend(Profile::of_user(d, u), 5);
          }
        }
      }
    }
  }
}

TEST_CASE("save needs a fitted model", "[model_file]") {
  auto m = cofi::make_model("baseline", Params());
  CHECK_THROWS_AS(cofi::save_model(*m), std::logic_error);
}

// ---------------------------------------------------------------------------------------------
// The command-line tool: --save and --model.

namespace {

const char* const kTrain =
    "user,item,rating\n"
    "u1,a,5\nu1,b,3\nu1,c,1\n"
    "u2,a,4\nu2,c,1\nu2,d,4\nu2,e,2\n"
    "u3,a,1\nu3,b,1\nu3,d,5\nu3,e,5\n"
    "u4,b,3\nu4,c,5\nu4,d,4\n";
const char* const kTest = "user,item,rating\nu1,d,4\nu1,e,2\nu4,a,3\nu4,e,5\nu9,a,3\nu2,z,1\n";

struct CliRun {
  int status = -1;
  std::string out, err;
};

struct FakeFiles {
  std::map<std::string, std::string> files = {{"train.csv", kTrain}, {"test.csv", kTest}};

  CliRun run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    cofi::CliIo io;
    io.read_file = [this](const std::string& path) {
      auto found = files.find(path);
      if (found == files.end()) throw std::runtime_error("cannot read " + path + ": No such file or directory");
      return found->second;
    };
    io.write_file = [this](const std::string& path, const std::string& bytes) { files[path] = bytes; };
    io.out = &out;
    io.err = &err;
    CliRun r;
    r.status = cofi::run_cli(args, io);
    r.out = out.str();
    r.err = err.str();
    return r;
  }
};

void check_cli_error(const CliRun& r, const std::string& contains) {
  INFO("err: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("cofi: error: ", 0) == 0);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  CHECK_THAT(r.err, Catch::Contains(contains));
}

// The JSON text with the keys that differ between a trained and a loaded run (timings) removed.
std::string without_timings(std::string json) {
  for (const char* key : {"\"fit_seconds\":", "\"load_seconds\":", "\"predict_seconds\":"}) {
    const auto at = json.find(key);
    if (at == std::string::npos) continue;
    auto end = json.find_first_of(",}", at);
    if (json[end] == ',') ++end;
    json.erase(at, end - at);
  }
  return json;
}

}  // namespace

TEST_CASE("cli fit --save, then every command answers from the saved model", "[model_file][cli]") {
  FakeFiles fs;
  const std::vector<std::string> algo = {"--algo", "knn-means", "--set", "k=2", "--set", "user_based=false"};
  auto with = [&](std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  const CliRun fit = fs.run(with({"fit", "--ratings", "train.csv", "--save", "m.cofi", "--json"}, algo));
  INFO(fit.err);
  REQUIRE(fit.status == 0);
  REQUIRE(fs.files.count("m.cofi") == 1);
  CHECK_THAT(fit.out, Catch::Contains("\"ratings\":14"));
  CHECK_THAT(fit.out, Catch::Contains("\"model_bytes\":" + std::to_string(fs.files["m.cofi"].size())));
  CHECK_THAT(fit.out, Catch::Contains("\"fit_seconds\":"));
  const CliRun fit_text = fs.run(with({"fit", "--ratings", "train.csv", "--save", "m2.cofi"}, algo));
  CHECK(fit_text.status == 0);
  CHECK_THAT(fit_text.out, Catch::Contains("14 ratings") && Catch::Contains("m2.cofi"));
  CHECK(fs.files["m2.cofi"] == fs.files["m.cofi"]);

  // Each pair: trained from the CSV, answered from the file.
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> pairs = {
      {with({"recommend", "--ratings", "train.csv", "--user", "u1", "--json"}, algo),
       {"recommend", "--model", "m.cofi", "--user", "u1", "--json"}},
      {with({"recommend", "--ratings", "train.csv", "--user", "nobody"}, algo),
       {"recommend", "--model", "m.cofi", "--user", "nobody"}},
      {with({"recommend", "--ratings", "train.csv", "--rate", "a=5", "--rate", "e=1", "--json"}, algo),
       {"recommend", "--model", "m.cofi", "--rate", "a=5", "--rate", "e=1", "--json"}},
      {with({"similar", "--ratings", "train.csv", "--item", "d", "--json"}, algo),
       {"similar", "--model", "m.cofi", "--item", "d", "--json"}},
      {with({"predict", "--ratings", "train.csv", "--user", "u1", "--item", "d", "--json"}, algo),
       {"predict", "--model", "m.cofi", "--user", "u1", "--item", "d", "--json"}},
      {with({"predict", "--train", "train.csv", "--test", "test.csv"}, algo),
       {"predict", "--model", "m.cofi", "--test", "test.csv"}},
      {with({"rank", "--train", "train.csv", "--test", "test.csv", "-k", "2", "--threshold", "3", "--json"}, algo),
       {"rank", "--model", "m.cofi", "--test", "test.csv", "-k", "2", "--threshold", "3", "--json"}},
  };
  for (const auto& p : pairs) {
    const CliRun trained = fs.run(p.first), loaded = fs.run(p.second);
    INFO(p.second[0] << ": " << loaded.err);
    REQUIRE(trained.status == 0);
    REQUIRE(loaded.status == 0);
    CHECK(loaded.out == trained.out);
  }
  // evaluate: the same numbers; the loaded run reports its load time instead of a fit time.
  const CliRun trained = fs.run(with({"evaluate", "--train", "train.csv", "--test", "test.csv", "--json"}, algo));
  const CliRun loaded = fs.run({"evaluate", "--model", "m.cofi", "--test", "test.csv", "--json"});
  REQUIRE(loaded.status == 0);
  CHECK_THAT(loaded.out, Catch::Contains("\"load_seconds\":") && Catch::Contains("\"model_file\":\"m.cofi\""));
  std::string expected = without_timings(trained.out);
  expected.insert(expected.find("\"rmse\""), "\"model_file\":\"m.cofi\",");
  CHECK(without_timings(loaded.out) == expected);
  const CliRun text = fs.run({"evaluate", "--model", "m.cofi", "--test", "test.csv"});
  CHECK(text.status == 0);
  CHECK_THAT(text.out, Catch::Contains("RMSE") && Catch::Contains("loaded m.cofi"));
}

TEST_CASE("cli evaluate --save writes the fitted model", "[model_file][cli]") {
  FakeFiles fs;
  const CliRun r = fs.run({"evaluate", "--train", "train.csv", "--test", "test.csv", "--algo", "baseline", "--seed", "3",
                           "--save", "b.cofi", "--json"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("\"model_file\":\"b.cofi\""));
  const auto model = cofi::load_model(fs.files["b.cofi"], "b.cofi");
  CHECK(model->algorithm() == "baseline");
  const CliRun fit = fs.run({"fit", "--ratings", "train.csv", "--algo", "baseline", "--seed", "3", "--save", "c.cofi"});
  REQUIRE(fit.status == 0);
  CHECK(fs.files["c.cofi"] == fs.files["b.cofi"]);
}

TEST_CASE("cli: saved-model errors exit 2 with one line", "[model_file][cli]") {
  FakeFiles fs;
  REQUIRE(fs.run({"fit", "--ratings", "train.csv", "--algo", "baseline", "--save", "m.cofi"}).status == 0);
  fs.files["bad.cofi"] = fs.files["m.cofi"];
  fs.files["bad.cofi"][40] ^= 1;
  fs.files["notes.txt"] = "hello\n";
  check_cli_error(fs.run({"recommend", "--model", "bad.cofi", "--user", "u1"}), "bad.cofi: checksum mismatch");
  check_cli_error(fs.run({"predict", "--model", "notes.txt", "--test", "test.csv"}), "notes.txt: not a cofi model file");
  check_cli_error(fs.run({"similar", "--model", "missing.cofi", "--item", "a"}), "cannot read missing.cofi");
  check_cli_error(fs.run({"recommend", "--model", "m.cofi", "--algo", "svd", "--user", "u1"}),
                  "--model carries its algorithm");
  check_cli_error(fs.run({"recommend", "--model", "m.cofi", "--ratings", "train.csv", "--user", "u1"}),
                  "--model carries");
  check_cli_error(fs.run({"evaluate", "--model", "m.cofi", "--train", "train.csv", "--test", "test.csv"}),
                  "--model carries");
  check_cli_error(fs.run({"evaluate", "--model", "m.cofi"}), "evaluate needs --test");
  check_cli_error(fs.run({"fit", "--ratings", "train.csv", "--algo", "baseline"}), "fit needs --save");
  check_cli_error(fs.run({"fit", "--algo", "baseline", "--save", "x.cofi"}), "fit needs --ratings");
  check_cli_error(fs.run({"evaluate", "--ratings", "train.csv", "--folds", "2", "--algo", "baseline", "--save", "x.cofi"}),
                  "--save");
  check_cli_error(fs.run({"recommend", "--ratings", "train.csv", "--user", "u1", "--save", "x.cofi"}), "--save");
  check_cli_error(fs.run({"recommend", "--model", "m.cofi", "--rate", "zz=4"}), "item \"zz\" is not in m.cofi");
  CHECK(fs.files.count("x.cofi") == 0);
}
