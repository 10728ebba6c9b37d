// TransferBatch: runs the uploads or downloads of one command, up to `jobs` at a time, each
// worker thread over its own connection (the first reuses the command's connection, the
// others log in with its token). A failure is reported on its own line and the other files go
// on; Ctrl-C stops them all, keeping what each has received. Call from the main thread once
// the connector is authenticated; it returns when every transfer has ended.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "client/connector.h"
#include "client/progress/progress_display.h"
#include "client/transfer/transfer_context.h"

namespace netdisk::client {

struct TransferJob {
  std::string label;        // what the user calls the file, for progress lines and errors
  std::string resume_hint;  // how to carry on after Ctrl-C, e.g. "netdisk get a.iso"
  std::function<void(ServerLink&, TransferContext&)> run;
};

struct BatchSettings {
  std::size_t jobs = 4;          // parallel connections
  std::uint64_t limit_rate = 0;  // bytes per second per transfer, 0 for none
};

struct BatchResult {
  std::size_t failed = 0;  // refused, failed, or never started because of Ctrl-C
  bool interrupted = false;
};

BatchResult run_transfers(Connector& connector, const std::vector<TransferJob>& jobs,
                          const BatchSettings& settings, ProgressDisplay& display);

// The exit status for a batch: 0, 1 when any transfer failed, 130 after Ctrl-C.
int exit_status(const BatchResult& result);

}  // namespace netdisk::client
