#include "data/csv.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "file_fixtures.h"
#include "test_util.h"

namespace nabla::data {
namespace {

using test_files::TempDir;
using Strings = std::vector<std::string>;

std::vector<double> values(const Tensor& t) {
  return t.to_vector<double>();
}

TEST(Csv, ReadsHeaderNumbersAndTarget) {
  TempDir dir;
  const auto p = dir.write("a.csv", "a,b,y\n1,2.5,3\n-4,5e-1,+6\n");
  CsvData d = read_csv(p, {.target = "y"});
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.features.dtype(), DType::f32);
  EXPECT_EQ(d.features.shape(), (Shape{2, 2}));
  EXPECT_EQ(values(d.features), (std::vector<double>{1, 2.5, -4, 0.5}));
  EXPECT_EQ(d.targets.shape(), (Shape{2, 1}));
  EXPECT_EQ(values(d.targets), (std::vector<double>{3, 6}));
  EXPECT_EQ(d.feature_names, (Strings{"a", "b"}));
  EXPECT_EQ(d.target_name, "y");
  Dataset ds = d.dataset();
  EXPECT_EQ(ds.size(), 2);
  EXPECT_EQ(ds.sample_shape(), Shape{2});
  // Without a target: every column is a feature and there is no Dataset.
  CsvData all = read_csv(p);
  EXPECT_EQ(all.feature_names, (Strings{"a", "b", "y"}));
  EXPECT_FALSE(all.targets.defined());
  testing::expect_error([&] { all.dataset(); }, {"CsvData::dataset", "without a target"});
}

TEST(Csv, ChosenColumnsKeepTheirOrder) {
  TempDir dir;
  const auto p = dir.write("a.csv", "a,b,c,y\n1,2,3,4\n5,6,7,8\n");
  CsvData d = read_csv(p, {.columns = {"c", std::int64_t{0}}, .target = std::int64_t{3}});
  EXPECT_EQ(d.feature_names, (Strings{"c", "a"}));
  EXPECT_EQ(values(d.features), (std::vector<double>{3, 1, 7, 5}));
  EXPECT_EQ(values(d.targets), (std::vector<double>{4, 8}));
}

TEST(Csv, NoHeaderColumnsByIndex) {
  TempDir dir;
  const auto p = dir.write("n.csv", "1,2,0\n3,4,1\n");
  CsvData d = read_csv(p, {.header = false,
                           .target = std::int64_t{2},
                           .target_type = CsvTarget::class_index,
                           .dtype = DType::f64});
  EXPECT_EQ(d.features.dtype(), DType::f64);
  EXPECT_EQ(values(d.features), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(d.feature_names, (Strings{"0", "1"}));
  EXPECT_EQ(d.targets.dtype(), DType::i64);
  EXPECT_EQ(d.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{0, 1}));
  testing::expect_error([&] { read_csv(p, {.header = false, .target = "y"}); },
                        {"read_csv", p.string(), "'y' is chosen by name", "no header"});
}

TEST(Csv, QuotesCrlfAndBlankLinesAtTheEnd) {
  TempDir dir;
  // Quoted fields with the delimiter, a doubled quote and a line break; CRLF
  // line ends; blank lines at the end.
  const auto p = dir.write("q.csv",
                           "name,\"x, the value\"\r\n"
                           "\"a,b\",1\r\n"
                           "\"say \"\"hi\"\"\",2\r\n"
                           "\"two\nlines\",3\r\n"
                           "plain,4\r\n"
                           "\r\n\n\r\n");
  CsvData d = read_csv(p, {.columns = {"name", "x, the value"},
                           .categorical = {"name"},
                           .encoding = CategoricalEncoding::ordinal});
  // Sorted byte-wise: "a,b" < "plain" < "say \"hi\"" < "two\nlines".
  EXPECT_EQ(d.categories.at("name"), (Strings{"a,b", "plain", "say \"hi\"", "two\nlines"}));
  EXPECT_EQ(d.feature_names, (Strings{"name", "x, the value"}));
  EXPECT_EQ(values(d.features), (std::vector<double>{0, 1, 2, 2, 3, 3, 1, 4}));
  // A UTF-8 byte order mark before the header is not part of the first name.
  const auto bom = dir.write("bom.csv", "\xEF\xBB\xBFid,v\n1,2\n");
  EXPECT_EQ(read_csv(bom, {.target = "id"}).feature_names, (Strings{"v"}));
  // The last line without a line break is read too.
  const auto q = dir.write("nolf.csv", "a\n1\n2");
  EXPECT_EQ(values(read_csv(q).features), (std::vector<double>{1, 2}));
}

TEST(Csv, LineNumbersCountLinesInsideQuotedFields) {
  TempDir dir;
  // The record starting on line 2 spans lines 2 and 3, so "oops" is on line 4.
  const auto p = dir.write("l.csv", "name,v\n\"multi\nline\",1\nx,oops\n");
  testing::expect_error([&] { read_csv(p, {.columns = {"v"}}); },
                        {"read_csv", p.string(), "line 4, column 'v'", "\"oops\" is not a number"});
}

TEST(Csv, OtherDelimitersAndSpaces) {
  TempDir dir;
  const auto p = dir.write("s.csv", "a;b\n 1.5 ;\t2\n");
  EXPECT_EQ(values(read_csv(p, {.delimiter = ';'}).features), (std::vector<double>{1.5, 2}));
  const auto t = dir.write("t.tsv", "a\tb\n3\t4\n");
  EXPECT_EQ(values(read_csv(t, {.delimiter = '\t'}).features), (std::vector<double>{3, 4}));
  testing::expect_error([&] { read_csv(t, {.delimiter = '"'}); }, {"read_csv", "delimiter"});
}

TEST(Csv, OneHotAndOrdinalCategories) {
  TempDir dir;
  const auto p = dir.write("c.csv", "size,color\n1,red\n2,blue\n3,red\n4,green\n");
  // Categories sorted: blue (0), green (1), red (2).
  CsvData oh = read_csv(p, {.categorical = {"color"}});
  EXPECT_EQ(oh.categories.at("color"), (Strings{"blue", "green", "red"}));
  EXPECT_EQ(oh.feature_names, (Strings{"size", "color=blue", "color=green", "color=red"}));
  EXPECT_EQ(values(oh.features), (std::vector<double>{1, 0, 0, 1,  //
                                                      2, 1, 0, 0,  //
                                                      3, 0, 0, 1,  //
                                                      4, 0, 1, 0}));
  CsvData ord = read_csv(p, {.categorical = {"color"}, .encoding = CategoricalEncoding::ordinal});
  EXPECT_EQ(ord.feature_names, (Strings{"size", "color"}));
  EXPECT_EQ(values(ord.features), (std::vector<double>{1, 2, 2, 0, 3, 2, 4, 1}));
  testing::expect_error([&] { read_csv(p, {.columns = {"size"}, .categorical = {"color"}}); },
                        {"read_csv", "categorical column 'color' is not a feature column"});
  // Text in a column not declared categorical is an error, not a category.
  testing::expect_error([&] { read_csv(p); },
                        {"read_csv", "line 2, column 'color'", "\"red\" is not a number"});
}

TEST(Csv, CategoricalAndClassIndexTargets) {
  TempDir dir;
  const auto p = dir.write("iris.csv", "x,species,k\n1,virginica,2\n2,setosa,0\n3,virginica,1\n");
  CsvData d =
      read_csv(p, {.columns = {"x"}, .target = "species", .target_type = CsvTarget::categorical});
  EXPECT_EQ(d.class_names, (Strings{"setosa", "virginica"}));
  EXPECT_EQ(d.targets.dtype(), DType::i64);
  EXPECT_EQ(d.targets.shape(), Shape{3});
  EXPECT_EQ(d.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0, 1}));
  EXPECT_EQ(d.dataset().size(), 3);
  CsvData k = read_csv(p, {.columns = {"x"}, .target = "k", .target_type = CsvTarget::class_index});
  EXPECT_EQ(k.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{2, 0, 1}));
  EXPECT_TRUE(k.class_names.empty());
  for (const char* bad : {"2.5", "-1", "two"}) {
    const auto q = dir.write("bad.csv", std::string("x,k\n1,0\n2,") + bad + "\n");
    testing::expect_error(
        [&] { read_csv(q, {.target = "k", .target_type = CsvTarget::class_index}); },
        {"read_csv", q.string(), "line 3, column 'k'", bad, "not a class index"});
  }
}

