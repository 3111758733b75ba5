// Saved models: one self-contained, versioned binary file with a checksum. The byte layout, field
// by field, is in docs/model-format.md; keep the two in step.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "models/model.h"

namespace cofi {

// The format version this cofi writes. A reader accepts every version from 1 to this one and
// refuses a newer one (it cannot know what a newer writer changed), saying so. Any change to the
// layout, including a change to one model's state, bumps it; see docs/model-format.md.
constexpr uint32_t kModelFormatVersion = 1;
constexpr uint32_t kOldestModelFormatVersion = 1;

// The 8 bytes every model file starts with.
constexpr char kModelFileMagic[8] = {'C', 'O', 'F', 'I', 'M', 'O', 'D', 'L'};

// The whole file for a fitted model: algorithm, parameters, training set (ids and ratings) and
// learned state. Throws std::logic_error when the model is not fitted.
std::string save_model(const Model& model);

// Reads a file written by save_model into a fitted model that predicts exactly as the saved one
// did. Throws ParseError naming `source` and the problem for anything that is not such a file:
// wrong magic, an unsupported version, truncation or trailing bytes, a checksum mismatch, an
// unknown algorithm or parameter, an inconsistent training set (repeated ids, a rating naming an
// item outside the id list, a repeated pair, a rating that is not a finite number) or a model
// state that does not fit the training set or is not used up. Every declared size is checked
// against the bytes present before anything is allocated for it, and nothing is read outside
// `bytes`. Out of memory (std::bad_alloc) is the only other exception.
std::unique_ptr<Model> load_model(std::string_view bytes, const std::string& source);

// The checksum of the payload: FNV-1a, 64-bit (offset basis 0xcbf29ce484222325, prime
// 0x100000001b3). It changes whenever any one byte changes; it is no defence against tampering.
uint64_t model_file_checksum(std::string_view payload);

}  // namespace cofi
