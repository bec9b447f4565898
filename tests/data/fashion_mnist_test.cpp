#include "data/fashion_mnist.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "file_fixtures.h"
#include "test_util.h"

namespace nabla::data::datasets {
namespace {

using namespace test_files;

// A fake Fashion-MNIST: `train` and `test` images of 28x28 noise with the given
// labels, written under the official names (training files gzip-compressed,
// test files raw, as both are accepted).
void write_fake_set(const TempDir& dir,
                    const std::vector<std::uint8_t>& train_labels,
                    const std::vector<std::uint8_t>& test_labels) {
  const auto n_train = static_cast<std::uint32_t>(train_labels.size());
  const auto n_test = static_cast<std::uint32_t>(test_labels.size());
  dir.write("train-images-idx3-ubyte.gz",
            gzip(idx_file(0x08, {n_train, 28, 28}, noise(n_train * 784))));
  dir.write("train-labels-idx1-ubyte.gz", gzip(idx_file(0x08, {n_train}, train_labels)));
  dir.write("t10k-images-idx3-ubyte", idx_file(0x08, {n_test, 28, 28}, noise(n_test * 784)));
  dir.write("t10k-labels-idx1-ubyte", idx_file(0x08, {n_test}, test_labels));
}

TEST(FashionMnist, LoadsAFakeSetWithTheOfficialNames) {
  TempDir dir;
  EXPECT_FALSE(fashion_mnist_available(dir.path()));
  write_fake_set(dir, {9, 0, 3}, {5, 1});
  EXPECT_TRUE(fashion_mnist_available(dir.path()));
  FashionMnist f = fashion_mnist(dir.path());
  EXPECT_EQ(f.train.size(), 3);
  EXPECT_EQ(f.test.size(), 2);
  EXPECT_TRUE(f.train.is_bytes());
  EXPECT_EQ(f.train.sample_shape(), Shape{784});
  EXPECT_EQ(f.train.targets().dtype(), DType::i64);
  EXPECT_EQ(f.train.targets().to_vector<std::int64_t>(), (std::vector<std::int64_t>{9, 0, 3}));
  EXPECT_EQ(f.test.targets().to_vector<std::int64_t>(), (std::vector<std::int64_t>{5, 1}));
  // The inputs are the pixel bytes as written: the first 3 · 784 bytes of noise().
  const Bytes pixels = noise(3 * 784);
  const std::vector<float> x = f.train.inputs().to_vector<float>();
  ASSERT_EQ(x.size(), pixels.size());
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], pixels[i]) << i;
  ASSERT_EQ(f.class_names.size(), 10u);
  EXPECT_EQ(f.class_names[0], "T-shirt/top");
  EXPECT_EQ(f.class_names[5], "Sandal");
  EXPECT_EQ(f.class_names[9], "Ankle boot");
}

TEST(FashionMnist, KeepsTheImageShapeOnRequest) {
  TempDir dir;
  write_fake_set(dir, {1, 2}, {3});
  FashionMnist f = fashion_mnist(dir.path(), {.flatten = false});
  EXPECT_EQ(f.train.sample_shape(), (Shape{28, 28}));
  EXPECT_EQ(f.test.inputs().shape(), (Shape{1, 28, 28}));
}

TEST(FashionMnist, MissingDirectoryOrFileNamesThePackage) {
  TempDir dir;
  const std::filesystem::path missing = dir.path() / "nowhere";
  EXPECT_FALSE(fashion_mnist_available(missing));
  testing::expect_error([&] { fashion_mnist(missing); },
                        {"fashion_mnist", missing.string(), "dataset-fashion-mnist"});
  write_fake_set(dir, {1}, {2});
  std::filesystem::remove(dir.path() / "t10k-labels-idx1-ubyte");
  EXPECT_FALSE(fashion_mnist_available(dir.path()));
  testing::expect_error(
      [&] { fashion_mnist(dir.path()); },
      {"fashion_mnist", "t10k-labels-idx1-ubyte.gz is missing", "dataset-fashion-mnist"});
}

