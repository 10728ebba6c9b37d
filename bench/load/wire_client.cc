#include "wire_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace netdisk::bench {
namespace {

constexpr std::size_t kReadBytes = 64 * 1024;      // for control frames
constexpr std::uint64_t kSendfileChunk = 16 << 20;  // bytes per sendfile(2) call
constexpr int kReadsPerEvent = 4;                   // fairness between connections

}  // namespace

WireClient::WireClient(EventLoop& loop, std::uint16_t port) : loop_(loop) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // as wrk does
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error(std::string("connect: ") + strerror(err));
  }
  loop_.watch(fd_, this, true);
}

WireClient::~WireClient() { close(); }

void WireClient::close() {
  if (fd_ < 0) return;
  loop_.unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
}

void WireClient::fail(std::string what) {
  if (fd_ < 0) return;
  if (error_.empty()) error_ = what;
  close();
  // The owner hears of it as an error reply, so a mode waiting for replies never waits forever.
  protocol::Reply reply;
  reply.ok = false;
  reply.error_code_name = "connection_lost";
  reply.error = make_error(Errc::io_error, std::move(what));
  deliver(reply);
}

std::uint64_t WireClient::request(std::string_view op, nlohmann::json fields) {
  std::uint64_t id = next_id_++;
  out_ += protocol::encode_request(op, id, std::move(fields));
  update_interest();
  return id;
}

std::uint64_t WireClient::request_with_file(std::string_view op, nlohmann::json fields,
                                            int file_fd, off_t offset, std::uint64_t length) {
  fields["stream"] = length;
  std::uint64_t id = request(op, std::move(fields));
  file_fd_ = file_fd;
  file_offset_ = offset;
  file_left_ = length;
  update_interest();
  return id;
}

void WireClient::update_interest() {
  if (fd_ < 0) return;
  bool want = connecting_ || out_sent_ < out_.size() || file_left_ > 0;
  if (want != want_write_) {
    want_write_ = want;
    loop_.update(fd_, this, want);
  }
}

void WireClient::on_io(std::uint32_t events) {
  if (fd_ < 0) return;
  if (connecting_) {
    if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return fail(std::string("connect: ") + strerror(err));
    connecting_ = false;
  }
  if (events & EPOLLOUT) flush();
  if (fd_ >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) read_some();
  update_interest();
}

void WireClient::flush() {
  while (fd_ >= 0 && out_sent_ < out_.size()) {
    ssize_t n = ::send(fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      return fail(std::string("send: ") + strerror(errno));
    }
    out_sent_ += static_cast<std::size_t>(n);
  }
  out_.clear();
  out_sent_ = 0;
  while (fd_ >= 0 && file_left_ > 0) {
    ssize_t n = ::sendfile(fd_, file_fd_, &file_offset_, std::min(file_left_, kSendfileChunk));
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      return fail(std::string("sendfile: ") + strerror(errno));
    }
    if (n == 0) return fail("sendfile: the file is shorter than the stream");
    file_left_ -= static_cast<std::uint64_t>(n);
  }
}

void WireClient::read_some() {
  for (int i = 0; i < kReadsPerEvent && fd_ >= 0; ++i) {
    ssize_t n;
    if (raw_left_ > 0) {
      auto sink = loop_.sink();
      n = ::read(fd_, sink.data(), std::min<std::uint64_t>(raw_left_, sink.size()));
      if (n > 0) {
        raw_left_ -= static_cast<std::uint64_t>(n);
        stream_bytes_ += static_cast<std::uint64_t>(n);
        if (raw_left_ == 0) {
          protocol::Reply reply = std::move(*pending_);
          pending_.reset();
          deliver(reply);
          drain_frames();
        }
        continue;
      }
    } else {
      auto space = decoder_.prepare(kReadBytes);
      n = ::read(fd_, space.data(), space.size());
      if (n > 0) {
        decoder_.commit(static_cast<std::size_t>(n));
        drain_frames();
        continue;
      }
    }
    if (n == 0) return fail("server closed the connection");
    if (errno == EAGAIN || errno == EINTR) return;
    return fail(std::string("read: ") + strerror(errno));
  }
}

void WireClient::take_buffered_raw() {
  auto raw = decoder_.take_raw(raw_left_);
  raw_left_ -= raw.size();
  stream_bytes_ += raw.size();
}

void WireClient::drain_frames() {
  while (fd_ >= 0 && raw_left_ == 0) {
    auto frame = decoder_.next();
    if (!frame) return fail("bad frame from server: " + frame.error().message);
    if (!*frame) return;
    if (filter_ && filter_(**frame)) continue;
    if (skim_ok_ && std::string_view(**frame).ends_with("\"ok\":true}")) {
      protocol::Reply ok;
      ok.ok = true;
      deliver(ok);
      continue;
    }
    auto reply = protocol::parse_reply(**frame);
    if (!reply) return fail("bad reply from server: " + reply.error().message);
    auto stream = reply->body.find("stream");
    if (stream != reply->body.end() && stream->is_number_unsigned() && stream->get<std::uint64_t>() > 0) {
      raw_left_ = stream->get<std::uint64_t>();
      take_buffered_raw();
      if (raw_left_ > 0) {
        pending_ = std::move(*reply);
        return;
      }
    }
    deliver(*reply);
  }
}

void WireClient::deliver(protocol::Reply& reply) {
  if (handler_) handler_(*this, reply);
}

}  // namespace netdisk::bench
