#include "server/tls/tls_identity.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "protocol/key_fingerprint.h"
#include "server/server_config.h"
#include "storage/atomic_file.h"
#include "storage/unique_fd.h"

namespace netdisk::server {
namespace {

namespace fs = std::filesystem;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

// A self-signed certificate lives as long as its key: clients pin the key, not a date. Twenty
// years keeps every TLS library's validity check quiet.
constexpr long kValidDays = 20 * 365;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

CertPtr read_certificate(const fs::path& file, const std::string& label) {
  BioPtr bio(BIO_new_file(file.c_str(), "r"), BIO_free);
  if (!bio) fail(fmt::format("{} {}: cannot read it: {}", label, file.string(), std::strerror(errno)));
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) fail(fmt::format("{} {}: not a PEM certificate", label, file.string()));
  return cert;
}

void add_name(X509* cert, const std::string& common_name) {
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("NetDisk"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
}

// Host names a client might use on the machine itself; others pin the key instead.
void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) fail("cannot build the TLS certificate's extensions");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

CertPtr self_signed(EVP_PKEY* key, const std::string& server_name) {
  CertPtr cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  BIGNUM* number = BN_new();  // a random 64-bit serial number (RFC 5280 allows up to 20 bytes)
  if (number == nullptr || BN_rand(number, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
    BN_free(number);
    fail("cannot draw the TLS certificate's serial number");
  }
  BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert.get()));
  BN_free(number);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // a client's clock may lag
  X509_time_adj_ex(X509_getm_notAfter(cert.get()), kValidDays, 0, nullptr);
  X509_set_pubkey(cert.get(), key);
  add_name(cert.get(), server_name);
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("cannot sign the TLS certificate");
  return cert;
}

std::string pem_of(int (*write)(BIO*, void*), void* object) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || write(bio.get(), object) != 1) fail("cannot encode the TLS key or certificate");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

int write_key(BIO* bio, void* key) {
  return PEM_write_bio_PrivateKey(bio, static_cast<EVP_PKEY*>(key), nullptr, nullptr, 0, nullptr,
                                  nullptr);
}
int write_cert(BIO* bio, void* cert) { return PEM_write_bio_X509(bio, static_cast<X509*>(cert)); }

// Written like every file the server owns: temporary file, fsync, rename, fsync the folder.
void write_private(int dirfd, const char* name, const std::string& text, const fs::path& folder) {
  auto file = storage::AtomicFile::create(dirfd, name, 0600);
  Status written = file ? file->write(std::as_bytes(std::span(text))) : Status(file.error());
  if (written) written = file->commit();
  if (!written) {
    fail(fmt::format("cannot write the TLS {} in {}: {}", name, folder.string(),
                     written.error().message));
  }
}

void create_identity(const fs::path& folder, const std::string& server_name) {
  if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
    fail(fmt::format("cannot create {}: {}", folder.string(), std::strerror(errno)));
  }
  storage::UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) fail(fmt::format("cannot open {}: {}", folder.string(), std::strerror(errno)));
  KeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
  if (!key) fail("cannot generate a TLS key (EC P-256)");
  auto cert = self_signed(key.get(), server_name);
  // The key first: a crash between the two renames leaves a key without a certificate, which
  // the next start reports rather than silently replacing.
  write_private(dir.get(), kTlsKeyName, pem_of(write_key, key.get()), folder);
  write_private(dir.get(), kTlsCertName, pem_of(write_cert, cert.get()), folder);
}

}  // namespace

TlsIdentity load_or_create_tls_identity(const ServerConfig& config) {
  TlsIdentity identity{config.tls_cert_file, config.tls_key_file, {}, false};
  if (!identity.cert_file.empty()) {
    identity.cert_label = "--tls-cert";
    identity.key_label = "--tls-key";
  } else {
    fs::path folder = config.data_dir / kTlsFolder;
    identity.cert_file = folder / kTlsCertName;
    identity.key_file = folder / kTlsKeyName;
    std::error_code ec;
    bool has_cert = fs::exists(identity.cert_file, ec);
    bool has_key = fs::exists(identity.key_file, ec);
    if (has_cert != has_key) {
      fail(fmt::format("{} exists without {}: restore the missing file, or remove both to make "
                       "a new key (clients that pinned the old one will refuse the new one)",
                       (has_cert ? identity.cert_file : identity.key_file).string(),
                       (has_cert ? identity.key_file : identity.cert_file).string()));
    }
    if (!has_cert) {
      create_identity(folder, config.name.empty() ? std::string("netdiskd") : config.name);
      identity.created = true;
    }
  }
  identity.fingerprint =
      protocol::key_fingerprint(read_certificate(identity.cert_file, identity.cert_label).get());
  return identity;
}

}  // namespace netdisk::server
