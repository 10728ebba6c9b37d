// ForeignAnswer: what to tell the user when the --server port answered hello with something
// that is not the NetDisk protocol: an HTTP server (NetDisk's own HTTP port most often), a TLS
// server, another service's banner or bytes, or a close without a word. Pure functions of the
// bytes received; any thread.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "client/server_address.h"

namespace netdisk::client {

// Thrown by WireConnection::hello() when the answer is no NetDisk frame (or there is none
// before the peer closes). Carries the first bytes the peer sent (possibly none).
class NotNetDiskAnswer : public std::runtime_error {
 public:
  NotNetDiskAnswer(std::string first_bytes, const std::string& detail)
      : std::runtime_error(detail), first_bytes_(std::move(first_bytes)) {}
  const std::string& first_bytes() const noexcept { return first_bytes_; }

 private:
  std::string first_bytes_;
};

enum class ForeignKind { netdisk_http, http, tls, ssh, silent_close, other };

// Recognises the service from the first bytes it sent.
ForeignKind identify_foreign(std::string_view first_bytes);

// One line for the user: what answered at `server` and, when it helps, which port to try.
std::string foreign_answer_message(std::string_view first_bytes, const ServerAddress& server);

}  // namespace netdisk::client
