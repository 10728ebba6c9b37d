// TransferContext: what one running upload or download needs besides its own file: where to
// report progress, how it may be cancelled, and its speed limit. Owned by the worker thread
// that runs the transfer.
#pragma once

#include <chrono>
#include <cstdint>

#include "client/progress/progress_display.h"
#include "client/wire_connection.h"

namespace netdisk::client {

struct TransferContext {
  TransferProgress& progress;
  StreamControl control;         // cancel flag (Ctrl-C) and the stall timeout
  std::uint64_t limit_rate = 0;  // bytes per second, 0 for none
  // How long the server may take to answer a request of the transfer. It hashes, fsyncs and
  // renames before the last reply of an upload, so this is more generous than for other calls.
  std::chrono::milliseconds reply_timeout = std::chrono::minutes(5);
};

}  // namespace netdisk::client
