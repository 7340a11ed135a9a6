//! Tone subcommands: `tone` (score texts), `train-tone`, `assemble-tone` and `eval-tone`.

use anyhow::{bail, Context, Result};
use clap::Args;
use quotestance::tone::assemble::assemble;
use quotestance::tone::train::data::{read_corpus, Corpus};
use quotestance::tone::train::lora::LoraSettings;
use quotestance::tone::train::metrics::tone_metrics;
use quotestance::tone::train::{train, TrainOptions, TrainPaths};
use quotestance::tone::{default_model_dir, ToneModel, DEFAULT_BATCH_SIZE};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Options shared by the commands that run a model.
#[derive(Args)]
pub struct ModelArgs {
    /// Model folder (rust-bert sequence classifier: BERT, DistilBERT or RoBERTa family).
    /// Default: $QUOTESTANCE_TONE_MODEL, else ./models/tone.
    #[arg(long, value_name = "DIR")]
    model: Option<PathBuf>,
    /// libtorch threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Texts per forward pass (texts are sorted by length before batching).
    #[arg(long, default_value_t = DEFAULT_BATCH_SIZE)]
    batch_size: usize,
}

impl ModelArgs {
    fn load(&self) -> Result<ToneModel> {
        let dir = self.model.clone().unwrap_or_else(default_model_dir);
        Ok(ToneModel::load(&dir, self.threads)?.with_batch_size(self.batch_size))
    }
}

/// `quotestance tone`: one text per line, or `id<TAB>text`; writes
/// `id,tone,tone_score,p_negative,p_neutral,p_positive` (id = line number when absent;
/// p_neutral is empty for 2-label models; tone = the band of tone_score, ±0.05 neutral).
#[derive(Args)]
pub struct ToneArgs {
    /// Input file, or `-` for standard input.
    #[arg(default_value = "-")]
    input: String,
    /// Output CSV (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn tone_main(args: ToneArgs) -> Result<ExitCode> {
    let model = args.model.load()?; // before reading any input, so a bad model fails fast
    let lines = read_input(&args.input)?;
    let (ids, texts): (Vec<String>, Vec<String>) = lines
        .into_iter()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| match line.split_once('\t') {
            Some((id, text)) => (id.to_string(), text.to_string()),
            None => ((i + 1).to_string(), line),
        })
        .unzip();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let scores = model.score(&refs)?;

    let sink: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(sink));
    out.write_record(["id", "tone", "tone_score", "p_negative", "p_neutral", "p_positive"])?;
    for (id, s) in ids.iter().zip(&scores) {
        let neutral = s.p_neutral.map(|p| format!("{p:.4}")).unwrap_or_default();
        out.write_record([
            id.as_str(),
            s.label.as_str(),
            &format!("{:.4}", s.score),
            &format!("{:.4}", s.p_negative),
            &neutral,
            &format!("{:.4}", s.p_positive),
        ])?;
    }
    out.flush().context("cannot write the output")?;
    Ok(ExitCode::SUCCESS)
}

/// Lines of a file or of stdin (`-`); invalid UTF-8 is replaced rather than rejected.
fn read_input(input: &str) -> Result<Vec<String>> {
    let mut bytes = Vec::new();
    if input == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(input).with_context(|| format!("cannot read {input}"))?;
    }
    Ok(String::from_utf8_lossy(&bytes).lines().map(|l| l.trim_end_matches('\r').to_string()).collect())
}

/// `quotestance train-tone`: fine-tune all-MiniLM-L6-v2 with LoRA on the VADER ratings
/// (tweets, movie and Amazon snippets; the NYT sentences are never used).
#[derive(Args)]
pub struct TrainToneArgs {
    /// The all-MiniLM-L6-v2 folder unpacked from the wheel.
    #[arg(long, default_value = ".cache/encoder")]
    encoder: PathBuf,
    /// The unpacked hutto_ICWSM_2014 folder.
    #[arg(long, default_value = ".cache/vader")]
    data: PathBuf,
    /// Where adapters.safetensors and manifest.json are written.
    #[arg(long, default_value = "models/tone-weights")]
    out: PathBuf,
    #[arg(long, default_value_t = 13)]
    seed: u64,
    #[arg(long, default_value_t = 3)]
    epochs: usize,
    #[arg(long, default_value_t = 32)]
    batch_size: usize,
    #[arg(long, default_value_t = 5e-4)]
    lr: f64,
    #[arg(long, default_value_t = 0.06)]
    warmup: f64,
    #[arg(long, default_value_t = 0.01)]
    weight_decay: f64,
    /// LoRA rank (adapter size grows linearly with it).
    #[arg(long, default_value_t = 16)]
    rank: i64,
    /// LoRA alpha: the adapter update is scaled by alpha / rank.
    #[arg(long, default_value_t = 32.0)]
    alpha: f64,
    #[arg(long, default_value_t = 0.1)]
    lora_dropout: f64,
    /// Weight of the squared error between p_pos − p_neg and mean rating / 4.
    #[arg(long, default_value_t = 3.0)]
    score_weight: f64,
    #[arg(long, default_value_t = 0.1)]
    dev_fraction: f64,
    #[arg(long, default_value_t = 128)]
    max_tokens: usize,
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Train on only the first N training sentences (quick trials).
    #[arg(long)]
    limit: Option<usize>,
}

