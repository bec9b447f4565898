#include "data/idx.h"

#include <algorithm>
#include <bit>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/zlib.hpp>
#include <boost/iostreams/filtering_stream.hpp>
#include <cstring>
#include <fstream>
#include <ios>
#include <string>
#include <system_error>

#include "tensor/error.h"

namespace nabla::data {

namespace {

namespace io = boost::iostreams;

constexpr std::size_t kMagicSize = 4;
// The gzip stream is decompressed this much at a time, and the data buffer
// starts at most this large and then doubles: a header that lies about the
// size of a small compressed file costs at most this much memory before the
// stream ends short.
constexpr std::size_t kChunk = std::size_t{1} << 20;
constexpr std::size_t kInitialReserve = std::size_t{16} << 20;

bool valid_type_code(std::uint8_t code) {
  switch (code) {
    case 0x08:
    case 0x09:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x0E:
      return true;
    default:
      return false;
  }
}

// "0x07"
std::string hex(std::uint8_t byte) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string{'0', 'x', kDigits[byte >> 4], kDigits[byte & 0xF]};
}

std::string describe_gzip_error(const io::gzip_error& e) {
  switch (e.error()) {
    case io::gzip::zlib_error:
      if (e.zlib_error_code() == io::zlib::buf_error)
        return "corrupt gzip data: the compressed stream ends early (truncated file?)";
      return "corrupt gzip data: invalid deflate data (zlib error " +
             std::to_string(e.zlib_error_code()) + ")";
    case io::gzip::bad_crc:
      return "corrupt gzip data: CRC mismatch";
    case io::gzip::bad_length:
      return "corrupt gzip data: length mismatch";
    case io::gzip::bad_header:
      return "corrupt gzip data: bad gzip header (or garbage after the compressed stream)";
    case io::gzip::bad_footer:
      return "corrupt gzip data: truncated or bad gzip footer";
    default:
      return "corrupt gzip data";
  }
}

// The bytes of a file, decompressed on the fly when it starts with the gzip
// magic. read() returns fewer bytes than asked only at the end of the stream;
// Boost reports corrupt gzip data as exceptions, turned into nabla::Error here.
class Source {
 public:
  Source(const std::filesystem::path& path, std::string_view op) : file_(path.string()), op_(op) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    NABLA_CHECK(std::filesystem::exists(status), op_, file_, ": cannot open file (",
                ec ? ec.message() : "no such file", ")");
    NABLA_CHECK(std::filesystem::is_regular_file(status), op_, file_, ": is not a regular file");
    size_ = std::filesystem::file_size(path, ec);
    NABLA_CHECK(!ec, op_, file_, ": cannot read the file size (", ec.message(), ")");
    raw_.open(path, std::ios::binary);
    NABLA_CHECK(raw_.is_open(), op_, file_, ": cannot open file");
    unsigned char magic[2] = {0, 0};
    raw_.read(reinterpret_cast<char*>(magic), 2);
    gzip_ = raw_.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    raw_.clear();
    raw_.seekg(0);
    if (gzip_) {
      gz_.push(io::gzip_decompressor());
      gz_.push(raw_);
      gz_.exceptions(std::ios::badbit);
    }
  }

  bool gzip() const { return gzip_; }
  std::uint64_t file_size() const { return size_; }

  // A gzip member ends with its uncompressed length modulo 2^32 (ISIZE,
  // little-endian), which Boost does not check. Read through a second handle
  // so that the decompressing stream keeps its position.
  std::uint32_t gzip_isize() const {
    std::ifstream tail(file_, std::ios::binary);
    unsigned char b[4] = {0, 0, 0, 0};
    if (size_ >= 4) {
      tail.seekg(static_cast<std::streamoff>(size_ - 4));
      tail.read(reinterpret_cast<char*>(b), 4);
    }
    NABLA_CHECK(tail.good(), op_, file_, ": read error (gzip footer)");
    return std::uint32_t{b[0]} | (std::uint32_t{b[1]} << 8) | (std::uint32_t{b[2]} << 16) |
           (std::uint32_t{b[3]} << 24);
  }

  std::size_t read(void* dst, std::size_t n) {
    std::istream& in = gzip_ ? static_cast<std::istream&>(gz_) : raw_;
    try {
      in.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
    } catch (const io::gzip_error& e) {
      NABLA_CHECK(false, op_, file_, ": ", describe_gzip_error(e));
    } catch (const std::ios_base::failure& e) {
      NABLA_CHECK(false, op_, file_, ": read error (", e.what(), ")");
    }
    NABLA_CHECK(!raw_.bad(), op_, file_, ": read error");
    return static_cast<std::size_t>(in.gcount());
  }

