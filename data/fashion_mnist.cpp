#include "data/fashion_mnist.h"

#include <cstdint>
#include <optional>
#include <system_error>
#include <utility>

#include "data/idx.h"
#include "tensor/error.h"

namespace nabla::data::datasets {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPackage = "dataset-fashion-mnist";
constexpr std::int64_t kSide = 28;

// The file `name` + ".gz" in `dir`, or else `name` uncompressed; nothing when
// neither exists.
std::optional<fs::path> find_file(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  for (const fs::path& p : {dir / (name + ".gz"), dir / name})
    if (fs::is_regular_file(p, ec)) return p;
  return std::nullopt;
}

fs::path require_file(const fs::path& dir, const std::string& name) {
  std::optional<fs::path> p = find_file(dir, name);
  std::error_code ec;
  NABLA_CHECK(fs::is_directory(dir, ec), "fashion_mnist", "the directory ", dir.string(),
              " does not exist; the Debian package ", kPackage,
              " provides the data set there (apt-get install ", kPackage, ")");
  NABLA_CHECK(p.has_value(), "fashion_mnist", (dir / (name + ".gz")).string(),
              " is missing (nor is ", name, " there); the Debian package ", kPackage,
              " provides it (apt-get install ", kPackage, ")");
  return *p;
}

Dataset load_split(const fs::path& dir,
                   const std::string& prefix,
                   const IdxDatasetOptions& options) {
  const fs::path images = require_file(dir, prefix + "-images-idx3-ubyte");
  const fs::path labels = require_file(dir, prefix + "-labels-idx1-ubyte");
  Dataset d = idx_dataset(images, labels, options);
  const Shape& s = d.sample_shape();
  const bool square = options.flatten ? (s.size() == 1 && s[0] == kSide * kSide)
                                      : (s.size() == 2 && s[0] == kSide && s[1] == kSide);
  NABLA_CHECK(square, "fashion_mnist", images.string(), ": expects 28x28 images, got samples of ",
              s);
  const Tensor& y = d.targets();
  const std::int64_t* label = y.data<std::int64_t>();
  for (std::int64_t i = 0; i < y.numel(); ++i) {
    NABLA_CHECK(label[i] >= 0 && label[i] < 10, "fashion_mnist", labels.string(), ": label ",
                label[i], " of sample ", i, " is outside 0..9");
  }
  return d;
}

}  // namespace

Dataset idx_dataset(const fs::path& images_path,
                    const fs::path& labels_path,
                    const IdxDatasetOptions& options) {
  IdxImages images = read_idx_images(images_path);
  Tensor labels = read_idx_labels(labels_path);
  const std::int64_t n = images.shape[0];
  NABLA_CHECK(n == labels.size(0), "idx_dataset", images_path.string(), " holds ", n,
              " images but ", labels_path.string(), " holds ", labels.size(0), " labels");
  Shape sample(images.shape.begin() + 1, images.shape.end());
  if (options.flatten) sample = Shape{numel(sample)};
  return Dataset::from_bytes(std::move(images.bytes), sample, std::move(labels));
}

FashionMnist fashion_mnist(const fs::path& dir, const IdxDatasetOptions& options) {
  FashionMnist f;
  f.train = load_split(dir, "train", options);
  f.test = load_split(dir, "t10k", options);
  f.class_names.assign(kFashionMnistClasses.begin(), kFashionMnistClasses.end());
  return f;
}

bool fashion_mnist_available(const fs::path& dir) {
  for (const char* name : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
    if (!find_file(dir, name)) return false;
  return true;
}

}  // namespace nabla::data::datasets
