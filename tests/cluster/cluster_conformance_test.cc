// The storage interface's conformance suites (tests/storage/user_space_conformance_test.cc and
// user_space_retention_conformance_test.cc) run on the cluster backend: a scratch PostgreSQL
// and a DirChunkStore, with 5-byte chunks so every multi-byte file spans several objects.
#define NETDISK_STORAGE_TEST_BACKENDS_DEFINED 1
#include "tests/cluster/cluster_store_fixture.h"
#include "tests/storage/user_space_test_util.h"

namespace netdisk::storage::testing {
using Backends = ::testing::Types<cluster_test::ClusterFixtureBackend>;
}  // namespace netdisk::storage::testing

#include "tests/storage/user_space_conformance_test.cc"
#include "tests/storage/user_space_retention_conformance_test.cc"
