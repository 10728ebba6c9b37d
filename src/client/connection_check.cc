#include "client/connection_check.h"

namespace netdisk::client {

bool closed_by_server_now(WireConnection& connection) {
  try {
    bool open = connection.read_available();
    // Between two commands nothing is owed to us: whatever came is a farewell or an event.
    while (auto frame = connection.buffered_reply()) {
      if (!frame->event && frame->id == 0 && !frame->ok) return true;
    }
    return !open;
  } catch (const std::exception&) {
    return true;  // a socket error or a garbled frame: nothing more can go over it
  }
}

}  // namespace netdisk::client
