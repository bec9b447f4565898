// nabla::Error, the one exception type of the library, and NABLA_CHECK, which
// builds its message ("op: what went wrong [values]") only when a check fails.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nabla {

/// Thrown for every misuse of the library. The message starts with the name of
/// the operation, followed by the offending values.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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
