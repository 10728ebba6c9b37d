// The server's TLS identity: its certificate chain and private key, for the NetDisk TCP port
// and HTTPS alike. --tls-cert/--tls-key name them; without the options the server uses, and on
// its first start creates, a key and a self-signed certificate in <data>/tls/ (a folder only
// the server's user can enter, both files 0600). Clients pin the key's fingerprint
// (protocol/key_fingerprint.h), which the server logs at every start. Blocking; main thread,
// at start-up.
#pragma once

#include <filesystem>
#include <string>

namespace netdisk::server {

struct ServerConfig;

struct TlsIdentity {
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  std::string fingerprint;  // of the key in cert_file
  bool created = false;     // made by this start
};

// The folder under the data folder that holds the server's own certificate and key.
inline constexpr const char* kTlsFolder = "tls";
inline constexpr const char* kTlsCertName = "server.crt";
inline constexpr const char* kTlsKeyName = "server.key";

// The identity `config` names, or the server's own in <data>/tls/, created when neither file
// exists. Throws std::runtime_error, naming the file and what to do, when a file cannot be
// read or written, or when only one of the two exists.
TlsIdentity load_or_create_tls_identity(const ServerConfig& config);

}  // namespace netdisk::server
