"""Turns a folder of .txt articles into a JSON Lines dump (one object a line: id, text), the
input of the Spark example: `python examples/spark/articles_to_jsonl.py data/articles out.jsonl`."""

import json
import pathlib
import sys

src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dst.parent.mkdir(parents=True, exist_ok=True)
with dst.open("w", encoding="utf-8") as out:
    for path in sorted(src.rglob("*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        out.write(json.dumps({"id": path.stem, "text": text}, ensure_ascii=False) + "\n")
print(f"{dst}: {sum(1 for _ in dst.open())} articles")
