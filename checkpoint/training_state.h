// Training states as safetensors files: everything needed to continue
// training exactly where it stopped (the model, the optimizer state, the next
// epoch, the History and the random generators' states), and restoring it so
// that nothing is changed when anything is wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "metrics/history.h"

namespace nabla::nn {
class Module;
}
namespace nabla::optim {
class Optimizer;
}

namespace nabla::checkpoint {

/// The "format" metadata of a file written by save_training_state, and the
/// prefixes of its tensors: the model's state_dict under "model.", the
/// optimizer's under "optimizer.".
inline constexpr std::string_view kTrainingStateFormat = "nabla-training-state";
inline constexpr std::string_view kModelPrefix = "model.";
inline constexpr std::string_view kOptimizerPrefix = "optimizer.";

/// Everything needed to continue training exactly where it stopped: the model,
/// the optimizer state, the next epoch, the History so far, and the states of
/// the random generators training draws from (the default generator and those
/// the model's modules list in Module::named_generators, e.g. a seeded
/// Dropout's). Tensors: "model.<key>" for model.state_dict(),
/// "optimizer.<key>" for optimizer.state_dict(). Metadata: "format":
/// "nabla-training-state", "optimizer" (its name), "next_epoch" (decimal),
/// "history" (JSON {"epochs": [...], "logs": [{key: value}, ...]}, values
/// exact; NaN and infinities as the strings "NaN", "Infinity", "-Infinity"),
/// "generators" (JSON {"default": {"seed", "offset"}, "modules": {"<module
/// path>": {"seed", "offset"}}}, a generator with a name under "<module
/// path>.<name>"). Throws
/// nabla::Error for next_epoch < 0 and like save_safetensors.
void save_training_state(const std::filesystem::path& path,
                         const nn::Module& model,
                         const optim::Optimizer& optimizer,
                         std::int64_t next_epoch,
                         const metrics::History& history);
/// Restores what save_training_state wrote into `model`, `optimizer` and the
/// random generators; returns the next epoch (pass it as train::FitOptions::initial_epoch)
/// and replaces `history` with the saved one. Throws nabla::Error
/// ("load_training_state: <path>: ...") listing every metadata problem (wrong
/// format, another optimizer, missing or malformed entries, a generator of
/// the model without saved state or a saved one the model lacks) and
/// tensors outside model.* / optimizer.*; then the model's mismatches as
/// load_model (strict), then the optimizer's. On any failure the model, the
/// optimizer, the generators and `history` are left as they were.
std::int64_t load_training_state(const std::filesystem::path& path,
                                 nn::Module& model,
                                 optim::Optimizer& optimizer,
                                 metrics::History& history);

}  // namespace nabla::checkpoint