TEST(Csv, MissingValuesAreErrorsByDefault) {
  TempDir dir;
  const auto p = dir.write("m.csv", "a,b\n1,2\n3,NA\n");
  testing::expect_error([&] { read_csv(p); }, {"read_csv", p.string(), "line 3, column 'b'",
                                               "missing value \"NA\"", "impute_mean"});
  const auto e = dir.write("e.csv", "a,b\n1,\n3,4\n");
  testing::expect_error([&] { read_csv(e); },
                        {"read_csv", "line 2, column 'b'", "missing value \"\""});
  // Markers are configurable: with only "?" listed, "NA" is text.
  const auto q = dir.write("q.csv", "a\n?\n1\n");
  testing::expect_error([&] { read_csv(q, {.missing_markers = {"?"}}); },
                        {"read_csv", "line 2", "missing value \"?\""});
  testing::expect_error([&] { read_csv(p, {.missing_markers = {"?"}}); },
                        {"read_csv", "line 3", "\"NA\" is not a number"});
}

TEST(Csv, ImputesMeanAndMedian) {
  TempDir dir;
  const auto p = dir.write("m.csv", "a,b\n1,1\n2,NA\n3,10\n4,4\n5,\n6,3\n");
  // Present b values: 1, 10, 4, 3. Mean = 18 / 4 = 4.5; median of the sorted
  // 1, 3, 4, 10 = (3 + 4) / 2 = 3.5.
  CsvData mean = read_csv(p, {.missing = MissingValues::impute_mean});
  EXPECT_EQ(values(mean.features), (std::vector<double>{1, 1, 2, 4.5, 3, 10, 4, 4, 5, 4.5, 6, 3}));
  CsvData median = read_csv(p, {.missing = MissingValues::impute_median});
  EXPECT_EQ(values(median.features),
            (std::vector<double>{1, 1, 2, 3.5, 3, 10, 4, 4, 5, 3.5, 6, 3}));
  // An odd count: the middle one (1, 5, 9 -> 5).
  const auto q = dir.write("o.csv", "b\n5\nnan\n1\n9\n");
  EXPECT_EQ(values(read_csv(q, {.missing = MissingValues::impute_median}).features),
            (std::vector<double>{5, 5, 1, 9}));
  // Categorical columns take their most frequent category.
  const auto c = dir.write("c.csv", "color\nred\nNA\nblue\nred\n");
  CsvData cat = read_csv(c, {.categorical = {"color"},
                             .encoding = CategoricalEncoding::ordinal,
                             .missing = MissingValues::impute_mean});
  EXPECT_EQ(values(cat.features), (std::vector<double>{1, 1, 0, 1}));
  testing::expect_error([&] { read_csv(c, {.categorical = {"color"}}); },
                        {"read_csv", "line 3, column 'color'", "missing value \"NA\""});
  // Nothing to impute from.
  const auto none = dir.write("none.csv", "a,b\n1,NA\n2,\n");
  testing::expect_error([&] { read_csv(none, {.missing = MissingValues::impute_mean}); },
                        {"read_csv", none.string(), "column 'b' has no values to impute"});
  // A missing target is never imputed.
  const auto t = dir.write("t.csv", "a,y\n1,2\n2,NA\n");
  testing::expect_error(
      [&] { read_csv(t, {.target = "y", .missing = MissingValues::impute_mean}); },
      {"read_csv", "line 3, column 'y'", "missing value", "targets are never imputed"});
}

