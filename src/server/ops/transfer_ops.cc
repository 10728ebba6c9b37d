#include "server/ops/transfer_ops.h"

#include <fmt/format.h>

#include "protocol/fields.h"
#include "server/ops/lock_check.h"
#include "server/ops/session.h"
#include "server/ops/storage_access.h"
#include "server/storage_errors.h"

namespace netdisk::server::ops {
namespace {

using json = nlohmann::json;

// The upload's optional condition on the name (docs/PROTOCOL.md, section 8): `if_version`
// (replace only that version) or `if_absent` (create only). Empty when neither is given.
Result<storage::TargetCheck> upload_condition(const json& body) {
  auto version = protocol::optional_string_field(body, "if_version");
  if (!version) return std::move(version).error();
  auto absent = protocol::optional_bool_field(body, "if_absent", false);
  if (!absent) return std::move(absent).error();
  if (*version && *absent) {
    return make_error(Errc::bad_request, "if_version and if_absent exclude each other");
  }
  if (*version) return storage::require_version(std::string(**version));
  if (*absent) return storage::require_absent();
  return storage::TargetCheck{};
}

// Commits the pending upload once its last byte is in, and answers with what the client
// needs to verify and later resume against: the published version and checksum.
boost::asio::awaitable<OpResult> finish_upload(OpCall& call, Status received) {
  auto& slot = call.session.upload();
  // A lock taken while the bytes came in binds too: the name is checked again right before
  // it changes, and a refused upload is dropped as a failed one is.
  if (received.ok() && slot && slot->upload->offset() >= slot->upload->size()) {
    received = co_await check_unlocked(call, slot->path, false);
  }
  if (!received.ok()) {
    if (slot && slot->discard_on_failure) {
      auto& upload = *slot->upload;
      co_await run_blocking(call.server.blocking_pool, [&upload] { upload.discard(); });
    }
    slot.reset();
    co_return std::move(received).error();
  }
  auto& upload = *slot->upload;
  if (upload.size_known() && upload.offset() < upload.size()) {
    if (slot->discard_on_failure) {
      // An HTTP body that ended short of the size it announced (X-Expected-Entity-Length
      // with a chunked body): it cannot resume, so nothing of it stays.
      auto missing = upload.size() - upload.offset();
      co_await run_blocking(call.server.blocking_pool, [&upload] { upload.discard(); });
      slot.reset();
      co_return make_error(
          Errc::size_mismatch,
          fmt::format("the body ended {} bytes before its announced size", missing));
    }
    co_return reply_with({{"offset", upload.offset()}, {"done", false}});
  }
  auto finished = std::move(*slot);
  slot.reset();
  co_return co_await with_space(call, [&finished](storage::UserSpace&) -> OpResult {
    auto committed = finished.upload->commit(finished.check);
    if (!committed.ok()) return wire_error(committed.error());
    // What the client needs to verify and later resume against: the published version.
    json reply = {
        {"offset", finished.upload->offset()}, {"done", true}, {"version", committed->version}};
    if (committed->checksum) reply["checksum"] = *committed->checksum;
    return reply_with(std::move(reply));
  });
}

// Where a download starts: 0, or a resume's offset with the version and prefix checksum the
// client holds.
struct Resume {
  std::uint64_t start = 0;
  std::string version;
  std::string prefix_checksum;
};

// The reply to a download of `opened`: fields and the stream, or why not. Reads the file only
// for a resume's prefix checksum (then on the blocking pool).
OpResult download_reply(storage::StorageResult<std::unique_ptr<storage::OpenFile>> opened,
                        const Resume& resume) {
  if (!opened) return wire_error(opened.error());
  auto& file = *opened;
  std::uint64_t start = resume.start;
  if (start > file->size()) {
    return make_error(
        Errc::offset_out_of_range,
        fmt::format("offset {} is past the end of the file ({} bytes)", start, file->size()));
  }
  if (start > 0) {
    if (resume.version != file->version()) {
      return make_error(Errc::version_mismatch, "the file has changed since your copy began");
    }
    auto held = file->prefix_checksum(start);
    if (!held) return wire_error(held.error());
    if (*held != resume.prefix_checksum) {
      return make_error(Errc::version_mismatch,
                        "the bytes you already have differ from the file on the server");
    }
  }
  std::uint64_t length = file->size() - start;
  OpReply reply;
  reply.fields = {
      {"size", file->size()}, {"offset", start}, {"version", file->version()}, {"stream", length}};
  if (auto sum = file->stored_checksum()) reply.fields["checksum"] = *sum;
  reply.stream_out = StreamOut{std::move(file), start, length};
  return OpResult(std::move(reply));
}

}  // namespace

boost::asio::awaitable<OpResult> upload(OpCall& call) {
  const auto& body = call.body;
  auto path = protocol::string_field(body, "path");
  if (!path) co_return std::move(path).error();
  // An HTTP PUT cannot resume: a body that breaks off leaves no partial behind.
  bool one_shot = call.target_check.has_value();
  auto size = protocol::optional_uint_field(body, "size");
  if (!size) co_return std::move(size).error();
  if (!*size && !one_shot) {
    // Only an HTTP body may leave it out (chunked framing ends it); the NetDisk protocol
    // frames the upload's stream by it.
    co_return make_error(Errc::bad_request, "missing field \"size\"");
  }
  auto checksum = protocol::optional_string_field(body, "checksum");
  if (!checksum) co_return std::move(checksum).error();
  auto condition =
      call.target_check ? Result<storage::TargetCheck>(*call.target_check) : upload_condition(body);
  if (!condition) co_return std::move(condition).error();
  std::string target(*path);
  std::optional<std::uint64_t> total = *size;
  std::optional<std::string> expected;
  if (*checksum) expected = std::string(**checksum);
  auto unlocked = co_await check_unlocked(call, target, false);
  if (!unlocked.ok()) {
    co_return std::move(unlocked).error();  // before a byte is sent for nothing
  }

  auto& slot = call.session.upload();
  slot.reset();  // an abandoned upload in this session: a resumable partial stays
  auto& check = *condition;
  co_return co_await with_space(call, [&](storage::UserSpace& space) -> OpResult {
    if (check && !one_shot) {
      // Checked early, so no bytes are sent for nothing; the binding check is at commit.
      auto state = space.target_state(target);
      if (!state) return wire_error(state.error());
      if (auto allowed = check(*state); !allowed) return wire_error(allowed.error());
    }
    // Unsized: the server sets no maximum of its own, so the backend's is the limit.
    auto started = total ? space.begin_upload(target, *total, expected)
                         : space.begin_unsized_upload(target, storage::kMaxUploadBytes);
    if (!started) return wire_error(started.error());
    bool existed = false;
    if (one_shot) {
      // HTTP answers 200 or 201 by whether a file was there, so it always looks.
      auto state = space.target_state(target);
      if (!state) return wire_error(state.error());
      if (check) {
        if (auto allowed = check(*state); !allowed) return wire_error(allowed.error());
      }
      existed = state->exists;
    }
    std::uint64_t offset = (*started)->offset();
    slot.emplace(
        Session::PendingUpload{target, std::move(*started), std::move(check), existed, one_shot});
    json reply = {{"offset", offset}};
    if (total) reply["size"] = *total;
    return reply_with(std::move(reply));
  });
}

boost::asio::awaitable<OpResult> upload_data(OpCall& call) {
  auto& slot = call.session.upload();
  if (slot && !slot->upload->size_known()) {
    // A body whose own framing ends it (HTTP chunked): there is no length to check here.
    OpReply reply;
    reply.stream_in = StreamIn{slot->upload.get(), 0, &finish_upload, slot->target_existed, true};
    co_return reply;
  }
  auto length = protocol::uint_field(call.body, "stream");
  if (!length) {
    // Without a readable length the rest of the connection cannot be framed.
    co_return make_error(Errc::size_mismatch, length.error().message);
  }
  if (!slot) co_return make_error(Errc::bad_request, "no upload in progress");
  auto& pending = *slot->upload;
  if (*length > pending.size() - pending.offset()) {
    co_return make_error(Errc::bad_request,
                         fmt::format("{} bytes sent but only {} more were announced", *length,
                                     pending.size() - pending.offset()));
  }
  OpReply reply;
  reply.stream_in = StreamIn{&pending, *length, &finish_upload, slot->target_existed};
  co_return reply;
}

boost::asio::awaitable<OpResult> download(OpCall& call) {
  const auto& body = call.body;
  auto path = protocol::string_field(body, "path");
  if (!path) co_return std::move(path).error();
  auto offset = protocol::optional_uint_field(body, "offset");
  if (!offset) co_return std::move(offset).error();
  auto version = protocol::optional_string_field(body, "version");
  if (!version) co_return std::move(version).error();
  auto prefix = protocol::optional_string_field(body, "prefix_checksum");
  if (!prefix) co_return std::move(prefix).error();
  std::uint64_t start = offset->value_or(0);
  if (start > 0 && (!*version || !*prefix)) {
    // Resuming on size alone is what garbles files; it is never done.
    co_return make_error(Errc::bad_request,
                         "resuming at an offset needs the version and prefix_checksum");
  }
  std::string target(*path);
  Resume resume{start, *version ? std::string(**version) : std::string(),
                *prefix ? std::string(**prefix) : std::string()};
  // A whole-file download of a path the kernel resolves from its caches is opened right here
  // on the I/O thread (open_read_cached() never waits on the disk): no hop to the blocking
  // pool and back, which was most of what a small download cost. A resume reads the file for
  // its prefix checksum, so it always goes to the pool.
  if (start == 0 && call.session.space()) {
    if (auto opened = call.session.space()->open_read_cached(target)) {
      co_return download_reply(std::move(*opened), resume);
    }
  }
  co_return co_await with_space(call, [&target, &resume](storage::UserSpace& space) -> OpResult {
    return download_reply(space.open_read(target), resume);
  });
}

}  // namespace netdisk::server::ops
