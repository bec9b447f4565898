// k-fold cross-validation over fit: each fold is held out once while a fresh
// model, built by a factory from the hyperparameters and a seed, trains on
// the other folds; the score is its loss or metric on the held-out fold. The
// mean and standard deviation over the folds estimate how well the
// hyperparameters generalise. The searches of train/search.h call it per
// trial.
//
//   auto cv = train::cross_validate(make_trial, {{"lr", 0.1}}, data,
//                                    {.k = 5, .stratify = true, .metric = "accuracy"});
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "callbacks/monitor.h"
#include "data/dataset.h"
#include "train/fit.h"

namespace nabla::optim {
class Optimizer;
}

namespace nabla::train {

/// Hyperparameter values by name (a hidden size is stored as a double too).
using Params = std::map<std::string, double>;

/// What one fold of one trial trains: a fresh model, its optimizer, the loss
/// and the fit options (its validation options and verbosity are set by
/// cross_validate).
struct TrialSetup {
  std::shared_ptr<nn::Module> model;
  std::shared_ptr<optim::Optimizer> optimizer;
  LossFunction loss;
  FitOptions fit = {};
};

/// Builds a TrialSetup from hyperparameters and a seed. For results that do
/// not depend on timing when folds run on several threads, draw everything
/// random from `seed` (the initializers' Generator, DropoutOptions::seed,
/// FitOptions::seed), never from the default generator.
using TrialFactory = std::function<TrialSetup(const Params& params, std::uint64_t seed)>;

struct CrossValidationOptions {
  /// Folds, 2 <= k <= n.
  std::int64_t k = 5;
  /// Keep each class's share in every fold (i64 class labels as targets).
  bool stratify = false;
  /// Assign rows to folds at random (by seed) rather than in runs.
  bool shuffle = true;
  /// Seeds the folds; fold f's model is built with seed + f (the same for
  /// every trial of a search, so trials differ only by their hyperparameters).
  std::uint64_t seed = 0;
  /// The score: "loss" or the name of a metric (as fit's metrics, e.g.
  /// "accuracy"), evaluated on the held-out fold after training.
  std::string metric = "loss";
  /// Whether a larger score is better; automatic: from the metric's name as
  /// callbacks::Monitor decides (accuracy, auc, f1, ... larger; losses smaller).
  callbacks::MonitorMode mode = callbacks::MonitorMode::automatic;
  /// Early stopping per fold: when > 0, the last validation_fraction of the
  /// fold's (shuffled) training rows is held out from training, and training
  /// stops after this many epochs without a lower validation loss, with the
  /// best epoch's weights restored. The held-out fold itself is never seen
  /// before scoring.
  std::int64_t patience = 0;
  double validation_fraction = 0.2;
  /// Folds (and in a search, trials × folds) trained at once on this many
  /// threads, each with its own model; 1 runs them one after the other. The
  /// results do not depend on it (see TrialFactory).
  int threads = 1;
};

struct CrossValidationResult {
  /// The held-out score of each fold.
  std::vector<double> scores;
  double mean = 0;
  /// The population standard deviation of the scores (as scikit-learn).
  double std = 0;
  /// The epochs each fold trained (fewer than fit's epochs when stopped early).
  std::vector<std::int64_t> epochs;
};

/// Cross-validates the hyperparameters `params` on `data`. Throws
/// nabla::Error naming "cross_validate" for an empty factory, a factory that
/// returns no model, optimizer or loss, k outside [2, n], stratify without
/// i64 labels, patience < 0, validation_fraction outside (0, 1), threads < 1,
/// an unknown metric; errors of fit are rethrown (the first one, after every
/// thread has stopped).
CrossValidationResult cross_validate(const TrialFactory& factory,
                                     const Params& params,
                                     const data::Dataset& data,
                                     const CrossValidationOptions& options = {});

namespace detail {

/// The shared machinery of cross_validate and the searches: the score of
/// every (trial, fold) pair, run on options.threads threads.
std::vector<CrossValidationResult> cross_validate_all(const TrialFactory& factory,
                                                      const std::vector<Params>& trials,
                                                      const data::Dataset& data,
                                                      const CrossValidationOptions& options,
                                                      const char* op);

}  // namespace detail

}  // namespace nabla::train
