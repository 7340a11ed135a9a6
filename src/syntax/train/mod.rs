//! Training the three syntax models from a CoNLL-U corpus (`quotestance train syntax`). Run-time
//! code never depends on this module.
//!
//! The tagger is trained on the gold tags. The recogniser and the parser must learn from the
//! tags they will see at run time, so they are trained on tags predicted by jackknifing: the
//! corpus is cut into folds by document, and each fold is tagged by a tagger trained on the
//! others. Everything is seeded: the same corpus and settings give the same model files.

pub mod clusters;
pub mod entities;
pub mod parser;
pub mod perceptron;
pub mod tagger;

use super::clusters::WordClusters;
use super::conllu::CorpusSentence;
use super::{PosTag, ENTITIES_FILE, PARSER_FILE, TAGGER_FILE};
use crate::tone::rng::SplitMix64;
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

/// Settings of `train syntax`.
#[derive(Debug, Clone)]
pub struct SyntaxSettings {
    pub seed: u64,
    /// Folds for the jackknifed tags.
    pub folds: usize,
    pub tagger: tagger::TaggerSettings,
    pub entities: entities::EntitySettings,
    pub parser: parser::ParserSettings,
    /// Which models read the word clusters, as (tagger, recogniser, parser). Chosen on dev:
    /// clusters lift entity F1 by 0.012 and person F1 by 0.014, but tagging by 0.0003 and UAS by
    /// 0.0004 only, for a third more time per token; so only the recogniser reads them.
    pub clustered: (bool, bool, bool),
    /// Which models to write, as (tagger, recogniser, parser): all by default; fewer for a
    /// quick experiment on one of them (the jackknifed tags are always made).
    pub write: (bool, bool, bool),
}

impl Default for SyntaxSettings {
    fn default() -> Self {
        SyntaxSettings {
            seed: 7,
            folds: 5,
            tagger: tagger::TaggerSettings::default(),
            entities: entities::EntitySettings::default(),
            parser: parser::ParserSettings::default(),
            clustered: (false, true, false),
            write: (true, true, true),
        }
    }
}

/// Trains the tagger, the recogniser and the parser on `corpus` and writes them into `out`.
/// Progress goes to standard error.
pub fn train_all(corpus: &[CorpusSentence], settings: &SyntaxSettings, clusters: Option<&WordClusters>, out: &Path) -> Result<()> {
    let no_clusters = WordClusters::default();
    let clusters = clusters.unwrap_or(&no_clusters);
    let pick = |on: bool| if on { clusters } else { &no_clusters };
    let (tagger_clusters, entity_clusters, parser_clusters) = (pick(settings.clustered.0), pick(settings.clustered.1), pick(settings.clustered.2));
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let started = Instant::now();
    let sentences: Vec<&CorpusSentence> = corpus.iter().collect();
    let folds = fold_of_each_sentence(corpus, settings.folds.max(2), settings.seed);

    // The final tagger and the jackknife taggers, in parallel.
    let jobs: Vec<Option<usize>> = std::iter::once(None).chain((0..settings.folds.max(2)).map(Some)).collect();
    let trained: Vec<(Option<usize>, super::tagger::Tagger)> = jobs
        .into_par_iter()
        .map(|held_out| {
            let train: Vec<&CorpusSentence> = sentences.iter().zip(&folds).filter(|(_, &f)| Some(f) != held_out).map(|(s, _)| *s).collect();
            tagger::train(&train, &settings.tagger, tagger_clusters).map(|t| (held_out, t))
        })
        .collect::<Result<_>>()?;
    eprintln!("train syntax: taggers trained ({:.0} s)", started.elapsed().as_secs_f64());
    let mut predicted: Vec<Vec<PosTag>> = vec![Vec::new(); sentences.len()];
    for (held_out, t) in &trained {
        let Some(fold) = held_out else { continue };
        for (i, s) in sentences.iter().enumerate() {
            if folds[i] == *fold {
                let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                predicted[i] = t.tag(&forms);
            }
        }
    }
    let final_tagger = &trained.iter().find(|(h, _)| h.is_none()).expect("the final tagger").1;
    if settings.write.0 {
        final_tagger.save(&out.join(TAGGER_FILE))?;
    }

    let tagged: Vec<(&CorpusSentence, Vec<PosTag>)> = sentences.iter().copied().zip(predicted).collect();
    let has_ner = corpus.iter().all(|s| s.words.iter().all(|w| w.ner.is_some()));
    let (recognizer, parser) = rayon::join(
        || (has_ner && settings.write.1).then(|| entities::train(&tagged, &settings.entities, entity_clusters)).transpose(),
        || settings.write.2.then(|| parser::train(&tagged, &settings.parser, parser_clusters)).transpose(),
    );
    if let Some(r) = recognizer? {
        r.save(&out.join(ENTITIES_FILE))?;
    }
    eprintln!("train syntax: recogniser and parser trained ({:.0} s)", started.elapsed().as_secs_f64());
    if let Some(p) = parser? {
        p.save(&out.join(PARSER_FILE))?;
    }
    Ok(())
}

/// Assigns each sentence a fold; all sentences of a document share one.
fn fold_of_each_sentence(corpus: &[CorpusSentence], folds: usize, seed: u64) -> Vec<usize> {
    let mut docs: Vec<&str> = corpus.iter().map(|s| s.doc.as_str()).collect();
    docs.sort_unstable();
    docs.dedup();
    let mut rng = SplitMix64::new(seed);
    rng.shuffle(&mut docs);
    let fold: rustc_hash::FxHashMap<&str, usize> = docs.iter().enumerate().map(|(i, d)| (*d, i % folds)).collect();
    corpus.iter().enumerate().map(|(i, s)| if s.doc.is_empty() { i % folds } else { fold[s.doc.as_str()] }).collect()
}
