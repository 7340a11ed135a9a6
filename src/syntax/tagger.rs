//! Part-of-speech tagging: an averaged perceptron that tags a sentence greedily from left to
//! right (Collins 2002; the feature set of Honnibal's tagger, with word shapes, more affixes and
//! word pairs), with a dictionary of frequent words that always carry the same tag.

use super::clusters::{self, WordClusters};
use super::features::{fold_digits, hash_str, key, prefix, shape, suffix};
use super::weights::{best, Weights};
use super::PosTag;
use anyhow::{Context, Result};
use rustc_hash::FxHashMap;
use std::path::Path;

/// The hashed descriptions of one word that features are built from.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WordHashes {
    pub form: u64,
    pub lower: u64,
    pub shape: u64,
    pub suffixes: [u64; 4],
    pub prefixes: [u64; 3],
    /// Bit 0: has a digit, 1: has a hyphen, 2: all upper case, 3: starts upper case.
    pub flags: u64,
    /// The word's fine and coarse cluster ([`clusters::UNKNOWN`] when it has none).
    pub fine: u64,
    pub coarse: u64,
}

impl WordHashes {
    pub fn of(form: &str) -> WordHashes {
        let folded = fold_digits(form);
        let lower = folded.to_lowercase();
        let mut flags = 0;
        if form.bytes().any(|b| b.is_ascii_digit()) {
            flags |= 1;
        }
        if form.contains('-') {
            flags |= 2;
        }
        let has_letter = form.chars().any(char::is_alphabetic);
        if has_letter && !form.chars().any(char::is_lowercase) {
            flags |= 4;
        }
        if form.chars().next().is_some_and(char::is_uppercase) {
            flags |= 8;
        }
        WordHashes {
            form: hash_str(&folded),
            lower: hash_str(&lower),
            shape: hash_str(&shape(form)),
            suffixes: [1, 2, 3, 4].map(|n| hash_str(suffix(&lower, n))),
            prefixes: [1, 2, 3].map(|n| hash_str(prefix(&lower, n))),
            flags,
            fine: clusters::UNKNOWN,
            coarse: clusters::UNKNOWN,
        }
    }

    /// The same, with the word's clusters looked up.
    pub fn clustered(form: &str, clusters: &WordClusters) -> WordHashes {
        let mut w = WordHashes::of(form);
        (w.fine, w.coarse) = clusters.of_key(w.lower);
        w
    }

    /// The padding word before the start or after the end of a sentence.
    pub fn padding(which: &str) -> WordHashes {
        let h = hash_str(which);
        WordHashes { form: h, lower: h, shape: h, suffixes: [h; 4], prefixes: [h; 3], flags: 16, fine: clusters::UNKNOWN + 1, coarse: clusters::UNKNOWN + 1 }
    }
}

/// The hashed words of a sentence, with two padding words at each end.
pub(crate) struct Padded {
    words: Vec<WordHashes>,
    /// Whether the words were looked up in a non-empty cluster table (the models add their
    /// cluster features only then).
    pub clustered: bool,
}

impl Padded {
    pub fn new(forms: &[&str], clusters: &WordClusters) -> Padded {
        let start = WordHashes::padding("<s>");
        let end = WordHashes::padding("</s>");
        let mut words = Vec::with_capacity(forms.len() + 4);
        words.extend([start, start]);
        words.extend(forms.iter().map(|f| WordHashes::clustered(f, clusters)));
        words.extend([end, end]);
        Padded { words, clustered: !clusters.is_empty() }
    }

    /// Word `i` of the sentence, offset by `d` (padding outside).
    #[inline]
    pub fn at(&self, i: usize, d: isize) -> &WordHashes {
        &self.words[(i as isize + 2 + d) as usize]
    }
}

