#include "client/chat/chat_command.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "client/chat/chat_input.h"
#include "client/chat/chat_pipe.h"
#include "client/chat/chat_terminal.h"
#include "client/interrupt.h"

namespace netdisk::client {
namespace {

// Requests in flight before input waits: a script piping thousands of lines must not run
// ahead of the replies (they queue on the server, and a member that does not read is dropped).
constexpr std::size_t kMaxInFlight = 64;
// How long poll() sleeps before the Ctrl-C flag is looked at again.
constexpr int kPollSliceMs = 200;

// Does what a typed line asks; false once it asked to leave.
bool act_on(const std::string& line, ChatChannel& channel, ChatConsole& console) {
  auto input = parse_chat_input(line);
  switch (input.kind) {
    case ChatInput::Kind::say:
      channel.say(input.text);
      break;
    case ChatInput::Kind::tell:
      channel.tell(input.to, input.text);
      break;
    case ChatInput::Kind::who:
      channel.who();
      break;
    case ChatInput::Kind::help:
      for (const auto& help : chat_help_lines()) console.show(help);
      break;
    case ChatInput::Kind::quit:
      return false;
    case ChatInput::Kind::invalid:
      console.error("netdisk: " + input.text);
      break;
    case ChatInput::Kind::nothing:
      break;
  }
  return true;
}

}  // namespace

int run_chat(ChatChannel& channel, ChatConsole& console) {
  channel.join();
  bool reading = true;
  bool interrupted = false;
  auto stop_reading = [&] {
    reading = false;
    console.stop_input();
    channel.leave();
  };
  std::vector<std::string> lines;
  while (!channel.finished()) {
    bool want_input = reading && channel.pending() < kMaxInFlight;
    pollfd fds[2] = {{channel.fd(), POLLIN, 0},
                     {console.input_fd(), static_cast<short>(want_input ? POLLIN : 0), 0}};
    int ready = ::poll(fds, 2, kPollSliceMs);
    if (ready < 0 && errno != EINTR) throw std::runtime_error(std::strerror(errno));
    channel.keep_alive();
    if (interrupt_flag().load()) {
      clear_interrupt();
      if (reading && console.interrupted()) {
        interrupted = true;
        stop_reading();
      }
    }
    if (ready <= 0) continue;
    if (fds[0].revents != 0) channel.receive(console);
    if (want_input && reading && fds[1].revents != 0) {
      lines.clear();
      bool open = console.read_input(lines);
      for (const auto& line : lines) {
        if (!act_on(line, channel, console)) {
          open = false;
          break;
        }
      }
      if (!open) stop_reading();
    }
  }
  console.stop_input();
  if (channel.dropped()) return 1;
  return interrupted ? 130 : 0;
}

int chat_command(Connector& connector) {
  connector.authenticated();  // not logged in: one error line, and no chat
  ChatChannel channel(connector.open_sibling());
  InterruptScope ctrl_c;  // Ctrl-C drops the line being typed; in a pipe it leaves
  std::unique_ptr<ChatConsole> console;
  if (::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)) {
    console = std::make_unique<TerminalConsole>("chat:" + channel.username() + "> ");
    console->show("* /help lists the commands; /quit or Ctrl-D leaves the room");
  } else {
    console = std::make_unique<PipeConsole>();
  }
  return run_chat(channel, *console);
}

}  // namespace netdisk::client
