// The small classic data sets that Debian ships as files: Iris (150 flowers,
// 4 features, 3 species), Wine (178 wines, 13 features, 3 cultivars) and
// Breast Cancer Wisconsin (569 tumours, 30 features, malignant/benign), the
// copies bundled with scikit-learn, which Debian's python3-sklearn package
// installs under /usr/lib/python3/dist-packages/sklearn/datasets/data (they
// were found by listing that package's files). nabla does not depend on the
// package: a program checks classic_dataset_available() and falls back to
// synthetic data, as the examples do.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace nabla::data::datasets {

/// Where Debian's python3-sklearn installs scikit-learn's bundled data files.
inline constexpr const char* kSklearnDataDir =
    "/usr/lib/python3/dist-packages/sklearn/datasets/data";

/// A classic data set: floating features [n, d], i64 class labels [n], and
/// the class names (class_names[label]).
struct ClassicDataset {
  Dataset data;
  std::vector<std::string> class_names;
};

/// Reads a file in scikit-learn's bundled format: a first line
/// "n,d,name_0,name_1,..." (samples, features, class names), then n lines of
/// d numbers and a class index in [0, number of names). Throws nabla::Error
/// naming "read_classic_csv", the file and the line for an unreadable file, a
/// malformed first line, a field that is not a number, a line with a wrong
/// field count, a class index out of range, or fewer or more than n lines.
ClassicDataset read_classic_csv(const std::filesystem::path& path, DType dtype = DType::f32);

/// "iris.csv", "wine_data.csv" or "breast_cancer.csv" under `dir`.
ClassicDataset load_iris(const std::filesystem::path& dir = kSklearnDataDir,
                         DType dtype = DType::f32);
ClassicDataset load_wine(const std::filesystem::path& dir = kSklearnDataDir,
                         DType dtype = DType::f32);
/// Labels: 0 malignant, 1 benign (the file's order).
ClassicDataset load_breast_cancer(const std::filesystem::path& dir = kSklearnDataDir,
                                  DType dtype = DType::f32);

/// True when `file` ("iris.csv", ...) exists under `dir`.
bool classic_dataset_available(const std::string& file,
                               const std::filesystem::path& dir = kSklearnDataDir);

}  // namespace nabla::data::datasets
