// A minimal terminal for tests: replays what a program wrote to a pty (text, CR, LF,
// backspace, and the ANSI cursor-movement and erase sequences that libedit and the client
// use) onto lines of text, so a test checks what the screen shows, not the bytes that drew
// it. ASCII text only. Pure; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace netdisk::e2e {

// Every line the screen holds after `transcript` (scrolled-off lines included), without
// trailing blanks.
std::vector<std::string> render_screen(std::string_view transcript, std::size_t columns = 120);

}  // namespace netdisk::e2e
