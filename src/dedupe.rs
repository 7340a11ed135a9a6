//! Wire copies: the same quotation printed again by another article (`duplicate_of`).
//!
//! A dump of news often holds one agency story many times over, on several sites, with minor
//! edits. Each row gets `duplicate_of` = the `article_id` of the first article (in input order)
//! that has the same quotation by the same speaker (`speaker_key`), and `--dedupe` drops such
//! rows. Two tests find the same quotation:
//!
//! - **the same words**: the quotation's words (lower case, letters and digits only, so quote
//!   marks, dashes and apostrophes do not matter) and its speaker are equal, and the quotation has
//!   at least [`MIN_WORDS`] words. A scare-quoted word or two (`"complex"`) is no copy by itself:
//!   any article may use it;
//! - **a near-identical article**: the article's text shares most of its five-word shingles with
//!   an earlier article's (estimated Jaccard similarity at least [`NEAR_ARTICLE`], from a 64-bin
//!   one-permutation MinHash with banded lookup), and that article has a quotation by the same
//!   speaker with nearly the same words (word-set Jaccard at least [`NEAR_QUOTE`]). Short
//!   quotations and edited ones (`is held` / `is being held`) in a wire copy are caught here.
//!
//! Repeats within one article are not marked: they belong to that article's own story.
//! Memory grows with the input: about 300 bytes per article and 100 per row.

use crate::record::QuoteRow;
use rayon::prelude::*;
use std::collections::HashMap;

/// Quotations shorter than this many words count as copies only inside a near-identical article.
pub const MIN_WORDS: usize = 5;
/// Estimated shingle Jaccard similarity from which two articles are copies of one story.
pub const NEAR_ARTICLE: f64 = 0.6;
/// Word-set Jaccard similarity from which two quotations in copies of one story are the same.
pub const NEAR_QUOTE: f64 = 0.7;

/// Words per shingle.
const SHINGLE: usize = 5;
/// MinHash bins (one-permutation hashing: each shingle lands in one bin by its top bits).
const BINS: usize = 64;
/// Bins per LSH band: a pair at similarity s becomes a candidate with 1 − (1 − s³)²¹ (0.99 at 0.6).
const BAND: usize = 3;
/// Word hashes kept per quotation for the near-quote test.
const QUOTE_WORDS: usize = 48;

/// FNV-1a, 64 bit: stable across platforms and releases (unlike std's hasher).
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325 ^ seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64's finaliser: spreads the bits of a combined hash.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The words of a text for comparison: lower case runs of letters and digits (`aren’t` →
/// `arent`, `U.S.` → `us`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '’' | '.') && !current.is_empty() {
            // inside a word: `aren't`, `U.S.`
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A MinHash signature of an article's five-word shingles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature([u32; BINS]);

/// Marks an empty bin (densified from a neighbour before use).
const EMPTY: u32 = u32::MAX;

impl Signature {
    /// One-permutation MinHash with rotation densification (Shrivastava & Li 2014): one hash
    /// per shingle, so signing costs about as much as reading the text.
    pub fn of(text: &str) -> Signature {
        let hashes: Vec<u64> = words(text).iter().map(|w| fnv(w.as_bytes(), 0)).collect();
        let mut bins = [EMPTY; BINS];
        let n = hashes.len();
        let mut add = |h: u64| {
            let bin = (h >> 58) as usize; // top 6 bits choose the bin
            let value = (h as u32) & 0x7fff_ffff; // never EMPTY
            if value < bins[bin] {
                bins[bin] = value;
            }
        };
        if n < SHINGLE {
            // Very short texts: their words as one shingle.
            if n > 0 {
                add(mix(hashes.iter().fold(0, |acc, &h| acc.rotate_left(7) ^ h)));
            }
        } else {
            for window in hashes.windows(SHINGLE) {
                add(mix(window.iter().enumerate().fold(0, |acc, (i, &h)| acc ^ h.rotate_left(13 * i as u32))));
            }
        }
        // Densify: an empty bin borrows the next filled bin's value, offset by the distance, so
        // that two texts agree on it exactly when they agree on the borrowed one.
        if bins.iter().any(|&b| b != EMPTY) {
            let filled = bins;
            for (i, bin) in bins.iter_mut().enumerate() {
                if *bin == EMPTY {
                    let (distance, value) = (1..BINS).map(|d| (d, filled[(i + d) % BINS])).find(|&(_, v)| v != EMPTY).expect("a filled bin");
                    *bin = value.wrapping_add(distance as u32 * 0x9e37_79b9) & 0x7fff_ffff;
                }
            }
        }
        Signature(bins)
    }

    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn similarity(&self, other: &Signature) -> f64 {
        if self.0[0] == EMPTY || other.0[0] == EMPTY {
            return 0.0;
        }
        self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count() as f64 / BINS as f64
    }

