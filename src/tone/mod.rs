//! Tone scoring: how negative, neutral or positive a quotation sounds.
//!
//! [`ToneModel`] runs any rust-bert sequence-classification folder of the BERT, DistilBERT or
//! RoBERTa family and maps its labels onto negative / neutral / positive ([`labels`]). The
//! default model is all-MiniLM-L6-v2 fine-tuned on the human-rated sentences of the VADER
//! paper ([`train`]), stored as small adapter weights and assembled into a plain
//! `BertForSequenceClassification` folder ([`assemble`]).
//!
//! Layout: the modules directly under `tone/` are inference (what `run` and `tone` need:
//! [`model`], [`tokenize`], [`weights`], [`labels`], [`batch`], [`manifest`]) plus the
//! [`assemble`] build step; fine-tuning and the rated data live in [`train`] (`tone/train/`).
//! Dependencies point one way: `train` uses the inference modules, never the reverse, and
//! `assemble` and `train` share only [`manifest`] (a test checks this).
//!
//! Scores: `p_negative`, `p_neutral` (absent for 2-label models), `p_positive`; the signed
//! `score` is `p_positive − p_negative` in [-1, 1]; `label` is the most probable class.
//! Texts longer than [`MAX_TOKENS`] tokens are truncated (quotations rarely come close).

// Everything that needs libtorch is behind the `tone` feature (on by default); labels, batching
// and the default folder are plain Rust and always there.
#[cfg(feature = "tone")]
pub mod alloc;
#[cfg(feature = "tone")]
pub mod assemble;
pub mod batch;
pub mod labels;
#[cfg(feature = "tone")]
pub mod manifest;
#[cfg(feature = "tone")]
pub mod model;
#[cfg(feature = "tone")]
pub mod tokenize;
#[cfg(feature = "tone")]
pub mod train;
#[cfg(feature = "tone")]
pub mod weights;

/// The seeded generator now lives at [`crate::rng`]; kept here so older paths still work.
pub use crate::rng;

pub use labels::{LabelMap, ToneLabel, ToneScore};

#[cfg(feature = "tone")]
use anyhow::{Context, Result};
#[cfg(feature = "tone")]
use model::{pad_batch, Classifier};
use std::path::PathBuf;
#[cfg(feature = "tone")]
use std::path::Path;
#[cfg(feature = "tone")]
use tch::Kind;
#[cfg(feature = "tone")]
use tokenize::TextEncoder;

/// Longest input, in tokens including special tokens; longer texts are truncated.
pub const MAX_TOKENS: usize = 256;
/// Texts per forward pass unless set otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// A loaded tone model, ready to score texts.
#[cfg(feature = "tone")]
pub struct ToneModel {
    classifier: Classifier,
    encoder: TextEncoder,
    labels: LabelMap,
    name: String,
    batch_size: usize,
}

#[cfg(feature = "tone")]
impl ToneModel {
    /// Loads a sequence-classification folder and sets libtorch to `threads` threads (0 keeps
    /// libtorch's default). Errors name the folder and what is wrong with it. A folder made by
    /// `assemble-tone` also has its weights checked against the recorded sha256.
    pub fn load(dir: &Path, threads: usize) -> Result<ToneModel> {
        if threads > 0 {
            tch::set_num_threads(threads as i32);
        }
        alloc::keep_freed_memory();
        Self::load_inner(dir).with_context(|| format!("cannot load tone model folder {}", dir.display()))
    }

