//! Reader for the human-rated sentences of the VADER paper (Hutto & Gilbert, ICWSM 2014),
//! shipped in the vaderSentiment sdist as `hutto_ICWSM_2014`.
//!
//! Each corpus has two tab-separated files, matched by sentence id:
//! - `<corpus>_GroundTruth.txt`: `id <TAB> mean rating <TAB> text`;
//! - `<corpus>_anonDataRatings.txt`: `id <TAB> mean <TAB> sd <TAB> [r1, r2, ...]`,
//!   the individual ratings on the −4..4 scale.
//!
//! The files mix encodings (the movie snippets are UTF-8, the others mostly Latin-1) and use
//! CRLF line ends, so each line is decoded on its own: UTF-8 when valid, else Latin-1.

use anyhow::{bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;

/// The four rated corpora. The NYT editorial sentences are the held-out test set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Corpus {
    Tweets,
    MovieReviews,
    AmazonReviews,
    NytEditorials,
}

impl Corpus {
    /// The corpora used for training (and the dev split carved out of them).
    pub const TRAINING: [Corpus; 3] = [Corpus::Tweets, Corpus::MovieReviews, Corpus::AmazonReviews];

    /// File name stem in `hutto_ICWSM_2014`.
    pub fn stem(self) -> &'static str {
        match self {
            Corpus::Tweets => "tweets",
            Corpus::MovieReviews => "movieReviewSnippets",
            Corpus::AmazonReviews => "amazonReviewSnippets",
            Corpus::NytEditorials => "nytEditorialSnippets",
        }
    }
}

/// One human-rated sentence.
#[derive(Debug, Clone)]
pub struct RatedText {
    pub corpus: Corpus,
    pub id: String,
    pub text: String,
    /// Mean human rating on the −4..4 scale, as published in the ground-truth file.
    pub mean: f32,
    /// Individual ratings (may be empty if the ratings file lacks the id).
    pub ratings: Vec<i8>,
}

impl RatedText {
    /// Share of raters who rated negative, zero and positive: a soft 3-class target.
    /// Falls back to a one-hot label from the mean when no individual ratings are known.
    pub fn soft_label(&self) -> [f32; 3] {
        if self.ratings.is_empty() {
            let mut label = [0.0; 3];
            label[gold_class(self.mean) as usize] = 1.0;
            return label;
        }
        let mut counts = [0.0f32; 3];
        for &r in &self.ratings {
            counts[(r.signum() + 1) as usize] += 1.0;
        }
        let n = self.ratings.len() as f32;
        counts.map(|c| c / n)
    }
}

/// Gold 3-class label of a mean rating: 0 negative, 1 neutral (|mean| < 0.05), 2 positive.
pub fn gold_class(mean: f32) -> u8 {
    class_of_score(mean, 0.05)
}

/// The class of a signed score with a neutral band of ±`threshold`: 0 neg, 1 neutral, 2 pos.
pub fn class_of_score(score: f32, threshold: f32) -> u8 {
    if score >= threshold {
        2
    } else if score <= -threshold {
        0
    } else {
        1
    }
}

/// Reads one corpus from the `hutto_ICWSM_2014` folder.
pub fn read_corpus(dir: &Path, corpus: Corpus) -> Result<Vec<RatedText>> {
    let truth_path = dir.join(format!("{}_GroundTruth.txt", corpus.stem()));
    let ratings_path = dir.join(format!("{}_anonDataRatings.txt", corpus.stem()));
    let ratings = read_ratings(&ratings_path)?;
    let mut out = Vec::new();
    for (lineno, line) in read_lines(&truth_path)?.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let parsed = match fields.as_slice() {
            [id, mean, text] => mean.trim().parse::<f32>().ok().map(|m| (id.trim(), m, text.trim())),
            _ => None,
        };
        let Some((id, mean, text)) = parsed else {
            bail!("{}:{}: expected `id<TAB>mean<TAB>text`", truth_path.display(), lineno + 1);
        };
        out.push(RatedText {
            corpus,
            id: id.to_string(),
            text: text.to_string(),
            mean,
            ratings: ratings.get(id).cloned().unwrap_or_default(),
        });
    }
    if out.is_empty() {
        bail!("{}: no rated sentences found", truth_path.display());
    }
    Ok(out)
}

