#include "client/transfer/file_upload.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "client/content_hash.h"
#include "client/interrupt.h"
#include "client/progress/progress_format.h"
#include "client/transfer/rate_limit.h"

namespace netdisk::client {
namespace {

constexpr int kBusyAttempts = 20;
constexpr auto kBusyPause = std::chrono::milliseconds(250);

// Closes the local file however the upload ends.
struct LocalFile {
  int fd;
  ~LocalFile() {
    if (fd >= 0) ::close(fd);
  }
};

nlohmann::json checked_reply(WireConnection& connection, std::uint64_t id,
                             const TransferContext& context) {
  auto reply = connection.wait_reply(id, context.reply_timeout, context.control);
  if (!reply.ok) throw ServerError(reply.error_code_name, reply.error->message);
  return std::move(reply.body);
}

}  // namespace

void upload_file(ServerLink& link, const std::filesystem::path& local,
                 const std::string& remote, TransferContext& context, bool expect_resume) {
  LocalFile file{::open(local.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) {
    throw std::runtime_error(local.string() + ": cannot open: " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw std::runtime_error(local.string() + ": not a regular file");
  }
  auto size = static_cast<std::uint64_t>(st.st_size);
  ContentHasher hasher;
  hash_file_prefix(file.fd, size, hasher, local.string());

  auto& connection = link.connection();
  nlohmann::json announce = {{"path", remote}, {"size", size}, {"checksum", hasher.hex()}};
  nlohmann::json begun;
  for (int attempt = 1;; ++attempt) {
    try {
      begun = checked_reply(connection, connection.send("upload", announce), context);
      break;
    } catch (const ServerError& error) {
      // server_busy: the server still holds the partial file for a connection of ours that
      // was cut a moment ago (a killed client). It lets go as soon as it notices.
      if (error.code() != "server_busy" || attempt == kBusyAttempts) throw;
      std::this_thread::sleep_for(kBusyPause);
      if (context.control.cancel != nullptr && context.control.cancel->load()) throw Interrupted();
    }
  }
  std::uint64_t offset = begun.value("offset", std::uint64_t{0});
  if (offset > size) {
    throw std::runtime_error("the server claims " + std::to_string(offset) + " bytes of " +
                             std::to_string(size));
  }
  if (offset > 0) {
    context.progress.set_note("resumed at " + human_bytes(offset) + " (offset " +
                              std::to_string(offset) + ")");
  } else if (expect_resume && size > 0) {
    context.progress.set_note("nothing to resume on the server: sending all " +
                              human_bytes(size));
  }
  context.progress.begin(size, offset);

  // Even with nothing left to send (an empty file, or every byte already there) the stream
  // is what asks the server to verify and publish the file.
  std::uint64_t id = connection.send("upload.data", {{"stream", size - offset}});
  RateLimit limit(context.limit_rate, context.control.cancel);
  connection.send_file(
      file.fd, offset, size - offset,
      [&](std::uint64_t moved) {
        context.progress.advance(moved);
        limit.moved(moved);
      },
      context.control);
  auto done = checked_reply(connection, id, context);
  if (!done.value("done", false)) {
    throw std::runtime_error("the server did not confirm the whole upload (" +
                             std::to_string(done.value("offset", std::uint64_t{0})) + " of " +
                             std::to_string(size) + " bytes)");
  }
}

}  // namespace netdisk::client
