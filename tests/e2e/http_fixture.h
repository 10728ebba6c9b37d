// HttpTest: the fixture of the HTTP end-to-end tests (http_test.cc, http_body_test.cc,
// http_tls_test.cc): a real netdiskd with HTTP on an ephemeral port and the users alice and
// bob (password "password1"), curl as the client, and TCP helpers to put files in place.
// Not thread-safe; one per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/wire_connection.h"
#include "tests/e2e/helpers.h"
#include "tests/e2e/server_process.h"

namespace netdisk::e2e {

// Whole-file transfers over the TCP protocol that fail the test (or throw) when refused.
void tcp_upload(client::WireConnection& connection, const std::string& path,
                const std::string& data);
std::string tcp_download(client::WireConnection& connection, const std::string& path);

// An HTTP response as curl saw it: status line and headers (-D), and the body.
struct Http {
  int status = 0;
  std::string headers;
  std::string body;
  std::string header(const std::string& name) const;
};

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  // (Re)starts the server with these extra options, under `wrapper` if any (see ServerProcess),
  // and registers alice and bob.
  void start(std::vector<std::string> extra, std::vector<std::string> wrapper = {});

  std::string url(const std::string& path) const;

  // Runs curl with `args` (already shell-quoted), capturing headers and body.
  Http curl(const std::string& args);

  std::filesystem::path work_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace netdisk::e2e