/// Reads the individual ratings, keyed by sentence id.
fn read_ratings(path: &Path) -> Result<HashMap<String, Vec<i8>>> {
    let mut out = HashMap::new();
    for (lineno, line) in read_lines(path)?.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let list = fields.get(3).map(|s| s.trim().trim_start_matches('[').trim_end_matches(']'));
        let parsed: Option<Vec<i8>> =
            list.and_then(|l| l.split(',').map(|r| r.trim().parse::<i8>().ok()).collect());
        match parsed {
            Some(r) if !r.is_empty() => {
                out.insert(fields[0].trim().to_string(), r);
            }
            _ => bail!("{}:{}: expected `id<TAB>mean<TAB>sd<TAB>[ratings]`", path.display(), lineno + 1),
        }
    }
    Ok(out)
}

/// Lines of a file, each decoded as UTF-8 when valid and as Latin-1 otherwise; a byte-order
/// mark and the CR of CRLF are dropped.
fn read_lines(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    Ok(bytes
        .split(|&b| b == b'\n')
        .map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            match std::str::from_utf8(line) {
                Ok(s) => s.to_string(),
                Err(_) => line.iter().map(|&b| b as char).collect(),
            }
        })
        .collect())
}

/// Splits texts into (train, dev) with a seeded shuffle; `dev_fraction` of them go to dev.
pub fn split_dev(mut texts: Vec<RatedText>, dev_fraction: f64, seed: u64) -> (Vec<RatedText>, Vec<RatedText>) {
    crate::rng::SplitMix64::new(seed).shuffle(&mut texts);
    let n_dev = (texts.len() as f64 * dev_fraction).round() as usize;
    let train = texts.split_off(n_dev);
    (train, texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) {
        std::fs::write(dir.join(name), bytes).unwrap();
    }

    #[test]
    fn reads_mixed_encodings_and_joins_ratings_by_id() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "tweets_GroundTruth.txt", b"1\t2.5\tI love it\r\n2\t-0.1\tCaf\xe9 is closed\r\n");
        write(dir.path(), "tweets_anonDataRatings.txt", b"\xEF\xBB\xBF2\t-0.1\t0.3\t[0, -1, 0]\r\n1\t2.5\t0.5\t[2, 3]\r\n");
        let texts = read_corpus(dir.path(), Corpus::Tweets).unwrap();
        assert_eq!(texts.len(), 2);
        assert_eq!(texts[1].text, "Café is closed");
        assert_eq!(texts[1].ratings, vec![0, -1, 0]);
        assert_eq!(texts[0].soft_label(), [0.0, 0.0, 1.0]);
        let soft = texts[1].soft_label();
        assert!((soft[0] - 1.0 / 3.0).abs() < 1e-6 && (soft[1] - 2.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn malformed_line_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "tweets_GroundTruth.txt", b"1\tnot-a-number\ttext\n");
        write(dir.path(), "tweets_anonDataRatings.txt", b"1\t0\t0\t[0]\n");
        let err = read_corpus(dir.path(), Corpus::Tweets).unwrap_err().to_string();
        assert!(err.contains("tweets_GroundTruth.txt:1"), "{err}");
    }

    #[test]
    fn gold_classes_use_a_005_band() {
        assert_eq!(gold_class(0.04), 1);
        assert_eq!(gold_class(-0.04), 1);
        assert_eq!(gold_class(0.05), 2);
        assert_eq!(gold_class(-0.3), 0);
    }

    #[test]
    fn dev_split_is_seeded_and_disjoint() {
        let texts: Vec<RatedText> = (0..50)
            .map(|i| RatedText { corpus: Corpus::Tweets, id: i.to_string(), text: String::new(), mean: 0.0, ratings: vec![] })
            .collect();
        let (train, dev) = split_dev(texts.clone(), 0.1, 3);
        let (train2, dev2) = split_dev(texts, 0.1, 3);
        assert_eq!(dev.len(), 5);
        assert_eq!(train.len(), 45);
        let ids = |v: &[RatedText]| v.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&dev), ids(&dev2));
        assert_eq!(ids(&train), ids(&train2));
        assert!(ids(&dev).iter().all(|id| !ids(&train).contains(id)));
    }
}
