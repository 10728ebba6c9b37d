#include "server/telemetry/op_line.h"

#include <iterator>

#include <fmt/format.h>

namespace netdisk::server::telemetry {
namespace {

bool is_bare(std::string_view value) {
  if (value.empty()) return false;
  for (unsigned char c : value) {
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') return false;
  }
  return true;
}

}  // namespace

void append_logfmt_quoted(std::string& out, std::string_view value) {
  out += '"';
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_logfmt_value(std::string& out, std::string_view value) {
  if (is_bare(value)) {
    out += value;
  } else {
    append_logfmt_quoted(out, value);
  }
}

std::string format_op_line(const OpLine& line) {
  std::string out;
  out.reserve(128 + line.path.size());
  out += "op=";
  append_logfmt_value(out, line.op);
  out += " transport=";
  append_logfmt_value(out, line.transport);
  out += " user=";
  append_logfmt_value(out, line.user.empty() ? std::string_view("-") : line.user);
  out += " addr=";
  append_logfmt_value(out, line.address.empty() ? std::string_view("-") : line.address);
  out += " path=";
  append_logfmt_quoted(out, line.path);
  double ms = std::chrono::duration<double, std::milli>(line.elapsed).count();
  fmt::format_to(std::back_inserter(out), " bytes_in={} bytes_out={} ms={:.3f} result=",
                 line.bytes_in, line.bytes_out, ms);
  append_logfmt_value(out, line.result);
  return out;
}

}  // namespace netdisk::server::telemetry
