#include "client/server_trust.h"

namespace netdisk::client {
namespace {

std::string changed_key_message(const std::string& server, const KnownServer& known,
                                const std::string& offered, const std::string& file) {
  return "THE KEY OF SERVER " + server + " HAS CHANGED: not connecting.\n" +
         "  remembered key: " + known.fingerprint + " (" + file + ", line " +
         std::to_string(known.line) + ")\n" + "  key offered now: " + offered + "\n" +
         "Someone may be intercepting the connection, or the server has a new key (a new data "
         "folder, other --tls-cert/--tls-key). Compare the new key with the fingerprint "
         "netdiskd logs when it starts, or that `netdisk discover` shows. If the new key is "
         "right, run `" +
         forget_command(server) + "` (or delete line " + std::to_string(known.line) + " of " +
         file + ") and connect again.";
}

}  // namespace

std::string forget_command(const std::string& server) { return "netdisk trust --forget " + server; }

void ServerTrust::check(const std::string& server, const PeerKey& key) {
  std::lock_guard lock(mutex_);
  // A CA-verified certificate for this host name needs no pinning (the web's model).
  if (key.ca_verified) return;
  if (trusted_.contains({server, key.fingerprint})) return;
  if (auto known = known_.find(server)) {
    if (known->fingerprint != key.fingerprint) {
      throw UntrustedServer(
          changed_key_message(server, *known, key.fingerprint, known_.file().string()));
    }
  } else {
    trust_unknown(server, key.fingerprint);
  }
  trusted_.insert({server, key.fingerprint});
}

bool ServerTrust::take_question_asked() {
  std::lock_guard lock(mutex_);
  return std::exchange(asked_, false);
}

void ServerTrust::trust_unknown(const std::string& server, const std::string& fingerprint) {
  std::string file = known_.file().string();
  if (ask_) {
    asked_ = true;
    bool yes = ask_("The server " + server + " is not known yet. Its key fingerprint is\n  " +
                    fingerprint +
                    "\nCompare it with the one netdiskd logged when it started (or `netdisk "
                    "discover`).\nTrust this key and connect? (yes/no) ");
    if (!yes) throw UntrustedServer("not connecting to " + server + ": its key was not trusted");
    known_.remember(server, fingerprint);
    notices_ << "netdisk: remembered the key of " << server << " in " << file << "\n";
    return;
  }
  if (strict_) {
    throw UntrustedServer(
        "the key of server " + server + " (" + fingerprint + ") is not in " + file +
        " and strict checking is on (--strict-host-key or NETDISK_STRICT_HOST_KEY): check the "
        "fingerprint against the one netdiskd logs when it starts, then connect once without "
        "strict checking or add the line \"" +
        server + " " + fingerprint + "\" to " + file);
  }
  known_.remember(server, fingerprint);
  notices_ << "netdisk: first connection to " << server << ": trusting its key " << fingerprint
           << " from now on (added to " << file
           << "); compare it with the fingerprint netdiskd logged when it started\n";
}

}  // namespace netdisk::client