TEST(Csv, StrictNumbers) {
  TempDir dir;
  struct Case {
    const char* text;
    const char* what;
  };
  // "nan" is a missing marker by default; "NaN", "inf" and "-inf" are not.
  for (const Case& c :
       {Case{"1.5x", "is not a number"}, Case{"abc", "is not a number"}, Case{"1,5", ""},
        Case{"0x10", "is not a number"}, Case{"--1", "is not a number"},
        Case{"NaN", "is not a finite number"}, Case{"inf", "is not a finite number"},
        Case{"-inf", "is not a finite number"}, Case{"1e999", "is out of range"},
        Case{"1e39", "does not fit f32"}}) {
    SCOPED_TRACE(c.text);
    const auto p = dir.write("n.csv", std::string("a,b\n1,2\n3,") + c.text + "\n");
    if (std::string(c.what).empty()) {  // an unquoted comma is a third field
      testing::expect_error([&] { read_csv(p); }, {"read_csv", "line 3 has 3 fields, expected 2"});
      continue;
    }
    testing::expect_error([&] { read_csv(p); }, {"read_csv", p.string(), "line 3, column 'b'",
                                                 std::string("\"") + c.text + "\"", c.what});
  }
  // 1e39 fits f64; a numeric column with only NaN listed as missing.
  const auto big = dir.write("big.csv", "a\n1e39\n");
  EXPECT_EQ(values(read_csv(big, {.dtype = DType::f64}).features), (std::vector<double>{1e39}));
  const auto nan = dir.write("nan.csv", "a\nNaN\n2\n");
  EXPECT_EQ(
      values(read_csv(nan, {.missing_markers = {"NaN"}, .missing = MissingValues::impute_mean})
                 .features),
      (std::vector<double>{2, 2}));
}

