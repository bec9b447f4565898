// The catalogue of bad inputs, autograd layer: backward through a freed graph,
// from a non-scalar without a gradient or with one of the wrong shape, from a
// Variable with nothing to differentiate; gradients and requires_grad that do
// not fit the value; recorded ops with bad operands; a saved tensor changed in
// place before backward (version counters, tests/autograd/saved_version_test.cpp).
#include <cstdint>
#include <vector>

#include "autograd/elementwise.h"
#include "autograd/linalg.h"
#include "autograd/nn_ops.h"
#include "autograd/reduce.h"
#include "autograd/shape_ops.h"
#include "autograd/variable.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla {
namespace {

using testing::expect_error;
using testing::leaf;

TEST(BadInputs_Autograd, BackwardTwiceWithoutRetainGraph) {
  Variable x = leaf({1, 2, 3}, {3});
  Variable y = sum(mul(x, x));
  y.backward();
  expect_error([&] { y.backward(); }, {"backward", "second time", "SumBackward", "retain_graph"});
}

TEST(BadInputs_Autograd, InPlaceChangeOfASavedInputBeforeBackward) {
  Variable x = leaf({1, 2}, {2});
  Variable w = leaf({3, 4}, {2}, "w");
  Variable y = sum(mul(x, w));
  w.value().mul_(0.5);
  expect_error([&] { y.backward(); }, {"MulBackward", "modified in place", "input 1 'w' (leaf)",
                                       "is at version 1", "saved at version 0"});
}

TEST(BadInputs_Autograd, InPlaceChangeOfASavedOutputBeforeBackward) {
  Variable x = leaf({-1, 2}, {2});
  Variable y = sigmoid(x);  // SigmoidBackward saves its output
  y.value().fill_(0.5);
  expect_error([&] { sum(y).backward(); },
               {"SigmoidBackward", "the op's output", "is at version 1", "saved at version 0"});
}

TEST(BadInputs_Autograd, NonScalarBackwardWithoutAGradient) {
  Variable x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Variable y = exp(x);
  expect_error([&] { y.backward(); }, {"backward", "one-element", "[2, 3]"});
}

TEST(BadInputs_Autograd, BackwardGradientOfTheWrongShape) {
  Variable x = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Variable y = exp(x);
  expect_error([&] { y.backward(ones({3, 2}, DType::f64)); }, {"backward", "[3, 2]", "[2, 3]"});
}

TEST(BadInputs_Autograd, BackwardOfAVariableWithNothingToDifferentiate) {
  Variable c(from_vector<double>({1.0}));
  c.set_name("constant");
  expect_error([&] { c.backward(); }, {"backward", "'constant'", "does not require grad"});
}

TEST(BadInputs_Autograd, BackwardOfAnUndefinedVariable) {
  Variable undefined;
  expect_error([&] { undefined.backward(); }, {"undefined"});
}

TEST(BadInputs_Autograd, RequiresGradOnI64) {
  expect_error([] { Variable(from_vector<std::int64_t>({1, 2}), true); }, {"Variable", "i64"});
  Variable v(from_vector<std::int64_t>({1, 2}));
  expect_error([&] { v.set_requires_grad(true); }, {"set_requires_grad", "i64"});
}

TEST(BadInputs_Autograd, RequiresGradOnAnUndefinedTensor) {
  expect_error([] { Variable(Tensor(), true); }, {"Variable", "undefined"});
}

TEST(BadInputs_Autograd, SetGradOfTheWrongShapeOrDtype) {
  Variable x = leaf({1, 2, 3}, {3}, "weights");
  expect_error([&] { x.set_grad(zeros({4}, DType::f64)); },
               {"set_grad", "[4]", "[3]", "'weights'"});
  expect_error([&] { x.set_grad(zeros({3}, DType::f32)); }, {"set_grad", "f32", "f64"});
}

TEST(BadInputs_Autograd, SetRequiresGradOnANonLeaf) {
  Variable x = leaf({1, 2}, {2});
  Variable y = exp(x);
  expect_error([&] { y.set_requires_grad(false); }, {"set_requires_grad"});
}

TEST(BadInputs_Autograd, RetainGradOrHookOnAConstant) {
  Variable c(from_vector<double>({1.0, 2.0}));
  expect_error([&] { c.retain_grad(); }, {"retain_grad", "does not require grad"});
  expect_error([&] { c.register_hook([](const Tensor& g) { return g; }); },
               {"register_hook", "does not require grad"});
}

TEST(BadInputs_Autograd, RemoveAnUnknownHook) {
  Variable x = leaf({1, 2}, {2});
  expect_error([&] { x.remove_hook(7); }, {"remove_hook", "7"});
}

TEST(BadInputs_Autograd, HookThatChangesTheGradientShape) {
  Variable x = leaf({1, 2}, {2});
  Variable y = exp(x);
  y.register_hook([](const Tensor&) { return zeros({3}, DType::f64); });
  expect_error([&] { sum(y).backward(); }, {"register_hook", "[3]", "[2]"});
}

TEST(BadInputs_Autograd, RecordedOpsCheckTheirOperands) {
  Variable a = leaf({1, 2, 3, 4, 5, 6}, {2, 3});
  Variable b = leaf({1, 2, 3, 4}, {4});
  expect_error([&] { add(a, b); }, {"add", "[2, 3]", "[4]"});
  expect_error([&] { matmul(a, a); }, {"matmul", "[2, 3]"});
  expect_error([&] { reshape(a, {4}); }, {"reshape", "[4]", "6"});
  expect_error([&] { softmax(a, 2); }, {"softmax", "dim 2"});
  expect_error([&] { sum(a, {0, 0}); }, {"sum", "more than once"});
}

TEST(BadInputs_Autograd, GradientsOfAnUndefinedVariable) {
  Variable undefined;
  expect_error([&] { exp(undefined); }, {"undefined"});
}

}  // namespace
}  // namespace nabla
