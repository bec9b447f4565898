#include "tensor/random.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numbers>
#ifdef __AVX512F__
#include <immintrin.h>
#endif

#include "tensor/dispatch.h"
#include "tensor/factory.h"
#include "tensor/parallel.h"

namespace nabla {
namespace {

// Philox 4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011).
constexpr std::uint32_t kMul0 = 0xD2511F53u;
constexpr std::uint32_t kMul1 = 0xCD9E8D57u;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9u;
constexpr std::uint32_t kWeyl1 = 0xBB67AE85u;

inline void philox(std::uint64_t counter, std::uint64_t key, std::uint32_t out[4]) {
  std::uint32_t c0 = static_cast<std::uint32_t>(counter);
  std::uint32_t c1 = static_cast<std::uint32_t>(counter >> 32);
  std::uint32_t c2 = 0, c3 = 0;
  std::uint32_t k0 = static_cast<std::uint32_t>(key);
  std::uint32_t k1 = static_cast<std::uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t{kMul0} * c0;
    const std::uint64_t p1 = std::uint64_t{kMul1} * c2;
    const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3 ^ k1;
    c1 = static_cast<std::uint32_t>(p1);
    c3 = static_cast<std::uint32_t>(p0);
    c0 = n0;
    c2 = n2;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

// Uniform in [0, 1) with 24 (float) or 53 (double) random bits.
inline float to_unit_f(std::uint32_t x) {
  return static_cast<float>(x >> 8) * 0x1.0p-24f;
}
inline double to_unit_d(std::uint32_t hi, std::uint32_t lo) {
  return static_cast<double>(((std::uint64_t{hi} << 32) | lo) >> 11) * 0x1.0p-53;
}

// Counter blocks generated together. Philox's rounds run on GCC vector types
// of eight 64-bit lanes, each holding one 32-bit state word of one block
// (a 32 x 32 -> 64-bit product per lane), so a batch is a few dozen vector
// instructions per round instead of a scalar loop per block.
constexpr std::int64_t kLanes = 8;
constexpr std::int64_t kBatchBlocks = 2 * kLanes;
using Lanes [[gnu::vector_size(kLanes * 8)]] = std::uint64_t;

// The full 64-bit products of lanes holding 32-bit values. GCC lowers a plain
// 64-bit lane product to vpmullq (three micro-ops); AVX-512's vpmuludq does a
// 32 x 32 -> 64-bit product in one.
// Only the low 32 bits of `a` are used, so the rounds below leave garbage in
// the upper halves of their lanes and mask once at the end.
// (Arguments by reference: passing a 64-byte vector by value has a different
// ABI with and without AVX-512, which GCC warns about.)
inline void mul32(const Lanes& a, std::uint64_t b, Lanes& product) {
#ifdef __AVX512F__
  // The zero-masked form: GCC 12 warns about the plain one's undefined pass-through.
  product = reinterpret_cast<Lanes>(_mm512_maskz_mul_epu32(
      0xff, reinterpret_cast<__m512i>(a), _mm512_set1_epi64(static_cast<long long>(b))));
#else
  product = (a & 0xffffffffu) * b;
#endif
}

// Lanes k .. k + 3 of a and b interleaved: a[k], b[k], a[k+1], b[k+1], ...
// GCC and Clang spell the two-vector shuffle differently.
template <int k>
inline Lanes interleave(const Lanes& a, const Lanes& b) {
#if defined(__clang__)
  return __builtin_shufflevector(a, b, k, k + 8, k + 1, k + 9, k + 2, k + 10, k + 3, k + 11);
#else
  return __builtin_shuffle(a, b, Lanes{k, k + 8, k + 1, k + 9, k + 2, k + 10, k + 3, k + 11});
#endif
}

// The outputs of counter blocks counter .. counter + kBatchBlocks - 1 in
// stream order (block j's four words at words[4j .. 4j + 3]), exactly as
// philox() gives them one block at a time.
inline void philox_batch(std::uint64_t counter, std::uint64_t key, std::uint32_t* words) {
  constexpr std::uint64_t kLow = 0xffffffffu;
  const Lanes lane = {0, 1, 2, 3, 4, 5, 6, 7};
  Lanes c0[2], c1[2], c2[2], c3[2];
  for (int h = 0; h < 2; ++h) {
    const Lanes c = counter + static_cast<std::uint64_t>(h * kLanes) + lane;
    c0[h] = c & kLow;
    c1[h] = c >> 32;
    c2[h] = Lanes{};
    c3[h] = Lanes{};
  }
  std::uint64_t k0 = key & kLow;
  std::uint64_t k1 = key >> 32;
  for (int round = 0; round < 10; ++round) {
    for (int h = 0; h < 2; ++h) {
      Lanes p0, p1;
      mul32(c0[h], kMul0, p0);
      mul32(c2[h], kMul1, p1);
      const Lanes n0 = (p1 >> 32) ^ c1[h] ^ k0;
      const Lanes n2 = (p0 >> 32) ^ c3[h] ^ k1;
      c1[h] = p1;  // its low half is the state word
      c3[h] = p0;
      c0[h] = n0;
      c2[h] = n2;
    }
    k0 = (k0 + kWeyl0) & kLow;
    k1 = (k1 + kWeyl1) & kLow;
  }
  for (int h = 0; h < 2; ++h) {
    c0[h] &= kLow;
    c1[h] &= kLow;
    c2[h] &= kLow;
    c3[h] &= kLow;
    if constexpr (std::endian::native == std::endian::little) {
      // Words 0, 1 and 2, 3 of a block packed into one 64-bit lane each, then
      // the two lanes of each block stored next to each other.
      const Lanes w01 = c0[h] | (c1[h] << 32);
      const Lanes w23 = c2[h] | (c3[h] << 32);
      const Lanes first = interleave<0>(w01, w23);
      const Lanes second = interleave<4>(w01, w23);
      std::memcpy(words + 4 * h * kLanes, &first, sizeof first);
      std::memcpy(words + 4 * h * kLanes + 2 * kLanes, &second, sizeof second);
    } else {
      for (std::int64_t j = 0; j < kLanes; ++j) {
        std::uint32_t* w = words + 4 * (h * kLanes + j);
        w[0] = static_cast<std::uint32_t>(c0[h][j]);
        w[1] = static_cast<std::uint32_t>(c1[h][j]);
        w[2] = static_cast<std::uint32_t>(c2[h][j]);
        w[3] = static_cast<std::uint32_t>(c3[h][j]);
      }
    }
  }
}

// Fills `n` values, kPerBlock from each counter block: produce(words, first,
// count) writes values first .. first + count - 1 from `words`, the outputs of
// their blocks in stream order (value first's block starts at words[0]).
// Blocks are generated kBatchBlocks at a time; a value depends only on its
// block's counter, never on the batching or the threads.
template <int kPerBlock, class F>
void fill_batches(Generator& gen, std::int64_t n, F produce) {
  const auto blocks = static_cast<std::uint64_t>((n + kPerBlock - 1) / kPerBlock);
  const std::uint64_t start = gen.reserve(blocks);
  const std::uint64_t key = gen.initial_seed();
  // Chunks start at multiples of kBatchBlocks so that batches never straddle two.
  const std::int64_t batches =
      (static_cast<std::int64_t>(blocks) + kBatchBlocks - 1) / kBatchBlocks;
  parallel_for(0, batches, kParallelGrain / (kPerBlock * kBatchBlocks),
               [&](std::int64_t b, std::int64_t e) {
                 alignas(64) std::uint32_t words[4 * kBatchBlocks];
                 for (std::int64_t batch = b; batch < e; ++batch) {
                   const std::int64_t block = batch * kBatchBlocks;
                   philox_batch(start + static_cast<std::uint64_t>(block), key, words);
                   const std::int64_t first = block * kPerBlock;
                   produce(words, first, std::min(kPerBlock * kBatchBlocks, n - first));
                 }
               });
}

// fill_batches with produce(block_words, first, count) called once per block
// (count <= kPerBlock), for value formulas that read a block at a time.
template <int kPerBlock, class F>
void fill_blocks(Generator& gen, std::int64_t n, F produce) {
  fill_batches<kPerBlock>(gen, n,
                          [&](const std::uint32_t* words, std::int64_t first, std::int64_t count) {
                            for (std::int64_t j = 0; j * kPerBlock < count; ++j)
                              produce(words + 4 * j, first + j * kPerBlock,
                                      std::min<std::int64_t>(kPerBlock, count - j * kPerBlock));
                          });
}

// Writes uniform [0,1) values into contiguous `p`.
template <class T>
void uniform_fill(T* p, std::int64_t n, Generator& gen) {
  if constexpr (std::is_same_v<T, double>) {
    fill_blocks<2>(gen, n, [p](const std::uint32_t* r, std::int64_t i, std::int64_t k) {
      for (std::int64_t j = 0; j < k; ++j) p[i + j] = to_unit_d(r[2 * j], r[2 * j + 1]);
    });
  } else {
    fill_blocks<4>(gen, n, [p](const std::uint32_t* r, std::int64_t i, std::int64_t k) {
      for (std::int64_t j = 0; j < k; ++j) p[i + j] = static_cast<T>(to_unit_f(r[j]));
    });
  }
}

// Writes standard normal values (Box-Muller) into contiguous `p`.
template <class T>
void normal_fill(T* p, std::int64_t n, Generator& gen) {
  constexpr double kTwoPi = 2.0 * std::numbers::pi;
  if constexpr (std::is_same_v<T, double>) {
    // Two doubles per block -> one Box-Muller pair.
    fill_blocks<2>(gen, n, [p](const std::uint32_t* r, std::int64_t i, std::int64_t k) {
      const double u1 = 1.0 - to_unit_d(r[0], r[1]);  // (0, 1]: log is finite
      const double u2 = to_unit_d(r[2], r[3]);
      const double radius = std::sqrt(-2.0 * std::log(u1));
      p[i] = radius * std::cos(kTwoPi * u2);
      if (k > 1) p[i + 1] = radius * std::sin(kTwoPi * u2);
    });
  } else {
    fill_blocks<4>(gen, n, [p](const std::uint32_t* r, std::int64_t i, std::int64_t k) {
      for (std::int64_t pair = 0; pair < 2 && 2 * pair < k; ++pair) {
        const float u1 = 1.0f - to_unit_f(r[2 * pair]);
        const float u2 = to_unit_f(r[2 * pair + 1]);
        const float radius = std::sqrt(-2.0f * std::log(u1));
        p[i + 2 * pair] = static_cast<T>(radius * std::cos(static_cast<float>(kTwoPi) * u2));
        if (2 * pair + 1 < k)
          p[i + 2 * pair + 1] = static_cast<T>(radius * std::sin(static_cast<float>(kTwoPi) * u2));
      }
    });
  }
}

}  // namespace

Generator::Generator(std::uint64_t seed) : seed_(seed) {}
Generator::Generator(const Generator& other)
    : seed_(other.initial_seed()), offset_(other.offset()) {}
Generator& Generator::operator=(const Generator& other) {
  seed_.store(other.initial_seed(), std::memory_order_relaxed);
  offset_.store(other.offset());
  return *this;
}

void Generator::seed(std::uint64_t seed) {
  seed_.store(seed, std::memory_order_relaxed);
  offset_.store(0);
}

void Generator::block(std::uint64_t counter, std::uint32_t out[4]) const {
  philox(counter, initial_seed(), out);
}

Generator& default_generator() {
  static Generator gen;
  return gen;
}

void manual_seed(std::uint64_t seed) {
  default_generator().seed(seed);
}

Tensor rand(const Shape& shape, DType dtype) {
  return rand(shape, default_generator(), dtype);
}
// rand and randn fill a fresh tensor directly: it starts at version 0, as
// every factory's result does.
Tensor rand(const Shape& shape, Generator& gen, DType dtype) {
  Tensor t = empty(shape, dtype);
  dispatch_floating(dtype, "rand", [&]<class T>() { uniform_fill(t.data<T>(), t.numel(), gen); });
  return t;
}
Tensor randn(const Shape& shape, DType dtype) {
  return randn(shape, default_generator(), dtype);
}
Tensor randn(const Shape& shape, Generator& gen, DType dtype) {
  Tensor t = empty(shape, dtype);
  dispatch_floating(dtype, "randn", [&]<class T>() { normal_fill(t.data<T>(), t.numel(), gen); });
  return t;
}

Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape) {
  return randint(low, high, shape, default_generator());
}
Tensor randint(std::int64_t low, std::int64_t high, const Shape& shape, Generator& gen) {
  NABLA_CHECK(low < high, "randint", "empty range [", low, ", ", high, ")");
  Tensor t = empty(shape, DType::i64);
  auto* p = t.data<std::int64_t>();
  // Subtract in unsigned arithmetic: high - low overflows int64 for very wide ranges.
  const std::uint64_t range = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  // 64 random bits per value; the modulo bias is below 2^-40 for ranges under 2^24.
  fill_blocks<2>(gen, t.numel(), [&](const std::uint32_t* r, std::int64_t i, std::int64_t k) {
    for (std::int64_t j = 0; j < k; ++j) {
      const std::uint64_t x = (std::uint64_t{r[2 * j]} << 32) | r[2 * j + 1];
      p[i + j] = static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + x % range);
    }
  });
  return t;
}

