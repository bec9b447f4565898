// Checkpoints in the safetensors format: an 8-byte little-endian header
// length, a JSON header {"name": {"dtype", "shape", "data_offsets"}, ...,
// "__metadata__": {string: string}}, then the raw little-endian tensor data.
// The files open in Python (safetensors, numpy) without nabla. Writes are
// atomic (a temporary file renamed over the target); reads validate every
// field before allocating. The format itself is in safetensors.cpp, the
// model and training-state layer in checkpoint.cpp.
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

/// Writes `tensors` (f32, f64, i64 as "F32", "F64", "I64"; any strides,
/// written row-major) and `metadata` to `path`. The header is compact JSON,
/// "__metadata__" first (omitted when empty), then the tensors in their order
/// with contiguous data_offsets, padded with spaces to a multiple of 8 bytes.
/// Atomic: the file is written as "<path>.tmp-<pid>-<n>" in the same
/// directory, flushed to disk and renamed over `path`, so `path` is always
/// either the old file or the complete new one; on failure the temporary file
/// is removed. Throws nabla::Error naming the path for an undefined tensor, a
/// tensor named "__metadata__", a name or metadata string that is not valid
/// UTF-8, or an I/O failure (with the system's reason).
void save_safetensors(const std::filesystem::path& path,
                      const StateDict& tensors,
                      const Metadata& metadata = {});

/// Reads a safetensors file; the tensors come out contiguous, in the order of
/// their offsets. Nothing is allocated before the whole header is checked.
/// Throws nabla::Error ("load_safetensors: <path>: ...") for a missing file,
/// fewer than 8 bytes, a header length above 100,000,000 bytes or beyond the
/// file, a header that is not a JSON object (or has duplicate keys). All
/// problems of the entries are listed in one error: fields other than exactly
/// dtype / shape / data_offsets or of the wrong JSON type, a dtype nabla
/// cannot hold (F16, BF16, U8, ... named as such) or an unknown one, negative
/// or non-integer dims, more than 8 dims, a shape whose byte size overflows or
/// differs from end − begin, offsets out of bounds, overlapping or leaving
/// gaps in the data buffer, non-string metadata values.
SafetensorsFile load_safetensors(const std::filesystem::path& path);

/// Saves model.state_dict() (parameters and buffers by dotted name) with
/// `metadata` plus "format": "nabla-model" (which replaces a "format" given
/// in `metadata`). Throws like save_safetensors.
void save_model(const std::filesystem::path& path,
                const nn::Module& model,
                const Metadata& metadata = {});
/// Loads a file written by save_model (or any safetensors file with the
/// model's keys, or the "model.*" part of a file written by
/// save_training_state) into `model`, in place (handles held by an optimizer see the
/// new values). Strict: every missing, unexpected, dtype- or shape-mismatched
/// key is listed in one nabla::Error ("load_model: <path>: ...") and nothing
/// is changed. Non-strict: the keys both have are loaded, the others ignored;
/// a dtype or shape mismatch among them still throws. Throws like
/// load_safetensors for an invalid file. Returns the file's metadata.
Metadata load_model(const std::filesystem::path& path, nn::Module& model, bool strict = true);

/// Everything needed to continue training exactly where it stopped: the model,
/// the optimizer state, the next epoch, the History so far, and the states of
/// the random generators training draws from (the default generator and each
/// Dropout's own). Tensors: "model.<key>" for model.state_dict(),
/// "optimizer.<key>" for optimizer.state_dict(). Metadata: "format":
/// "nabla-training-state", "optimizer" (its name), "next_epoch" (decimal),
/// "history" (JSON {"epochs": [...], "logs": [{key: value}, ...]}, values
/// exact; NaN and infinities as the strings "NaN", "Infinity", "-Infinity"),
/// "generators" (JSON {"default": {"seed", "offset"}, "modules": {"<path of
/// a Dropout with its own generator>": {"seed", "offset"}}}). Throws
/// nabla::Error for next_epoch < 0 and like save_safetensors.
void save_training_state(const std::filesystem::path& path,
                         const nn::Module& model,
                         const optim::Optimizer& optimizer,
                         std::int64_t next_epoch,
                         const History& history);
/// Restores what save_training_state wrote into `model`, `optimizer` and the
/// random generators; returns the next epoch (pass it as FitOptions::initial_epoch)
/// and replaces `history` with the saved one. Throws nabla::Error
/// ("load_training_state: <path>: ...") listing every metadata problem (wrong
/// format, another optimizer, missing or malformed entries, a Dropout of the
/// model without saved generator state or a saved one the model lacks) and
/// tensors outside model.* / optimizer.*; then the model's mismatches as
/// load_model (strict), then the optimizer's. On any failure the model, the
/// optimizer, the generators and `history` are left as they were.
std::int64_t load_training_state(const std::filesystem::path& path,
                                 nn::Module& model,
                                 optim::Optimizer& optimizer,
                                 History& history);

}  // namespace nabla::train
