// `netdiskd admin export-users FILE.xlsx` and `import-users FILE.xlsx` (cluster mode, issue
// #22): the cluster's accounts in PostgreSQL to and from a workbook in the users.xlsx format
// (cluster/accounts/user_workbook_transfer.h), so the administrator's Excel view still exists.
// They talk to PostgreSQL (--pg) directly, not to a node: the accounts are the cluster's.
// An import ends, through Redis (--redis), the logins of accounts it disables or gives another
// password. Main thread of `netdiskd admin`.
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cluster/accounts/redis_token_store.h"
#include "cluster/accounts/user_workbook_transfer.h"
#include "server/admin/admin_cli.h"

namespace netdisk::server {
namespace {

int fail(const Error& error) {
  std::cerr << "netdiskd admin: " << errc_name(error.code) << ": " << error.message << "\n";
  return 1;
}

Result<std::unique_ptr<cluster::PgAccountStore>> open_accounts(const ServerConfig& config) {
  if (config.pg_conninfo.empty()) {
    return make_error(Errc::bad_request,
                      "export-users and import-users work on a cluster's accounts: give --pg "
                      "(or pg in the configuration file)");
  }
  return cluster::PgAccountStore::open(
      std::make_shared<cluster::pg::PgPool>(config.pg_conninfo, 1));
}

int export_to(const ServerConfig& config, const std::string& file) {
  auto store = open_accounts(config);
  if (!store) return fail(store.error());
  auto written = cluster::export_users(**store, file);
  if (!written) return fail(written.error());
  std::cout << fmt::format("{} accounts written to {}\n", *written, file);
  return 0;
}

// Ends the logins of each user in `names` on every node (RedisTokenBook applies it).
Status end_logins(const ServerConfig& config, const std::vector<std::string>& names) {
  cluster::RedisClient redis(config.redis, std::chrono::seconds(2));
  cluster::RedisTokenStore tokens(redis);
  for (const auto& name : names) {
    if (auto removed = tokens.remove_user(name, {}); !removed.ok()) return removed;
    if (auto told = tokens.publish_revoked_user(name, {}); !told.ok()) return told;
  }
  return {};
}

int import_from(const ServerConfig& config, const std::string& file) {
  auto store = open_accounts(config);
  if (!store) return fail(store.error());
  auto imported = cluster::import_users(**store, file);
  if (!imported) return fail(imported.error());
  std::cout << fmt::format("{} accounts imported from {}\n", imported->count, file);
  if (imported->to_revoke.empty()) return 0;
  if (config.redis.empty()) {
    std::cerr << fmt::format(
        "netdiskd admin: {} accounts were disabled or given another password, but without "
        "--redis their logins could not be ended; run `netdiskd admin user disable` or "
        "`passwd` for them\n",
        imported->to_revoke.size());
    return 1;
  }
  if (auto ended = end_logins(config, imported->to_revoke); !ended.ok()) return fail(ended.error());
  std::cout << fmt::format("the logins of {} disabled or changed accounts were ended\n",
                           imported->to_revoke.size());
  return 0;
}

}  // namespace

void add_cluster_user_commands(CLI::App& admin, ServerConfig& config, std::function<int()>& run) {
  auto file = std::make_shared<std::string>();
  auto* exporting = admin.add_subcommand(
      "export-users", "Cluster mode: write every account to a workbook (users.xlsx format)");
  exporting->add_option("FILE", *file, "The workbook to write (replaced if it exists)")->required();
  exporting->callback([&config, &run, file] {
    run = [&config, file] { return export_to(config, *file); };
  });
  auto* importing = admin.add_subcommand(
      "import-users", "Cluster mode: add or replace the accounts a workbook holds, by name");
  importing->add_option("FILE", *file, "The workbook to read")->required()->check(
      CLI::ExistingFile);
  importing->callback([&config, &run, file] {
    run = [&config, file] { return import_from(config, *file); };
  });
}

}  // namespace netdisk::server
