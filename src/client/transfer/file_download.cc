#include "client/transfer/file_download.h"

#include <optional>
#include <stdexcept>
#include <variant>

#include "client/content_hash.h"
#include "client/progress/progress_format.h"
#include "client/transfer/partial_download.h"
#include "client/transfer/rate_limit.h"
#include "client/transfer/target_append.h"

namespace netdisk::client {
namespace {

// Where the bytes go: TARGET.part (renamed at the end) or TARGET itself (appended to).
using Destination = std::variant<PartialDownload, TargetAppend>;

// Where this download starts: the destination, how much it holds, and the running checksum.
struct StartPoint {
  Destination destination;
  std::uint64_t offset = 0;
  std::optional<std::string> version;  // the server version the held bytes came from
  ContentHasher hasher;                // checksum of the held bytes
};

int destination_fd(const Destination& destination) {
  return std::visit([](const auto& d) { return d.fd(); }, destination);
}

// Hashes the `offset` bytes the start point already holds.
StartPoint hashed(StartPoint start, const std::string& what) {
  hash_file_prefix(destination_fd(start.destination), start.offset, start.hasher, what);
  return start;
}

// The existing TARGET.part, ready to continue, or nullopt with `why_not` set when there is
// one that cannot be continued.
std::optional<StartPoint> part_resume_point(const std::filesystem::path& target,
                                            std::string& why_not) {
  auto partial = PartialDownload::open_existing(target);
  if (!partial) return std::nullopt;
  auto version = partial->stored_version();
  if (!version) {
    why_not = "started over: the partial file has no recorded version";
    return std::nullopt;
  }
  auto size = partial->size();
  return hashed(StartPoint{std::move(*partial), size, std::move(version), ContentHasher()},
                PartialDownload::part_path(target).string());
}

// TARGET itself, to continue in place; the server is to confirm `version` and its bytes.
StartPoint target_resume_point(const DownloadRequest& request) {
  auto in_place = TargetAppend::open(request.target);
  auto size = in_place.original_size();
  return hashed(StartPoint{std::move(in_place), size, request.remote_version, ContentHasher()},
                request.target.string());
}

std::optional<StartPoint> start_point(const DownloadRequest& request, std::string& note) {
  switch (request.start) {
    case DownloadStart::resume_part:
      return part_resume_point(request.target, note);
    case DownloadStart::resume_target:
      return target_resume_point(request);
    case DownloadStart::fresh:
      break;
  }
  return std::nullopt;
}

protocol::Reply request_download(ServerLink& link, const std::string& remote,
                                 const StartPoint* resume, const TransferContext& context) {
  nlohmann::json fields = {{"path", remote}, {"offset", 0}};
  if (resume != nullptr && resume->offset > 0) {
    fields["offset"] = resume->offset;
    fields["version"] = *resume->version;
    fields["prefix_checksum"] = resume->hasher.hex();
  }
  auto& connection = link.connection();
  return connection.wait_reply(connection.send("download", std::move(fields)),
                               context.reply_timeout, context.control);
}

// Why a refused resume starts over, for the summary line.
std::string start_over_note(const DownloadRequest& request) {
  if (request.start == DownloadStart::resume_target) {
    return "started over: the bytes " + request.target.string() + " held differ from " +
           request.remote + " on the server";
  }
  return "started over: " + request.remote + " changed on the server since the partial download";
}

// When the server's file changed under a resume, the content the partial began with may be
// one of its kept versions (issue #20): say where to find it. Quiet when there is none, or
// when the server keeps no versions (an older server answers unknown_op).
std::string older_version_hint(ServerLink& link, const DownloadRequest& request) {
  if (request.start != DownloadStart::resume_part) return {};
  try {
    auto reply = link.call("versions.list", {{"path", request.remote}});
    if (reply.value("versions", nlohmann::json::array()).empty()) return {};
  } catch (const ServerError&) {
    return {};
  }
  return "; an older version exists: see `netdisk versions " + request.remote + "`";
}

[[noreturn]] void throw_refusal(const protocol::Reply& reply) {
  throw ServerError(reply.error_code_name, reply.error->message);
}

// The request, and a fresh one when the server does not confirm the bytes held.
protocol::Reply checked_request(ServerLink& link, const DownloadRequest& request,
                                std::optional<StartPoint>& start, std::string& note,
                                const TransferContext& context) {
  auto reply = request_download(link, request.remote, start ? &*start : nullptr, context);
  if (!reply.ok && start && start->offset > 0 &&
      (reply.error_code_name == "version_mismatch" ||
       reply.error_code_name == "offset_out_of_range")) {
    note = start_over_note(request) + older_version_hint(link, request);
    start.reset();
    reply = request_download(link, request.remote, nullptr, context);
  }
  if (!reply.ok) throw_refusal(reply);
  return reply;
}

struct StreamNumbers {
  std::uint64_t size, offset, stream;
};

// The reply's numbers, once they agree with each other and with where the download starts.
StreamNumbers checked_numbers(const protocol::Reply& reply, std::uint64_t held) {
  auto size = reply.body.value("size", std::uint64_t{0});
  auto offset = reply.body.value("offset", std::uint64_t{0});
  auto stream = reply.body.value("stream", std::uint64_t{0});
  if (offset != held || offset > size || stream != size - offset) {
    throw std::runtime_error("the server's download reply does not add up (size " +
                             std::to_string(size) + ", offset " + std::to_string(offset) +
                             ", stream " + std::to_string(stream) + ")");
  }
  return {size, offset, stream};
}

// Publishes the download once the whole file's checksum matches the server's; otherwise
// drops what this run added and throws.
void verify_and_commit(ServerLink& link, const DownloadRequest& request,
                       const protocol::Reply& reply, StartPoint& start) {
  std::string expected = reply.body.value("checksum", std::string());
  if (expected.empty()) {
    expected =
        link.call("checksum", {{"path", request.remote}}).value("checksum", std::string());
  }
  if (start.hasher.hex() != expected) {
    std::visit([](auto& d) { d.discard(); }, start.destination);
    bool in_place = std::holds_alternative<TargetAppend>(start.destination);
    throw std::runtime_error(
        request.target.string() + ": the downloaded bytes do not match " +
        "the server's checksum; " +
        (in_place ? "the file was cut back to the bytes it held" : "nothing was kept"));
  }
  std::visit([](auto& d) { d.commit(); }, start.destination);
}

}  // namespace

void download_file(ServerLink& link, const DownloadRequest& request,
                   TransferContext& context) {
  std::string note;
  std::optional<StartPoint> start = start_point(request, note);
  auto reply = checked_request(link, request, start, note, context);

  auto [size, offset, stream] = checked_numbers(reply, start ? start->offset : 0);
  auto version = reply.body.value("version", std::string());
  if (!start || (offset == 0 && std::holds_alternative<PartialDownload>(start->destination))) {
    start.reset();  // closes an empty partial before it is replaced
    start.emplace(StartPoint{PartialDownload::create(request.target), 0, version, ContentHasher()});
    std::get<PartialDownload>(start->destination).store_version(version);
  } else if (offset > 0) {
    note = "resumed at " + human_bytes(offset) + " (offset " + std::to_string(offset) + ")";
  }
  if (!note.empty()) context.progress.set_note(note);
  context.progress.begin(size, offset);

  RateLimit limit(context.limit_rate, context.control.cancel);
  link.connection().receive_stream(
      stream,
      [&](std::span<const char> bytes) {
        std::visit([&](auto& d) { d.append(bytes.data(), bytes.size()); }, start->destination);
        start->hasher.update(bytes);
        context.progress.advance(bytes.size());
        limit.moved(bytes.size());
      },
      context.control);

  verify_and_commit(link, request, reply, *start);
}

}  // namespace netdisk::client
