// The NetDisk release version, shown by --version and in the hello handshake.
#pragma once

namespace netdisk::server {
inline constexpr const char* kNetdiskVersion = "0.1.0";
}
