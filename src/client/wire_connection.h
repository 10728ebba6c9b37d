// WireConnection: one blocking connection to a NetDisk server, on plain POSIX sockets with the
// shared codec (src/protocol). The netdisk client and the end-to-end tests both use it. Every
// wait has a timeout, so an unresponsive server is an error, not a hang; raw byte streams
// (docs/PROTOCOL.md, section 5) go straight between the socket and a file, never buffered
// whole. It speaks plain text, or TLS 1.3 on the same socket when ConnectOptions ask for it
// (tls_session.h); every call below works the same over both. One thread at a time; parallel
// transfers open one connection each.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "client/tls_session.h"
#include "protocol/frame.h"
#include "protocol/frame_decoder.h"
#include "protocol/message.h"

namespace netdisk::client {

// How a raw stream may end early: `cancel` turning true (throws Interrupted, see interrupt.h)
// or no byte moving for `idle_timeout` (throws std::runtime_error).
struct StreamControl {
  const std::atomic<bool>* cancel = nullptr;
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
};

// The server's TLS key as the handshake showed it.
struct PeerKey {
  std::string fingerprint;   // protocol/key_fingerprint.h
  bool ca_verified = false;  // its certificate chains to a trusted CA and names the host
};

// Thrown while connecting when the server and the client disagree on TLS (one of them runs
// with --plaintext); what() is the whole advice for the user.
class TlsMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How to connect. The default is plain text (what the tests' --plaintext servers speak).
struct ConnectOptions {
  bool tls = false;
  // Called once the TLS handshake has shown the server's key, before any request goes out;
  // throws to refuse the server (server_trust.h). Empty: any key is accepted.
  std::function<void(const PeerKey&)> accept_key;

  // TLS, accepting whatever key the server shows (tests; read peer_key() afterwards).
  static ConnectOptions tls_any_key() { return {true, {}}; }
};

class WireConnection {
 public:
  static constexpr auto kDefaultTimeout = std::chrono::seconds(10);

  // Connects to host:port (a name, an IPv4 or an IPv6 address) and, with options.tls, makes
  // the TLS handshake. Throws std::runtime_error; TlsMismatch when the server speaks plain
  // text only; NotNetDiskAnswer (foreign_answer.h) when another service answers the
  // ClientHello; whatever options.accept_key throws.
  WireConnection(const std::string& host, std::uint16_t port, const ConnectOptions& options);
  // Plain text to host:port.
  WireConnection(const std::string& host, std::uint16_t port)
      : WireConnection(host, port, ConnectOptions{}) {}
  // Plain text to 127.0.0.1:port.
  explicit WireConnection(std::uint16_t port) : WireConnection("127.0.0.1", port) {}
  // `options` to 127.0.0.1:port.
  WireConnection(std::uint16_t port, const ConnectOptions& options)
      : WireConnection("127.0.0.1", port, options) {}
  ~WireConnection();
  WireConnection(WireConnection&& other) noexcept;
  WireConnection(const WireConnection&) = delete;
  WireConnection& operator=(const WireConnection&) = delete;

  // hello with protocol version 1; returns the reply (throws if the reply is not ok, and
  // NotNetDiskAnswer, see foreign_answer.h, when what answers is not a NetDisk server;
  // TlsMismatch when a TLS server refuses this plain-text connection with tls_required).
  protocol::Reply hello(std::string_view client_name = "netdisk");

  // Sends a request with the next id and returns that id.
  std::uint64_t send(std::string_view op, nlohmann::json fields = {});
  // Sends a request and waits for its reply (events in between are skipped and kept).
  protocol::Reply call(std::string_view op, nlohmann::json fields = {});

  // Sends raw bytes exactly as given (frames, garbage, partial headers).
  void send_raw(std::string_view bytes);
  // Next frame from the server, or nullopt if the server closed the connection cleanly.
  // Throws on timeout or a malformed reply.
  std::optional<protocol::Reply> receive(std::chrono::milliseconds timeout = kDefaultTimeout);
  // Reads whatever the socket holds right now, never waiting (an event loop calls it once
  // poll() says the socket is readable). False once the server has closed the connection;
  // frames that arrived before the close stay buffered. Throws on other socket errors.
  bool read_available();
  // The next complete frame already received, or nullopt; never touches the socket. Throws
  // on a malformed frame or reply.
  std::optional<protocol::Reply> buffered_reply();

  // True when the server has closed the connection (reads EOF or reset within the timeout).
  bool closed_by_server(std::chrono::milliseconds timeout = kDefaultTimeout);
  // Exactly n raw bytes (a stream that follows a frame).
  std::string receive_raw(std::size_t n, std::chrono::milliseconds timeout = kDefaultTimeout);

  // The reply to request `id`, skipping events; an error frame with id 0 counts as the reply.
  // Throws std::runtime_error if the connection closes first or on timeout, Interrupted when
  // `control.cancel` turns true (idle_timeout is ignored; `timeout` is the limit).
  protocol::Reply wait_reply(std::uint64_t id, std::chrono::milliseconds timeout,
                             const StreamControl& control = {});

  // Receives exactly `n` raw bytes and hands them to `sink` in order, in chunks of up to 1 MiB:
  // first the bytes the frame decoder had already buffered, then straight from the socket.
  // Throws std::runtime_error when the stream is cut short or stalls; Interrupted on cancel.
  // An exception from `sink` propagates (the stream is then out of sync: close()).
  using StreamSink = std::function<void(std::span<const char>)>;
  void receive_stream(std::uint64_t n, const StreamSink& sink, const StreamControl& control = {});

  // Sends bytes [offset, offset + n) of the file `file_fd` as a raw stream, with sendfile(2)
  // (read and send where the file system cannot). `sent` is told how many bytes each step
  // moved. Throws like receive_stream; a file shorter than offset + n is an error.
  void send_file(int file_fd, std::uint64_t offset, std::uint64_t n,
                 const std::function<void(std::uint64_t)>& sent, const StreamControl& control = {});

  int fd() const { return fd_; }
  void close();

  // Whether the connection is encrypted, and the server's key (nullopt in plain text).
  bool is_tls() const noexcept { return tls_ != nullptr; }
  const std::optional<PeerKey>& peer_key() const noexcept { return peer_key_; }

 private:
  // The reply to hello `id`; throws NotNetDiskAnswer with the bytes received instead.
  protocol::Reply wait_hello_reply(std::uint64_t id);
  // What a foreign service sent: the buffered bytes, and the rest of an HTTP header.
  std::string foreign_head(std::chrono::steady_clock::time_point deadline);
  // The next frame as a reply or event; nullopt at end of stream.
  std::optional<protocol::Reply> next_reply(std::chrono::steady_clock::time_point deadline,
                                            const StreamControl& control);
  // Reads once into the decoder; false on EOF/reset. Throws on timeout.
  bool fill(std::chrono::steady_clock::time_point deadline, const StreamControl& control = {});
  // Waits until the socket is ready for `events`, in short slices so that `control.cancel` is
  // seen soon. Throws on timeout or cancel.
  void wait_ready(short events, std::chrono::steady_clock::time_point deadline,
                  const StreamControl& control);

  // The TLS handshake; a plain-text NetDisk frame instead of a ServerHello ends it with
  // TlsMismatch carrying the server's message.
  void start_tls(const std::string& host, const ConnectOptions& options);
  [[noreturn]] void throw_plaintext_server(std::chrono::steady_clock::time_point deadline);
  // One non-blocking read or write, through TLS when it is on. bytes < 0: a socket error
  // (errno), only in plain text; TLS errors throw.
  IoStep recv_some(char* data, std::size_t size);
  IoStep send_some(const char* data, std::size_t size);

  int fd_ = -1;
  std::string peer_name_;  // host:port, for messages
  std::unique_ptr<TlsSession> tls_;
  std::optional<PeerKey> peer_key_;
  std::uint64_t next_id_ = 1;
  protocol::FrameDecoder decoder_{protocol::kMaxMaxFrameBytes};
};

}  // namespace netdisk::client
