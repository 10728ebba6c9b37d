// ServerTrust: whether to go on with a TLS server once the handshake has shown its key, as ssh
// decides on host keys. A certificate that verifies against the CA store for the host name is
// trusted at once. Otherwise the key must match known_servers (known_servers.h); a changed key
// is refused everywhere, with what to check and how to accept it. An unknown key is asked
// about once at a terminal; without one it is remembered with a notice on stderr (ssh's
// accept-new), unless strict checking asks for a known key. One ServerTrust serves every
// connection of a process, so a second connection never asks again. Thread-safe (parallel
// transfers connect from worker threads; a question is asked under the lock).
#pragma once

#include <functional>
#include <mutex>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "client/known_servers.h"
#include "client/wire_connection.h"

namespace netdisk::client {

// A server the client refuses to talk to; what() says why and what to do.
class UntrustedServer : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ServerTrust {
 public:
  // Asks the person a yes/no question; true for yes.
  using Ask = std::function<bool(const std::string& question)>;

  // `ask` is empty when there is no terminal; `notices` receives the accept-new message.
  ServerTrust(KnownServers known, bool strict, Ask ask, std::ostream& notices)
      : known_(std::move(known)), strict_(strict), ask_(std::move(ask)), notices_(notices) {}

  // Returns when `key` may be trusted for `server` (HOST:PORT), remembering a newly trusted
  // key; throws UntrustedServer otherwise (std::runtime_error when the file cannot be written).
  void check(const std::string& server, const PeerKey& key);

  const KnownServers& known() const noexcept { return known_; }
  // True once after check() has asked the person a question (and cleared then): the server
  // may have given up on that connection's handshake while the person read the question.
  bool take_question_asked();

 private:
  void trust_unknown(const std::string& server, const std::string& fingerprint);

  KnownServers known_;
  bool strict_;
  Ask ask_;
  std::ostream& notices_;
  std::mutex mutex_;
  std::set<std::pair<std::string, std::string>> trusted_;  // (server, fingerprint) this run
  bool asked_ = false;
};

// The command that forgets a server's key (the advice in a changed-key message).
std::string forget_command(const std::string& server);

}  // namespace netdisk::client
