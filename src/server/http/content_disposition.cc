#include "server/http/content_disposition.h"

#include <fmt/format.h>

#include "server/http/url.h"

namespace netdisk::server::http {
namespace {

bool kept(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool has_alnum(std::string_view text) {
  for (char c : text) {
    if (is_alnum(c)) return true;
  }
  return false;
}

// Printable ASCII kept; every run of anything else becomes a single '_'.
std::string squeeze(std::string_view text) {
  std::string out;
  bool in_run = false;
  for (char c : text) {
    if (kept(static_cast<unsigned char>(c))) {
      out.push_back(c);
      in_run = false;
    } else if (!in_run) {
      out.push_back('_');
      in_run = true;
    }
  }
  return out;
}

}  // namespace

std::string ascii_fallback_name(std::string_view file_name) {
  // A leading dot starts a hidden name, not an extension (".bashrc" has no extension).
  auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) dot = file_name.size();
  std::string stem = squeeze(file_name.substr(0, dot));
  std::string extension = squeeze(file_name.substr(dot));  // with its dot, or empty
  if (!has_alnum(stem)) stem = "download";
  if (!has_alnum(extension)) extension.clear();
  return stem + extension;
}

std::string content_disposition(std::string_view file_name) {
  return fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}",
                     ascii_fallback_name(file_name), percent_encode_rfc5987(file_name));
}

}  // namespace netdisk::server::http
