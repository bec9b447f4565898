#include "autograd/graph_export.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "autograd/explain_rules.h"
#include "autograd/kept_values.h"
#include "autograd/node.h"
#include "autograd/op_list.h"
#include "autograd/scope.h"
#include "tensor/error.h"

extern char** environ;  // POSIX: the environment passed on to dot

namespace nabla::autograd {

namespace {

// Fill colours: ops, leaves that require grad, named constants, the op whose
// rule ran last (frames); the colour of edges the gradient has travelled.
constexpr const char* kOpColor = "#fff2cc";
constexpr const char* kLeafColor = "#cfe2f3";
constexpr const char* kConstantColor = "#e6e6e6";
constexpr const char* kCurrentColor = "#f4b183";
constexpr const char* kVisitedColor = "#c00000";

// Text inside a DOT double-quoted string: backslashes and quotes escaped,
// newlines kept as line breaks, other control characters shown as spaces.
std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// "'h' [2, 3]" or "[2, 3]" (with " f64" when dtypes are shown).
std::string describe(const std::string& name, const Shape& shape, DType dtype, bool show_dtype) {
  std::ostringstream out;
  if (!name.empty()) out << "'" << name << "' ";
  out << shape;
  if (show_dtype) out << " " << dtype;
  return out.str();
}

class DotWriter {
 public:
  explicit DotWriter(const DotOptions& options)
      : options_(options), visited_(options.visited.begin(), options.visited.end()) {}

  std::string write(const Variable& root) {
    if (root.grad_fn() == nullptr) {
      const VariableImpl& v = *root.impl();
      declare_leaf("leaf0", v, v.name, v.value.shape(), v.value.dtype(), v.requires_grad, true);
    } else {
      walk(root.grad_fn().get());
    }
    std::ostringstream out;
    out << "digraph nabla {\n"
        << "  rankdir=" << options_.rankdir << ";\n"
        << "  node [fontname=\"Helvetica\", fontsize=11];\n"
        << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
    write_declarations(out);
    out << edges_.str() << "}\n";
    return out.str();
  }

 private:
  // One node statement, and the module it is drawn in (with module_clusters).
  struct Declaration {
    std::string text;
    const Scope* scope = nullptr;
    std::size_t leaf = kNotALeaf;  // a leaf's scope is settled once every use is seen
  };
  static constexpr std::size_t kNotALeaf = static_cast<std::size_t>(-1);

  // Breadth-first from the root; ids are handed out in discovery order.
  void walk(const Node* root) {
    std::vector<const Node*> queue{root};
    node_ids_.emplace(root, 0);
    const Node* last = visited_.empty() ? nullptr : options_.visited.back();
    for (std::size_t next = 0; next < queue.size(); ++next) {
      const Node& node = *queue[next];
      const std::string id = "op" + std::to_string(next);
      declare_op(id, node, next == 0, &node == last);
      const bool ran = visited_.count(&node) != 0;
      const EdgeList& inputs = node.inputs();
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Edge& edge = inputs[i];
        if (edge.absent) continue;  // an optional input that was not given (no bias)
        std::string source;
        bool constant = false;
        if (edge.node != nullptr) {
          auto [it, inserted] = node_ids_.emplace(edge.node.get(), queue.size());
          if (inserted) queue.push_back(edge.node.get());
          source = "op" + std::to_string(it->second);
        } else if (edge.variable != nullptr) {
          source = leaf_id(edge, node.scope());
          constant = !edge.needs_grad;
        } else {
          source = "const" + std::to_string(constants_++);
          declare_leaf(source, "constant", edge.shape(), edge.dtype);
          constant = true;
        }
        edges_ << "  " << source << " -> " << id;
        std::vector<std::string> attributes;
        if (inputs.size() > 1) attributes.push_back("label=\"" + std::to_string(i) + "\"");
        if (constant) attributes.emplace_back("style=dashed");
        if (ran && edge.needs_grad) {
          attributes.push_back(std::string("color=\"") + kVisitedColor + "\"");
          if (&node == last) attributes.emplace_back("penwidth=2.5");
        }
        for (std::size_t k = 0; k < attributes.size(); ++k)
          edges_ << (k == 0 ? " [" : ", ") << attributes[k];
        edges_ << (attributes.empty() ? ";\n" : "];\n");
      }
    }
  }

  // A leaf used by several ops (or twice by one) is drawn once, in the
  // innermost module holding all its uses.
  std::string leaf_id(const Edge& edge, const Scope* used_in) {
    auto [it, inserted] = leaf_ids_.emplace(edge.variable.get(), leaf_ids_.size());
    const std::string id = "leaf" + std::to_string(it->second);
    if (inserted) {
      const VariableImpl& v = *edge.variable;
      declare_leaf(id, v, v.name, edge.shape(), edge.dtype, edge.needs_grad, false);
      declarations_.back().leaf = it->second;
      leaf_scopes_.push_back(edge.needs_grad ? used_in : nullptr);
    } else {
      leaf_scopes_[it->second] = common_scope(leaf_scopes_[it->second], used_in);
    }
    return id;
  }