TEST(Csv, WrongNumberOfFields) {
  TempDir dir;
  const auto p = dir.write("f.csv", "a,b,c\n1,2,3\n4,5\n");
  testing::expect_error([&] { read_csv(p); },
                        {"read_csv", p.string(), "line 3 has 2 fields, expected 3 (as in line 1)"});
  const auto q = dir.write("g.csv", "a,b,c\n1,2,3\n4,5,6,7\n");
  testing::expect_error([&] { read_csv(q); }, {"read_csv", "line 3 has 4 fields, expected 3"});
  // A blank line inside the data is a record of one empty field.
  const auto b = dir.write("b.csv", "a,b\n1,2\n\n3,4\n");
  testing::expect_error([&] { read_csv(b); }, {"read_csv", "line 3 has 1 field, expected 2"});
  // With one column, it is a missing value.
  const auto one = dir.write("one.csv", "a\n1\n\n3\n");
  testing::expect_error([&] { read_csv(one); }, {"read_csv", "line 3, column 'a'", "missing"});
}

TEST(Csv, BadQuotes) {
  TempDir dir;
  const auto p = dir.write("u.csv", "a,b\n1,\"open\n2,3\n");
  testing::expect_error([&] { read_csv(p); },
                        {"read_csv", p.string(), "line 2: a quoted field is not closed"});
  const auto q = dir.write("t.csv", "a,b\n1,\"x\"y\n");
  testing::expect_error([&] { read_csv(q); }, {"read_csv", "line 2: text after the closing quote"});
  const auto r = dir.write("i.csv", "a,b\n1,x\"y\n");
  testing::expect_error([&] { read_csv(r); },
                        {"read_csv", "line 2: a quote inside an unquoted field"});
}

TEST(Csv, ColumnErrors) {
  TempDir dir;
  const auto p = dir.write("c.csv", "a,b,a\n1,2,3\n");
  testing::expect_error([&] { read_csv(p, {.target = "z"}); },
                        {"read_csv", p.string(), "unknown column 'z'", "(columns: a, b, a)"});
  testing::expect_error([&] { read_csv(p, {.target = "a"}); },
                        {"read_csv", "column name 'a' appears more than once"});
  testing::expect_error([&] { read_csv(p, {.target = std::int64_t{3}}); },
                        {"read_csv", "column index 3 is out of range for 3 columns"});
  testing::expect_error([&] { read_csv(p, {.columns = {std::int64_t{-1}}}); },
                        {"read_csv", "column index -1 is out of range"});
  testing::expect_error(
      [&] {
        read_csv(p, {.columns = {"b", std::int64_t{1}}});
      },
      {"read_csv", "column 'b' is chosen twice"});
  testing::expect_error([&] { read_csv(p, {.columns = {"b"}, .target = "b"}); },
                        {"read_csv", "column 'b' is both a feature and the target"});
}

TEST(Csv, FileErrorsAndEdgeCases) {
  TempDir dir;
  const auto missing = dir.path() / "nope.csv";
  testing::expect_error([&] { read_csv(missing); },
                        {"read_csv", missing.string(), "cannot open file"});
  testing::expect_error([&] { read_csv(dir.path()); }, {"read_csv", "not a regular file"});
  const auto empty = dir.write("e.csv", "");
  testing::expect_error([&] { read_csv(empty); }, {"read_csv", empty.string(), "empty file"});
  const auto blank = dir.write("b.csv", "\n\r\n");
  testing::expect_error([&] { read_csv(blank); }, {"read_csv", "empty file"});
  // A header and no rows is a file cut short, not a data set of 0 samples.
  const auto header_only = dir.write("h.csv", "a,b,y\n");
  testing::expect_error([&] { read_csv(header_only, {.target = "y"}); },
                        {"read_csv", header_only.string(), "a header but no data rows"});
  const auto header_blank = dir.write("hb.csv", "a,b,y\n\n\r\n");
  testing::expect_error([&] { read_csv(header_blank); }, {"read_csv", "a header but no data rows"});
  testing::expect_error([&] { read_csv(header_only, {.dtype = DType::i64}); },
                        {"read_csv", "dtype must be f32 or f64", "i64"});
  // f64 keeps every digit of the text: 0.1 is the double nearest to 1/10.
  const auto tenth = dir.write("t.csv", "a\n0.1\n");
  EXPECT_EQ(read_csv(tenth, {.dtype = DType::f64}).features.to_vector<double>()[0], 0.1);
  EXPECT_EQ(read_csv(tenth).features.to_vector<float>()[0], 0.1f);
}

