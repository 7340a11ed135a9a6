//! The progress bar of `run`, on standard error.
//!
//! It counts **articles done out of the total**. The total is counted first, in a thread of its
//! own so that work starts at once ([`count_in_background`]: a `.txt` file is one article, JSON
//! Lines and CSV files are counted by their records); until it is known, and for standard input,
//! a spinner shows the count and the rate. The bar is redrawn ten times a second whatever
//! happens (so it never looks hung), and during tone scoring it moves with every batch of quotes
//! scored, in proportion to the chunk's articles. It shows the rate and the ETA. It is drawn
//! only when standard error is a terminal: in a pipe, a log file or CI it stays silent.

use crate::read::{self, Format, InputFile};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the bar is redrawn, busy or not.
pub const TICK: Duration = Duration::from_millis(100);

const COUNTED: &str = "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} articles, {rate}, ETA {eta} {msg}";
const COUNTING: &str = "{spinner} [{elapsed_precise}] {pos} articles, {rate} (counting the input…) {msg}";
const STREAM: &str = "{spinner} [{elapsed_precise}] {pos} articles, {rate} {msg}";

/// The bar, cheap to clone (all clones draw the same bar).
#[derive(Clone)]
pub struct Progress {
    bar: ProgressBar,
    /// Articles finished before the current chunk (tone progress is drawn relative to it).
    done: Arc<AtomicU64>,
}

impl Progress {
    /// A bar on standard error, or a hidden one when `quiet` or stderr is not a terminal.
    /// `counted`: whether a total will be set (file inputs); otherwise a spinner (stdin).
    pub fn new(quiet: bool, counted: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress::hidden();
        }
        Progress::with_target(ProgressDrawTarget::stderr(), counted)
    }

    /// A bar that draws nothing.
    pub fn hidden() -> Progress {
        Progress { bar: ProgressBar::hidden(), done: Arc::default() }
    }

    /// A bar drawing to `target` (tests capture the drawing with a `TermLike`).
    pub fn with_target(target: ProgressDrawTarget, counted: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(style(if counted { COUNTING } else { STREAM }));
        bar.enable_steady_tick(TICK);
        Progress { bar, done: Arc::default() }
    }

    /// Sets the total once it is counted; the spinner becomes a bar with an ETA.
    pub fn set_total(&self, total: u64) {
        self.bar.set_length(total);
        self.bar.set_style(style(COUNTED));
    }

    /// Articles finished (analysed, scored and handed to the writer, or skipped).
    pub fn articles_done(&self, n: u64) {
        let done = self.done.fetch_add(n, Ordering::Relaxed) + n;
        self.bar.set_position(done);
    }

    /// Tone scoring of a chunk of `articles` articles: `scored` of its `quotes` quotes are done.
    /// The position moves through the chunk in proportion, so the rate and ETA keep moving.
    pub fn tone_scored(&self, articles: u64, scored: usize, quotes: usize) {
        let base = self.done.load(Ordering::Relaxed);
        let part = if quotes == 0 { 0 } else { articles * scored as u64 / quotes as u64 };
        self.bar.set_position(base + part.min(articles));
        self.bar.set_message(format!("(tone {scored}/{quotes} quotes)"));
    }

    /// A note after the counts (`3 skipped as seen before`); empty clears it.
    pub fn set_message(&self, msg: impl Into<String>) {
        self.bar.set_message(msg.into());
    }

    /// Runs `f` (which prints to stderr) with the bar lifted out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// The underlying bar (e.g. to count bytes read).
    pub fn bar(&self) -> &ProgressBar {
        &self.bar
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).expect("valid progress template").with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
        let rate = state.per_sec();
        let _ = if rate >= 10.0 { write!(w, "{rate:.0}/s") } else { write!(w, "{rate:.1}/s") };
    })
}

/// Counts the articles of the inputs in a background thread and sets the bar's total when done.
/// Streams (standard input, FIFOs) are never counted (they can be read only once); with one, the
/// bar stays a spinner.
pub fn count_in_background(files: Vec<InputFile>, progress: Progress) -> Option<std::thread::JoinHandle<u64>> {
    if progress.bar.is_hidden() || files.iter().any(|f| f.path.is_none() || f.stream) {
        return None;
    }
    Some(std::thread::spawn(move || {
        let total = files.iter().map(count_articles).sum();
        progress.set_total(total);
        total
    }))
}