/// Feature templates (the numbers are part of the model file: never renumber).
mod t {
    pub const BIAS: u32 = 0;
    pub const LOWER: u32 = 1;
    pub const FORM: u32 = 2;
    pub const SUFFIX: u32 = 3; // + n - 1, n in 1..=4
    pub const PREFIX: u32 = 8; // + n - 1, n in 1..=3
    pub const SHAPE: u32 = 12;
    pub const FLAGS: u32 = 13;
    pub const PREV_TAG: u32 = 14;
    pub const PREV2_TAG: u32 = 15;
    pub const PREV_TAGS: u32 = 16;
    pub const PREV_TAG_WORD: u32 = 17;
    pub const PREV_WORD: u32 = 18;
    pub const PREV_SUFFIX: u32 = 19;
    pub const PREV2_WORD: u32 = 20;
    pub const NEXT_WORD: u32 = 21;
    pub const NEXT_SUFFIX: u32 = 22;
    pub const NEXT2_WORD: u32 = 23;
    pub const PREV_WORD_WORD: u32 = 24;
    pub const WORD_NEXT_WORD: u32 = 25;
    pub const FIRST_SHAPE: u32 = 26;
    pub const PREV_TAG_SUFFIX: u32 = 27;
    pub const NEXT_SHAPE: u32 = 28;
    pub const PREV_SHAPE: u32 = 29;
    pub const FINE: u32 = 30;
    pub const COARSE: u32 = 31;
    pub const PREV_COARSE: u32 = 32;
    pub const NEXT_COARSE: u32 = 33;
    pub const FINE_NEXT_COARSE: u32 = 34;
    pub const PREV_TAG_FINE: u32 = 35;
}

/// The features of word `i`, given the tags (class indices) chosen for the two words before.
pub(crate) fn features(words: &Padded, i: usize, prev: u64, prev2: u64, out: &mut Vec<u64>) {
    out.clear();
    let w = words.at(i, 0);
    let (p1, p2, n1, n2) = (words.at(i, -1), words.at(i, -2), words.at(i, 1), words.at(i, 2));
    out.push(key(t::BIAS, 0, 0, 0));
    out.push(key(t::LOWER, w.lower, 0, 0));
    out.push(key(t::FORM, w.form, 0, 0));
    for n in 0..4 {
        out.push(key(t::SUFFIX + n as u32, w.suffixes[n], 0, 0));
    }
    for n in 0..3 {
        out.push(key(t::PREFIX + n as u32, w.prefixes[n], 0, 0));
    }
    out.push(key(t::SHAPE, w.shape, 0, 0));
    out.push(key(t::FLAGS, w.flags, 0, 0));
    out.push(key(t::PREV_TAG, prev, 0, 0));
    out.push(key(t::PREV2_TAG, prev2, 0, 0));
    out.push(key(t::PREV_TAGS, prev, prev2, 0));
    out.push(key(t::PREV_TAG_WORD, prev, w.lower, 0));
    out.push(key(t::PREV_WORD, p1.lower, 0, 0));
    out.push(key(t::PREV_SUFFIX, p1.suffixes[2], 0, 0));
    out.push(key(t::PREV2_WORD, p2.lower, 0, 0));
    out.push(key(t::NEXT_WORD, n1.lower, 0, 0));
    out.push(key(t::NEXT_SUFFIX, n1.suffixes[2], 0, 0));
    out.push(key(t::NEXT2_WORD, n2.lower, 0, 0));
    out.push(key(t::PREV_WORD_WORD, p1.lower, w.lower, 0));
    out.push(key(t::WORD_NEXT_WORD, w.lower, n1.lower, 0));
    if i == 0 {
        out.push(key(t::FIRST_SHAPE, w.shape, 0, 0));
    }
    out.push(key(t::PREV_TAG_SUFFIX, prev, w.suffixes[2], 0));
    out.push(key(t::NEXT_SHAPE, w.shape, n1.shape, 0));
    out.push(key(t::PREV_SHAPE, p1.shape, w.shape, 0));
    if words.clustered {
        out.push(key(t::FINE, w.fine, 0, 0));
        out.push(key(t::COARSE, w.coarse, 0, 0));
        out.push(key(t::PREV_COARSE, p1.coarse, 0, 0));
        out.push(key(t::NEXT_COARSE, n1.coarse, 0, 0));
        out.push(key(t::FINE_NEXT_COARSE, w.fine, n1.coarse, 0));
        out.push(key(t::PREV_TAG_FINE, prev, w.fine, 0));
    }
}

