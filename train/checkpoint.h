// Checkpoints in the safetensors format: an 8-byte little-endian header
// length, a JSON header {"name": {"dtype", "shape", "data_offsets"}, ...,
// "__metadata__": {string: string}}, then the raw little-endian tensor data.
// The files open in Python (safetensors, numpy) without nabla. Writes are
// atomic (a temporary file renamed over the target); reads validate every
// field before allocating.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "tensor/state_dict.h"
#include "train/history.h"

namespace nabla::nn {
class Module;
}
namespace nabla::optim {
class Optimizer;
}

namespace nabla::train {

using Metadata = std::map<std::string, std::string>;

/// The contents of a safetensors file.
struct SafetensorsFile {
  StateDict tensors;  // in the order of their data offsets
  Metadata metadata;
};

/// Writes `tensors` (f32, f64, i64; any strides) and `metadata` to `path`
/// atomically. Throws nabla::Error naming the path on an I/O failure.
void save_safetensors(const std::filesystem::path& path,
                      const StateDict& tensors,
                      const Metadata& metadata = {});

/// Reads a safetensors file. Throws nabla::Error naming the file and the
/// problem for a missing file, a header length beyond the limit or the file,
/// invalid JSON, an unknown dtype, a shape whose byte size differs from its
/// offsets, offsets out of bounds, overlapping or leaving gaps.
SafetensorsFile load_safetensors(const std::filesystem::path& path);

/// Saves model.state_dict() (metadata "format": "nabla-model").
void save_model(const std::filesystem::path& path,
                const nn::Module& model,
                const Metadata& metadata = {});
/// Loads a file written by save_model (or any safetensors file with the
/// model's keys) into `model`; every missing, unexpected, dtype- or
/// shape-mismatched key is listed in one nabla::Error and nothing is changed.
/// Returns the file's metadata.
Metadata load_model(const std::filesystem::path& path, nn::Module& model, bool strict = true);

/// Everything needed to continue training exactly where it stopped: the model,
/// the optimizer state, the next epoch, the History so far, and the states of
/// the random generators training draws from (the default generator and each
/// Dropout's own).
void save_training_state(const std::filesystem::path& path,
                         const nn::Module& model,
                         const optim::Optimizer& optimizer,
                         std::int64_t next_epoch,
                         const History& history);
/// Restores what save_training_state wrote into `model`, `optimizer` and the
/// random generators; returns the next epoch (pass it as FitOptions::initial_epoch)
/// and fills `history`. Validates like load_model.
std::int64_t load_training_state(const std::filesystem::path& path,
                                 nn::Module& model,
                                 optim::Optimizer& optimizer,
                                 History& history);

}  // namespace nabla::train
