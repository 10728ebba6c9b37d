#include "client/shell/shell.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <poll.h>
#include <unistd.h>

#include <editline/readline.h>

#include "client/commands/command_table.h"
#include "client/interrupt.h"
#include "client/line_editor.h"
#include "client/shell/completion.h"
#include "client/shell/line_split.h"
#include "client/shell/local_glob.h"

namespace netdisk::client {
namespace {

const std::vector<std::string> kShellWords = {"help", "quit", "exit"};
// How long poll() sleeps before the Ctrl-C flag is looked at again.
constexpr int kPollSliceMs = 200;

// One line of libedit input, freed however the loop body ends.
struct Line {
  char* text;
  ~Line() { std::free(text); }
};

// The command table under an unnamed root, so usage lines read "put ..." at the prompt.
std::unique_ptr<CLI::App> make_app(CommandAction& chosen) {
  auto app =
      std::make_unique<CLI::App>("Commands (`help COMMAND` or `COMMAND --help` for more)", "");
  add_commands(*app, chosen);
  app->require_subcommand(1);
  return app;
}

void print_help() {
  CommandAction unused;
  auto app = make_app(unused);
  std::cout << "Commands (`help COMMAND` or `COMMAND --help` for details):\n";
  for (const auto* command : app->get_subcommands({})) {
    if (command->get_group().empty()) continue;  // hidden (the bash completion's helper)
    std::string summary = command->get_description();
    summary = summary.substr(0, std::min(summary.find(':'), summary.find(". ")));
    std::cout << "  " << command->get_name()
              << std::string(10 - std::min<std::size_t>(9, command->get_name().size()), ' ')
              << summary << "\n";
  }
  std::cout << "  help      This list, or `help COMMAND` for one command\n"
            << "  quit      Leave the shell (also `exit` or Ctrl-D)\n";
}

// Runs one line; false when the shell should end.
bool run_line(Connector& connector, const std::vector<std::string>& words) {
  const std::string& first = words.front();
  if (first == "quit" || first == "exit") return false;
  if (first == "help" && words.size() == 1) {
    print_help();
    return true;
  }
  std::vector<std::string> args = words;
  if (first == "help") args = {words[1], "--help"};
  auto names = command_names();
  if (std::find(names.begin(), names.end(), args.front()) == names.end()) {
    std::cerr << "netdisk: unknown command `" << args.front() << "`; type help for the list\n";
    return true;
  }
  CommandAction chosen;
  auto app = make_app(chosen);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  try {
    app->parse(args);
  } catch (const CLI::ParseError& error) {
    app->exit(error);  // --help text on stdout, a usage error on stderr
    return true;
  }
  if (chosen) run_command(chosen, connector);
  return true;
}

// The words of a line without expansion; none when it does not split.
std::vector<std::string> words_of(const std::string& line) {
  try {
    return split_words(line);
  } catch (const std::invalid_argument&) {
    return {};
  }
}

// The words a line runs: put's local wildcards expanded here (the shell has no OS shell in
// front of it); other commands' names are remote, expanded against the server's listing by the
// command itself. Throws std::invalid_argument (a bad quote, a pattern matching nothing).
std::vector<std::string> shell_line_words(const std::string& line) {
  auto words = split_shell_words(line);
  if (!words.empty() && words.front().text == "put") return expand_put_words(words);
  return plain_words(words);
}

// The next command line, or nullopt at the end of input (Ctrl-D); Ctrl-C drops the line being
// typed. On a terminal, keys go to libedit from a poll() loop that also watches the Ctrl-C
// flag: a blocking readline() missed a Ctrl-C that came while it was busy between two reads
// (under load), then waited for input the terminal had already discarded, and the shell hung.
std::optional<std::string> read_command(const std::string& prompt) {
  if (!::isatty(STDIN_FILENO)) {
    while (true) {
      Line line{::readline(prompt.c_str())};
      if (line.text != nullptr) return std::string(line.text);
      std::cout << "\n";
      if (!interrupt_flag().load()) return std::nullopt;
      clear_interrupt();
    }
  }
  LineEditor editor;
  editor.start(prompt);
  while (true) {
    pollfd input{STDIN_FILENO, POLLIN, 0};
    int ready = ::poll(&input, 1, kPollSliceMs);
    if (interrupt_flag().load()) {
      clear_interrupt();
      editor.drop_line();
      continue;
    }
    if (ready <= 0) continue;
    std::string line;
    auto key = editor.read_key(line);
    if (key == LineEditor::Key::line) return line;
    if (key == LineEditor::Key::end) return std::nullopt;
  }
}

}  // namespace

std::string shell_prompt(Connector& connector) {
  std::string server = connector.options().server.to_string();
  if (connector.connected() && connector.link().username()) {
    return "netdisk:" + *connector.link().username() + "@" + server + "> ";
  }
  return "netdisk:" + server + "> ";
}

int run_shell(Connector& connector) {
  // Log in at once when we can (a saved login or --user), so the prompt shows who you are.
  const auto& options = connector.options();
  if (options.user || SavedLogins().load(options.server.to_string())) {
    run_command([](Connector& c) { return c.authenticated(), 0; }, connector);
  }

  std::vector<std::string> completions = command_names();
  completions.insert(completions.end(), kShellWords.begin(), kShellWords.end());
  ShellCompletion completion(connector, completions);
  // Ctrl-C stops a transfer or drops the line being typed; it never ends the shell.
  InterruptScope ctrl_c;
  while (true) {
    std::cout << std::flush;
    clear_interrupt();
    auto line = read_command(shell_prompt(connector));
    if (!line) break;  // Ctrl-D
    std::vector<std::string> words;
    try {
      words = shell_line_words(*line);
    } catch (const std::invalid_argument& error) {
      if (!words_of(*line).empty()) ::add_history(line->c_str());
      std::cerr << "netdisk: " << error.what() << "\n";
      continue;
    }
    if (words.empty()) continue;
    ::add_history(line->c_str());
    connector.drop_if_closed();  // the server restarted or timed us out: reconnect quietly
    bool go_on = run_line(connector, words);
    completion.forget();
    if (!go_on) break;
  }
  return 0;
}

}  // namespace netdisk::client
