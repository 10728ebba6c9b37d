# All third-party libraries, found once. scripts/deps.sh installs the Debian packages.
find_package(Threads REQUIRED)
find_package(Boost 1.81 EXACT REQUIRED)            # headers only: Asio, Beast
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
# The test suite's and the benchmarks' own: a server-only build (scripts/serve.sh's first
# start, NETDISK_BUILD_TESTS=OFF) needs neither installed.
if(NETDISK_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
find_package(benchmark QUIET)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
pkg_check_modules(MINIZIP REQUIRED IMPORTED_TARGET minizip)
pkg_check_modules(EXPAT REQUIRED IMPORTED_TARGET expat)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(LIBEDIT REQUIRED IMPORTED_TARGET libedit)
# sd_notify for systemd's Type=notify (src/server/service/service_notify.h).
pkg_check_modules(LIBSYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# Cluster mode (src/cluster/, docs/SCALING.md): PostgreSQL, Redis and Ceph RADOS clients.
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
find_library(RADOS_LIBRARY rados REQUIRED)
find_path(RADOS_INCLUDE_DIR rados/librados.h REQUIRED)
add_library(netdisk_rados INTERFACE)
target_link_libraries(netdisk_rados INTERFACE ${RADOS_LIBRARY})
target_include_directories(netdisk_rados SYSTEM INTERFACE ${RADOS_INCLUDE_DIR})

# Boost.Asio settings shared by every target that includes it.
add_library(netdisk_asio INTERFACE)
target_link_libraries(netdisk_asio INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(netdisk_asio INTERFACE
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_DISABLE_BOOST_COROUTINE
  BOOST_BEAST_USE_STD_STRING_VIEW)
