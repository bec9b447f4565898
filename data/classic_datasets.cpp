#include "data/classic_datasets.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>

#include "tensor/error.h"
#include "tensor/factory.h"

namespace nabla::data::datasets {
namespace {

constexpr const char* kOp = "read_classic_csv";

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> fields;
  while (true) {
    const std::size_t comma = line.find(',');
    fields.push_back(line.substr(0, comma));
    if (comma == std::string_view::npos) return fields;
    line.remove_prefix(comma + 1);
  }
}

template <class T>
bool parse(std::string_view text, T& value) {
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

ClassicDataset read_classic_csv(const std::filesystem::path& path, DType dtype) {
  const std::string file = path.string();
  NABLA_CHECK(is_floating(dtype), kOp, file, ": dtype must be f32 or f64, got ", dtype);
  std::ifstream in(path);
  NABLA_CHECK(in.is_open(), kOp, ": cannot open ", file);
  std::string line;
  NABLA_CHECK(static_cast<bool>(std::getline(in, line)), kOp, ": ", file, " is empty");
  const std::vector<std::string_view> head = split(line);
  std::int64_t n = 0, d = 0;
  NABLA_CHECK(
      head.size() >= 3 && parse(head[0], n) && parse(head[1], d) && n > 0 && d > 0 &&
          n <= 10'000'000 && d <= 100'000,
      kOp, ": ", file,
      ": line 1 must be \"samples,features,class names...\" with at least one class, got \"", line,
      "\"");
  ClassicDataset out;
  for (std::size_t k = 2; k < head.size(); ++k) {
    std::string_view name = head[k];
    while (!name.empty() && name.back() == '\r') name.remove_suffix(1);
    out.class_names.emplace_back(name);
  }
  const auto classes = static_cast<std::int64_t>(out.class_names.size());
  std::vector<double> x;
  x.reserve(static_cast<std::size_t>(n * d));
  std::vector<std::int64_t> y;
  std::int64_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    NABLA_CHECK(static_cast<std::int64_t>(y.size()) < n, kOp, ": ", file, ": line ", number,
                ": more than the ", n, " samples line 1 announces");
    const std::vector<std::string_view> fields = split(line);
    NABLA_CHECK(static_cast<std::int64_t>(fields.size()) == d + 1, kOp, ": ", file, ": line ",
                number, ": expected ", d + 1, " fields (", d, " features and a class), got ",
                fields.size());
    for (std::int64_t j = 0; j < d; ++j) {
      double v = 0;
      NABLA_CHECK(parse(fields[j], v) && std::isfinite(v), kOp, ": ", file, ": line ", number,
                  ", field ", j + 1, ": \"", fields[j], "\" is not a finite number");
      x.push_back(v);
    }
    std::int64_t label = -1;
    NABLA_CHECK(parse(fields[d], label) && label >= 0 && label < classes, kOp, ": ", file,
                ": line ", number, ": class \"", fields[d], "\" is not an index in [0, ", classes,
                ")");
    y.push_back(label);
  }
  NABLA_CHECK(static_cast<std::int64_t>(y.size()) == n, kOp, ": ", file, ": line 1 announces ", n,
              " samples, the file holds ", y.size());
  out.data = Dataset(from_vector(x, {n, d}).to(dtype), from_vector(y, {n}));
  return out;
}

ClassicDataset load_iris(const std::filesystem::path& dir, DType dtype) {
  return read_classic_csv(dir / "iris.csv", dtype);
}

ClassicDataset load_wine(const std::filesystem::path& dir, DType dtype) {
  return read_classic_csv(dir / "wine_data.csv", dtype);
}

ClassicDataset load_breast_cancer(const std::filesystem::path& dir, DType dtype) {
  return read_classic_csv(dir / "breast_cancer.csv", dtype);
}

bool classic_dataset_available(const std::string& file, const std::filesystem::path& dir) {
  std::error_code error;
  return std::filesystem::is_regular_file(dir / file, error);
}

}  // namespace nabla::data::datasets
