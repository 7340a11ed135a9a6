//! The `quotestance run` command end to end: every input format, bad input, output safety and
//! thread-count independence. Tone is skipped here (`--no-tone`); the tone tests cover it.

use flate2::write::GzEncoder;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_quotestance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed_text(name: &str) -> String {
    std::fs::read_to_string(root().join("data/articles").join(format!("{name}.txt"))).unwrap()
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--quiet"]).args(args).output().unwrap()
}

fn rows(csv_text: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    reader.records().map(|r| r.unwrap()).collect()
}

fn column(csv_text: &str, name: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let index = reader.headers().unwrap().iter().position(|h| h == name).unwrap();
    reader.records().map(|r| r.unwrap()[index].to_string()).collect()
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn folder_of_text_files_gives_roster_rows_by_default() {
    let out = stdout(&run(&["data/articles"]));
    let header = out.lines().next().unwrap();
    assert_eq!(header, quotestance::write::COLUMNS.join(","));
    let ids = column(&out, "speaker_id");
    // The seeds hold 25 roster quotes; the ranker may leave an unsure one without a speaker
    // (never give it to someone else: tests/accuracy.rs checks precision against the gold).
    assert!((23..=25).contains(&ids.len()), "{} roster rows", ids.len());
    assert!(ids.iter().all(|id| ["nebenzia", "antonov", "zakharova", "lavrov"].contains(&id.as_str())));
    let sources = column(&out, "source");
    assert!(sources[0].ends_with("000_c0be5d52f93eea5e.txt"));
}

#[test]
fn all_quotes_includes_other_speakers_and_unattributed() {
    let out = stdout(&run(&["data/articles", "--all-quotes"]));
    let speakers = column(&out, "speaker");
    assert_eq!(speakers.len(), 46);
    assert!(speakers.iter().any(|s| s == "Sergei Ryabkov"));
    assert!(speakers.iter().any(|s| s.is_empty()));
}

#[test]
fn json_lines_gzip_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let record = serde_json::json!({"id": "tass-1", "text": seed_text("001_ca70b0bd16d5c51c"), "date": "2021-11-02", "url": "https://tass.com/x", "title": "Antonov: ‘We are ready’"});
    let line = format!("{record}\n");
    let gz_path = dir.path().join("dump.jsonl.gz");
    let mut gz = GzEncoder::new(std::fs::File::create(&gz_path).unwrap(), flate2::Compression::default());
    gz.write_all(line.as_bytes()).unwrap();
    gz.finish().unwrap();

    let out = stdout(&run(&[gz_path.to_str().unwrap()]));
    assert_eq!(column(&out, "article_id"), vec!["tass-1"; 4]);
    assert_eq!(column(&out, "published")[0], "2021-11-02");
    assert_eq!(column(&out, "source")[0], "https://tass.com/x");
    // The title's quote, attributed by the headline pattern (the body confirms which Antonov),
    // has no offsets.
    let first = &rows(&out)[0];
    assert_eq!((&first[2], &first[5], &first[8], &first[11]), ("Anatoly Antonov", "We are ready", "headline", ""));

    let mut child = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--quiet", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(line.as_bytes()).unwrap();
    let piped = stdout(&child.wait_with_output().unwrap());
    assert_eq!(piped, out);
}

#[test]
fn csv_input_with_text_and_id_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("articles.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(["id", "title", "text"]).unwrap();
    writer.write_record(["a-4", "", &seed_text("004_060e839775dcd6cd")]).unwrap();
    writer.flush().unwrap();
    let out = stdout(&run(&[path.to_str().unwrap()]));
    // Four Lavrov quotes; the ranker leaves one it is unsure of without a speaker.
    let ids = column(&out, "speaker_id");
    assert!((3..=4).contains(&ids.len()) && ids.iter().all(|id| id == "lavrov"), "{ids:?}");
    assert!(column(&out, "source")[0].ends_with("articles.csv:2"));
}

#[test]
fn bad_inputs_are_named_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(root().join("data/articles/002_b59e10ebfaa1d8f9.txt"), d.join("good.txt")).unwrap();
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(d.join("latin1.txt"), b"Caf\xe9 said \"bonjour.\"").unwrap();
    std::fs::write(d.join("binary.txt"), b"\x00\x01\x02PNG").unwrap();
    std::fs::write(d.join("lines.jsonl"), "{\"id\": 1, \"text\": \"Lavrov said: \\\"Yes.\\\"\"}\n{not json\n").unwrap();
    std::fs::write(d.join("notext.csv"), "id,body\n1,x\n").unwrap();
    // Outside the input folder: a CSV there would be read back as articles (refused).
    let out_dir = tempfile::tempdir().unwrap();
    let out_path = out_dir.path().join("out.csv");
    let out = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--all-quotes"]).arg(d).arg("-o").arg(&out_path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for expected in ["empty.txt: empty file", "latin1.txt: invalid UTF-8", "binary.txt: binary file", "lines.jsonl:2: malformed JSON", "notext.csv:1: no \"text\" column"] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    let written = std::fs::read_to_string(&out_path).unwrap();
    let ids = column(&written, "article_id");
    assert!(ids.contains(&"good".to_string()) && ids.contains(&"1".to_string()), "{ids:?}");
}

