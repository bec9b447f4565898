#include "autograd/op_name.h"

#include "autograd/op_list.h"

namespace nabla::autograd {

std::string op_name(std::string_view node_name) {
  for (const OpInfo& op : kOps) {
    if (op.node != node_name) continue;
    // The list is comma-separated; a comma inside parentheses separates arguments.
    int depth = 0;
    for (std::size_t i = 0; i < op.functions.size(); ++i) {
      const char c = op.functions[i];
      depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      if (c == ',' && depth == 0) return std::string(op.functions.substr(0, i));
    }
    return std::string(op.functions);
  }
  return "";
}

}  // namespace nabla::autograd
