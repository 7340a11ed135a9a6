"""Quotations from a JSON Lines dump with Spark: partitions are piped through `quotestance run -`
and the rows written as Parquet, partitioned by month of publication.

    python examples/spark/quotes_by_month.py DUMP.jsonl OUT_DIR [--master local[2]] [--bin PATH] [-- RUN OPTIONS]

Local mode by default; on a cluster, give `--master spark://HOST:7077` (or `yarn`) and make the
binary available on every worker at the same path (or ship it with `--files` and use
`SparkFiles.get`). Each partition is one `quotestance run -` process: it reads JSON Lines on
standard input, writes one JSON object per quote as each article finishes, reports bad records on
standard error and skips them (the task does not fail), and exits 0.
"""

import argparse
import os
import shlex
import sys

from pyspark.sql import SparkSession, functions as F, types as T

# The output columns, typed as quotestance writes them (ids are strings, never numbers).
COLUMNS = [
    ("article_id", T.StringType()), ("published", T.StringType()), ("speaker", T.StringType()),
    ("speaker_id", T.StringType()), ("kind", T.StringType()), ("quote", T.StringType()),
    ("cue", T.StringType()), ("mention", T.StringType()), ("method", T.StringType()),
    ("confidence", T.DoubleType()), ("context", T.StringType()), ("start", T.LongType()),
    ("end", T.LongType()), ("tone", T.StringType()), ("tone_score", T.DoubleType()),
    ("p_negative", T.DoubleType()), ("p_neutral", T.DoubleType()), ("p_positive", T.DoubleType()),
    ("model", T.StringType()), ("source", T.StringType()),
]


def main() -> int:
    argv = sys.argv[1:]
    run_options = []
    if "--" in argv:
        cut = argv.index("--")
        argv, run_options = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dump", help="JSON Lines articles (id, text, title, date, url), a file or folder")
    parser.add_argument("out", help="output folder (Parquet, partitioned by month)")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--bin", default="target/release/quotestance", help="the quotestance binary")
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args(argv)

    binary = os.path.abspath(args.bin)
    command = [binary, "run", "-", "--format", "jsonl", "--quiet", *run_options]
    spark = SparkSession.builder.master(args.master).appName("quotestance").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    lines = spark.sparkContext.textFile(args.dump, minPartitions=args.partitions)
    # Each partition streams through one process; its rows come back as JSON Lines.
    rows = lines.pipe(shlex.join(command), checkCode=True)
    schema = T.StructType([T.StructField(name, kind, True) for name, kind in COLUMNS])
    quotes = spark.read.schema(schema).json(rows)
    # `published` is an ISO date (YYYY-MM-DD) or empty; a partial date has no month.
    full_date = F.col("published").rlike(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    quotes = quotes.withColumn("published", F.when(full_date, F.to_date("published", "yyyy-MM-dd")))
    quotes = quotes.withColumn("month", F.date_format("published", "yyyy-MM"))
    quotes.write.mode("overwrite").partitionBy("month").parquet(args.out)

    written = spark.read.parquet(args.out)
    print(f"{written.count()} quotes from {lines.count()} articles written to {args.out}")
    written.groupBy("month").count().orderBy("month").show(truncate=False)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