 private:
  std::string file_;
  std::string_view op_;
  std::ifstream raw_;
  io::filtering_istream gz_;
  std::uint64_t size_ = 0;
  bool gzip_ = false;
};

std::uint32_t big_endian_u32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// IDX stores elements big-endian; reverse each element on little-endian hosts.
void to_native_order(std::vector<std::uint8_t>& bytes, std::size_t element_size) {
  if (element_size == 1 || std::endian::native == std::endian::big) return;
  for (std::size_t i = 0; i + element_size <= bytes.size(); i += element_size)
    std::reverse(bytes.begin() + static_cast<std::ptrdiff_t>(i),
                 bytes.begin() + static_cast<std::ptrdiff_t>(i + element_size));
}

template <class From, class To>
void convert(const std::vector<std::uint8_t>& bytes, To* out, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    From value;
    std::memcpy(&value, bytes.data() + static_cast<std::size_t>(i) * sizeof(From), sizeof(From));
    out[i] = static_cast<To>(value);
  }
}

template <class To>
void convert_all(const IdxArray& a, To* out) {
  const std::int64_t n = a.numel();
  switch (a.type) {
    case IdxType::u8:
      return convert<std::uint8_t>(a.bytes, out, n);
    case IdxType::i8:
      return convert<std::int8_t>(a.bytes, out, n);
    case IdxType::i16:
      return convert<std::int16_t>(a.bytes, out, n);
    case IdxType::i32:
      return convert<std::int32_t>(a.bytes, out, n);
    case IdxType::f32:
      return convert<float>(a.bytes, out, n);
    case IdxType::f64:
      return convert<double>(a.bytes, out, n);
  }
}

}  // namespace

std::size_t size_of(IdxType type) {
  switch (type) {
    case IdxType::u8:
    case IdxType::i8:
      return 1;
    case IdxType::i16:
      return 2;
    case IdxType::i32:
    case IdxType::f32:
      return 4;
    case IdxType::f64:
      return 8;
  }
  return 1;
}

std::string_view name(IdxType type) {
  switch (type) {
    case IdxType::u8:
      return "u8";
    case IdxType::i8:
      return "i8";
    case IdxType::i16:
      return "i16";
    case IdxType::i32:
      return "i32";
    case IdxType::f32:
      return "f32";
    case IdxType::f64:
      return "f64";
  }
  return "?";
}

std::int64_t IdxArray::numel() const {
  // Zero first, then overflow-checked: huge dims around a zero dim are a
  // valid empty file.
  return nabla::numel(dims);
}

Tensor IdxArray::to_tensor(DType dtype) const {
  const bool floating_data = type == IdxType::f32 || type == IdxType::f64;
  NABLA_CHECK(!(floating_data && dtype == DType::i64), "IdxArray::to_tensor", name(type),
              " elements cannot be converted to i64");
  NABLA_CHECK(bytes.size() == static_cast<std::size_t>(numel()) * size_of(type),
              "IdxArray::to_tensor", bytes.size(), " bytes do not hold dims ", dims, " of ",
              name(type));
  Tensor out(dims, dtype);
  switch (dtype) {
    case DType::f32:
      convert_all(*this, out.data<float>());
      break;
    case DType::f64:
      convert_all(*this, out.data<double>());
      break;
    case DType::i64:
      convert_all(*this, out.data<std::int64_t>());
      break;
  }
  return out;
}

