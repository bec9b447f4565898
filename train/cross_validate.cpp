#include "train/cross_validate.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <numeric>
#include <thread>
#include <tuple>

#include "callbacks/early_stopping.h"
#include "data/k_fold.h"
#include "nn/module.h"
#include "optim/optimizer.h"
#include "tensor/error.h"
#include "tensor/random.h"

namespace nabla::train {
namespace detail {
namespace {

// One fold's data: the rows it trains on (shuffled when a validation tail is
// cut off them, so the tail is not one run of the data) and the rows it scores.
struct FoldData {
  data::Dataset train;
  data::Dataset test;
};

std::vector<FoldData> make_folds(const data::Dataset& data, const CrossValidationOptions& options) {
  const std::vector<data::Fold> folds = data::k_fold(data, {.k = options.k,
                                                            .shuffle = options.shuffle,
                                                            .seed = options.seed,
                                                            .stratify = options.stratify});
  std::vector<FoldData> out;
  out.reserve(folds.size());
  for (std::size_t f = 0; f < folds.size(); ++f) {
    std::vector<std::int64_t> train_rows = folds[f].train;
    if (options.patience > 0) {
      Generator gen(options.seed + 7919 * (f + 1));
      const Tensor order = randperm(static_cast<std::int64_t>(train_rows.size()), gen);
      const std::vector<std::int64_t> perm = order.to_vector<std::int64_t>();
      std::vector<std::int64_t> shuffled(train_rows.size());
      for (std::size_t i = 0; i < perm.size(); ++i) shuffled[i] = train_rows[perm[i]];
      train_rows = std::move(shuffled);
    }
    out.push_back({data.subset(train_rows), data.subset(folds[f].test)});
  }
  return out;
}

// Trains the fold's fresh model and returns its held-out score and epochs.
std::pair<double, std::int64_t> run_fold(const TrialFactory& factory,
                                         const Params& params,
                                         const FoldData& fold,
                                         std::uint64_t seed,
                                         const CrossValidationOptions& options,
                                         const char* op) {
  TrialSetup setup = factory(params, seed);
  NABLA_CHECK(setup.model != nullptr && setup.optimizer != nullptr && static_cast<bool>(setup.loss),
              op, "the factory must return a model, an optimizer and a loss");
  FitOptions fit_options = setup.fit;
  fit_options.verbose = 0;
  fit_options.validation_data = nullptr;
  fit_options.validation_split = 0;
  if (options.threads > 1) fit_options.threads = 0;  // see docs/reliability.md, Threads
  if (options.patience > 0) {
    fit_options.validation_split = options.validation_fraction;
    fit_options.callbacks.push_back(
        std::make_shared<callbacks::EarlyStopping>(callbacks::EarlyStoppingOptions{
            .patience = options.patience, .restore_best_weights = true}));
  }
  const metrics::History history =
      fit(*setup.model, setup.loss, *setup.optimizer, fold.train, fit_options);
  std::vector<MetricSpec> metrics;
  if (options.metric != "loss") metrics.emplace_back(options.metric);
  const metrics::Logs logs =
      evaluate(*setup.model, setup.loss, fold.test, {.batch_size = 256, .metrics = metrics});
  return {logs.at(options.metric), history.size()};
}

}  // namespace

std::vector<CrossValidationResult> cross_validate_all(const TrialFactory& factory,
                                                      const std::vector<Params>& trials,
                                                      const data::Dataset& data,
                                                      const CrossValidationOptions& options,
                                                      const char* op) {
  NABLA_CHECK(static_cast<bool>(factory), op, "the trial factory is empty");
  NABLA_CHECK(options.patience >= 0, op, "patience must be >= 0 (0: no early stopping), got ",
              options.patience);
  NABLA_CHECK(options.validation_fraction > 0 && options.validation_fraction < 1, op,
              "validation_fraction must be in (0, 1), got ", options.validation_fraction);
  NABLA_CHECK(options.threads >= 1, op, "threads must be >= 1, got ", options.threads);
  NABLA_CHECK(!options.metric.empty(), op, "the metric is empty");
  if (options.metric != "loss") MetricSpec check(options.metric);  // throws for unknown names
  const std::vector<FoldData> folds = make_folds(data, options);

  const std::size_t k = folds.size();
  const std::size_t jobs = trials.size() * k;
  std::vector<double> scores(jobs);
  std::vector<std::int64_t> epochs(jobs);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const auto work = [&] {
    for (std::size_t job = next++; job < jobs; job = next++) {
      {
        const std::lock_guard lock(failure_mutex);
        if (failure) return;
      }
      try {
        const std::size_t fold = job % k;
        std::tie(scores[job], epochs[job]) =
            run_fold(factory, trials[job / k], folds[fold], options.seed + fold, options, op);
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  const std::size_t threads =
      std::min<std::size_t>(static_cast<std::size_t>(options.threads), jobs);
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(work);
    for (std::thread& thread : pool) thread.join();
  }
  if (failure) std::rethrow_exception(failure);

  std::vector<CrossValidationResult> results(trials.size());
  for (std::size_t t = 0; t < trials.size(); ++t) {
    CrossValidationResult& r = results[t];
    r.scores.assign(scores.begin() + t * k, scores.begin() + (t + 1) * k);
    r.epochs.assign(epochs.begin() + t * k, epochs.begin() + (t + 1) * k);
    r.mean = std::accumulate(r.scores.begin(), r.scores.end(), 0.0) / static_cast<double>(k);
    double squares = 0;
    for (const double s : r.scores) squares += (s - r.mean) * (s - r.mean);
    r.std = std::sqrt(squares / static_cast<double>(k));
  }
  return results;
}

}  // namespace detail

CrossValidationResult cross_validate(const TrialFactory& factory,
                                     const Params& params,
                                     const data::Dataset& data,
                                     const CrossValidationOptions& options) {
  return detail::cross_validate_all(factory, {params}, data, options, "cross_validate")[0];
}

}  // namespace nabla::train
