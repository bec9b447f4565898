// Runs gnuplot as a child process with posix_spawnp. The script goes to the
// child's stdin through a socket (send with MSG_NOSIGNAL, so a child that
// exits early gives EPIPE instead of a SIGPIPE that would kill the caller);
// stderr comes back through a pipe. Both are served by one poll loop, so a
// child that fills the stderr pipe while the script is still being written
// cannot deadlock the two processes.
#include "plot/gnuplot.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "tensor/error.h"

extern char** environ;

namespace nabla::plot {
namespace {

// stderr is kept for the message only; a runaway child must not grow it without bound.
constexpr std::size_t kMaxStderr = 64 * 1024;

// Closes a descriptor once; -1 means already closed.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t first = 0;
  while (first < text.size() && std::isspace(static_cast<unsigned char>(text[first]))) ++first;
  return text.substr(first);
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Writes what is left of the script and reads stderr until the child closes
// it. Returns the stderr text.
std::string exchange(int in_fd, int err_fd, std::string_view script) {
  std::string err;
  std::size_t written = 0;
  bool in_open = !script.empty();
  bool err_open = true;
  if (!in_open) ::shutdown(in_fd, SHUT_WR);
  while (err_open) {
    pollfd fds[2];
    nfds_t n = 0;
    fds[n++] = {err_fd, POLLIN, 0};
    if (in_open) fds[n++] = {in_fd, POLLOUT, 0};
    const int ready = ::poll(fds, n, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (in_open && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const std::size_t chunk = std::min<std::size_t>(script.size() - written, 64 * 1024);
      const ssize_t w = ::send(in_fd, script.data() + written, chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        written += static_cast<std::size_t>(w);
        if (written == script.size()) in_open = false;
      } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        in_open = false;  // the child stopped reading (it exited); its status tells why
      }
      if (!in_open) ::shutdown(in_fd, SHUT_WR);
    }
    if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
      char buffer[4096];
      const ssize_t r = ::read(err_fd, buffer, sizeof buffer);
      if (r > 0) {
        const std::size_t keep = std::min(static_cast<std::size_t>(r), kMaxStderr - err.size());
        err.append(buffer, keep);
      } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
        err_open = false;
      }
    }
  }
  // gnuplot closes stderr only when it exits, so the script has been consumed
  // or abandoned by now; close our end so a child still reading sees EOF.
  ::shutdown(in_fd, SHUT_WR);
  return err;
}

}  // namespace

bool gnuplot_available(const std::string& executable) {
  if (executable.empty()) return false;
  if (executable.find('/') != std::string::npos) return ::access(executable.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view dirs(path);
  while (true) {
    const std::size_t colon = dirs.find(':');
    // An empty entry of $PATH means the current directory.
    std::string candidate(colon == 0 ? std::string_view(".") : dirs.substr(0, colon));
    candidate += '/';
    candidate += executable;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    dirs.remove_prefix(colon + 1);
  }
}

void run_gnuplot(std::string_view script, std::string_view op, const std::string& executable) {
  NABLA_CHECK(!executable.empty(), op, "empty gnuplot executable name");
  int in_pair[2];
  NABLA_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) == 0, op,
              "cannot create a socket for gnuplot's input: ", std::strerror(errno));
  Fd in_parent(in_pair[0]), in_child(in_pair[1]);
  int err_pipe[2];
  NABLA_CHECK(::pipe2(err_pipe, O_CLOEXEC) == 0, op,
              "cannot create a pipe for gnuplot's errors: ", std::strerror(errno));
  Fd err_parent(err_pipe[0]), err_child(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  // dup2 clears close-on-exec on the target descriptors only; every other
  // descriptor of ours stays closed in the child.
  ::posix_spawn_file_actions_adddup2(&actions, in_child.get(), STDIN_FILENO);
  ::posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  ::posix_spawn_file_actions_adddup2(&actions, err_child.get(), STDERR_FILENO);
  std::vector<char> name(executable.begin(), executable.end());
  name.push_back('\0');
  char* argv[] = {name.data(), nullptr};
  pid_t pid = -1;
  const int spawn_error = ::posix_spawnp(&pid, name.data(), &actions, nullptr, argv, environ);
  ::posix_spawn_file_actions_destroy(&actions);
  in_child.reset();
  err_child.reset();
  NABLA_CHECK(spawn_error != ENOENT, op, "'", executable,
              "' was not found on PATH; plots are rendered by gnuplot: install it "
              "(Debian: apt-get install gnuplot-nox)");
  NABLA_CHECK(spawn_error == 0, op, "cannot start '", executable,
              "': ", std::strerror(spawn_error));

  const std::string err = exchange(in_parent.get(), err_parent.get(), script);
  in_parent.reset();
  err_parent.reset();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    NABLA_CHECK(errno == EINTR, op, "waiting for '", executable,
                "' failed: ", std::strerror(errno));
  }
  NABLA_CHECK(!WIFSIGNALED(status), op, "'", executable, "' was killed by signal ",
              WTERMSIG(status), "; its errors: ", trimmed(err));
  NABLA_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, op, "'", executable,
              "' failed with exit status ", WEXITSTATUS(status), ": ", trimmed(err));
}

std::string gnuplot_quote(std::string_view text, std::string_view op) {
  std::string out = "'";
  for (const char c : text) {
    NABLA_CHECK(!std::iscntrl(static_cast<unsigned char>(c)), op,
                "text for the plot contains a control character (code ",
                static_cast<int>(static_cast<unsigned char>(c)), "): \"", text, "\"");
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string gnuplot_terminal(const std::filesystem::path& path, std::string_view op) {
  const std::string extension = lowercase(path.extension().string());
  if (extension == ".png") return "pngcairo";
  if (extension == ".svg") return "svg";
  NABLA_CHECK(false, op, "unsupported output format '", path.extension().string(), "' of ", path,
              "; use a .png or .svg path");
  return {};
}

std::string gnuplot_output(const std::filesystem::path& path,
                           int width,
                           int height,
                           std::string_view op) {
  const std::string terminal = gnuplot_terminal(path, op);
  NABLA_CHECK(width >= 16 && width <= 16384 && height >= 16 && height <= 16384, op, "image size ",
              width, "x", height, " is outside [16, 16384] pixels");
  const std::filesystem::path parent = path.parent_path();
  std::error_code ec;
  NABLA_CHECK(parent.empty() || std::filesystem::is_directory(parent, ec), op, "the directory of ",
              path, " does not exist");
  std::string out = "set terminal " + terminal + " noenhanced size " + std::to_string(width) + "," +
                    std::to_string(height);
  // Without "dynamic" the svg terminal writes fixed-size pixels; with it the
  // image scales to its container, as a figure in a document should.
  if (terminal == "svg") out += " dynamic background rgb 'white'";
  out += "\nset output " + gnuplot_quote(path.string(), op) + "\n";
  return out;
}

void render_gnuplot(std::string_view script,
                    const std::filesystem::path& path,
                    std::string_view op,
                    const std::string& executable) {
  try {
    run_gnuplot(script, op, executable);
  } catch (const Error&) {
    // "set output" has already truncated the file; an empty image is no result.
    std::error_code ec;
    std::filesystem::remove(path, ec);
    throw;
  }
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  NABLA_CHECK(!ec && size > 0, op, "gnuplot exited without writing ", path);
}

std::string gnuplot_title(const std::string& title, std::string_view op) {
  return title.empty() ? "unset title\n" : "set title " + gnuplot_quote(title, op) + "\n";
}

std::string gnuplot_number(double value) {
  if (!std::isfinite(value)) return "NaN";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return buffer;
}

}  // namespace nabla::plot
