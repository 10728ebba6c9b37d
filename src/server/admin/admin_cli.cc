// The command line of `netdiskd admin` (docs/ADMIN.md): parses the commands, runs the request
// (admin_command.cc) and prints the answer for a person, or as JSON with --json.
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "common/duration_text.h"
#include "server/admin/admin_cli.h"

namespace netdisk::server {
namespace {

// Throws CLI::ValidationError for a duration parse_duration refuses.
std::uint64_t parse_expiry(const std::string& text) {
  auto duration = parse_duration(text);
  if (!duration) throw CLI::ValidationError("--expires", "a duration such as 7d, 12h, 30m or 90s");
  return static_cast<std::uint64_t>(duration->count());
}

void print_registration(const nlohmann::json& fields) {
  std::cout << "registration: " << text_of(fields.value("mode", nlohmann::json())) << " ("
            << fields.value("invites", 0) << " invitation(s) usable)\n";
}

void print_users(const nlohmann::json& fields) {
  print_user_header();
  for (const auto& user : fields.value("users", nlohmann::json::array())) print_user_row(user);
  print_registration(fields.value("registration", nlohmann::json::object()));
}

void print_invite(const nlohmann::json& fields) {
  std::cout << "invitation code: " << text_of(fields["code"]) << "\n"
            << "good for " << fields.value("uses", 1) << " registration(s), expires "
            << (fields["expires"].is_null() ? "never" : text_of(fields["expires"])) << "\n"
            << "It is shown only now: hand it to the person who will register.\n";
}

}  // namespace

std::string text_of(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

void print_user_header() {
  std::cout << fmt::format("{:<24} {:<20} {:<20} {:<8} {:<5} {:>7} {:>13} {:>10} {:>13}\n", "NAME",
                           "REGISTERED", "LAST LOGIN", "STATE", "ROLE", "FILES", "BYTES", "QUOTA",
                           "USED");
}

void print_user_row(const nlohmann::json& user) {
  auto cell = [](const nlohmann::json& row, const char* key) {
    return text_of(row.value(key, nlohmann::json()));
  };
  // USED is the quota's running total: every stored byte, partial uploads included.
  std::cout << fmt::format(
      "{:<24} {:<20} {:<20} {:<8} {:<5} {:>7} {:>13} {:>10} {:>13}", cell(user, "username"),
      cell(user, "registered"), cell(user, "last_login"), cell(user, "state"), cell(user, "role"),
      cell(user, "files"), cell(user, "bytes"), cell(user, "quota"), cell(user, "used"));
  if (user.contains("problem")) std::cout << "  (" << text_of(user["problem"]) << ")";
  std::cout << "\n";
}

int carry_out(const ServerConfig& config, const AdminOptions& options, AdminRequest request,
              AdminPrinter print) {
  auto answer = run_admin_request(config, request);
  if (!answer) {
    std::cerr << "netdiskd admin: " << errc_name(answer.error().code) << ": "
              << answer.error().message << "\n";
    return 1;
  }
  if (options.json) {
    std::cout << answer->fields.dump(2) << "\n";
  } else {
    print(answer->fields);
  }
  return 0;
}

void add_admin_commands(CLI::App& app, ServerConfig& config, std::function<int()>& run) {
  auto options = std::make_shared<AdminOptions>();
  auto* admin = app.add_subcommand(
      "admin", "Manage accounts and registration, whether the server runs or is stopped");
  admin->fallthrough();  // --data and the other server options may also come after `admin`
  admin->require_subcommand(1);
  admin->add_flag("--json", options->json, "Print the answer as JSON");

  admin->add_subcommand("users", "List every account, with what its files add up to")
      ->callback([&config, &run, options] {
        run = [&config, options] {
          return carry_out(config, *options, {"admin.users"}, &print_users);
        };
      });

  auto* registration =
      admin->add_subcommand("registration", "Show or set who may register: open, closed, invite");
  registration->add_option("MODE", options->mode, "open, closed or invite")
      ->check(CLI::IsMember({"open", "closed", "invite"}));
  registration->callback([&config, &run, options] {
    run = [&config, options] {
      AdminRequest request{"admin.registration"};
      if (!options->mode.empty()) request.fields["mode"] = options->mode;
      return carry_out(config, *options, std::move(request), &print_registration);
    };
  });

  auto* invite =
      admin->add_subcommand("invite", "Invitation codes for registration")->require_subcommand(1);
  auto* create = invite->add_subcommand("create", "Make a new invitation code");
  create->add_option("--expires", options->expires, "Valid for: 7d, 12h, 30m (default: 7d)");
  create->add_option("--uses", options->uses, "How many registrations it admits (default 1)")
      ->check(CLI::Range(1u, 10000u));
  create->callback([&config, &run, options] {
    auto seconds = parse_expiry(options->expires.empty() ? "7d" : options->expires);
    run = [&config, options, seconds] {
      AdminRequest request{"admin.invite", {{"uses", options->uses}, {"valid_for", seconds}}};
      return carry_out(config, *options, std::move(request), &print_invite);
    };
  });

  add_user_commands(*admin, config, run, options);
  add_cluster_user_commands(*admin, config, run);
}

}  // namespace netdisk::server
