//! Issue 9 items 1, 2 and 7: output formats (CSV, JSON Lines, Parquet), the pipe filter
//! `quotestance run -`, and the loading recipes of the README run on the sample output.
//!
//! The Python checks use the project's venv (`make venv-data` installs pyarrow and pandas).
//! Where the venv lacks them they are skipped with a message, unless QUOTESTANCE_REQUIRE_PYDATA
//! is set (as `make test` does), where they fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_quotestance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    let out = Command::new(BIN).current_dir(root()).args(["run", "--quiet"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The tone model is used where it is assembled (`make models`), so that its columns are typed
/// from real values.
fn tone_args() -> Vec<&'static str> {
    if root().join("models/tone/config.json").exists() {
        vec![]
    } else {
        vec!["--no-tone"]
    }
}

fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().unwrap().iter().map(String::from).collect();
    (headers, reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect())
}

#[test]
fn json_lines_carry_the_same_rows_typed() {
    let csv_out = run(&["data/articles", "--all-quotes", "--no-tone", "--no-protect"]).stdout;
    let (headers, rows) = csv_rows(&csv_out);
    let jsonl = run(&["data/articles", "--all-quotes", "--no-tone", "--format", "jsonl"]).stdout;
    let text = String::from_utf8(jsonl).unwrap();
    // Keys in column order, in the text itself.
    for line in text.lines() {
        let at: Vec<usize> = headers.iter().map(|h| line.find(&format!("\"{h}\":")).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "keys out of order: {line}");
    }
    let objects: Vec<serde_json::Map<String, serde_json::Value>> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objects.len(), rows.len());
    assert_eq!(objects.len(), 46);
    for (object, row) in objects.iter().zip(&rows) {
        let mut keys: Vec<&String> = object.keys().collect();
        let mut names: Vec<&String> = headers.iter().collect();
        keys.sort();
        names.sort();
        assert_eq!(keys, names, "the same fields");
        for (name, cell) in headers.iter().zip(row) {
            let value = &object[name];
            match name.as_str() {
                "confidence" | "tone_score" | "p_negative" | "p_neutral" | "p_positive" => {
                    assert!(value.is_null() == cell.is_empty() && (value.is_null() || value.as_f64() == cell.parse().ok()), "{name}: {value} vs {cell}")
                }
                "start" | "end" => assert!(value.is_null() == cell.is_empty() && (value.is_null() || value.as_u64() == cell.parse().ok()), "{name}: {value} vs {cell}"),
                _ => assert_eq!(value.as_str().unwrap_or(""), cell, "{name}"),
            }
        }
    }
    // Inferred from the extension.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("q.ndjson");
    run(&["data/articles", "--all-quotes", "--no-tone", "-o", path.to_str().unwrap()]);
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("{\"article_id\":"));
}

#[test]
fn ids_stay_strings_in_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("ids.jsonl");
    std::fs::write(&dump, serde_json::json!({"id": "007", "text": "\"We are ready,\" Sergey Lavrov said."}).to_string() + "\n").unwrap();
    let out = run(&[dump.to_str().unwrap(), "--no-tone", "--format", "jsonl"]).stdout;
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(value["article_id"], "007");
    assert_eq!(value["speaker_id"], "lavrov");
}

fn venv_python() -> Option<PathBuf> {
    let python = root().join(".venv/bin/python");
    let ok = python.exists() && Command::new(&python).args(["-c", "import pyarrow, pandas"]).output().is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    if std::env::var_os("QUOTESTANCE_REQUIRE_PYDATA").is_some() {
        panic!("pyarrow and pandas are missing from .venv (make venv-data)");
    }
    eprintln!("skipped: pyarrow / pandas not in .venv (run `make venv-data`)");
    None
}

