use clap::Args;
use std::process::ExitCode;
#[derive(Args)]
pub struct RunArgs {}
pub fn main(_: RunArgs) -> anyhow::Result<ExitCode> { anyhow::bail!("not yet") }
