#include "data/k_fold.h"

#include <algorithm>
#include <numeric>

#include "data/split.h"
#include "tensor/error.h"
#include "tensor/random.h"

namespace nabla::data {

namespace {

// fold_of[i] is the fold whose test part holds row i; the folds follow from it.
std::vector<Fold> folds_from(const std::vector<std::int64_t>& fold_of, std::int64_t k) {
  std::vector<Fold> folds(static_cast<std::size_t>(k));
  for (std::size_t i = 0; i < fold_of.size(); ++i) {
    const auto row = static_cast<std::int64_t>(i);
    for (std::int64_t f = 0; f < k; ++f) {
      auto& fold = folds[static_cast<std::size_t>(f)];
      (fold_of[i] == f ? fold.test : fold.train).push_back(row);
    }
  }
  return folds;
}

std::vector<Fold> k_fold_rows(std::int64_t n,
                              const Tensor* labels,
                              const KFold& options,
                              const char* op) {
  NABLA_CHECK(options.k >= 2, op, "k must be at least 2, got ", options.k);
  NABLA_CHECK(options.k <= n, op, "k = ", options.k, " folds need at least as many samples, got ",
              n);
  Generator gen(options.seed);
  auto permuted = [&](std::vector<std::int64_t> rows) {
    if (!options.shuffle) return rows;
    const std::vector<std::int64_t> perm =
        randperm(static_cast<std::int64_t>(rows.size()), gen).to_vector<std::int64_t>();
    std::vector<std::int64_t> out(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) out[i] = rows[static_cast<std::size_t>(perm[i])];
    return out;
  };
  std::vector<std::int64_t> fold_of(static_cast<std::size_t>(n));
  if (!options.stratify) {
    std::vector<std::int64_t> rows(static_cast<std::size_t>(n));
    std::iota(rows.begin(), rows.end(), std::int64_t{0});
    rows = permuted(std::move(rows));
    // consecutive chunks: the first n mod k folds take one row more
    const std::int64_t base = n / options.k;
    const std::int64_t extra = n % options.k;
    std::int64_t pos = 0;
    for (std::int64_t f = 0; f < options.k; ++f) {
      const std::int64_t size = base + (f < extra ? 1 : 0);
      for (std::int64_t j = 0; j < size; ++j) {
        fold_of[static_cast<std::size_t>(rows[static_cast<std::size_t>(pos++)])] = f;
      }
    }
    return folds_from(fold_of, options.k);
  }
  NABLA_CHECK(labels != nullptr, op,
              "stratify needs class labels: pass the labels or a Dataset, not a count");
  // Dealing the rows class after class to folds 0, 1, ..., k-1, 0, ... keeps
  // both each class's counts and the fold sizes within one of each other.
  std::int64_t next = 0;
  for (auto& rows : rows_by_class(*labels, op)) {
    for (std::int64_t row : permuted(std::move(rows))) {
      fold_of[static_cast<std::size_t>(row)] = next;
      next = (next + 1) % options.k;
    }
  }
  return folds_from(fold_of, options.k);
}

}  // namespace

std::vector<Fold> k_fold(std::int64_t n, const KFold& options) {
  return k_fold_rows(n, nullptr, options, "k_fold");
}

std::vector<Fold> k_fold(const Tensor& labels, const KFold& options) {
  check_defined(labels, "k_fold");
  NABLA_CHECK(labels.dim() >= 1, "k_fold", "labels need a sample dimension, got shape ",
              labels.shape());
  return k_fold_rows(labels.size(0), &labels, options, "k_fold");
}

std::vector<Fold> k_fold(const Dataset& data, const KFold& options) {
  const Tensor& targets = data.targets();
  return k_fold_rows(data.size(), targets.defined() ? &targets : nullptr, options, "k_fold");
}

}  // namespace nabla::data
