// libFuzzer harness for load_model (see docs/fuzzing.md). A mutated model file almost never keeps
// its checksum, so random bytes alone would only exercise the header checks. The first byte
// therefore chooses: even, the rest is the file as it is; odd, the rest is a payload that the
// harness wraps in a valid header and checksum, so the fuzzer reaches the training-set and
// model-state readers. Every input must load into a fitted model that answers, or be refused with
// a ParseError; anything else (another exception, a crash, a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <stdexcept>
#include <string_view>

#include "io/binary.h"
#include "io/model_file.h"

namespace {

void expect(bool condition) {
  if (!condition) std::abort();  // an invariant broke: libFuzzer saves the input
}

std::string wrapped(std::string_view payload) {
  cofi::BinaryWriter file;
  file.raw(std::string_view(cofi::kModelFileMagic, sizeof cofi::kModelFileMagic));
  file.u32(cofi::kModelFormatVersion);
  file.u64(payload.size());
  file.raw(payload);
  file.u64(cofi::model_file_checksum(payload));
  return file.take();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string file = (data[0] & 1) ? wrapped(rest) : std::string(rest);
  try {
    const auto model = cofi::load_model(file, "fuzz.cofi");
    expect(model->fitted());
    const cofi::Dataset& train = model->train();
    expect(train.num_items() > 0);
    // The loaded model answers for a known pair, an unknown pair and a recommendation (what it
    // answers from a hostile but well-formed state is not checked; that it answers safely is).
    if (train.num_users() > 0) {
      expect(train.num_ratings() > 0);
      model->predict(0, 0);
      model->recommend(cofi::Profile::of_user(train, 0), 3);
    } else {
      // Items only (imported factors, compact models): every answer is for a visitor's ratings.
      expect(train.num_ratings() == 0);
      cofi::Profile visitor;
      visitor.items = {0};
      visitor.ratings = {4.0f};
      try {
        model->recommend(visitor, 3);
      } catch (const std::invalid_argument&) {
        // A fold-in system that a well-formed state makes singular (reg = 0) is refused, not solved.
      }
    }
    model->predict(-1, -1);
    model->recommend(cofi::Profile{}, 3);
  } catch (const cofi::ParseError& e) {
    expect(!e.source().empty() && !e.problem().empty());
  }
  return 0;
}
