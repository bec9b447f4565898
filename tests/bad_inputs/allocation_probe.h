// How many bytes a call asks for, to check that a small input claiming a huge
// size is rejected before anything of that size is allocated.
//
// Why counting rather than an address-space limit: RLIMIT_AS counts the
// terabytes of shadow memory AddressSanitizer reserves, so no limit fits both
// builds; running the case in a forked child is unsafe once the kernels' thread
// pool has started; and an RSS limit misses an overcommitted allocation that is
// never touched. Counting every request sees each allocation whether it is
// touched, succeeds or fails: this executable replaces the global operator new
// (allocation_probe.cpp), through which every std::vector and std::string of
// the library allocates, and tensor buffers are counted by the buffer cache
// (AllocatorStats::requested_bytes).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>

namespace nabla::testing {

/// The bytes requested through the global operator new by every thread since
/// the program started.
std::uint64_t operator_new_bytes();

/// The bytes `f` asks for: through operator new on any thread and as tensor
/// buffers on this thread (`f` must not throw).
std::uint64_t bytes_requested_by(const std::function<void()>& f);

/// A bound far below what the bad inputs claim (gigabytes to terabytes) and
/// far above what checking a header of a few hundred bytes needs.
inline constexpr std::uint64_t kSmallAllocation = std::uint64_t{1} << 20;

/// expect_error(f, parts), and that the failing call asked for less than
/// kSmallAllocation bytes in all.
void expect_error_before_allocating(const std::function<void()>& f,
                                    std::initializer_list<std::string> parts);

}  // namespace nabla::testing