/// The number of articles in one file, as the reader will find them (an unreadable file, which
/// the reader will report, counts 0). Text: 1; JSON Lines: the lines holding an object (a `.json`
/// file holding one array or one pretty-printed object is parsed whole); CSV: the records.
/// Lines are read with the reader's cap, so a huge line is never held whole.
pub fn count_articles(file: &InputFile) -> u64 {
    let Ok(mut reader) = read::open(file, &|r| r) else { return 0 };
    match file.format {
        Some(Format::Text) => 1,
        Some(Format::Csv) => csv::ReaderBuilder::new().flexible(true).from_reader(reader).byte_records().filter(|r| r.is_ok()).count() as u64,
        Some(Format::JsonLines) | Some(Format::Json) | None => {
            let mut line = Vec::new();
            let (mut n, mut first) = (0, true);
            loop {
                match read::read_line_capped(&mut reader, &mut line, read::DEFAULT_MAX_ARTICLE_BYTES) {
                    Ok(read::Line::Eof) | Err(_) => break,
                    Ok(read::Line::TooLong(_)) => {} // skipped by the reader, never an article
                    Ok(read::Line::Data) => {
                        let trimmed = line.trim_ascii();
                        if first && !trimmed.is_empty() {
                            first = false;
                            // Peek: a file opening with `[` (or a pretty object spread over lines) is one JSON value.
                            if trimmed.starts_with(b"[") || (trimmed.starts_with(b"{") && serde_json::from_slice::<serde_json::Value>(trimmed).is_err()) {
                                return count_json_value(file);
                            }
                        }
                        if trimmed.starts_with(b"{") {
                            n += 1;
                        }
                    }
                }
            }
            n
        }
    }
}

/// A `.json` file read whole: the articles of its array, or 1 for one object.
fn count_json_value(file: &InputFile) -> u64 {
    let Ok(reader) = read::open(file, &|r| r) else { return 0 };
    match serde_json::from_reader::<_, serde_json::Value>(reader) {
        Ok(serde_json::Value::Array(items)) => items.len() as u64,
        Ok(_) => 1,
        Err(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::TermLike;
    use std::sync::Mutex;
    use std::time::Instant;

    /// A terminal that records when it was drawn to and what was written.
    #[derive(Debug, Default, Clone)]
    struct Recorder(Arc<Mutex<Vec<(Instant, String)>>>);

    impl TermLike for Recorder {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(s)
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            if !s.is_empty() {
                self.0.lock().unwrap().push((Instant::now(), s.to_string()));
            }
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn sample_files() -> Vec<InputFile> {
        let expanded = read::expand_inputs(&[std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/articles"))], &read::ReadOptions::default());
        assert!(expanded.errors.is_empty());
        expanded.files
    }

    #[test]
    fn the_sample_and_a_json_lines_dump_are_counted_by_articles() {
        assert_eq!(sample_files().iter().map(count_articles).sum::<u64>(), 5);
        let dir = tempfile::tempdir().unwrap();
        let tass = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/articles/001_ca70b0bd16d5c51c.txt")).unwrap();
        let line = serde_json::json!({"id": "t", "text": tass}).to_string();
        let jsonl = dir.path().join("dump.jsonl");
        std::fs::write(&jsonl, format!("{line}\n\n{line}\n{line}\n")).unwrap();
        let array = dir.path().join("dump.json");
        std::fs::write(&array, format!("[\n{line},\n{line}\n]\n")).unwrap();
        let files = read::expand_inputs(&[jsonl, array], &read::ReadOptions::default()).files;
        assert_eq!(files.iter().map(count_articles).collect::<Vec<_>>(), vec![3, 2]);
    }

    /// While the tone model works through a long chunk, nothing else changes; the bar must still
    /// be redrawn (at least every 200 ms) and show the quotes scored. Drawn into a recorder for a
    /// second of "scoring"; ten redraws are expected, four are required (a loaded machine may
    /// delay the ticker thread, never stop it).
    #[test]
    fn the_bar_keeps_drawing_while_tone_scoring_runs() {
        let recorder = Recorder::default();
        let progress = Progress::with_target(ProgressDrawTarget::term_like(Box::new(recorder.clone())), true);
        progress.set_total(sample_files().iter().map(count_articles).sum());
        progress.articles_done(2);
        let start = Instant::now();
        progress.tone_scored(3, 10, 46);
        while start.elapsed() < Duration::from_millis(1000) {
            std::thread::sleep(Duration::from_millis(20));
        }
        progress.tone_scored(3, 46, 46);
        progress.articles_done(3);
        std::thread::sleep(Duration::from_millis(250));
        let draws = recorder.0.lock().unwrap().clone();
        let during: Vec<&(Instant, String)> = draws.iter().filter(|(t, _)| *t >= start && t.duration_since(start) < Duration::from_millis(1000)).collect();
        assert!(during.len() >= 4, "only {} redraws in a second of tone scoring", during.len());
        let texts: Vec<&str> = draws.iter().map(|(_, s)| s.as_str()).collect();
        assert!(texts.iter().any(|s| s.contains("2/5 articles") && s.contains("(tone 10/46 quotes)")), "{texts:?}");
        assert!(texts.iter().any(|s| s.contains("5/5 articles")), "{texts:?}");
        assert!(texts.iter().any(|s| s.contains("ETA")), "{texts:?}");
    }

    #[test]
    fn hidden_when_quiet() {
        let p = Progress::new(true, true);
        assert!(p.bar().is_hidden());
        assert!(count_in_background(sample_files(), p).is_none());
    }
}
