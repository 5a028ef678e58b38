#!/usr/bin/env bash
# Backs up, or restores, a stopped node's ParityDB database: the chain's blocks and state, from
# which the node restarts where it stopped instead of syncing from genesis (docs/operators.md,
# "Backups").
#
#   scripts/node-backup.sh backup  BASE_PATH ARCHIVE.tar.gz [CHAIN_ID]
#   scripts/node-backup.sh restore BASE_PATH ARCHIVE.tar.gz [CHAIN_ID]
#
# BASE_PATH is the node's --base-path; CHAIN_ID the chain spec's `id` (the folder under
# BASE_PATH/chains/), needed only when the base path holds more than one chain.
#
# The node must be stopped: ParityDB holds an exclusive lock on its `lock` file while the node
# runs, and a copy taken then may be torn. The script takes that lock itself, and refuses with
# exit status 2 if it cannot. The database holds no secret; the keystore and the network key
# (BASE_PATH/chains/<id>/keystore and network/) are not in the archive: back them up apart,
# encrypted, or generate new ones. A restore unpacks the archive beside the database before it
# touches it, and keeps the replaced database as paritydb.replaced-<time> until you delete it.
set -euo pipefail

usage() {
	echo "usage: scripts/node-backup.sh backup|restore BASE_PATH ARCHIVE.tar.gz [CHAIN_ID]" >&2
	exit 1
}
[ $# -ge 3 ] || usage
action=$1
base=$2
archive=$3
chain=${4:-}

if [ -z "$chain" ]; then
	shopt -s nullglob
	chains=("$base"/chains/*/)
	[ ${#chains[@]} -eq 1 ] || {
		echo "give the CHAIN_ID: $base/chains/ holds ${#chains[@]} chains" >&2
		exit 1
	}
	chain=$(basename "${chains[0]}")
fi
dir="$base/chains/$chain"
db="$dir/paritydb"

# Runs the rest of the command with the database's lock held, or exits 2 if the node holds it.
locked() {
	exec 9>>"$db/full/lock"
	flock -n 9 || {
		echo "the node using $db is running: stop it first" >&2
		exit 2
	}
}

case $action in
backup)
	[ -d "$db/full" ] || {
		echo "no ParityDB database at $db/full" >&2
		exit 1
	}
	locked
	tar -C "$dir" -czf "$archive.partial" paritydb
	mv "$archive.partial" "$archive"
	echo "backed up $db: $(du -h "$archive" | cut -f1), sha256 $(sha256sum "$archive" | cut -d' ' -f1)"
	;;
restore)
	[ -f "$archive" ] || {
		echo "no archive $archive" >&2
		exit 1
	}
	# (grep reads the whole listing: with -q it would stop early and fail tar with SIGPIPE)
	tar -tzf "$archive" | grep '^paritydb/full/' >/dev/null || {
		echo "$archive holds no paritydb/full/" >&2
		exit 1
	}
	mkdir -p "$dir"
	if [ -e "$db" ]; then
		mkdir -p "$db/full"
		locked
	fi
	# Unpack beside the database first: a failed unpack (a full disk) leaves it untouched.
	staging=$(mktemp -d "$dir/restore.XXXXXX")
	trap 'rm -rf "$staging"' EXIT
	tar -C "$staging" -xzf "$archive"
	if [ -e "$db" ]; then
		replaced="$dir/paritydb.replaced-$(date -u +%Y%m%dT%H%M%SZ)"
		mv -T "$db" "$replaced"
		echo "the database it replaces is kept in $replaced"
	fi
	mv -T "$staging/paritydb" "$db"
	echo "restored $db from $archive"
	;;
*) usage ;;
esac
