// Where the share links and the registration policy are kept (issue #22): on one server, the
// files <data>/shares.txt and <data>/registration.json; in cluster mode (--storage cluster),
// PostgreSQL (cluster/shares/), so every node sees the same links, mode and invitations.
// Called once each by Services' constructor (main thread, start-up); they block on the
// network then.
#pragma once

#include <memory>

#include "server/accounts/registration_policy.h"
#include "server/server_config.h"
#include "server/shares/share_book.h"
#include "storage/data_layout.h"

namespace netdisk::server {

// Throw std::runtime_error with a message for the administrator when the store cannot be
// opened (a damaged file, an unreachable database).
std::unique_ptr<ShareBook> make_share_book(const ServerConfig& config,
                                           const storage::DataLayout& layout);
std::unique_ptr<RegistrationPolicy> make_registration_policy(const ServerConfig& config,
                                                             const storage::DataLayout& layout);

}  // namespace netdisk::server
