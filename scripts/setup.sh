#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Prepare a Debian 12 machine for onvm and build it:
#   1. install the Debian packages we build and test with (only missing ones);
#   2. reserve 2 MiB hugepages (at least $ONVM_HUGEPAGES, default 1024) and
#      mount hugetlbfs on /dev/hugepages;
#   3. meson setup + ninja into $ONVM_BUILD_DIR (default <repo>/build).
#
# Idempotent and never prompts; prints one line per thing it changed.
# Usage: scripts/setup.sh [--no-build]

set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(libdpdk-dev dpdk meson ninja-build pkg-config gcc libnuma-dev
	libhugetlbfs-dev libhugetlbfs-bin libcmocka-dev libpcap-dev
	python3-scapy tshark clang libfuzzer-14-dev libclang-rt-14-dev
	libyaml-dev)
HUGEPAGES=${ONVM_HUGEPAGES:-1024}
BUILD=${ONVM_BUILD_DIR:-$ONVM_ROOT/build}
NR_HUGE=/sys/kernel/mm/hugepages/hugepages-2048kB

say() {
	echo "setup: $*"
}

die() {
	echo "setup: $*" >&2
	exit 1
}

do_build=1
for arg in "$@"; do
	case $arg in
	--no-build) do_build=0 ;;
	-h | --help)
		sed -n '5,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$arg' (usage: setup.sh [--no-build])" ;;
	esac
done
case $HUGEPAGES in
'' | *[!0-9]*) die "ONVM_HUGEPAGES must be a number, not '$HUGEPAGES'" ;;
esac

install_packages() {
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q '^install ok installed$'; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root to install them"
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark's dumpcap question: no setuid helper, and no prompt.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	local log
	log=$(mktemp)
	if ! apt-get update >"$log" 2>&1 ||
		! apt-get install -y --no-install-recommends "${missing[@]}" \
			</dev/null >>"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -f "$log"
		die "apt-get failed (output above)"
	fi
	rm -f "$log"
}

setup_hugepages() {
	local total free want=$HUGEPAGES
	[ -d "$NR_HUGE" ] || die "this kernel has no 2 MiB hugepages ($NR_HUGE missing)"
	total=$(cat "$NR_HUGE/nr_hugepages")
	if [ "$total" -lt "$want" ]; then
		[ "$(id -u)" -eq 0 ] || die "only $total hugepages reserved; run as root to reserve $want"
		# Only ever raise: other users of hugepages keep theirs.
		echo "$want" >"$NR_HUGE/nr_hugepages" 2>/dev/null || true
		local now
		now=$(cat "$NR_HUGE/nr_hugepages")
		if [ "$now" -lt "$want" ]; then
			say "WARNING: asked for $want x 2 MiB hugepages, the kernel gave $now (memory fragmented or too small?)"
		else
			say "reserved $now x 2 MiB hugepages (was $total)"
		fi
	fi
	if ! awk -v m="$ONVM_HUGE_MNT" '$2 == m && $3 == "hugetlbfs" { f = 1 } END { exit !f }' /proc/mounts; then
		[ "$(id -u)" -eq 0 ] || die "no hugetlbfs on $ONVM_HUGE_MNT; run as root to mount it"
		mkdir -p "$ONVM_HUGE_MNT"
		mount -t hugetlbfs -o pagesize=2M nodev "$ONVM_HUGE_MNT" ||
			die "cannot mount hugetlbfs on $ONVM_HUGE_MNT"
		say "mounted hugetlbfs on $ONVM_HUGE_MNT"
	fi
	total=$(cat "$NR_HUGE/nr_hugepages")
	free=$(cat "$NR_HUGE/free_hugepages")
	[ "$total" -ge "$want" ] && say "hugepages ok ($total reserved, $free free)"
	return 0
}

build() {
	local log rc=0
	log=$(mktemp)
	if [ -f "$BUILD/build.ninja" ]; then
		ninja -C "$BUILD" >"$log" 2>&1 || rc=$?
		if [ $rc -ne 0 ] && grep -q "meson setup --reconfigure\|regenerat" "$log"; then
			# A build dir from another meson version or a broken regen.
			rc=0
			{ meson setup --reconfigure "$BUILD" "$ONVM_ROOT" &&
				ninja -C "$BUILD"; } >"$log" 2>&1 || rc=$?
		fi
	else
		{ meson setup "$BUILD" "$ONVM_ROOT" && ninja -C "$BUILD"; } \
			>"$log" 2>&1 || rc=$?
	fi
	if [ $rc -ne 0 ]; then
		tail -n 60 "$log" >&2
		rm -f "$log"
		die "build in $BUILD failed (output above)"
	fi
	rm -f "$log"
}

install_packages
setup_hugepages
[ $do_build -eq 1 ] && build
exit 0
