#!/usr/bin/env bash
# Regenerates tests/fuzz/seeds/fuzz_model_file from a tiny invented ratings file: one small model
# of every algorithm, saved by the native CLI, and compact models of the factor models. Each seed is the payload behind a 0x01 byte (the
# harness wraps it in a valid header and checksum), plus one whole file behind a 0x00 byte.
# Usage: tests/fuzz/make_model_seeds.sh [path/to/cofi]   (default build/native/cofi)
set -euo pipefail
cd "$(dirname "$0")/../.."
cli=${1:-build/native/cofi}
out=tests/fuzz/seeds/fuzz_model_file
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'user,item,rating\nann,m1,4\nann,m2,2\nbob,m1,5\nbob,m3,3\ncyd,m2,1\ncyd,m3,4\ncyd,m4,5\ndee,m4,2\ndee,m1,3\n' >"$tmp/r.csv"
mkdir -p "$out"
for algo in $("$cli" algorithms); do
  case $algo in
    svd | svdpp | nmf | als | ials | bpr) set_args=(--set factors=2 --set epochs=2) ;;
    bpmf) set_args=(--set factors=2 --set burnin=1 --set samples=2) ;;
    co-clustering) set_args=(--set epochs=2) ;;
    blend) set_args=(--set 'members=baseline|global-mean') ;;
    *) set_args=() ;;
  esac
  "$cli" fit --ratings "$tmp/r.csv" --algo "$algo" "${set_args[@]}" --save "$tmp/$algo.cofi" >/dev/null
  # The payload sits between the 20-byte header (magic, version, length) and the 8-byte checksum.
  size=$(stat -c %s "$tmp/$algo.cofi")
  { printf '\001'; tail -c +21 "$tmp/$algo.cofi" | head -c $((size - 28)); } >"$out/payload-$algo"
done
# Compact models (items only, encoded factors) of the factor models, one per encoding.
for pair in svd:int8 als:float16 ials:float32; do
  algo=${pair%%:*} encoding=${pair##*:}
  "$cli" compact --model "$tmp/$algo.cofi" --encoding "$encoding" --save "$tmp/compact-$algo.cofi" >/dev/null
  size=$(stat -c %s "$tmp/compact-$algo.cofi")
  { printf '\001'; tail -c +21 "$tmp/compact-$algo.cofi" | head -c $((size - 28)); } >"$out/payload-compact-$algo-$encoding"
done
{ printf '\000'; cat "$tmp/svd.cofi"; } >"$out/file-svd"
printf '\000COFIMODL' >"$out/magic-only"
