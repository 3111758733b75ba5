// Saved models: one self-contained, versioned binary file with a checksum (docs/model-format.md).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "models/model.h"

namespace cofi {

constexpr uint32_t kModelFormatVersion = 1;

// The whole file: algorithm, parameters, training set (ids and ratings) and learned state.
std::string save_model(const Model& model);

// Reads a file written by save_model. Throws ParseError (naming `source`) for anything that is
// not such a file: wrong magic, unknown version, a checksum mismatch, truncation, sizes that do
// not fit the bytes present.
std::unique_ptr<Model> load_model(std::string_view bytes, const std::string& source);

}  // namespace cofi
