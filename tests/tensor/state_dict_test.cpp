// StateDict: insertion order, unique non-empty keys, lookups and deep copies.
#include "tensor/state_dict.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tensor/factory.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;

TEST(StateDict, KeepsInsertionOrderAndFindsByKey) {
  StateDict d;
  d.insert("b", full({1}, 2.0));
  d.insert("a", full({1}, 1.0));
  d.insert("c.x", full({1}, 3.0));
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"b", "a", "c.x"}));
  EXPECT_EQ(d.at("a").item<float>(), 1.0f);
  EXPECT_EQ(d.find("c"), nullptr);
  EXPECT_TRUE(d.contains("c.x"));
  expect_error([&] { d.insert("a", zeros({1})); }, {"StateDict::insert", "duplicate key 'a'"});
  expect_error([&] { d.insert("", zeros({1})); }, {"StateDict::insert", "empty key"});
  expect_error([&] { d.at("z"); }, {"StateDict::at", "no entry named 'z'"});
  EXPECT_EQ(d.size(), 3u);

  d.insert_or_assign("a", full({1}, 9.0));
  d.insert_or_assign("d", full({1}, 4.0));
  EXPECT_EQ(d.keys(), (std::vector<std::string>{"b", "a", "c.x", "d"}));
  EXPECT_EQ(d.at("a").item<float>(), 9.0f);

  StateDict copy = d.clone();
  d.insert_or_assign("b", full({1}, -1.0));
  EXPECT_EQ(copy.at("b").item<float>(), 2.0f);
  EXPECT_EQ(copy.at("d").item<float>(), 4.0f);
  EXPECT_EQ(copy.keys(), (std::vector<std::string>{"b", "a", "c.x", "d"}));
}

// Insert and lookup are O(log n) each: 200,000 entries take a fraction of a
// second (with a linear scan per insert, minutes).
TEST(StateDict, TwoHundredThousandEntries) {
  StateDict d;
  const Tensor t = zeros({0});
  for (int i = 0; i < 200'000; ++i) d.insert(std::string("k").append(std::to_string(i)), t);
  EXPECT_EQ(d.size(), 200'000u);
  EXPECT_TRUE(d.contains("k199999"));
  EXPECT_FALSE(d.contains("k200000"));
  EXPECT_EQ(d.begin()->first, "k0");
}

}  // namespace
}  // namespace nabla
