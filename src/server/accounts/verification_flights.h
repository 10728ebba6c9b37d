// VerificationFlights: one Argon2id verification for credentials that many connections present
// at once. A WebDAV client, rclone or a browser opening its connections together after a
// restart (or after the credential cache's TTL) sends the same user and password on each; every
// one of them used to run its own verification, ~0.3 s of a core each, so 64 connections kept
// both cores busy for seconds before the first byte moved. Now the first caller verifies (the
// leader) and the others wait for it to land, then ask the credential cache again: a success is
// shared through the cache, a failure is not (each waiter then verifies and is throttled on its
// own, so a guesser learns nothing sooner). Keyed by the credential cache's keyed digest, so
// no password is kept. Thread-safe: callers on any I/O thread; a waiter resumes on its own.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/awaitable.hpp>

#include "server/accounts/credential_cache.h"

namespace netdisk::server {

class VerificationFlights {
 public:
  using Key = CredentialCache::Digest;
  class Flight;

  // The caller's place in the flight for `key`: the leader verifies and must let the flight
  // land (the Ticket does, when it is destroyed or land() is called, whatever happened);
  // anyone else awaits wait(), which returns once the leader has landed.
  class Ticket {
   public:
    Ticket(VerificationFlights& flights, Key key, std::shared_ptr<Flight> flight, bool leader);
    Ticket(Ticket&&) = delete;
    ~Ticket() { land(); }

    bool leader() const noexcept { return leader_; }
    boost::asio::awaitable<void> wait();
    void land() noexcept;  // the leader's verification is over; waiters may look again

   private:
    VerificationFlights& flights_;
    Key key_;
    std::shared_ptr<Flight> flight_;
    bool leader_;
  };

  // Joins the flight for `key`, or starts one (then the caller leads it).
  std::unique_ptr<Ticket> join(const Key& key);

  std::size_t in_flight();  // for tests

 private:
  void end(const Key& key, const std::shared_ptr<Flight>& flight) noexcept;

  std::mutex mutex_;
  std::unordered_map<Key, std::shared_ptr<Flight>, CredentialCache::DigestHash> flights_;
};

}  // namespace netdisk::server
