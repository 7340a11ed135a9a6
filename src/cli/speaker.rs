//! `quotestance train speaker`: the learned speaker ranker, from PolNeAR's attributions.

use anyhow::Result;
use clap::Args;
use quotestance::attribute::train::speaker::{self, SpeakerSettings};
use quotestance::attribute::{MODEL_FILE, SPEAKER_MODEL_DIR};
use quotestance::roster::Roster;
use quotestance::syntax::Syntax;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args)]
pub struct TrainSpeakerArgs {
    /// Training split: a folder with `articles/` and `attributions.jsonl`.
    #[arg(long, value_name = "DIR", default_value = "../shared/polnear-train")]
    train: PathBuf,
    /// Dev split (same layout): calibration and the roster threshold only, never training.
    #[arg(long, value_name = "DIR", default_value = "../shared/polnear-dev")]
    dev: PathBuf,
    /// Syntax model folder (default: models/syntax); without it the tree features are missing.
    #[arg(long, value_name = "DIR")]
    syntax: Option<PathBuf>,
    /// Train without the syntax stage (for ablations).
    #[arg(long)]
    no_syntax: bool,
    /// Folder for the model file.
    #[arg(long, value_name = "DIR", default_value = SPEAKER_MODEL_DIR)]
    out: PathBuf,
    /// Use only the first N training articles (for quick checks).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Boosting rounds at most (early stopping picks the best).
    #[arg(long, default_value_t = 300)]
    trees: usize,
    /// Features to blank out (prefix match, comma separated: `tree.,gap.`), for ablations.
    #[arg(long, value_name = "PREFIXES")]
    without: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

pub fn train_main(args: TrainSpeakerArgs) -> Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let started = Instant::now();
    let roster = Roster::load(&super::run::locate("data/roster.toml"))?;
    let syntax = if args.no_syntax { None } else { Some(Syntax::load(&args.syntax.clone().unwrap_or_else(|| super::run::locate("models/syntax")))?) };
    let mut train = speaker::collect(&args.train, syntax.as_ref(), &roster, args.limit)?;
    let mut dev = speaker::collect(&args.dev, syntax.as_ref(), &roster, None)?;
    if let Some(prefixes) = &args.without {
        let prefixes: Vec<&str> = prefixes.split(',').filter(|p| !p.is_empty()).collect();
        for q in train.iter_mut().chain(dev.iter_mut()) {
            speaker::blank_features(&mut q.group, &prefixes);
        }
    }
    eprintln!("train speaker: {} training quotes, {} dev quotes ({:.0} s)", train.len(), dev.len(), started.elapsed().as_secs_f64());
    let mut settings = SpeakerSettings::default();
    settings.ranker.seed = args.seed;
    settings.ranker.trees = args.trees;
    settings.syntax = syntax.is_some();
    let (ranker, report) = speaker::train(&train, &dev, &settings)?;
    std::fs::create_dir_all(&args.out)?;
    let path = args.out.join(MODEL_FILE);
    quotestance::attribute::train::ranker::save(&ranker, &path)?;
    println!("{}", report.reliability);
    println!(
        "speaker: train_quotes={} dev_quotes={} dev_top1={:.3} rules_top1={:.3} ece_before={:.3} ece_after={:.3} roster_threshold={:.3} trees={} seconds={:.0}",
        report.train_groups,
        report.dev_groups,
        report.dev_top1,
        report.dev_top1_rules,
        report.ece_before,
        report.ece_after,
        report.roster_threshold,
        report.best_iteration,
        started.elapsed().as_secs_f64()
    );
    // The training articles held out from fitting, for an end-to-end check on unseen text.
    let held: std::collections::BTreeSet<&str> = train.iter().filter(|q| speaker::held_out(&q.article, settings.validation_share)).map(|q| q.article.as_str()).collect();
    std::fs::write(args.out.join("held-out-articles.txt"), held.into_iter().map(|a| format!("{a}\n")).collect::<String>())?;
    eprintln!("train speaker: wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}
