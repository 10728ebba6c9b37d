#include "client/content_hash.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <vector>

#include <xxhash.h>

namespace netdisk::client {

struct ContentHasher::State {
  XXH3_state_t* xxh = XXH3_createState();
  State() {
    if (xxh == nullptr) throw std::bad_alloc();
    XXH3_128bits_reset(xxh);
  }
  ~State() { XXH3_freeState(xxh); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
};

ContentHasher::ContentHasher() : state_(std::make_unique<State>()) {}
ContentHasher::ContentHasher(ContentHasher&&) noexcept = default;
ContentHasher& ContentHasher::operator=(ContentHasher&&) noexcept = default;
ContentHasher::~ContentHasher() = default;

void ContentHasher::update(std::span<const char> bytes) noexcept {
  XXH3_128bits_update(state_->xxh, bytes.data(), bytes.size());
}

std::string ContentHasher::hex() const {
  // The canonical form is big-endian, which is what xxh128sum prints.
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(state_->xxh));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(sizeof canonical.digest * 2, '0');
  for (std::size_t i = 0; i < sizeof canonical.digest; ++i) {
    text[2 * i] = kHex[canonical.digest[i] >> 4];
    text[2 * i + 1] = kHex[canonical.digest[i] & 0xf];
  }
  return text;
}

void hash_file_prefix(int fd, std::uint64_t length, ContentHasher& hasher,
                      const std::string& what) {
  std::vector<char> buffer(1 << 20);
  std::uint64_t at = 0;
  while (at < length) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - at));
    ssize_t n = ::pread(fd, buffer.data(), want, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(what + ": read failed: " + std::strerror(errno));
    if (n == 0) throw std::runtime_error(what + ": the file shrank while it was being read");
    hasher.update({buffer.data(), static_cast<std::size_t>(n)});
    at += static_cast<std::uint64_t>(n);
  }
}

}  // namespace netdisk::client
