// ChatMember: what the chat room needs from a participant, whatever carries it (a NetDisk TCP
// connection, a WebSocket). The room calls deliver() and dropped() only on the member's own
// executor, so a member needs no locking of its own.
#pragma once

#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "server/outbox.h"

namespace netdisk::server {

class ChatMember {
 public:
  virtual ~ChatMember() = default;

  // The account name, as registered: the only name a member can speak under.
  virtual const std::string& chat_name() const = 0;
  virtual boost::asio::any_io_executor chat_executor() const = 0;

  // Queues one event. `frame` is a complete NetDisk frame (4-byte length + JSON payload),
  // shared by every receiver; a WebSocket member sends the bytes after the header. Returns
  // false when the member's outgoing queue is full: the room then drops it.
  virtual bool chat_deliver(const SharedFrame& frame) = 0;

  // The member was removed from the room because it fell too far behind; `frame` tells it why
  // (a chat.dropped event), to be sent if it ever reads again.
  virtual void chat_dropped(const SharedFrame& frame) = 0;
};

}  // namespace netdisk::server
