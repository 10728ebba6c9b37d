#include "client/transfer/transfer_batch.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

#include "client/interrupt.h"

namespace netdisk::client {
namespace {

// The shared state of one batch's workers.
struct Batch {
  Connector& connector;
  const std::vector<TransferJob>& jobs;
  const BatchSettings& settings;
  ProgressDisplay& display;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failed{0};
  std::atomic<bool> interrupted{false};
  std::atomic<bool> main_connection_broken{false};
};

std::string error_line(const std::string& label, const std::exception& error) {
  std::string text = error.what();
  // Server messages usually name the file already; say which file only when they do not.
  if (text.find(label) == std::string::npos) text = label + ": " + text;
  if (auto* server = dynamic_cast<const ServerError*>(&error)) text += " (" + server->code() + ")";
  return "netdisk: " + text;
}

void work(Batch& batch, bool use_main_connection) {
  ServerLink* current = use_main_connection ? &batch.connector.link() : nullptr;
  std::unique_ptr<ServerLink> own;
  auto forget_connection = [&] {
    if (current != nullptr && !own) batch.main_connection_broken = true;
    current = nullptr;
    own.reset();  // closing it tells the server to keep the partial upload for a resume
  };
  for (std::size_t i; (i = batch.next++) < batch.jobs.size();) {
    const auto& job = batch.jobs[i];
    if (interrupt_flag().load()) {
      batch.display.message("netdisk: " + job.label + ": not started (interrupted)");
      ++batch.failed;
      continue;
    }
    auto progress = batch.display.track(job.label);
    try {
      if (current == nullptr) {
        own = batch.connector.open_sibling();
        current = own.get();
      }
      TransferContext context{*progress, {&interrupt_flag()}, batch.settings.limit_rate};
      job.run(*current, context);
      progress->finish();
    } catch (const Interrupted&) {
      progress->abandon();
      batch.display.message("netdisk: " + job.label + ": interrupted at " +
                            std::to_string(progress->done()) + " of " +
                            std::to_string(progress->total()) +
                            " bytes; to resume, run the same command again: " + job.resume_hint);
      batch.interrupted = true;
      ++batch.failed;
      forget_connection();
    } catch (const ServerError& error) {
      // A refusal leaves the connection in step with the server: keep using it.
      progress->abandon();
      batch.display.message(error_line(job.label, error));
      ++batch.failed;
    } catch (const std::exception& error) {
      progress->abandon();
      batch.display.message(error_line(job.label, error));
      ++batch.failed;
      forget_connection();
    }
  }
}

}  // namespace

BatchResult run_transfers(Connector& connector, const std::vector<TransferJob>& jobs,
                          const BatchSettings& settings, ProgressDisplay& display) {
  InterruptScope ctrl_c;
  Batch batch{connector, jobs, settings, display};
  std::size_t workers =
      std::clamp<std::size_t>(settings.jobs, 1, std::max<std::size_t>(jobs.size(), 1));
  std::vector<std::thread> threads;
  for (std::size_t w = 1; w < workers; ++w) threads.emplace_back([&batch] { work(batch, false); });
  work(batch, true);
  for (auto& thread : threads) thread.join();
  if (batch.main_connection_broken) connector.drop();
  return BatchResult{batch.failed.load(), batch.interrupted.load() || interrupt_flag().load()};
}

int exit_status(const BatchResult& result) {
  if (result.interrupted) return 130;
  return result.failed > 0 ? 1 : 0;
}

}  // namespace netdisk::client