Tensor bernoulli(const Shape& shape, double p, DType dtype) {
  return bernoulli(shape, p, default_generator(), dtype);
}
Tensor bernoulli(const Shape& shape, double p, Generator& gen, DType dtype) {
  NABLA_CHECK(p >= 0.0 && p <= 1.0, "bernoulli", "probability must be in [0, 1], got ", p);
  Tensor t = empty(shape, dtype);
  // Compare 32 random bits with p scaled to 2^32: one block gives four draws.
  // For an integer r, r < p 2^32 exactly when r < ceil(p 2^32), an integer
  // compare (2^32 for p = 1, so every draw is kept).
  const auto bound = static_cast<std::uint64_t>(std::ceil(p * 4294967296.0));
  // Below 2^32 the compare fits 32-bit lanes; 2^32 (p = 1) keeps every draw.
  const bool keep_all = bound > 0xffffffffu;
  const auto bound32 = static_cast<std::uint32_t>(keep_all ? 0 : bound);
  dispatch(dtype, [&]<class T>() {
    T* out = t.data<T>();
    // One word per draw, so a whole batch is one vectorisable loop.
    fill_batches<4>(gen, t.numel(), [&](const std::uint32_t* r, std::int64_t i, std::int64_t k) {
      if (keep_all) {
        for (std::int64_t j = 0; j < k; ++j) out[i + j] = T(1);
      } else {
        for (std::int64_t j = 0; j < k; ++j) out[i + j] = r[j] < bound32 ? T(1) : T(0);
      }
    });
  });
  return t;
}

