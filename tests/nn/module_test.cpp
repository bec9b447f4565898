#include "nn/module.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "autograd/elementwise.h"
#include "autograd/linalg.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "module_gradcheck.h"
#include "nn/identity.h"
#include "nn/linear.h"
#include "nn/mode_guard.h"
#include "nn/sequential.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::nn {
namespace {

using ::testing::ElementsAre;
using testing::expect_error;
using ::testing::HasSubstr;
using testing::values;

// A minimal hand-written layer: y = x W + b.
class Affine : public Module {
 public:
  Affine(std::int64_t in, std::int64_t out) {
    weight = register_parameter("weight", full({in, out}, 0.5));
    bias = register_parameter("bias", zeros({out}));
    count = register_buffer("count", zeros({1}));
  }
  Variable forward(const Variable& x) override { return matmul(x, weight) + bias; }
  std::string extra_repr() const override { return "in=" + std::to_string(weight.size(0)); }

  Variable weight, bias;
  Variable count;
};

class Block : public Module {
 public:
  Block() {
    dense = register_module("dense", std::make_shared<Affine>(3, 2));
    scale = register_parameter("scale", ones({2}));
  }
  Variable forward(const Variable& x) override { return (*dense)(x)*scale; }

  std::shared_ptr<Affine> dense;
  Variable scale;
};

class Net : public Module {
 public:
  Net() {
    block1 = register_module("block1", std::make_shared<Block>());
    block2 = register_module("block2", std::make_shared<Block>());
  }
  Variable forward(const Variable& x) override { return (*block1)(x) + (*block2)(x); }

  std::shared_ptr<Block> block1, block2;
};

// Net written with handles: forward reads block1(x) + block2(x).
class HandleNet : public Module {
 public:
  HandleNet()
      : block1(register_module("block1", std::make_shared<Block>())),
        block2(register_module("block2", std::make_shared<Block>())) {}
  Variable forward(const Variable& x) override { return block1(x) + block2(x); }

