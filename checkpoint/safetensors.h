// The safetensors file format: an 8-byte little-endian header length, a JSON
// header {"name": {"dtype", "shape", "data_offsets"}, ..., "__metadata__":
// {string: string}}, then the raw little-endian tensor data. The files open in
// Python (safetensors, numpy) without nabla. Writes are atomic (a temporary
// file renamed over the target); reads validate every field before
// allocating. Models and training states are stored in this format by
// checkpoint/model_file.h and checkpoint/training_state.h.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "tensor/state_dict.h"

namespace nabla::checkpoint {

/// The string metadata of a safetensors file ("__metadata__").
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
/// directory, flushed to disk and renamed over `path`, then the directory is
/// flushed, so `path` is always either the old file or the complete new one,
/// also after a crash of the process or the machine; on failure the temporary
/// file is removed, and the next save of `path` removes those of killed
/// writers. Throws nabla::Error naming the path for an undefined tensor, a
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

}  // namespace nabla::checkpoint
