// Helpers of the plot tests: checking a rendered image, reading a datablock
// out of a script, and skipping the rendering tests without gnuplot.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "plot/gnuplot.h"
#include "temp_dir.h"

namespace nabla::testing {

// Checks that `path` is a PNG (its 8-byte signature) or an SVG document of
// more than a kilobyte (an empty plot with only axes is already larger).
inline void expect_image(const std::filesystem::path& path) {
  ASSERT_TRUE(std::filesystem::exists(path)) << path;
  const std::string bytes = read_file(path);
  EXPECT_GT(bytes.size(), 1000u) << path;
  if (path.extension() == ".png") {
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << path;
  } else {
    EXPECT_THAT(bytes, ::testing::HasSubstr("<svg")) << path;
    EXPECT_THAT(bytes, ::testing::HasSubstr("</svg>")) << path;
  }
}

// The text between "$name << EOD\n" and the next "EOD\n".
inline std::string datablock(const std::string& script, const std::string& name) {
  const std::string start = "$" + name + " << EOD\n";
  const std::size_t begin = script.find(start);
  if (begin == std::string::npos) return "<no datablock " + name + ">";
  const std::size_t body = begin + start.size();
  return script.substr(body, script.find("EOD\n", body) - body);
}

}  // namespace nabla::testing

// Skips a test that renders when gnuplot is not installed.
#define SKIP_WITHOUT_GNUPLOT() \
  if (!nabla::plot::gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH"
