// `netdiskd admin user add|disable|enable|delete|passwd|quota|role NAME ...` (docs/ADMIN.md):
// each becomes one admin.user.* request (ops/admin_user_ops.h), through the running server's
// socket or in-process, and prints the user's row or what became of a deleted user's files.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "server/admin/admin_cli.h"
#include "server/admin/password_input.h"

namespace netdisk::server {
namespace {

void print_row(const nlohmann::json& fields) {
  print_user_header();
  print_user_row(fields);
}

void print_deleted(const nlohmann::json& fields) {
  std::cout << "deleted user " << text_of(fields.value("username", nlohmann::json())) << "; ";
  if (fields.value("purged", false)) {
    std::cout << "their files are removed\n";
  } else if (fields.value("kept_as", nlohmann::json()).is_null()) {
    std::cout << "they had no folder\n";
  } else {
    std::cout << fmt::format("their files are kept in <data>/{} for {} s, then removed\n",
                             text_of(fields["kept_as"]), text_of(fields["kept_for"]));
  }
}

using MakeRequest = std::function<Result<AdminRequest>(const AdminOptions&)>;

// A `user` subcommand taking NAME: `make` builds the request when it runs (after parsing, so
// a password is asked for only once the command line is known to be right).
CLI::App* user_command(CLI::App& user, const std::string& name, const std::string& help,
                       ServerConfig& config, std::function<int()>& run,
                       std::shared_ptr<AdminOptions> options, MakeRequest make,
                       AdminPrinter print = &print_row) {
  auto* command = user.add_subcommand(name, help);
  command->add_option("NAME", options->username, "The account's name")->required();
  command->callback([&config, &run, options, make, print] {
    run = [&config, options, make, print] {
      auto request = make(*options);
      if (!request) {
        std::cerr << "netdiskd admin: " << request.error().message << "\n";
        return 1;
      }
      return carry_out(config, *options, std::move(*request), print);
    };
  });
  return command;
}

AdminRequest named(std::string op, const AdminOptions& options, nlohmann::json fields = {}) {
  if (fields.is_null()) fields = nlohmann::json::object();
  fields["username"] = options.username;
  return {std::move(op), std::move(fields)};
}

Result<AdminRequest> with_password(std::string op, const AdminOptions& options,
                                   nlohmann::json fields) {
  auto password = read_admin_password(options.username);
  if (!password) return std::move(password).error();
  fields["password"] = std::move(*password);
  return named(std::move(op), options, std::move(fields));
}

}  // namespace

void add_user_commands(CLI::App& admin, ServerConfig& config, std::function<int()>& run,
                       std::shared_ptr<AdminOptions> options) {
  auto& user = *admin.add_subcommand("user", "Add, disable, delete and change one account");
  user.require_subcommand(1);
  auto* add = user_command(
      user, "add", "Add an account (the password as for passwd)", config, run, options,
      [](const AdminOptions& o) {
        return with_password("admin.user.add", o, {{"role", o.admin_role ? "admin" : "user"}});
      });
  add->add_flag("--admin", options->admin_role, "Make it an admin account (sees the user list)");
  struct StateCommand {
    const char* name;
    const char* state;
    const char* help;
  };
  for (const auto& command :
       {StateCommand{"disable", "disabled", "Disable the account and end every session of it"},
        StateCommand{"enable", "active", "Let a disabled account log in again"}}) {
    user_command(user, command.name, command.help, config, run, options,
                 [state = std::string(command.state)](const AdminOptions& o) {
                   return Result<AdminRequest>(named("admin.user.state", o, {{"state", state}}));
                 });
  }
  auto* remove = user_command(
      user, "delete", "Delete the account; its files are kept aside for --deleted-retention",
      config, run, options,
      [](const AdminOptions& o) {
        return Result<AdminRequest>(named("admin.user.delete", o, {{"purge", o.purge}}));
      },
      &print_deleted);
  remove->add_flag("--purge", options->purge, "Remove the files now instead of keeping them");
  user_command(user, "passwd",
               "Set a new password ($NETDISK_PASSWORD, asked twice on a terminal, or a line "
               "of stdin) and end every session",
               config, run, options, [](const AdminOptions& o) {
                 return with_password("admin.user.passwd", o, nlohmann::json::object());
               });
  user_command(user, "quota", "Set the quota: a size such as 10GiB or 500MB, or none", config, run,
               options,
               [](const AdminOptions& o) {
                 return Result<AdminRequest>(named("admin.user.quota", o, {{"quota", o.value}}));
               })
      ->add_option("SIZE", options->value, "A size, or none")
      ->required();
  user_command(user, "role", "Make the account an admin or an ordinary user", config, run, options,
               [](const AdminOptions& o) {
                 return Result<AdminRequest>(named("admin.user.role", o, {{"role", o.value}}));
               })
      ->add_option("ROLE", options->value, "admin or user")
      ->required()
      ->check(CLI::IsMember({"admin", "user"}));
}

}  // namespace netdisk::server
