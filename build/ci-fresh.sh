#!/usr/bin/env bash
# Runs CI as CI runs it, N times in a row: each time a fresh clone of this repository's HEAD into a temporary
# folder, then `CI=true bash .ci/run` with no standard input. With --busy, a CPU hog at nice 0 keeps the other core
# busy during the run (the flake hunt of issue 14). Prints one line per run and exits non-zero if any failed.
#   bash build/ci-fresh.sh [N] [--busy]        logs: /tmp/gwb-ci-fresh/<run>/log
set -u
n=${1:-1}; busy=${2:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
root=/tmp/gwb-ci-fresh; mkdir -p "$root"
failed=0
for i in $(seq 1 "$n"); do
  d="$root/$(date +%Y%m%d-%H%M%S)-$i"; mkdir -p "$d"
  git clone -q "$repo" "$d/p" || exit 1
  hog=
  if [ "$busy" = --busy ]; then ( while :; do :; done ) & hog=$!; fi
  start=$(date +%s)
  (cd "$d/p" && CI=true bash .ci/run < /dev/null > "$d/log" 2>&1); rc=$?
  [ -n "$hog" ] && kill "$hog"
  echo "run $i: exit $rc in $(( $(date +%s) - start )) s ${busy} ($(git -C "$d/p" log --oneline -1 | cut -c1-60)); log $d/log"
  [ "$rc" -eq 0 ] || failed=1
  [ "$rc" -eq 0 ] && rm -rf "$d/p"
done
exit $failed
