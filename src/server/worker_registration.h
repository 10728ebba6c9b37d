// WorkerRegistration: a TCP connection's entries in its worker: the set it asks to shut down
// (IoWorker::connections) and the deadlines it sweeps (IoWorker::deadlines). Present from
// start to close, and removed however the connection ends. Worker thread only.
#pragma once

#include "server/io_workers.h"

namespace netdisk::server {

class WorkerRegistration {
 public:
  // `timed` is the connection itself (Connection is incomplete here).
  WorkerRegistration(IoWorker& worker, Connection* connection, Timed* timed)
      : worker_(worker), connection_(connection), deadline_(worker.deadlines, timed) {
    worker_.connections.insert(connection_);
  }
  ~WorkerRegistration() { worker_.connections.erase(connection_); }
  WorkerRegistration(const WorkerRegistration&) = delete;
  WorkerRegistration& operator=(const WorkerRegistration&) = delete;

 private:
  IoWorker& worker_;
  Connection* connection_;
  DeadlineEntry deadline_;
};

}  // namespace netdisk::server
