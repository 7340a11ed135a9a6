//! The Parquet writer, through the `arrow` and `parquet` crates.
//!
//! Types come from [`SCHEMA`]: text as UTF-8 strings (ids stay strings, `007` is never `7`),
//! `published` as a date (`date32`; a value that is no full date is null), decimals as `double`
//! rounded as in the CSV, offsets as `int64`; every column is nullable. Rows are gathered into
//! record batches of [`BATCH_ROWS`] and compressed with Snappy. Nothing is protected against
//! formulas: Parquet holds typed data, which no spreadsheet evaluates.

use super::{format_float, Cell, ColumnType, SCHEMA};
use crate::record::QuoteRow;
use anyhow::{Context, Result};
use arrow_array::builder::{ArrayBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::io::Write;
use std::sync::Arc;

/// Rows per record batch (and the granularity of memory use while writing).
pub const BATCH_ROWS: usize = 8192;

/// The Arrow schema of the output.
pub fn arrow_schema() -> SchemaRef {
    let fields: Vec<Field> = SCHEMA
        .iter()
        .map(|c| {
            let ty = match c.ty {
                ColumnType::Text => DataType::Utf8,
                ColumnType::Date => DataType::Date32,
                ColumnType::Float { .. } => DataType::Float64,
                ColumnType::Int => DataType::Int64,
            };
            Field::new(c.name, ty, true)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

pub struct ParquetRowWriter<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    builders: Vec<Box<dyn ArrayBuilder>>,
    rows: usize,
}

fn new_builders() -> Vec<Box<dyn ArrayBuilder>> {
    SCHEMA
        .iter()
        .map(|c| -> Box<dyn ArrayBuilder> {
            match c.ty {
                ColumnType::Text => Box::new(StringBuilder::new()),
                ColumnType::Date => Box::new(Date32Builder::new()),
                ColumnType::Float { .. } => Box::new(Float64Builder::new()),
                ColumnType::Int => Box::new(Int64Builder::new()),
            }
        })
        .collect()
}

impl<W: Write + Send> ParquetRowWriter<W> {
    pub fn new(sink: W) -> Result<ParquetRowWriter<W>> {
        let schema = arrow_schema();
        let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
        let writer = ArrowWriter::try_new(sink, schema.clone(), Some(props)).context("cannot start the Parquet file")?;
        Ok(ParquetRowWriter { writer, schema, builders: new_builders(), rows: 0 })
    }

    pub fn write_row(&mut self, row: &QuoteRow) -> Result<()> {
        for (column, builder) in SCHEMA.iter().zip(self.builders.iter_mut()) {
            let any = builder.as_any_mut();
            match ((column.get)(row), column.ty) {
                (Cell::Text(v), ColumnType::Date) => any.downcast_mut::<Date32Builder>().expect("date column").append_option(v.and_then(days_since_epoch)),
                (Cell::Text(v), _) => any.downcast_mut::<StringBuilder>().expect("text column").append_option(v),
                (Cell::Float(v), ty) => {
                    let places = match ty {
                        ColumnType::Float { places } => places,
                        _ => 6,
                    };
                    // Rounded as in the CSV, so that every format carries the same numbers.
                    let v = v.filter(|x| x.is_finite()).and_then(|x| format_float(x, places).parse::<f64>().ok());
                    any.downcast_mut::<Float64Builder>().expect("float column").append_option(v);
                }
                (Cell::Int(v), _) => any.downcast_mut::<Int64Builder>().expect("int column").append_option(v.map(|n| n as i64)),
            }
        }
        self.rows += 1;
        if self.rows == BATCH_ROWS {
            self.write_batch()?;
        }
        Ok(())
    }

    fn write_batch(&mut self) -> Result<()> {
        if self.rows == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(|b| b.finish()).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns).context("cannot build a Parquet batch")?;
        self.writer.write(&batch).context("cannot write the Parquet file")?;
        self.rows = 0;
        Ok(())
    }

    /// Writes the last rows and the footer, and hands back the sink.
    pub fn into_inner(mut self) -> Result<W> {
        self.write_batch()?;
        self.writer.into_inner().context("cannot complete the Parquet file")
    }
}

/// Days since 1970-01-01 of a full ISO date `YYYY-MM-DD`; `None` for anything else.
pub fn days_since_epoch(date: &str) -> Option<i32> {
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| s.parse::<i64>().ok();
    let (y, m, d) = (num(&date[0..4])?, num(&date[5..7])?, num(&date[8..10])?);
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > days_in_month {
        return None;
    }
    // Days from civil (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_to_days() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2021-07-27"), Some(18835));
        assert_eq!(days_since_epoch("2000-02-29"), Some(11016));
        assert_eq!(days_since_epoch("2021-02-29"), None);
        assert_eq!(days_since_epoch("--11-02"), None);
        assert_eq!(days_since_epoch("2021-7-27"), None);
    }

    #[test]
    fn writes_a_readable_file() {
        let row = QuoteRow { article_id: "007".into(), published: Some("2021-07-27".into()), confidence: Some(0.95), start: Some(1), ..QuoteRow::default() };
        let mut w = ParquetRowWriter::new(Vec::new()).unwrap();
        w.write_row(&row).unwrap();
        let bytes = w.into_inner().unwrap();
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
        let file = tempfile::tempfile().unwrap();
        std::io::Write::write_all(&mut &file, &bytes).unwrap();
        use parquet::file::reader::FileReader;
        let reader = parquet::file::reader::SerializedFileReader::new(file).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 1);
        let schema = reader.metadata().file_metadata().schema_descr();
        assert_eq!(schema.column(0).name(), "article_id");
    }
}
