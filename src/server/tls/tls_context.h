// TlsContext: the TLS settings of the NetDisk TCP port (OpenSSL's SSL_CTX), made once at
// start-up from the server's identity (tls_identity.h); each accepted connection takes a
// session from it for its WireStream (server/wire_stream.h). TLS 1.3 only: every client of
// this port is NetDisk's own. Kernel TLS is asked for where OpenSSL and the kernel offer it,
// and the start-up log says whether downloads can then stay zero-copy. Thread-safe once made
// (SSL_CTX is, for SSL_new).
#pragma once

#include <memory>
#include <string>

#include "server/tls/tls_identity.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace netdisk::server {

class TlsContext {
 public:
  // Loads the certificate chain and key. Throws std::runtime_error naming the file.
  explicit TlsContext(const TlsIdentity& identity);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A new server-side session, owned by the caller (SSL_free), or null when OpenSSL is out of
  // memory.
  SSL* new_session() const noexcept;
  const std::string& fingerprint() const noexcept { return fingerprint_; }
  // Why kernel TLS is off on this machine, or empty when it is on.
  const std::string& kernel_tls_missing() const noexcept { return kernel_tls_missing_; }

 private:
  SSL_CTX* context_;
  std::string fingerprint_;
  std::string kernel_tls_missing_;
};

}  // namespace netdisk::server
