// WorkerRegistration: a connection's entry in its worker's set (IoWorker::connections), which
// the worker sweeps for deadlines and asks to shut down. Present from start to close, and
// removed however the connection ends. Worker thread only.
#pragma once

#include "server/io_workers.h"

namespace netdisk::server {

class WorkerRegistration {
 public:
  WorkerRegistration(IoWorker& worker, Connection* connection)
      : worker_(worker), connection_(connection) {
    worker_.connections.insert(connection_);
  }
  ~WorkerRegistration() { worker_.connections.erase(connection_); }
  WorkerRegistration(const WorkerRegistration&) = delete;
  WorkerRegistration& operator=(const WorkerRegistration&) = delete;

 private:
  IoWorker& worker_;
  Connection* connection_;
};

}  // namespace netdisk::server
