#include "client/shell/completion.h"

#include <cstdlib>
#include <cstring>
#include <stdexcept>

// libedit's readline emulation; it declares FILE-using functions, hence <cstdio> first.
#include <editline/readline.h>
#include <cstdio>

#include "client/remote_path.h"
#include "client/shell/line_split.h"

namespace netdisk::client {
namespace {

constexpr auto kListingLifetime = std::chrono::seconds(5);

ShellCompletion* g_active = nullptr;
std::vector<std::string> g_matches;  // what the generator hands out, one per call

char* next_match(const char*, int state) {
  auto index = static_cast<std::size_t>(state);
  if (index >= g_matches.size()) return nullptr;
  return ::strdup(g_matches[index].c_str());  // readline frees it
}

char** attempt_completion(const char* text, int start, int) {
  rl_attempted_completion_over = 1;  // no file names unless we say so
  if (g_active == nullptr) return nullptr;
  std::string before(rl_line_buffer, static_cast<std::size_t>(start));
  std::vector<std::string> words;
  try {
    words = split_words(before);
  } catch (const std::invalid_argument&) {
    return nullptr;  // inside an open quote: leave it alone
  }
  if (completion_kind(words) == CompletionKind::local_file) {
    rl_attempted_completion_over = 0;  // libedit completes local file names
    return nullptr;
  }
  g_matches = g_active->candidates(before, text);
  bool command = words.empty();
  rl_completion_append_character = command ? ' ' : '\0';
  if (g_matches.empty()) return nullptr;
  return rl_completion_matches(text, next_match);
}

}  // namespace

std::vector<std::string> matching_remote_names(const std::vector<RemoteEntry>& entries,
                                               const std::string& typed) {
  std::string dir =
      typed.substr(0, typed.rfind('/') == std::string::npos ? 0 : typed.rfind('/') + 1);
  std::string prefix = typed.substr(dir.size());
  std::vector<std::string> out;
  for (const auto& entry : entries) {
    if (!entry.name.starts_with(prefix)) continue;
    out.push_back(dir + entry.name + (entry.is_directory ? "/" : ""));
  }
  return out;
}

CompletionKind completion_kind(const std::vector<std::string>& words_before) {
  if (words_before.empty()) return CompletionKind::command;
  if (words_before.front() == "put" && words_before.back() != "--to") {
    return CompletionKind::local_file;
  }
  return CompletionKind::remote_path;
}

ShellCompletion::ShellCompletion(Connector& connector, std::vector<std::string> commands)
    : connector_(connector), commands_(std::move(commands)) {
  g_active = this;
  rl_attempted_completion_function = attempt_completion;
}

ShellCompletion::~ShellCompletion() {
  rl_attempted_completion_function = nullptr;
  g_active = nullptr;
}

std::vector<std::string> ShellCompletion::candidates(const std::string& line_before,
                                                     const std::string& typed) {
  std::vector<std::string> out;
  if (split_words(line_before).empty()) {
    for (const auto& name : commands_) {
      if (name.starts_with(typed)) out.push_back(name);
    }
    return out;
  }
  auto slash = typed.rfind('/');
  std::string dir = slash == std::string::npos ? "" : normalize_remote(typed.substr(0, slash));
  return matching_remote_names(listing(dir), typed);
}

const std::vector<RemoteEntry>& ShellCompletion::listing(const std::string& dir) {
  auto now = std::chrono::steady_clock::now();
  auto& cached = listings_[dir];
  if (cached.fetched + kListingLifetime < now) {
    cached.fetched = now;
    cached.entries.clear();
    // Only on a logged-in connection: completion must never stop to ask for a password.
    if (!connector_.connected() || !connector_.session().username()) return cached.entries;
    try {
      cached.entries = list_remote(connector_.session(), dir);
    } catch (const ServerError&) {
      // No such folder, not a folder: simply nothing to offer.
    } catch (const std::exception&) {
      connector_.drop();  // the connection broke; the next command opens a new one
    }
  }
  return cached.entries;
}

}  // namespace netdisk::client
