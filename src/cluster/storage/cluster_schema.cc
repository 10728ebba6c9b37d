// The store's tables (cluster_schema.h). Paths are client paths in byte order (COLLATE "C",
// so ORDER BY name is the interface's byte order); "" (the space itself) has no row. Every
// row is keyed by the user's key first: no statement reaches a row without naming the user.
#include "cluster/storage/cluster_schema.h"

namespace netdisk::cluster {

std::string_view store_schema_sql() {
  return R"SQL(
SET LOCAL client_min_messages = warning;  -- no "already exists, skipping" on every start
CREATE SCHEMA IF NOT EXISTS netdisk;
CREATE SEQUENCE IF NOT EXISTS netdisk.store_ids;
-- One immutable content: a list of chunk objects. Shared by copies, versions and the trash;
-- orphaned_ns is set when nothing refers to it any more, and the chunks go after a grace.
CREATE TABLE IF NOT EXISTS netdisk.contents (
  id bigint PRIMARY KEY,
  username text COLLATE "C" NOT NULL,
  size bigint NOT NULL DEFAULT 0,
  checksum text,
  orphaned_ns bigint
);
CREATE INDEX IF NOT EXISTS contents_orphaned ON netdisk.contents (orphaned_ns)
  WHERE orphaned_ns IS NOT NULL;
CREATE TABLE IF NOT EXISTS netdisk.chunks (
  content_id bigint NOT NULL REFERENCES netdisk.contents (id) ON DELETE CASCADE,
  idx integer NOT NULL,
  oid text COLLATE "C" NOT NULL,
  length bigint NOT NULL,
  PRIMARY KEY (content_id, idx)
);
-- Chunk objects about to be written and not recorded yet (cluster_chunk_intents.h).
CREATE TABLE IF NOT EXISTS netdisk.chunk_intents (
  ns text COLLATE "C" NOT NULL,
  oid text COLLATE "C" NOT NULL,
  created_ns bigint NOT NULL,
  PRIMARY KEY (ns, oid)
);
CREATE INDEX IF NOT EXISTS chunk_intents_by_time ON netdisk.chunk_intents (created_ns);
-- Files and folders. A trashed tree lives on under '.netdisk-trash/<id>', a name no client
-- path can hold (safe_path.h), so it is never listed nor reached.
CREATE TABLE IF NOT EXISTS netdisk.entries (
  username text COLLATE "C" NOT NULL,
  path text COLLATE "C" NOT NULL,
  parent text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  is_dir boolean NOT NULL,
  size bigint NOT NULL DEFAULT 0,
  mtime_ns bigint NOT NULL,
  version text COLLATE "C" NOT NULL DEFAULT '',
  content_id bigint REFERENCES netdisk.contents (id),
  checksum text,
  properties text NOT NULL DEFAULT '',
  PRIMARY KEY (username, path)
);
CREATE INDEX IF NOT EXISTS entries_by_parent ON netdisk.entries (username, parent, name);
CREATE INDEX IF NOT EXISTS entries_by_content ON netdisk.entries (content_id);
-- Upload sessions: any node resumes one another node began (same user, key).
CREATE TABLE IF NOT EXISTS netdisk.uploads (
  id bigint PRIMARY KEY,
  username text COLLATE "C" NOT NULL,
  upload_key text COLLATE "C" NOT NULL,
  path text COLLATE "C" NOT NULL,
  size bigint NOT NULL,
  checksum text,
  content_id bigint NOT NULL REFERENCES netdisk.contents (id),
  recorded bigint NOT NULL DEFAULT 0,
  chunk_count integer NOT NULL DEFAULT 0,
  holder text,
  lease_until_ns bigint NOT NULL DEFAULT 0,
  touched_ns bigint NOT NULL,
  UNIQUE (username, path, upload_key)
);
CREATE INDEX IF NOT EXISTS uploads_by_content ON netdisk.uploads (content_id);
-- Kept versions of replaced files, by path.
CREATE TABLE IF NOT EXISTS netdisk.versions (
  username text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  path text COLLATE "C" NOT NULL,
  time_ns bigint NOT NULL,
  content_id bigint NOT NULL REFERENCES netdisk.contents (id),
  size bigint NOT NULL,
  checksum text NOT NULL,
  PRIMARY KEY (username, path, id)
);
CREATE INDEX IF NOT EXISTS versions_by_path ON netdisk.versions (username, path, time_ns);
CREATE INDEX IF NOT EXISTS versions_by_content ON netdisk.versions (content_id);
CREATE TABLE IF NOT EXISTS netdisk.trash (
  username text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  original_path text COLLATE "C" NOT NULL,
  is_dir boolean NOT NULL,
  size bigint NOT NULL,
  removed_ns bigint NOT NULL,
  PRIMARY KEY (username, id)
);
-- Deleted users whose rows wait out the retention under the key 'deleted/<kept_as>'.
CREATE TABLE IF NOT EXISTS netdisk.deleted_users (
  kept_as text COLLATE "C" PRIMARY KEY,
  username text COLLATE "C" NOT NULL,
  deleted_ns bigint NOT NULL
);
)SQL";
}

}  // namespace netdisk::cluster