fn python(python: &Path, script: &str, args: &[&Path]) -> String {
    let out = Command::new(python).current_dir(root()).arg("-c").arg(script).args(args).output().unwrap();
    assert!(out.status.success(), "python failed:\n{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn parquet_reads_back_with_pyarrow_typed() {
    let Some(py) = venv_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (parquet, csv_path) = (dir.path().join("q.parquet"), dir.path().join("q.csv"));
    let mut args = vec!["data/articles", "--all-quotes", "-o", parquet.to_str().unwrap()];
    args.extend(tone_args());
    run(&args);
    let mut args = vec!["data/articles", "--all-quotes", "--no-protect", "-o", csv_path.to_str().unwrap()];
    args.extend(tone_args());
    run(&args);
    let script = r#"
import csv, json, re, sys
import pyarrow.parquet as pq
table = pq.read_table(sys.argv[1])
types = {f.name: str(f.type) for f in table.schema}
rows = table.to_pylist()
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    want = list(csv.DictReader(f))
assert len(rows) == len(want), (len(rows), len(want))
for got, exp in zip(rows, want):
    for name, cell in exp.items():
        value = got[name]
        if value is None:
            # A date without its year (`--11-02`) is no Parquet date.
            assert cell == "" or (types[name] == "date32[day]" and not re.fullmatch(r"\d{4}-\d\d-\d\d", cell)), (name, cell)
        elif types[name] == "date32[day]":
            assert value.isoformat() == cell, (name, value, cell)
        elif types[name] in ("double", "int64"):
            assert float(value) == float(cell), (name, value, cell)
        else:
            assert value == cell, (name, value, cell)
print(json.dumps({"types": types, "rows": len(rows), "columns": table.column_names}))
"#;
    let report: serde_json::Value = serde_json::from_str(&python(&py, script, &[&parquet, &csv_path])).unwrap();
    let types = &report["types"];
    assert_eq!(report["rows"], 46);
    assert_eq!(report["columns"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect::<Vec<_>>(), quotestance::write::COLUMNS.to_vec());
    for (name, ty) in [("article_id", "string"), ("speaker_id", "string"), ("published", "date32[day]"), ("confidence", "double"), ("start", "int64"), ("end", "int64"), ("tone_score", "double"), ("quote", "string")] {
        assert_eq!(types[name], ty, "{name}");
    }
}

/// The README's recipes, run as written (the code between `# recipe: NAME` and the end of its
/// block), followed by a check of what they loaded.
fn readme_recipe(name: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = format!("# recipe: {name}\n");
    let start = readme.find(&marker).unwrap_or_else(|| panic!("no recipe {name} in the README")) + marker.len();
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].to_string()
}

#[test]
fn readme_pandas_and_pyarrow_recipes_load_typed_columns() {
    let Some(py) = venv_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Sample output where the recipes expect it; numeric-looking ids make the trap real.
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let dump = dir.path().join("dump.jsonl");
    let seed = std::fs::read_to_string(root().join("data/articles/004_060e839775dcd6cd.txt")).unwrap();
    let mut lines = String::new();
    for entry in std::fs::read_dir(root().join("data/articles")).unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_string_lossy().into_owned();
        lines.push_str(&serde_json::json!({"id": id, "text": std::fs::read_to_string(&path).unwrap()}).to_string());
        lines.push('\n');
    }
    lines.push_str(&serde_json::json!({"id": "0042", "text": seed, "date": "2021-09-28"}).to_string());
    lines.push('\n');
    std::fs::write(&dump, lines).unwrap();
    for file in ["quotes.csv", "quotes.parquet"] {
        let mut args = vec![dump.to_str().unwrap(), "--all-quotes", "-o"];
        let target = out_dir.join(file);
        args.push(target.to_str().unwrap());
        args.extend(tone_args());
        run(&args);
    }
    let check = r#"
import json
print(json.dumps({"dtypes": {c: str(t) for c, t in df.dtypes.items()}, "ids": sorted(set(df["article_id"])), "rows": len(df),
                  "cue": sorted(set(x for x in df["cue"] if isinstance(x, str))), "published": sorted(set(str(x)[:10] for x in df["published"] if x == x))}))
"#;
    for recipe in ["pandas-csv", "pandas-parquet", "pyarrow"] {
        let code = format!("{}\n{check}", readme_recipe(recipe));
        let out = Command::new(&py).current_dir(dir.path()).arg("-c").arg(&code).output().unwrap();
        assert!(out.status.success(), "recipe {recipe} failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let dtypes = &report["dtypes"];
        let is_text = |name: &str| matches!(dtypes[name].as_str(), Some("object" | "string" | "str"));
        for name in ["article_id", "speaker_id", "speaker", "quote", "cue", "source"] {
            assert!(is_text(name), "{recipe}: {name} is {}", dtypes[name]);
        }
        assert!(dtypes["published"].as_str().unwrap().starts_with("datetime64"), "{recipe}: published is {}", dtypes["published"]);
        for name in ["confidence", "tone_score", "p_negative", "p_positive"] {
            assert_eq!(dtypes[name], "float64", "{recipe}: {name}");
        }
        for name in ["start", "end"] {
            assert!(matches!(dtypes[name].as_str(), Some("Int64" | "int64" | "float64")), "{recipe}: {name} is {}", dtypes[name]);
        }
        let ids: Vec<&str> = report["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(ids.contains(&"0042") && ids.contains(&"004_060e839775dcd6cd"), "{recipe}: ids {ids:?}");
        let cues: Vec<&str> = report["cue"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert!(cues.iter().all(|c| !c.starts_with('\'')), "{recipe}: the protective apostrophe stayed in {cues:?}");
        assert!(report["published"].as_array().unwrap().iter().any(|d| d == "2021-09-28"), "{recipe}: {}", report["published"]);
    }
}

/// Reads stdout lines on a thread, so that the test can wait for one with a deadline.
fn line_reader(stdout: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn the_pipe_writes_rows_as_each_article_finishes() {
    let mut child = Command::new(BIN)
        .current_dir(root())
        .args(["run", "--no-tone", "--quiet", "--all-quotes", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let lines = line_reader(child.stdout.take().unwrap());
    let wait = Duration::from_secs(20);
    assert_eq!(lines.recv_timeout(wait).expect("the header"), quotestance::write::COLUMNS.join(","));
    for (i, quote) in ["We are ready", "We will answer"].iter().enumerate() {
        let record = serde_json::json!({"id": format!("p{i}"), "text": format!("\"{quote},\" Sergey Lavrov said.")});
        writeln!(stdin, "{record}").unwrap();
        stdin.flush().unwrap();
        // The row comes back while standard input is still open.
        let row = lines.recv_timeout(wait).unwrap_or_else(|_| panic!("no row for article {i} while the stream is open"));
        assert!(row.starts_with(&format!("\"p{i}\",")) && row.contains(quote), "{row}");
        // A bad record in between is reported and skipped.
        writeln!(stdin, "{{not json").unwrap();
    }
    drop(stdin);
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("<stdin>:2: malformed JSON"), "{stderr}");
    assert!(lines.recv_timeout(Duration::from_millis(200)).is_err(), "nothing after the last row");
}

#[test]
fn no_header_for_concatenated_pipes() {
    let record = serde_json::json!({"id": "n", "text": "\"Yes,\" Sergey Lavrov said."}).to_string() + "\n";
    let mut child = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--quiet", "--no-header", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(record.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("\"n\","));
}
