//! Tone subcommands (placeholder until the tone model lands).
use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub struct ToneArgs {}
#[derive(Args)]
pub struct TrainToneArgs {}
#[derive(Args)]
pub struct AssembleToneArgs {}
#[derive(Args)]
pub struct EvalToneArgs {}

pub fn tone_main(_: ToneArgs) -> anyhow::Result<ExitCode> { anyhow::bail!("the tone model is not built yet") }
pub fn train_main(_: TrainToneArgs) -> anyhow::Result<ExitCode> { anyhow::bail!("the tone model is not built yet") }
pub fn assemble_main(_: AssembleToneArgs) -> anyhow::Result<ExitCode> { anyhow::bail!("the tone model is not built yet") }
pub fn eval_main(_: EvalToneArgs) -> anyhow::Result<ExitCode> { anyhow::bail!("the tone model is not built yet") }
