#include "cluster/chat/chat_history.h"

#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace netdisk::cluster {
namespace {

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS netdisk.chat_history (
  id     bigserial PRIMARY KEY,
  sent   timestamptz NOT NULL,
  node   text NOT NULL,
  sender text NOT NULL,
  body   text NOT NULL
);)";

}  // namespace

Result<std::unique_ptr<ChatHistory>> ChatHistory::open(std::shared_ptr<pg::PgPool> pool) {
  if (auto made = pg::ensure_schema(*pool, "netdisk.chat_history", kSchema); !made) {
    return made.error().to_error();
  }
  return std::unique_ptr<ChatHistory>(new ChatHistory(std::move(pool)));
}

Status ChatHistory::append(std::string_view node, std::string_view from, std::string_view text,
                           std::chrono::system_clock::time_point when) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch());
  auto inserted = pool_->exec(
      "INSERT INTO netdisk.chat_history (sent, node, sender, body) VALUES "
      "(to_timestamp($1::double precision / 1e6), $2, $3, $4)",
      {std::to_string(micros.count()), std::string(node), std::string(from), std::string(text)});
  if (!inserted) return inserted.error().to_error();
  return {};
}

namespace {

long long integer_of(std::string_view text) {
  long long value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

Result<std::vector<ChatHistory::Message>> ChatHistory::page(std::size_t count,
                                                           std::optional<std::int64_t> before) {
  auto rows = pool_->exec(
      "SELECT id, node, sender, body, (extract(epoch from sent) * 1e6)::bigint FROM "
      "(SELECT * FROM netdisk.chat_history WHERE id < $2 ORDER BY id DESC LIMIT $1) AS latest "
      "ORDER BY id",
      {std::to_string(count),
       std::to_string(before.value_or(std::numeric_limits<std::int64_t>::max()))});
  if (!rows) return rows.error().to_error();
  std::vector<Message> out;
  for (int row = 0; row < rows->rows(); ++row) {
    auto micros = integer_of(rows->text(row, 4));
    out.push_back({integer_of(rows->text(row, 0)), std::string(rows->text(row, 1)),
                   std::string(rows->text(row, 2)), std::string(rows->text(row, 3)),
                   std::chrono::system_clock::time_point(std::chrono::microseconds(micros))});
  }
  return out;
}

}  // namespace netdisk::cluster