/// The class index used for "no tag" before the start of a sentence.
pub(crate) const START_TAG: u64 = u64::MAX;

/// A trained part-of-speech tagger.
pub struct Tagger {
    weights: Weights,
    /// The tag of each class index.
    classes: Vec<PosTag>,
    /// Frequent words that (almost) always carry one tag, by form: tagged without scoring.
    dictionary: FxHashMap<String, u8>,
    /// The word clusters it was trained with (empty: none).
    clusters: WordClusters,
}

/// The model file's metadata.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct TaggerMeta {
    pub kind: String,
    pub classes: Vec<String>,
    pub dictionary: Vec<(String, u8)>,
    /// The cluster table's text (`syntax::clusters`), when trained with clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clusters: Option<String>,
}

pub(crate) const KIND: &str = "quotestance-tagger-1";

impl Tagger {
    pub(crate) fn new(weights: Weights, classes: &[String], dictionary: Vec<(String, u8)>, clusters: WordClusters) -> Result<Tagger> {
        let classes = classes.iter().map(|c| PosTag::from_name(c).with_context(|| format!("unknown tag {c:?}"))).collect::<Result<_>>()?;
        Ok(Tagger { weights, classes, dictionary: dictionary.into_iter().collect(), clusters })
    }

    /// Reads a model written by `quotestance train syntax`.
    pub fn load(path: &Path) -> Result<Tagger> {
        let (meta, weights) = Weights::load(path)?;
        let meta: TaggerMeta = serde_json::from_value(meta).with_context(|| format!("{}: not a tagger model", path.display()))?;
        anyhow::ensure!(meta.kind == KIND, "{}: model kind {:?}, expected {KIND:?}", path.display(), meta.kind);
        let origin = path.display().to_string();
        let clusters = meta.clusters.as_deref().map(|t| WordClusters::from_text(t, &origin)).transpose()?.unwrap_or_default();
        Tagger::new(weights, &meta.classes, meta.dictionary, clusters).with_context(|| origin)
    }

    /// The tags of a sentence's tokens (forms in Penn Treebank conventions).
    pub fn tag(&self, forms: &[&str]) -> Vec<PosTag> {
        self.tag_classes(forms).into_iter().map(|c| self.classes[c]).collect()
    }

    /// Class indices instead of tags (what training compares).
    pub(crate) fn tag_classes(&self, forms: &[&str]) -> Vec<usize> {
        let words = Padded::new(forms, &self.clusters);
        let mut out = Vec::with_capacity(forms.len());
        let mut features = Vec::with_capacity(32);
        let mut scores = vec![0.0f32; self.classes.len()];
        let (mut prev, mut prev2) = (START_TAG, START_TAG);
        for (i, form) in forms.iter().enumerate() {
            let class = match self.dictionary.get(*form) {
                Some(&c) => c as usize,
                None => {
                    self::features(&words, i, prev, prev2, &mut features);
                    scores.iter_mut().for_each(|s| *s = 0.0);
                    self.weights.add_scores(&features, &mut scores);
                    best(&scores, |_| true).unwrap_or(0)
                }
            };
            out.push(class);
            prev2 = prev;
            prev = class as u64;
        }
        out
    }

    /// The tag of each class index.
    pub fn classes(&self) -> &[PosTag] {
        &self.classes
    }
}

impl Tagger {
    /// Writes the model file.
    pub(crate) fn save(&self, path: &Path) -> Result<()> {
        let mut dictionary: Vec<(String, u8)> = self.dictionary.iter().map(|(w, &c)| (w.clone(), c)).collect();
        dictionary.sort();
        let clusters = (!self.clusters.is_empty()).then(|| self.clusters.to_text());
        let meta = TaggerMeta { kind: KIND.into(), classes: self.classes.iter().map(|c| c.as_str().to_string()).collect(), dictionary, clusters };
        self.weights.save(path, &serde_json::to_value(meta)?)
    }
}
