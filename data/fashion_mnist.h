// Fashion-MNIST (Zalando's 70,000 28x28 grey-level images of clothes in 10
// classes) loaded from the files of the Debian package dataset-fashion-mnist,
// and idx_dataset, which loads any MNIST-style pair of IDX files (images and
// labels) into a Dataset.
//
// The images stay bytes (Dataset::from_bytes): 47 MB for the training set
// instead of 188 MB as f32. Scale them with Dataset::affine or a scaler.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace nabla::data::datasets {

/// Where the Debian package dataset-fashion-mnist installs the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// The ten Fashion-MNIST classes, by label: 0 T-shirt/top, 1 Trouser,
/// 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.
inline constexpr std::array<const char*, 10> kFashionMnistClasses = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

struct IdxDatasetOptions {
  /// true: each sample is one row of features ([784] for 28x28 images);
  /// false: samples keep the shape of the file ([28, 28]).
  bool flatten = true;
};

/// Loads an IDX file of u8 images [n, ...] and an IDX file of integer labels
/// [n] (raw or gzip-compressed, see read_idx) into a byte Dataset with i64
/// targets [n]. Throws nabla::Error when either file is unreadable or invalid
/// (see read_idx_images, read_idx_labels) or when the counts differ
/// ("idx_dataset: <images> holds 10 images but <labels> holds 9 labels").
Dataset idx_dataset(const std::filesystem::path& images_path,
                    const std::filesystem::path& labels_path,
                    const IdxDatasetOptions& options = {});

/// The Fashion-MNIST training and test sets.
struct FashionMnist {
  Dataset train;  ///< 60,000 samples
  Dataset test;   ///< 10,000 samples
  /// kFashionMnistClasses as strings: class_names[label].
  std::vector<std::string> class_names;
};

/// Loads Fashion-MNIST from `dir`: train-images-idx3-ubyte.gz,
/// train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and
/// t10k-labels-idx1-ubyte.gz (each may also be present without ".gz", raw).
/// Inputs are the pixel bytes 0..255 (samples [784], or [28, 28] with
/// .flatten = false); targets are i64 labels in 0..9. Throws nabla::Error
/// naming the missing file and the Debian package dataset-fashion-mnist
/// that provides it, and for invalid files: images that are not 28x28, a
/// label outside 0..9, image and label counts that differ, or any read_idx
/// error.
FashionMnist fashion_mnist(const std::filesystem::path& dir = kFashionMnistDir,
                           const IdxDatasetOptions& options = {});

/// Returns true when the four Fashion-MNIST files (gzip-compressed or raw)
/// are present in `dir`. Their contents are checked only by fashion_mnist().
bool fashion_mnist_available(const std::filesystem::path& dir = kFashionMnistDir);

}  // namespace nabla::data::datasets
