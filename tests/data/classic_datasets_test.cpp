// The loader of scikit-learn's bundled CSV files (shipped by Debian's
// python3-sklearn): a small file in that format written here, every error,
// and the real files when the package is installed.
#include "data/classic_datasets.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "temp_dir.h"
#include "test_util.h"

namespace nabla::data::datasets {
namespace {

using testing::expect_error;
using testing::TempDir;

TEST(ClassicCsv, ReadsTheBundledFormat) {
  TempDir dir;
  const auto path = dir.write("iris.csv",
                              "3,2,setosa,versicolor,virginica\n5.1,3.5,0\n"
                              "7.0,3.2,1\r\n6.3,3.3,2\n");
  const ClassicDataset iris = load_iris(dir.path(), DType::f64);
  EXPECT_EQ(iris.class_names, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(iris.data.size(), 3);
  EXPECT_EQ(iris.data.inputs(DType::f64).to_vector<double>(),
            (std::vector<double>{5.1, 3.5, 7.0, 3.2, 6.3, 3.3}));
  EXPECT_EQ(iris.data.targets().to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_TRUE(classic_dataset_available("iris.csv", dir.path()));
  EXPECT_FALSE(classic_dataset_available("wine_data.csv", dir.path()));
}

TEST(ClassicCsv, Errors) {
  TempDir dir;
  const auto read = [&](const std::string& text) { read_classic_csv(dir.write("f.csv", text)); };
  expect_error([&] { read("3,2\n1,2,0\n"); }, {"read_classic_csv", "line 1"});
  expect_error([&] { read("1,2,a,b\n1,x,0\n"); }, {"read_classic_csv", "line 2", "\"x\""});
  expect_error([&] { read("1,2,a,b\n1,2\n"); }, {"read_classic_csv", "line 2", "3 fields"});
  expect_error([&] { read("1,2,a,b\n1,2,2\n"); }, {"read_classic_csv", "line 2", "[0, 2)"});
  expect_error([&] { read("2,2,a,b\n1,2,1\n"); }, {"read_classic_csv", "announces 2", "holds 1"});
  expect_error([&] { read("1,2,a,b\n1,2,1\n3,4,0\n"); }, {"read_classic_csv", "line 3", "more"});
  expect_error([&] { read(""); }, {"read_classic_csv", "empty"});
  expect_error([&] { load_wine(dir.path() / "missing"); }, {"read_classic_csv", "cannot open"});
}

TEST(ClassicCsv, TheDebianFilesWhenInstalled) {
  if (!classic_dataset_available("breast_cancer.csv")) {
    GTEST_SKIP() << "python3-sklearn is not installed";
  }
  EXPECT_EQ(load_iris().data.size(), 150);
  EXPECT_EQ(load_wine().data.num_features(), 13);
  const ClassicDataset cancer = load_breast_cancer();
  EXPECT_EQ(cancer.data.size(), 569);
  EXPECT_EQ(cancer.class_names, (std::vector<std::string>{"malignant", "benign"}));
}

}  // namespace
}  // namespace nabla::data::datasets
