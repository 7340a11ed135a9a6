//! `quotestance run`: articles in, one CSV row per quotation out.
//!
//! Articles are read in input order in chunks; each chunk goes through the text stages in
//! parallel (rayon keeps the order), then through the tone model, then to the writer. Output is
//! therefore the same whatever the thread count, and memory stays bounded by the chunk size.

use super::EXIT_PARTIAL;
use anyhow::{Context, Result};
use clap::Args;
use quotestance::attribute::{SpeakerChooser, SPEAKER_MODEL_DIR};
use quotestance::dedupe::Dedupe;
use quotestance::pipeline::{analyze_with, is_roster_row, Models};
use quotestance::progress::{count_in_background, Progress};
use quotestance::read::{self, Article, InputError, ReadOptions};
use quotestance::record::{QuoteRow, ToneColumns};
use quotestance::roster::Roster;
use quotestance::speaker_key::SpeakerKeys;
use quotestance::state::State;
use quotestance::syntax::Syntax;
use super::relay::{default_model_dir, ToneModel};
use quotestance::write::{self, Output, OutputFormat, OutputOptions};
use rayon::prelude::*;
use std::collections::BTreeMap;
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
    /// Syntax models folder (default: models/syntax).
    #[arg(long, value_name = "DIR")]
    syntax_model: Option<PathBuf>,
    /// Speaker model folder (default: models/speaker).
    #[arg(long, value_name = "DIR")]
    speaker_model: Option<PathBuf>,
    /// Choose speakers with the hand-written rules alone (no syntax stage, no learned ranker).
    #[arg(long)]
    rules_only: bool,
    /// Remember processed articles (id and content hash) in FILE and skip those already
    /// recorded there: rows only for new or changed articles (for daily dumps).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Leave out rows marked duplicate_of (the same quote by the same speaker in an earlier
    /// article, or in an earlier copy of the same story).
    #[arg(long)]
    dedupe: bool,
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
    /// Articles skipped because the `--state` file records them.
    seen_before: usize,
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
    let mut state = args.state.as_deref().map(State::load).transpose()?;
    let mut keys = SpeakerKeys::new(&roster);
    if let Some(state) = &state {
        keys.learn_keys(state.names());
    }
    let mut dedupe = Dedupe::new();
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().context("cannot start worker threads")?;
    // The model is loaded before any article is read, so that a bad folder fails fast.
    let model = if args.no_tone {
        None
    } else {
        let dir = args.model.clone().unwrap_or_else(default_model_dir);
        Some(ToneModel::load(&dir, threads).context("cannot load the tone model (use --no-tone to skip tone, or --model DIR)")?)
    };
    // Inside the pool, so that loading the models side by side uses the threads asked for.
    let (syntax, speaker) = pool.install(|| learned_models(args))?;
    let models = Models { roster: &roster, syntax: syntax.as_ref(), speaker: speaker.as_ref() };

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
    // Files are counted first, on a thread of their own, so the bar shows articles done out of
    // the total; a stream gets a spinner with counts and rate.
    let progress = Progress::new(args.quiet, !streaming);
    let _counting = if streaming { None } else { count_in_background(files.clone(), progress.clone()) };
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
        scope.spawn(|| read_articles(&files, &read_options, item_tx));
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
            let seen_before = state.as_ref().map_or(0, |s| s.retain_new(&mut chunk));
            tally.seen_before += seen_before;
            let rows = pool.install(|| chunk.par_iter().map(|a| analyze_guarded(a, models)).collect::<Vec<_>>());
            let mut rows: Vec<Vec<QuoteRow>> = rows
                .into_iter()
                .zip(&chunk)
                .map(|(r, article)| match r {
                    Ok(rows) => {
                        if let Some(state) = &mut state {
                            state.record(article);
                        }
                        rows
                    }
                    Err(e) => {
                        report(&e, &progress, &mut tally);
                        Vec::new()
                    }
                })
                .collect();
            // Across articles, in input order: one key per person, then copies of earlier quotes.
            keys.assign_batch(&mut rows);
            let texts: Vec<(&str, &str)> = chunk.iter().map(|a| (a.id.as_str(), a.text.as_str())).collect();
            pool.install(|| dedupe.mark_batch(&texts, &mut rows));
            tally.articles += chunk.len();
            tally.text_bytes += chunk.iter().map(|a| a.text.len()).sum::<usize>();
            let mut keep: Vec<QuoteRow> = Vec::new();
            for article_rows in rows {
                tally.quotes_found += article_rows.len();
                keep.extend(article_rows.into_iter().filter(|r| (args.all_quotes || is_roster_row(r)) && !(args.dedupe && r.duplicate_of.is_some())));
            }
            if let Some(model) = &model {
                score_tone(model, &mut keep, &progress, chunk.len() as u64)?;
            }
            progress.articles_done((chunk.len() + seen_before) as u64);
            progress.set_message(if tally.seen_before > 0 { format!("({} seen before, skipped)", tally.seen_before) } else { String::new() });
            if row_tx.send(keep).is_err() {
                break; // the writer failed; its error is reported below
            }
        }
        drop(row_tx);
        // Ends the reader too, if the writer stopped early (its sends fail).
        drop(item_rx);
        let (output, by_speaker, written) = writer.join().expect("writer thread")?;
        tally.by_speaker = by_speaker;
        tally.rows_written = written;
        output.finish()
    })?;
    progress.finish();
    // Only now that the output is complete: an interrupted run leaves the old state in place.
    if let Some(state) = &mut state {
        state.remember_names(keys.known_names());
        state.save()?;
    }

    if !args.quiet {
        let shown = if to_stdout { None } else { args.output.as_deref() };
        print_summary(&tally, started, shown, model.as_ref().map(|m| m.name()));
    }
    Ok(if tally.input_errors > 0 && !pipe { ExitCode::from(EXIT_PARTIAL) } else { ExitCode::SUCCESS })
}