    fn bands(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.0.chunks_exact(BAND).enumerate().map(|(i, band)| (i, band.iter().fold(i as u64, |acc, &v| mix(acc ^ u64::from(v)))))
    }
}

/// What is kept of each earlier row: enough to recognise its quotation again.
#[derive(Debug, Clone)]
struct RowPrint {
    speaker: u64,
    /// Sorted, distinct word hashes of the quotation (at most [`QUOTE_WORDS`]).
    words: Vec<u32>,
    /// The article where this quotation first appeared.
    first: u32,
}

fn word_set(words: &[String]) -> Vec<u32> {
    let mut set: Vec<u32> = words.iter().take(QUOTE_WORDS).map(|w| fnv(w.as_bytes(), 1) as u32).collect();
    set.sort_unstable();
    set.dedup();
    set
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 { 1.0 } else { common as f64 / union as f64 }
}

/// The speaker a row's quotation is compared by: its key, else its name, else nobody.
fn speaker_of(row: &QuoteRow) -> u64 {
    fnv(row.speaker_key.as_deref().or(row.speaker.as_deref()).unwrap_or("").as_bytes(), 2)
}

/// Every article seen so far, in input order, with what is needed to find copies of it.
#[derive(Default)]
pub struct Dedupe {
    ids: Vec<String>,
    signatures: Vec<Signature>,
    rows: Vec<Vec<RowPrint>>,
    /// (band, band hash) → articles with that band.
    bands: HashMap<(usize, u64), Vec<u32>>,
    /// Hash of (speaker, quotation words) → the first article with it.
    first_by_quote: HashMap<u64, u32>,
}

impl Dedupe {
    pub fn new() -> Dedupe {
        Dedupe::default()
    }

    /// Marks `duplicate_of` on the rows of a batch of articles, `(article_id, text)` each with
    /// its rows, in input order. Signatures are computed in parallel (on the current rayon
    /// pool); the marking itself is sequential, so the result does not depend on threads.
    pub fn mark_batch(&mut self, articles: &[(&str, &str)], rows: &mut [Vec<QuoteRow>]) {
        let signatures: Vec<Signature> = articles.par_iter().map(|(_, text)| Signature::of(text)).collect();
        for ((&(id, _), signature), rows) in articles.iter().zip(signatures).zip(rows.iter_mut()) {
            self.mark(id, signature, rows);
        }
    }

