// End-to-end tests of the HTTPS listener (docs/HTTP.md, "TLS"): a self-signed certificate made
// with the openssl CLI, curl --cacert downloads with Range and resume, the Secure cookie over
// TLS only, and start-up refusing certificate files it cannot use.
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

#include "tests/e2e/cli_runner.h"
#include "tests/e2e/http_fixture.h"

namespace netdisk::e2e {
namespace {

namespace fs = std::filesystem;

class HttpsTest : public HttpTest {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "netdisk-tls-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    tls_dir_ = pattern;
    cert_ = tls_dir_ / "cert.pem";
    key_ = tls_dir_ / "key.pem";
    auto made = run_shell(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
        key_.string() + "' -out '" + cert_.string() + "' 2>&1");
    ASSERT_EQ(made.exit_code, 0) << made.out;
    fs::path port_file = tls_dir_ / "https-port";
    start({"--https", "127.0.0.1:0", "--https-port-file", port_file.string(), "--tls-cert",
           cert_.string(), "--tls-key", key_.string()});
    // netdiskd writes it before the HTTP port file, which the harness has already seen.
    std::ifstream(port_file) >> https_port_;
    ASSERT_NE(https_port_, 0u) << server_->log();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(tls_dir_, ignored);
  }

  std::string https_url(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(https_port_) + path;
  }
  std::string cacert() const { return "--cacert '" + cert_.string() + "' "; }

  fs::path tls_dir_, cert_, key_;
  unsigned https_port_ = 0;
};

TEST_F(HttpsTest, CurlDownloadsRangesAndResumesOverTls) {
  auto data = random_bytes(3 << 20, 31);
  auto alice = logged_in(*server_, "alice");
  tcp_upload(alice, "report.pdf", data);
  std::string auth = "-u alice:password1 ";
  auto range = curl(cacert() + auth + "-r 100-199 " + https_url("/files/report.pdf"));
  EXPECT_EQ(range.status, 206);
  EXPECT_EQ(range.header("Content-Range"), "bytes 100-199/" + std::to_string(data.size()));
  EXPECT_EQ(range.body, data.substr(100, 100));
  auto several = curl(cacert() + auth + "-r 0-9,20-29 " + https_url("/files/report.pdf"));
  EXPECT_EQ(several.status, 206);
  EXPECT_NE(several.header("Content-Type").find("multipart/byteranges"), std::string::npos);
  EXPECT_EQ(several.header("Content-Length"), std::to_string(several.body.size()));

  write_file(work_ / "original", data);
  write_file(work_ / "report.pdf", data.substr(0, 1000000));  // an interrupted download
  auto resumed = run_shell("cd '" + work_.string() + "' && curl -sS -f " + cacert() + auth +
                           "-C - -O " + https_url("/files/report.pdf"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(read_file(work_ / "report.pdf"), data);
}

TEST_F(HttpsTest, TheSessionCookieIsSecureOverTlsOnly) {
  std::string login =
      "-H 'X-NetDisk-CSRF: 1' -H 'Content-Type: application/json' "
      "--data '{\"username\":\"alice\",\"password\":\"password1\"}' ";
  auto secure = curl(cacert() + login + https_url("/api/login"));
  ASSERT_EQ(secure.status, 200) << secure.body;
  EXPECT_NE(secure.header("Set-Cookie").find("; Secure"), std::string::npos);
  EXPECT_NE(secure.header("Set-Cookie").find("HttpOnly"), std::string::npos);
  // A same-site page served over https may post (its Origin is https://<Host>).
  auto from_page =
      curl(cacert() + login + "-H 'Origin: https://127.0.0.1:" + std::to_string(https_port_) +
           "' " + https_url("/api/login"));
  EXPECT_EQ(from_page.status, 200) << from_page.body;

  auto plain = curl(login + url("/api/login"));
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(plain.header("Set-Cookie").find("Secure"), std::string::npos);
}

TEST_F(HttpsTest, StartUpRefusesCertificateFilesItCannotUse) {
  auto refused = [&](std::vector<std::string> tls_args) -> std::string {
    std::vector<std::string> args{"--https", "127.0.0.1:0"};
    args.insert(args.end(), tls_args.begin(), tls_args.end());
    try {
      ServerProcess server(ServerProcess::WithHttp{}, args);
    } catch (const std::runtime_error& failure) {
      return failure.what();
    }
    return "it started";
  };
  auto missing =
      refused({"--tls-cert", (tls_dir_ / "nope.pem").string(), "--tls-key", key_.string()});
  EXPECT_NE(missing.find("--tls-cert"), std::string::npos) << missing;
  EXPECT_NE(missing.find("cannot read it"), std::string::npos) << missing;
  // A certificate given as the key (not a private key).
  auto wrong = refused({"--tls-cert", cert_.string(), "--tls-key", cert_.string()});
  EXPECT_NE(wrong.find("--tls-key"), std::string::npos) << wrong;
  auto no_key = refused({"--tls-cert", cert_.string()});
  EXPECT_NE(no_key.find("--tls-cert and --tls-key go together"), std::string::npos) << no_key;
}

}  // namespace
}  // namespace netdisk::e2e