pub fn train_main(a: TrainToneArgs) -> Result<ExitCode> {
    let options = TrainOptions {
        seed: a.seed,
        epochs: a.epochs,
        batch_size: a.batch_size.max(1),
        learning_rate: a.lr,
        warmup_fraction: a.warmup,
        weight_decay: a.weight_decay,
        lora: LoraSettings { rank: a.rank, alpha: a.alpha, dropout: a.lora_dropout },
        score_weight: a.score_weight,
        dev_fraction: a.dev_fraction,
        max_tokens: a.max_tokens,
        threads: a.threads,
        limit: a.limit,
    };
    let paths = TrainPaths { encoder_dir: a.encoder, data_dir: a.data, out_dir: a.out.clone() };
    let record = train(&paths, &options)?;
    let kept = &record.epochs[record.kept_epoch - 1];
    eprintln!(
        "train-tone: wrote {} (epoch {} kept: dev r={:.3} weightedF1={:.3}; {:.0} s in all)",
        a.out.display(),
        record.kept_epoch,
        kept.dev_pearson_r,
        kept.dev_weighted_f1,
        record.train_seconds
    );
    Ok(ExitCode::SUCCESS)
}

/// `quotestance assemble-tone`: merge the committed weights into the encoder → model folder.
#[derive(Args)]
pub struct AssembleToneArgs {
    #[arg(long, default_value = ".cache/encoder")]
    encoder: PathBuf,
    #[arg(long, default_value = "models/tone-weights")]
    weights: PathBuf,
    #[arg(long, default_value = "models/tone")]
    out: PathBuf,
}

pub fn assemble_main(a: AssembleToneArgs) -> Result<ExitCode> {
    let manifest = assemble(&a.encoder, &a.weights, &a.out)?;
    // Load it once, so a folder that would not run is reported now rather than later.
    ToneModel::load(&a.out, 0)?;
    eprintln!("assemble-tone: wrote {} ({}, sha256 {})", a.out.display(), manifest.name, manifest.model_sha256);
    Ok(ExitCode::SUCCESS)
}

/// `quotestance eval-tone`: Pearson r, accuracy, macro and weighted F1 against the human
/// ratings of the NYT editorial sentences, for a model and/or CSVs of scores (`id,tone_score`).
#[derive(Args)]
pub struct EvalToneArgs {
    /// The unpacked hutto_ICWSM_2014 folder.
    #[arg(long, default_value = ".cache/vader")]
    data: PathBuf,
    /// CSV with columns id and tone_score (e.g. VADER compound scores); may be repeated.
    /// Without --scores the model is evaluated; with it, only if --model is given.
    #[arg(long, value_name = "CSV")]
    scores: Vec<PathBuf>,
    /// Also write the model's scores as CSV (id,tone_score).
    #[arg(long, value_name = "CSV")]
    write_scores: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArgs,
}

pub fn eval_main(a: EvalToneArgs) -> Result<ExitCode> {
    let test = read_corpus(&a.data, Corpus::NytEditorials)?;
    let gold: Vec<f32> = test.iter().map(|t| t.mean).collect();
    println!(
        "NYT editorial sentences (n={}): gold class = sign of mean rating, |mean| < 0.05 neutral; \
         model class = the `tone` label as written (sign of tone_score, |score| < 0.05 neutral)",
        test.len()
    );
    if a.scores.is_empty() || a.model.model.is_some() {
        let model = a.model.load()?;
        let texts: Vec<&str> = test.iter().map(|t| t.text.as_str()).collect();
        let started = Instant::now();
        let scores: Vec<f32> = model.score(&texts)?.iter().map(|s| s.score).collect();
        let seconds = started.elapsed().as_secs_f64();
        println!("{:<28} {}", model.name(), tone_metrics(&scores, &gold));
        println!("{:<28} scored {:.0} sentences/s ({} threads)", "", texts.len() as f64 / seconds, a.model.threads);
        if let Some(path) = &a.write_scores {
            let mut w = csv::Writer::from_path(path).with_context(|| format!("cannot create {}", path.display()))?;
            w.write_record(["id", "tone_score"])?;
            for (t, s) in test.iter().zip(&scores) {
                w.write_record([t.id.as_str(), &format!("{s:.4}")])?;
            }
            w.flush()?;
        }
    }
    for path in &a.scores {
        let by_id = read_scores(path)?;
        let scores = test
            .iter()
            .map(|t| by_id.get(&t.id).copied().with_context(|| format!("{}: no score for id {}", path.display(), t.id)))
            .collect::<Result<Vec<f32>>>()?;
        let label = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        println!("{:<28} {}", label, tone_metrics(&scores, &gold));
    }
    Ok(ExitCode::SUCCESS)
}

/// `id → tone_score` from a CSV with a header naming both columns.
fn read_scores(path: &PathBuf) -> Result<HashMap<String, f32>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = reader.headers()?.clone();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(id_col), Some(score_col)) = (column("id"), column("tone_score")) else {
        bail!("{}: needs columns id and tone_score", path.display());
    };
    let mut out = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
        let score: f32 = record
            .get(score_col)
            .and_then(|s| s.trim().parse().ok())
            .with_context(|| format!("{}: row {}: tone_score is not a number", path.display(), i + 2))?;
        out.insert(record.get(id_col).unwrap_or_default().trim().to_string(), score);
    }
    Ok(out)
}
