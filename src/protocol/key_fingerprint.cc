#include "protocol/key_fingerprint.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <stdexcept>

namespace netdisk::protocol {

std::string key_fingerprint(X509* certificate) {
  unsigned char* der = nullptr;
  int der_size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate), &der);
  if (der_size <= 0) throw std::runtime_error("the certificate's public key cannot be encoded");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned digest_size = 0;
  bool hashed = EVP_Digest(der, static_cast<std::size_t>(der_size), digest.data(), &digest_size,
                           EVP_sha256(), nullptr) == 1;
  OPENSSL_free(der);
  if (!hashed) throw std::runtime_error("SHA-256 is not available");
  // EVP_EncodeBlock pads with '='; OpenSSH's form drops the padding.
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> text{};
  int length = EVP_EncodeBlock(text.data(), digest.data(), static_cast<int>(digest_size));
  std::string encoded(reinterpret_cast<const char*>(text.data()), static_cast<std::size_t>(length));
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return "SHA256:" + encoded;
}

bool is_key_fingerprint(const std::string& text) {
  constexpr std::string_view kPrefix = "SHA256:";
  if (!text.starts_with(kPrefix) || text.size() != kPrefix.size() + 43) return false;
  for (char c : text.substr(kPrefix.size())) {
    bool base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '+' || c == '/';
    if (!base64) return false;
  }
  return true;
}

}  // namespace netdisk::protocol
