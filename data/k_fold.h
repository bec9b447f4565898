// k-fold cross-validation: the rows of n samples cut into k folds, each fold
// once the test rows while the other k − 1 folds train; optionally shuffled
// with a seed and stratified (each fold keeps the class proportions).
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"
#include "tensor/tensor.h"

namespace nabla::data {

/// The options of k_fold.
struct KFold {
  /// The number of folds, 2 <= k <= n.
  std::int64_t k = 5;
  /// Assign the rows to folds at random (by `seed`); otherwise fold i holds
  /// consecutive rows.
  bool shuffle = false;
  std::uint64_t seed = 0;
  /// Give each fold the same share of every class (i64 class labels [n]).
  bool stratify = false;
};

/// The rows of one fold: `test` is the fold, `train` every other row; both ascending.
struct Fold {
  std::vector<std::int64_t> train;
  std::vector<std::int64_t> test;
};

/// The k folds of n samples. Without stratify, the first n mod k folds have
/// floor(n/k) + 1 rows and the others floor(n/k), as scikit-learn's KFold.
/// Every row is in exactly one test fold. Throws nabla::Error for k < 2,
/// k > n, or options.stratify (a count has no labels).
std::vector<Fold> k_fold(std::int64_t n, const KFold& options = {});

/// The k folds of the samples of `labels` (i64 [n] class labels when
/// stratifying; otherwise only its length is used). Stratified, the rows of
/// each class (shuffled when options.shuffle) are dealt to the folds in turn,
/// class after class, so a class's count differs by at most one between folds
/// and so do the fold sizes. Throws like k_fold(n), and for stratify on labels
/// that are not i64 [n].
std::vector<Fold> k_fold(const Tensor& labels, const KFold& options = {});

/// The k folds of `data`, stratified by data.targets() when options.stratify.
std::vector<Fold> k_fold(const Dataset& data, const KFold& options = {});

}  // namespace nabla::data
