//! Word clusters: each known word's class at two granularities, a coarse one (64 classes) and
//! a fine one (512), so that the tagger, the recogniser and the parser can generalise from a
//! word seen in training to words that behave alike (Koo, Carreras and Collins 2008 did this
//! with Brown clusters). The classes come from the pretrained input embeddings of
//! all-MiniLM-L6-v2, which have seen far more text than our 700,000 training tokens
//! (`quotestance train clusters`, `syntax::train::clusters`).
//!
//! A cluster file is gzip-compressed text, one word a line: `word<TAB>fine<TAB>coarse`. Each
//! model trained with clusters carries a copy in its metadata, so that a model and its clusters
//! can never be mixed up.

use super::features::{fold_digits, hash_str};
use anyhow::{bail, Context, Result};
use rustc_hash::FxHashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

/// File name of the clusters inside the model folder (`models/syntax`).
pub const CLUSTERS_FILE: &str = "clusters.tsv.gz";

/// The value of a cluster feature for a word no cluster holds.
pub const UNKNOWN: u64 = 0xffff;

/// The fine and coarse class of each clustered word, by the hash of its lower-cased form with
/// digits folded (the `lower` of the models' word hashes).
#[derive(Debug, Clone, Default)]
pub struct WordClusters {
    classes: FxHashMap<u64, (u16, u16)>,
    /// The words in file order, for writing the table out again.
    rows: Vec<(String, u16, u16)>,
}

/// The key a word is looked up by.
pub fn word_key(word: &str) -> u64 {
    hash_str(&fold_digits(word).to_lowercase())
}

impl WordClusters {
    /// Builds the table from `(word, fine, coarse)` rows; a word's first row wins.
    pub fn from_rows(rows: Vec<(String, u16, u16)>) -> WordClusters {
        let mut classes = FxHashMap::default();
        for (word, fine, coarse) in &rows {
            classes.entry(word_key(word)).or_insert((*fine, *coarse));
        }
        WordClusters { classes, rows }
    }

    /// Number of clustered words.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The `(fine, coarse)` feature values of the word whose `lower` hash is `key`
    /// ([`UNKNOWN`] for both when no cluster holds it).
    #[inline]
    pub fn of_key(&self, key: u64) -> (u64, u64) {
        match self.classes.get(&key) {
            Some(&(fine, coarse)) => (fine as u64, coarse as u64),
            None => (UNKNOWN, UNKNOWN),
        }
    }

    /// The table as text, the file's content before compression.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.rows.len() * 16);
        for (word, fine, coarse) in &self.rows {
            out.push_str(&format!("{word}\t{fine}\t{coarse}\n"));
        }
        out
    }

    /// Reads the text of [`WordClusters::to_text`]; `origin` names it in errors.
    pub fn from_text(text: &str, origin: &str) -> Result<WordClusters> {
        Self::read_lines(text.lines().map(|l| Ok(l.to_string())), origin)
    }

    fn read_lines(lines: impl Iterator<Item = std::io::Result<String>>, origin: &str) -> Result<WordClusters> {
        let mut rows = Vec::new();
        for (n, line) in lines.enumerate() {
            let line = line.with_context(|| format!("{origin}: cannot read line {}", n + 1))?;
            if line.is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(word), Some(fine), Some(coarse), None) = (fields.next(), fields.next(), fields.next(), fields.next()) else {
                bail!("{origin}: line {}: expected `word<TAB>fine<TAB>coarse`", n + 1);
            };
            let class = |s: &str| s.parse::<u16>().ok().filter(|&c| (c as u64) < UNKNOWN);
            let (Some(fine), Some(coarse)) = (class(fine), class(coarse)) else {
                bail!("{origin}: line {}: classes must be numbers below {UNKNOWN}", n + 1);
            };
            rows.push((word.to_string(), fine, coarse));
        }
        Ok(WordClusters::from_rows(rows))
    }

    /// Reads a cluster file.
    pub fn load(path: &Path) -> Result<WordClusters> {
        let file = std::fs::File::open(path).with_context(|| format!("cannot open the cluster file {}", path.display()))?;
        let reader = BufReader::new(flate2::read::GzDecoder::new(file));
        Self::read_lines(reader.lines(), &path.display().to_string())
    }

    /// Writes the cluster file.
    pub fn save(&self, path: &Path) -> Result<()> {
        let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = flate2::write::GzEncoder::new(std::io::BufWriter::new(file), flate2::Compression::best());
        out.write_all(self.to_text().as_bytes())?;
        out.finish()?.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_by_their_folded_lower_case_and_round_trip() {
        let c = WordClusters::from_rows(vec![("minister".into(), 3, 1), ("0000".into(), 7, 2)]);
        assert_eq!(c.of_key(word_key("Minister")), (3, 1));
        assert_eq!(c.of_key(word_key("1999")), (7, 2), "digits fold");
        assert_eq!(c.of_key(word_key("envoy")), (UNKNOWN, UNKNOWN));
        let back = WordClusters::from_text(&c.to_text(), "test").unwrap();
        assert_eq!(back.of_key(word_key("MINISTER")), (3, 1));
        assert!(WordClusters::from_text("minister\tx\t1\n", "f").unwrap_err().to_string().contains("f: line 1"));
    }
}
