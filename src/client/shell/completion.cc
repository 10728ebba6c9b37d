#include "client/shell/completion.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <filesystem>

// libedit's readline emulation; it declares FILE-using functions, hence <cstdio> first.
#include <editline/readline.h>
#include <cstdio>

#include "client/remote_path.h"

namespace netdisk::client {
namespace {

constexpr auto kListingLifetime = std::chrono::seconds(5);

ShellCompletion* g_active = nullptr;

// libedit reports the cursor in characters; the line buffer is multibyte (UTF-8).
std::size_t byte_offset(const char* line, int characters) {
  std::size_t length = std::strlen(line);
  std::size_t at = 0;
  std::mbstate_t state{};
  for (int i = 0; i < characters && at < length; ++i) {
    std::size_t n = std::mbrlen(line + at, length - at, &state);
    if (n == 0 || n > length - at) n = 1;  // an invalid byte counts alone, as libedit shows it
    at += n;
  }
  return at;
}

// What a list of several matches shows: the last part of each path ("reports/", not
// "docs/reports/").
std::string shown_name(const std::string& path) {
  auto slash = path.find_last_of('/', path.size() < 2 ? 0 : path.size() - 2);
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

char** as_matches(const std::vector<std::string>& texts) {
  auto** matches = static_cast<char**>(std::calloc(texts.size() + 1, sizeof(char*)));
  for (std::size_t i = 0; i < texts.size(); ++i) matches[i] = ::strdup(texts[i].c_str());
  return matches;  // libedit frees the array and every string
}

// libedit replaces its own idea of the word (`text`, the raw characters before the cursor back
// to a break character) with matches[0], and lists matches[1..] when there are several. The
// raw characters stay as typed and the completion is appended, so how libedit splits words
// does not matter. A single match is given twice: that is how libedit knows it is complete.
char** attempt_completion(const char* text, int, int end) {
  rl_attempted_completion_over = 1;  // never libedit's own (unquoted) file names
  if (g_active == nullptr) return nullptr;
  auto word = open_word(std::string_view(rl_line_buffer, byte_offset(rl_line_buffer, end)));
  auto kind = completion_kind(word.before);
  auto found = g_active->candidates(kind, word.text);
  if (found.empty()) return nullptr;
  std::string replacement = text + completion_text(word, found);
  bool complete_name = found.size() == 1 && !found.front().ends_with('/');
  rl_completion_append_character = kind == CompletionKind::command && complete_name ? ' ' : '\0';
  if (found.size() == 1) return as_matches({replacement, replacement});
  std::vector<std::string> texts{replacement};
  for (const auto& name : found) texts.push_back(shown_name(name));
  return as_matches(texts);
}

// The longest common start of `names`, never ending inside a UTF-8 character.
std::string common_start(const std::vector<std::string>& names) {
  std::string common = names.front();
  for (const auto& name : names) {
    auto differ = std::mismatch(common.begin(), common.end(), name.begin(), name.end());
    common.erase(differ.first, common.end());
  }
  while (!common.empty() && common.size() < names.front().size() &&
         (static_cast<unsigned char>(names.front()[common.size()]) & 0xc0) == 0x80) {
    common.pop_back();
  }
  return common;
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

std::vector<std::string> matching_local_names(const std::string& typed) {
  namespace fs = std::filesystem;
  auto slash = typed.rfind('/');
  std::string dir = slash == std::string::npos ? "" : typed.substr(0, slash + 1);
  std::string prefix = typed.substr(dir.size());
  std::vector<std::string> out;
  std::error_code error;
  for (fs::directory_iterator it(dir.empty() ? "." : dir, error), end; !error && it != end;
       it.increment(error)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.'))) continue;
    std::error_code ignored;
    out.push_back(dir + name + (it->is_directory(ignored) ? "/" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

CompletionKind completion_kind(const std::vector<std::string>& words_before) {
  if (words_before.empty()) return CompletionKind::command;
  if (words_before.front() == "put" && words_before.back() != "--to") {
    return CompletionKind::local_file;
  }
  return CompletionKind::remote_path;
}

std::string completion_text(const OpenWord& word, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return "";
  std::string common = common_start(candidates);
  if (common.size() < word.text.size()) return "";  // not a completion of the word
  bool complete_name = candidates.size() == 1 && !common.ends_with('/');
  return continue_word(word, std::string_view(common).substr(word.text.size()), complete_name);
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

std::vector<std::string> ShellCompletion::candidates(CompletionKind kind,
                                                     const std::string& typed) {
  if (kind == CompletionKind::local_file) return matching_local_names(typed);
  std::vector<std::string> out;
  if (kind == CompletionKind::command) {
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
    connector_.drop_if_closed();
    if (!connector_.connected() || !connector_.link().username()) return cached.entries;
    try {
      cached.entries = list_remote(connector_.link(), dir);
    } catch (const ServerError&) {
      // No such folder, not a folder: simply nothing to offer.
    } catch (const std::exception&) {
      connector_.drop();  // the connection broke; the next command opens a new one
    }
  }
  return cached.entries;
}

}  // namespace netdisk::client
