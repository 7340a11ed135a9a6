//! Issue 8, cost (items 1-3): hostile sizes cost memory in proportion to the input, never a copy
//! of it per quote; over-large articles and records are skipped with a message, and the batch
//! goes on. Speed figures are in `make stress`; these tests assert bounds on memory and output
//! (and a generous deadline that only a quadratic blow-up would miss).

use flate2::write::GzEncoder;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_quotestance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs without --quiet (the summary gives peak memory), with a deadline.
fn run_within(args: &[&str], secs: u64) -> Output {
    let mut child = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--all-quotes"]).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(secs);
    // Drain stdout on a thread so that a large output cannot block the child.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut buf).unwrap();
        buf
    });
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut out = child.wait_with_output().unwrap();
    out.stdout = reader.join().unwrap();
    out
}

fn peak_mb(out: &Output) -> f64 {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let at = stderr.find("peak memory ").unwrap_or_else(|| panic!("no peak memory in {stderr}")) + "peak memory ".len();
    stderr[at..].split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn one_sentence_with_fifty_thousand_quotes_keeps_memory_small() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quotes.txt");
    std::fs::write(&path, "\"x,\" he said and ".repeat(50_000) + "Lavrov said.\n").unwrap();
    let out = run_within(&[path.to_str().unwrap()], 300);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let contexts: Vec<usize> = reader.records().map(|r| r.unwrap()[10].chars().count()).collect();
    assert_eq!(contexts.len(), 50_000);
    assert!(contexts.iter().all(|&n| n <= 1010), "context over the cap: {}", contexts.iter().max().unwrap());
    // Was 8.5 GB for 20,000 quotes (the whole 540 KB sentence copied into each row).
    assert!(peak_mb(&out) < 1000.0, "peak memory {} MB", peak_mb(&out));
    assert!(out.stdout.len() < 150_000_000, "output of {} bytes", out.stdout.len());
}

#[test]
fn an_article_over_the_cap_is_skipped_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(root().join("data/articles/004_060e839775dcd6cd.txt")).unwrap();
    let big = seed.repeat(20_000_000 / seed.len() + 1);
    std::fs::write(dir.path().join("a_big.txt"), &big).unwrap();
    std::fs::write(dir.path().join("b_small.txt"), &seed).unwrap();
    let out = run_within(&[dir.path().to_str().unwrap()], 120);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a_big.txt: article of 16777217 bytes or more, over the --max-article-bytes limit of 16777216; skipped"), "{stderr}");
    let ids: Vec<String> = csv::Reader::from_reader(&out.stdout[..]).records().map(|r| r.unwrap()[0].to_string()).collect();
    assert!(!ids.is_empty() && ids.iter().all(|id| id == "b_small"), "{ids:?}");
    assert!(peak_mb(&out) < 1000.0, "peak memory {} MB", peak_mb(&out));
    // Raised past it, the same article is read and processed in one piece.
    let out = run_within(&[dir.path().join("a_big.txt").to_str().unwrap(), "--max-article-bytes", "30000000"], 300);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(csv::Reader::from_reader(&out.stdout[..]).records().count() > 10_000);
}

#[test]
fn a_gzip_file_with_one_huge_line_is_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jsonl.gz");
    let mut gz = GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::fast());
    gz.write_all(b"{\"id\": \"huge\", \"text\": \"").unwrap();
    let block = vec![b'a'; 1 << 20];
    for _ in 0..512 {
        gz.write_all(&block).unwrap(); // 512 MiB in one line
    }
    gz.write_all(b"\"}\n").unwrap();
    gz.write_all(serde_json::json!({"id": "after", "text": "\"We are ready,\" Sergey Lavrov said."}).to_string().as_bytes()).unwrap();
    gz.write_all(b"\n").unwrap();
    gz.finish().unwrap();
    let out = run_within(&[path.to_str().unwrap()], 300);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("huge.jsonl.gz:1: record of 536870939 bytes or more, over the --max-article-bytes limit"), "{stderr}");
    let ids: Vec<String> = csv::Reader::from_reader(&out.stdout[..]).records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(ids, vec!["after"]);
    assert!(peak_mb(&out) < 1000.0, "peak memory {} MB", peak_mb(&out));
}
