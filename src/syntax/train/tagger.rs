//! Training the part-of-speech tagger.

use super::perceptron::AveragedPerceptron;
use crate::syntax::clusters::WordClusters;
use crate::syntax::conllu::CorpusSentence;
use crate::syntax::tagger::{features, Padded, Tagger, START_TAG};
use crate::tone::rng::SplitMix64;
use anyhow::Result;
use rustc_hash::FxHashMap;

/// Settings of a training run.
#[derive(Debug, Clone)]
pub struct TaggerSettings {
    pub epochs: usize,
    pub seed: u64,
    /// A word enters the dictionary of fixed tags when seen this often…
    pub dictionary_min_count: usize,
    /// …with one tag at least this share of the time.
    pub dictionary_min_share: f64,
}

impl Default for TaggerSettings {
    fn default() -> Self {
        TaggerSettings { epochs: 8, seed: 7, dictionary_min_count: 20, dictionary_min_share: 0.995 }
    }
}

/// Trains a tagger on the gold tags of `sentences`.
pub fn train(sentences: &[&CorpusSentence], settings: &TaggerSettings, clusters: &WordClusters) -> Result<Tagger> {
    // Classes: every tag of the data, in a fixed (sorted) order.
    let mut names: Vec<String> = sentences.iter().flat_map(|s| s.words.iter().map(|w| w.tag.clone())).collect();
    names.sort();
    names.dedup();
    let class_of: FxHashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();

    let dictionary = dictionary(sentences, &class_of, settings);
    let lookup: FxHashMap<&str, u8> = dictionary.iter().map(|(w, c)| (w.as_str(), *c)).collect();

    let mut model = AveragedPerceptron::new(names.len());
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut rng = SplitMix64::new(settings.seed);
    let mut feats = Vec::with_capacity(32);
    let mut scores = vec![0.0f32; names.len()];
    for _ in 0..settings.epochs {
        rng.shuffle(&mut order);
        for &s in &order {
            let sentence = sentences[s];
            let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
            let words = Padded::new(&forms, clusters);
            let (mut prev, mut prev2) = (START_TAG, START_TAG);
            for (i, word) in sentence.words.iter().enumerate() {
                let gold = class_of[word.tag.as_str()];
                let chosen = match lookup.get(word.form.as_str()) {
                    Some(&c) => c as usize,
                    None => {
                        features(&words, i, prev, prev2, &mut feats);
                        model.scores(&feats, &mut scores);
                        let guess = crate::syntax::weights::best(&scores, |_| true).unwrap_or(0);
                        model.update(&feats, gold, guess);
                        model.tick();
                        guess
                    }
                };
                // The history is the model's own guesses, as at run time.
                prev2 = prev;
                prev = chosen as u64;
            }
        }
    }
    Tagger::new(model.average(1e-3, 1), &names, dictionary, clusters.clone())
}

/// Frequent words whose tag hardly ever varies.
fn dictionary(sentences: &[&CorpusSentence], class_of: &FxHashMap<&str, usize>, settings: &TaggerSettings) -> Vec<(String, u8)> {
    let mut counts: FxHashMap<&str, FxHashMap<usize, usize>> = FxHashMap::default();
    for s in sentences {
        for w in &s.words {
            *counts.entry(w.form.as_str()).or_default().entry(class_of[w.tag.as_str()]).or_default() += 1;
        }
    }
    let mut out: Vec<(String, u8)> = counts
        .into_iter()
        .filter_map(|(word, tags)| {
            let total: usize = tags.values().sum();
            let (&tag, &n) = tags.iter().max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))?;
            (total >= settings.dictionary_min_count && n as f64 / total as f64 >= settings.dictionary_min_share).then(|| (word.to_string(), tag as u8))
        })
        .collect();
    out.sort();
    out
}
