// WireConnection's raw byte streams (docs/PROTOCOL.md, section 5); see wire_connection.h.
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "client/interrupt.h"
#include "client/wire_connection.h"

namespace netdisk::client {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

using Clock = std::chrono::steady_clock;

}  // namespace

void WireConnection::receive_stream(std::uint64_t n, const StreamSink& sink,
                                    const StreamControl& control) {
  // What arrived together with the frame header comes first.
  while (n > 0 && decoder_.buffered() > 0) {
    auto raw = decoder_.take_raw(static_cast<std::size_t>(std::min<std::uint64_t>(n, kChunkBytes)));
    sink(raw);
    n -= raw.size();
  }
  std::vector<char> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(n, kChunkBytes)));
  auto deadline = Clock::now() + control.idle_timeout;
  while (n > 0) {
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, buffer.size()));
    IoStep got = recv_some(buffer.data(), want);
    if (got.wait != 0) {
      wait_ready(got.wait, deadline, control);
      continue;
    }
    if (got.bytes <= 0) {
      throw std::runtime_error("the connection closed with " + std::to_string(n) +
                               " bytes of the stream still to come");
    }
    sink({buffer.data(), static_cast<std::size_t>(got.bytes)});
    n -= static_cast<std::uint64_t>(got.bytes);
    deadline = Clock::now() + control.idle_timeout;
  }
}

void WireConnection::send_file(int file_fd, std::uint64_t offset, std::uint64_t n,
                               const std::function<void(std::uint64_t)>& sent,
                               const StreamControl& control) {
  // Over TLS the kernel can only send a file itself when it does the encryption (kTLS).
  bool use_sendfile = !tls_ || tls_->kernel_send();
  std::vector<char> buffer;
  auto deadline = Clock::now() + control.idle_timeout;
  while (n > 0) {
    if (control.cancel != nullptr && control.cancel->load()) throw Interrupted();
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, kChunkBytes));
    ssize_t moved = -1;
    if (use_sendfile) {
      auto at = static_cast<off_t>(offset);
      if (tls_) {
        IoStep step = tls_->sendfile(file_fd, at, want);
        if (step.wait != 0) {
          wait_ready(step.wait, deadline, control);
          continue;
        }
        moved = step.bytes;
      } else {
        moved = ::sendfile(fd_, file_fd, &at, want);
      }
      if (moved < 0 && (errno == EINVAL || errno == ENOSYS)) {
        use_sendfile = false;  // a file system without sendfile support: copy by hand
        continue;
      }
    } else {
      buffer.resize(want);
      ssize_t read = ::pread(file_fd, buffer.data(), want, static_cast<off_t>(offset));
      if (read < 0 && errno != EINTR) {
        throw std::runtime_error(std::string("read failed: ") + std::strerror(errno));
      }
      if (read == 0) throw std::runtime_error("the file shrank while it was being sent");
      // Blocking send of what was read: short sends are carried on in send_raw().
      if (read > 0) send_raw({buffer.data(), static_cast<std::size_t>(read)});
      moved = read;
    }
    if (moved < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        wait_ready(POLLOUT, deadline, control);
        continue;
      }
      throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
    }
    if (moved == 0) throw std::runtime_error("the file shrank while it was being sent");
    offset += static_cast<std::uint64_t>(moved);
    n -= static_cast<std::uint64_t>(moved);
    sent(static_cast<std::uint64_t>(moved));
    deadline = Clock::now() + control.idle_timeout;
  }
}

}  // namespace netdisk::client
