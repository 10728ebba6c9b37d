// What libpq says about a failure, as a PgError (cluster/pg/pg.h): shared by the blocking
// layer (pg.cc) and the non-blocking one (async_pg.cc). Internal to netdisk_cluster_pg.
#pragma once

#include <string>

#include "cluster/pg/pg.h"

namespace netdisk::cluster::pg {

// libpq's message without its trailing line end and spaces ("" for null).
std::string trimmed(const char* text);
// The SQLSTATE and message of `result` when there is one, else the connection's message.
PgError error_of(pg_conn* conn, pg_result* result);

}  // namespace netdisk::cluster::pg
