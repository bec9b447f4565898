#include "data/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>

#include "tensor/error.h"
#include "tensor/random.h"

namespace nabla::data {

namespace {

// The size of a held-out part: ceil(fraction · n), except that a product that
// is an integer up to rounding (0.3 · 10 = 3.0000000000000004) is not rounded up.
std::int64_t held_out_count(double fraction, std::int64_t n) {
  const double x = fraction * static_cast<double>(n);
  const double nearest = std::round(x);
  if (std::abs(x - nearest) <= 1e-9 * std::max(1.0, x)) return static_cast<std::int64_t>(nearest);
  return static_cast<std::int64_t>(std::ceil(x));
}

std::vector<std::int64_t> shuffled(std::vector<std::int64_t> rows, Generator& gen) {
  const std::vector<std::int64_t> perm =
      randperm(static_cast<std::int64_t>(rows.size()), gen).to_vector<std::int64_t>();
  std::vector<std::int64_t> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = rows[static_cast<std::size_t>(perm[i])];
  return out;
}

// Distributes `total` rows over the classes in proportion to their sizes,
// sizes[c] · total / n, by largest remainders (ties to the smaller class
// index), never giving class c more than capacity[c]. The caller guarantees
// sum(capacity) >= total.
std::vector<std::int64_t> apportion(const std::vector<std::int64_t>& sizes,
                                    const std::vector<std::int64_t>& capacity,
                                    std::int64_t total,
                                    std::int64_t n) {
  const std::size_t classes = sizes.size();
  std::vector<std::int64_t> count(classes), remainder(classes);
  std::int64_t remaining = total;
  for (std::size_t c = 0; c < classes; ++c) {
    // exact integer quotas: no rounding of n_c · total / n in floating point
    count[c] = std::min(sizes[c] * total / n, capacity[c]);
    remainder[c] = sizes[c] * total % n;
    remaining -= count[c];
  }
  std::vector<std::size_t> order(classes);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  while (remaining > 0) {
    const std::int64_t before = remaining;
    for (std::size_t c : order) {
      if (remaining > 0 && count[c] < capacity[c]) {
        ++count[c];
        --remaining;
      }
    }
    NABLA_CHECK(remaining < before, "split", "cannot place ", remaining, " more rows");
  }
  return count;
}

// Splits n rows into parts[0] = train and parts[1..] with the held-out
// fractions, in that order. `labels` is read only when stratifying.
std::vector<std::vector<std::int64_t>> split_rows(std::int64_t n,
                                                  const Tensor* labels,
                                                  const std::vector<double>& fractions,
                                                  const SplitOptions& options,
                                                  const char* op) {
  double sum = 0;
  for (double f : fractions) {
    NABLA_CHECK(f > 0 && f < 1, op, "fractions must lie in (0, 1), got ", f);
    sum += f;
  }
  NABLA_CHECK(sum < 1, op, "the held-out fractions sum to ", sum, ", leaving no training rows");
  NABLA_CHECK(n >= 0, op, "the number of samples must be non-negative, got ", n);
  std::vector<std::int64_t> counts;
  std::int64_t n_train = n;
  if (options.rounding == SplitRounding::train_down) {
    NABLA_CHECK(fractions.size() == 1, op, "rounding train_down needs a two-way split");
    n_train = static_cast<std::int64_t>(std::floor(static_cast<double>(n) * (1.0 - fractions[0])));
    counts.push_back(n - n_train);
  } else {
    for (double f : fractions) {
      counts.push_back(held_out_count(f, n));
      n_train -= counts.back();
    }
  }
  NABLA_CHECK(n_train >= 1 && n_train < n, op, "splitting ", n, " samples with fractions ", sum,
              " leaves ", n_train, " training rows; every part needs at least one");

  Generator gen(options.seed);
  const std::size_t parts = fractions.size() + 1;
  std::vector<std::vector<std::int64_t>> out(parts);
  if (!options.stratify) {
    std::vector<std::int64_t> rows(static_cast<std::size_t>(n));
    std::iota(rows.begin(), rows.end(), std::int64_t{0});
    if (options.shuffle) rows = shuffled(std::move(rows), gen);
    auto it = rows.begin();
    out[0].assign(it, it + n_train);
    it += n_train;
    for (std::size_t p = 1; p < parts; ++p) {
      out[p].assign(it, it + counts[p - 1]);
      it += counts[p - 1];
    }
    return out;
  }

  NABLA_CHECK(labels != nullptr, op,
              "stratify needs class labels: pass the labels or a Dataset, not a count");
  std::vector<std::vector<std::int64_t>> classes = rows_by_class(*labels, op);
  std::vector<std::int64_t> sizes, capacity;
  for (const auto& rows : classes) sizes.push_back(static_cast<std::int64_t>(rows.size()));
  capacity = sizes;
  // per_class[p][c]: rows of class c in held-out part p (apportioned one part
  // after the other, each within what the earlier parts left of the class)
  std::vector<std::vector<std::int64_t>> per_class;
  for (std::int64_t total : counts) {
    per_class.push_back(apportion(sizes, capacity, total, n));
    for (std::size_t c = 0; c < classes.size(); ++c) capacity[c] -= per_class.back()[c];
  }
  for (std::size_t c = 0; c < classes.size(); ++c) {
    std::vector<std::int64_t> rows = std::move(classes[c]);
    if (options.shuffle) rows = shuffled(std::move(rows), gen);
    auto it = rows.begin();
    out[0].insert(out[0].end(), it, it + capacity[c]);  // what no held-out part took
    it += capacity[c];
    for (std::size_t p = 1; p < parts; ++p) {
      out[p].insert(out[p].end(), it, it + per_class[p - 1][c]);
      it += per_class[p - 1][c];
    }
  }
  // the parts were built class after class: mix the classes again, or restore row order
  for (auto& part : out) {
    if (options.shuffle) {
      part = shuffled(std::move(part), gen);
    } else {
      std::sort(part.begin(), part.end());
    }
  }
  return out;
}

std::int64_t rows_of(const Tensor& labels, const char* op) {
  check_defined(labels, op);
  NABLA_CHECK(labels.dim() >= 1, op, "labels need a sample dimension, got shape ", labels.shape());
  return labels.size(0);
}

}  // namespace

std::vector<std::vector<std::int64_t>> rows_by_class(const Tensor& labels, std::string_view op) {
  check_defined(labels, op);
  NABLA_CHECK(labels.dtype() == DType::i64 && labels.dim() == 1, op,
              "stratifying needs i64 class labels [n], got ", labels.dtype(), " ", labels.shape());
  const std::vector<std::int64_t> values = labels.to_vector<std::int64_t>();
  std::map<std::int64_t, std::vector<std::int64_t>> groups;
  for (std::size_t i = 0; i < values.size(); ++i) {
    groups[values[i]].push_back(static_cast<std::int64_t>(i));
  }
  std::vector<std::vector<std::int64_t>> out;
  out.reserve(groups.size());
  for (auto& [label, rows] : groups) out.push_back(std::move(rows));
  return out;
}

SplitIndices train_test_indices(std::int64_t n, double test_fraction, const SplitOptions& options) {
  auto parts = split_rows(n, nullptr, {test_fraction}, options, "train_test_indices");
  return {std::move(parts[0]), std::move(parts[1])};
}

SplitIndices train_test_indices(const Tensor& labels,
                                double test_fraction,
                                const SplitOptions& options) {
  const std::int64_t n = rows_of(labels, "train_test_indices");
  auto parts = split_rows(n, &labels, {test_fraction}, options, "train_test_indices");
  return {std::move(parts[0]), std::move(parts[1])};
}

TrainTestSplit train_test_split(const Dataset& data,
                                double test_fraction,
                                const SplitOptions& options) {
  const Tensor& targets = data.targets();
  auto parts = split_rows(data.size(), targets.defined() ? &targets : nullptr, {test_fraction},
                          options, "train_test_split");
  return {data.subset(parts[0]), data.subset(parts[1])};
}

ThreeWaySplitIndices train_validation_test_indices(std::int64_t n,
                                                   double validation_fraction,
                                                   double test_fraction,
                                                   const SplitOptions& options) {
  auto parts = split_rows(n, nullptr, {validation_fraction, test_fraction}, options,
                          "train_validation_test_indices");
  return {std::move(parts[0]), std::move(parts[1]), std::move(parts[2])};
}

ThreeWaySplitIndices train_validation_test_indices(const Tensor& labels,
                                                   double validation_fraction,
                                                   double test_fraction,
                                                   const SplitOptions& options) {
  const std::int64_t n = rows_of(labels, "train_validation_test_indices");
  auto parts = split_rows(n, &labels, {validation_fraction, test_fraction}, options,
                          "train_validation_test_indices");
  return {std::move(parts[0]), std::move(parts[1]), std::move(parts[2])};
}

TrainValidationTestSplit train_validation_test_split(const Dataset& data,
                                                     double validation_fraction,
                                                     double test_fraction,
                                                     const SplitOptions& options) {
  const Tensor& targets = data.targets();
  auto parts =
      split_rows(data.size(), targets.defined() ? &targets : nullptr,
                 {validation_fraction, test_fraction}, options, "train_validation_test_split");
  return {data.subset(parts[0]), data.subset(parts[1]), data.subset(parts[2])};
}

}  // namespace nabla::data
