// Comparing a computed number with one printed in a published source, at the
// precision the source prints it: 0.7513650695 matches "0.75136507" (8
// decimals), −0.1966 matches "-0.20" (2 decimals).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace nabla::testing {

/// `value` rounded to as many decimals as `published` shows, printed the same
/// way ("%.Nf").
inline std::string to_published_digits(double value, std::string_view published) {
  const auto point = published.find('.');
  const int decimals =
      point == std::string_view::npos ? 0 : static_cast<int>(published.size() - point - 1);
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace nabla::testing

/// Expects `value` to print as `published` when rounded to its decimals;
/// `what` names the number in the failure message.
#define EXPECT_PUBLISHED(what, value, published)                                      \
  EXPECT_EQ(::nabla::testing::to_published_digits((value), (published)), (published)) \
      << (what) << " = " << (value)