/// Runs the text stages on one article; an internal error (a panic) skips that article with a
/// message instead of ending the batch.
fn analyze_guarded(article: &Article, models: Models) -> Result<Vec<QuoteRow>, InputError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| analyze_with(article, models))).map_err(|panic| {
        let what = panic.downcast_ref::<String>().map(String::as_str).or_else(|| panic.downcast_ref::<&str>().copied()).unwrap_or("unknown");
        InputError { path: article.source.clone(), line: None, message: format!("internal error on article {:?} ({what}); please report it", article.id) }
    })
}

/// The syntax models and the speaker ranker: from the flags, else the default folders where
/// they exist; none of them with `--rules-only`.
fn learned_models(args: &RunArgs) -> Result<(Option<Syntax>, Option<SpeakerChooser>)> {
    if args.rules_only {
        return Ok((None, None));
    }
    let speaker_dir = args.speaker_model.clone().unwrap_or_else(|| locate(SPEAKER_MODEL_DIR));
    let speaker = if args.speaker_model.is_some() || speaker_dir.join(quotestance::attribute::MODEL_FILE).exists() {
        Some(SpeakerChooser::load(&speaker_dir)?)
    } else {
        None
    };
    // Only the speaker ranker reads trees so far: parse only for a model trained with them.
    let syntax_dir = args.syntax_model.clone().unwrap_or_else(|| locate("models/syntax"));
    let wanted = speaker.as_ref().is_some_and(|s| s.uses_syntax);
    let syntax = if wanted && (args.syntax_model.is_some() || syntax_dir.join(quotestance::syntax::TAGGER_FILE).exists()) {
        Some(Syntax::load(&syntax_dir).with_context(|| format!("cannot load the syntax models from {} (or run with --rules-only)", syntax_dir.display()))?)
    } else {
        None
    };
    Ok((syntax, speaker))
}

/// What the reader thread sends, in input order: an article, or an input it had to skip.
enum Item {
    Article(Article),
    Skipped(InputError),
}

/// Reads every file in order; stops when the receiving end is gone.
fn read_articles(files: &[read::InputFile], options: &ReadOptions, tx: mpsc::SyncSender<Item>) {
    for file in files {
        let reader = match read::open(file, &|r| r) {
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

fn report(e: &InputError, progress: &Progress, tally: &mut Tally) {
    tally.input_errors += 1;
    progress.suspend(|| eprintln!("quotestance: skipped {e}"));
}

/// Scores the tone of every row (one batched call for the chunk of `articles` articles; the
/// progress bar moves with each batch).
fn score_tone(model: &ToneModel, rows: &mut [QuoteRow], progress: &Progress, articles: u64) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let texts: Vec<&str> = rows.iter().map(|r| r.quote.as_str()).collect();
    let scores = model.score_with_progress(&texts, &mut |done| progress.tone_scored(articles, done, texts.len()))?;
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
    if tally.seen_before > 0 {
        eprintln!("quotestance: {} articles skipped as already processed (--state)", tally.seen_before);
    }
    if tally.input_errors > 0 {
        eprintln!("quotestance: {} inputs skipped (see the messages above); exit status {}", tally.input_errors, EXIT_PARTIAL);
    }
}

/// Peak resident memory of this process (Linux: VmHWM in /proc/self/status), in MB.
pub(crate) fn peak_memory_mb() -> Option<f64> {
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

/// Finds a bundled file (see `quotestance::home`: `$QUOTESTANCE_HOME`, the working directory,
/// the install's `share/quotestance`, the repository of the executable).
pub fn locate(relative: &str) -> PathBuf {
    quotestance::home::locate(relative)
}
