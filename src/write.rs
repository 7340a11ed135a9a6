//! Stage 7: write the CSV.
//!
//! Columns are fixed (see [`COLUMNS`] and the README). Text cells that a spreadsheet would read
//! as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) get a leading `'`;
//! numeric columns are written as plain numbers. A file is written under a temporary name in the
//! target folder and renamed into place when complete, so an interrupted run never leaves a
//! partial CSV under the target name.

use crate::record::QuoteRow;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// The CSV columns, in order. Part of the tool's contract: do not reorder.
pub const COLUMNS: [&str; 23] = [
    "article_id", "published", "speaker", "speaker_id", "kind", "quote", "cue", "mention", "method", "confidence",
    "context", "start", "end", "tone", "tone_score", "p_negative", "p_neutral", "p_positive", "model", "source",
    "duplicate_of", "speaker_key", "date_source",
];

/// Where the rows go.
pub struct CsvOutput {
    writer: csv::Writer<Box<dyn Write + Send>>,
    /// For file output: the temporary file (taken by `finish`) and the target path.
    target: Option<(tempfile::TempPath, PathBuf)>,
}

impl CsvOutput {
    /// Opens standard output (`path` = `None`) or a temporary file beside `path`, writes the
    /// header, and a UTF-8 byte-order mark first when `bom` is set (for Excel).
    pub fn create(path: Option<&Path>, bom: bool) -> Result<CsvOutput> {
        let (mut sink, target): (Box<dyn Write + Send>, _) = match path {
            None => (Box::new(std::io::stdout()), None),
            Some(path) => {
                if path.is_dir() {
                    anyhow::bail!("{} is a folder; give a file name for the CSV", path.display());
                }
                let dir = match path.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                    _ => PathBuf::from("."),
                };
                let temp = NamedTempFile::with_prefix_in(".quotestance-", &dir)
                    .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
                let (file, temp_path) = temp.into_parts();
                (Box::new(file), Some((temp_path, path.to_path_buf())))
            }
        };
        if bom {
            sink.write_all(b"\xEF\xBB\xBF")?;
        }
        let mut writer = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(sink);
        writer.write_record(COLUMNS)?;
        Ok(CsvOutput { writer, target })
    }

    /// Writes one row.
    pub fn write_row(&mut self, row: &QuoteRow) -> Result<()> {
        let num = |v: Option<f32>, places: usize| v.map(|x| format!("{x:.places$}")).unwrap_or_default();
        let int = |v: Option<usize>| v.map(|x| x.to_string()).unwrap_or_default();
        let tone = row.tone.as_ref();
        let record: [String; 23] = [
            safe(&row.article_id),
            // Generated, complete ISO dates (never a formula).
            row.published.clone().unwrap_or_default(),
            safe(row.speaker.as_deref().unwrap_or("")),
            safe(row.speaker_id.as_deref().unwrap_or("")),
            row.kind.as_str().to_string(),
            safe(&row.quote),
            safe(&row.cue),
            safe(&row.mention),
            row.method.to_string(),
            num(row.confidence, 2),
            safe(&row.context),
            int(row.start),
            int(row.end),
            tone.map(|t| t.tone.clone()).unwrap_or_default(),
            num(tone.map(|t| t.tone_score), 4),
            num(tone.map(|t| t.p_negative), 4),
            num(tone.and_then(|t| t.p_neutral), 4),
            num(tone.map(|t| t.p_positive), 4),
            safe(tone.map(|t| t.model.as_str()).unwrap_or("")),
            safe(&row.source),
            safe(row.duplicate_of.as_deref().unwrap_or("")),
            safe(row.speaker_key.as_deref().unwrap_or("")),
            row.date_source.unwrap_or("").to_string(),
        ];
        self.writer.write_record(&record)?;
        Ok(())
    }

    /// Flushes and, for file output, moves the finished file to its name.
    pub fn finish(mut self) -> Result<()> {
        self.writer.flush().context("cannot write the CSV")?;
        if let Some((temp, target)) = self.target.take() {
            drop(self.writer);
            temp.persist(&target).with_context(|| format!("cannot move the finished CSV to {}", target.display()))?;
        }
        Ok(())
    }
}

/// Neutralises a text cell that a spreadsheet would evaluate as a formula.
pub fn safe(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{QuoteKind, ToneColumns};

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe("-1 point"), "'-1 point");
        assert_eq!(safe("@user"), "'@user");
        assert_eq!(safe("\tx"), "'\tx");
        assert_eq!(safe("plain"), "plain");
    }

    #[test]
    fn file_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("q.csv");
        let mut out = CsvOutput::create(Some(&target), false).unwrap();
        let row = QuoteRow {
            article_id: "a1".into(),
            kind: QuoteKind::Direct,
            quote: "=1+1, \"he\" said\nnext".into(),
            method: "name",
            confidence: Some(0.95),
            start: Some(3),
            end: Some(9),
            tone: Some(ToneColumns { tone: "negative".into(), tone_score: -0.5, p_negative: 0.6, p_neutral: None, p_positive: 0.1, model: "m".into() }),
            ..QuoteRow::default()
        };
        out.write_row(&row).unwrap();
        assert!(!target.exists());
        out.finish().unwrap();
        let written = std::fs::read_to_string(&target).unwrap();
        let mut reader = csv::Reader::from_reader(written.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), COLUMNS.to_vec());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[5], "'=1+1, \"he\" said\nnext");
        assert_eq!(&record[9], "0.95");
        assert_eq!(&record[14], "-0.5000");
        assert_eq!(&record[16], "");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary file left behind");
    }
}
