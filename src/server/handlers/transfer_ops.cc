#include "server/handlers/transfer_ops.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "protocol/fields.h"
#include "protocol/message.h"
#include "server/blocking.h"
#include "server/connection.h"
#include "server/handlers/file_ops.h"
#include "server/server_context.h"
#include "server/storage_errors.h"
#include "server/stream_io.h"
#include "storage/checksum.h"

namespace netdisk::server::handlers {
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

}  // namespace

boost::asio::awaitable<HandlerResult> upload(RequestContext& context) {
  const auto& body = context.request.body;
  auto path = protocol::string_field(body, "path");
  if (!path) co_return std::move(path).error();
  auto size = protocol::uint_field(body, "size");
  if (!size) co_return std::move(size).error();
  auto checksum = protocol::optional_string_field(body, "checksum");
  if (!checksum) co_return std::move(checksum).error();
  auto condition = upload_condition(body);
  if (!condition) co_return std::move(condition).error();
  std::string target(*path);
  std::optional<std::string> expected;
  if (*checksum) expected = std::string(**checksum);

  auto& slot = context.connection.upload();
  slot.reset();  // an abandoned upload on this connection: a resumable partial stays
  co_return co_await with_store(context, [&](storage::FileStore& store) -> HandlerResult {
    if (*condition) {
      // Early, so no bytes are sent for nothing; the binding check is at commit.
      auto state = store.target_state(target);
      if (!state) return std::move(state).error();
      if (auto allowed = (*condition)(*state); !allowed) return wire_error(allowed.error());
    }
    auto started = store.begin_upload(target, *size, expected);
    if (!started) return std::move(started).error();
    std::uint64_t offset = started->offset();
    slot.emplace(Connection::PendingUpload{target, std::move(*started), std::move(*condition)});
    return reply_with({{"offset", offset}, {"size", *size}});
  });
}

boost::asio::awaitable<HandlerResult> upload_data(RequestContext& context) {
  auto& connection = context.connection;
  auto length = protocol::uint_field(context.request.body, "stream");
  if (!length) {
    // Without a readable length the rest of the connection cannot be framed.
    co_return make_error(Errc::size_mismatch, length.error().message);
  }
  auto& slot = connection.upload();
  auto refuse = [&](Error error) -> boost::asio::awaitable<HandlerResult> {
    auto drained = co_await discard_stream(connection, *length);
    if (!drained.ok()) co_return std::move(drained).error();
    co_return error;
  };
  if (!slot) co_return co_await refuse(make_error(Errc::bad_request, "no upload in progress"));
  auto& upload = slot->upload;
  if (*length > upload.size() - upload.offset()) {
    co_return co_await refuse(make_error(
        Errc::bad_request, fmt::format("{} bytes sent but only {} more were announced", *length,
                                       upload.size() - upload.offset())));
  }
  auto received = co_await receive_into_upload(connection, upload, *length);
  if (!received.ok()) {
    slot.reset();
    co_return std::move(received).error();
  }
  if (upload.offset() < upload.size()) {
    co_return reply_with({{"offset", upload.offset()}, {"done", false}});
  }
  auto finished = std::move(*slot);
  slot.reset();
  co_return co_await with_store(context, [&finished](storage::FileStore& store) -> HandlerResult {
    auto committed = finished.upload.commit(finished.check);
    if (!committed.ok()) return std::move(committed).error();
    json reply = {{"offset", finished.upload.offset()}, {"done", true}};
    // What the client needs to verify and later resume against: the published version.
    if (auto file = store.open_for_download(finished.path); file.ok()) {
      reply["version"] = file->version;
      if (auto sum = storage::stored_checksum(file->fd.get())) reply["checksum"] = *sum;
    }
    return reply_with(std::move(reply));
  });
}

namespace {

// The download reply and the open file it describes.
struct PreparedDownload {
  storage::DownloadFile file;
  std::uint64_t offset = 0;
  std::optional<std::string> checksum;
};

}  // namespace

boost::asio::awaitable<HandlerResult> download(RequestContext& context) {
  auto& connection = context.connection;
  const auto& body = context.request.body;
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
  std::optional<PreparedDownload> prepared;
  auto checked = co_await with_store(context, [&](storage::FileStore& store) -> HandlerResult {
    auto file = store.open_for_download(target);
    if (!file) return std::move(file).error();
    if (start > file->size) {
      return make_error(Errc::offset_out_of_range,
                        fmt::format("offset {} is past the end of the file ({} bytes)", start,
                                    file->size));
    }
    if (start > 0) {
      if (**version != file->version) {
        return make_error(Errc::version_mismatch, "the file has changed since your copy began");
      }
      auto held = storage::prefix_checksum(file->fd.get(), start);
      if (!held) return std::move(held).error();
      if (*held != **prefix) {
        return make_error(Errc::version_mismatch,
                          "the bytes you already have differ from the file on the server");
      }
    }
    auto sum = storage::stored_checksum(file->fd.get());
    prepared.emplace(PreparedDownload{std::move(*file), start, std::move(sum)});
    return std::optional<json>{};
  });
  if (!checked) co_return checked;

  auto& file = prepared->file;
  std::uint64_t length = file.size - prepared->offset;
  json reply = {{"size", file.size},
                {"offset", prepared->offset},
                {"version", file.version},
                {"stream", length}};
  if (prepared->checksum) reply["checksum"] = *prepared->checksum;
  connection.send(protocol::encode_reply(context.request.id, std::move(reply)));

  auto& outbox = connection.outbox();
  co_await outbox.acquire_exclusive();
  auto mode = connection.server().config.send_mode;
  auto sent = co_await send_file_range(connection, file.fd.get(), prepared->offset, length, mode);
  if (!sent.ok()) {
    spdlog::info("conn#{} download of {} stopped: {}", connection.serial(), target,
                 sent.error().message);
    // The peer is still reading file data: an error frame now would land in its file. It sees
    // the stream end early and resumes against the version it was told.
    connection.abandon_output();
  }
  outbox.release_exclusive();
  if (!sent.ok()) co_return std::move(sent).error();
  co_return std::optional<json>{};  // the reply went out before the stream
}

}  // namespace netdisk::server::handlers
