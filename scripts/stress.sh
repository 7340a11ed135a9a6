#!/usr/bin/env bash
# The cost cases of issue 8 (hostile inputs), each run under a memory limit (ulimit -v), with
# the time and peak resident memory of each printed. Not a test: `make stress`.
#
#   scripts/stress.sh [BIN]      (default: target/release/quotestance)
#
# Cases: one sentence with 20,000 and 50,000 quotes ("x," he said and ...); a 20 MB article
# (the seed articles repeated, read with --max-article-bytes raised past it) and the same article
# under the default cap (skipped); a gzip file holding one 2 GiB line before a good record.
set -euo pipefail
BIN=${1:-target/release/quotestance}
LIMIT_KB=${LIMIT_KB:-8000000}   # ulimit -v: address space; libtorch's libraries take ~2 GB of it
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 - "$WORK" <<'EOF'
import gzip, json, os, sys
work = sys.argv[1]
for n in (20000, 50000):
    with open(f"{work}/quotes{n}.txt", "w") as f:
        f.write('"x," he said and ' * n + "Lavrov said.\n")
seeds = sorted(os.listdir("data/articles"))
text = "\n\n".join(open(f"data/articles/{s}").read() for s in seeds)
with open(f"{work}/article20mb.txt", "w") as f:
    written = 0
    while written < 20_000_000:
        f.write(text + "\n\n")
        written += len(text) + 2
with gzip.open(f"{work}/hugeline.jsonl.gz", "wb", compresslevel=1) as f:
    f.write(b'{"id": "huge", "text": "')
    block = b"a" * (1 << 24)
    for _ in range(128):   # 2 GiB
        f.write(block)
    f.write(b'"}\n')
    f.write(json.dumps({"id": "after", "text": '"We are ready," Sergey Lavrov said.'}).encode() + b"\n")
EOF

printf '%-44s %8s %12s %7s %s\n' case seconds "peak RSS MB" status "rows / message"
run_case() {
    local name=$1; shift
    local out="$WORK/out.csv" err="$WORK/err.txt"
    set +e
    ( ulimit -v "$LIMIT_KB"; /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$BIN" run --no-tone --quiet --all-quotes "$@" -o "$out" ) 2> "$err"
    local status=$?
    set -e
    # A failing command puts "Command exited with non-zero status N" first.
    read -r secs kb < <(tail -n 1 "$WORK/time.txt") || { secs=?; kb=0; }
    local rows=0
    [ -f "$out" ] && rows=$(($(wc -l < "$out") - 1))
    local note
    note=$(grep -v '^Command' "$err" | head -1 | cut -c1-90 || true)
    printf '%-44s %8s %12d %7s %s\n' "$name" "$secs" "$((kb / 1024))" "$status" "$rows rows ${note:+/ $note}"
    rm -f "$out"
}
run_case "one sentence, 20,000 quotes (540 KB)" "$WORK/quotes20000.txt"
run_case "one sentence, 50,000 quotes (1.35 MB)" "$WORK/quotes50000.txt"
run_case "20 MB article (--max-article-bytes 200M)" "$WORK/article20mb.txt" --max-article-bytes 200000000
run_case "20 MB article (default cap: skipped)" "$WORK/article20mb.txt"
run_case "gzip, one 2 GiB line, then a record" "$WORK/hugeline.jsonl.gz"