  static const Scope* common_scope(const Scope* a, const Scope* b) {
    for (const Scope* x = a; x != nullptr; x = x->parent)
      for (const Scope* y = b; y != nullptr; y = y->parent)
        if (x == y) return x;
    return nullptr;
  }

  void declare_op(const std::string& id, const Node& node, bool is_root, bool is_last) {
    std::string label = node.name();
    label += '\n';
    label += describe(node.output_name(), node.shape(), node.dtype(), options_.show_dtype);
    if (options_.show_values) label += "\nvalue: " + op_value(node);
    if (options_.show_grads) label += "\ngrad: " + op_grad(node);
    if (options_.show_rules) {
      const OpInfo* op = find_op(node.name());
      label += "\nrule: ";
      label += op != nullptr ? op->rule : "not in the op registry";
    }
    if (options_.show_saved) {
      label += '\n';
      label += saved_text(node);
    }
    std::ostringstream out;
    out << "  " << id << " [shape=box, style=\"rounded,filled\", fillcolor=\""
        << (is_last ? kCurrentColor : kOpColor) << "\", label=\"" << escape(label) << "\"";
    if (is_root) out << ", peripheries=2, penwidth=2";
    out << "];\n";
    declarations_.push_back({out.str(), node.scope()});
  }

  // A leaf or a named constant.
  void declare_leaf(const std::string& id,
                    const VariableImpl& v,
                    const std::string& name,
                    const Shape& shape,
                    DType dtype,
                    bool requires_grad,
                    bool is_root) {
    const bool parameter = options_.mark_parameters && requires_grad;
    std::string label;
    if (parameter) {
      label = "parameter\n";
    } else if (name.empty()) {
      label = requires_grad ? "leaf\n" : "constant\n";
    }
    label += describe(name, shape, dtype, options_.show_dtype);
    if (options_.show_values) label += "\nvalue: " + format_tensor(v.value, options_.value_format);
    if (options_.show_grads && requires_grad)
      label += "\ngrad: " +
               (v.grad.defined() ? format_tensor(v.grad, options_.value_format) : "none yet");
    const char* color = requires_grad ? kLeafColor : (name.empty() ? nullptr : kConstantColor);
    std::string style = color == nullptr ? "dashed" : (parameter ? "\"filled,bold\"" : "filled");
    emit_leaf(id, label, style, color, is_root);
  }

  // An unnamed constant: only its shape is known.
  void declare_leaf(const std::string& id,
                    const std::string& title,
                    const Shape& shape,
                    DType dtype) {
    emit_leaf(id, title + '\n' + describe("", shape, dtype, options_.show_dtype), "dashed", nullptr,
              false);
  }

  void emit_leaf(const std::string& id,
                 const std::string& label,
                 const std::string& style,
                 const char* color,
                 bool is_root) {
    std::ostringstream out;
    out << "  " << id << " [shape=ellipse, style=" << style << ", ";
    if (color != nullptr) out << "fillcolor=\"" << color << "\", ";
    out << "label=\"" << escape(label) << "\"";
    if (is_root) out << ", peripheries=2, penwidth=2";
    out << "];\n";
    declarations_.push_back({out.str(), nullptr});
  }

  std::string op_value(const Node& node) const {
    Tensor value = kept_value(node);
    if (!value.defined() && !node.released())
      value = detail::saved_output(node, node.saved_tensors());
    return value.defined() ? format_tensor(value, options_.value_format) : "not kept";
  }

  std::string op_grad(const Node& node) const {
    const Tensor grad = kept_grad(node);
    if (grad.defined()) return format_tensor(grad, options_.value_format);
    return keeps_values(node) ? "none yet" : "not kept";
  }

  static std::string saved_text(const Node& node) {
    if (node.released()) return "saved: released";
    const std::vector<Tensor> saved = node.saved_tensors();
    if (saved.empty()) return "saved: none";
    std::ostringstream out;
    out << "saved: ";
    for (std::size_t k = 0; k < saved.size(); ++k) out << (k ? ", " : "") << saved[k].shape();
    return out.str();
  }

  void write_declarations(std::ostringstream& out) {
    if (!options_.module_clusters) {
      for (const Declaration& d : declarations_) out << d.text;
      return;
    }
    // Clusters in order of first appearance; every enclosing module is one too.
    std::vector<const Scope*> order;
    std::unordered_map<const Scope*, std::vector<const Declaration*>> members;
    std::unordered_map<const Scope*, std::vector<const Scope*>> children;
    std::unordered_map<const Scope*, bool> known;
    for (Declaration& d : declarations_) {
      if (d.leaf != kNotALeaf) d.scope = leaf_scopes_[d.leaf];
      if (d.scope == nullptr) {
        out << d.text;
        continue;
      }
      members[d.scope].push_back(&d);
      for (const Scope* s = d.scope; s != nullptr && !known[s]; s = s->parent) {
        known[s] = true;
        if (s->parent == nullptr) {
          order.push_back(s);
        } else {
          children[s->parent].push_back(s);
        }
      }
    }
    std::size_t next_id = 0;
    for (const Scope* s : order) write_cluster(out, s, members, children, next_id, 1);
  }

