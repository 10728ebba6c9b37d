// WireConnection's TLS handshake and its plain-text mismatch (docs/PROTOCOL.md, section 1,
// "TLS: the client's side"); see wire_connection.h.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>

#include "client/foreign_answer.h"
#include "client/wire_connection.h"

namespace netdisk::client {
namespace {

// An error frame that refuses the connection itself, before TLS could start.
class ServerRefusal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace

void WireConnection::start_tls(const std::string& host, const ConnectOptions& options) {
  auto session = std::make_unique<TlsSession>(fd_, host);
  auto deadline = std::chrono::steady_clock::now() + kDefaultTimeout;
  bool answer_seen = false;
  while (true) {
    IoStep step = session->handshake();
    if (step.bytes == 1) break;
    wait_ready(step.wait, deadline, {});
    if (answer_seen || step.wait != POLLIN) continue;
    // The server's first byte: a TLS record begins with 0x16, a NetDisk frame's length with
    // 0x00 (a --plaintext server answering the ClientHello with tls_unavailable).
    char first = 0;
    ssize_t n = ::recv(fd_, &first, 1, MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n == 1 && first == 0) throw_plaintext_server(deadline);
    if (n <= 0) throw NotNetDiskAnswer("", "connection closed by the server");
    if (first != 0x16) {  // another service (an HTTP port, a banner): say which, as hello does
      fill(deadline);
      throw NotNetDiskAnswer(foreign_head(deadline), "no TLS answer");
    }
    answer_seen = true;
    session->start_reading();
  }
  peer_key_ = PeerKey{session->peer_fingerprint(), session->ca_verified()};
  if (options.accept_key) options.accept_key(*peer_key_);
  tls_ = std::move(session);
}

void WireConnection::throw_plaintext_server(std::chrono::steady_clock::time_point deadline) {
  std::string said = "it answered the TLS handshake in plain text";
  try {
    if (auto reply = next_reply(deadline, {}); reply && !reply->ok && reply->error) {
      said = reply->error->message;
      // A refusal before any handshake (too_many_connections) is no mismatch. Framing errors
      // are what a server older than tls_unavailable answers a ClientHello with.
      const std::string& code = reply->error_code_name;
      if (code == "tls_unavailable") throw TlsMismatch("server " + peer_name_ + ": " + said);
      if (code != "frame_too_large" && code != "bad_frame") {
        throw ServerRefusal("server " + peer_name_ + " refused the connection: " + said + " (" +
                            code + ")");
      }
    }
  } catch (const ServerRefusal&) {
    throw;
  } catch (const TlsMismatch&) {
    throw;
  } catch (const std::runtime_error&) {
    // A garbled answer: the first byte alone says it is no TLS server.
  }
  throw TlsMismatch("server " + peer_name_ + " serves plain text only (netdiskd --plaintext; " +
                    said + "): connect with --plaintext only on a network you trust");
}

}  // namespace netdisk::client
