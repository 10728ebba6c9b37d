#include "protocol/message.h"

#include <cassert>
#include <cstring>

#include <fmt/format.h>

#include "protocol/encoded_fields.h"
#include "protocol/fields.h"
#include "protocol/frame.h"
#include "protocol/json_parser.h"

namespace netdisk::protocol {
namespace {

using json = nlohmann::json;

std::string frame_of(const json& object) {
  // Replacement of invalid UTF-8 keeps a bad byte in a file name from aborting the encoder.
  return encode_frame(object.dump(-1, ' ', false, json::error_handler_t::replace));
}

json as_object(json fields) { return fields.is_null() ? json::object() : std::move(fields); }

}  // namespace

Status parse_request(std::string_view payload, Request& out) {
  out = Request{};
  auto parsed = parse_json_object(payload);
  if (!parsed) return std::move(parsed).error();
  out.body = std::move(*parsed);
  auto id = uint_field(out.body, "id", kMaxRequestId);
  if (!id) return std::move(id).error();
  if (*id == 0) return make_error(Errc::bad_request, "field \"id\" must be at least 1");
  out.id = *id;
  auto op = string_field(out.body, "op");
  if (!op) return std::move(op).error();
  out.op = std::string(*op);
  return {};
}

Result<Reply> parse_reply(std::string_view payload) {
  auto parsed = parse_json_object(payload);
  if (!parsed) return std::move(parsed).error();
  Reply reply;
  reply.body = std::move(*parsed);
  if (auto event = optional_string_field(reply.body, "event"); !event) {
    return std::move(event).error();
  } else if (*event) {
    reply.event = std::string(**event);
    reply.ok = true;
    return reply;
  }
  auto id = uint_field(reply.body, "id", kMaxRequestId);
  if (!id) return std::move(id).error();
  reply.id = *id;
  auto ok = bool_field(reply.body, "ok");
  if (!ok) return std::move(ok).error();
  reply.ok = *ok;
  if (reply.ok) return reply;
  const auto error = reply.body.find("error");
  if (error == reply.body.end() || !error->is_object()) {
    return make_error(Errc::bad_request, "error reply without an \"error\" object");
  }
  auto code = string_field(*error, "code");
  if (!code) return std::move(code).error();
  auto message = optional_string_field(*error, "message");
  if (!message) return std::move(message).error();
  reply.error_code_name = std::string(*code);
  reply.error = make_error(errc_from_name(*code).value_or(Errc::internal_error),
                           std::string(message->value_or("")));
  return reply;
}

std::string encode_request(std::string_view op, std::uint64_t id, json fields) {
  json object = as_object(std::move(fields));
  object["op"] = op;
  object["id"] = id;
  return frame_of(object);
}

namespace {

// The binary subtype that marks encoded_fields(); no NetDisk reply carries binary values.
constexpr std::uint64_t kEncodedFieldsSubtype = 0x4e44;  // "ND"

// A frame header for a payload of `length` bytes (the one append_frame writes).
std::string frame_header(std::size_t length) {
  assert(length <= kMaxMaxFrameBytes);
  auto n = static_cast<std::uint32_t>(length);
  return {static_cast<char>((n >> 24) & 0xff), static_cast<char>((n >> 16) & 0xff),
          static_cast<char>((n >> 8) & 0xff), static_cast<char>(n & 0xff)};
}

}  // namespace

json encoded_fields(std::string_view members) {
  json::binary_t::container_type bytes(members.size());
  if (!members.empty()) std::memcpy(bytes.data(), members.data(), members.size());
  return json::binary(std::move(bytes), kEncodedFieldsSubtype);
}

bool is_encoded_fields(const json& fields) {
  return fields.is_binary() && fields.get_binary().has_subtype() &&
         fields.get_binary().subtype() == kEncodedFieldsSubtype;
}

json decoded_fields(json fields) {
  if (!is_encoded_fields(fields)) return fields;
  const auto& members = fields.get_binary();
  std::string text = "{";
  text.append(reinterpret_cast<const char*>(members.data()), members.size());
  text += '}';
  return json::parse(text);
}

std::string encode_reply(std::uint64_t id, json fields) {
  if (is_encoded_fields(fields)) {
    // One copy of the (large) members, straight into the frame after its header.
    const auto& members = fields.get_binary();
    auto tail = fmt::format("{}\"id\":{},\"ok\":true}}", members.empty() ? "" : ",", id);
    std::string frame = frame_header(1 + members.size() + tail.size());
    frame.reserve(frame.size() + 1 + members.size() + tail.size());
    frame += '{';
    frame.append(reinterpret_cast<const char*>(members.data()), members.size());
    frame += tail;
    return frame;
  }
  json object = as_object(std::move(fields));
  object["id"] = id;
  object["ok"] = true;
  return frame_of(object);
}

std::string encode_error(std::uint64_t id, const Error& error) {
  json object = {{"id", id},
                 {"ok", false},
                 {"error", {{"code", errc_name(error.code)}, {"message", error.message}}}};
  return frame_of(object);
}

std::string encode_event(std::string_view event, json fields) {
  json object = as_object(std::move(fields));
  object["event"] = event;
  return frame_of(object);
}

}  // namespace netdisk::protocol
