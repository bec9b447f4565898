// nabla::Error, the one exception type of the library, and NABLA_CHECK, which
// builds its message ("op: what went wrong [values]") only when a check fails.
// An Error raised inside a module's call also carries where it happened (the
// module path and the line that called the model); nn::Module adds that on the
// way out, the tensor layer only holds it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <version>
#if defined(__cpp_lib_source_location)
#include <source_location>
#endif

namespace nabla {

#if defined(__cpp_lib_source_location)
/// A line of source code, as the default argument of a call records its
/// caller's: std::source_location.
using SourceLocation = std::source_location;
#else
/// Clang before 15 (Debian 12's) cannot compile libstdc++'s
/// std::source_location, which needs __builtin_source_location: the same
/// members from the builtins it has (column() is 0). As a default argument,
/// current() records the line of the call that uses it, as the standard one.
class SourceLocation {
 public:
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          const char* function = __builtin_FUNCTION(),
                                          std::uint_least32_t line = __builtin_LINE()) noexcept {
    SourceLocation where;
    where.file_ = file;
    where.function_ = function;
    where.line_ = line;
    return where;
  }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return 0; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
};
#endif

/// Where in a model an Error was raised: the innermost module whose call was
/// under way, and the outermost module's call in the caller's code.
struct ErrorContext {
  /// The innermost module's dotted path from the outermost one ("2.dense");
  /// "" when the outermost module raised it itself.
  std::string module_path;
  /// The innermost module's type ("Linear").
  std::string module_type;
  /// The outermost module's type ("Sequential").
  std::string model_type;
  /// Where the outermost module was called (`model(x)` in the caller's code).
  std::string file;
  std::uint_least32_t line = 0;
  std::string function;

  /// "2.dense (Linear), inside the Sequential called at main.cpp:12", or
  /// "the Mlp called at main.cpp:12" when the outermost module raised it.
  std::string describe() const;
};

/// Thrown for every misuse of the library. The message starts with the name of
/// the operation, followed by the offending values. Raised inside a module's
/// call, what() adds a second line naming the module and the call:
///   matmul: inner dimensions differ: [4, 3] x [5, 2]
///     in 2.dense (Linear), inside the Sequential called at main.cpp:12
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;

  /// The message, followed by the module context when there is one.
  const char* what() const noexcept override;
  /// The message as raised, without the module context.
  const char* message() const noexcept { return std::runtime_error::what(); }
  /// Where in a model the error was raised; null when it was raised outside
  /// every module's call.
  const ErrorContext* context() const noexcept { return context_.get(); }

  /// Names the module the error was raised in, unless one is named already
  /// (the innermost module names itself first, on the way out). Called by
  /// nn::Module.
  void set_module(std::string_view path, std::string_view type);
  /// Records the call of the outermost module: `model_type` called at `where`
  /// (an outer call, seen later on the way out, replaces an inner one).
  /// Called by nn::Module.
  void set_call_site(std::string_view model_type, const SourceLocation& where);

 private:
  // The context and the full text are immutable once built and shared, so
  // copying an Error stays noexcept, as copying an exception should.
  void set_context(ErrorContext context);

  std::shared_ptr<const ErrorContext> context_;
  std::shared_ptr<const std::string> full_;
};

/// At most this many bytes of a text read from a file (a name, a field, a
/// value) are quoted in a message: a hostile or corrupted file may hold
/// megabytes where a name belongs, and the message must stay readable.
inline constexpr std::size_t kMaxQuotedBytes = 64;

/// `text` cut to at most `limit` bytes at a UTF-8 character boundary, with
/// "... (<n> bytes)" appended when it was cut.
std::string shorten(std::string_view text, std::size_t limit = kMaxQuotedBytes);

namespace detail {

/// Formats "op: part1part2..." and throws nabla::Error. Kept out of line of the
/// caller's hot path by NABLA_CHECK.
template <class... Parts>
[[noreturn]] [[gnu::cold]] [[gnu::noinline]] void throw_error(std::string_view op,
                                                              const Parts&... parts) {
  std::ostringstream out;
  out << op << ": ";
  (out << ... << parts);
  throw Error(out.str());
}

}  // namespace detail
}  // namespace nabla

/// Throws nabla::Error("op: <parts...>") unless `cond` holds. The parts are
/// streamed with operator<<, so shapes and dtypes print readably.
#define NABLA_CHECK(cond, op, ...)                   \
  do {                                               \
    if (!(cond)) [[unlikely]]                        \
      ::nabla::detail::throw_error(op, __VA_ARGS__); \
  } while (0)
