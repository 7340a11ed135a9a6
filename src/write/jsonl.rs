//! The JSON Lines writer: one object per quote, keys in column order, typed values (strings,
//! numbers, `null` for an empty cell). No formula protection: JSON is read by programs, and its
//! strings are exactly the data.

use super::{format_float, Cell, SCHEMA};
use crate::record::QuoteRow;
use anyhow::{Context, Result};
use std::io::{BufWriter, Write};

pub struct JsonlWriter<W: Write> {
    out: BufWriter<W>,
    line: String,
}

impl<W: Write> JsonlWriter<W> {
    pub fn new(sink: W) -> JsonlWriter<W> {
        JsonlWriter { out: BufWriter::with_capacity(1 << 16, sink), line: String::new() }
    }

    pub fn write_row(&mut self, row: &QuoteRow) -> Result<()> {
        self.line.clear();
        self.line.push('{');
        for (i, column) in SCHEMA.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            self.line.push_str(&serde_json::to_string(column.name)?);
            self.line.push(':');
            match ((column.get)(row), column.ty) {
                (Cell::Text(Some(s)), _) => self.line.push_str(&serde_json::to_string(s)?),
                (Cell::Float(Some(x)), super::ColumnType::Float { places }) if x.is_finite() => self.line.push_str(&format_float(x, places)),
                (Cell::Int(Some(n)), _) => self.line.push_str(&n.to_string()),
                _ => self.line.push_str("null"),
            }
        }
        self.line.push_str("}\n");
        self.out.write_all(self.line.as_bytes()).context("cannot write the JSON Lines")
    }

    pub fn flush(&mut self) -> Result<()> {
        self.out.flush().context("cannot write the JSON Lines")
    }

    pub fn into_inner(self) -> Result<W> {
        self.out.into_inner().map_err(|e| anyhow::Error::new(e.into_error())).context("cannot write the JSON Lines")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_objects_in_column_order() {
        let row = QuoteRow { article_id: "007".into(), quote: "=no \"formula\"".into(), confidence: Some(0.8), start: Some(4), ..QuoteRow::default() };
        let mut w = JsonlWriter::new(Vec::new());
        w.write_row(&row).unwrap();
        let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert!(out.starts_with("{\"article_id\":\"007\",\"published\":null,"), "{out}");
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["quote"], "=no \"formula\"");
        assert_eq!(value["confidence"], 0.8);
        assert_eq!(value["start"], 4);
        assert!(value["end"].is_null() && value["tone"].is_null());
    }
}
