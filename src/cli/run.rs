//! `quotestance run`: articles in, one CSV row per quotation out.
//!
//! Articles are read in input order in chunks; each chunk goes through the text stages in
//! parallel (rayon keeps the order), then through the tone model, then to the writer. Output is
//! therefore the same whatever the thread count, and memory stays bounded by the chunk size.

use super::EXIT_PARTIAL;
use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use quotestance::pipeline::{analyze, is_roster_row};
use quotestance::read::{self, Article, InputError, ReadOptions};
use quotestance::record::{QuoteRow, ToneColumns};
use quotestance::roster::Roster;
use quotestance::tone::{default_model_dir, ToneModel};
use quotestance::write::{self, Output, OutputFormat, OutputOptions};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Instant;

/// Articles analysed together; bounds memory, keeps the tone batches full.
const CHUNK: usize = 512;

#[derive(Args)]
pub struct RunArgs {
    /// Article files or folders (recursed): .txt, .jsonl/.ndjson, .json, .csv, optionally .gz; `-` reads standard input (JSON Lines or plain text).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Write the rows here (default or `-`: standard output). A file appears only when complete.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format (default: from the -o extension, .csv / .jsonl / .parquet, else csv).
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<OutputFormat>,
    /// CSV: no header row (for pipes that concatenate outputs, e.g. Spark's rdd.pipe).
    #[arg(long)]
    no_header: bool,
    /// CSV: write cells raw, without the protective apostrophe before formula-like text (for notebooks, not spreadsheets).
    #[arg(long)]
    no_protect: bool,
    /// Follow symbolic links inside input folders (each file is still read once; loops are reported).
    #[arg(long)]
    follow: bool,
    /// Largest article or record read, in bytes; a larger one is reported and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = read::DEFAULT_MAX_ARTICLE_BYTES)]
    max_article_bytes: usize,
    /// Format of standard input (default: JSON Lines when it starts with `{`, a JSON array with `[`, else plain text).
    #[arg(long, value_enum, value_name = "FORMAT")]
    stdin_format: Option<read::Format>,
    /// Roster of officials (default: data/roster.toml).
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// Write every quotation found, not only those attributed to a roster official.
    #[arg(long)]
    all_quotes: bool,
    /// Worker threads for the text stages and the tone model (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// No progress bar, no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Skip the tone model; the tone columns stay empty.
    #[arg(long)]
    no_tone: bool,
    /// Tone model folder (any rust-bert sequence-classification model; default: models/tone).
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// Start the CSV with a UTF-8 byte-order mark, for Excel.
    #[arg(long)]
    bom: bool,
}

/// What a run did, for the summary and the exit status.
#[derive(Default)]
struct Tally {
    articles: usize,
    input_errors: usize,
    /// Article text read, in bytes (after decompression).
    text_bytes: usize,
    quotes_found: usize,
    rows_written: usize,
    by_speaker: BTreeMap<String, usize>,
}

