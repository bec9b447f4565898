#include "train/search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <numeric>
#include <ostream>

#include "tensor/error.h"
#include "tensor/random.h"

namespace nabla::train {

Distribution Distribution::choice(std::vector<double> values) {
  NABLA_CHECK(!values.empty(), "Distribution::choice", "the list of values is empty");
  return Distribution(Kind::choice, std::move(values), 0, 0);
}

Distribution Distribution::uniform(double low, double high) {
  NABLA_CHECK(std::isfinite(low) && std::isfinite(high) && low < high, "Distribution::uniform",
              "need finite low < high, got [", low, ", ", high, ")");
  return Distribution(Kind::uniform, {}, low, high);
}

Distribution Distribution::log_uniform(double low, double high) {
  NABLA_CHECK(std::isfinite(low) && std::isfinite(high) && low > 0 && low < high,
              "Distribution::log_uniform", "need finite 0 < low < high, got [", low, ", ", high,
              ")");
  return Distribution(Kind::log_uniform, {}, low, high);
}

Distribution Distribution::int_uniform(std::int64_t low, std::int64_t high) {
  NABLA_CHECK(low <= high, "Distribution::int_uniform", "need low <= high, got [", low, ", ", high,
              "]");
  return Distribution(Kind::int_uniform, {}, static_cast<double>(low), static_cast<double>(high));
}

double Distribution::sample(Generator& gen) const {
  const double u = rand({1}, gen, DType::f64).item<double>();  // [0, 1)
  switch (kind_) {
    case Kind::choice:
      return values_[std::min(values_.size() - 1,
                              static_cast<std::size_t>(u * static_cast<double>(values_.size())))];
    case Kind::uniform:
      return low_ + u * (high_ - low_);
    case Kind::log_uniform:
      return std::exp(std::log(low_) + u * (std::log(high_) - std::log(low_)));
    case Kind::int_uniform:
      return std::min(high_, std::floor(low_ + u * (high_ - low_ + 1)));
  }
  return low_;
}

namespace {

SearchResult rank(const std::vector<Params>& trials,
                  std::vector<CrossValidationResult> cv,
                  const CrossValidationOptions& options) {
  SearchResult result;
  result.metric = options.metric;
  result.maximize = callbacks::Monitor(options.metric, options.mode, 0, "search").maximize();
  for (std::size_t t = 0; t < trials.size(); ++t) {
    result.trials.push_back({trials[t], std::move(cv[t]), 0});
  }
  // NaN scores (a diverged trial) rank last.
  const auto better = [&](const TrialResult& a, const TrialResult& b) {
    const double x = a.cv.mean, y = b.cv.mean;
    if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
    return result.maximize ? x > y : x < y;
  };
  std::stable_sort(result.trials.begin(), result.trials.end(), better);
  for (std::size_t i = 0; i < result.trials.size(); ++i) {
    result.trials[i].rank = static_cast<std::int64_t>(i + 1);
  }
  return result;
}

}  // namespace

SearchResult grid_search(const TrialFactory& factory,
                         const data::Dataset& data,
                         const std::map<std::string, std::vector<double>>& grid,
                         const GridSearchOptions& options) {
  NABLA_CHECK(!grid.empty(), "grid_search", "the grid is empty");
  std::vector<Params> trials = {Params{}};
  for (const auto& [name, values] : grid) {
    NABLA_CHECK(!values.empty(), "grid_search", "no values for '", name, "'");
    std::vector<Params> next;
    for (const Params& partial : trials) {
      for (const double v : values) {
        Params p = partial;
        p[name] = v;
        next.push_back(std::move(p));
      }
    }
    trials = std::move(next);
  }
  return rank(trials, detail::cross_validate_all(factory, trials, data, options.cv, "grid_search"),
              options.cv);
}

SearchResult random_search(const TrialFactory& factory,
                           const data::Dataset& data,
                           const std::map<std::string, Distribution>& space,
                           const RandomSearchOptions& options) {
  NABLA_CHECK(!space.empty(), "random_search", "the search space is empty");
  NABLA_CHECK(options.n_trials >= 1, "random_search", "n_trials must be >= 1, got ",
              options.n_trials);
  Generator gen(options.seed);
  std::vector<Params> trials(static_cast<std::size_t>(options.n_trials));
  for (Params& p : trials) {
    for (const auto& [name, distribution] : space) p[name] = distribution.sample(gen);
  }
  return rank(trials,
              detail::cross_validate_all(factory, trials, data, options.cv, "random_search"),
              options.cv);
}

void print_search_result(std::ostream& out, const SearchResult& result, std::size_t top) {
  if (result.trials.empty()) return;
  const std::size_t rows = top == 0 ? result.trials.size() : std::min(top, result.trials.size());
  std::vector<std::string> names;
  for (const auto& [name, value] : result.trials[0].params) names.push_back(name);
  const auto number = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", v);
    return std::string(buffer);
  };
  std::vector<int> widths;
  for (const std::string& name : names) {
    std::size_t w = name.size();
    for (std::size_t r = 0; r < rows; ++r) {
      w = std::max(w, number(result.trials[r].params.at(name)).size());
    }
    widths.push_back(static_cast<int>(w) + 2);
  }
  const std::string score =
      result.metric + (result.maximize ? " (higher is better)" : " (lower is better)");
  out << std::setw(4) << "rank";
  for (std::size_t i = 0; i < names.size(); ++i) out << std::setw(widths[i]) << names[i];
  out << "   " << std::left << std::setw(22) << (result.metric + " mean ± std") << std::right
      << std::setw(8) << "epochs" << '\n';
  for (std::size_t r = 0; r < rows; ++r) {
    const TrialResult& trial = result.trials[r];
    out << std::setw(4) << trial.rank;
    for (std::size_t i = 0; i < names.size(); ++i) {
      out << std::setw(widths[i]) << number(trial.params.at(names[i]));
    }
    char cell[64];
    std::snprintf(cell, sizeof cell, "%.4f ± %.4f", trial.cv.mean, trial.cv.std);
    const double epochs = std::accumulate(trial.cv.epochs.begin(), trial.cv.epochs.end(), 0.0) /
                          static_cast<double>(std::max<std::size_t>(trial.cv.epochs.size(), 1));
    // "±" is two bytes but one column: pad by one more.
    out << "   " << std::left << std::setw(23) << cell << std::right << std::setw(7)
        << number(epochs) << '\n';
  }
  out << "(score: " << score << ", over " << result.trials[0].cv.scores.size() << " folds)\n";
}

}  // namespace nabla::train
