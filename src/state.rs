//! `run --state FILE`: remember what was processed, so that tomorrow's dump costs only its news.
//!
//! The file records each article processed (its `article_id` and a hash of its content: text,
//! title, date and url). A run with the same file skips every article whose id and hash are
//! both recorded, and writes rows only for new articles or changed ones (same id, new content).
//! It also remembers the people named in full (for `speaker_key`), so that a bare `Obama`
//! tomorrow keys like yesterday's `Barack Obama`.
//!
//! The file is JSON Lines: a first line `{"quotestance_state":1}`, then one object per article,
//! `{"id":"…","sha256":"…"}` (the first 128 bits of the SHA-256, in hex), and one per name,
//! `{"name":"barack obama"}`. A missing file is an empty state (the first run creates it). It
//! is rewritten whole under a temporary name and renamed into place, only after the output was
//! written completely, so an interrupted or failed run leaves the previous state as it was and
//! the next run processes those articles again.

use crate::read::Article;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

const HEADER: &str = r#"{"quotestance_state":1}"#;

/// One line of the file after the header.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Article { id: String, sha256: String },
    Name { name: String },
}

/// The articles processed by earlier runs, and those of this run so far.
#[derive(Debug)]
pub struct State {
    path: PathBuf,
    /// From earlier runs: id → content hash.
    earlier: HashMap<String, String>,
    /// Processed in this run (replacing earlier entries of the same id).
    processed: HashMap<String, String>,
    names: BTreeSet<String>,
}

/// The content hash recorded for an article: the first 128 bits of SHA-256 over its text,
/// title, date and url (each with a separator, so that moving text between them changes it).
pub fn content_hash(article: &Article) -> String {
    let mut h = Sha256::new();
    for part in [Some(article.text.as_str()), article.title.as_deref(), article.date.as_deref(), article.url.as_deref()] {
        match part {
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

impl State {
    /// Reads the state file; a missing file is an empty state. A malformed one is an error
    /// naming the file and line (before any article is read: better no run than a wrong one).
    pub fn load(path: &Path) -> Result<State> {
        let mut state = State { path: path.to_path_buf(), earlier: HashMap::new(), processed: HashMap::new(), names: BTreeSet::new() };
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(state),
            Err(e) => return Err(e).with_context(|| format!("cannot read the state file {}", path.display())),
        };
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let at = || format!("{}:{}", path.display(), i + 1);
            let line = line.with_context(|| format!("{}: cannot read", at()))?;
            if i == 0 {
                if line.trim() != HEADER {
                    bail!("{}: not a quotestance state file (expected {HEADER})", at());
                }
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Line>(&line).with_context(|| format!("{}: malformed state line", at()))? {
                Line::Article { id, sha256 } => {
                    state.earlier.insert(id, sha256);
                }
                Line::Name { name } => {
                    state.names.insert(name);
                }
            }
        }
        Ok(state)
    }

    /// Whether an earlier run processed this very article (same id, same content).
    pub fn seen(&self, article: &Article) -> bool {
        self.earlier.get(&article.id).is_some_and(|h| *h == content_hash(article))
    }

    /// Drops the articles seen before from a batch; returns how many were dropped.
    pub fn retain_new(&self, articles: &mut Vec<Article>) -> usize {
        let before = articles.len();
        if !self.earlier.is_empty() {
            articles.retain(|a| !self.seen(a));
        }
        before - articles.len()
    }

    /// Records an article as processed in this run.
    pub fn record(&mut self, article: &Article) {
        self.processed.insert(article.id.clone(), content_hash(article));
    }

    /// The full names remembered for `speaker_key`.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.names.iter()
    }

    /// Adds names to remember.
    pub fn remember_names<'a>(&mut self, names: impl IntoIterator<Item = &'a String>) {
        self.names.extend(names.into_iter().cloned());
    }

    /// Number of articles known to the state (earlier and this run's).
    pub fn len(&self) -> usize {
        self.earlier.len() + self.processed.keys().filter(|id| !self.earlier.contains_key(*id)).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the state (earlier entries, updated by this run's) under a temporary name beside
    /// the file, then renames it into place.
    pub fn save(&self) -> Result<()> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp = tempfile::NamedTempFile::with_prefix_in(".quotestance-state-", &dir)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        let mut out = BufWriter::new(temp.as_file());
        writeln!(out, "{HEADER}")?;
        let mut ids: Vec<(&String, &String)> = self.earlier.iter().filter(|(id, _)| !self.processed.contains_key(*id)).chain(&self.processed).collect();
        ids.sort();
        for (id, sha256) in ids {
            serde_json::to_writer(&mut out, &Line::Article { id: id.clone(), sha256: sha256.clone() })?;
            out.write_all(b"\n")?;
        }
        for name in &self.names {
            serde_json::to_writer(&mut out, &Line::Name { name: name.clone() })?;
            out.write_all(b"\n")?;
        }
        out.flush().with_context(|| format!("cannot write the state file {}", self.path.display()))?;
        drop(out);
        temp.persist(&self.path).with_context(|| format!("cannot move the state file into {}", self.path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, text: &str) -> Article {
        Article { id: id.into(), text: text.into(), source: format!("{id}.txt"), ..Article::default() }
    }

    #[test]
    fn a_saved_state_skips_the_same_articles_and_keeps_changed_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.jsonl");
        let tass = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/articles/001_ca70b0bd16d5c51c.txt")).unwrap();
        let mut state = State::load(&path).unwrap();
        assert!(state.is_empty());
        state.record(&article("001", &tass));
        state.remember_names([&"barack obama".to_string()]);
        state.save().unwrap();

        let state = State::load(&path).unwrap();
        assert_eq!(state.len(), 1);
        assert_eq!(state.names().collect::<Vec<_>>(), ["barack obama"]);
        let mut batch = vec![article("001", &tass), article("001", &tass.replace("steady", "stable")), article("002", &tass)];
        assert_eq!(state.retain_new(&mut batch), 1);
        assert_eq!(batch.len(), 2, "the changed article and the new id stay");
        let mut titled = article("001", &tass);
        titled.title = Some("Russia, US establish steady dialogue".into());
        assert!(!state.seen(&titled), "a new title is new content");
    }

    #[test]
    fn a_malformed_state_file_is_an_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.jsonl");
        std::fs::write(&path, format!("{HEADER}\n{{\"id\":\"a\",\"sha256\":\"00\"}}\nnot json\n")).unwrap();
        let err = format!("{:#}", State::load(&path).unwrap_err());
        assert!(err.contains("state.jsonl:3"), "{err}");
        std::fs::write(&path, "id,text\n").unwrap();
        let err = format!("{:#}", State::load(&path).unwrap_err());
        assert!(err.contains("not a quotestance state file"), "{err}");
    }
}