pub fn main(args: RunArgs) -> Result<ExitCode> {
    match run(&args) {
        // `| head` closed the pipe: stop quietly, as `cat` does.
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn output_options(args: &RunArgs) -> Result<OutputOptions> {
    let format = args
        .format
        .or_else(|| args.output.as_deref().and_then(OutputFormat::from_extension))
        .unwrap_or(OutputFormat::Csv);
    if format != OutputFormat::Csv && (args.bom || args.no_header || args.no_protect) {
        anyhow::bail!("--bom, --no-header and --no-protect are for CSV output; this output is {format:?}");
    }
    Ok(OutputOptions { format, bom: args.bom, header: !args.no_header, protect: !args.no_protect })
}

fn run(args: &RunArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let options = output_options(args)?;
    let to_stdout = matches!(write::target::plan(args.output.as_deref())?, write::target::Plan::Stdout);
    if to_stdout && stdout_was_closed() {
        anyhow::bail!("standard output is closed; give -o FILE");
    }
    if let Some(output) = &args.output {
        write::target::refuse_inputs(output, &args.inputs, |p| read::format_of(p).is_some())?;
    }
    write::target::install_signal_cleanup()?;
    let roster_path = args.roster.clone().unwrap_or_else(|| locate("data/roster.toml"));
    let roster = Roster::load(&roster_path)?;
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().context("cannot start worker threads")?;
    // The model is loaded before any article is read, so that a bad folder fails fast.
    let model = if args.no_tone {
        None
    } else {
        let dir = args.model.clone().unwrap_or_else(default_model_dir);
        Some(ToneModel::load(&dir, threads).context("cannot load the tone model (use --no-tone to skip tone, or --model DIR)")?)
    };

    let read_options = ReadOptions { follow: args.follow, max_article_bytes: args.max_article_bytes.max(1), stdin_format: args.stdin_format };
    let read::Expanded { files, errors: expand_errors, warnings } = read::expand_inputs(&args.inputs, &read_options);
    for w in &warnings {
        eprintln!("quotestance: warning: {w}");
    }
    if files.is_empty() {
        for e in &expand_errors {
            eprintln!("quotestance: {e}");
        }
        anyhow::bail!("no article files found in {}", args.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
    }
    // A stream (standard input, a FIFO) is processed as it comes: rows are written as each
    // article finishes. On standard input (a pipe filter) a bad record is reported and skipped
    // without changing the exit status.
    let streaming = files.iter().any(|f| f.stream);
    let pipe = files.iter().any(|f| f.path.is_none());
    let output = Output::create(args.output.as_deref(), options)?;
    let total_bytes: u64 = files.iter().filter_map(|f| f.path.as_ref()).filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let progress = progress_bar(total_bytes, args.quiet || streaming);
    let mut tally = Tally::default();
    for e in &expand_errors {
        report(e, &progress, &mut tally);
    }

    // Three stages overlap: a reader thread parses files into articles, this thread runs the
    // text stages (on the rayon pool) and the tone model on batches of them, a writer thread
    // writes rows. Batches keep their order through both channels, so the output does not
    // depend on timing. Files go in full batches of CHUNK articles; a stream's batch is what
    // has arrived, so that rows come out while the stream is still open.
    let (item_tx, item_rx) = mpsc::sync_channel::<Item>(CHUNK);
    let (row_tx, row_rx) = mpsc::sync_channel::<Vec<QuoteRow>>(2);
    let writer_progress = progress.clone();
    std::thread::scope(|scope| -> Result<()> {
        scope.spawn(|| read_articles(&files, &read_options, &progress, item_tx));
        let writer = scope.spawn(move || -> Result<(Output, BTreeMap<String, usize>, usize)> {
            let mut output = output;
            // The header goes out at once (a pipe's reader sees it before any article ends).
            output.flush()?;
            let (mut by_speaker, mut written) = (BTreeMap::new(), 0);
            for rows in row_rx {
                for row in &rows {
                    output.write_row(row)?;
                    *by_speaker.entry(row.speaker.clone().unwrap_or_else(|| "(no speaker)".into())).or_default() += 1;
                }
                written += rows.len();
                output.flush()?;
            }
            drop(writer_progress);
            Ok((output, by_speaker, written))
        });
        let mut items = item_rx.iter();
        while let Some(first) = items.next() {
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut take = |item: Item, chunk: &mut Vec<Article>| match item {
                Item::Article(a) => chunk.push(a),
                Item::Skipped(e) => report(&e, &progress, &mut tally),
            };
            take(first, &mut chunk);
            while chunk.len() < CHUNK {
                let next = if streaming { item_rx.try_recv().ok() } else { items.next() };
                match next {
                    Some(item) => take(item, &mut chunk),
                    None => break,
                }
            }
            if chunk.is_empty() {
                continue;
            }
            let rows = pool.install(|| chunk.par_iter().map(|a| analyze_guarded(a, &roster)).collect::<Vec<_>>());
            let rows: Vec<Vec<QuoteRow>> = rows
                .into_iter()
                .map(|r| r.unwrap_or_else(|e| {
                    report(&e, &progress, &mut tally);
                    Vec::new()
                }))
                .collect();
            tally.articles += chunk.len();
            tally.text_bytes += chunk.iter().map(|a| a.text.len()).sum::<usize>();
            let mut keep: Vec<QuoteRow> = Vec::new();
            for article_rows in rows {
                tally.quotes_found += article_rows.len();
                keep.extend(article_rows.into_iter().filter(|r| args.all_quotes || is_roster_row(r)));
            }
            if let Some(model) = &model {
                score_tone(model, &mut keep)?;
            }
            let rate = tally.articles as f64 / started.elapsed().as_secs_f64().max(1e-3);
            progress.set_message(format!("{} articles, {rate:.0} articles/s", tally.articles));
            if row_tx.send(keep).is_err() {
                break; // the writer failed; its error is reported below
            }
        }
        drop(row_tx);
        // Ends the reader too, if the writer stopped early (its sends fail).
        drop(items);
        drop(item_rx);
        let (output, by_speaker, written) = writer.join().expect("writer thread")?;
        tally.by_speaker = by_speaker;
        tally.rows_written = written;
        output.finish()
    })?;
    progress.finish_and_clear();

    if !args.quiet {
        let shown = if to_stdout { None } else { args.output.as_deref() };
        print_summary(&tally, started, shown, model.as_ref().map(|m| m.name()));
    }
    Ok(if tally.input_errors > 0 && !pipe { ExitCode::from(EXIT_PARTIAL) } else { ExitCode::SUCCESS })
}

/// Runs the text stages on one article; an internal error (a panic) skips that article with a
/// message instead of ending the batch.
fn analyze_guarded(article: &Article, roster: &Roster) -> Result<Vec<QuoteRow>, InputError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| analyze(article, roster))).map_err(|panic| {
        let what = panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied()).unwrap_or("unknown");
        InputError { path: article.source.clone(), line: None, message: format!("internal error on article {:?} ({what}); please report it", article.id) }
    })
}

