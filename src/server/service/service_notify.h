// The systemd notify protocol (sd_notify(3), libsystemd): READY=1 once every listener is
// bound, RELOADING=1 ... READY=1 around a SIGHUP reload, STOPPING=1 when a graceful shutdown
// begins. Sends nothing when NOTIFY_SOCKET is unset (not started by systemd). Called by Server
// and the reload (server/service/reloader.h); any thread; a failure is logged, never fatal.
#pragma once

#include <string_view>

namespace netdisk::server {

// READY=1 with STATUS=`status` (say, the addresses served).
void notify_ready(std::string_view status);
// RELOADING=1 with MONOTONIC_USEC= (systemd 253+ wants it; 252 ignores it).
void notify_reloading();
void notify_stopping();

}  // namespace netdisk::server
