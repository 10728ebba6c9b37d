// What an operation receives and what it gives back, whatever transport carried the request.
// An operation (ops/*_ops.h) is a function from an OpCall to a Result<OpReply>: reply fields,
// or a typed error, and for operations that move bytes a description of the stream for the
// transport to move. Nothing here knows a socket, a frame or an HTTP header. Worker thread.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "common/result.h"
#include "server/telemetry/op_trace.h"
#include "storage/target_check.h"
#include "storage/user_space.h"

namespace netdisk::server {

struct Services;

namespace ops {

class Session;

struct OpCall {
  Services& server;
  Session& session;
  const nlohmann::json& body;  // the request's fields (on TCP the whole message, op and id too)
  std::uint64_t id = 0;        // echoed in the reply; 0 when the transport has none
  // Typed arguments only some transports have, rather than untyped JSON:
  // the TCP connection already agreed a protocol version (hello refuses a second one);
  bool greeted = false;
  // HTTP's conditional headers (If-Match, If-None-Match, a folder URL's "must be a folder"),
  // already turned into a check on the target; when set, upload and remove use it instead of
  // the request's if_version / if_absent.
  std::optional<storage::TargetCheck> target_check{};
};

struct OpReply;

// A download: the transport sends the reply fields, then `length` bytes of `file` from
// `offset`. The open file keeps reading the version the reply names.
struct StreamOut {
  std::unique_ptr<storage::OpenFile> file;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// An upload's data: the transport delivers exactly `length` bytes into `sink` (the session's
// pending upload), or with `until_body_end` all of a body its own framing ends (an HTTP
// chunked body of unknown size; `length` is then 0), then calls `finish` with how that went
// and sends what it returns.
struct StreamIn {
  using Finish = boost::asio::awaitable<Result<OpReply>> (*)(OpCall&, Status received);
  storage::UploadSink* sink = nullptr;
  std::uint64_t length = 0;
  Finish finish = nullptr;
  bool target_existed = false;  // a file was at the target when the upload began
  bool until_body_end = false;
};

// One page of a folder's entries (the list op's answer), typed: each adapter writes it in its
// own format (JSON text on TCP, the WebSocket and /api; XML for WebDAV), so neither the op nor
// a transport that never needs one builds a JSON DOM of thousands of entries.
struct Listing {
  std::vector<storage::DirEntry> entries;  // sorted by name (bytes)
  bool more = false;      // another page follows: ask again with "after" = the last name
  bool versions = false;  // the request asked for each file's "version" in JSON renderings
};

struct OpReply {
  nlohmann::json fields = nlohmann::json::object();
  std::optional<Listing> listing;  // list: the page, in place of fields (left empty then)
  std::optional<StreamOut> stream_out;
  std::optional<StreamIn> stream_in;
  // Effects on the transport, returned as data for the adapter to apply:
  std::optional<int> agreed_version;  // hello: the protocol version both sides speak now
  bool joined_chat = false;           // chat.join: the caller now receives chat events
  // The op's record while its stream moves (server/telemetry/op_trace.h): the transport adds
  // the bytes and any failure; destroying the reply finishes it. Inactive for other ops.
  telemetry::OpTrace trace;
};

using OpResult = Result<OpReply>;
using Operation = boost::asio::awaitable<OpResult> (*)(OpCall&);

// Shorthand for a reply with fields only.
inline OpResult reply_with(nlohmann::json fields) {
  OpReply reply;
  reply.fields = std::move(fields);
  return reply;
}

}  // namespace ops
}  // namespace netdisk::server