  static void write_cluster(
      std::ostringstream& out,
      const Scope* scope,
      const std::unordered_map<const Scope*, std::vector<const Declaration*>>& members,
      const std::unordered_map<const Scope*, std::vector<const Scope*>>& children,
      std::size_t& next_id,
      int depth) {
    const std::string indent(2 * static_cast<std::size_t>(depth), ' ');
    out << indent << "subgraph cluster_" << next_id++ << " {\n"
        << indent << "  label=\"" << escape(scope->describe()) << "\";\n"
        << indent << "  style=\"rounded,dashed\";\n"
        << indent << "  color=\"#7f7f7f\";\n"
        << indent << "  fontname=\"Helvetica\";\n";
    if (auto it = members.find(scope); it != members.end())
      for (const Declaration* d : it->second) out << indent << d->text;
    if (auto it = children.find(scope); it != children.end())
      for (const Scope* child : it->second)
        write_cluster(out, child, members, children, next_id, depth + 1);
    out << indent << "}\n";
  }

  const DotOptions& options_;
  std::unordered_set<const Node*> visited_;
  std::vector<Declaration> declarations_;
  std::ostringstream edges_;
  std::unordered_map<const Node*, std::size_t> node_ids_;
  std::unordered_map<const VariableImpl*, std::size_t> leaf_ids_;
  std::vector<const Scope*> leaf_scopes_;
  std::size_t constants_ = 0;
};

// The -T format for an image path's extension.
std::string format_of(const std::string& image_path) {
  const std::string ext = std::filesystem::path(image_path).extension().string();
  if (ext == ".png" || ext == ".svg" || ext == ".pdf") return ext.substr(1);
  nabla::detail::throw_error("render_dot", "unsupported image format '", ext, "' of '", image_path,
                             "'; use .png, .svg or .pdf");
}

// Whether `path` can be created or overwritten, checked without touching it.
bool writable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path, ec)) return !fs::is_directory(path, ec) && ::access(path.c_str(), W_OK) == 0;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  return fs::is_directory(dir, ec) && ::access(dir.c_str(), W_OK | X_OK) == 0;
}

}  // namespace

std::string to_dot(const Variable& root, const DotOptions& options) {
  NABLA_CHECK(root.defined(), "to_dot", "the Variable is undefined");
  const std::string& dir = options.rankdir;
  NABLA_CHECK(dir == "BT" || dir == "TB" || dir == "LR" || dir == "RL", "to_dot", "rankdir '", dir,
              "' is not one of BT, TB, LR, RL");
  NABLA_CHECK(options.value_format.values_up_to >= 0, "to_dot",
              "value_format.values_up_to must be >= 0, got ", options.value_format.values_up_to);
  return DotWriter(options).write(root);
}

void write_dot(const Variable& root, const std::string& path, const DotOptions& options) {
  const std::string text = to_dot(root, options);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  NABLA_CHECK(file.is_open(), "write_dot", "cannot open '", path,
              "' for writing: ", std::strerror(errno));
  file << text;
  file.close();
  NABLA_CHECK(!file.fail(), "write_dot", "writing '", path, "' failed");
}

bool render_dot(const std::string& dot_path, const std::string& image_path) {
  const std::string format = "-T" + format_of(image_path);
  NABLA_CHECK(::access(dot_path.c_str(), R_OK) == 0 && !std::filesystem::is_directory(dot_path),
              "render_dot", "cannot read the DOT file '", dot_path, "'");
  NABLA_CHECK(writable(image_path), "render_dot", "cannot write the image '", image_path,
              "' (does its directory exist?)");

  // Run dot directly (no shell), so paths need no quoting; its stderr is
  // collected through a pipe and becomes part of the error message.
  std::vector<std::string> args{"dot", format, dot_path, "-o", image_path};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int pipe_fds[2];
  NABLA_CHECK(::pipe(pipe_fds) == 0, "render_dot", "pipe failed: ", std::strerror(errno));
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  ::posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  ::posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  pid_t pid = 0;
  const int spawn_error = ::posix_spawnp(&pid, "dot", &actions, nullptr, argv.data(), environ);
  ::posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  std::string messages;
  if (spawn_error == 0) {
    char buffer[512];
    ssize_t n = 0;
    while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) != 0) {
      if (n > 0)
        messages.append(buffer, static_cast<std::size_t>(n));
      else if (errno != EINTR)
        break;
    }
  }
  ::close(pipe_fds[0]);
  if (spawn_error == ENOENT) return false;  // Graphviz is not installed
  NABLA_CHECK(spawn_error == 0, "render_dot", "cannot run dot: ", std::strerror(spawn_error));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    NABLA_CHECK(errno == EINTR, "render_dot", "waiting for dot failed: ", std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return false;  // exec failed in the child
  while (!messages.empty() && messages.back() == '\n') messages.pop_back();
  NABLA_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "render_dot", "dot ", format, " '",
              dot_path, "' failed with status ",
              WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
              messages.empty() ? "" : ": ", messages);
  return true;
}

}  // namespace nabla::autograd
