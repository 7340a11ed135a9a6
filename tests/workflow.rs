//! The research workflow around `run`, end to end on the sample articles and real-looking texts:
//! repeated dumps (`--state`), wire copies (`duplicate_of`, `--dedupe`), person keys
//! (`speaker_key`), dates (`published`, `date_source`), the progress bar, `summary` and `chart`.
//! Tone is skipped (`--no-tone`) except where the default model is assembled.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_quotestance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed_text(name: &str) -> String {
    std::fs::read_to_string(root().join("data/articles").join(format!("{name}.txt"))).unwrap()
}

fn quotestance(args: &[&str]) -> Output {
    Command::new(BIN).current_dir(root()).args(args).output().unwrap()
}

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "failed ({:?}): {}", out.status, String::from_utf8_lossy(&out.stderr));
    out
}

/// The rows of a CSV as maps from column name to cell.
fn table(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader.records().map(|r| header.iter().cloned().zip(r.unwrap().iter().map(String::from)).collect()).collect()
}

fn copy_sample(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(root().join("data/articles")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn new_columns_come_last_in_order() {
    let cols = quotestance::write::COLUMNS;
    assert_eq!(&cols[cols.len() - 4..], ["duplicate_of", "speaker_key", "date_source", "reported_by"]);
    assert_eq!(cols[19], "source");
}

#[test]
fn a_second_run_with_the_state_file_writes_only_new_and_changed_articles() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump");
    copy_sample(&dump);
    let state = dir.path().join("corpus.state");
    let (d, s) = (dump.to_str().unwrap(), state.to_str().unwrap());
    let first = dir.path().join("day1.csv");
    ok(quotestance(&["run", d, "--all-quotes", "--no-tone", "--state", s, "-o", first.to_str().unwrap()]));
    assert_eq!(table(&first).len(), 46);
    let recorded = std::fs::read_to_string(&state).unwrap();
    assert_eq!(recorded.lines().filter(|l| l.contains("\"sha256\"")).count(), 5, "{recorded}");

    // The same dump again: nothing new.
    let second = dir.path().join("day2.csv");
    let out = ok(quotestance(&["run", d, "--all-quotes", "--no-tone", "--state", s, "-o", second.to_str().unwrap()]));
    assert_eq!(table(&second).len(), 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("5 articles skipped as already processed"), "{}", String::from_utf8_lossy(&out.stderr));

    // Tomorrow's dump: one article corrected, one added (a reprint under a new name).
    let tass = seed_text("001_ca70b0bd16d5c51c");
    std::fs::write(dump.join("001_ca70b0bd16d5c51c.txt"), tass.replace("steady dialogue", "stable dialogue")).unwrap();
    std::fs::write(dump.join("005_new.txt"), seed_text("004_060e839775dcd6cd")).unwrap();
    let third = dir.path().join("day3.csv");
    ok(quotestance(&["run", d, "--all-quotes", "--no-tone", "--state", s, "-o", third.to_str().unwrap()]));
    let rows = table(&third);
    let mut ids: Vec<&str> = rows.iter().map(|r| r["article_id"].as_str()).collect();
    ids.dedup();
    assert_eq!(ids, ["001_ca70b0bd16d5c51c", "005_new"]);
    // 004 itself was skipped (seen on day 1), so within this run the reprint comes first.
    assert!(rows.iter().all(|r| r["duplicate_of"].is_empty()));
}

#[test]
fn a_failed_run_leaves_the_state_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.state");
    let s = state.to_str().unwrap();
    ok(quotestance(&["run", "data/articles/000_c0be5d52f93eea5e.txt", "--no-tone", "--quiet", "--state", s, "-o", dir.path().join("a.csv").to_str().unwrap()]));
    let before = std::fs::read_to_string(&state).unwrap();
    // Output into a folder that does not exist: nothing written, state untouched.
    let out = quotestance(&["run", "data/articles", "--no-tone", "--quiet", "--state", s, "-o", dir.path().join("missing/x.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&state).unwrap(), before);
    // A damaged state file is named, with its line, before anything is read.
    std::fs::write(&state, "{\"quotestance_state\":1}\n{oops\n").unwrap();
    let out = quotestance(&["run", "data/articles", "--no-tone", "--quiet", "--state", s, "-o", dir.path().join("b.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("s.state:2"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.path().join("b.csv").exists());
}

/// A JSON Lines dump with one TASS story three times: as published, on an aggregator with its
/// own menu and footer and an edited sentence, and on a third site with the lead cut. Plus an
/// unrelated story.
fn wire_dump(dir: &Path) -> PathBuf {
    let tass = seed_text("001_ca70b0bd16d5c51c");
    let aggregator = format!(
        "Home | World | Russia | Subscribe\n\n{}\n\nRead more: Lavrov to visit Geneva\nShare this article",
        tass.replace("Russia and the US have managed", "Moscow and Washington have managed")
    );
    let third = tass.splitn(3, "\n\n").nth(2).unwrap().to_string();
    let lines: Vec<String> = [("tass-1", tass.as_str()), ("agg-7", aggregator.as_str()), ("ria-2", seed_text("000_c0be5d52f93eea5e").as_str()), ("site-3", third.as_str())]
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text, "date": "2021-11-02"}).to_string())
        .collect();
    let path = dir.join("wire.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn wire_copies_point_to_the_first_article_and_dedupe_drops_them() {
    let dir = tempfile::tempdir().unwrap();
    let dump = wire_dump(dir.path());
    let all = dir.path().join("all.csv");
    ok(quotestance(&["run", dump.to_str().unwrap(), "--no-tone", "--quiet", "--all-quotes", "-o", all.to_str().unwrap()]));
    let rows = table(&all);
    let of = |id: &str| rows.iter().filter(|r| r["article_id"] == id).collect::<Vec<_>>();
    assert!(!of("tass-1").is_empty());
    assert!(of("tass-1").iter().all(|r| r["duplicate_of"].is_empty()), "the first copy is no duplicate");
    assert!(of("ria-2").iter().all(|r| r["duplicate_of"].is_empty()), "an unrelated story");
    for copy in ["agg-7", "site-3"] {
        let copy_rows = of(copy);
        assert!(!copy_rows.is_empty());
        assert!(copy_rows.iter().all(|r| r["duplicate_of"] == "tass-1"), "{copy}: {:?}", copy_rows.iter().map(|r| (&r["quote"], &r["duplicate_of"])).collect::<Vec<_>>());
    }
    let deduped = dir.path().join("dedupe.csv");
    ok(quotestance(&["run", dump.to_str().unwrap(), "--no-tone", "--quiet", "--all-quotes", "--dedupe", "-o", deduped.to_str().unwrap()]));
    let kept = table(&deduped);
    assert_eq!(kept.len(), of("tass-1").len() + of("ria-2").len());
    assert!(kept.iter().all(|r| r["duplicate_of"].is_empty()));
}

#[test]
fn speaker_keys_merge_one_person_across_articles() {
    let dir = tempfile::tempdir().unwrap();
    // Seed 003 names the deputy minister `Sergei Ryabkov` and once `Sergey Ryabkov`; the other
    // articles are short real-looking wire texts naming Obama in three ways.
    let lines = [
        ("a", "WASHINGTON (AP) — President Barack Obama said on Monday that the talks would go on. “We will not walk away from the table,” Obama told reporters at the White House."),
        ("b", "NEW YORK (AP) — “The economy is stronger than it was,” President Obama said in a speech on Tuesday."),
        ("c", "CHICAGO (AP) — “I am proud of what we built,” Obama said, thanking volunteers."),
    ]
    .iter()
    .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string())
    .collect::<Vec<_>>();
    let dump = dir.path().join("obama.jsonl");
    std::fs::write(&dump, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("k.csv");
    ok(quotestance(&["run", dump.to_str().unwrap(), "data/articles", "--no-tone", "--quiet", "--all-quotes", "-o", out.to_str().unwrap()]));
    let rows = table(&out);
    let keys_of = |name: &str| rows.iter().filter(|r| r["speaker"].contains(name)).map(|r| r["speaker_key"].clone()).collect::<std::collections::BTreeSet<_>>();
    let obama: Vec<&str> = rows.iter().filter(|r| r["article_id"].len() == 1).map(|r| r["speaker_key"].as_str()).collect();
    assert_eq!(obama.len(), 3, "{rows:?}");
    assert!(obama.iter().all(|k| *k == "barack obama"), "{obama:?}");
    assert_eq!(keys_of("Ryabkov").into_iter().collect::<Vec<_>>(), ["sergei ryabkov"]);
    assert_eq!(keys_of("Lavrov").into_iter().collect::<Vec<_>>(), ["lavrov"]);
    assert!(rows.iter().filter(|r| r["speaker"].is_empty()).all(|r| r["speaker_key"].is_empty()));
}

#[test]
fn published_is_a_complete_date_or_empty_and_says_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    // The TASS seed has only `WASHINGTON, November 2.`: no year. Saved under a dated name, the
    // file name wins.
    let dated = dir.path().join("tass_2021-11-02_antonov.txt");
    std::fs::write(&dated, seed_text("001_ca70b0bd16d5c51c")).unwrap();
    let out = dir.path().join("d.csv");
    ok(quotestance(&["run", "data/articles", dated.to_str().unwrap(), "--no-tone", "--quiet", "--all-quotes", "-o", out.to_str().unwrap()]));
    let rows = table(&out);
    let date_of = |id: &str| {
        let r = rows.iter().find(|r| r["article_id"] == id).unwrap();
        (r["published"].clone(), r["date_source"].clone())
    };
    assert_eq!(date_of("001_ca70b0bd16d5c51c"), (String::new(), String::new()));
    assert_eq!(date_of("tass_2021-11-02_antonov"), ("2021-11-02".into(), "file_name".into()));
    assert_eq!(date_of("003_0b0db8b961f299cf"), ("2021-07-27".into(), "header".into()));
    for r in &rows {
        let p = &r["published"];
        assert!(p.is_empty() || (p.len() == 10 && p.as_bytes()[4] == b'-' && !p.starts_with('-')), "{p}");
        assert_eq!(p.is_empty(), r["date_source"].is_empty());
    }
}

#[test]
fn the_progress_bar_is_silent_without_a_terminal_and_counts_articles_on_one() {
    // stderr is a pipe here: only the closing summary, no bar, no cursor control. (Output goes
    // to a temporary file: this writer replaces its target by rename, which must never touch
    // a device such as /dev/null.)
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("quotes.csv");
    let csv = csv.to_str().unwrap();
    let out = ok(quotestance(&["run", "data/articles", "--no-tone", "-o", csv]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("quotestance: 5 articles"), "{err}");
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");
    // On a pseudo-terminal (util-linux `script`), the bar is drawn with the counted total.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("NOTICE: no `script` command; the terminal half of this test is skipped");
        return;
    }
    let cmd = format!("{BIN} run data/articles --no-tone -o {csv}");
    let tty = Command::new("script").current_dir(root()).args(["-qec", &cmd, "/dev/null"]).output().unwrap();
    let screen = String::from_utf8_lossy(&tty.stdout);
    assert!(screen.contains("/5 articles"), "{screen:?}");
}

#[test]
fn summary_and_chart_from_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let quotes = dir.path().join("quotes.csv");
    ok(quotestance(&["run", "data/articles", "--no-tone", "--quiet", "--all-quotes", "-o", quotes.to_str().unwrap()]));
    let out = ok(quotestance(&["summary", quotes.to_str().unwrap()]));
    let printed = String::from_utf8_lossy(&out.stdout);
    // The totals line counts what the quotes file holds.
    let rows = table(&quotes);
    let speakers: std::collections::BTreeSet<&str> = rows.iter().filter(|r| !r["speaker"].is_empty()).map(|r| r["speaker_key"].as_str()).collect();
    let empty = rows.iter().filter(|r| r["speaker"].is_empty()).count();
    let totals = format!("{} speakers; {} rows, {empty} without a speaker", speakers.len(), rows.len());
    assert!(printed.contains("Vassily Nebenzia") && printed.contains(&totals) && rows.len() == 46, "{printed} (expected {totals})");
    let written = dir.path().join("quotes-summary.csv");
    assert!(printed.contains(&format!("summary written to {}", written.display())));
    let summary = table(&written);
    let row = |key: &str| summary.iter().find(|r| r["speaker_key"] == key).unwrap().clone();
    assert_eq!((row("nebenzia")["quotes"].as_str(), row("nebenzia")["articles"].as_str()), ("12", "1"));
    // Sergei and Sergey Ryabkov are one person (seed 003, dated by its header).
    assert_eq!(row("sergei ryabkov")["quotes"], "8");
    assert_eq!((row("lavrov")["first_date"].as_str(), row("lavrov")["last_date"].as_str()), ("2021-08-23", "2021-08-23"));
    assert_eq!(row("lavrov")["mean_tone"], "", "no tone columns in a --no-tone run");

    // Without tone scores there is nothing to chart, and the message says so.
    let svg = dir.path().join("tone.svg");
    let out = quotestance(&["chart", quotes.to_str().unwrap(), "-o", svg.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no speaker has a quote with both a date"));
    assert!(!svg.exists());
    // The input is never overwritten.
    let out = quotestance(&["summary", quotes.to_str().unwrap(), "-o", quotes.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_eq!(table(&quotes).len(), 46);
}

/// The sample run with the default tone model, when it is assembled (`make models`).
fn scored_sample(dir: &Path) -> Option<PathBuf> {
    let model = root().join("models/tone/config.json");
    if !model.exists() {
        eprintln!("NOTICE: models/tone is absent; skipping the tone chart test (run `make models`)");
        return None;
    }
    let quotes = dir.join("scored.csv");
    ok(quotestance(&["run", "data/articles", "--quiet", "--all-quotes", "--threads", "2", "-o", quotes.to_str().unwrap()]));
    Some(quotes)
}

#[test]
fn chart_of_the_scored_sample_as_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let Some(quotes) = scored_sample(dir.path()) else { return };
    let rows = table(&quotes);
    // The label is the band of the score in every row the CSV holds.
    for r in &rows {
        let s: f32 = r["tone_score"].parse().unwrap();
        let expected = if s >= 0.05 { "positive" } else if s <= -0.05 { "negative" } else { "neutral" };
        assert_eq!(r["tone"], expected, "{r:?}");
    }
    let svg = dir.path().join("tone.svg");
    let out = ok(quotestance(&["chart", quotes.to_str().unwrap(), "-o", svg.to_str().unwrap()]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("written to"));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.contains("Sergei Ryabkov") && text.contains("2021-07"), "{}", &text[..200.min(text.len())]);
    let png = dir.path().join("tone.png");
    ok(quotestance(&["chart", quotes.to_str().unwrap(), "-o", png.to_str().unwrap(), "--speaker", "lavrov", "--speaker", "sergei ryabkov"]));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) = (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()));
    assert_eq!((w, h), quotestance::chart::SIZE);
    // Drawn, not blank: many distinct bytes after compression of a picture with text and lines.
    assert!(bytes.len() > 10_000, "{} bytes", bytes.len());
}

#[test]
fn the_binary_finds_its_data_from_anywhere_and_its_rpath_is_relative() {
    let dir = tempfile::tempdir().unwrap();
    let sample = root().join("data/articles");
    // From another folder, no variables: the roster is found through the executable's location.
    let out = Command::new(BIN).current_dir(dir.path()).env_remove("QUOTESTANCE_HOME").args(["run", "--no-tone", "--quiet"]).arg(&sample).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let from_root = Command::new(BIN).current_dir(root()).env_remove("QUOTESTANCE_HOME").args(["run", "--no-tone", "--quiet"]).arg(&sample).output().unwrap();
    assert!(out.stdout == from_root.stdout, "the same rows from another folder");
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() > 20);
    // QUOTESTANCE_HOME with a roster of one official wins over the repository's.
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join("data")).unwrap();
    let roster = std::fs::read_to_string(root().join("data/roster.toml")).unwrap();
    let lavrov = roster.split("[[official]]").find(|t| t.contains("id = \"lavrov\"")).unwrap();
    std::fs::write(home.join("data/roster.toml"), format!("[[official]]{lavrov}")).unwrap();
    let out = Command::new(BIN).current_dir(dir.path()).env("QUOTESTANCE_HOME", &home).args(["run", "--no-tone", "--quiet"]).arg(&sample).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // Lavrov's rows of the full roster's run, and no others.
    let lavrov_rows = String::from_utf8_lossy(&from_root.stdout).lines().filter(|l| l.contains(",\"lavrov\",")).count();
    assert!(lavrov_rows >= 3);
    assert_eq!(text.lines().count(), lavrov_rows + 1, "{text}");
    assert!(text.lines().skip(1).all(|l| l.contains(",\"lavrov\",")), "{text}");
    // Every library search path is relative to the executable ($ORIGIN), none absolute.
    if let Ok(elf) = Command::new("readelf").args(["-d", BIN]).output() {
        let dynamic = String::from_utf8_lossy(&elf.stdout);
        if let Some(line) = dynamic.lines().find(|l| l.contains("RUNPATH") || l.contains("RPATH")) {
            let paths = line.split('[').nth(1).unwrap().trim_end_matches(']');
            assert!(paths.split(':').all(|p| p.starts_with("$ORIGIN")), "{paths}");
        }
    }
}

/// The binary built without the `tone` feature (`make lite`): no libtorch among its libraries,
/// the same `--no-tone` output as the default build with a fraction of the memory, and a run
/// with tone handed over to the full binary. Skipped with a notice when it is not built (but
/// `make test` builds it and sets QUOTESTANCE_REQUIRE_LITE).
#[test]
fn the_lite_binary_never_loads_libtorch() {
    let lite = root().join("target/lite/release/quotestance");
    if !lite.exists() {
        // `make test` builds it and insists.
        assert!(std::env::var_os("QUOTESTANCE_REQUIRE_LITE").is_none(), "{} is absent (make lite)", lite.display());
        eprintln!("NOTICE: {} is absent; skipping (run `make test-lite`)", lite.display());
        return;
    }
    let elf = Command::new("readelf").args(["-d"]).arg(&lite).output().unwrap();
    let dynamic = String::from_utf8_lossy(&elf.stdout);
    assert!(dynamic.contains("NEEDED") && !dynamic.contains("torch") && !dynamic.contains("c10"), "{dynamic}");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("lite.csv"), dir.path().join("full.csv"));
    let out = Command::new(&lite).current_dir(root()).args(["run", "data/articles", "--no-tone", "--all-quotes", "-o"]).arg(&a).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    ok(quotestance(&["run", "data/articles", "--no-tone", "--all-quotes", "--quiet", "-o", b.to_str().unwrap()]));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let summary = String::from_utf8_lossy(&out.stderr);
    let peak: f64 = summary.split("peak memory ").nth(1).and_then(|s| s.split(' ').next()).and_then(|s| s.parse().ok()).unwrap();
    eprintln!("lite --no-tone peak memory: {peak} MB");
    // The syntax models (23 MB on disk) are most of it; no libtorch.
    assert!(peak < 200.0, "{summary}");
    // The summary and the chart run in the lite binary too; the tone model hands over.
    let out = Command::new(&lite).current_dir(root()).args(["summary"]).arg(&a).output().unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Vassily Nebenzia"));
    if root().join("models/tone/config.json").exists() {
        let c = dir.path().join("tone.csv");
        let out = Command::new(&lite).current_dir(root()).env("QUOTESTANCE_TONE_BIN", BIN).args(["run", "data/articles", "--quiet", "-o"]).arg(&c).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(table(&c).iter().all(|r| !r["tone"].is_empty() && r["model"] == "quotestance-tone-minilm-v1"));
    }
}
