#include "data/encoding.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::data {
namespace {

TEST(OneHot, PlusMinusOneCoding) {
  const Tensor labels = from_vector<std::int64_t>({2, 0, 1});
  const Tensor y = data::one_hot(labels, 3, {.negative = -1});
  EXPECT_EQ(y.shape(), (Shape{3, 3}));
  EXPECT_EQ(y.dtype(), DType::f32);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{-1, -1, 1, 1, -1, -1, -1, 1, -1}));
}

TEST(OneHot, ZeroOneCodingDtypesAndInferredClasses) {
  const Tensor labels = from_vector<std::int64_t>({1, 3});
  // num_classes −1: max label 3 + 1 = 4 columns
  const Tensor y = data::one_hot(labels, -1, {.dtype = DType::f64});
  EXPECT_EQ(y.dtype(), DType::f64);
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{0, 1, 0, 0, 0, 0, 0, 1}));
  const Tensor z = data::one_hot(labels, 4, {.negative = -1, .dtype = DType::i64});
  EXPECT_EQ(z.dtype(), DType::i64);
  EXPECT_EQ(z.to_vector<std::int64_t>(), (std::vector<std::int64_t>{-1, 1, -1, -1, -1, -1, -1, 1}));
  // label smoothing style targets: 0.1 and 0.9
  const std::vector<double> s =
      data::one_hot(labels, 4, {.negative = 0.1, .positive = 0.9, .dtype = DType::f64})
          .to_vector<double>();
  EXPECT_NEAR(s[0], 0.1, 1e-15);
  EXPECT_NEAR(s[1], 0.9, 1e-15);
}

TEST(OneHot, Errors) {
  testing::expect_error(
      [] {
        data::one_hot(from_vector<std::int64_t>({0, 3}), 3, {.negative = -1});
      },
      {"one_hot", "3"});
  testing::expect_error([] { data::one_hot(tensor({0, 1}), 2, {}); }, {"one_hot", "f32"});
  testing::expect_error(
      [] {
        data::one_hot(from_vector<std::int64_t>({0}), 2, {.negative = 0.5, .dtype = DType::i64});
      },
      {"one_hot", "integral", "0.5"});
}

TEST(LabelEncoder, IntegersToSortedCodes) {
  LabelEncoder e;
  EXPECT_FALSE(e.fitted());
  e.fit(from_vector<std::int64_t>({30, 10, 20, 10}));
  EXPECT_EQ(e.num_classes(), 3);
  EXPECT_EQ(e.classes(), (std::vector<std::int64_t>{10, 20, 30}));
  EXPECT_FALSE(e.holds_strings());
  const Tensor codes = e.transform(from_vector<std::int64_t>({20, 30, 10, 20}, Shape{2, 2}));
  EXPECT_EQ(codes.shape(), (Shape{2, 2}));
  EXPECT_EQ(codes.to_vector<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 0, 1}));
  EXPECT_EQ(e.inverse_transform(codes).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{20, 30, 10, 20}));
  // negative values sort before positive ones
  LabelEncoder f;
  EXPECT_EQ(f.fit_transform(from_vector<std::int64_t>({5, -7, 0})).to_vector<std::int64_t>(),
            (std::vector<std::int64_t>{2, 0, 1}));
}

TEST(LabelEncoder, StringsToSortedCodes) {
  LabelEncoder e;
  const Tensor codes = e.fit_transform(std::vector<std::string>{"dog", "cat", "ant", "dog"});
  EXPECT_TRUE(e.holds_strings());
  EXPECT_EQ(e.string_classes(), (std::vector<std::string>{"ant", "cat", "dog"}));
  EXPECT_EQ(codes.to_vector<std::int64_t>(), (std::vector<std::int64_t>{2, 1, 0, 2}));
  EXPECT_EQ(e.inverse_transform_strings(from_vector<std::int64_t>({0, 2})),
            (std::vector<std::string>{"ant", "dog"}));
  // byte order: upper case before lower case, "" first
  LabelEncoder f;
  f.fit(std::vector<std::string>{"b", "B", ""});
  EXPECT_EQ(f.string_classes(), (std::vector<std::string>{"", "B", "b"}));
}

TEST(LabelEncoder, Errors) {
  LabelEncoder e;
  testing::expect_error([&] { e.transform(from_vector<std::int64_t>({1})); },
                        {"LabelEncoder::transform", "not fitted"});
  testing::expect_error([&] { e.num_classes(); }, {"LabelEncoder::num_classes", "not fitted"});
  testing::expect_error([&] { e.fit(tensor({1.5})); }, {"LabelEncoder::fit", "f32"});
  testing::expect_error([&] { e.fit(std::vector<std::string>{}); },
                        {"LabelEncoder::fit", "at least one"});
  e.fit(from_vector<std::int64_t>({1, 3, 5}));
  testing::expect_error(
      [&] {
        e.transform(from_vector<std::int64_t>({3, 7}));
      },
      {"LabelEncoder::transform", "unknown value 7", "1, 3, 5"});
  testing::expect_error([&] { e.transform(std::vector<std::string>{"a"}); },
                        {"LabelEncoder::transform", "fitted on integers"});
  testing::expect_error([&] { e.inverse_transform(from_vector<std::int64_t>({3})); },
                        {"LabelEncoder::inverse_transform", "code 3", "[0, 3)"});
  testing::expect_error([&] { e.inverse_transform_strings(from_vector<std::int64_t>({0})); },
                        {"inverse_transform_strings", "fitted on integers"});
  e.fit(std::vector<std::string>{"red", "green"});
  testing::expect_error([&] { e.transform(std::vector<std::string>{"blue"}); },
                        {"LabelEncoder::transform", "unknown value \"blue\"", "green, red"});
  testing::expect_error([&] { e.inverse_transform(from_vector<std::int64_t>({0})); },
                        {"LabelEncoder::inverse_transform", "fitted on strings"});
}

}  // namespace
}  // namespace nabla::data
