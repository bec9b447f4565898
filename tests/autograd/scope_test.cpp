// Module scopes: paths built from the names of the modules entered, one Scope
// per position, the current scope restored by the guard, and recorded on
// every node created inside.
#include "autograd/scope.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "autograd/elementwise.h"
#include "autograd/node.h"
#include "tensor/factory.h"
#include "test_util.h"

namespace nabla::autograd {
namespace {

TEST(Scope, PathsJoinTheNamesBelowTheOutermostModule) {
  const Scope* root = intern_scope(nullptr, "ignored", "Sequential");
  const Scope* block = intern_scope(root, "2", "Residual");
  const Scope* dense = intern_scope(block, "dense", "Linear");
  EXPECT_EQ(root->path, "");
  EXPECT_EQ(block->path, "2");
  EXPECT_EQ(dense->path, "2.dense");
  EXPECT_EQ(dense->parent, block);
  EXPECT_EQ(root->describe(), "Sequential");
  EXPECT_EQ(dense->describe(), "2.dense (Linear)");
  // A module not registered in its parent is named by its type.
  EXPECT_EQ(intern_scope(block, "", "Linear")->path, "2.<Linear>");
}

TEST(Scope, OneScopePerPosition) {
  const Scope* root = intern_scope(nullptr, "", "Model");
  EXPECT_EQ(intern_scope(nullptr, "other name", "Model"), root);
  EXPECT_EQ(intern_scope(root, "fc", "Linear"), intern_scope(root, "fc", "Linear"));
  EXPECT_NE(intern_scope(root, "fc", "Linear"), intern_scope(root, "fc2", "Linear"));
  EXPECT_NE(intern_scope(root, "fc", "Linear"), intern_scope(root, "fc", "Bilinear"));
}

TEST(Scope, TheGuardSetsAndRestoresTheCurrentScope) {
  EXPECT_EQ(current_scope(), nullptr);
  const Scope* root = intern_scope(nullptr, "", "Model");
  const Scope* fc = intern_scope(root, "fc", "Linear");
  try {
    ScopeGuard outer(root);
    EXPECT_EQ(current_scope(), root);
    {
      ScopeGuard inner(fc);
      EXPECT_EQ(current_scope(), fc);
    }
    EXPECT_EQ(current_scope(), root);
    ScopeGuard inner(fc);
    throw std::runtime_error("leave both scopes");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(current_scope(), nullptr);
}

TEST(Scope, NodesRecordTheScopeTheyWereCreatedIn) {
  Variable x = testing::leaf({1.0, 2.0}, {2});
  const Scope* fc = intern_scope(intern_scope(nullptr, "", "Model"), "fc", "Linear");
  Variable inside;
  {
    ScopeGuard guard(fc);
    inside = tanh(x);
  }
  Variable outside = exp(inside);
  ASSERT_NE(inside.grad_fn(), nullptr);
  EXPECT_EQ(inside.grad_fn()->scope(), fc);
  EXPECT_EQ(outside.grad_fn()->scope(), nullptr);
}

}  // namespace
}  // namespace nabla::autograd
