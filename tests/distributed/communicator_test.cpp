// The collectives of Communicator on however many ranks the test runs on
// (CTest: 1, 2 and 3). Expected values are computed from the rank formulas in
// the comments; the deterministic sum is checked against a sum in rank order
// written out here, and for the same bytes on every rank.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "distributed/communicator.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace nabla::distributed {
namespace {

using testing::expect_error;
using testing::values;

Communicator world() {
  return Communicator::world();
}

// Every rank's bytes of `t` equal rank 0's.
void expect_same_bytes_everywhere(const Communicator& comm, const Tensor& t) {
  const Tensor all = comm.allgather(t);
  const std::size_t bytes = static_cast<std::size_t>(t.numel()) * t.element_size();
  const auto* base = static_cast<const unsigned char*>(all.raw_data());
  for (int q = 1; q < comm.size(); ++q)
    EXPECT_EQ(std::memcmp(base, base + q * bytes, bytes), 0) << "rank " << q << " differs";
}

TEST(Communicator, RankAndSize) {
  const Communicator comm = world();
  EXPECT_GE(comm.size(), 1);
  EXPECT_GE(comm.rank(), 0);
  EXPECT_LT(comm.rank(), comm.size());
  // Every handle of the world is the same communicator.
  EXPECT_EQ(world().rank(), comm.rank());
}

TEST(Communicator, AllreduceSumsEachDtype) {
  const Communicator comm = world();
  const double r = comm.rank();
  const double p = comm.size();
  // Rank r contributes (r + 1) * [1, 2, 3, 4, 5]: the sum is p(p+1)/2 * [1 .. 5].
  for (DType dtype : {DType::f32, DType::f64, DType::i64}) {
    Tensor t = mul(arange(1, 6, 1, dtype), full({}, r + 1, dtype));
    comm.allreduce_(t, ReduceOp::sum);
    const double s = p * (p + 1) / 2;
    EXPECT_EQ(values(t), (std::vector<double>{s, 2 * s, 3 * s, 4 * s, 5 * s})) << dtype;
  }
}

TEST(Communicator, AllreduceMean) {
  const Communicator comm = world();
  // Rank r contributes r: the mean is (p - 1) / 2.
  Tensor t = full({3, 2}, comm.rank(), DType::f64);
  comm.allreduce_(t, ReduceOp::mean);
  EXPECT_EQ(values(t), std::vector<double>(6, (comm.size() - 1) / 2.0));
}

TEST(Communicator, AllreduceOfAStridedView) {
  const Communicator comm = world();
  // A transposed view is reduced and written back through the view.
  Tensor base = full({2, 3}, 1.0, DType::f64);
  Tensor view = transpose(base, 0, 1);
  comm.allreduce_(view, ReduceOp::sum);
  EXPECT_EQ(values(base), std::vector<double>(6, comm.size()));
}

TEST(Communicator, AllreduceIsTheRankOrderSumOnEveryRank) {
  const Communicator comm = world();
  // Values of very different magnitudes, so that the order of the additions
  // changes the rounded result; fewer elements than ranks leave some chunks empty.
  for (std::int64_t n : {1, 2, 1000, 4097}) {
    Generator gen(1000 + static_cast<std::uint64_t>(comm.rank()));
    Tensor mine = mul(randn({n}, gen), full({}, comm.rank() % 2 == 0 ? 1e8 : 1e-3));
    const Tensor inputs = comm.allgather(mine);  // [p, n], every rank's input
    Tensor reduced = mine.clone();
    comm.allreduce_(reduced, ReduceOp::sum);
    // The reference: element by element, rank 0 + rank 1 + ... in f32.
    const std::vector<float> in = inputs.to_vector<float>();
    std::vector<float> expected(static_cast<std::size_t>(n), 0.0f);
    for (std::int64_t i = 0; i < n; ++i) {
      float s = in[static_cast<std::size_t>(i)];
      for (int q = 1; q < comm.size(); ++q) s += in[static_cast<std::size_t>(q * n + i)];
      expected[static_cast<std::size_t>(i)] = s;
    }
    EXPECT_EQ(reduced.to_vector<float>(), expected) << "n = " << n;
    expect_same_bytes_everywhere(comm, reduced);
  }
}

TEST(Communicator, NonBlockingAllreduce) {
  const Communicator comm = world();
  // Two reductions in flight at once, completed in the other order.
  Tensor a = full({300}, comm.rank() + 1, DType::f64);
  Tensor b = full({7}, 2.0 * comm.rank(), DType::f32);
  Work wa = comm.iallreduce_(a, ReduceOp::sum);
  Work wb = comm.iallreduce_(b, ReduceOp::mean);
  wb.wait();
  wa.wait();
  EXPECT_TRUE(wa.completed());
  EXPECT_TRUE(wa.test());
  const double p = comm.size();
  EXPECT_EQ(values(a), std::vector<double>(300, p * (p + 1) / 2));
  EXPECT_EQ(values(b), std::vector<double>(7, p - 1));
}

TEST(Communicator, Broadcast) {
  const Communicator comm = world();
  const int root = comm.size() - 1;
  // The last rank's [root, root+1, ...] reaches everyone.
  Tensor t =
      add(arange(0, 4, 1, DType::i64), full({}, comm.rank() == root ? root : -50, DType::i64));
  comm.broadcast_(t, root);
  EXPECT_EQ(values(t), (std::vector<double>{1.0 * root, root + 1.0, root + 2.0, root + 3.0}));
}

TEST(Communicator, Allgather) {
  const Communicator comm = world();
  // Rank r sends [r, 10 r]: the result is [[0, 0], [1, 10], ...].
  Tensor t = from_vector(std::vector<double>{1.0 * comm.rank(), 10.0 * comm.rank()}, Shape{2});
  const Tensor all = comm.allgather(t);
  EXPECT_EQ(all.shape(), (Shape{comm.size(), 2}));
  std::vector<double> expected;
  for (int q = 0; q < comm.size(); ++q) {
    expected.push_back(q);
    expected.push_back(10.0 * q);
  }
  EXPECT_EQ(values(all), expected);
  comm.barrier();
}

TEST(Communicator, RejectsMisuse) {
  const Communicator comm = world();
  Tensor labels = zeros({3}, DType::i64);
  expect_error([&] { comm.allreduce_(labels, ReduceOp::mean); },
               {"allreduce_", "a mean needs a floating tensor", "i64"});
  Tensor base = zeros({2, 3});
  expect_error([&] { (void)comm.iallreduce_(transpose(base, 0, 1)); },
               {"iallreduce_", "contiguous"});
  Tensor t = zeros({2});
  expect_error([&] { comm.broadcast_(t, comm.size()); }, {"broadcast_", "root", "is not a rank"});
  Tensor undefined;
  expect_error([&] { comm.allreduce_(undefined); }, "allreduce_");
}

TEST(Communicator, Timeout) {
  Communicator comm = world();
  // 10 minutes unless NABLA_MPI_TIMEOUT says otherwise.
  if (std::getenv("NABLA_MPI_TIMEOUT") == nullptr) {
    EXPECT_EQ(Communicator::default_timeout().count(), 600.0);
  }
  EXPECT_EQ(comm.timeout(), Communicator::default_timeout());
  comm.set_timeout(std::chrono::milliseconds(2500));
  EXPECT_EQ(comm.timeout().count(), 2.5);
  // Copies keep it; other handles of the world keep theirs.
  const Communicator copy = comm;
  EXPECT_EQ(copy.timeout().count(), 2.5);
  EXPECT_EQ(world().timeout(), Communicator::default_timeout());
  // Collectives with a short (but sufficient) timeout give the usual results.
  Tensor t = full({5}, 1.0, DType::f64);
  comm.allreduce_(t);
  EXPECT_EQ(values(t), std::vector<double>(5, comm.size()));
  comm.barrier();
  comm.set_timeout(Seconds(std::numeric_limits<double>::infinity()));  // no timeout
  EXPECT_TRUE(std::isinf(comm.timeout().count()));
  comm.barrier();
}

TEST(Communicator, RejectsABadTimeout) {
  Communicator comm = world();
  for (double bad : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN()}) {
    expect_error([&] { comm.set_timeout(Seconds(bad)); },
                 {"Communicator::set_timeout", "must be > 0 seconds"});
  }
  EXPECT_EQ(comm.timeout(), Communicator::default_timeout());  // left as it was
}

TEST(Communicator, ParsesTheTimeoutVariable) {
  EXPECT_EQ(detail::parse_timeout("600", "NABLA_MPI_TIMEOUT").count(), 600.0);
  EXPECT_EQ(detail::parse_timeout("2.5", "NABLA_MPI_TIMEOUT").count(), 2.5);
  EXPECT_EQ(detail::parse_timeout("1e3", "NABLA_MPI_TIMEOUT").count(), 1000.0);
  EXPECT_TRUE(std::isinf(detail::parse_timeout("inf", "NABLA_MPI_TIMEOUT").count()));
  for (const char* bad : {"", "0", "-5", "nan", "abc", "10s", " 10", "10 ", "2 minutes", "1e999"}) {
    expect_error(
        [&] { (void)detail::parse_timeout(bad, "NABLA_MPI_TIMEOUT"); },
        {"NABLA_MPI_TIMEOUT", "must be a number of seconds > 0", std::string("got '") + bad + "'"});
  }
}

}  // namespace
}  // namespace nabla::distributed
