// The cluster backend's tables in PostgreSQL (schema `netdisk`), created at start-up through
// ensure_schema (cluster/pg/pg.h) so three nodes starting at once create them once. The
// layout is described in docs/ARCHITECTURE.md, "Cluster storage". Blocking: run at start-up.
#pragma once

#include <string_view>

namespace netdisk::cluster {

// The advisory-lock name and the SQL of the store's tables (CREATE ... IF NOT EXISTS).
inline constexpr std::string_view kStoreSchemaName = "netdisk-store";
std::string_view store_schema_sql();

}  // namespace netdisk::cluster
