//! `quotestance eval`: score a quotes CSV against gold quotes.

use anyhow::Result;
use clap::Args;
use quotestance::eval::score_files;
use quotestance::roster::Roster;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct EvalArgs {
    #[command(subcommand)]
    what: Option<EvalWhat>,
    /// Gold CSV: article,speaker,kind,quote_prefix,note.
    #[arg(long, value_name = "FILE", required = true)]
    gold: Option<PathBuf>,
    /// Predicted quotes CSV (needs article_id, speaker, quote), e.g. from `run --all-quotes`.
    #[arg(long, value_name = "FILE", required = true)]
    pred: Option<PathBuf>,
    /// Roster whose officials count as roster speakers (default: data/roster.toml).
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// List every miss, wrong and extra attribution.
    #[arg(short, long)]
    verbose: bool,
    /// Print a table of the errors by class (missed roster quote, wrong official, …).
    #[arg(long)]
    errors: bool,
    /// For gold whose `note` is the annotated source (PolNeAR): also count the quotes whose
    /// source names nobody (`officials`, `the report`) that the predictions gave a name.
    #[arg(long)]
    unnamed_sources: bool,
}

/// What else `eval` measures.
#[derive(clap::Subcommand)]
pub enum EvalWhat {
    /// Measure the syntax models on a gold CoNLL-U file: tags, attachment, entities, speed.
    Syntax(super::syntax::EvalSyntaxArgs),
}

pub fn main(args: EvalArgs) -> Result<ExitCode> {
    if let Some(EvalWhat::Syntax(syntax)) = args.what {
        return super::syntax::eval_main(syntax);
    }
    let (Some(gold), Some(pred)) = (args.gold, args.pred) else { anyhow::bail!("eval needs --gold and --pred") };
    let roster = Roster::load(&args.roster.unwrap_or_else(|| super::run::locate("data/roster.toml")))?;
    let surnames: Vec<String> = roster.officials.iter().filter_map(|o| o.name.split_whitespace().last().map(String::from)).collect();
    let score = score_files(&gold, &pred, &surnames)?;
    if args.verbose {
        for line in &score.misses {
            println!("{line}");
        }
    }
    if args.errors {
        print!("{}", score.error_table());
    }
    if args.unnamed_sources {
        anyhow::ensure!(score.has_notes, "{} has no `note` column of source texts", gold.display());
        let (named, unnamed) = score.unnamed_sources;
        println!("unnamed sources given a name: {named}/{unnamed} ({:.3})", if unnamed == 0 { 0.0 } else { named as f64 / unnamed as f64 });
    }
    println!("{}", score.report());
    Ok(ExitCode::SUCCESS)
}