TEST(FashionMnist, RejectsInvalidFiles) {
  TempDir dir;
  write_fake_set(dir, {1, 2}, {3});
  // A label outside 0..9.
  dir.write("t10k-labels-idx1-ubyte", idx_file(0x08, {1}, {10}));
  testing::expect_error(
      [&] { fashion_mnist(dir.path()); },
      {"fashion_mnist", "t10k-labels-idx1-ubyte", "label 10 of sample 0", "outside 0..9"});
  // One label for two images.
  write_fake_set(dir, {1, 2}, {3});
  dir.write("train-labels-idx1-ubyte.gz", gzip(idx_file(0x08, {1}, {4})));
  testing::expect_error([&] { fashion_mnist(dir.path()); },
                        {"idx_dataset", "holds 2 images but", "holds 1 labels"});
  // 27x28 images.
  write_fake_set(dir, {1, 2}, {3});
  dir.write("t10k-images-idx3-ubyte", idx_file(0x08, {1, 27, 28}, noise(27 * 28)));
  testing::expect_error([&] { fashion_mnist(dir.path()); },
                        {"fashion_mnist", "t10k-images-idx3-ubyte", "expects 28x28", "[756]"});
  // A truncated file reports read_idx's error.
  write_fake_set(dir, {1, 2}, {3});
  dir.write("t10k-images-idx3-ubyte", idx_file(0x08, {1, 28, 28}, noise(100)));
  testing::expect_error([&] { fashion_mnist(dir.path()); },
                        {"read_idx", "expects 784 data bytes, file has 100"});
}

TEST(IdxDataset, LoadsAnyMnistStylePair) {
  TempDir dir;
  const Bytes pixels{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const auto images = dir.write("im", idx_file(0x08, {2, 3, 2}, pixels));
  const auto labels = dir.write("lb.gz", gzip(idx_file(0x08, {2}, {7, 4})));
  Dataset d = idx_dataset(images, labels);
  EXPECT_EQ(d.sample_shape(), Shape{6});
  EXPECT_EQ(d.inputs().to_vector<float>(),
            (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(d.targets().to_vector<std::int64_t>(), (std::vector<std::int64_t>{7, 4}));
  EXPECT_EQ(idx_dataset(images, labels, {.flatten = false}).sample_shape(), (Shape{3, 2}));
  testing::expect_error([&] { idx_dataset(labels, labels); }, {"read_idx_images", "at least 2"});
  testing::expect_error([&] { idx_dataset(images, images); }, {"read_idx_labels", "1 dim"});
}

// The installed data set, when present. The reference values were read with
// Python's gzip module, independently of nabla:
//   python3 -c 'import gzip; d = "/usr/share/datasets/fashion-mnist/";
//     l = gzip.open(d + "train-labels-idx1-ubyte.gz").read();
//     t = gzip.open(d + "t10k-labels-idx1-ubyte.gz").read();
//     i = gzip.open(d + "train-images-idx3-ubyte.gz").read();
//     print(l[8], t[8], t[-1], sum(i[16:16 + 784]), i[16 + 14 * 28 + 14])'
// prints 9 9 5 76247 217: the first training label (Ankle boot), the first and
// last test labels, the pixel sum of the first training image and its pixel
// (row 14, column 14). Every class has 6,000 training and 1,000 test images.
TEST(FashionMnist, RealDataSet) {
  if (!fashion_mnist_available()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  FashionMnist f = fashion_mnist();
  ASSERT_EQ(f.train.size(), 60000);
  ASSERT_EQ(f.test.size(), 10000);
  EXPECT_EQ(f.train.sample_shape(), Shape{784});
  for (const auto& [set, per_class] : {std::pair{&f.train, 6000}, std::pair{&f.test, 1000}}) {
    std::vector<int> counts(10, 0);
    for (std::int64_t label : set->targets().to_vector<std::int64_t>()) ++counts[label];
    EXPECT_EQ(counts, std::vector<int>(10, per_class));
  }
  const std::vector<std::int64_t> train_labels = f.train.targets().to_vector<std::int64_t>();
  const std::vector<std::int64_t> test_labels = f.test.targets().to_vector<std::int64_t>();
  EXPECT_EQ(train_labels.front(), 9);
  EXPECT_EQ(test_labels.front(), 9);
  EXPECT_EQ(test_labels.back(), 5);
  const std::vector<double> first = f.train.batch(0, 1, DType::f64).inputs.to_vector<double>();
  double sum = 0;
  for (double v : first) sum += v;
  EXPECT_EQ(sum, 76247);
  EXPECT_EQ(first[14 * 28 + 14], 217);
}

}  // namespace
}  // namespace nabla::data::datasets
