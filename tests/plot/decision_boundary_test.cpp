#include "plot/decision_boundary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/grad_mode.h"
#include "data/dataset.h"
#include "nn/linear.h"
#include "nn/module.h"
#include "plot/plot_test_util.h"
#include "temp_dir.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "test_util.h"

namespace nabla::plot {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::datablock;
using testing::expect_image;
using testing::read_file;
using testing::TempDir;

// A module computing `fn` and recording the modes it ran in.
class FnModule : public nn::Module {
 public:
  explicit FnModule(std::function<Variable(const Variable&)> fn) : fn_(std::move(fn)) {}
  Variable forward(const Variable& x) override {
    ran_training = is_training();
    ran_with_grad = is_grad_enabled();
    return fn_(x);
  }
  bool ran_training = true;
  bool ran_with_grad = true;

 private:
  std::function<Variable(const Variable&)> fn_;
};

// nn::Linear(2, 2) with W = [[1, -1], [0, 0]], b = 0: scores (x, -x), so the
// argmax is class 0 for x >= 0 (a tie at x = 0 goes to the first) and class 1
// for x < 0.
std::shared_ptr<nn::Linear> sign_of_x_model() {
  auto model = std::make_shared<nn::Linear>(2, 2);
  model->weight.value().copy_(from_vector<double>({1, -1, 0, 0}, Shape{2, 2}));
  model->bias.value().zero_();
  return model;
}

TEST(DecisionBoundaryScript, ArgmaxOnTheGridWithMargin) {
  auto model = sign_of_x_model();
  model->train();
  // Points (-1, 0) label 1 and (1, 2) label 0: x in [-1, 1], y in [0, 2];
  // margin 0.5 of a range of 2 adds 1 on each side: x in [-2, 2], y in
  // [-1, 3]; resolution 3 gives x in {-2, 0, 2}, y in {-1, 1, 3}.
  const data::Dataset data(from_vector<float>({-1, 0, 1, 2}, Shape{2, 2}),
                           from_vector<std::int64_t>({1, 0}, Shape{2}));
  TempDir dir;
  const std::string s =
      decision_boundary_script(*model, data, dir.path() / "d.png",
                               {.resolution = 3, .margin = 0.5, .class_names = {"right", "left"}});
  EXPECT_EQ(datablock(s, "grid"),
            "-2 -1 1\n0 -1 0\n2 -1 0\n\n"
            "-2 1 1\n0 1 0\n2 1 0\n\n"
            "-2 3 1\n0 3 0\n2 3 0\n\n");
  EXPECT_EQ(datablock(s, "points"), "-1 0 1\n1 2 0\n");
  EXPECT_THAT(s, HasSubstr("set xrange [-2:2]\nset yrange [-1:3]\n"));
  EXPECT_THAT(s, HasSubstr("with rgbimage"));
  EXPECT_THAT(s, HasSubstr("$points using 1:($3 == 0 ? $2 : NaN) with points pt 7 ps 0.8 "
                           "lc rgb '#1f77b4' title 'right'"));
  EXPECT_THAT(s, HasSubstr("$points using 1:($3 == 1 ? $2 : NaN) with points pt 7 ps 0.8 "
                           "lc rgb '#ff7f0e' title 'left'"));
  // Region colours: the point colours mixed 60% with white, e.g. class 0's
  // red 31 + 0.6·(255 − 31) = 165.4 -> 165, class 1's 255 -> 255.
  EXPECT_THAT(s, HasSubstr("array R[11] = [165,255,"));
  EXPECT_TRUE(model->is_training());  // the mode is restored
}

TEST(DecisionBoundaryScript, OneOutputUsesTheThresholdAndEvalModeWithoutGraph) {
  // y = x1 + x2 (weights of w, b = 0 set below): class 1 where y > 0.5.
  auto linear = std::make_shared<nn::Linear>(2, 1);
  linear->weight.value().copy_(from_vector<double>({1, 1}, Shape{2, 1}));
  linear->bias.value().zero_();
  FnModule model([&](const Variable& x) { return (*linear)(x); });
  model.train();
  // Points (0, 0) and (1, 1), margin 0: the grid is the corners of [0, 1]^2.
  // (0,0): 0 -> 0; (1,0): 1 -> 1; (0,1): 1 -> 1; (1,1): 2 -> 1.
  const data::Dataset data(from_vector<double>({0, 0, 1, 1}, Shape{2, 2}),
                           from_vector<std::int64_t>({0, 1}, Shape{2}));
  TempDir dir;
  const std::string s =
      decision_boundary_script(model, data, dir.path() / "d.svg", {.resolution = 2, .margin = 0});
  EXPECT_EQ(datablock(s, "grid"), "0 0 0\n1 0 1\n\n0 1 1\n1 1 1\n\n");
  EXPECT_THAT(s, HasSubstr("title 'class 0'"));
  EXPECT_THAT(s, HasSubstr("title 'class 1'"));
  EXPECT_FALSE(model.ran_training);
  EXPECT_FALSE(model.ran_with_grad);
  EXPECT_TRUE(model.is_training());
  EXPECT_TRUE(is_grad_enabled());

  // Threshold 1.5: only (1, 1) (y = 2) is class 1.
  const std::string t = decision_boundary_script(model, data, dir.path() / "d.svg",
                                                 {.resolution = 2, .margin = 0, .threshold = 1.5});
  EXPECT_EQ(datablock(t, "grid"), "0 0 0\n1 0 0\n\n0 1 0\n1 1 1\n\n");
}

TEST(DecisionBoundaryScript, NaNOutputsHaveNoClass) {
  // x / x per feature: 0 / 0 is NaN, so only (1, 1) has two finite scores
  // (1, 1); their tie goes to class 0. Any NaN score gives class -1.
  FnModule model([](const Variable& x) { return x / x; });
  const data::Dataset data(from_vector<double>({0, 0, 1, 1}, Shape{2, 2}),
                           from_vector<std::int64_t>({0, 1}, Shape{2}));
  TempDir dir;
  const fs::path out = dir.path() / "nan.png";
  const std::string s = decision_boundary_script(model, data, out, {.resolution = 2, .margin = 0});
  EXPECT_EQ(datablock(s, "grid"), "0 0 -1\n1 0 -1\n\n0 1 -1\n1 1 0\n\n");
  EXPECT_THAT(s, HasSubstr("c(x) = x < 0 ? 11 : int(x) % 10 + 1\n"));
  if (gnuplot_available()) {
    plot_decision_boundary(model, data, out, {.resolution = 2, .margin = 0});
    expect_image(out);
  }
}

TEST(DecisionBoundaryScript, Errors) {
  auto model = sign_of_x_model();
  TempDir dir;
  const fs::path out = dir.path() / "d.png";
  const data::Dataset three_d(from_vector<float>({0, 0, 0, 1, 1, 1}, Shape{2, 3}),
                              from_vector<std::int64_t>({0, 1}, Shape{2}));
  testing::expect_error([&] { decision_boundary_script(*model, three_d, out); },
                        {"plot_decision_boundary", "2-D points", "[3]"});
  const data::Dataset float_targets(from_vector<float>({0, 0, 1, 1}, Shape{2, 2}),
                                    from_vector<float>({0, 1}, Shape{2}));
  testing::expect_error([&] { decision_boundary_script(*model, float_targets, out); },
                        {"plot_decision_boundary", "i64 class labels"});
  const data::Dataset data(from_vector<float>({0, 0, 1, 1}, Shape{2, 2}),
                           from_vector<std::int64_t>({0, 1}, Shape{2}));
  testing::expect_error([&] { decision_boundary_script(*model, data, out, {.resolution = 1}); },
                        {"plot_decision_boundary", "resolution 1"});
  testing::expect_error([&] { decision_boundary_script(*model, data, out, {.margin = -1}); },
                        {"plot_decision_boundary", "margin -1"});
  testing::expect_error(
      [&] { decision_boundary_script(*model, data, out, {.class_names = {"only"}}); },
      {"plot_decision_boundary", "1 class names", "labels up to 1"});
  testing::expect_error([&] { decision_boundary_script(*model, data, dir.path() / "d.gif"); },
                        {"plot_decision_boundary", ".gif"});
  const data::Dataset negative(from_vector<float>({0, 0}, Shape{1, 2}),
                               from_vector<std::int64_t>({-2}, Shape{1}));
  testing::expect_error([&] { decision_boundary_script(*model, negative, out); },
                        {"plot_decision_boundary", "label -2"});
  FnModule three_dim([](const Variable& x) { return Variable(zeros(Shape{x.size(0), 2, 2})); });
  testing::expect_error([&] { decision_boundary_script(three_dim, data, out, {.resolution = 2}); },
                        {"plot_decision_boundary", "[4, 2, 2]"});
}

TEST(PlotDecisionBoundary, RendersPngAndSvg) {
  SKIP_WITHOUT_GNUPLOT();
  auto model = sign_of_x_model();
  const data::Dataset data(from_vector<float>({-1, 0, 1, 2, 0.5f, -1}, Shape{3, 2}),
                           from_vector<std::int64_t>({1, 0, 0}, Shape{3}));
  TempDir dir;
  plot_decision_boundary(*model, data, dir.path() / "d.png", {.resolution = 50});
  plot_decision_boundary(*model, data, dir.path() / "d.svg", {.resolution = 20});
  expect_image(dir.path() / "d.png");
  expect_image(dir.path() / "d.svg");
  EXPECT_EQ(dir.entries().size(), 2u);
}

}  // namespace
}  // namespace nabla::plot
