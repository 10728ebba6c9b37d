#include "protocol/key_fingerprint.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace netdisk::protocol {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

KeyPtr new_key() { return {EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free}; }

// A minimal self-signed certificate for `key`, with `serial`.
CertPtr certificate_for(EVP_PKEY* key, long serial) {
  CertPtr cert(X509_new(), X509_free);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key);
  X509_sign(cert.get(), key, EVP_sha256());
  return cert;
}

TEST(KeyFingerprint, NamesTheKeyNotTheCertificate) {
  auto key = new_key();
  ASSERT_TRUE(key);
  auto first = certificate_for(key.get(), 1);
  auto renewed = certificate_for(key.get(), 2);
  auto fingerprint = key_fingerprint(first.get());
  EXPECT_EQ(fingerprint, key_fingerprint(renewed.get()));
  EXPECT_TRUE(is_key_fingerprint(fingerprint)) << fingerprint;
  auto other = new_key();
  auto stranger = certificate_for(other.get(), 1);
  EXPECT_NE(fingerprint, key_fingerprint(stranger.get()));
}

TEST(KeyFingerprint, IsTheUnpaddedBase64OfTheSha256OfTheEncodedKey) {
  auto key = new_key();
  auto cert = certificate_for(key.get(), 7);
  unsigned char* der = nullptr;
  int size = i2d_PUBKEY(key.get(), &der);
  ASSERT_GT(size, 0);
  unsigned char digest[32];
  unsigned digest_size = 0;
  EVP_Digest(der, static_cast<std::size_t>(size), digest, &digest_size, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  unsigned char text[64] = {};
  EVP_EncodeBlock(text, digest, 32);
  std::string expected = "SHA256:" + std::string(reinterpret_cast<char*>(text), 43);
  EXPECT_EQ(key_fingerprint(cert.get()), expected);
  EXPECT_EQ(reinterpret_cast<char*>(text)[43], '=');  // the padding that is dropped
}

TEST(KeyFingerprint, ShapeCheckRefusesWhatIsNotOne) {
  EXPECT_FALSE(is_key_fingerprint(""));
  EXPECT_FALSE(is_key_fingerprint("SHA256:"));
  EXPECT_FALSE(is_key_fingerprint("MD5:" + std::string(43, 'a')));
  EXPECT_FALSE(is_key_fingerprint("SHA256:" + std::string(42, 'a')));
  EXPECT_FALSE(is_key_fingerprint("SHA256:" + std::string(42, 'a') + "="));
  EXPECT_TRUE(is_key_fingerprint("SHA256:" + std::string(42, 'a') + "/"));
}

}  // namespace
}  // namespace netdisk::protocol
