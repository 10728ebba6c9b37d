// Tab completion in the shell: command names for the first word, local file names for put's
// files, and remote names for everything else, from `list` replies cached for a few seconds
// and dropped after every command (which may have changed them). A completed name is quoted
// the way the word was begun (backslashes, or inside the open ' or " quote, which a complete
// name closes), so the line splits back to exactly that name. libedit calls back through C
// function pointers, so one ShellCompletion is installed at a time, process-wide. Main thread.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "client/connector.h"
#include "client/remote_listing.h"
#include "client/shell/line_split.h"

namespace netdisk::client {

// The completions of `typed` among the entries of its folder `dir` ("" for the top folder):
// full remote paths, folders ending in "/". Pure, for tests.
std::vector<std::string> matching_remote_names(const std::vector<RemoteEntry>& entries,
                                               const std::string& typed);

// The local files and folders (ending in "/") whose paths start with `typed`; names starting
// with a dot only when the typed name does. Sorted.
std::vector<std::string> matching_local_names(const std::string& typed);

// Which kind of word the cursor is in, from the words before it. Pure, for tests.
enum class CompletionKind { command, local_file, remote_path };
CompletionKind completion_kind(const std::vector<std::string>& words_before);

// What a line ending in `word` gets appended for the `candidates` (full names that start with
// word.text): their longest common part, quoted as the word was begun, with an open quote
// closed once a single name that is not a folder is complete. Pure, for tests.
std::string completion_text(const OpenWord& word, const std::vector<std::string>& candidates);

class ShellCompletion {
 public:
  // Installs itself as libedit's completion; uninstalls in the destructor.
  ShellCompletion(Connector& connector, std::vector<std::string> commands);
  ~ShellCompletion();
  ShellCompletion(const ShellCompletion&) = delete;
  ShellCompletion& operator=(const ShellCompletion&) = delete;

  // Forgets cached listings (call after every command).
  void forget() { listings_.clear(); }

  // The full names `typed` (unquoted) may complete to.
  std::vector<std::string> candidates(CompletionKind kind, const std::string& typed);

 private:
  const std::vector<RemoteEntry>& listing(const std::string& dir);

  struct Cached {
    std::chrono::steady_clock::time_point fetched;
    std::vector<RemoteEntry> entries;
  };
  Connector& connector_;
  std::vector<std::string> commands_;
  std::map<std::string, Cached> listings_;
};

}  // namespace netdisk::client
