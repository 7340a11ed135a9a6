//! Issue 8, outputs (items 9-15): output goes where it is told and never destroys anything.

use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_quotestance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn quotestance() -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(root()).args(["run", "--no-tone", "--quiet"]);
    c
}

const SEED: &str = "data/articles/004_060e839775dcd6cd.txt";

fn header() -> String {
    quotestance::write::COLUMNS.join(",")
}

/// Many articles (the seeds, repeated) as one JSON Lines file: more output than a pipe holds.
fn big_dump(dir: &Path, copies: usize) -> PathBuf {
    let mut lines = String::new();
    for i in 0..copies {
        for entry in std::fs::read_dir(root().join("data/articles")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            lines.push_str(&serde_json::json!({"id": format!("a{i}"), "text": text}).to_string());
            lines.push('\n');
        }
    }
    let path = dir.join("big.jsonl");
    std::fs::write(&path, lines).unwrap();
    path
}

#[test]
fn dev_null_stays_a_device() {
    let out = quotestance().args([SEED, "-o", "/dev/null"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta = std::fs::metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device(), "/dev/null was replaced");
}

#[test]
fn a_fifo_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("rows.fifo");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(&fifo).unwrap().read_to_string(&mut text).unwrap();
            text
        })
    };
    let out = quotestance().args([SEED, "-o"]).arg(&fifo).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = reader.join().unwrap();
    assert!(text.starts_with(&header()), "{text}");
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn a_symlink_is_written_through_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = quotestance().args([SEED, "-o"]).arg(&link).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&real).unwrap().starts_with(&header()));
}

#[test]
fn dash_and_dev_stdout_mean_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    for target in ["-", "/dev/stdout"] {
        let out = Command::new(BIN).current_dir(dir.path()).args(["run", "--no-tone", "--quiet", "-o", target]).arg(root().join(SEED)).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8(out.stdout).unwrap().starts_with(&header()), "{target}");
    }
    assert!(!dir.path().join("-").exists(), "a file named - was created");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn new_files_follow_the_umask_and_replaced_files_keep_their_mode() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.csv");
    let script = format!("umask 022; exec {BIN} run --no-tone --quiet {} -o {}", root().join(SEED).display(), new.display());
    assert!(Command::new("sh").args(["-c", &script]).status().unwrap().success());
    assert_eq!(std::fs::metadata(&new).unwrap().permissions().mode() & 0o777, 0o644);
    let kept = dir.path().join("kept.csv");
    std::fs::write(&kept, "old").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
    let script = format!("umask 077; exec {BIN} run --no-tone --quiet {} -o {}", root().join(SEED).display(), kept.display());
    assert!(Command::new("sh").args(["-c", &script]).status().unwrap().success());
    assert_eq!(std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777, 0o640);
    assert!(std::fs::read_to_string(&kept).unwrap().starts_with(&header()));
}

#[test]
fn an_input_is_never_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("dump.jsonl");
    let original = serde_json::json!({"id": "x", "text": "\"Yes,\" Sergey Lavrov said."}).to_string() + "\n";
    std::fs::write(&input, &original).unwrap();
    let link = dir.path().join("alias.jsonl");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    for target in [&input, &link] {
        let out = quotestance().arg(&input).arg("-o").arg(target).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("is one of the inputs"), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), original);
    }
    // Inside an input folder, where the next run would read it back as articles.
    let inside = dir.path().join("quotes.csv");
    let out = quotestance().arg(dir.path()).arg("-o").arg(&inside).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the input folder"));
    assert!(!inside.exists());
    // A file the reader never reads may go there.
    let parquet = dir.path().join("quotes.parquet");
    let out = quotestance().arg(dir.path()).arg("-o").arg(&parquet).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_file_and_its_folder_are_fsynced_before_and_after_the_rename() {
    if Command::new("strace").arg("-V").output().is_err() {
        eprintln!("skipped: strace not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("q.csv");
    let trace = dir.path().join("trace.txt");
    let out = Command::new("strace")
        .current_dir(root())
        .args(["-f", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o"])
        .arg(&trace)
        .args([BIN, "run", "--no-tone", "--quiet", SEED, "-o"])
        .arg(&target)
        .output()
        .unwrap();
    if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("ptrace") {
        eprintln!("skipped: ptrace not permitted here");
        return;
    }
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let trace = std::fs::read_to_string(&trace).unwrap();
    let lines: Vec<&str> = trace.lines().collect();
    let rename = lines.iter().position(|l| l.contains("rename") && l.contains("q.csv")).expect("a rename onto q.csv");
    assert!(lines[..rename].iter().any(|l| l.contains("fsync(") || l.contains("fdatasync(")), "no fsync before the rename:\n{trace}");
    assert!(lines[rename..].iter().any(|l| l.contains("fsync(")), "no fsync of the folder after the rename:\n{trace}");
}

fn temps_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.contains("quotestance")).collect()
}

#[test]
fn signals_remove_the_temporary_file() {
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("q.csv");
        // Standard input held open: the run waits for more articles with its temporary file open.
        let mut child = quotestance().args(["-", "-o"]).arg(&target).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"{\"id\": 1, \"text\": \"\\\"Yes,\\\" Sergey Lavrov said.\"}\n").unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while temps_in(dir.path()).is_empty() {
            assert!(Instant::now() < deadline, "no temporary file appeared");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(Command::new("kill").args([&format!("-{signal}"), &child.id().to_string()]).status().unwrap().success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal}");
        assert!(temps_in(dir.path()).is_empty(), "{signal} left {:?}", temps_in(dir.path()));
        assert!(!target.exists());
        drop(stdin);
    }
}

#[test]
fn stale_temporary_files_of_our_own_are_removed_others_kept() {
    let dir = tempfile::tempdir().unwrap();
    // A process id that is not running.
    let dead = (400_000..4_000_000).find(|pid| !Path::new(&format!("/proc/{pid}")).exists()).unwrap();
    let stale = dir.path().join(format!(".q.csv.quotestance-{dead}-0.tmp"));
    std::fs::write(&stale, "half").unwrap();
    let foreign = dir.path().join(".notes.tmp");
    std::fs::write(&foreign, "mine").unwrap();
    let out = quotestance().args([SEED, "-o"]).arg(dir.path().join("q.csv")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!stale.exists(), "stale temporary file kept");
    assert!(foreign.exists(), "someone else's file removed");
}

#[test]
fn a_broken_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let dump = big_dump(dir.path(), 200);
    let script = format!("{BIN} run --no-tone --quiet --all-quotes {} | head -n 1 > /dev/null; echo ${{PIPESTATUS[0]}}", dump.display());
    let out = Command::new("bash").args(["-c", &script]).current_dir(root()).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0", "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn closed_or_full_standard_output_is_an_error() {
    let script = format!("exec {BIN} run --no-tone --quiet {SEED} >&-");
    let out = Command::new("sh").args(["-c", &script]).current_dir(root()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output is closed"));
    let out = quotestance().args([SEED, "-o", "/dev/full"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No space left"), "{}", String::from_utf8_lossy(&out.stderr));
}