    /// Marks one article's rows (see the module docs) and remembers the article.
    pub fn mark(&mut self, article_id: &str, signature: Signature, rows: &mut [QuoteRow]) {
        let index = self.ids.len() as u32;
        // Earlier near-identical articles, oldest first.
        let mut near: Vec<u32> = signature.bands().filter_map(|band| self.bands.get(&band)).flatten().copied().collect();
        near.sort_unstable();
        near.dedup();
        near.retain(|&a| signature.similarity(&self.signatures[a as usize]) >= NEAR_ARTICLE);

        let mut prints = Vec::with_capacity(rows.len());
        for row in rows.iter_mut() {
            let quote_words = words(&row.quote);
            let speaker = speaker_of(row);
            let set = word_set(&quote_words);
            let mut first = None;
            if quote_words.len() >= MIN_WORDS {
                let key = fnv(quote_words.join(" ").as_bytes(), speaker);
                let seen = *self.first_by_quote.entry(key).or_insert(index);
                first = (seen != index).then_some(seen);
            }
            if first.is_none() {
                first = near.iter().find_map(|&a| {
                    self.rows[a as usize].iter().find(|p| p.speaker == speaker && jaccard(&p.words, &set) >= NEAR_QUOTE).map(|p| p.first)
                });
            }
            row.duplicate_of = first.map(|a| self.ids[a as usize].clone());
            prints.push(RowPrint { speaker, words: set, first: first.unwrap_or(index) });
        }

        for band in signature.bands() {
            self.bands.entry(band).or_default().push(index);
        }
        self.ids.push(article_id.to_string());
        self.signatures.push(signature);
        self.rows.push(prints);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str) -> String {
        std::fs::read_to_string(format!("{}/data/articles/{name}.txt", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn words_ignore_marks_case_and_apostrophes() {
        assert_eq!(words("“The Americans aren’t listening to us,” he said; U.S.-made"), ["the", "americans", "arent", "listening", "to", "us", "he", "said", "us", "made"]);
    }

    #[test]
    fn near_identical_articles_are_similar_and_different_ones_are_not() {
        let tass = seed("001_ca70b0bd16d5c51c");
        // A reprint on another site: its own menu and footer, one sentence edited.
        let reprint = format!(
            "Home | World | Politics\n\n{}\n\nRead more on our site. Share this story.",
            tass.replace("Russia and the US have managed", "Moscow and Washington have managed")
        );
        let (a, b) = (Signature::of(&tass), Signature::of(&reprint));
        assert!(a.similarity(&b) >= NEAR_ARTICLE, "{}", a.similarity(&b));
        for other in ["000_c0be5d52f93eea5e", "002_b59e10ebfaa1d8f9", "003_0b0db8b961f299cf", "004_060e839775dcd6cd"] {
            let s = a.similarity(&Signature::of(&seed(other)));
            assert!(s < 0.2, "{other}: {s}");
        }
        assert_eq!(Signature::of(&tass), a, "signatures are deterministic");
    }

    fn row(speaker: &str, quote: &str) -> QuoteRow {
        QuoteRow { speaker: Some(speaker.into()), speaker_key: Some(speaker.to_lowercase()), quote: quote.into(), ..QuoteRow::default() }
    }

    #[test]
    fn same_quote_same_speaker_in_another_article_is_a_duplicate() {
        let mut d = Dedupe::new();
        let long = "We have resumed professional dialogue on strategic stability and cybersecurity";
        let mut first = vec![row("Anatoly Antonov", long), row("Anatoly Antonov", "complex")];
        d.mark_batch(&[("tass-1", &seed("001_ca70b0bd16d5c51c"))], std::slice::from_mut(&mut first));
        assert!(first.iter().all(|r| r.duplicate_of.is_none()));
        // An unrelated article quoting the same sentence (other marks and case), the same scare
        // word, and the same sentence by somebody else.
        let mut later = vec![
            row("Anatoly Antonov", &format!("“{}.”", long.to_uppercase())),
            row("Anatoly Antonov", "complex"),
            row("Sergei Ryabkov", long),
        ];
        d.mark_batch(&[("ria-7", &seed("000_c0be5d52f93eea5e"))], std::slice::from_mut(&mut later));
        assert_eq!(later[0].duplicate_of.as_deref(), Some("tass-1"));
        assert_eq!(later[1].duplicate_of, None, "a scare-quoted word is no copy");
        assert_eq!(later[2].duplicate_of, None, "another speaker");
    }

    #[test]
    fn wire_copies_mark_their_short_and_edited_quotes_too() {
        let tass = seed("001_ca70b0bd16d5c51c");
        let reprint = format!("Menu\n\n{tass}\n\nMore news");
        let mut d = Dedupe::new();
        let mut rows = vec![
            vec![row("Anatoly Antonov", "We are ready"), row("Anatoly Antonov", "A sustainable dialogue is held")],
            vec![row("Anatoly Antonov", "we are ready!"), row("Anatoly Antonov", "A sustainable dialogue is being held"), row("Anatoly Antonov", "new words added by the site")],
            vec![row("Anatoly Antonov", "We are ready")],
        ];
        let third = seed("002_b59e10ebfaa1d8f9");
        d.mark_batch(&[("tass", &tass), ("copy", &reprint), ("other", &third)], &mut rows);
        assert_eq!(rows[0].iter().map(|r| r.duplicate_of.clone()).collect::<Vec<_>>(), vec![None, None]);
        assert_eq!(rows[1][0].duplicate_of.as_deref(), Some("tass"), "a short quote in a copy");
        assert_eq!(rows[1][1].duplicate_of.as_deref(), Some("tass"), "an edited quote in a copy");
        assert_eq!(rows[1][2].duplicate_of, None, "a quote the copy added");
        assert_eq!(rows[2][0].duplicate_of, None, "a short quote in an unrelated article");
    }

    #[test]
    fn a_copy_of_a_copy_points_to_the_first_article() {
        let tass = seed("001_ca70b0bd16d5c51c");
        let mut d = Dedupe::new();
        let mut rows: Vec<Vec<QuoteRow>> = (0..3).map(|_| vec![row("Anatoly Antonov", "We are ready")]).collect();
        let copies = [tass.clone(), format!("Menu\n\n{tass}"), format!("Menu\n\n{tass}\n\nFooter")];
        let batch: Vec<(&str, &str)> = ["a", "b", "c"].iter().zip(&copies).map(|(id, t)| (*id, t.as_str())).collect();
        d.mark_batch(&batch, &mut rows);
        assert_eq!(rows[1][0].duplicate_of.as_deref(), Some("a"));
        assert_eq!(rows[2][0].duplicate_of.as_deref(), Some("a"));
    }
}
