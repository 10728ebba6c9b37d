#!/usr/bin/env bash
# Installs the Debian 12 packages NetDisk needs, and only those that are missing.
# Idempotent: when everything is present it runs no apt-get at all.
# Usage: scripts/deps.sh [server|build|browser|bench|fuzz|cluster]...
#   server: what netdiskd and netdisk need to build (always included);
#   build: that and what the test suite needs (the default when no set is named).
set -euo pipefail

# What the server and the client need to build: all scripts/serve.sh installs on a first start.
server_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libssl-dev libsodium-dev
  libxlsxwriter-dev libminizip-dev libexpat1-dev
  libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libxxhash-dev libedit-dev libsystemd-dev
  libpq-dev librados-dev libhiredis-dev
  openssl
)
# The test suite's: its libraries and the real peers and tools the end-to-end tests run.
build_packages=(
  "${server_packages[@]}"
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 procps curl wget
  mount e2fsprogs strace util-linux
  rclone python3-openpyxl python3-prometheus-client libreoffice-calc-nogui
  litmus cadaver davfs2
  gvfs-backends gvfs-daemons libglib2.0-bin dbus
  dpkg-dev lintian file adduser man-db bash-completion systemd
)
browser_packages=(chromium)
# Node.js and npm come from Debian only when the machine has none: a Node.js from elsewhere
# (NodeSource's bundles npm) conflicts with Debian's npm package.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  browser_packages+=(nodejs npm)
fi
bench_packages=(iperf3 nginx-light vsftpd wrk redis-server gnuplot-nox linux-perf apache2 apache2-utils
  openssh-server openssh-client)
fuzz_packages=(clang libclang-rt-14-dev llvm)
# Cluster mode's shared systems (scripts/cluster.sh, tests/cluster/): started by the tests in
# temporary folders, never as system services.
cluster_packages=(postgresql redis-server haproxy ceph-mon ceph-osd ceph-mgr ceph-common)

wanted=("${server_packages[@]}")
(($# > 0)) || set -- build
for extra in "$@"; do
  case "$extra" in
    server) ;;
    build) wanted+=("${build_packages[@]}") ;;
    browser) wanted+=("${browser_packages[@]}") ;;
    bench) wanted+=("${bench_packages[@]}") ;;
    fuzz) wanted+=("${fuzz_packages[@]}") ;;
    cluster) wanted+=("${cluster_packages[@]}") ;;
    *) echo "deps.sh: unknown package set '$extra'" >&2; exit 2 ;;
  esac
done

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "deps.sh: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