    fn load_inner(dir: &Path) -> Result<ToneModel> {
        if !dir.is_dir() {
            anyhow::bail!("no such folder (run `make models` to assemble the default model)");
        }
        let assembled = manifest::verify_assembled(dir)?;
        let classifier = Classifier::load(dir)?;
        let labels = LabelMap::from_id2label(&classifier.id2label)
            .with_context(|| format!("{}: id2label", dir.join("config.json").display()))?;
        let max_len = MAX_TOKENS.min(classifier.max_positions);
        let encoder = TextEncoder::from_folder(dir, classifier.family, max_len)?;
        let name = match assembled {
            Some(manifest) => manifest.name,
            None => dir
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| dir.display().to_string()),
        };
        Ok(ToneModel { classifier, encoder, labels, name, batch_size: DEFAULT_BATCH_SIZE })
    }

    /// Sets the number of texts per forward pass (at least 1).
    pub fn with_batch_size(mut self, batch_size: usize) -> ToneModel {
        self.batch_size = batch_size.max(1);
        self
    }

    /// Short description for output: the assembled model's name, else the folder name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the model has a neutral class (2-label models do not).
    pub fn has_neutral(&self) -> bool {
        self.labels.has_neutral()
    }

    /// Scores texts; results are in input order. Internally texts are sorted by token count
    /// and scored in batches of similar length, which keeps padding (wasted work) small.
    pub fn score(&self, texts: &[&str]) -> Result<Vec<ToneScore>> {
        self.score_with_progress(texts, &mut |_| {})
    }

    /// [`ToneModel::score`], calling `progress(done)` after each batch with the number of texts
    /// scored so far (so that a progress bar moves during long chunks).
    pub fn score_with_progress(&self, texts: &[&str], progress: &mut dyn FnMut(usize)) -> Result<Vec<ToneScore>> {
        let ids = self.encoder.encode(texts)?;
        let lengths: Vec<usize> = ids.iter().map(Vec::len).collect();
        let batches = batch::length_sorted_batches(&lengths, self.batch_size);
        let mut results = Vec::with_capacity(batches.len());
        for members in &batches {
            let seqs: Vec<&[i64]> = members.iter().map(|&i| ids[i].as_slice()).collect();
            let (input, mask) = pad_batch(&seqs, self.encoder.pad_id());
            let probs = self.classifier.logits(&input, &mask)?.softmax(-1, Kind::Float);
            let k = self.labels.num_classes();
            let flat: Vec<f32> = Vec::try_from(probs.contiguous().view(-1)).context("reading model output")?;
            results.push(flat.chunks(k).map(|row| self.labels.score(row)).collect::<Vec<_>>());
            progress(results.iter().map(Vec::len).sum());
        }
        Ok(batch::restore_order(texts.len(), &batches, results))
    }
}

/// Where the default model lives: `$QUOTESTANCE_TONE_MODEL` if set, else `models/tone` found
/// as [`crate::home::locate`] finds bundled files (`$QUOTESTANCE_HOME`, the working directory,
/// the install's `share/quotestance`, the repository of the executable).
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("QUOTESTANCE_TONE_MODEL").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    crate::home::locate("models/tone")
}

#[cfg(test)]
mod layout_tests {
    /// Inference modules and the assembly step never name the training code (the brief: run-time
    /// code never depends on training code), and training never names the assembly step.
    #[test]
    fn inference_and_assembly_do_not_depend_on_training() {
        let inference = [
            ("mod.rs", include_str!("mod.rs")),
            ("alloc.rs", include_str!("alloc.rs")),
            ("assemble.rs", include_str!("assemble.rs")),
            ("batch.rs", include_str!("batch.rs")),
            ("labels.rs", include_str!("labels.rs")),
            ("manifest.rs", include_str!("manifest.rs")),
            ("model.rs", include_str!("model.rs")),
            ("tokenize.rs", include_str!("tokenize.rs")),
            ("weights.rs", include_str!("weights.rs")),
        ];
        let code_lines = |src: &'static str| src.lines().map(str::trim).filter(|l| !l.starts_with("//"));
        for (name, src) in inference {
            // This test itself names the patterns it looks for; skip its own module.
            let src = src.split("mod layout_tests").next().unwrap();
            for line in code_lines(src) {
                assert!(!line.contains("train::") && !line.contains("lora::"), "tone/{name} depends on training: {line}");
            }
        }
        for (name, src) in [
            ("train/mod.rs", include_str!("train/mod.rs")),
            ("train/lora.rs", include_str!("train/lora.rs")),
            ("train/data.rs", include_str!("train/data.rs")),
            ("train/metrics.rs", include_str!("train/metrics.rs")),
        ] {
            for line in code_lines(src) {
                assert!(!line.contains("assemble::"), "tone/{name} depends on assembly: {line}");
            }
        }
    }
}
