#!/bin/bash
# Profiles one client of `cargo xtask bench peers` (BENCHMARKS.md, "Against
# the floor"): COUNT generations against the emulator (1-3 s predictions,
# 100 in flight), under WRAPPER.
#
# usage: xtask/bench/profile.sh WRAPPER CLIENT MODE [COUNT]
#   WRAPPER  a command prefix, e.g. "strace -c -f -o calls.txt" or
#            "perf record -F 4000 -o perf.data" ("" for none)
#   CLIENT   imagegen | floor (the floor with fsync)
#   MODE     sync (WaveSpeed sync mode) | openai (aimlapi's endpoint)
#   COUNT    generations, 1000 by default
#   OUTBASE  (environment) where the outputs go, a temporary directory by
#            default (/dev/shm takes the file system out of the picture)
#
# Build first: cargo build --release -p imagegen-cli -p imagegen-sim -p imagegen-floor
set -euo pipefail
cd "$(dirname "$0")/../.."
WRAP=$1 CLIENT=$2 MODE=$3 COUNT=${4:-1000}
R=target/release
BANNER=$(mktemp)
$R/imagegen-sim --port 0 --completion-ms 1000-3000 > "$BANNER" 2>/dev/null &
SIM=$!
OUT=$(mktemp -d "${OUTBASE:-${TMPDIR:-/tmp}}/profile.XXXX")
trap 'kill $SIM; rm -rf "$OUT" "$OUT.prompts" "$OUT.log" "$BANNER"' EXIT
for _ in $(seq 100); do grep -q "API on" "$BANNER" && break; sleep 0.1; done
API=$(head -1 "$BANNER" | sed 's/.*API on http:\/\///; s/,.*//')
for i in $(seq 0 $((COUNT - 1))); do echo "profile $i a fox in the snow"; done > "$OUT.prompts"
IMAGE=https://example.com/photo.png
export WAVESPEED_API_KEY=sim-key AIMLAPI_API_KEY=sim-key
case $CLIENT-$MODE in
imagegen-sync) CMD=("$R/imagegen" batch wavespeed/openai/gpt-image-1 --prompts "$OUT.prompts" --out "$OUT"
  --base-url "http://$API/wavespeed" --size '1024*1024' --concurrency 100 --image $IMAGE
  --enable-sync-mode true --connections 100) ;;
imagegen-openai) CMD=("$R/imagegen" batch aimlapi/openai/gpt-image-1 --prompts "$OUT.prompts" --out "$OUT"
  --base-url "http://$API/aimlapi" --size 1024x1024 --concurrency 100 --connections 100) ;;
floor-sync) CMD=("$R/imagegen-floor" sync "http://$API/wavespeed" sim-key openai/gpt-image-1
  "{\"size\":\"1024*1024\",\"image\":\"$IMAGE\"}" "$COUNT" 100 "$OUT" profile --fsync) ;;
floor-openai) CMD=("$R/imagegen-floor" openai "http://$API/aimlapi" sim-key openai/gpt-image-1
  '{"size":"1024x1024"}' "$COUNT" 100 "$OUT" profile --fsync) ;;
*) echo "usage: $0 WRAPPER imagegen|floor sync|openai [COUNT]" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086 # the wrapper is a command prefix, split on purpose
/usr/bin/time -f "wall %e s, user %U s, system %S s, peak RSS %M KiB" $WRAP "${CMD[@]}" > "$OUT.log" 2>&1 \
  || { echo "the client failed:" >&2; tail -5 "$OUT.log" >&2; exit 1; }
tail -1 "$OUT.log"
