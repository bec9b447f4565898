// Hyperparameter search with k-fold cross-validation (train/cross_validate.h):
// grid search over every combination of value lists, random search over
// distributions (choices, uniform, log-uniform for learning rates, integers),
// both returning the trials ranked by their mean held-out score, mean ± std
// over the folds. Deterministic for a seed, whatever the thread count.
//
//   auto result = train::random_search(make_trial, data,
//                                      {{"lr", train::Distribution::log_uniform(1e-4, 1e-1)},
//                                       {"hidden", train::Distribution::choice({16, 64})}},
//                                      {.n_trials = 20, .cv = {.k = 5, .metric = "accuracy"}});
//   train::print_search_result(std::cout, result);
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "train/cross_validate.h"

namespace nabla {
class Generator;
}

namespace nabla::train {

/// A distribution of one hyperparameter for random_search.
class Distribution {
 public:
  /// One of `values`, each as likely. Throws nabla::Error for an empty list.
  static Distribution choice(std::vector<double> values);
  /// Uniform in [low, high). Throws unless low < high, both finite.
  static Distribution uniform(double low, double high);
  /// exp(uniform(ln low, ln high)): each decade as likely, as learning rates
  /// and weight decays need. Throws unless 0 < low < high, both finite.
  static Distribution log_uniform(double low, double high);
  /// An integer in [low, high], each as likely. Throws for low > high.
  static Distribution int_uniform(std::int64_t low, std::int64_t high);

  /// A value drawn from `gen`.
  double sample(Generator& gen) const;

 private:
  enum class Kind { choice, uniform, log_uniform, int_uniform };
  Distribution(Kind kind, std::vector<double> values, double low, double high)
      : kind_(kind), values_(std::move(values)), low_(low), high_(high) {}
  Kind kind_;
  std::vector<double> values_;
  double low_;
  double high_;
};

/// One trial: its hyperparameters, its cross-validation, its rank (1 = best).
struct TrialResult {
  Params params;
  CrossValidationResult cv;
  std::int64_t rank = 0;
};

struct SearchResult {
  /// Best first (by mean score; ties keep the order the trials were made in).
  std::vector<TrialResult> trials;
  /// The score's name and direction.
  std::string metric;
  bool maximize = false;
  const TrialResult& best() const { return trials.at(0); }
};

struct GridSearchOptions {
  CrossValidationOptions cv = {};
};

/// Cross-validates every combination of the values in `grid` (the trials in
/// the order of an odometer over the names in alphabetical order, the last
/// name fastest). Throws nabla::Error naming "grid_search" for an empty grid
/// or an empty list of values, and as cross_validate.
SearchResult grid_search(const TrialFactory& factory,
                         const data::Dataset& data,
                         const std::map<std::string, std::vector<double>>& grid,
                         const GridSearchOptions& options = {});

struct RandomSearchOptions {
  std::int64_t n_trials = 10;
  /// Seeds the draws of the hyperparameters (the folds and models are seeded
  /// by cv.seed).
  std::uint64_t seed = 0;
  CrossValidationOptions cv = {};
};

/// Cross-validates n_trials draws from `space` (trial t's values are the t-th
/// draws, name by name in alphabetical order, from Generator(seed)). Throws
/// nabla::Error naming "random_search" for an empty space or n_trials < 1,
/// and as cross_validate.
SearchResult random_search(const TrialFactory& factory,
                           const data::Dataset& data,
                           const std::map<std::string, Distribution>& space,
                           const RandomSearchOptions& options = {});

/// A table of the ranked trials: rank, each hyperparameter, the score as
/// mean ± std, and the mean epochs trained; `top` rows (0: all).
void print_search_result(std::ostream& out, const SearchResult& result, std::size_t top = 0);

}  // namespace nabla::train