/// What the reader thread sends, in input order: an article, or an input it had to skip.
enum Item {
    Article(Article),
    Skipped(InputError),
}

/// Reads every file in order; stops when the receiving end is gone.
fn read_articles(files: &[read::InputFile], options: &ReadOptions, progress: &ProgressBar, tx: mpsc::SyncSender<Item>) {
    for file in files {
        let counter = progress.clone();
        let wrap = move |r: Box<dyn Read + Send>| -> Box<dyn Read + Send> { Box::new(counter.wrap_read(r)) };
        let reader = match read::open(file, &wrap) {
            Ok(r) => r,
            Err(e) => {
                if tx.send(Item::Skipped(InputError { path: file.display_name(), line: None, message: format!("cannot open: {e}") })).is_err() {
                    return;
                }
                continue;
            }
        };
        let mut gone = false;
        read::read_file(file, reader, options, &mut |item| {
            if !gone {
                gone = tx.send(match item {
                    Ok(article) => Item::Article(article),
                    Err(e) => Item::Skipped(e),
                }).is_err();
            }
        });
        if gone {
            return;
        }
    }
}

fn report(e: &InputError, progress: &ProgressBar, tally: &mut Tally) {
    tally.input_errors += 1;
    progress.suspend(|| eprintln!("quotestance: skipped {e}"));
}

/// Scores the tone of every row (one batched call for the chunk).
fn score_tone(model: &ToneModel, rows: &mut [QuoteRow]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let texts: Vec<&str> = rows.iter().map(|r| r.quote.as_str()).collect();
    let scores = model.score(&texts)?;
    for (row, s) in rows.iter_mut().zip(scores) {
        row.tone = Some(ToneColumns {
            tone: s.label.as_str().to_string(),
            tone_score: s.score,
            p_negative: s.p_negative,
            p_neutral: s.p_neutral,
            p_positive: s.p_positive,
            model: model.name().to_string(),
        });
    }
    Ok(())
}

/// A progress bar on standard error (drawn only when it is a terminal).
fn progress_bar(total_bytes: u64, hidden: bool) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} read, {msg}, ETA {eta}")
            .expect("valid progress template"),
    );
    bar
}

fn print_summary(tally: &Tally, started: Instant, output: Option<&Path>, model: Option<&str>) {
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "quotestance: {} articles, {} quotations found, {} rows written{} in {:.2} s ({:.0} articles/s, {:.1} MB/s){}{}",
        tally.articles,
        tally.quotes_found,
        tally.rows_written,
        output.map(|p| format!(" to {}", p.display())).unwrap_or_default(),
        secs,
        tally.articles as f64 / secs.max(1e-9),
        tally.text_bytes as f64 / 1e6 / secs.max(1e-9),
        peak_memory_mb().map(|mb| format!(", peak memory {mb:.0} MB")).unwrap_or_default(),
        model.map(|m| format!(", tone model {m}")).unwrap_or_else(|| ", no tone".into()),
    );
    let mut speakers: Vec<(&String, &usize)> = tally.by_speaker.iter().collect();
    speakers.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (speaker, n) in speakers.iter().take(15) {
        eprintln!("  {n:>6}  {speaker}");
    }
    if speakers.len() > 15 {
        eprintln!("  ... and {} more speakers", speakers.len() - 15);
    }
    if tally.input_errors > 0 {
        eprintln!("quotestance: {} inputs skipped (see the messages above); exit status {}", tally.input_errors, EXIT_PARTIAL);
    }
}

/// Peak resident memory of this process (Linux: VmHWM in /proc/self/status), in MB.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Whether file descriptor 1 was closed when the process started (`quotestance run >&-`).
/// The Rust runtime reopens a closed descriptor on /dev/null before `main`, where rows would be
/// lost without a word, so this is checked earlier, by a constructor run by the loader.
fn stdout_was_closed() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static CHECK_STDOUT: extern "C" fn() = {
    extern "C" fn check() {
        // SAFETY: fcntl(F_GETFD) only queries the descriptor.
        let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
        STDOUT_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
    }
    check
};

/// Finds a bundled file: relative to the working directory, else to the executable's project.
pub fn locate(relative: &str) -> PathBuf {
    let here = PathBuf::from(relative);
    if here.exists() {
        return here;
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent()?.parent().map(|root| root.join(relative)))
        .filter(|p| p.exists())
        .unwrap_or(here)
}
