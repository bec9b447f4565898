#include "data/csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "tensor/error.h"

namespace nabla::data {

namespace {

constexpr std::string_view kOp = "read_csv";

// The records of a file as text fields, row-major, with the line each record
// starts on (quoted fields may span lines, so record k is not line k + 1).
struct Table {
  std::vector<std::string> cells;
  std::vector<std::int64_t> lines;
  std::size_t columns = 0;

  std::size_t records() const { return lines.size(); }
  const std::string& at(std::size_t record, std::size_t column) const {
    return cells[record * columns + column];
  }
};

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// One record starting at text[i]; advances i past its line break. `quoted`
// tells a blank line (one unquoted empty field) from a record holding "".
std::vector<std::string> parse_record(const std::string& text,
                                      std::size_t& i,
                                      std::int64_t& line,
                                      char delimiter,
                                      const std::string& file,
                                      bool& quoted) {
  const std::size_t n = text.size();
  std::vector<std::string> fields;
  quoted = false;
  while (true) {
    std::string field;
    if (i < n && text[i] == '"') {
      quoted = true;
      const std::int64_t opened = line;
      ++i;
      while (true) {
        NABLA_CHECK(i < n, kOp, file, ": line ", opened, ": a quoted field is not closed");
        const char c = text[i];
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (c == '\n') ++line;
        field += c;
        ++i;
      }
      const bool crlf = i + 1 < n && text[i] == '\r' && text[i + 1] == '\n';
      NABLA_CHECK(i == n || text[i] == delimiter || text[i] == '\n' || crlf, kOp, file, ": line ",
                  line, ": text after the closing quote of a field");
    } else {
      while (i < n && text[i] != delimiter && text[i] != '\n') {
        NABLA_CHECK(text[i] != '"', kOp, file, ": line ", line,
                    ": a quote inside an unquoted field (quote the whole field and double the "
                    "quote: \"a \"\"b\"\"\")");
        field += text[i++];
      }
      if (!field.empty() && field.back() == '\r') field.pop_back();  // CRLF
    }
    fields.push_back(std::move(field));
    if (i < n && text[i] == delimiter) {
      ++i;
      continue;
    }
    if (i < n && text[i] == '\r') ++i;  // CRLF after a quoted field
    if (i < n && text[i] == '\n') {
      ++i;
      ++line;
    }
    return fields;
  }
}

Table parse(const std::string& text, char delimiter, const std::string& file) {
  Table t;
  std::size_t i = 0;
  std::int64_t line = 1;
  // Blank lines are kept aside: dropped at the end of the file, records (one
  // empty field) in the middle of it.
  std::vector<std::int64_t> blank_lines;
  const auto add = [&](std::vector<std::string>& fields, std::int64_t at) {
    if (t.lines.empty()) t.columns = fields.size();
    NABLA_CHECK(fields.size() == t.columns, kOp, file, ": line ", at, " has ", fields.size(),
                " field", fields.size() == 1 ? "" : "s", ", expected ", t.columns, " (as in line ",
                t.lines.front(), ")");
    std::move(fields.begin(), fields.end(), std::back_inserter(t.cells));
    t.lines.push_back(at);
  };
  while (i < text.size()) {
    const std::int64_t at = line;
    bool quoted = false;
    std::vector<std::string> fields = parse_record(text, i, line, delimiter, file, quoted);
    if (fields.size() == 1 && fields[0].empty() && !quoted) {
      blank_lines.push_back(at);
      continue;
    }
    for (std::int64_t blank : blank_lines) {
      std::vector<std::string> empty(1);
      add(empty, blank);
    }
    blank_lines.clear();
    add(fields, at);
  }
  return t;
}

std::string read_file(const std::filesystem::path& path, const std::string& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  NABLA_CHECK(std::filesystem::exists(status), kOp, file, ": cannot open file (",
              ec ? ec.message() : "no such file", ")");
  NABLA_CHECK(std::filesystem::is_regular_file(status), kOp, file, ": is not a regular file");
  std::ifstream in(path, std::ios::binary);
  NABLA_CHECK(in.is_open(), kOp, file, ": cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  NABLA_CHECK(!in.bad(), kOp, file, ": read error");
  std::string out = std::move(text).str();
  // Spreadsheet programs often start UTF-8 files with a byte order mark, which
  // would otherwise become part of the first column's name.
  if (out.starts_with("\xEF\xBB\xBF")) out.erase(0, 3);
  return out;
}

// Turns fields into numbers and columns into features, with the file, line
// and column at hand for every message.
class Reader {
 public:
  Reader(const std::filesystem::path& path, const CsvOptions& options)
      : options_(options), file_(path.string()) {
    NABLA_CHECK(is_floating(options.dtype), kOp, file_, ": dtype must be f32 or f64, got ",
                options.dtype);
    NABLA_CHECK(options.delimiter != '"' && options.delimiter != '\n' && options.delimiter != '\r',
                kOp, file_, ": the delimiter cannot be a quote or a line break");
    table_ = parse(read_file(path, file_), options.delimiter, file_);
    NABLA_CHECK(table_.records() > 0, kOp, file_, ": empty file");
    first_row_ = options.header ? 1 : 0;
    // A header alone is most likely a truncated or wrongly exported file;
    // reading it as 0 samples would only fail later, far from the cause.
    NABLA_CHECK(table_.records() > first_row_, kOp, file_,
                ": the file has a header but no data rows");
    for (std::size_t c = 0; c < table_.columns; ++c)
      names_.push_back(options.header ? std::string(trim(table_.at(0, c))) : std::to_string(c));
  }

  std::int64_t rows() const { return static_cast<std::int64_t>(table_.records() - first_row_); }
  std::size_t columns() const { return table_.columns; }
  const std::string& name(std::size_t column) const { return names_[column]; }

  std::size_t resolve(const CsvColumn& column) const {
    if (const auto* index = std::get_if<std::int64_t>(&column)) {
      NABLA_CHECK(*index >= 0 && *index < static_cast<std::int64_t>(table_.columns), kOp, file_,
                  ": column index ", *index, " is out of range for ", table_.columns, " columns");
      return static_cast<std::size_t>(*index);
    }
    const std::string& wanted = std::get<std::string>(column);
    NABLA_CHECK(options_.header, kOp, file_, ": column '", shorten(wanted),
                "' is chosen by name, but the file has no header (header = false); choose "
                "columns by index");
    const auto found = std::find(names_.begin(), names_.end(), wanted);
    NABLA_CHECK(found != names_.end(), kOp, file_, ": unknown column '", shorten(wanted),
                "' (columns: ", joined_names(), ")");
    NABLA_CHECK(std::find(found + 1, names_.end(), wanted) == names_.end(), kOp, file_,
                ": column name '", shorten(wanted), "' appears more than once in the header");
    return static_cast<std::size_t>(found - names_.begin());
  }

  // "column 'price'" with a header, "column 3" without.
  std::string describe(std::size_t column) const {
    return options_.header ? "column '" + shorten(names_[column]) + "'"
                           : "column " + names_[column];
  }

  std::int64_t line(std::int64_t row) const {
    return table_.lines[static_cast<std::size_t>(row) + first_row_];
  }
  std::string_view field(std::int64_t row, std::size_t column) const {
    return trim(table_.at(static_cast<std::size_t>(row) + first_row_, column));
  }
  bool is_missing(std::string_view text) const {
    return std::find(options_.missing_markers.begin(), options_.missing_markers.end(), text) !=
           options_.missing_markers.end();
  }

  [[noreturn]] void fail_missing(std::int64_t row, std::size_t column, const char* hint) const {
    NABLA_CHECK(false, kOp, file_, ": line ", line(row), ", ", describe(column),
                ": missing value \"", shorten(field(row, column)), "\"", hint);
  }

  // A finite number: the whole (trimmed) field, std::from_chars' grammar with
  // an optional leading '+', within the range of the dtype.
  double number(std::int64_t row, std::size_t column) const {
    const std::string_view text = field(row, column);
    std::string_view digits = text;
    if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    NABLA_CHECK(ec != std::errc::result_out_of_range, kOp, file_, ": line ", line(row), ", ",
                describe(column), ": \"", shorten(text), "\" is out of range");
    NABLA_CHECK(ec == std::errc() && end == digits.data() + digits.size(), kOp, file_, ": line ",
                line(row), ", ", describe(column), ": \"", shorten(text), "\" is not a number");
    NABLA_CHECK(std::isfinite(value), kOp, file_, ": line ", line(row), ", ", describe(column),
                ": \"", shorten(text),
                "\" is not a finite number (list it in missing_markers to treat it as missing)");
    NABLA_CHECK(options_.dtype != DType::f32 ||
                    std::abs(value) <= static_cast<double>(std::numeric_limits<float>::max()),
                kOp, file_, ": line ", line(row), ", ", describe(column), ": \"", shorten(text),
                "\" does not fit f32");
    return value;
  }

  std::int64_t class_index(std::int64_t row, std::size_t column) const {
    const std::string_view text = field(row, column);
    std::int64_t value = -1;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    NABLA_CHECK(ec == std::errc() && end == text.data() + text.size() && value >= 0, kOp, file_,
                ": line ", line(row), ", ", describe(column), ": \"", shorten(text),
                "\" is not a class index (an integer >= 0)");
    return value;
  }

  const std::string& file() const { return file_; }

 private:
  // The header's names, each shortened, at most kMaxListedNames of them: a
  // file may have thousands of columns or megabyte-long names.
  std::string joined_names() const {
    constexpr std::size_t kMaxListedNames = 20;
    std::string out;
    for (std::size_t c = 0; c < names_.size() && c < kMaxListedNames; ++c)
      out += (c == 0 ? "" : ", ") + shorten(names_[c]);
    if (names_.size() > kMaxListedNames)
      out += ", ... and " + std::to_string(names_.size() - kMaxListedNames) + " more";
    return out;
  }

  const CsvOptions& options_;
  std::string file_;
  Table table_;
  std::size_t first_row_ = 0;
  std::vector<std::string> names_;
};

constexpr const char* kImputeHint =
    " (set missing = MissingValues::impute_mean or impute_median to impute it)";

// Numeric feature column: missing values imputed as options ask.
std::vector<double> numeric_column(const Reader& r, std::size_t column, const CsvOptions& options) {
  const std::int64_t n = r.rows();
  std::vector<double> values(static_cast<std::size_t>(n));
  std::vector<std::int64_t> missing;
  std::vector<double> present;
  for (std::int64_t row = 0; row < n; ++row) {
    if (r.is_missing(r.field(row, column))) {
      if (options.missing == MissingValues::error) r.fail_missing(row, column, kImputeHint);
      missing.push_back(row);
      continue;
    }
    values[static_cast<std::size_t>(row)] = r.number(row, column);
    present.push_back(values[static_cast<std::size_t>(row)]);
  }
  if (missing.empty()) return values;
  NABLA_CHECK(!present.empty(), kOp, r.file(), ": ", r.describe(column),
              " has no values to impute its missing ones from");
  double fill = 0;
  if (options.missing == MissingValues::impute_mean) {
    for (double v : present) fill += v;
    fill /= static_cast<double>(present.size());
  } else {
    std::sort(present.begin(), present.end());
    const std::size_t m = present.size() / 2;
    fill = present.size() % 2 == 1 ? present[m] : (present[m - 1] + present[m]) / 2;
  }
  for (std::int64_t row : missing) values[static_cast<std::size_t>(row)] = fill;
  return values;
}

// Categorical column: the categories (sorted, or in the order given) and each
// row's index among them. Missing values take the most frequent category when
// imputing.
std::pair<std::vector<std::string>, std::vector<std::int64_t>> categorical_column(
    const Reader& r, std::size_t column, bool impute, const std::vector<std::string>* order) {
  const std::int64_t n = r.rows();
  std::map<std::string, std::int64_t> counts;
  for (std::int64_t row = 0; row < n; ++row) {
    const std::string_view text = r.field(row, column);
    if (!r.is_missing(text)) ++counts[std::string(text)];
  }
  std::vector<std::string> categories;
  std::string most_frequent;
  std::int64_t best = 0;
  for (const auto& [category, count] : counts) {
    categories.push_back(category);
    if (count > best) {
      best = count;
      most_frequent = category;
    }
  }
  std::map<std::string, std::int64_t, std::less<>> code_of;
  if (order != nullptr) {
    std::string listed;
    for (const std::string& category : *order) listed += (listed.empty() ? "" : ", ") + category;
    NABLA_CHECK(!order->empty(), kOp, r.file(), ": the category_order of ", r.describe(column),
                " is empty");
    for (std::size_t k = 0; k < order->size(); ++k) {
      NABLA_CHECK(code_of.emplace((*order)[k], static_cast<std::int64_t>(k)).second, kOp, r.file(),
                  ": the category_order of ", r.describe(column), " lists \"", (*order)[k],
                  "\" twice");
    }
    for (std::int64_t row = 0; row < n; ++row) {
      const std::string_view text = r.field(row, column);
      NABLA_CHECK(r.is_missing(text) || code_of.contains(text), kOp, r.file(), ": line ",
                  r.line(row), ", ", r.describe(column), ": \"", text,
                  "\" is not one of the categories of its category_order (", listed, ")");
    }
    categories = *order;
  } else {
    for (std::size_t k = 0; k < categories.size(); ++k) {
      code_of.emplace(categories[k], static_cast<std::int64_t>(k));
    }
  }
  std::vector<std::int64_t> codes(static_cast<std::size_t>(n));
  for (std::int64_t row = 0; row < n; ++row) {
    std::string_view text = r.field(row, column);
    if (r.is_missing(text)) {
      if (!impute) r.fail_missing(row, column, kImputeHint);
      NABLA_CHECK(best > 0, kOp, r.file(), ": ", r.describe(column),
                  " has no values to impute its missing ones from");
      text = most_frequent;
    }
    codes[static_cast<std::size_t>(row)] = code_of.find(text)->second;
  }
  return {std::move(categories), std::move(codes)};
}

}  // namespace

Dataset CsvData::dataset() const {
  NABLA_CHECK(targets.defined(), "CsvData::dataset",
              "the file was read without a target column (CsvOptions::target)");
  return Dataset(features, targets);
}

CsvData read_csv(const std::filesystem::path& path, const CsvOptions& options) {
  const Reader r(path, options);
  const std::string& file = r.file();
  const std::int64_t n = r.rows();

  // Which columns are features, target and categorical.
  std::optional<std::size_t> target;
  if (options.target) target = r.resolve(*options.target);
  std::vector<std::size_t> columns;
  for (const CsvColumn& c : options.columns) columns.push_back(r.resolve(c));
  if (options.columns.empty()) {
    for (std::size_t c = 0; c < r.columns(); ++c)
      if (c != target) columns.push_back(c);
  }
  for (std::size_t k = 0; k < columns.size(); ++k) {
    NABLA_CHECK(columns[k] != target, kOp, file, ": ", r.describe(columns[k]),
                " is both a feature and the target");
    NABLA_CHECK(std::find(columns.begin(), columns.begin() + static_cast<std::ptrdiff_t>(k),
                          columns[k]) == columns.begin() + static_cast<std::ptrdiff_t>(k),
                kOp, file, ": ", r.describe(columns[k]), " is chosen twice");
  }
  std::set<std::size_t> categorical;
  for (const CsvColumn& c : options.categorical) {
    const std::size_t index = r.resolve(c);
    NABLA_CHECK(std::find(columns.begin(), columns.end(), index) != columns.end(), kOp, file,
                ": categorical ", r.describe(index),
                " is not a feature column (a categorical target is chosen with target_type)");
    categorical.insert(index);
  }
  // An order for a column that is not categorical would be silently ignored.
  const auto order_of = [&](std::size_t column) -> const std::vector<std::string>* {
    const auto found = options.category_order.find(r.name(column));
    return found == options.category_order.end() ? nullptr : &found->second;
  };
  for (const auto& [name, order] : options.category_order) {
    const std::size_t index = r.resolve(name);
    const bool categorical_target =
        target == index && options.target_type == CsvTarget::categorical;
    NABLA_CHECK(categorical.contains(index) || categorical_target, kOp, file,
                ": category_order is given for ", r.describe(index),
                ", which is neither a categorical feature nor a categorical target");
  }

  // Features, column by column (a one-hot column becomes several).
  CsvData out;
  std::vector<std::vector<double>> features;
  const bool impute = options.missing != MissingValues::error;
  for (std::size_t c : columns) {
    if (!categorical.contains(c)) {
      features.push_back(numeric_column(r, c, options));
      out.feature_names.push_back(r.name(c));
      continue;
    }
    auto [categories, codes] = categorical_column(r, c, impute, order_of(c));
    if (options.encoding == CategoricalEncoding::ordinal) {
      features.emplace_back(codes.begin(), codes.end());
      out.feature_names.push_back(r.name(c));
    } else {
      for (std::size_t k = 0; k < categories.size(); ++k) {
        std::vector<double> indicator(static_cast<std::size_t>(n));
        for (std::size_t row = 0; row < indicator.size(); ++row)
          indicator[row] = codes[row] == static_cast<std::int64_t>(k) ? 1.0 : 0.0;
        features.push_back(std::move(indicator));
        out.feature_names.push_back(r.name(c) + "=" + categories[k]);
      }
    }
    out.categories[r.name(c)] = std::move(categories);
  }
  const auto num_features = static_cast<std::int64_t>(features.size());
  out.features = Tensor(Shape{n, num_features}, options.dtype);
  const auto fill = [&](auto* x) {
    for (std::int64_t j = 0; j < num_features; ++j) {
      const std::vector<double>& column = features[static_cast<std::size_t>(j)];
      for (std::int64_t row = 0; row < n; ++row)
        x[row * num_features + j] =
            static_cast<std::remove_pointer_t<decltype(x)>>(column[static_cast<std::size_t>(row)]);
    }
  };
  if (options.dtype == DType::f32)
    fill(out.features.data<float>());
  else
    fill(out.features.data<double>());

  if (!target) return out;
  // The target: never imputed.
  const std::size_t t = *target;
  out.target_name = r.name(t);
  for (std::int64_t row = 0; row < n; ++row)
    if (r.is_missing(r.field(row, t))) r.fail_missing(row, t, " (targets are never imputed)");
  switch (options.target_type) {
    case CsvTarget::numeric: {
      Tensor y(Shape{n, 1}, DType::f64);
      for (std::int64_t row = 0; row < n; ++row) y.data<double>()[row] = r.number(row, t);
      out.targets = y.to(options.dtype);
      break;
    }
    case CsvTarget::categorical: {
      auto [classes, codes] = categorical_column(r, t, false, order_of(t));
      out.targets = Tensor(Shape{n}, DType::i64);
      std::copy(codes.begin(), codes.end(), out.targets.data<std::int64_t>());
      out.class_names = std::move(classes);
      break;
    }
    case CsvTarget::class_index: {
      out.targets = Tensor(Shape{n}, DType::i64);
      for (std::int64_t row = 0; row < n; ++row)
        out.targets.data<std::int64_t>()[row] = r.class_index(row, t);
      break;
    }
  }
  return out;
}

}  // namespace nabla::data
