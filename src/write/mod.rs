//! Stage 7: write the rows, as CSV (the default), JSON Lines or Parquet.
//!
//! Every writer takes its columns from one list, [`SCHEMA`]: a column's name, its type and how
//! to get its value from a [`QuoteRow`]. A new column is one more entry at the end of that list
//! (the order is part of the tool's contract: do not reorder).
//!
//! - [`csv`]: RFC 4180, every text cell quoted and neutralised against formulas ([`cells`]).
//! - [`jsonl`]: one JSON object per quote, typed (numbers as numbers, `null` when empty).
//! - [`parquet`]: through the `arrow` / `parquet` crates; strings as strings, `published` as a
//!   date, numbers as numbers.
//! - [`target`]: where the bytes go (a new or replaced file, written atomically; a device, FIFO
//!   or standard output, written directly).

pub mod cells;
pub mod csv;
pub mod jsonl;
pub mod parquet;
pub mod target;

use crate::record::QuoteRow;
use anyhow::{Context, Result};
use std::path::Path;

/// The type of a column, which decides how each format writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Free text (user-controlled in part): quoted and neutralised in CSV, a string elsewhere.
    Text,
    /// An ISO 8601 date (`2021-07-27`): a string in CSV and JSON, a date in Parquet.
    Date,
    /// A decimal number written with this many places.
    Float { places: usize },
    /// A whole number (character offsets).
    Int,
}

/// The value of one cell; `None` is an empty cell (`null` in JSON and Parquet).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(Option<&'a str>),
    Float(Option<f32>),
    Int(Option<usize>),
}

/// One output column.
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
    pub get: for<'a> fn(&'a QuoteRow) -> Cell<'a>,
}

const fn text(name: &'static str, get: for<'a> fn(&'a QuoteRow) -> Cell<'a>) -> Column {
    Column { name, ty: ColumnType::Text, get }
}

const fn float(name: &'static str, places: usize, get: for<'a> fn(&'a QuoteRow) -> Cell<'a>) -> Column {
    Column { name, ty: ColumnType::Float { places }, get }
}

fn some(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// The output columns, in order: the one list every writer reads.
pub const SCHEMA: &[Column] = &[
    text("article_id", |r| Cell::Text(some(&r.article_id))),
    Column { name: "published", ty: ColumnType::Date, get: |r| Cell::Text(r.published.as_deref()) },
    text("speaker", |r| Cell::Text(r.speaker.as_deref())),
    text("speaker_id", |r| Cell::Text(r.speaker_id.as_deref())),
    text("kind", |r| Cell::Text(Some(r.kind.as_str()))),
    text("quote", |r| Cell::Text(some(&r.quote))),
    text("cue", |r| Cell::Text(some(&r.cue))),
    text("mention", |r| Cell::Text(some(&r.mention))),
    text("method", |r| Cell::Text(some(r.method))),
    float("confidence", 2, |r| Cell::Float(r.confidence)),
    text("context", |r| Cell::Text(some(&r.context))),
    Column { name: "start", ty: ColumnType::Int, get: |r| Cell::Int(r.start) },
    Column { name: "end", ty: ColumnType::Int, get: |r| Cell::Int(r.end) },
    text("tone", |r| Cell::Text(r.tone.as_ref().map(|t| t.tone.as_str()))),
    float("tone_score", 4, |r| Cell::Float(r.tone.as_ref().map(|t| t.tone_score))),
    float("p_negative", 4, |r| Cell::Float(r.tone.as_ref().map(|t| t.p_negative))),
    float("p_neutral", 4, |r| Cell::Float(r.tone.as_ref().and_then(|t| t.p_neutral))),
    float("p_positive", 4, |r| Cell::Float(r.tone.as_ref().map(|t| t.p_positive))),
    text("model", |r| Cell::Text(r.tone.as_ref().map(|t| t.model.as_str()))),
    text("source", |r| Cell::Text(some(&r.source))),
    text("duplicate_of", |r| Cell::Text(r.duplicate_of.as_deref())),
    text("speaker_key", |r| Cell::Text(r.speaker_key.as_deref())),
    // Generated words (file_name, metadata, dateline), never a formula.
    text("date_source", |r| Cell::Text(r.date_source)),
    // Who relayed someone else's words (an official quoting another person); empty otherwise.
    text("reported_by", |r| Cell::Text(r.reported_by.as_deref())),
];

const fn names<const N: usize>(schema: &[Column]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = schema[i].name;
        i += 1;
    }
    out
}

/// The column names, in order.
pub const COLUMNS: [&str; SCHEMA.len()] = names::<{ SCHEMA.len() }>(SCHEMA);

/// A number as written in every format: rounded to the column's places (`0.95`, `-0.5000`).
pub fn format_float(x: f32, places: usize) -> String {
    format!("{x:.places$}")
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Csv,
    Jsonl,
    Parquet,
}

impl OutputFormat {
    /// The format a file name asks for (`.csv`, `.jsonl` / `.ndjson`, `.parquet` / `.pq`).
    pub fn from_extension(path: &Path) -> Option<OutputFormat> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => OutputFormat::Csv,
            "jsonl" | "ndjson" => OutputFormat::Jsonl,
            "parquet" | "pq" => OutputFormat::Parquet,
            _ => return None,
        })
    }
}