// A field or a header name of a megabyte, or a header of thousands of
// columns, is quoted in a message only in part: messages stay readable.
TEST(Csv, MessagesQuoteBoundedPartsOfFieldsAndHeaders) {
  TempDir dir;
  const std::string huge(1'000'000, 'x');
  const auto message_of = [](auto f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    ADD_FAILURE() << "no error";
    return std::string();
  };

  const auto field = dir.write("field.csv", "a,b\n1," + huge + "\n");
  const std::string not_a_number = message_of([&] { read_csv(field); });
  EXPECT_LT(not_a_number.size(), 400u) << not_a_number.substr(0, 400);
  EXPECT_NE(not_a_number.find("line 2, column 'b'"), std::string::npos) << not_a_number;
  EXPECT_NE(not_a_number.find("... (1000000 bytes)"), std::string::npos) << not_a_number;

  const auto name = dir.write("name.csv", "a," + huge + "\n1,?\n");
  const std::string missing = message_of([&] { read_csv(name, {.missing_markers = {"?"}}); });
  EXPECT_LT(missing.size(), 400u) << missing.substr(0, 400);
  EXPECT_NE(missing.find("missing value"), std::string::npos) << missing;
  EXPECT_NE(missing.find("... (1000000 bytes)"), std::string::npos) << missing;

  std::string header = "column_0", row = "1";
  for (int c = 1; c < 10'000; ++c) {
    header.append(",column_").append(std::to_string(c));
    row.append(",1");
  }
  const auto wide = dir.write("wide.csv", header + "\n" + row + "\n");
  const std::string unknown = message_of([&] { read_csv(wide, {.target = huge}); });
  EXPECT_LT(unknown.size(), 800u) << unknown.substr(0, 800);
  EXPECT_NE(unknown.find("unknown column 'xxx"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("column_0, column_1,"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("... and 9980 more"), std::string::npos) << unknown;
}

TEST(Csv, CategoryOrderGivenByTheUser) {
  TempDir dir;
  const auto p =
      dir.write("o.csv", "size,colour,grade\nhigh,red,pass\nlow,blue,fail\nmedium,red,pass\n");
  // Sorted, "high" < "low" < "medium"; in the given order low < medium < high.
  CsvData sorted = read_csv(
      p, {.columns = {"size"}, .categorical = {"size"}, .encoding = CategoricalEncoding::ordinal});
  EXPECT_EQ(values(sorted.features), (std::vector<double>{0, 1, 2}));
  CsvData ordered = read_csv(p, {.columns = {"size"},
                                 .target = "grade",
                                 .target_type = CsvTarget::categorical,
                                 .categorical = {"size"},
                                 .encoding = CategoricalEncoding::ordinal,
                                 .category_order = {{"size", {"low", "medium", "high", "huge"}},
                                                    {"grade", {"fail", "pass"}}}});
  EXPECT_EQ(values(ordered.features), (std::vector<double>{2, 0, 1}));
  EXPECT_EQ(ordered.categories.at("size"), (Strings{"low", "medium", "high", "huge"}));
  EXPECT_EQ(ordered.targets.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 0, 1}));
  EXPECT_EQ(ordered.class_names, (Strings{"fail", "pass"}));
  // One-hot indicators follow the order, including the category never seen.
  CsvData one_hot = read_csv(p, {.columns = {"size"},
                                 .categorical = {"size"},
                                 .category_order = {{"size", {"low", "medium", "high", "huge"}}}});
  EXPECT_EQ(one_hot.feature_names, (Strings{"size=low", "size=medium", "size=high", "size=huge"}));
  EXPECT_EQ(values(one_hot.features), (std::vector<double>{0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0}));
}

TEST(Csv, CategoryOrderErrors) {
  TempDir dir;
  const auto p = dir.write("o.csv", "size,n\nhigh,1\nlow,2\n");
  const auto read = [&](std::map<std::string, std::vector<std::string>> order) {
    read_csv(p, {.categorical = {"size"}, .category_order = std::move(order)});
  };
  testing::expect_error(
      [&] {
        read({{"size", {"low", "medium"}}});
      },
      {"read_csv", "line 2", "column 'size'", "\"high\"", "low, medium"});
  testing::expect_error(
      [&] {
        read({{"size", {"low", "high", "low"}}});
      },
      {"read_csv", "\"low\" twice"});
  testing::expect_error([&] { read({{"size", {}}}); }, {"read_csv", "empty"});
  testing::expect_error(
      [&] {
        read({{"n", {"1", "2"}}});
      },
      {"read_csv", "column 'n'", "neither a categorical feature"});
  testing::expect_error(
      [&] {
        read({{"weight", {"a"}}});
      },
      {"read_csv", "unknown column 'weight'"});
}

}  // namespace
}  // namespace nabla::data
