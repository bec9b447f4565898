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
#include <vector>

#include "autograd/node.h"
#include "tensor/error.h"

extern char** environ;  // POSIX: the environment passed on to dot

namespace nabla::autograd {

namespace {

// Fill colours: ops, leaves that require grad, named constants.
constexpr const char* kOpColor = "#fff2cc";
constexpr const char* kLeafColor = "#cfe2f3";
constexpr const char* kConstantColor = "#e6e6e6";

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
  explicit DotWriter(const DotOptions& options) : options_(options) {}

  std::string write(const Variable& root) {
    if (root.grad_fn() == nullptr) {
      const VariableImpl& v = *root.impl();
      const std::string title = v.name.empty() ? (v.requires_grad ? "leaf" : "constant") : "";
      const char* color =
          v.requires_grad ? kLeafColor : (v.name.empty() ? nullptr : kConstantColor);
      declare_leaf("leaf0", title, v.name, v.value.shape(), v.value.dtype(), color, true);
    } else {
      walk(root.grad_fn().get());
    }
    std::ostringstream out;
    out << "digraph nabla {\n"
        << "  rankdir=" << options_.rankdir << ";\n"
        << "  node [fontname=\"Helvetica\", fontsize=11];\n"
        << "  edge [fontname=\"Helvetica\", fontsize=9];\n"
        << declarations_.str() << edges_.str() << "}\n";
    return out.str();
  }

 private:
  // Breadth-first from the root; ids are handed out in discovery order.
  void walk(const Node* root) {
    std::vector<const Node*> queue{root};
    node_ids_.emplace(root, 0);
    for (std::size_t next = 0; next < queue.size(); ++next) {
      const Node& node = *queue[next];
      const std::string id = "op" + std::to_string(next);
      declare_op(id, node, next == 0);
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
          source = leaf_id(edge);
          constant = !edge.needs_grad;
        } else {
          source = "const" + std::to_string(constants_++);
          declare_leaf(source, "constant", "", edge.shape, edge.dtype, nullptr, false);
          constant = true;
        }
        edges_ << "  " << source << " -> " << id;
        std::vector<std::string> attributes;
        if (inputs.size() > 1) attributes.push_back("label=\"" + std::to_string(i) + "\"");
        if (constant) attributes.emplace_back("style=dashed");
        for (std::size_t k = 0; k < attributes.size(); ++k)
          edges_ << (k == 0 ? " [" : ", ") << attributes[k];
        edges_ << (attributes.empty() ? ";\n" : "];\n");
      }
    }
  }

  // A leaf used by several ops (or twice by one) is drawn once.
  std::string leaf_id(const Edge& edge) {
    auto [it, inserted] = leaf_ids_.emplace(edge.variable.get(), leaf_ids_.size());
    const std::string id = "leaf" + std::to_string(it->second);
    if (inserted) {
      const VariableImpl& v = *edge.variable;
      declare_leaf(id, v.name.empty() ? "leaf" : "", v.name, edge.shape, edge.dtype,
                   edge.needs_grad ? kLeafColor : kConstantColor, false);
    }
    return id;
  }

  void declare_op(const std::string& id, const Node& node, bool is_root) {
    std::string label = node.name();
    label += '\n';
    label += describe(node.output_name(), node.shape(), node.dtype(), options_.show_dtype);
    if (options_.show_saved) {
      label += '\n';
      label += saved_text(node);
    }
    declarations_ << "  " << id << " [shape=box, style=\"rounded,filled\", fillcolor=\"" << kOpColor
                  << "\", label=\"" << escape(label) << "\"";
    if (is_root) declarations_ << ", peripheries=2, penwidth=2";
    declarations_ << "];\n";
  }

  // A leaf or constant: `title` is its first line ("leaf", "constant") when it
  // has no name; a null colour draws it unfilled and dashed (an unnamed constant).
  void declare_leaf(const std::string& id,
                    const std::string& title,
                    const std::string& name,
                    const Shape& shape,
                    DType dtype,
                    const char* color,
                    bool is_root) {
    std::string label = title.empty() ? std::string() : title + '\n';
    label += describe(name, shape, dtype, options_.show_dtype);
    declarations_ << "  " << id << " [shape=ellipse, ";
    if (color != nullptr) {
      declarations_ << "style=filled, fillcolor=\"" << color << "\", ";
    } else {
      declarations_ << "style=dashed, ";
    }
    declarations_ << "label=\"" << escape(label) << "\"";
    if (is_root) declarations_ << ", peripheries=2, penwidth=2";
    declarations_ << "];\n";
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

  const DotOptions& options_;
  std::ostringstream declarations_;
  std::ostringstream edges_;
  std::unordered_map<const Node*, std::size_t> node_ids_;
  std::unordered_map<const VariableImpl*, std::size_t> leaf_ids_;
  std::size_t constants_ = 0;
};

// The -T format for an image path's extension.
std::string format_of(const std::string& image_path) {
  const std::string ext = std::filesystem::path(image_path).extension().string();
  if (ext == ".png" || ext == ".svg" || ext == ".pdf") return ext.substr(1);
  detail::throw_error("render_dot", "unsupported image format '", ext, "' of '", image_path,
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
