// Models as safetensors files: a model's state_dict (parameters and
// buffers by dotted name) with string metadata, and loading it back in place,
// strictly or not.
#pragma once

#include <filesystem>
#include <string_view>

#include "checkpoint/safetensors.h"

namespace nabla::nn {
class Module;
}

namespace nabla::checkpoint {

/// The "format" metadata of a file written by save_model.
inline constexpr std::string_view kModelFormat = "nabla-model";

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

}  // namespace nabla::checkpoint
