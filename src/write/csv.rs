//! The CSV writer: UTF-8, comma-separated, one header row (unless `--no-header`), RFC 4180.
//!
//! Every text cell is quoted, even where RFC 4180 would not need it: a spreadsheet whose list
//! separator is `;` (LibreOffice and Excel in many European locales) splits an unquoted
//! `x;=2+5` and evaluates `=2+5`, but never splits inside quotes. Text cells are neutralised
//! against formulas ([`super::cells`]) unless `--no-protect`; numbers are written bare.

use super::{cells, format_float, Cell, OutputOptions, SCHEMA};
use crate::record::QuoteRow;
use anyhow::{Context, Result};
use std::io::{BufWriter, Write};

pub struct CsvWriter<W: Write> {
    out: BufWriter<W>,
    protect: bool,
    line: String,
}

impl<W: Write> CsvWriter<W> {
    /// Starts the file: the byte-order mark and the header, as the options say.
    pub fn new(sink: W, options: OutputOptions) -> Result<CsvWriter<W>> {
        let mut out = BufWriter::with_capacity(1 << 16, sink);
        if options.bom {
            out.write_all(b"\xEF\xBB\xBF").context("cannot write the CSV")?;
        }
        if options.header {
            let names: Vec<&str> = SCHEMA.iter().map(|c| c.name).collect();
            writeln!(out, "{}", names.join(",")).context("cannot write the CSV")?;
        }
        Ok(CsvWriter { out, protect: options.protect, line: String::new() })
    }

    pub fn write_row(&mut self, row: &QuoteRow) -> Result<()> {
        self.line.clear();
        for (i, column) in SCHEMA.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            match ((column.get)(row), column.ty) {
                (Cell::Text(value), _) => {
                    let value = value.unwrap_or("");
                    let value = if self.protect { cells::neutralise(value) } else { value.into() };
                    self.line.push('"');
                    for c in value.chars() {
                        if c == '"' {
                            self.line.push('"');
                        }
                        self.line.push(c);
                    }
                    self.line.push('"');
                }
                (Cell::Float(Some(x)), super::ColumnType::Float { places }) => self.line.push_str(&format_float(x, places)),
                (Cell::Float(Some(x)), _) => self.line.push_str(&x.to_string()),
                (Cell::Int(Some(n)), _) => self.line.push_str(&n.to_string()),
                (Cell::Float(None) | Cell::Int(None), _) => {}
            }
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes()).context("cannot write the CSV")
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().context("cannot write the CSV")
    }

    /// Flushes and hands back the sink.
    pub fn into_inner(self) -> Result<W> {
        self.out.into_inner().map_err(|e| anyhow::Error::new(e.into_error())).context("cannot write the CSV")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{QuoteKind, ToneColumns};

    fn written(row: &QuoteRow, options: OutputOptions) -> String {
        let mut w = CsvWriter::new(Vec::new(), options).unwrap();
        w.write_row(row).unwrap();
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn text_quoted_numbers_bare() {
        let row = QuoteRow {
            article_id: "123".into(),
            kind: QuoteKind::Direct,
            quote: "=1+1, \"he\" said\nnext".into(),
            method: "name",
            confidence: Some(0.95),
            start: Some(3),
            end: Some(9),
            tone: Some(ToneColumns { tone: "negative".into(), tone_score: -0.5, p_negative: 0.6, p_neutral: None, p_positive: 0.1, model: "m".into() }),
            ..QuoteRow::default()
        };
        let out = written(&row, OutputOptions::default());
        let mut reader = ::csv::Reader::from_reader(out.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), super::super::COLUMNS.to_vec());
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[0], "123");
        assert_eq!(&record[5], "'=1+1, \"he\" said\nnext");
        assert_eq!(&record[9], "0.95");
        assert_eq!(&record[14], "-0.5000");
        assert_eq!(&record[16], "");
        let line = out.lines().nth(1).unwrap();
        assert!(line.starts_with("\"123\",\"\",\"\",\"\",\"direct\",\"'=1+1"), "{line}");
        assert!(out.contains(",0.95,\"\",3,9,\"negative\",-0.5000,0.6000,,0.1000,\"m\",\"\","), "{out}");
    }

    #[test]
    fn no_protect_and_no_header() {
        let row = QuoteRow { quote: "-1 point".into(), ..QuoteRow::default() };
        let out = written(&row, OutputOptions { protect: false, header: false, ..OutputOptions::default() });
        assert_eq!(out.lines().count(), 1);
        assert!(out.contains(",\"-1 point\","));
    }
}
