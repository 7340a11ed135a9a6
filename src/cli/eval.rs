use clap::Args;
use std::process::ExitCode;
#[derive(Args)]
pub struct EvalArgs {}
pub fn main(_: EvalArgs) -> anyhow::Result<ExitCode> { anyhow::bail!("not yet") }
