//! `quotestance eval`: score a quotes CSV against gold quotes.

use anyhow::Result;
use clap::Args;
use quotestance::eval::score_files;
use quotestance::roster::Roster;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct EvalArgs {
    /// Gold CSV: article,speaker,kind,quote_prefix,note.
    #[arg(long, value_name = "FILE")]
    gold: PathBuf,
    /// Predicted quotes CSV (needs article_id, speaker, quote), e.g. from `run --all-quotes`.
    #[arg(long, value_name = "FILE")]
    pred: PathBuf,
    /// Roster whose officials count as roster speakers (default: data/roster.toml).
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// List every miss, wrong and extra attribution.
    #[arg(short, long)]
    verbose: bool,
}

pub fn main(args: EvalArgs) -> Result<ExitCode> {
    let roster = Roster::load(&args.roster.unwrap_or_else(|| super::run::locate("data/roster.toml")))?;
    let surnames: Vec<String> = roster.officials.iter().filter_map(|o| o.name.split_whitespace().last().map(String::from)).collect();
    let score = score_files(&args.gold, &args.pred, &surnames)?;
    if args.verbose {
        for line in &score.misses {
            println!("{line}");
        }
    }
    println!("{}", score.report());
    Ok(ExitCode::SUCCESS)
}
