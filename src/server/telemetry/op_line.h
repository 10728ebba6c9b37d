// The one log line per operation (docs/ADMIN.md, "Metrics"), in logfmt:
//   op=NAME transport=tcp user=NAME addr=IP path="..." bytes_in=N bytes_out=N ms=1.234 result=ok
// The time and level come from the log pattern. Pure formatting; any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace netdisk::server::telemetry {

// The fields of one line; views into the OpTrace that writes it.
struct OpLine {
  std::string_view op;
  std::string_view transport;
  std::string_view user;     // empty: nobody logged in ("-")
  std::string_view address;  // the peer's IP
  std::string_view path;     // the request's "path" field; empty when it has none
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::chrono::nanoseconds elapsed{};
  std::string_view result;  // "ok" or the Errc name
};

// A logfmt value: bare when it is a non-empty run of printable ASCII with no space, '"', '='
// or '\\'; else quoted, with '"' and '\\' escaped, \n \r \t as such and other control
// characters as \xNN. Bytes over 0x7f (UTF-8) are kept as they are, inside quotes.
void append_logfmt_value(std::string& out, std::string_view value);
// The same, always quoted (the path, so a reader need not guess).
void append_logfmt_quoted(std::string& out, std::string_view value);

std::string format_op_line(const OpLine& line);

}  // namespace netdisk::server::telemetry
