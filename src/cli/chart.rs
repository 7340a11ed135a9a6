//! `quotestance chart`: tone over time per speaker, drawn from a quotes table.

use super::summary::{default_output, not_the_input};
use anyhow::Result;
use clap::Args;
use quotestance::summary::{monthly, read_quotes, summarise};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ChartArgs {
    /// A quotes table written by `run` (CSV, or JSON Lines for .jsonl).
    #[arg(value_name = "QUOTES")]
    input: PathBuf,
    /// The picture: `.svg` or `.png` (default: beside the input, `NAME-tone.svg`).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// How many of the most quoted speakers to draw.
    #[arg(long, default_value_t = 6, value_name = "N")]
    top: usize,
    /// Draw this speaker (speaker_key, speaker_id or name); may be repeated. Overrides --top.
    #[arg(long, value_name = "SPEAKER")]
    speaker: Vec<String>,
    /// Count the rows marked `duplicate_of` (wire copies) too.
    #[arg(long)]
    with_duplicates: bool,
}

pub fn main(args: ChartArgs) -> Result<ExitCode> {
    let facts = read_quotes(&args.input)?;
    let summary = summarise(&facts, args.with_duplicates);
    let series = monthly(&facts, &summary, args.top.max(1), &args.speaker, args.with_duplicates);
    let output = args.output.clone().unwrap_or_else(|| default_output(&args.input, "tone", "svg"));
    not_the_input(&args.input, &output)?;
    let drawn: usize = series.iter().map(|(_, _, p)| p.iter().map(|(_, _, n)| n).sum::<usize>()).sum();
    let title = format!("Tone of quotations by month ({})", args.input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    quotestance::chart::draw(&series, &title, &output)?;
    println!("chart of {} speakers ({drawn} dated quotes with a tone score) written to {}", series.len(), output.display());
    Ok(ExitCode::SUCCESS)
}
