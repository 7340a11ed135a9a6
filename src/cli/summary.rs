//! `quotestance summary`: per-speaker figures from a quotes table, printed and written as CSV.

use anyhow::{bail, Context, Result};
use clap::Args;
use quotestance::summary::{read_quotes, summarise};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct SummaryArgs {
    /// A quotes table written by `run` (CSV, or JSON Lines for .jsonl).
    #[arg(value_name = "QUOTES")]
    input: PathBuf,
    /// Where the per-speaker CSV goes (default: beside the input, `NAME-summary.csv`; `-` for
    /// standard output, in place of the table).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Count the rows marked `duplicate_of` (wire copies) too.
    #[arg(long)]
    with_duplicates: bool,
}

/// Temporary files are created private (0600); a finished table is for sharing, like any file.
pub fn readable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
}

/// `quotes.csv` → `quotes-summary.csv` in the same folder.
pub fn default_output(input: &Path, suffix: &str, ext: &str) -> PathBuf {
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "quotes".into());
    input.with_file_name(format!("{stem}-{suffix}.{ext}"))
}

/// Refuses an output that is the input (never overwrite user input).
pub fn not_the_input(input: &Path, output: &Path) -> Result<()> {
    let same = match (input.canonicalize(), output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => input == output,
    };
    if same {
        bail!("{} is the input; give another output file", output.display());
    }
    Ok(())
}

pub fn main(args: SummaryArgs) -> Result<ExitCode> {
    let facts = read_quotes(&args.input)?;
    let summary = summarise(&facts, args.with_duplicates);
    if args.output.as_deref() == Some(Path::new("-")) {
        summary.write_csv(std::io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    let output = args.output.clone().unwrap_or_else(|| default_output(&args.input, "summary", "csv"));
    not_the_input(&args.input, &output)?;
    let dir = match output.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let temp = tempfile::NamedTempFile::with_prefix_in(".quotestance-", &dir).with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    summary.write_csv(std::io::BufWriter::new(temp.as_file()))?;
    temp.persist(&output).with_context(|| format!("cannot write {}", output.display()))?;
    readable(&output);
    print!("{}", summary.to_text());
    println!("summary written to {}", output.display());
    Ok(ExitCode::SUCCESS)
}
