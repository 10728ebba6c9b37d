// The fingerprint of a server's TLS key, as NetDisk shows it everywhere (the server's log,
// discovery answers, the client's known_servers file and its prompts): "SHA256:" and the
// unpadded base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo, as OpenSSH writes
// host keys. It names the key, not the certificate, so a certificate renewed for the same key
// keeps its fingerprint. Thread-safe.
#pragma once

#include <string>

typedef struct x509_st X509;

namespace netdisk::protocol {

// The fingerprint of `certificate`'s public key. Throws std::runtime_error when the key
// cannot be encoded (a certificate OpenSSL could not parse).
std::string key_fingerprint(X509* certificate);

// True when `text` has the shape of a fingerprint ("SHA256:" and 43 base64 characters).
bool is_key_fingerprint(const std::string& text);

}  // namespace netdisk::protocol
