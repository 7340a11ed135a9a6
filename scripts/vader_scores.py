"""VADER reference scores for `quotestance eval-tone --scores`.

Reads a `<corpus>_GroundTruth.txt` file of the VADER paper data (id TAB mean TAB text) and
prints `id,tone_score` CSV, tone_score being VADER's compound score in [-1, 1]. Lines are
decoded like the Rust reader does: UTF-8 when valid, else Latin-1.
"""
import csv
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for raw in data.split(b"\n"):
        raw = raw.rstrip(b"\r")
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode("latin-1")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: vader_scores.py <corpus>_GroundTruth.txt > scores.csv")
    analyzer = SentimentIntensityAnalyzer()
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["id", "tone_score"])
    for line in read_lines(sys.argv[1]):
        fields = line.split("\t", 2)
        if len(fields) < 3:
            continue
        sentence_id, text = fields[0].strip(), fields[2].strip()
        out.writerow([sentence_id, "%.4f" % analyzer.polarity_scores(text)["compound"]])


if __name__ == "__main__":
    main()
