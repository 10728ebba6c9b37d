#include "client/progress/progress_display.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "client/progress/progress_format.h"

namespace netdisk::client {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr auto kStallAfter = std::chrono::seconds(3);
constexpr auto kSpeedWindow = std::chrono::seconds(2);

std::size_t terminal_width(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) return size.ws_col;
  return 80;
}

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

TransferProgress::TransferProgress(ProgressDisplay& display, std::string name)
    : display_(display), name_(std::move(name)) {}

void TransferProgress::begin(std::uint64_t total, std::uint64_t start_offset) {
  std::lock_guard lock(display_.mutex_);
  start_offset_ = start_offset;
  total_ = total;
  done_ = start_offset;
  last_done_ = start_offset;
  started_ = last_change_ = Clock::now();
  samples_.clear();
  begun_ = true;
  // Drawn at once, so even a transfer shorter than one tick shows its line.
  if (display_.mode_ == ProgressDisplay::Mode::live) display_.redraw_locked(Clock::now());
}

void TransferProgress::set_note(std::string note) {
  std::lock_guard lock(display_.mutex_);
  note_ = std::move(note);
}

void TransferProgress::finish() { display_.end(*this, true); }
void TransferProgress::abandon() { display_.end(*this, false); }

ProgressDisplay::Mode ProgressDisplay::mode_for(bool quiet, int fd) {
  if (quiet) return Mode::quiet;
  return ::isatty(fd) ? Mode::live : Mode::summaries;
}

ProgressDisplay::ProgressDisplay(Mode mode, int fd) : mode_(mode), fd_(fd) {
  if (mode_ == Mode::live) ticker_ = std::thread([this] { tick_loop(); });
}

ProgressDisplay::~ProgressDisplay() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::shared_ptr<TransferProgress> ProgressDisplay::track(std::string name) {
  auto transfer = std::make_shared<TransferProgress>(*this, std::move(name));
  std::lock_guard lock(mutex_);
  live_.push_back(transfer);
  return transfer;
}

void ProgressDisplay::message(const std::string& line) {
  std::lock_guard lock(mutex_);
  clear_live_locked();
  write_out(line + "\n");
  if (mode_ == Mode::live) redraw_locked(Clock::now());
}

void ProgressDisplay::end(TransferProgress& transfer, bool with_summary) {
  std::lock_guard lock(mutex_);
  auto it = std::find_if(live_.begin(), live_.end(),
                         [&](const auto& held) { return held.get() == &transfer; });
  if (it == live_.end()) return;  // ended already
  auto keep = *it;
  live_.erase(it);
  if (mode_ == Mode::live) clear_live_locked();
  if (with_summary && mode_ != Mode::quiet) {
    double seconds = seconds_between(transfer.started_, Clock::now());
    std::uint64_t moved = transfer.done() - std::min(transfer.done(), transfer.start_offset_);
    write_out(render_summary(transfer.name_, transfer.total(), moved, seconds, transfer.note_) +
              "\n");
  }
  if (mode_ == Mode::live) redraw_locked(Clock::now());
}

void ProgressDisplay::tick_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    redraw_locked(Clock::now());
    wake_.wait_for(lock, kRedrawEvery);
  }
  clear_live_locked();
}

void ProgressDisplay::redraw_locked(Clock::time_point now) {
  clear_live_locked();
  std::string text;
  std::size_t width = terminal_width(fd_) - 1;  // never wrap into the next line
  std::size_t drawn = 0;
  for (auto& transfer : live_) {
    if (!transfer->begun_) continue;
    ++drawn;
    std::uint64_t done = transfer->done();
    if (done != transfer->last_done_) {
      transfer->last_done_ = done;
      transfer->last_change_ = now;
    }
    auto& samples = transfer->samples_;
    samples.push_back({now, done});
    while (samples.size() > 2 && now - samples[1].when >= kSpeedWindow) {
      samples.erase(samples.begin());
    }
    double span = seconds_between(samples.front().when, now);
    double rate = span > 0 ? static_cast<double>(done - samples.front().done) / span : 0;
    ProgressSnapshot snapshot{transfer->name_, done, transfer->total(), rate,
                              now - transfer->last_change_ >= kStallAfter};
    text += "\r" + render_progress_line(snapshot, width) + "\x1b[K\n";
  }
  lines_drawn_ = drawn;
  write_out(text);
}

void ProgressDisplay::clear_live_locked() {
  if (mode_ != Mode::live || lines_drawn_ == 0) return;
  // Up to the first live line, then clear to the end of the screen.
  write_out("\r\x1b[" + std::to_string(lines_drawn_) + "A\x1b[J");
  lines_drawn_ = 0;
}

void ProgressDisplay::write_out(const std::string& text) {
  std::string_view rest = text;
  while (!rest.empty()) {
    ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n <= 0) return;  // nowhere to draw: not worth failing a transfer for
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace netdisk::client
