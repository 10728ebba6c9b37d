// What the progress display writes to a terminal and to a pipe.
#include "client/progress/progress_display.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

namespace netdisk::client {
namespace {

// A pipe whose read end is drained after the display is gone.
class Capture {
 public:
  Capture() {
    EXPECT_EQ(::pipe2(fds_, O_CLOEXEC), 0);
    ::fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~Capture() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int fd() const { return fds_[1]; }
  std::string text() {
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds_[0], buffer, sizeof buffer)) > 0;) out.append(buffer, n);
    return out;
  }

 private:
  int fds_[2];
};

void transfer_one(ProgressDisplay& display) {
  auto progress = display.track("file.bin");
  progress->begin(1000, 0);
  progress->advance(600);
  progress->advance(400);
  progress->finish();
}

// What a display in `mode` writes while `use` runs, up to and including its destruction.
template <typename Use>
std::string drawn(ProgressDisplay::Mode mode, Use use) {
  Capture capture;
  {
    ProgressDisplay display(mode, capture.fd());
    use(display);
  }
  return capture.text();
}

TEST(ProgressDisplay, OnAPipeWritesOneSummaryLineAndNoControlCharacters) {
  std::string text = drawn(ProgressDisplay::Mode::summaries, transfer_one);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_EQ(text.rfind("file.bin: 1000 B in ", 0), 0u) << text;
}

TEST(ProgressDisplay, QuietWritesOnlyMessages) {
  auto text = drawn(ProgressDisplay::Mode::quiet, [](ProgressDisplay& display) {
    transfer_one(display);
    display.message("netdisk: x: refused");
  });
  EXPECT_EQ(text, "netdisk: x: refused\n");
}

TEST(ProgressDisplay, OnATerminalDrawsInPlaceWithAPercentThenLeavesTheSummary) {
  std::string text = drawn(ProgressDisplay::Mode::live, transfer_one);
  EXPECT_NE(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("0%"), std::string::npos) << text;
  EXPECT_NE(text.find("file.bin: 1000 B in "), std::string::npos) << text;
}

TEST(ProgressDisplay, AnAbandonedTransferLeavesNoSummary) {
  auto text = drawn(ProgressDisplay::Mode::summaries, [](ProgressDisplay& display) {
    auto progress = display.track("broken.bin");
    progress->begin(10, 0);
    progress->abandon();
    progress->finish();  // ending twice is harmless
  });
  EXPECT_EQ(text, "");
}

TEST(ProgressDisplay, TheSummaryCarriesTheNote) {
  auto text = drawn(ProgressDisplay::Mode::summaries, [](ProgressDisplay& display) {
    auto progress = display.track("r.bin");
    progress->set_note("resumed at 5 B (offset 5)");
    progress->begin(10, 5);
    progress->advance(5);
    progress->finish();
  });
  EXPECT_NE(text.find("; resumed at 5 B (offset 5)"), std::string::npos) << text;
}

}  // namespace
}  // namespace netdisk::client
