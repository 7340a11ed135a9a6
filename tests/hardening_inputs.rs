//! Issue 8, inputs (items 4-8): inputs are files, read once; streams are read as streams.

use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_quotestance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const ARTICLE: &str = "\"We are ready,\" Sergey Lavrov said on Monday.";

/// Runs with a deadline: a run that hangs is killed and fails the test.
fn run_within(args: &[&std::ffi::OsStr], secs: u64) -> Output {
    let child = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--quiet", "--all-quotes"]).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    wait_within(child, secs)
}

fn wait_within(mut child: Child, secs: u64) -> Output {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

fn rows(out: &Output) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(&out.stdout[..]).records().map(Result::unwrap).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// dir/a/one.txt, dir/a/up -> .. (a loop), dir/a/x -> ../b and dir/b/y -> ../a (two loops).
fn looped_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("one.txt"), ARTICLE).unwrap();
    std::os::unix::fs::symlink("..", a.join("up")).unwrap();
    std::os::unix::fs::symlink("../b", a.join("x")).unwrap();
    std::os::unix::fs::symlink("../a", b.join("y")).unwrap();
    std::os::unix::fs::symlink("one.txt", a.join("same.txt")).unwrap();
    dir
}

#[test]
fn symlinks_are_not_followed_by_default() {
    let dir = looped_tree();
    let out = run_within(&[dir.path().as_os_str()], 30);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(rows(&out).len(), 1, "the article is read once");
    assert!(stderr(&out).contains("--follow"), "{}", stderr(&out));
}

#[test]
fn follow_reads_each_file_once_and_ends_on_loops() {
    let dir = looped_tree();
    let out = run_within(&[dir.path().as_os_str(), os("--follow")], 30);
    assert_eq!(rows(&out).len(), 1, "the article is read once: {}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link loop"), "{}", stderr(&out));
}

#[test]
fn special_files_in_folders_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.txt"), ARTICLE).unwrap();
    assert!(Command::new("mkfifo").arg(dir.path().join("pipe.txt")).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.txt")).unwrap();
    for follow in [false, true] {
        let mut args = vec![dir.path().as_os_str()];
        if follow {
            args.push(os("--follow"));
        }
        let out = run_within(&args, 30);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(rows(&out).len(), 1);
        assert!(stderr(&out).contains("pipe.txt: a FIFO"), "{}", stderr(&out));
        if follow {
            assert!(stderr(&out).contains("zero.txt: a device"), "{}", stderr(&out));
        }
    }
}

#[test]
fn streams_named_on_the_command_line_are_read_with_the_size_cap() {
    let out = run_within(&[os("/dev/zero"), os("--max-article-bytes"), os("100000")], 30);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/dev/zero: article of 100001 bytes or more, over the --max-article-bytes limit"), "{}", stderr(&out));
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("feed");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            writeln!(f, "{}", serde_json::json!({"id": "f1", "text": ARTICLE})).unwrap();
        })
    };
    let out = run_within(&[fifo.as_os_str()], 30);
    writer.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(&rows(&out)[0][0], "f1");
}

#[test]
fn json_lines_are_one_record_a_line_whatever_the_first_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = serde_json::json!({"id": "g", "text": ARTICLE}).to_string();
    for first in ["[1, 2]", "{"] {
        let path = dir.path().join("d.jsonl");
        std::fs::write(&path, format!("{first}\n{good}\n")).unwrap();
        let out = run_within(&[path.as_os_str()], 30);
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr(&out).contains("d.jsonl:1:"), "{}", stderr(&out));
        assert_eq!(&rows(&out)[0][0], "g", "first line {first:?} lost the file");
    }
}

#[test]
fn file_names_that_are_not_utf8_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(dir.path().join(name), ARTICLE).unwrap();
    let out = run_within(&[dir.path().as_os_str()], 30);
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = rows(&out);
    assert_eq!(rows.len(), 1);
    assert!(rows[0][19].ends_with("caf\u{FFFD}.txt"), "{:?}", &rows[0][19]);
    assert!(stderr(&out).contains("not valid UTF-8"), "{}", stderr(&out));
}

#[test]
fn plain_text_on_standard_input_is_one_article() {
    let text = std::fs::read_to_string(root().join("data/articles/004_060e839775dcd6cd.txt")).unwrap();
    let from_file = run_within(&[os("data/articles/004_060e839775dcd6cd.txt")], 30);
    for extra in [&[][..], &["--stdin-format", "text"][..]] {
        let mut child = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--quiet", "--all-quotes", "-"]).args(extra).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = wait_within(child, 30);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{}", stderr(&out));
        let quotes = |o: &Output| rows(o).iter().map(|r| (r[2].to_string(), r[5].to_string(), r[11].to_string())).collect::<Vec<_>>();
        assert_eq!(quotes(&out), quotes(&from_file));
        assert!(quotes(&out).len() >= 4);
    }
}

#[test]
fn a_path_outside_any_folder_is_still_an_input() {
    // Sanity: a plain file named directly works as before.
    let dir = tempfile::tempdir().unwrap();
    let path: &Path = &dir.path().join("one.txt");
    std::fs::write(path, ARTICLE).unwrap();
    let out = run_within(&[path.as_os_str()], 30);
    assert!(out.status.success());
    assert_eq!(&rows(&out)[0][0], "one");
}
