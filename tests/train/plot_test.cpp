#include "train/plot.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "autograd/autograd.h"
#include "autograd/grad_mode.h"
#include "nn/linear.h"
#include "nn/module.h"
#include "temp_dir.h"
#include "tensor/factory.h"
#include "tensor/random.h"
#include "test_util.h"
#include "train/gnuplot.h"

namespace nabla::train {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::read_file;
using testing::TempDir;

// Checks that `path` is a PNG (its 8-byte signature) or an SVG document of
// more than a kilobyte (an empty plot with only axes is already larger).
void expect_image(const fs::path& path) {
  ASSERT_TRUE(fs::exists(path)) << path;
  const std::string bytes = read_file(path);
  EXPECT_GT(bytes.size(), 1000u) << path;
  if (path.extension() == ".png") {
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << path;
  } else {
    EXPECT_THAT(bytes, HasSubstr("<svg")) << path;
    EXPECT_THAT(bytes, HasSubstr("</svg>")) << path;
  }
}

#define SKIP_WITHOUT_GNUPLOT() \
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot is not on PATH"

// The text between "$name << EOD\n" and the next "EOD\n".
std::string datablock(const std::string& script, const std::string& name) {
  const std::string start = "$" + name + " << EOD\n";
  const std::size_t begin = script.find(start);
  if (begin == std::string::npos) return "<no datablock " + name + ">";
  const std::size_t body = begin + start.size();
  return script.substr(body, script.find("EOD\n", body) - body);
}

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

History three_epochs() {
  History h;
  const double loss[] = {2.0, 1.0, 0.5};
  const double val_loss[] = {2.5, 1.5, 1.25};
  const double acc[] = {0.5, 0.75, 0.875};
  const double val_acc[] = {0.25, 0.5, 0.625};
  for (int e = 0; e < 3; ++e) {
    Logs logs;
    logs.set("loss", loss[e]);
    logs.set("accuracy", acc[e]);
    logs.set("val_loss", val_loss[e]);
    logs.set("val_accuracy", val_acc[e]);
    logs.set("lr", 0.001);
    h.append(e, logs);
  }
  return h;
}

// ---- gnuplot helpers ----

TEST(GnuplotHelpers, QuotesAndChoosesTheTerminalFromTheExtension) {
  EXPECT_EQ(gnuplot_quote("it's a\\b"), "'it''s a\\b'");
  testing::expect_error([] { gnuplot_quote("two\nlines", "plot_x"); },
                        {"plot_x", "control character", "10"});
  EXPECT_EQ(gnuplot_terminal("a/b.png"), "pngcairo");
  EXPECT_EQ(gnuplot_terminal("a/b.SVG"), "svg");
  testing::expect_error([] { gnuplot_terminal("plot.jpg", "plot_history"); },
                        {"plot_history", ".jpg", "plot.jpg", ".png or .svg"});
  testing::expect_error([] { gnuplot_terminal("plot", "plot_history"); },
                        {"plot_history", "unsupported output format"});
  EXPECT_EQ(gnuplot_number(0.25), "0.25");
  EXPECT_EQ(gnuplot_number(-3), "-3");
  EXPECT_EQ(gnuplot_number(std::nan("")), "NaN");
  EXPECT_EQ(gnuplot_number(HUGE_VAL), "NaN");
}

TEST(GnuplotHelpers, OutputHeaderChecksSizeAndDirectory) {
  TempDir dir;
  const std::string header = gnuplot_output(dir.path() / "a.png", 320, 240);
  EXPECT_THAT(header, HasSubstr("set terminal pngcairo noenhanced size 320,240\n"));
  EXPECT_THAT(header, HasSubstr("set output '" + (dir.path() / "a.png").string() + "'\n"));
  EXPECT_THAT(gnuplot_output(dir.path() / "a.svg", 320, 240),
              HasSubstr("set terminal svg noenhanced size 320,240"));
  testing::expect_error([&] { gnuplot_output(dir.path() / "a.png", 0, 240, "plot_x"); },
                        {"plot_x", "0x240"});
  testing::expect_error(
      [&] { gnuplot_output(dir.path() / "missing" / "a.png", 320, 240, "plot_x"); },
      {"plot_x", "does not exist", "missing"});
}

TEST(GnuplotRun, MissingExecutableSaysToInstallGnuplot) {
  EXPECT_FALSE(gnuplot_available("nabla-no-such-gnuplot-program"));
  testing::expect_error(
      [] { run_gnuplot("print 1\n", "plot_history", "nabla-no-such-gnuplot-program"); },
      {"plot_history", "nabla-no-such-gnuplot-program", "not found", "gnuplot-nox"});
}

TEST(GnuplotRun, FailureReportsExitStatusAndStderrAndRemovesTheOutput) {
  SKIP_WITHOUT_GNUPLOT();
  testing::expect_error([] { run_gnuplot("plot nabla_undefined_function(x)\n"); },
                        {"run_gnuplot", "exit status", "undefined function"});
  TempDir dir;
  const fs::path out = dir.path() / "broken.png";
  const std::string script =
      gnuplot_output(out, 200, 200, "plot_x") + "plot nabla_undefined_function(x)\n";
  testing::expect_error([&] { render_gnuplot(script, out, "plot_x"); },
                        {"plot_x", "undefined function"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(GnuplotRun, EmptyScriptSucceedsWithoutOutput) {
  SKIP_WITHOUT_GNUPLOT();
  run_gnuplot("");  // must neither hang nor throw
  TempDir dir;
  const fs::path out = dir.path() / "none.png";
  testing::expect_error([&] { render_gnuplot("", out, "plot_x"); }, {"plot_x", "without writing"});
}

// ---- Training curves ----

TEST(HistoryScript, PairsTrainAndValidationSeriesPerMetric) {
  TempDir dir;
  const std::string s = history_script(three_epochs(), dir.path() / "h.png");
  // Panels in order of first appearance: loss (loss, val_loss), accuracy, lr.
  EXPECT_EQ(datablock(s, "history"),
            "# epoch loss val_loss accuracy val_accuracy lr\n"
            "1 2 2.5 0.5 0.25 0.001\n"
            "2 1 1.5 0.75 0.5 0.001\n"
            "3 0.5 1.25 0.875 0.625 0.001\n");
  // Three panels: two columns, two rows, 560 x 400 pixels each.
  EXPECT_THAT(s, HasSubstr("size 1120,800\n"));
  EXPECT_THAT(s, HasSubstr("set multiplot layout 2,2\n"));
  // The loss falls: its legend goes on top; the accuracy rises: legend below.
  EXPECT_THAT(s, HasSubstr("set title 'loss'\nset key top right\n"));
  EXPECT_THAT(s, HasSubstr("set title 'accuracy'\nset key bottom right\n"));
  EXPECT_THAT(s, HasSubstr("using 1:2 with linespoints lw 2 pt 7 ps 0.6 title 'loss', "
                           "$history using 1:3 with linespoints lw 2 pt 7 ps 0.6 "
                           "title 'val_loss'\n"));
  EXPECT_THAT(s, HasSubstr("using 1:4 with linespoints lw 2 pt 7 ps 0.6 title 'accuracy', "
                           "$history using 1:5 with linespoints lw 2 pt 7 ps 0.6 "
                           "title 'val_accuracy'\n"));
  EXPECT_THAT(s, HasSubstr("set title 'lr'\nset key top right\nset ylabel 'lr'\n"
                           "plot $history using 1:6 "));
  EXPECT_THAT(s, Not(HasSubstr("logscale")));
  EXPECT_THAT(s, HasSubstr("unset multiplot\n"));
}

TEST(HistoryScript, ChosenKeysResumedEpochsAndMissingValues) {
  History h;
  Logs a;
  a.set("loss", 4.0);
  Logs b;
  b.set("loss", 3.0);
  b.set("val_loss", 3.5);
  h.append(5, a);  // a run resumed at epoch 5 (0-based): plotted as epoch 6
  h.append(6, b);
  TempDir dir;
  const std::string s =
      history_script(h, dir.path() / "h.svg", {.keys = {"val_loss"}, .title = "run 2"});
  EXPECT_EQ(datablock(s, "history"), "# epoch val_loss\n6 NaN\n7 3.5\n");
  EXPECT_THAT(s, HasSubstr("set multiplot layout 1,1 title 'run 2'\n"));
  EXPECT_THAT(s, HasSubstr("size 560,400 "));
  EXPECT_THAT(s, HasSubstr("set title 'loss'\n"));
  EXPECT_THAT(s, Not(HasSubstr("title 'loss',")));
}

TEST(HistoryScript, LogScaleLeavesOutNonPositiveValues) {
  History h;
  const double loss[] = {1.0, 0.0, 0.01};
  for (int e = 0; e < 3; ++e) {
    Logs logs;
    logs.set("loss", loss[e]);
    logs.set("delta", -1.0);
    h.append(e, logs);
  }
  TempDir dir;
  const fs::path out = dir.path() / "h.png";
  const std::string s = history_script(h, out, {.keys = {"loss"}, .log_y = true});
  EXPECT_EQ(datablock(s, "history"), "# epoch loss\n1 1\n2 NaN\n3 0.01\n");
  EXPECT_THAT(s, HasSubstr("set logscale y\n"));
  testing::expect_error([&] { history_script(h, out, {.keys = {"delta"}, .log_y = true}); },
                        {"plot_history", "no finite, positive value", "delta"});
  // Among all keys, one with nothing to draw is left out.
  const std::string all = history_script(h, out, {.log_y = true});
  EXPECT_EQ(datablock(all, "history"), "# epoch loss\n1 1\n2 NaN\n3 0.01\n");
  EXPECT_THAT(all, Not(HasSubstr("delta")));
}

TEST(HistoryScript, Errors) {
  TempDir dir;
  const History h = three_epochs();
  testing::expect_error([&] { history_script(History{}, dir.path() / "h.png"); },
                        {"plot_history", "no epoch"});
  testing::expect_error([&] { history_script(h, dir.path() / "h.png", {.keys = {"f1"}}); },
                        {"plot_history", "'f1'", "loss, accuracy, val_loss, val_accuracy, lr"});
  testing::expect_error([&] { history_script(h, dir.path() / "h.pdf"); }, {"plot_history", ".pdf"});
  testing::expect_error([&] { history_script(h, dir.path() / "no" / "h.png"); },
                        {"plot_history", "does not exist"});
  testing::expect_error([&] { history_script(h, dir.path() / "h.png", {.title = "a\nb"}); },
                        {"plot_history", "control character"});
  History nan_only;
  Logs logs;
  logs.set("loss", std::nan(""));
  nan_only.append(0, logs);
  testing::expect_error([&] { history_script(nan_only, dir.path() / "h.png"); },
                        {"plot_history", "no finite value to plot in any of loss"});
  testing::expect_error([&] { history_script(nan_only, dir.path() / "h.png", {.keys = {"loss"}}); },
                        {"plot_history", "no finite value to plot for loss"});
}

TEST(PlotHistory, RendersPngAndSvgAndLeavesNoOtherFile) {
  SKIP_WITHOUT_GNUPLOT();
  TempDir dir;
  plot_history(three_epochs(), dir.path() / "h.png");
  plot_history(three_epochs(), dir.path() / "h.svg", {.log_y = true, .title = "log"});
  expect_image(dir.path() / "h.png");
  expect_image(dir.path() / "h.svg");
  EXPECT_THAT(read_file(dir.path() / "h.svg"), HasSubstr("val_accuracy"));
  EXPECT_EQ(dir.entries(), (std::vector<std::string>{"h.png", "h.svg"}));
}

// ---- Decision boundary ----

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

// ---- Confusion matrix ----

TEST(ConfusionMatrixScript, CountsInTheCellsWithRowZeroOnTop) {
  const Tensor cm = from_vector<std::int64_t>({5, 1, 2, 4}, Shape{2, 2});
  TempDir dir;
  const std::string s = confusion_matrix_script(cm, {"cat", "it's"}, dir.path() / "c.png");
  // "predicted true value count": cm[i][j] at column j, row i.
  EXPECT_EQ(datablock(s, "cm"),
            "# predicted true value count\n0 0 5 5\n1 0 1 1\n0 1 2 2\n1 1 4 4\n");
  EXPECT_THAT(s, HasSubstr("set xtics ('cat' 0, 'it''s' 1) rotate by -45\n"));
  EXPECT_THAT(s, HasSubstr("set ytics ('cat' 0, 'it''s' 1)\n"));
  EXPECT_THAT(s, HasSubstr("set yrange [1.5:-0.5]\n"));
  EXPECT_THAT(s, HasSubstr("set cbrange [0:5]\n"));
  EXPECT_THAT(s, HasSubstr("sprintf('%d', int($4))"));
  // Default names are the class indices (short: no rotation).
  const std::string t = confusion_matrix_script(cm, {}, dir.path() / "c.png");
  EXPECT_THAT(t, HasSubstr("set xtics ('0' 0, '1' 1)\n"));
}

TEST(ConfusionMatrixScript, NormalizedRows) {
  // Rows: [5, 1] sum 6, [0, 0] empty (stays 0), [2, 2] sum 4... as a 3x3:
  const Tensor cm = from_vector<std::int64_t>({5, 1, 0, 0, 0, 0, 2, 0, 2}, Shape{3, 3});
  TempDir dir;
  const std::string s = confusion_matrix_script(cm, {}, dir.path() / "c.svg", {.normalize = true});
  auto g = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.10g", v);
    return std::string(buffer);
  };
  const std::string expected =
      "# predicted true value count\n"
      "0 0 " +
      g(5.0 / 6.0) +
      " 5\n"
      "1 0 " +
      g(1.0 / 6.0) +
      " 1\n"
      "2 0 0 0\n"
      "0 1 0 0\n1 1 0 0\n2 1 0 0\n"
      "0 2 0.5 2\n1 2 0 0\n2 2 0.5 2\n";
  EXPECT_EQ(datablock(s, "cm"), expected);
  EXPECT_THAT(s, HasSubstr("set cbrange [0:1]\nM = 1\n"));
  EXPECT_THAT(s, HasSubstr("sprintf('%.2f', $3)"));
}

TEST(ConfusionMatrixScript, Errors) {
  TempDir dir;
  const fs::path out = dir.path() / "c.png";
  testing::expect_error(
      [&] {
        confusion_matrix_script(from_vector<std::int64_t>({1, 2, 3, 4, 5, 6}, Shape{2, 3}), {},
                                out);
      },
      {"plot_confusion_matrix", "square", "[2, 3]"});
  testing::expect_error(
      [&] {
        confusion_matrix_script(from_vector<float>({1, 2, 3, 4}, Shape{2, 2}), {}, out);
      },
      {"plot_confusion_matrix", "i64", "f32"});
  testing::expect_error(
      [&] {
        confusion_matrix_script(from_vector<std::int64_t>({1, -2, 3, 4}, Shape{2, 2}), {}, out);
      },
      {"plot_confusion_matrix", "negative count -2", "[0, 1]"});
  testing::expect_error(
      [&] {
        confusion_matrix_script(from_vector<std::int64_t>({1, 2, 3, 4}, Shape{2, 2}), {"a"}, out);
      },
      {"plot_confusion_matrix", "1 class names", "[2, 2]"});
  testing::expect_error([&] { confusion_matrix_script(Tensor{}, {}, out); },
                        {"plot_confusion_matrix", "undefined"});
}

TEST(PlotConfusionMatrix, RendersPngAndSvg) {
  SKIP_WITHOUT_GNUPLOT();
  const Tensor cm = from_vector<std::int64_t>({50, 3, 1, 4, 40, 6, 0, 2, 47}, Shape{3, 3});
  TempDir dir;
  plot_confusion_matrix(cm, {"T-shirt", "Trouser", "Pullover"}, dir.path() / "c.png");
  plot_confusion_matrix(cm, {}, dir.path() / "c.svg", {.normalize = true});
  expect_image(dir.path() / "c.png");
  expect_image(dir.path() / "c.svg");
  // Row 1 normalized: 40 / (4 + 40 + 6) = 0.80, written by gnuplot's sprintf.
  EXPECT_THAT(read_file(dir.path() / "c.svg"), HasSubstr(">0.80<"));
  EXPECT_EQ(dir.entries().size(), 2u);
}

// ---- First-layer weights ----

// W [4, 3] for 2x2 images; column u is unit u's image (pixels row-major):
//   unit 0: [1, -2, 0, 0.5]  / max|w| 2 -> [0.5, -1, 0, 0.25]
//   unit 1: [0, 0, 0, 0]     (stays 0)
//   unit 2: [3, 1, -1.5, 0]  / 3        -> [1, 0.3333, -0.5, 0]
Tensor small_weight() {
  return from_vector<double>({1, 0, 3, -2, 0, 1, 0, 0, -1.5, 0.5, 0, 0}, Shape{4, 3});
}

TEST(WeightGridScript, EachUnitScaledToItsOwnRangeAndTiled) {
  TempDir dir;
  const std::string s = weight_grid_script(small_weight(), dir.path() / "w.png",
                                           {.image_height = 2, .image_width = 2});
  // 3 units, ceil(sqrt(3)) = 2 columns, 2 rows; one-pixel NaN gaps: a 5x5 matrix.
  EXPECT_EQ(datablock(s, "weights"),
            "0.5 -1 NaN 0 0\n"
            "0 0.25 NaN 0 0\n"
            "NaN NaN NaN NaN NaN\n"
            "1 0.3333 NaN NaN NaN\n"
            "-0.5 0 NaN NaN NaN\n");
  EXPECT_THAT(s, HasSubstr("set xrange [-0.5:4.5]\nset yrange [4.5:-0.5]\n"));
  EXPECT_THAT(s, HasSubstr("set cbrange [-1:1]\n"));
  EXPECT_THAT(s, HasSubstr("plot $weights matrix with image"));
}

TEST(WeightGridScript, CountAndColumns) {
  TempDir dir;
  const fs::path out = dir.path() / "w.svg";
  // The first unit only: a 2x2 matrix.
  EXPECT_EQ(datablock(weight_grid_script(small_weight(), out,
                                         {.image_height = 2, .image_width = 2, .count = 1}),
                      "weights"),
            "0.5 -1\n0 0.25\n");
  // Three units in one row of three: 2 x (3·2 + 2).
  EXPECT_EQ(datablock(weight_grid_script(small_weight(), out,
                                         {.image_height = 2, .image_width = 2, .columns = 3}),
                      "weights"),
            "0.5 -1 NaN 0 0 NaN 1 0.3333\n0 0.25 NaN 0 0 NaN -0.5 0\n");
  // A 1x4 image shape reads the same column as one row.
  EXPECT_EQ(datablock(weight_grid_script(small_weight(), out,
                                         {.image_height = 1, .image_width = 4, .count = 1}),
                      "weights"),
            "0.5 -1 0 0.25\n");
}

TEST(WeightGridScript, Errors) {
  TempDir dir;
  const fs::path out = dir.path() / "w.png";
  testing::expect_error([&] { weight_grid_script(small_weight(), out); },
                        {"plot_weight_grid", "4 input features", "28x28", "784"});
  testing::expect_error(
      [&] {
        weight_grid_script(from_vector<double>({1, 2, 3, 4}), out,
                           {.image_height = 2, .image_width = 2});
      },
      {"plot_weight_grid", "[in_features, out_features]", "[4]"});
  testing::expect_error(
      [&] {
        weight_grid_script(from_vector<std::int64_t>({1, 2, 3, 4}, Shape{4, 1}), out,
                           {.image_height = 2, .image_width = 2});
      },
      {"plot_weight_grid", "floating"});
  testing::expect_error(
      [&] {
        weight_grid_script(small_weight(), out, {.image_height = 2, .image_width = 2, .count = 4});
      },
      {"plot_weight_grid", "count 4", "3 units"});
  testing::expect_error(
      [&] {
        weight_grid_script(small_weight(), out,
                           {.image_height = 2, .image_width = 2, .columns = -1});
      },
      {"plot_weight_grid", "columns -1"});
  testing::expect_error(
      [&] {
        weight_grid_script(small_weight(), dir.path() / "w.bmp",
                           {.image_height = 2, .image_width = 2});
      },
      {"plot_weight_grid", ".bmp"});
}

TEST(PlotWeightGrid, RendersALinearLayersWeights) {
  SKIP_WITHOUT_GNUPLOT();
  manual_seed(7);
  nn::Linear layer(784, 20);
  TempDir dir;
  plot_weight_grid(layer.weight.value(), dir.path() / "w.png", {.count = 16});
  plot_weight_grid(layer.weight.value(), dir.path() / "w.svg", {.columns = 5});
  expect_image(dir.path() / "w.png");
  expect_image(dir.path() / "w.svg");
  EXPECT_EQ(dir.entries().size(), 2u);
}

}  // namespace
}  // namespace nabla::train
