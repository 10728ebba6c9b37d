#include "client/shell/shell.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <editline/readline.h>

#include "client/commands/command_table.h"
#include "client/interrupt.h"
#include "client/shell/completion.h"
#include "client/shell/line_split.h"

namespace netdisk::client {
namespace {

const std::vector<std::string> kShellWords = {"help", "quit", "exit"};

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

}  // namespace

std::string shell_prompt(Connector& connector) {
  std::string server = connector.options().server.to_string();
  if (connector.connected() && connector.session().username()) {
    return "netdisk:" + *connector.session().username() + "@" + server + "> ";
  }
  return "netdisk:" + server + "> ";
}

int run_shell(Connector& connector) {
  // Log in at once when we can (a saved session or --user), so the prompt shows who you are.
  const auto& options = connector.options();
  if (options.user || SessionStore().load(options.server.to_string())) {
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
    Line line{::readline(shell_prompt(connector).c_str())};
    if (line.text == nullptr && interrupt_flag().load()) {
      std::cout << "\n";
      continue;
    }
    if (line.text == nullptr) {  // Ctrl-D
      std::cout << "\n";
      break;
    }
    std::vector<std::string> words;
    try {
      words = split_words(line.text);
    } catch (const std::invalid_argument& error) {
      std::cerr << "netdisk: " << error.what() << "\n";
      continue;
    }
    if (words.empty()) continue;
    ::add_history(line.text);
    bool go_on = run_line(connector, words);
    completion.forget();
    if (!go_on) break;
  }
  return 0;
}

}  // namespace netdisk::client
