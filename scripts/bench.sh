#!/usr/bin/env bash
# Benchmarks of quotestance (not tests): text stages with 1 and 2 threads over >= 5,000 articles,
# then tone throughput and end-to-end runs with tone where the model is assembled.
# Usage: scripts/bench.sh [BIN]   (run by `make bench`)
set -euo pipefail
BIN=${1:-target/release/quotestance}
ARTICLES=${ARTICLES:-../shared/polnear-dev/articles}
REPEAT=${REPEAT:-60}
NYT=${NYT:-.cache/vader/nytEditorialSnippets_GroundTruth.txt}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

if [ ! -d "$ARTICLES" ]; then
  echo "bench: $ARTICLES not found (set ARTICLES=folder of .txt articles)" >&2
  exit 1
fi
# Real copies: `run` reads each file once, so naming one folder many times would read it once.
inputs=()
for i in $(seq "$REPEAT"); do
  mkdir -p "$out/copies/$i" && cp "$ARTICLES"/*.txt "$out/copies/$i/"
  inputs+=("$out/copies/$i")
done
n=$(ls "$ARTICLES"/*.txt | wc -l)
echo "== text stages (--no-tone): $n articles x $REPEAT = $((n * REPEAT)) articles, $(nproc) cores"
for threads in 1 2; do
  for run in 1 2 3; do
    "$BIN" run "${inputs[@]}" --all-quotes --no-tone --threads "$threads" -o "$out/q$threads.csv" 2>&1 >/dev/null \
      | sed -n "1s/^quotestance:/threads=$threads run $run:/p"
  done
done
cmp -s "$out/q1.csv" "$out/q2.csv" && echo "output identical with 1 and 2 threads"
echo "== the same, rules alone (--rules-only: no syntax stage, no ranker), 2 threads"
"$BIN" run "${inputs[@]}" --all-quotes --no-tone --rules-only --threads 2 -o "$out/r2.csv" 2>&1 >/dev/null \
  | sed -n "1s/^quotestance:/rules-only:/p"

SYNTAX_GOLD=${SYNTAX_GOLD:-../shared/polnear-dev/parses.conllu.gz}
if [ -f models/syntax/tagger.bin.gz ] && [ -f "$SYNTAX_GOLD" ]; then
  echo "== syntax stage on the gold tokens of $SYNTAX_GOLD, one thread (load time, tokens/s of each model)"
  start=$(date +%s.%N)
  "$BIN" eval syntax "$SYNTAX_GOLD" --models models/syntax | tail -3
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "whole command (reading the gold file, loading, scoring): %.2f s\n", b - a }'
fi

if [ -d models/tone ]; then
  if [ -f "$NYT" ]; then
    echo "== tone model on the NYT editorial sentences, 2 threads"
    cut -f1,3 "$NYT" | tr -d '\r' > "$out/nyt.tsv"
    s=$(wc -l < "$out/nyt.tsv")
    start=$(date +%s.%N)
    "$BIN" tone "$out/nyt.tsv" --threads 2 -o "$out/tone.csv"
    end=$(date +%s.%N)
    awk -v s="$s" -v a="$start" -v b="$end" 'BEGIN { printf "%d sentences in %.2f s: %.0f sentences/s (process start and model load included)\n", s, b - a, s / (b - a) }'
  fi
  echo "== end to end with tone: $ARTICLES ($n articles), 2 threads"
  "$BIN" run "$ARTICLES" --all-quotes --threads 2 -o "$out/tone-run.csv" 2>&1 >/dev/null | sed -n 1p
else
  echo "== tone: models/tone not assembled (make models); skipped"
fi