Tensor randperm(std::int64_t n) {
  return randperm(n, default_generator());
}
Tensor randperm(std::int64_t n, Generator& gen) {
  NABLA_CHECK(n >= 0, "randperm", "n must be non-negative, got ", n);
  Tensor t = arange(static_cast<double>(n), DType::i64);
  if (n < 2) return t;
  auto* p = t.data<std::int64_t>();
  // Fisher-Yates with one 64-bit draw per position.
  Tensor draws = randint(0, std::int64_t{1} << 62, Shape{n}, gen);
  const auto* d = draws.data<std::int64_t>();
  for (std::int64_t i = n - 1; i > 0; --i) std::swap(p[i], p[d[i] % (i + 1)]);
  return t;
}

Tensor& uniform_(Tensor& t, double low, double high) {
  return uniform_(t, low, high, default_generator());
}
Tensor& uniform_(Tensor& t, double low, double high, Generator& gen) {
  check_defined(t, "uniform_");
  NABLA_CHECK(low <= high, "uniform_", "low ", low, " is greater than high ", high);
  dispatch_floating(t.dtype(), "uniform_", [&]<class T>() {
    Tensor c = t.is_contiguous() ? t : empty(t.shape(), t.dtype());
    uniform_fill(c.data<T>(), c.numel(), gen);
    if (low != 0.0 || high != 1.0) c.mul_(high - low).add_(low);
    if (!c.shares_storage(t)) t.copy_(c);
  });
  t.bump_version();
  return t;
}

Tensor& normal_(Tensor& t, double mean, double std) {
  return normal_(t, mean, std, default_generator());
}
Tensor& normal_(Tensor& t, double mean, double std, Generator& gen) {
  check_defined(t, "normal_");
  NABLA_CHECK(std >= 0.0, "normal_", "standard deviation must be non-negative, got ", std);
  dispatch_floating(t.dtype(), "normal_", [&]<class T>() {
    Tensor c = t.is_contiguous() ? t : empty(t.shape(), t.dtype());
    normal_fill(c.data<T>(), c.numel(), gen);
    if (mean != 0.0 || std != 1.0) c.mul_(std).add_(mean);
    if (!c.shares_storage(t)) t.copy_(c);
  });
  t.bump_version();
  return t;
}

}  // namespace nabla
