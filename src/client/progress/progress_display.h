// ProgressDisplay: shows the transfers of one command on stderr. On a terminal a ticker thread
// redraws one line per running transfer in place, at most 10 times a second, and leaves a
// summary line when each ends; elsewhere (a pipe, a file) it writes only the summary lines,
// with no control characters; quiet, it writes only messages (errors). TransferProgress is
// what a transfer thread updates: lock-free counters, safe from any one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace netdisk::client {

class ProgressDisplay;

class TransferProgress {
 public:
  TransferProgress(ProgressDisplay& display, std::string name);

  // The whole size and where this run starts (a resumed transfer starts past 0).
  void begin(std::uint64_t total, std::uint64_t start_offset);
  void advance(std::uint64_t bytes) { done_.fetch_add(bytes, std::memory_order_relaxed); }
  // Text added to the summary line, e.g. "resumed at 50.0 MiB".
  void set_note(std::string note);
  // Ends the transfer: prints the summary (unless quiet) and stops drawing it.
  void finish();
  // Ends the transfer without a summary (the caller reports the error).
  void abandon();

  const std::string& name() const noexcept { return name_; }
  std::uint64_t done() const noexcept { return done_.load(std::memory_order_relaxed); }
  std::uint64_t total() const noexcept { return total_.load(std::memory_order_relaxed); }

 private:
  friend class ProgressDisplay;
  ProgressDisplay& display_;
  std::string name_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::uint64_t> total_{0};
  std::uint64_t start_offset_ = 0;  // written before the display sees the transfer running
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::string note_;    // guarded by the display's mutex
  bool begun_ = false;  // guarded by the display's mutex; not drawn before begin()
  // The display thread's own bookkeeping for the current speed and the stall detector.
  struct Sample {
    std::chrono::steady_clock::time_point when;
    std::uint64_t done;
  };
  std::vector<Sample> samples_;
  std::chrono::steady_clock::time_point last_change_ = started_;
  std::uint64_t last_done_ = 0;
};

class ProgressDisplay {
 public:
  enum class Mode { quiet, summaries, live };

  // live when `fd` is a terminal, summaries otherwise; quiet when asked.
  static Mode mode_for(bool quiet, int fd);

  explicit ProgressDisplay(Mode mode, int fd = 2);
  ~ProgressDisplay();  // draws what is left and stops the ticker
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // A new transfer line. The display keeps it until finish() or abandon().
  std::shared_ptr<TransferProgress> track(std::string name);
  // A line of text (an error, a note), printed above the live lines. Shown even when quiet.
  void message(const std::string& line);

  Mode mode() const noexcept { return mode_; }

 private:
  friend class TransferProgress;
  void end(TransferProgress& transfer, bool with_summary);
  void tick_loop();
  void redraw_locked(std::chrono::steady_clock::time_point now);
  void clear_live_locked();
  void write_out(const std::string& text);

  Mode mode_;
  int fd_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::shared_ptr<TransferProgress>> live_;
  std::size_t lines_drawn_ = 0;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace netdisk::client
