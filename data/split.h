// Splits of a Dataset into a training part and held-out parts: train/test and
// train/validation/test, at random or in order, optionally stratified (each
// class keeps its proportion in every part). Index-returning variants give the
// rows only, for data kept elsewhere. k-fold cross-validation is in k_fold.h.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "data/dataset.h"
#include "tensor/tensor.h"

namespace nabla::data {

/// How a two-way split turns its fraction into a number of rows.
enum class SplitRounding {
  /// The held-out part has ceil(fraction · n) rows (scikit-learn's rule).
  held_out_up,
  /// The training part has floor((1 − fraction) · n) rows and the held-out
  /// part the rest (Keras's validation_split).
  train_down,
};

struct SplitOptions {
  /// Draw the parts at random; otherwise the parts are consecutive rows
  /// (training rows first, the test rows last).
  bool shuffle = true;
  /// The seed of the random draw (the parts depend on it only).
  std::uint64_t seed = 0;
  /// Keep the proportion of each class in every part; needs i64 class labels [n].
  bool stratify = false;
  /// The size rule of a two-way split; the three-way splits take
  /// held_out_up only.
  SplitRounding rounding = SplitRounding::held_out_up;
};

/// Row indices of a two-way split.
struct SplitIndices {
  std::vector<std::int64_t> train;
  std::vector<std::int64_t> test;
};

/// Row indices of a three-way split.
struct ThreeWaySplitIndices {
  std::vector<std::int64_t> train;
  std::vector<std::int64_t> validation;
  std::vector<std::int64_t> test;
};

struct TrainTestSplit {
  Dataset train;
  Dataset test;
};

struct TrainValidationTestSplit {
  Dataset train;
  Dataset validation;
  Dataset test;
};

/// Splits `data` into a training and a test part with
///   n_test = ceil(test_fraction · n) rows and n_train = n − n_test,
/// as scikit-learn's train_test_split (with options.rounding train_down:
/// n_train = floor((1 − test_fraction) · n) and n_test = n − n_train, as
/// Keras's validation_split). With options.stratify the class labels
/// are data.targets() and class c of n_c rows puts about n_c · n_test / n rows
/// in the test part (largest remainders, so the total is exactly n_test).
/// Shuffled parts are in random order; unshuffled ones keep the row order.
/// Throws nabla::Error for test_fraction outside (0, 1), an empty part, or
/// stratify on targets that are not i64 labels [n].
TrainTestSplit train_test_split(const Dataset& data,
                                double test_fraction,
                                const SplitOptions& options = {});

/// The rows of train_test_split for n samples (options.stratify must be false:
/// there are no labels). Throws like train_test_split.
SplitIndices train_test_indices(std::int64_t n,
                                double test_fraction,
                                const SplitOptions& options = {});

/// The rows of train_test_split for the samples of `labels` (i64 [n]; read only
/// with options.stratify, otherwise only its length is used).
SplitIndices train_test_indices(const Tensor& labels,
                                double test_fraction,
                                const SplitOptions& options = {});

/// Splits `data` three ways with n_val = ceil(validation_fraction · n),
/// n_test = ceil(test_fraction · n) and n_train = n − n_val − n_test rows;
/// unshuffled, the parts are consecutive rows in the order train, validation,
/// test. Stratified as train_test_split, part by part. Throws nabla::Error for
/// a fraction outside (0, 1), fractions summing to 1 or more, an empty part,
/// stratify on targets that are not i64 labels [n], or options.rounding
/// train_down.
TrainValidationTestSplit train_validation_test_split(const Dataset& data,
                                                     double validation_fraction,
                                                     double test_fraction,
                                                     const SplitOptions& options = {});

/// The rows of train_validation_test_split for n samples (no stratify).
ThreeWaySplitIndices train_validation_test_indices(std::int64_t n,
                                                   double validation_fraction,
                                                   double test_fraction,
                                                   const SplitOptions& options = {});

/// The rows of train_validation_test_split for the samples of `labels` (i64 [n]).
ThreeWaySplitIndices train_validation_test_indices(const Tensor& labels,
                                                   double validation_fraction,
                                                   double test_fraction,
                                                   const SplitOptions& options = {});

/// The rows of each class of the i64 labels [n], classes in ascending label
/// order, rows ascending within a class. Throws nabla::Error, naming `op`, for
/// labels that are not i64 of rank 1.
std::vector<std::vector<std::int64_t>> rows_by_class(const Tensor& labels, std::string_view op);

}  // namespace nabla::data