/// How the rows are written.
#[derive(Debug, Clone, Copy)]
pub struct OutputOptions {
    pub format: OutputFormat,
    /// CSV: start with a UTF-8 byte-order mark (for Excel).
    pub bom: bool,
    /// CSV: write the header row.
    pub header: bool,
    /// CSV: neutralise cells a spreadsheet would read as formulas (`--no-protect` turns it off).
    pub protect: bool,
}

impl Default for OutputOptions {
    fn default() -> Self {
        OutputOptions { format: OutputFormat::Csv, bom: false, header: true, protect: true }
    }
}

enum Rows {
    Csv(csv::CsvWriter<target::Sink>),
    Jsonl(jsonl::JsonlWriter<target::Sink>),
    Parquet(Box<parquet::ParquetRowWriter<target::Sink>>),
}

/// Where the rows go, in the chosen format. Nothing appears under a file's name until
/// [`Output::finish`]; dropping an unfinished output removes its temporary file.
pub struct Output {
    rows: Rows,
}

impl Output {
    /// Opens the target (`None` or `-`: standard output) and writes what comes before the rows.
    pub fn create(path: Option<&Path>, options: OutputOptions) -> Result<Output> {
        let sink = target::Sink::open(path)?;
        let rows = match options.format {
            OutputFormat::Csv => Rows::Csv(csv::CsvWriter::new(sink, options)?),
            OutputFormat::Jsonl => Rows::Jsonl(jsonl::JsonlWriter::new(sink)),
            OutputFormat::Parquet => Rows::Parquet(Box::new(parquet::ParquetRowWriter::new(sink)?)),
        };
        Ok(Output { rows })
    }

    /// Writes one row.
    pub fn write_row(&mut self, row: &QuoteRow) -> Result<()> {
        match &mut self.rows {
            Rows::Csv(w) => w.write_row(row),
            Rows::Jsonl(w) => w.write_row(row),
            Rows::Parquet(w) => w.write_row(row),
        }
    }

    /// Pushes the rows written so far out to the target (for a pipe: rows appear as each
    /// article finishes). Parquet keeps its rows until a row group is full.
    pub fn flush(&mut self) -> Result<()> {
        match &mut self.rows {
            Rows::Csv(w) => w.flush(),
            Rows::Jsonl(w) => w.flush(),
            Rows::Parquet(_) => Ok(()),
        }
    }

    /// Completes the output; a file appears under its name only now.
    pub fn finish(self) -> Result<()> {
        let sink = match self.rows {
            Rows::Csv(w) => w.into_inner()?,
            Rows::Jsonl(w) => w.into_inner()?,
            Rows::Parquet(w) => w.into_inner()?,
        };
        sink.commit().context("cannot complete the output")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_the_schema() {
        assert_eq!(COLUMNS.len(), SCHEMA.len());
        assert_eq!(&COLUMNS[..3], &["article_id", "published", "speaker"]);
        assert_eq!(COLUMNS[19], "source");
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(OutputFormat::from_extension(Path::new("q.CSV")), Some(OutputFormat::Csv));
        assert_eq!(OutputFormat::from_extension(Path::new("out/q.ndjson")), Some(OutputFormat::Jsonl));
        assert_eq!(OutputFormat::from_extension(Path::new("q.parquet")), Some(OutputFormat::Parquet));
        assert_eq!(OutputFormat::from_extension(Path::new("q.txt")), None);
    }
}
