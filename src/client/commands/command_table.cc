#include "client/commands/command_table.h"

#include <iostream>
#include <memory>

#include "client/chat/chat_command.h"
#include "client/commands/account_commands.h"
#include "client/commands/complete_command.h"
#include "client/commands/df_command.h"
#include "client/commands/discover_command.h"
#include "client/commands/file_commands.h"
#include "client/commands/share_commands.h"
#include "client/commands/transfer_commands.h"
#include "client/commands/trash_commands.h"
#include "client/commands/trust_command.h"

namespace netdisk::client {
namespace {

using AddCommand = void (*)(CLI::App&, CommandAction&);

struct CommandRow {
  const char* name;
  AddCommand add;
};

// Sets `chosen` when the parse selects `command`. `options` lives as long as the action.
template <typename Options, typename Run>
void on_parse(CLI::App* command, CommandAction& chosen, std::shared_ptr<Options> options, Run run) {
  command->callback([&chosen, options, run] {
    chosen = [options, run](Connector& connector) { return run(connector, *options); };
  });
}

void add_transfer_flags(CLI::App* command, TransferFlags& flags) {
  command->add_flag("-q,--quiet", flags.quiet, "No progress bar and no summary lines");
  command->add_option("-j,--jobs", flags.jobs, "Files transferred at once, one connection each")
      ->default_val(4)
      ->check(CLI::Range(1, 64));
  command->add_option("--limit-rate", flags.limit_rate,
                      "Keep each transfer under RATE bytes per second (e.g. 500K, 10M)");
}

struct RegisterOptions {
  std::string name;
  std::string invite;
};

void add_account_commands(CLI::App& app, CommandAction& chosen) {
  auto name = std::make_shared<std::string>();
  auto registration = std::make_shared<RegisterOptions>();
  auto* reg = app.add_subcommand("register", "Create an account (asks for a password)");
  reg->add_option("NAME", registration->name, "Username: 1-32 letters, digits, _ - .")->required();
  reg->add_option("--invite", registration->invite,
                  "Invitation code, where the server's registration is by invitation");
  on_parse(reg, chosen, registration, [](Connector& c, const RegisterOptions& o) {
    return register_command(c, o.name, o.invite);
  });
  auto* login = app.add_subcommand("login", "Log in and save the session for later commands");
  login->add_option("NAME", *name, "Username")->required();
  on_parse(login, chosen, name,
           [](Connector& c, const std::string& n) { return login_command(c, n); });
  auto all = std::make_shared<bool>(false);
  auto* logout = app.add_subcommand("logout", "End the saved session");
  logout->add_flag("--all", *all, "End every session of your user, on every device");
  on_parse(logout, chosen, all, [](Connector& c, bool every) { return logout_command(c, every); });
  on_parse(app.add_subcommand("passwd",
                              "Change your password (asks for the current one) and end your "
                              "other sessions"),
           chosen, name, [](Connector& c, const std::string&) { return passwd_command(c); });
  on_parse(app.add_subcommand("whoami", "Show who you are logged in as"), chosen, name,
           [](Connector& c, const std::string&) { return whoami_command(c); });
  on_parse(app.add_subcommand("ping", "Check that the server answers"), chosen, name,
           [](Connector& c, const std::string&) { return ping_command(c); });
}

void add_ls(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<LsOptions>();
  auto* ls =
      app.add_subcommand("ls", "List a remote folder (your top folder when no PATH is given)");
  ls->add_option("PATH", options->path, "Remote folder or file");
  ls->add_flag("-l,--long", options->long_format, "Also show each size in exact bytes");
  on_parse(ls, chosen, options, ls_command);
}

// put and get: file arguments, the shared transfer flags, and their own flags (added by the
// caller on the returned command).
template <typename Options, typename Run>
CLI::App* add_transfer_command(CLI::App& app, CommandAction& chosen, const char* name,
                               const char* description, const char* paths_help,
                               std::shared_ptr<Options> options, Run run) {
  auto* command = app.add_subcommand(name, description);
  command->add_option("PATHS", options->paths, paths_help)->required();
  add_transfer_flags(command, options->flags);
  on_parse(command, chosen, options, run);
  return command;
}

constexpr const char* kPutHelp =
    "Upload files: `put LOCAL... [--to REMOTE_DIR]` or `put LOCAL REMOTE`. An existing remote "
    "file is replaced atomically. An interrupted upload resumes by itself: run the same put "
    "again and only the missing bytes are sent (the server recognises the file by path, size "
    "and checksum). `put --resume` does the same and says when the server held nothing to "
    "continue";

constexpr const char* kGetHelp =
    "Download files: `get REMOTE [LOCAL]` or `get REMOTE... [LOCAL_DIR]`. REMOTE may be a "
    "pattern such as '*.txt' or 'docs/*.pdf' (quote it on the command line), matched against "
    "the folder's files; a name that exists as typed is that file. Bytes go to "
    "LOCAL.part, renamed to LOCAL once complete and verified. An existing LOCAL.part is an "
    "interrupted download: on a terminal you are asked whether to continue it; scripts "
    "continue it when the server's file is unchanged and start over otherwise. An existing "
    "LOCAL identical to the server's file is left alone; a shorter one may be continued in "
    "place (once the server confirms its bytes are the start of its file) or started over "
    "(ask, or say --resume or --overwrite); a longer or different one is replaced only when "
    "you say yes or --overwrite";

void add_put(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<PutOptions>();
  auto* put =
      add_transfer_command(app, chosen, "put", "Upload files (resumable)",
                           "Local files, then optionally the remote name", options, put_command);
  put->footer(kPutHelp);
  put->add_option("--to", options->to, "Remote folder to upload into (default: top folder)");
  put->add_flag("--resume", options->resume,
                "Continue an interrupted upload (the default) and say so when there is none");
}

void add_get(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<GetOptions>();
  auto* get = add_transfer_command(app, chosen, "get", "Download files (resumable)",
                                   "Remote files, then optionally the local name or folder",
                                   options, get_command);
  get->footer(kGetHelp);
  get->add_flag("--resume", options->resume, "Continue an interrupted download (LOCAL.part, or a shorter LOCAL) without asking");
  get->add_flag("--overwrite", options->overwrite,
                "Start over and replace an existing local file without asking");
}

void add_rm(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<RmOptions>();
  auto* rm = app.add_subcommand(
      "rm", "Move remote files or empty folders into the trash (see `netdisk trash`)");
  rm->add_option("PATHS", options->paths, "Remote paths; patterns such as 'old/*' too")->required();
  rm->add_flag("-r,--recursive", options->recursive, "Folders with everything in them too");
  rm->add_flag("--permanent", options->permanent, "Delete for good instead of into the trash");
  on_parse(rm, chosen, options, rm_command);
}

// `netdisk trash` lists; its subcommands restore and empty. The parent's callback runs after
// a subcommand's, so it acts only when none was given.
void add_trash(CLI::App& app, CommandAction& chosen) {
  auto* trash = app.add_subcommand("trash", "List the trash; restore or delete what is in it");
  auto restore = std::make_shared<TrashRestoreOptions>();
  auto* back = trash->add_subcommand("restore", "Put an entry back (never over an existing file)");
  back->add_option("NAME", restore->name, "The entry's ID, or the path it was removed from")
      ->required();
  back->add_option("--as", restore->as, "Restore to this remote path instead");
  on_parse(back, chosen, restore, trash_restore_command);
  auto name = std::make_shared<std::string>();
  auto* empty = trash->add_subcommand("empty", "Delete everything in the trash, or NAME, for good");
  empty->add_option("NAME", *name, "One entry's ID or original path");
  on_parse(empty, chosen, name, trash_empty_command);
  trash->callback([&chosen, trash] {
    if (trash->get_subcommands().empty()) chosen = trash_list_command;
  });
}

void add_versions(CLI::App& app, CommandAction& chosen) {
  auto path = std::make_shared<std::string>();
  auto* versions = app.add_subcommand("versions", "List a remote file's earlier versions");
  versions->add_option("PATH", *path, "Remote file")->required();
  on_parse(versions, chosen, path, versions_command);
  auto options = std::make_shared<VersionRestoreOptions>();
  auto* restore = app.add_subcommand(
      "restore", "Make an earlier version of a remote file current (keeping the replaced one)");
  restore->add_option("PATH", options->path, "Remote file")->required();
  restore->add_option("--version", options->version, "A version from `netdisk versions PATH`")
      ->required();
  on_parse(restore, chosen, options, version_restore_command);
}

void add_mv(CLI::App& app, CommandAction& chosen) {
  auto ends = std::make_shared<std::pair<std::string, std::string>>();
  auto* mv = app.add_subcommand(
      "mv", "Rename or move a remote file or folder (into TO if it is a folder)");
  mv->add_option("FROM", ends->first, "Remote path")->required();
  mv->add_option("TO", ends->second, "New remote path or existing folder")->required();
  on_parse(mv, chosen, ends, [](Connector& c, const std::pair<std::string, std::string>& e) {
    return mv_command(c, e.first, e.second);
  });
}

void add_mkdir(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<MkdirOptions>();
  auto* mkdir = app.add_subcommand("mkdir", "Create remote folders");
  mkdir->add_option("PATHS", options->paths, "Remote folders")->required();
  mkdir->add_flag("-p,--parents", options->parents,
                  "Create missing parent folders too; an existing folder is fine");
  on_parse(mkdir, chosen, options, mkdir_command);
}

void add_discover(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<DiscoverOptions>();
  auto* discover = app.add_subcommand(
      "discover", "Find NetDisk servers on the LAN (UDP probe; needs no account)");
  discover->add_option("--to", options->hosts,
                       "Probe these hosts only (default: the LAN broadcast address and "
                       "127.0.0.1)");
  discover->add_option("--port", options->port,
                       "The servers' port (default: the port of --server, 7070)");
  discover
      ->add_option("--timeout", options->timeout_seconds, "Seconds to wait for answers (default 1)")
      ->check(CLI::Range(0.1, 60.0));
  on_parse(discover, chosen, options, [](Connector& connector, const DiscoverOptions& given) {
    DiscoverOptions resolved = given;
    if (resolved.port == 0) resolved.port = connector.options().server.port;
    return discover_command(resolved);
  });
}

void add_trust(CLI::App& app, CommandAction& chosen) {
  auto forget = std::make_shared<std::string>();
  auto* trust = app.add_subcommand(
      "trust", "List the server keys trusted on first use, or forget one (needs no connection)");
  trust->add_option("--forget", *forget,
                    "Forget the key of HOST:PORT, to accept its new key at the next connection");
  on_parse(trust, chosen, forget,
           [](Connector& c, const std::string& f) { return trust_command(c, f); });
}

constexpr const char* kChatHelp =
    "Every line you type goes to everyone in the room; messages appear as `[HH:MM] NAME: "
    "text` (local time), with joins and leaves. /msg NAME TEXT sends to NAME only, /who lists "
    "the room, /help the commands, /quit or Ctrl-D leaves; a line starting with // sends that "
    "line without its first /. Chat uses a connection of its own. When stdin or stdout is not "
    "a terminal, lines are read from stdin and the room's lines are written to stdout (errors "
    "to stderr), and the end of stdin leaves once the server has accepted every line. Exit "
    "status 0, 1 when not logged in or removed from the room for reading too slowly, 2 when "
    "the connection fails, 130 after Ctrl-C in a pipe";

void add_df(CLI::App& app, CommandAction& chosen) {
  on_parse(app.add_subcommand("df", "Show the space you use, your quota and what is free"), chosen,
           std::make_shared<int>(),
           [](Connector& connector, int) { return df_command(connector); });
}

void add_chat(CLI::App& app, CommandAction& chosen) {
  auto* chat = app.add_subcommand("chat", "Join the group chat with everyone logged in");
  chat->footer(kChatHelp);
  on_parse(chat, chosen, std::make_shared<int>(),
           [](Connector& connector, int) { return chat_command(connector); });
}

void add_share_commands(CLI::App& app, CommandAction& chosen) {
  auto options = std::make_shared<ShareOptions>();
  auto* share = app.add_subcommand("share", "Make a link to a remote file or folder for anyone");
  share->add_option("PATH", options->path, "Remote file or folder")->required();
  share->add_option("--expires", options->expires, "End the link after this long (7d, 12h, 30m)");
  share->add_flag("--password", options->password,
                  "Ask for a password the link will need ($NETDISK_SHARE_PASSWORD if set)");
  share->add_option("--max-downloads", options->max_downloads, "End the link after N downloads")
      ->check(CLI::PositiveNumber);
  share->add_flag("--upload-only", options->upload_only,
                  "A drop box: anyone may add files to the folder, and sees none of them");
  on_parse(share, chosen, options, share_command);
  on_parse(app.add_subcommand("shares", "List your share links with their use counts"), chosen,
           options, [](Connector& c, const ShareOptions&) { return shares_command(c); });
  auto target = std::make_shared<std::string>();
  auto* unshare = app.add_subcommand("unshare", "Revoke a share link");
  unshare->add_option("TOKEN|PATH", *target, "The link's URL, token or ID, or the path it shares")
      ->required();
  on_parse(unshare, chosen, target,
           [](Connector& c, const std::string& t) { return unshare_command(c, t); });
}

// Every command, in the order `--help` lists them.
constexpr CommandRow kCommands[] = {
    {"account", add_account_commands},  // register, login, logout, passwd, whoami, ping
    {"ls", add_ls},
    {"put", add_put},
    {"get", add_get},
    {"rm", add_rm},
    {"mv", add_mv},
    {"mkdir", add_mkdir},
    {"df", add_df},
    {"trash", add_trash},
    {"versions", add_versions},  // versions, restore
    {"share", add_share_commands},  // share, shares, unshare
    {"discover", add_discover},
    {"trust", add_trust},
    {"chat", add_chat},
    {kCompleteRemoteCommand, add_complete_remote},  // hidden, for the bash completion
};

}  // namespace

void add_commands(CLI::App& app, CommandAction& chosen) {
  for (const auto& row : kCommands) row.add(app, chosen);
}

std::vector<std::string> command_names() {
  CLI::App scratch;
  CommandAction unused;
  add_commands(scratch, unused);
  std::vector<std::string> names;
  for (const auto* command : scratch.get_subcommands({})) {
    if (!command->get_group().empty()) names.push_back(command->get_name());  // skip hidden ones
  }
  return names;
}

int run_command(const CommandAction& action, Connector& connector) {
  try {
    return action(connector);
  } catch (const ServerError& error) {
    std::cerr << "netdisk: " << error.what() << " (" << error.code() << ")\n";
    return 1;
  } catch (const std::invalid_argument& error) {
    std::cerr << "netdisk: " << error.what() << "\n";
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "netdisk: " << error.what() << "\n";
    connector.drop();
    return 2;
  }
}

}  // namespace netdisk::client
