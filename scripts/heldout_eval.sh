#!/usr/bin/env bash
# End-to-end attribution scores on the PolNeAR training articles that the speaker model did not
# fit (listed by `train speaker` in held-out-articles.txt): text no one tuned to.
# Usage: scripts/heldout_eval.sh BIN MODEL_DIR [extra run flags]
set -euo pipefail
BIN=$1; MODEL=$2; shift 2
SHARED=${SHARED:-../shared}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/articles"
while read -r id; do cp "$SHARED/polnear-train/articles/$id.txt" "$TMP/articles/"; done < "$MODEL/held-out-articles.txt"
python3 -c "
import csv,sys
keep=set(open('$MODEL/held-out-articles.txt').read().split())
r=csv.reader(open('$SHARED/polnear-train/gold.csv')); w=csv.writer(open('$TMP/gold.csv','w',newline=''))
w.writerow(next(r)); [w.writerow(x) for x in r if x[0] in keep]"
"$BIN" run "$TMP/articles" --all-quotes --no-tone --quiet -o "$TMP/quotes.csv" "$@"
"$BIN" eval --gold "$TMP/gold.csv" --pred "$TMP/quotes.csv" --unnamed-sources | grep '^unnamed'
python3 "$SHARED/tools/score_quotes.py" --gold "$TMP/gold.csv" --pred "$TMP/quotes.csv" | tail -1
