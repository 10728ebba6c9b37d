// Session: one caller's state, apart from whatever connection carries it: the logged-in user
// and their login token, the caller's address and transport, the user's storage handle (opened
// on first use), the pending upload and the chat membership. A TCP connection keeps one for
// its lifetime; HTTP builds one per request and the WebSocket chat one per socket. Used only
// on the thread of the transport that owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/ops/session_token.h"
#include "storage/target_check.h"
#include "storage/user_space.h"

namespace netdisk::server {

class ChatMember;
struct Services;

namespace ops {

// admin: the administrator's local socket (server/admin/), or `netdiskd admin` in-process.
enum class Transport { tcp, http, websocket, admin };

class Session {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // `address` is the peer's IP without the port (login throttling); `serial` numbers the
  // carrying connection, which the log calls "conn#12" (TCP) or "http#12" (HTTP, WebSocket);
  // `lock_tokens` are the WebDAV lock tokens the caller submits (lock_tokens() below).
  Session(Services& server, Transport transport, std::string address, std::uint64_t serial,
          std::vector<std::string> lock_tokens = {});
  ~Session();  // leaves the chat room if still in it
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Services& server() const noexcept { return server_; }
  Transport transport() const noexcept { return transport_; }
  const std::string& address() const noexcept { return address_; }
  // The client's address as a load balancer's PROXY protocol header gave it, replacing the
  // balancer's own; before the first request only.
  void set_address(std::string address) { address_ = std::move(address); }
  // The caller's name in the log, made when asked: an idle connection keeps no string for it.
  std::string label() const;

  // The logged-in user, if any, and the login token it came with (empty when the transport
  // authenticated the caller itself, or after log_out).
  const std::optional<std::string>& user() const noexcept { return user_; }
  std::string token() const { return token_.str(); }
  bool has_token() const noexcept { return !token_.empty(); }
  const std::optional<TimePoint>& token_expires() const noexcept { return token_expires_; }
  // A login by the login op. Logging in as someone else logs the other user out first.
  void log_in(std::string user, std::string token, std::optional<TimePoint> expires = {});
  // For a transport that authenticated the caller itself (HTTP cookie or Basic).
  void assume_user(std::string user) { user_ = std::move(user); }
  // For a transport that holds a login token it has not checked (HTTP logout's cookie).
  void assume_token(std::string_view token) { token_.assign(token); }
  // Leaves the chat room and forgets the user, the token, the storage handle and the upload.
  void log_out();
  // The count of ended logins (AccountService::revocations()) when this session's token was
  // last known good; ops::admit checks the token again when the count has moved since.
  std::uint64_t revocations_seen() const noexcept { return revocations_seen_; }
  void set_revocations_seen(std::uint64_t seen) noexcept { revocations_seen_ = seen; }
  // The administrator disabled the user while this session was logged in: ops::admit tells
  // every op that needs a login account_disabled rather than not_logged_in, until the next
  // login (a transport may admit one request more than once).
  bool ended_by_disable() const noexcept { return ended_by_disable_; }
  void set_ended_by_disable() noexcept { ended_by_disable_ = true; }

  // The user's storage space, opened on first use by ops::with_space.
  std::shared_ptr<storage::UserSpace>& space() noexcept { return space_; }

  struct PendingUpload {
    std::string path;
    std::unique_ptr<storage::UploadSink> upload;
    storage::TargetCheck check;       // the upload's condition, run again at commit
    bool target_existed = false;      // a file was at `path` when the upload began
    bool discard_on_failure = false;  // no resume (HTTP PUT): a failed body removes the partial
  };
  // The pending upload, if any, read like a std::optional. Held by pointer: every idle
  // connection has a Session, and few have an upload in progress.
  class UploadSlot {
   public:
    explicit operator bool() const noexcept { return upload_ != nullptr; }
    bool has_value() const noexcept { return upload_ != nullptr; }
    PendingUpload& operator*() const noexcept { return *upload_; }
    PendingUpload* operator->() const noexcept { return upload_.get(); }
    PendingUpload& emplace(PendingUpload upload) {
      upload_ = std::make_unique<PendingUpload>(std::move(upload));
      return *upload_;
    }
    void reset() noexcept { upload_.reset(); }

   private:
    std::unique_ptr<PendingUpload> upload_;
  };
  UploadSlot& upload() noexcept { return upload_; }

  // Chat membership. The transport supplies the member that delivers events to this caller
  // (held weakly: the member usually owns the session); join and leave go through here.
  void attach_chat_member(std::weak_ptr<ChatMember> member) { chat_member_ = std::move(member); }
  bool in_chat() const noexcept { return in_chat_; }
  std::vector<std::string> join_chat();
  void leave_chat();
  // The room removed the member itself (it fell behind): no leave is due any more.
  void dropped_from_chat() noexcept { in_chat_ = false; }
  // The member that speaks for this caller; null if the transport supplied none.
  std::shared_ptr<ChatMember> chat_member() const { return chat_member_.lock(); }

  // The WebDAV lock tokens this caller submits (an HTTP request's If header; none on TCP):
  // ops/lock_check.h lets a write through a locked name only with the lock's token here.
  void submit_lock_tokens(std::vector<std::string> tokens);
  const std::vector<std::string>& lock_tokens() const noexcept;

 private:
  Services& server_;
  Transport transport_;
  std::string address_;
  std::uint64_t serial_;
  std::optional<std::string> user_;
  SessionToken token_;
  std::optional<TimePoint> token_expires_;
  std::uint64_t revocations_seen_ = 0;
  std::shared_ptr<storage::UserSpace> space_;
  UploadSlot upload_;
  std::weak_ptr<ChatMember> chat_member_;
  bool in_chat_ = false;
  bool ended_by_disable_ = false;
  // Only an HTTP request that submits tokens has them: an idle TCP session pays one pointer.
  std::unique_ptr<std::vector<std::string>> lock_tokens_;
};

}  // namespace ops
}  // namespace netdisk::server