  Submodule<Block> block1, block2;
};

std::vector<std::string> names_of(const auto& entries) {
  std::vector<std::string> names;
  for (const auto& entry : entries) names.push_back(entry.first);
  return names;
}

TEST(Module, NamedParametersUseDottedPathsInRegistrationOrder) {
  Net net;
  EXPECT_THAT(names_of(net.named_parameters()),
              ElementsAre("block1.scale", "block1.dense.weight", "block1.dense.bias",
                          "block2.scale", "block2.dense.weight", "block2.dense.bias"));
  EXPECT_THAT(names_of(net.named_parameters(/*recurse=*/false)), ElementsAre());
  EXPECT_THAT(names_of(net.named_buffers()),
              ElementsAre("block1.dense.count", "block2.dense.count"));
  EXPECT_THAT(names_of(net.named_children()), ElementsAre("block1", "block2"));
  EXPECT_THAT(names_of(net.named_modules()),
              ElementsAre("", "block1", "block1.dense", "block2", "block2.dense"));
  EXPECT_EQ(net.num_parameters(), 2 * (2 + 6 + 2));
}

TEST(Module, MemberAndRegistryShareTheParameter) {
  Net net;
  Variable w = net.parameter("block2.dense.weight");
  EXPECT_EQ(w.impl(), net.block2->dense->weight.impl());
  EXPECT_TRUE(w.requires_grad());
  EXPECT_EQ(w.name(), "weight");
}

TEST(Module, RejectsBadNames) {
  Affine m(2, 2);
  EXPECT_THROW(m.register_parameter("", zeros({1})), Error);
  EXPECT_THROW(m.register_parameter("a.b", zeros({1})), Error);
  EXPECT_THROW(m.register_buffer("weight", zeros({1})), Error);
  EXPECT_THROW(m.register_module("bias", std::make_shared<Affine>(1, 1)), Error);
  try {
    m.register_parameter("weight", zeros({1}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'weight' is already registered in Affine"));
  }
}

TEST(Module, TrainEvalReachesEveryDescendant) {
  Net net;
  net.eval();
  for (const auto& [path, m] : net.named_modules()) EXPECT_FALSE(m->is_training()) << path;
  net.train();
  EXPECT_TRUE(net.block2->dense->is_training());
}

TEST(Module, CallRunsForwardAndZeroGradDropsGradients) {
  Net net;
  Variable y = net(ones({4, 3}));
  // Each block gives 3 · 0.5 = 1.5 per output; two blocks: 3.
  EXPECT_THAT(y.value().to_vector<float>(), ::testing::Each(3.0f));
  sum(y).backward();
  EXPECT_TRUE(net.block1->dense->weight.grad().defined());
  net.zero_grad();
  for (const auto& p : net.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Module, StateDictRoundTripCopiesInPlace) {
  Net a, b;
  a.block1->dense->weight.value().fill_(2.0);
  a.block2->dense->count.value().fill_(7.0);
  Tensor held = b.block1->dense->weight.value();
  b.load_state_dict(a.state_dict());
  EXPECT_THAT(held.to_vector<float>(), ::testing::Each(2.0f));
  EXPECT_THAT(b.block2->dense->count.value().to_vector<float>(), ElementsAre(7.0f));
  EXPECT_THAT(a.state_dict().keys(),
              ElementsAre("block1.scale", "block1.dense.weight", "block1.dense.bias",
                          "block1.dense.count", "block2.scale", "block2.dense.weight",
                          "block2.dense.bias", "block2.dense.count"));
}

TEST(Module, StrictLoadListsEveryMismatchAtOnce) {
  Net net;
  StateDict state = net.state_dict().clone();
  StateDict broken;
  for (const auto& [key, value] : state) {
    if (key == "block1.scale") continue;  // missing
    if (key == "block2.dense.weight")
      broken.insert(key, zeros({2, 3}));  // wrong shape
    else
      broken.insert(key, value);
  }
  broken.insert("block3.weight", zeros({1}));  // unexpected
  net.block1->dense->bias.value().fill_(5.0);
  try {
    net.load_state_dict(broken);
    FAIL();
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_THAT(what, HasSubstr("missing keys (1): block1.scale"));
    EXPECT_THAT(what, HasSubstr("unexpected keys (1): block3.weight"));
    EXPECT_THAT(what, HasSubstr("block2.dense.weight: expected [3, 2] f32, got [2, 3] f32"));
  }
  // Nothing was copied.
  EXPECT_THAT(net.block1->dense->bias.value().to_vector<float>(), ::testing::Each(5.0f));
}

// A state from a file may hold any number of keys, of any length: the
// message lists at most 20 per kind, each quoted in part.
TEST(Module, LoadStateDictMessagesStayShortForHugeStates) {
  Net net;
  StateDict state;
  for (int k = 0; k < 30000; ++k) state.insert("extra" + std::to_string(k), zeros({1}));
  state.insert(std::string(100000, 'x'), zeros({1}));
  state.insert("block1.scale", zeros({7}));  // wrong shape
  try {
    net.load_state_dict(state);
    FAIL();
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_LT(what.size(), 4000u) << what.substr(0, 400);
    EXPECT_THAT(what, HasSubstr("unexpected keys (30001): extra0; extra1;"));
    EXPECT_THAT(what, HasSubstr("... and 29981 more"));
    EXPECT_THAT(what, HasSubstr("missing keys (7): block1.dense.weight;"));
    EXPECT_THAT(what, HasSubstr("block1.scale: expected [2] f32, got [7] f32"));
  }
  StateDict long_name;
  long_name.insert(std::string(100000, 'y'), zeros({1}));
  expect_error([&] { net.load_state_dict(long_name); },
               {"unexpected keys (1): yyyyyyyy", "... (100000 bytes);"});
}

TEST(Module, NonStrictLoadIgnoresMissingAndUnexpectedKeys) {
  Net net;
  StateDict partial;
  partial.insert("block1.scale", full({2}, 3.0));
  partial.insert("head.weight", zeros({1}));
  net.load_state_dict(partial, /*strict=*/false);
  EXPECT_THAT(net.block1->scale.value().to_vector<float>(), ElementsAre(3.0f, 3.0f));
  partial.insert("block2.scale", zeros({5}));
  EXPECT_THROW(net.load_state_dict(partial, /*strict=*/false), Error);
}

TEST(Module, ToConvertsParametersAndBuffersSeenThroughMembers) {
  Net net;
  net.to(DType::f64);
  EXPECT_EQ(net.block1->dense->weight.dtype(), DType::f64);
  EXPECT_EQ(net.block1->dense->count.dtype(), DType::f64);
  EXPECT_EQ(net.parameter("block2.scale").dtype(), DType::f64);
  EXPECT_EQ(net.buffer("block2.dense.count").dtype(), DType::f64);
  EXPECT_THROW(net.to(DType::i64), Error);
}

TEST(Module, GradcheckOfANestedModule) {
  Net net;
  Generator gen(3);
  for (auto& p : net.parameters()) p.value().copy_(randn(p.shape(), gen));
  EXPECT_MODULE_GRADCHECK(net, randn({4, 3}, gen));
}

TEST(Module, PrintsTheTree) {
  Net net;
  std::ostringstream out;
  out << net;
  EXPECT_EQ(out.str(),
            "Net(\n"
            "  (block1): Block(\n"
            "    (dense): Affine(in=3)\n"
            "  )\n"
            "  (block2): Block(\n"
            "    (dense): Affine(in=3)\n"
            "  )\n"
            ")");
}

TEST(Module, ForwardHooksSeeInputAndOutput) {
  Affine m(3, 2);
  Shape seen;
  int id = m.register_forward_hook([&](Module&, const Variable& x, const Variable& y) {
    seen = y.shape();
    (void)x;
  });
  m(ones({5, 3}));
  EXPECT_EQ(seen, Shape({5, 2}));
  m.remove_forward_hook(id);
  m(ones({1, 3}));
  EXPECT_EQ(seen, Shape({5, 2}));
}

TEST(Module, RegularizationLossSumsKernelAndActivityPenalties) {
  Net net;
  net.block1->dense->set_regularizer("weight", l2(0.1));   // 0.1 · 6 · 0.25 = 0.15
  net.block2->dense->set_regularizer("weight", l1(0.01));  // 0.01 · 6 · 0.5 = 0.03
  net.block1->set_activity_regularizer(l1(1.0));           // Σ|1.5| over [2, 2] / 2 = 3
  EXPECT_TRUE(net.has_regularization());
  net(ones({2, 3}));
  EXPECT_NEAR(net.regularization_loss().item<double>(), 0.15 + 0.03 + 3.0, 1e-5);
  // A second outermost call replaces the activity penalty instead of adding to it.
  net(ones({2, 3}));
  EXPECT_NEAR(net.regularization_loss().item<double>(), 0.15 + 0.03 + 3.0, 1e-5);
  EXPECT_THROW(net.block1->set_regularizer("kernel", l2(0.1)), Error);
  EXPECT_THROW(net.block1->set_regularizer("scale", l2(-1.0)), Error);
}

TEST(Module, RegularizationLossIsZeroWithoutPenalties) {
  Net net;
  EXPECT_FALSE(net.has_regularization());
  EXPECT_EQ(net.regularization_loss().item<double>(), 0.0);
}

TEST(TrainingModeGuard, RestoresTheModeAlsoOnAnException) {
  Linear layer(2, 1);
  {
    TrainingModeGuard guard(layer, false);
    EXPECT_FALSE(layer.is_training());
  }
  EXPECT_TRUE(layer.is_training());
  layer.eval();
  try {
    TrainingModeGuard guard(layer, true);
    EXPECT_TRUE(layer.is_training());
    throw Error("boom");
  } catch (const Error&) {
  }
  EXPECT_FALSE(layer.is_training());
}

TEST(ParameterDtype, FirstFloatingParameterOrF32) {
  EXPECT_EQ(parameter_dtype(Linear(2, 1, {.dtype = DType::f64})), DType::f64);
  EXPECT_EQ(parameter_dtype(Linear(2, 1)), DType::f32);
  EXPECT_EQ(parameter_dtype(Identity()), DType::f32);  // no parameters
}

TEST(Submodule, CallsTheModuleAndReachesItsMembers) {
  HandleNet net;
  net.block2->scale.value().fill_(2.0);
  // Each block on ones [1, 3]: 3 · 0.5 = 1.5 per output, times its scale (1 and 2).
  EXPECT_THAT(values(net.block1(ones({1, 3})).value()), ElementsAre(1.5, 1.5));
  EXPECT_THAT(values(net(ones({1, 3})).value()), ElementsAre(4.5, 4.5));
  EXPECT_EQ(net.block1->dense->weight.shape(), (Shape{3, 2}));
  EXPECT_EQ((*net.block2).scale.shape(), (Shape{2}));
  // The call goes through the module's operator(), so its hooks run.
  int calls = 0;
  net.block1->register_forward_hook([&](Module&, const Variable&, const Variable&) { ++calls; });
  net.block1(ones({1, 3}));
  EXPECT_EQ(calls, 1);
}

TEST(Submodule, RegistrationSharesTheModule) {
  HandleNet net;
  auto extra = std::make_shared<Block>();
  Submodule<Block> handle = net.register_module("extra", extra);
  EXPECT_EQ(handle.get(), extra.get());
  EXPECT_TRUE(handle == extra);
  EXPECT_EQ(net.named_children().back().second.get(), extra.get());
  // A change through the handle is a change of the model.
  handle->scale.value().fill_(3.0);
  EXPECT_THAT(values(net.parameter("extra.scale").value()), ElementsAre(3.0, 3.0));
  // It converts to a shared_ptr of the module or of a base, and to a handle on a base.
  std::shared_ptr<Block> as_pointer = handle;
  std::shared_ptr<Module> as_base = handle;
  Submodule<Module> base_handle = handle;
  EXPECT_EQ(as_pointer.get(), extra.get());
  EXPECT_EQ(as_base.get(), static_cast<Module*>(extra.get()));
  EXPECT_TRUE(base_handle == handle);
  // A std::shared_ptr member can still keep what register_module returns.
  std::shared_ptr<Affine> kept = net.register_module("kept", std::make_shared<Affine>(1, 1));
  EXPECT_EQ(net.named_children().back().second.get(), kept.get());
  // Registering a handle registers the module behind it, shared, not copied.
  HandleNet other;
  Submodule<Block> again = other.register_module("shared", handle);
  EXPECT_EQ(again.get(), extra.get());
  EXPECT_EQ(other.parameter("shared.scale").impl(), net.parameter("extra.scale").impl());
}

TEST(Submodule, NullHandleThrowsInsteadOfCrashing) {
  Submodule<Linear> empty;
  EXPECT_FALSE(empty);
  EXPECT_TRUE(empty == nullptr);
  EXPECT_EQ(empty.get(), nullptr);
  expect_error([&] { empty(ones({1, 2})); }, {"Submodule", "operator()", "null handle", "Linear"});
  expect_error([&] { (void)empty->weight; }, {"Submodule", "operator->", "Linear"});
  expect_error([&] { (void)*empty; }, {"Submodule", "operator*", "Linear"});
  HandleNet net;
  expect_error([&] { net.register_module("missing", empty); }, {"register_module", "null"});
}

// Collects the scope paths of the nodes of the graph behind `y`, by node name.
std::vector<std::string> node_scopes(const Variable& y) {
  std::vector<std::string> out;
  std::vector<std::shared_ptr<Node>> todo{y.grad_fn()};
  while (!todo.empty()) {
    std::shared_ptr<Node> node = todo.back();
    todo.pop_back();
    if (node == nullptr) continue;
    out.push_back(std::string(node->name()) + "@" +
                  (node->scope() == nullptr ? "-" : node->scope()->describe()));
    for (const Edge& edge : node->inputs()) todo.push_back(edge.node);
  }
  return out;
}

TEST(ModuleScope, EveryNodeKnowsTheModuleThatRecordedIt) {
  // A Sequential holding a Linear and a Residual whose body is a Linear.
  struct Block : Module {
    Block() : dense(register_module("dense", std::make_shared<Linear>(3, 3))) {}
    Variable forward(const Variable& x) override { return x + dense(x); }
    Submodule<Linear> dense;
  };
  Sequential model;
  model.add(Linear(2, 3));
  model.add(std::make_shared<Block>());
  Variable y = model(ones({4, 2}));
  Variable loss = sum(y);  // outside every module
  const std::vector<std::string> scopes = node_scopes(loss);
  EXPECT_THAT(scopes,
              ::testing::ElementsAre("SumBackward@-", "AddBackward@1 (Block)",
                                     "LinearBackward@1.dense (Linear)", "LinearBackward@0 (Linear)",
                                     "LinearBackward@0 (Linear)"));
  EXPECT_EQ(autograd::current_scope(), nullptr);
}

TEST(ModuleScope, AModuleCalledOnItsOwnIsTheOutermostScope) {
  Linear fc(2, 1);
  Variable y = fc(ones({1, 2}));
  ASSERT_NE(y.grad_fn()->scope(), nullptr);
  EXPECT_EQ(y.grad_fn()->scope()->path, "");
  EXPECT_EQ(y.grad_fn()->scope()->describe(), "Linear");
}

TEST(ModuleScope, TheScopeIsLeftWhenForwardThrows) {
  Linear fc(2, 1);
  EXPECT_THROW(fc(ones({1, 3})), Error);
  EXPECT_EQ(autograd::current_scope(), nullptr);
}

}  // namespace
}  // namespace nabla::nn
