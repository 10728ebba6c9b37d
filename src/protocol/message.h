// Control messages (docs/PROTOCOL.md, section 2): parsing requests and replies, and encoding
// replies, errors and events as complete frames ready to write. Stateless; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace netdisk::protocol {

// The largest request id; 2^53 - 1 so that JavaScript clients can hold ids exactly.
inline constexpr std::uint64_t kMaxRequestId = (std::uint64_t{1} << 53) - 1;

struct Request {
  std::uint64_t id = 0;  // 0 until a valid id was read
  std::string op;
  nlohmann::json body;  // the whole message object, op and id included
};

// Parses a request payload. On failure `out.id` holds the request's id if it could be read
// (so the error reply can carry it), else 0. Errors: bad_json, bad_request.
Status parse_request(std::string_view payload, Request& out);

// A reply or event as seen by a client.
struct Reply {
  std::uint64_t id = 0;            // 0 for events and for errors tied to no request
  std::optional<std::string> event;  // set for events
  bool ok = false;
  std::optional<Error> error;      // set when ok is false (unknown codes map to internal_error)
  std::string error_code_name;     // the code exactly as sent
  nlohmann::json body;
};

// Parses a reply or event payload. Errors: bad_json, bad_request.
Result<Reply> parse_reply(std::string_view payload);

// Complete frames (header + payload).
std::string encode_request(std::string_view op, std::uint64_t id, nlohmann::json fields = {});
std::string encode_reply(std::uint64_t id, nlohmann::json fields = {});
std::string encode_error(std::uint64_t id, const Error& error);
std::string encode_event(std::string_view event, nlohmann::json fields = {});

}  // namespace netdisk::protocol
