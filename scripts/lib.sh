# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 onvm authors
#
# Helpers shared by scripts/*.sh. Source it; it defines functions and
# ONVM_ROOT (the repository root) and changes no shell options.

# shellcheck shell=bash

# shellcheck disable=SC2034 # used by the scripts that source this
ONVM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ONVM_HUGE_MNT=/dev/hugepages

# Seconds since the epoch with a fraction, for durations.
onvm_now() {
	echo "$EPOCHREALTIME"
}

# Elapsed seconds since $1 (from onvm_now), one decimal.
onvm_elapsed() {
	awk -v a="$1" -v b="$(onvm_now)" 'BEGIN { printf "%.1f", b - a }'
}

# The DPDK runtime directory of prefix $1 (root uses /var/run/dpdk).
onvm_runtime_dir() {
	if [ "$(id -u)" -ne 0 ] && [ -n "${XDG_RUNTIME_DIR:-}" ]; then
		echo "$XDG_RUNTIME_DIR/dpdk/$1"
	else
		echo "/var/run/dpdk/$1"
	fi
}

# Does any live process map a file of prefix $1 (hugepage or runtime file)?
onvm_prefix_in_use() {
	local prefix=$1 rundir maps
	rundir=$(onvm_runtime_dir "$prefix")
	for maps in /proc/[0-9]*/maps; do
		if grep -qsF -e "$ONVM_HUGE_MNT/${prefix}map_" -e "$rundir/" "$maps" 2>/dev/null; then
			return 0
		fi
	done
	return 1
}

# Hugepage files and runtime dirs whose prefix starts with $1, one a line.
onvm_prefix_files() {
	local f
	for f in "$ONVM_HUGE_MNT/$1"* "$(dirname "$(onvm_runtime_dir x)")/$1"*; do
		[ -e "$f" ] && echo "$f"
	done
	return 0
}

# Remove the hugepage files and runtime dir of exactly prefix $1.
onvm_remove_prefix() {
	local prefix=$1 rundir
	rundir=$(onvm_runtime_dir "$prefix")
	rm -f "$ONVM_HUGE_MNT/${prefix}map_"*
	rm -rf "$rundir"
}

# Wait up to $1 seconds for the PIDs that follow to exit (they must be
# children of this shell). Returns 0 if all are gone.
onvm_wait_pids() {
	local deadline pid alive
	deadline=$((EPOCHSECONDS + $1))
	shift
	while :; do
		alive=0
		for pid in "$@"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ "$alive" -eq 0 ] && return 0
		[ "$EPOCHSECONDS" -ge "$deadline" ] && return 1
		sleep 0.1 || true	# a Ctrl-C may kill it
	done
}

# Stop the PIDs given (our own): TERM, then KILL after 5 s; reap them.
onvm_stop_pids() {
	local pid
	for pid in "$@"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	if ! onvm_wait_pids 5 "$@"; then
		for pid in "$@"; do
			kill -KILL "$pid" 2>/dev/null || true
		done
	fi
	for pid in "$@"; do
		wait "$pid" 2>/dev/null || true
	done
}