#[test]
fn fatal_errors_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad_roster = dir.path().join("roster.toml");
    std::fs::write(&bad_roster, "[[official]]\nid = \"x\"\nname = \"Only\"\n").unwrap();
    let out_path = dir.path().join("q.csv");
    let out = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "data/articles", "--roster"]).arg(&bad_roster).arg("-o").arg(&out_path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("roster.toml"));
    assert!(!out_path.exists());
    let out = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "no/such/folder"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/folder"));
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(".quotestance")));
}

#[test]
fn output_is_the_same_with_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("1.csv"), dir.path().join("2.csv"));
    let mut inputs: Vec<String> = vec!["data/articles".into()];
    let polnear = root().join("../shared/polnear-dev/articles");
    if polnear.is_dir() {
        inputs.push(polnear.to_string_lossy().into_owned());
    }
    for (threads, path) in [("1", &one), ("2", &two)] {
        let out = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--quiet", "--all-quotes", "--threads", threads]).args(&inputs).arg("-o").arg(path).output().unwrap();
        assert!(out.status.success());
    }
    let (a, b) = (std::fs::read(&one).unwrap(), std::fs::read(&two).unwrap());
    assert!(a.len() > 1000);
    assert_eq!(a, b);
}

/// With the tone model too (assembled by `make test` before the tests run).
#[test]
fn tone_columns_are_the_same_with_one_or_two_threads() {
    if !root().join("models/tone/config.json").exists() {
        eprintln!("skipped: models/tone not assembled (run `make models`)");
        return;
    }
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = Command::new(BIN).current_dir(root()).args(["run", "--quiet", "--all-quotes", "--threads", threads, "data/articles"]).output().unwrap();
        outputs.push(stdout(&out));
    }
    assert_eq!(outputs[0], outputs[1]);
    let tones = column(&outputs[0], "tone");
    assert_eq!(tones.len(), 46);
    assert!(tones.iter().all(|t| ["negative", "neutral", "positive"].contains(&t.as_str())));
}

#[test]
fn spreadsheet_formulas_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.jsonl");
    let record = serde_json::json!({"id": "=1+1", "text": "\"=SUM(A1:A9) is what they want,\" Sergey Lavrov said. \"@once,\" he added."});
    std::fs::write(&path, format!("{record}\n")).unwrap();
    let out = stdout(&run(&[path.to_str().unwrap()]));
    let row = &rows(&out)[0];
    assert_eq!(&row[0], "'=1+1");
    assert_eq!(&row[5], "'=SUM(A1:A9) is what they want,");
    assert_eq!(&row[2], "Sergey Lavrov");
    assert_eq!(&rows(&out)[1][5], "'@once,");
}

#[test]
fn excel_bom_on_request() {
    let out = run(&["data/articles/004_060e839775dcd6cd.txt", "--bom"]);
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBFarticle_id,"));
}

/// `start`/`end` count characters of the text exactly as the JSON record gives it (CRLF and all),
/// as Python's `json.loads(line)["text"][start:end]` would.
#[test]
fn offsets_count_the_json_text_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crlf.jsonl");
    let text = "Moscow talks\r\nMaria Zakharova said: “The Americans aren’t listening.”\r\n“We will answer,” she added.";
    std::fs::write(&path, format!("{}\n", serde_json::json!({"id": "c", "text": text}))).unwrap();
    let out = stdout(&run(&[path.to_str().unwrap(), "--all-quotes"]));
    let chars: Vec<char> = text.chars().collect();
    let (starts, ends, quotes) = (column(&out, "start"), column(&out, "end"), column(&out, "quote"));
    assert_eq!(quotes, vec!["The Americans aren’t listening.", "We will answer,"]);
    for i in 0..quotes.len() {
        let (s, e): (usize, usize) = (starts[i].parse().unwrap(), ends[i].parse().unwrap());
        assert_eq!(chars[s..e].iter().collect::<String>(), quotes[i]);
    }
    assert_eq!(column(&out, "speaker_id"), vec!["zakharova", "zakharova"]);
}
