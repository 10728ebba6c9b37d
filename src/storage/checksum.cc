#include "storage/checksum.h"

#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <xxhash.h>

namespace netdisk::storage {
namespace {

constexpr std::size_t kReadChunk = 256 * 1024;

std::string to_hex(std::span<const unsigned char> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  return out;
}

// The fields of a stat that identify one version of a file's content, hashed to 16 hex digits.
// The two zeros once held ctime (checksum.h says why it went); they stay so that checksum
// stamps stored before still match.
std::string stat_digest(const struct ::stat& st) {
  const std::uint64_t fields[] = {
      static_cast<std::uint64_t>(st.st_size),
      static_cast<std::uint64_t>(st.st_mtim.tv_sec),
      static_cast<std::uint64_t>(st.st_mtim.tv_nsec),
      0,
      0,
      static_cast<std::uint64_t>(st.st_ino),
      static_cast<std::uint64_t>(st.st_dev),
  };
  XXH64_canonical_t canonical;
  XXH64_canonicalFromHash(&canonical, XXH3_64bits(fields, sizeof fields));
  return to_hex(canonical.digest);
}

// The attribute value: "<stamp> <checksum>", the stamp being stat_digest().
std::string xattr_value(const struct ::stat& st, std::string_view checksum) {
  return fmt::format("{} {}", stat_digest(st), checksum);
}

std::optional<std::string> read_checksum_xattr(int fd, const struct ::stat& st) {
  char buffer[128];
  ssize_t length = ::fgetxattr(fd, kChecksumXattr, buffer, sizeof buffer);
  if (length <= 0) return std::nullopt;  // ENODATA, ENOTSUP, ERANGE: compute instead
  std::string_view value(buffer, static_cast<std::size_t>(length));
  std::string stamp = stat_digest(st);
  if (value.size() != stamp.size() + 1 + kChecksumHexDigits) return std::nullopt;
  if (value.substr(0, stamp.size()) != stamp || value[stamp.size()] != ' ') return std::nullopt;
  std::string_view checksum = value.substr(stamp.size() + 1);
  if (!is_checksum_hex(checksum)) return std::nullopt;
  return std::string(checksum);
}

}  // namespace

std::optional<std::string> stored_checksum(int fd) {
  struct ::stat st {};
  if (::fstat(fd, &st) != 0) return std::nullopt;
  return read_checksum_xattr(fd, st);
}

bool is_checksum_hex(std::string_view text) noexcept {
  return text.size() == kChecksumHexDigits && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

struct Xxh3Hasher::State {
  State() : raw(XXH3_createState()) {
    // Allocation failure is a bug-class condition here, like operator new throwing.
    if (raw == nullptr) throw std::bad_alloc();
    XXH3_128bits_reset(raw);
  }
  ~State() { XXH3_freeState(raw); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  XXH3_state_t* raw;
};

Xxh3Hasher::Xxh3Hasher() : state_(std::make_unique<State>()) {}
Xxh3Hasher::Xxh3Hasher(Xxh3Hasher&&) noexcept = default;
Xxh3Hasher& Xxh3Hasher::operator=(Xxh3Hasher&&) noexcept = default;
Xxh3Hasher::~Xxh3Hasher() = default;

void Xxh3Hasher::update(std::span<const std::byte> bytes) noexcept {
  XXH3_128bits_update(state_->raw, bytes.data(), bytes.size());
}

std::string Xxh3Hasher::hex_digest() const {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_->raw));
  return to_hex(canonical.digest);
}

Status hash_range(int fd, std::uint64_t offset, std::uint64_t length, Xxh3Hasher& hasher) {
  std::vector<std::byte> buffer(
      static_cast<std::size_t>(std::min<std::uint64_t>(length, kReadChunk)));
  while (length > 0) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(length, buffer.size()));
    ssize_t got = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      return error_from_errno(errno, "read for checksum");
    }
    if (got == 0) return make_error(Errc::offset_out_of_range, "the file ended before the range");
    auto read = static_cast<std::size_t>(got);
    hasher.update(std::span(buffer).first(read));
    offset += read;
    length -= read;
  }
  return {};
}

Result<std::string> range_checksum(int fd, std::uint64_t offset, std::uint64_t length) {
  struct ::stat st {};
  if (::fstat(fd, &st) != 0) return error_from_errno(errno, "stat for checksum");
  auto size = static_cast<std::uint64_t>(st.st_size);
  if (offset > size || length > size - offset) {
    return make_error(
        Errc::offset_out_of_range,
        fmt::format("range {}+{} is past the end of the file ({} bytes)", offset, length, size));
  }
  Xxh3Hasher hasher;
  if (auto ok = hash_range(fd, offset, length, hasher); !ok) return std::move(ok).error();
  return hasher.hex_digest();
}

Result<std::string> prefix_checksum(int fd, std::uint64_t length) {
  return range_checksum(fd, 0, length);
}

std::string version_tag(const struct ::stat& st) { return stat_digest(st); }

Result<std::string> whole_file_checksum(int fd) {
  struct ::stat before {};
  if (::fstat(fd, &before) != 0) return error_from_errno(errno, "stat for checksum");
  if (auto cached = read_checksum_xattr(fd, before)) return *std::move(cached);
  Xxh3Hasher hasher;
  auto size = static_cast<std::uint64_t>(before.st_size);
  if (auto ok = hash_range(fd, 0, size, hasher); !ok) return std::move(ok).error();
  std::string checksum = hasher.hex_digest();
  // Only cache what is known to match: if the file changed while it was read, the checksum
  // describes neither version reliably, so it is returned but not stored.
  struct ::stat after {};
  if (::fstat(fd, &after) == 0 && stat_digest(after) == stat_digest(before)) {
    store_checksum_xattr(fd, checksum);
  }
  return checksum;
}

void store_checksum_xattr(int fd, std::string_view checksum) noexcept {
  struct ::stat st {};
  if (::fstat(fd, &st) != 0) return;
  try {
    std::string value = xattr_value(st, checksum);
    ::fsetxattr(fd, kChecksumXattr, value.data(), value.size(), 0);
  } catch (...) {
    // Out of memory while formatting: the cache is optional.
  }
}

}  // namespace netdisk::storage
