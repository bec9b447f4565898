#include "checkpoint/model_file.h"

#include <string>
#include <utility>

#include "checkpoint/training_state.h"
#include "nn/module.h"
#include "tensor/error.h"

namespace nabla::checkpoint {

void save_model(const std::filesystem::path& path,
                const nn::Module& model,
                const Metadata& metadata) {
  Metadata meta = metadata;
  meta["format"] = kModelFormat;
  save_safetensors(path, model.state_dict(), meta);
}

Metadata load_model(const std::filesystem::path& path, nn::Module& model, bool strict) {
  SafetensorsFile file = load_safetensors(path);
  auto format = file.metadata.find("format");
  if (format != file.metadata.end() && format->second == kTrainingStateFormat) {
    // The model part of a training state (the weights to evaluate or deploy).
    StateDict model_state;
    for (const auto& [key, value] : file.tensors) {
      if (!key.starts_with(kModelPrefix)) continue;
      NABLA_CHECK(key.size() > kModelPrefix.size(), "load_model", path.string(), ": tensor '", key,
                  "' has an empty name after its prefix");
      model_state.insert(key.substr(kModelPrefix.size()), value);
    }
    file.tensors = std::move(model_state);
  }
  try {
    model.load_state_dict(file.tensors, strict);
  } catch (const Error& e) {
    // Module::load_state_dict's message, prefixed with the file at fault.
    nabla::detail::throw_error("load_model", path.string(), ": ", e.what());
  }
  return std::move(file.metadata);
}

}  // namespace nabla::checkpoint
