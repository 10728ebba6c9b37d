#include "client/transfer/file_download.h"

#include <optional>
#include <stdexcept>

#include "client/content_hash.h"
#include "client/progress/progress_format.h"
#include "client/transfer/partial_download.h"
#include "client/transfer/rate_limit.h"

namespace netdisk::client {
namespace {

// Where this download starts: the partial file, how much it holds, and the running checksum.
struct StartPoint {
  PartialDownload partial;
  std::uint64_t offset = 0;
  std::optional<std::string> version;  // the server version the held bytes came from
  ContentHasher hasher;                // checksum of the held bytes
};

// The existing partial, ready to continue, or nullopt with `why_not` set when there is one
// that cannot be continued.
std::optional<StartPoint> resume_point(const std::filesystem::path& target, std::string& why_not) {
  auto partial = PartialDownload::open_existing(target);
  if (!partial) return std::nullopt;
  auto version = partial->stored_version();
  if (!version) {
    why_not = "started over: the partial file has no recorded version";
    return std::nullopt;
  }
  StartPoint start{std::move(*partial), 0, std::move(version), ContentHasher()};
  start.offset = start.partial.size();
  hash_file_prefix(start.partial.fd(), start.offset, start.hasher,
                   PartialDownload::part_path(target).string());
  return start;
}

protocol::Reply request_download(ClientSession& session, const std::string& remote,
                                 const StartPoint* resume, const TransferContext& context) {
  nlohmann::json fields = {{"path", remote}, {"offset", 0}};
  if (resume != nullptr && resume->offset > 0) {
    fields["offset"] = resume->offset;
    fields["version"] = *resume->version;
    fields["prefix_checksum"] = resume->hasher.hex();
  }
  auto& connection = session.connection();
  return connection.wait_reply(connection.send("download", std::move(fields)),
                               context.reply_timeout, context.control);
}

[[noreturn]] void throw_refusal(const protocol::Reply& reply) {
  throw ServerError(reply.error_code_name, reply.error->message);
}

}  // namespace

void download_file(ClientSession& session, const std::string& remote,
                   const std::filesystem::path& target, bool try_resume, TransferContext& context) {
  std::string note;
  std::optional<StartPoint> start = try_resume ? resume_point(target, note) : std::nullopt;
  auto reply = request_download(session, remote, start ? &*start : nullptr, context);
  if (!reply.ok && start && start->offset > 0 &&
      (reply.error_code_name == "version_mismatch" ||
       reply.error_code_name == "offset_out_of_range")) {
    note = "started over: " + remote + " changed on the server since the partial download";
    start.reset();
    reply = request_download(session, remote, nullptr, context);
  }
  if (!reply.ok) throw_refusal(reply);

  auto size = reply.body.value("size", std::uint64_t{0});
  auto offset = reply.body.value("offset", std::uint64_t{0});
  auto stream = reply.body.value("stream", std::uint64_t{0});
  auto version = reply.body.value("version", std::string());
  if (offset != (start ? start->offset : 0) || offset > size || stream != size - offset) {
    throw std::runtime_error("the server's download reply does not add up (size " +
                             std::to_string(size) + ", offset " + std::to_string(offset) +
                             ", stream " + std::to_string(stream) + ")");
  }
  if (!start || offset == 0) {
    start.reset();  // closes an empty partial before it is replaced
    start.emplace(StartPoint{PartialDownload::create(target), 0, version, ContentHasher()});
    start->partial.store_version(version);
  } else if (offset > 0) {
    note = "resumed at " + human_bytes(offset) + " (offset " + std::to_string(offset) + ")";
  }
  if (!note.empty()) context.progress.set_note(note);
  context.progress.begin(size, offset);

  RateLimit limit(context.limit_rate, context.control.cancel);
  session.connection().receive_stream(
      stream,
      [&](std::span<const char> bytes) {
        start->partial.append(bytes.data(), bytes.size());
        start->hasher.update(bytes);
        context.progress.advance(bytes.size());
        limit.moved(bytes.size());
      },
      context.control);

  std::string expected = reply.body.value("checksum", std::string());
  if (expected.empty()) {
    expected = session.call("checksum", {{"path", remote}}).value("checksum", std::string());
  }
  if (start->hasher.hex() != expected) {
    start->partial.discard();
    throw std::runtime_error(target.string() + ": the downloaded bytes do not match the " +
                             "server's checksum; nothing was kept");
  }
  start->partial.commit();
}

}  // namespace netdisk::client
