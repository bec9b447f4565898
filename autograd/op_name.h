// op_name: the op a node name belongs to, from the registry kOps (op_list.h),
// so that tools can tell which op a node is without spelling node names
// (each name occurs once in autograd/, at its rule).
#pragma once

#include <string>
#include <string_view>

namespace nabla::autograd {

/// Returns the first function kOps lists for `node_name` ("add" for
/// AddBackward's "add, operator+", "add(x, s)" for AddScalarBackward), or ""
/// for a node that no built-in op records (a custom function).
std::string op_name(std::string_view node_name);

}  // namespace nabla::autograd
