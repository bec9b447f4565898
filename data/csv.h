// read_csv: a table of comma-separated values read into feature and target
// Tensors, with chosen columns, strict numeric parsing, categorical columns
// encoded as ordinal codes or one-hot indicators, and missing values reported
// or imputed.
//
// The file format is RFC 4180's: fields separated by the delimiter, records by
// LF or CRLF; a field in double quotes may hold the delimiter, line breaks and
// doubled quotes (""); blank lines at the end and a UTF-8 byte order mark at
// the start are ignored. Every record must have as many fields as the first.
// Errors name the file, the line and the column:
// "read_csv: data.csv: line 4, column 'price': \"1.5x\" is not a number".
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "data/dataset.h"

namespace nabla::data {

/// A column, by its header name or by its 0-based position in the file.
using CsvColumn = std::variant<std::string, std::int64_t>;

/// How a categorical feature column becomes numbers. Its categories are the
/// distinct texts of the column, sorted (byte-wise), or the order given in
/// CsvOptions::category_order.
enum class CategoricalEncoding {
  ordinal,  ///< one feature: the category's index in the sorted list (0, 1, ...)
  one_hot   ///< one 0/1 feature per category, named "column=category"
};

/// What happens to a missing value (a field equal to one of the missing markers).
enum class MissingValues {
  error,          ///< throw nabla::Error naming the file, line and column
  impute_mean,    ///< numeric columns: the mean of the column's present values
  impute_median,  ///< numeric columns: their median (mean of the two middle ones if even)
};

/// What the target column becomes.
enum class CsvTarget {
  numeric,      ///< floating targets [n, 1] in CsvOptions::dtype
  categorical,  ///< i64 class labels [n]: indices into the sorted class names
  class_index   ///< i64 class labels [n] written as integers >= 0 in the file
};

struct CsvOptions {
  /// The first record holds the column names. Without a header, columns are
  /// named by their position ("0", "1", ...) and can be chosen only by index.
  bool header = true;
  char delimiter = ',';
  /// The feature columns, in this order; empty: every column but the target,
  /// in file order.
  std::vector<CsvColumn> columns = {};
  /// The target column, if any.
  std::optional<CsvColumn> target = std::nullopt;
  CsvTarget target_type = CsvTarget::numeric;
  /// Feature columns holding categories (text) instead of numbers.
  std::vector<CsvColumn> categorical = {};
  CategoricalEncoding encoding = CategoricalEncoding::one_hot;
  /// The categories of a categorical column (a feature, or a categorical
  /// target) in a meaningful order, by column name: {"size", {"low",
  /// "medium", "high"}} codes low 0, medium 1, high 2 (ordinal encoding,
  /// class labels) and orders its one-hot indicators. Categories listed but
  /// absent from the file keep their code; a field not in the list is an
  /// error naming its line. Columns not listed are sorted.
  std::map<std::string, std::vector<std::string>> category_order = {};
  /// Fields that mean "missing" (compared after trimming spaces). "NaN", "inf"
  /// and other non-finite numbers are errors unless listed here.
  std::vector<std::string> missing_markers = {"", "NA", "nan"};
  /// Missing features: an error, or imputed (numeric columns by mean or
  /// median; categorical columns by their most frequent category, the first
  /// in sorted order on a tie). A missing target is always an error.
  MissingValues missing = MissingValues::error;
  /// The dtype of the features and of numeric targets: f32 or f64.
  DType dtype = DType::f32;
};

/// The contents of a CSV file as Tensors.
struct CsvData {
  /// [n, num_features] in CsvOptions::dtype.
  Tensor features;
  /// [n, 1] floating (CsvTarget::numeric) or [n] i64; undefined without a target.
  Tensor targets;
  /// One name per feature column of `features`: the header name, or
  /// "column=category" for a one-hot indicator.
  std::vector<std::string> feature_names;
  /// The name of the target column (empty without a target).
  std::string target_name;
  /// The class names of a categorical target, sorted (or as given in
  /// category_order): class_names[label].
  std::vector<std::string> class_names;
  /// The categories of each categorical feature column (sorted, or as given
  /// in category_order), by column name: the ordinal code of
  /// categories.at("color")[k] is k.
  std::map<std::string, std::vector<std::string>> categories;
  /// The number of rows read.
  std::int64_t rows() const { return features.defined() ? features.size(0) : 0; }

  /// Returns Dataset(features, targets). Throws nabla::Error when there is no target.
  Dataset dataset() const;
};

/// Reads the CSV file at `path`. Throws nabla::Error "read_csv: <path>: ..."
/// when the file cannot be opened, is empty or has a header but no data rows; a quote is not closed
/// or is followed by text; a record has the wrong number of fields (naming its line); a column is
/// unknown, duplicated, chosen by name without a header, or both a feature and the target; a
/// numeric field is not a finite number or does not fit the dtype (naming line, column and text); a
/// value is missing under MissingValues::error, in the target, or in a column with nothing to
/// impute from; a class_index target is not a non-negative integer; a category_order names a
/// column that is not categorical, is empty or repeats a category, or lacks a field's text.
CsvData read_csv(const std::filesystem::path& path, const CsvOptions& options = {});

}  // namespace nabla::data