IdxArray read_idx(const std::filesystem::path& path, const IdxReadOptions& options) {
  constexpr std::string_view op = "read_idx";
  const std::string file = path.string() + ":";
  Source source(path, op);

  unsigned char magic[kMagicSize];
  const std::size_t got_magic = source.read(magic, kMagicSize);
  NABLA_CHECK(got_magic == kMagicSize, op, file, " truncated header (", got_magic, " of ",
              kMagicSize, " bytes)");
  NABLA_CHECK(magic[0] == 0 && magic[1] == 0, op, file, " wrong magic ", hex(magic[0]), " ",
              hex(magic[1]), " (an IDX file starts with 0x00 0x00 <type code> <ndims>)");
  NABLA_CHECK(valid_type_code(magic[2]), op, file, " unknown type code ", hex(magic[2]),
              " (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)");
  const std::size_t ndims = magic[3];
  NABLA_CHECK(static_cast<std::int64_t>(ndims) <= kMaxRank, op, file, " has ", ndims,
              " dims, at most ", kMaxRank, " are supported");

  IdxArray a;
  a.type = static_cast<IdxType>(magic[2]);
  const std::size_t header_size = kMagicSize + 4 * ndims;
  unsigned char dim_bytes[4 * kMaxRank];
  const std::size_t got_dims = source.read(dim_bytes, 4 * ndims);
  NABLA_CHECK(got_dims == 4 * ndims, op, file, " truncated header (", kMagicSize + got_dims, " of ",
              header_size, " bytes)");

  // prod(dims) · element size, checked against the limit after every factor so
  // that it cannot overflow (each dim is below 2^32, the limit below 2^64 / 2^32).
  // A zero dim makes the array empty whatever the other dims say.
  for (std::size_t d = 0; d < ndims; ++d) a.dims.push_back(big_endian_u32(dim_bytes + 4 * d));
  const std::uint64_t element_size = size_of(a.type);
  const bool empty = std::find(a.dims.begin(), a.dims.end(), 0) != a.dims.end();
  std::uint64_t expected = empty ? 0 : element_size;
  bool too_large = false;
  for (std::size_t d = 0; d < ndims && !empty && !too_large; ++d) {
    too_large =
        __builtin_mul_overflow(expected, static_cast<std::uint64_t>(a.dims[d]), &expected) ||
        expected > options.max_bytes;
  }
  NABLA_CHECK(!too_large, op, file, " dims ", a.dims, " of ", name(a.type),
              " declare more than the limit of ", options.max_bytes,
              " data bytes (IdxReadOptions::max_bytes)");

  if (!source.gzip()) {
    // A raw file must be exactly header + data: check before allocating.
    const std::uint64_t available =
        source.file_size() - std::min<std::uint64_t>(header_size, source.file_size());
    NABLA_CHECK(available >= expected, op, file, " expects ", expected, " data bytes, file has ",
                available);
    NABLA_CHECK(available == expected, op, file, " expects ", expected, " data bytes, file has ",
                available, " (", available - expected, " trailing bytes)");
    a.bytes.resize(expected);
    const std::size_t got = source.read(a.bytes.data(), expected);
    NABLA_CHECK(got == expected, op, file, " expects ", expected, " data bytes, file has ", got,
                " (it changed while being read)");
  } else {
    // The decompressed size is unknown until the stream ends, so the buffer
    // grows with the data that actually arrives, never beyond `expected`.
    a.bytes.reserve(std::min<std::uint64_t>(expected, kInitialReserve));
    while (a.bytes.size() < expected) {
      const std::size_t have = a.bytes.size();
      const std::size_t chunk = std::min<std::uint64_t>(kChunk, expected - have);
      if (have + chunk > a.bytes.capacity())
        a.bytes.reserve(
            std::min<std::uint64_t>(expected, std::max(2 * a.bytes.capacity(), have + chunk)));
      a.bytes.resize(have + chunk);
      const std::size_t got = source.read(a.bytes.data() + have, chunk);
      a.bytes.resize(have + got);
      NABLA_CHECK(got == chunk, op, file, " expects ", expected, " data bytes, file has ",
                  have + got, " after decompression");
    }
    // Reading past the data also makes Boost check the gzip footer (CRC, length).
    unsigned char extra;
    NABLA_CHECK(source.read(&extra, 1) == 0, op, file, " expects ", expected,
                " data bytes, file has more after decompression (trailing bytes)");
    const auto length = static_cast<std::uint32_t>(header_size + expected);
    const std::uint32_t isize = source.gzip_isize();
    NABLA_CHECK(isize == length, op, file, ": corrupt gzip data: the footer gives ", isize,
                " uncompressed bytes (mod 2^32), the stream has ", length);
  }
  to_native_order(a.bytes, element_size);
  return a;
}

IdxImages read_idx_images(const std::filesystem::path& path, const IdxReadOptions& options) {
  IdxArray a = read_idx(path, options);
  NABLA_CHECK(a.type == IdxType::u8, "read_idx_images", path.string(),
              ": expects u8 elements (type code 0x08), got ", name(a.type), " (",
              hex(static_cast<std::uint8_t>(a.type)), ")");
  NABLA_CHECK(a.dims.size() >= 2, "read_idx_images", path.string(),
              ": expects at least 2 dims (samples first), got dims ", a.dims);
  return IdxImages{std::move(a.bytes), a.dims};
}

Tensor read_idx_labels(const std::filesystem::path& path, const IdxReadOptions& options) {
  IdxArray a = read_idx(path, options);
  NABLA_CHECK(a.type != IdxType::f32 && a.type != IdxType::f64, "read_idx_labels", path.string(),
              ": expects integer labels (u8, i8, i16 or i32), got ", name(a.type), " (",
              hex(static_cast<std::uint8_t>(a.type)), ")");
  NABLA_CHECK(a.dims.size() == 1, "read_idx_labels", path.string(),
              ": expects 1 dim (one label per sample), got dims ", a.dims);
  return a.to_tensor(DType::i64);
}

}  // namespace nabla::data
