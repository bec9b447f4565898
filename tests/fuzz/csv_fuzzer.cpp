// read_csv on any text with options taken from the input's first three bytes
// (header, delimiter, dtype, missing values, a target of each kind, a
// categorical column encoded either way, chosen columns): only nabla::Error
// may come out, and what is read has the shape the options ask for.

#include <cstdint>
#include <string>

#include "data/csv.h"
#include "fuzz_input.h"

using namespace nabla;

namespace {

data::CsvOptions options_from(fuzz::ByteReader& in) {
  data::CsvOptions o;
  const std::uint8_t a = in.byte(), b = in.byte(), c = in.byte();
  o.header = (a & 1) != 0;
  constexpr char kDelimiters[] = {',', ';', '\t', ' '};
  o.delimiter = kDelimiters[(a >> 1) & 3];
  o.dtype = (a & 8) != 0 ? DType::f64 : DType::f32;
  constexpr data::MissingValues kMissing[] = {
      data::MissingValues::error, data::MissingValues::impute_mean,
      data::MissingValues::impute_median, data::MissingValues::impute_mean};
  o.missing = kMissing[(a >> 4) & 3];
  o.encoding =
      (a & 64) != 0 ? data::CategoricalEncoding::ordinal : data::CategoricalEncoding::one_hot;
  // The target: none, by index, by the name "y" (header only).
  switch (b & 3) {
    case 1:
      o.target = std::int64_t{(b >> 2) & 3};
      break;
    case 2:
      o.target = std::string("y");
      break;
    default:
      break;
  }
  constexpr data::CsvTarget kTargets[] = {data::CsvTarget::numeric, data::CsvTarget::categorical,
                                          data::CsvTarget::class_index, data::CsvTarget::numeric};
  o.target_type = kTargets[(b >> 4) & 3];
  // Categorical: none, column 0, column 1 or the column named "c".
  switch (c & 3) {
    case 1:
      o.categorical = {std::int64_t{0}};
      break;
    case 2:
      o.categorical = {std::int64_t{1}};
      break;
    case 3:
      o.categorical = {std::string("c")};
      break;
    default:
      break;
  }
  // Columns: all but the target, or explicitly 1 then 0.
  if ((c & 4) != 0) o.columns = {std::int64_t{1}, std::int64_t{0}};
  if ((c & 8) != 0) o.missing_markers = {"?"};
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::InputFile input("input.csv");
  fuzz::ByteReader in(data, size);
  const data::CsvOptions options = options_from(in);
  const auto& path = input.write(in.rest(), in.remaining());
  fuzz::expect_only_nabla_errors([&] {
    const data::CsvData csv = data::read_csv(path, options);
    const std::int64_t n = csv.rows();
    fuzz::require(n > 0 && csv.features.dim() == 2, "read_csv returned no rows or not [n, f]");
    fuzz::require(csv.features.size(1) == static_cast<std::int64_t>(csv.feature_names.size()),
                  "read_csv: one feature name per feature column");
    if (options.target) {
      fuzz::require(csv.targets.defined() && csv.targets.size(0) == n,
                    "read_csv: one target per row");
    }
  });
  return 0;
}
