//! Fine-tuning the default tone model (`quotestance train-tone`).
//!
//! Data: the human-rated tweets, movie-review and Amazon-review snippets of the VADER paper;
//! a seeded 10 % of them is the dev split used for every choice. The NYT editorial sentences
//! are never read here: they are the test set (`eval-tone`).
//!
//! Target: for each sentence, the share of raters who rated it negative / zero / positive is a
//! soft 3-class label (cross-entropy), plus a regression term that ties the signed score
//! `p_positive − p_negative` to the mean rating / 4, so the score tracks intensity too.
//!
//! Network: all-MiniLM-L6-v2 with LoRA adapters on every linear map ([`lora`]),
//! AdamW with linear warm-up and decay, gradient-norm clipping at 1. Batches hold texts of
//! similar length. Everything random (initialisation, dropout, split, batch order) derives
//! from one seed; the epoch with the best dev Pearson r is kept.

pub mod data;
pub mod lora;
pub mod metrics;

use crate::rng::SplitMix64;
use crate::tone::batch::length_sorted_batches;
use crate::tone::manifest::{WeightsManifest, ENCODER_WEIGHTS, MODEL_NAME, WEIGHTS_FILE, WEIGHTS_MANIFEST};
use crate::tone::model::{pad_batch, Family};
use crate::tone::tokenize::TextEncoder;
use crate::tone::weights::{read_weights, sha256_file, write_weights};
use data::{read_corpus, split_dev, Corpus, RatedText};
use lora::{read_dims, LoraBert, LoraSettings, GROUP_VECTORS};
use metrics::{tone_metrics, ToneMetrics};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tch::nn::{self, OptimizerConfig};
use tch::{Device, Kind, Tensor};

/// Everything that defines a training run (recorded in the manifest).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainOptions {
    pub seed: u64,
    pub epochs: usize,
    pub batch_size: usize,
    pub learning_rate: f64,
    pub warmup_fraction: f64,
    pub weight_decay: f64,
    pub lora: LoraSettings,
    /// Weight of the squared error between `p_pos − p_neg` and mean rating / 4.
    pub score_weight: f64,
    pub dev_fraction: f64,
    /// Training inputs are truncated to this many tokens (longer sentences are rare).
    pub max_tokens: usize,
    pub threads: usize,
    /// Use only the first N training sentences (after the split), for quick trials.
    pub limit: Option<usize>,
}

/// Dev figures after one epoch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EpochRecord {
    pub epoch: usize,
    pub train_loss: f64,
    pub dev_pearson_r: f64,
    pub dev_accuracy: f64,
    pub dev_macro_f1: f64,
    pub dev_weighted_f1: f64,
    pub seconds: f64,
}

/// What a run produced, for the manifest and the model card.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainRecord {
    pub options: TrainOptions,
    pub n_train: usize,
    pub n_dev: usize,
    pub epochs: Vec<EpochRecord>,
    pub kept_epoch: usize,
    pub train_seconds: f64,
}

/// Input and output locations.
pub struct TrainPaths {
    pub encoder_dir: PathBuf,
    pub data_dir: PathBuf,
    pub out_dir: PathBuf,
}

/// One tokenised example.
struct Example {
    ids: Vec<i64>,
    soft: [f32; 3],
    mean: f32,
}

/// The trainable tensors after the best epoch so far.
struct Kept {
    dev_r: f64,
    epoch: usize,
    tensors: Vec<(String, Tensor)>,
}

/// Trains and writes `adapters.safetensors` + `manifest.json` into `paths.out_dir`.
pub fn train(paths: &TrainPaths, opts: &TrainOptions) -> Result<TrainRecord> {
    let started = Instant::now();
    tch::manual_seed(opts.seed as i64);
    crate::tone::alloc::keep_freed_memory();
    if opts.threads > 0 {
        tch::set_num_threads(opts.threads as i32);
    }

    let mut texts = Vec::new();
    for corpus in Corpus::TRAINING {
        texts.extend(read_corpus(&paths.data_dir, corpus)?);
    }
    let (mut train_texts, dev_texts) = split_dev(texts, opts.dev_fraction, opts.seed);
    if let Some(limit) = opts.limit {
        train_texts.truncate(limit);
    }
    let tokenizer = encoder_for_training(&paths.encoder_dir, opts.max_tokens)?;
    let pad = tokenizer.pad_id();
    let train_set = examples(&tokenizer, &train_texts)?;
    let dev_set = examples(&tokenizer, &dev_texts)?;
    eprintln!("train-tone: {} training and {} dev sentences", train_set.len(), dev_set.len());

    let encoder_file = paths.encoder_dir.join(ENCODER_WEIGHTS);
    let base = read_weights(&encoder_file)?;
    let dims = read_dims(&paths.encoder_dir.join("config.json"))?;
    let vs = nn::VarStore::new(Device::Cpu);
    let model = LoraBert::new(&vs.root(), &base, dims, opts.lora, 3)?;
    drop(base); // the model keeps its own handles on the frozen tensors

    let mut opt = nn::AdamW { wd: opts.weight_decay, ..Default::default() }.build(&vs, opts.learning_rate)?;
    opt.set_weight_decay_group(GROUP_VECTORS, 0.0);

    let lengths: Vec<usize> = train_set.iter().map(|e| e.ids.len()).collect();
    let mut rng = SplitMix64::new(opts.seed.wrapping_add(1));
    let steps_per_epoch = train_set.len().div_ceil(opts.batch_size);
    let total_steps = (steps_per_epoch * opts.epochs).max(1);
    let warmup = ((total_steps as f64 * opts.warmup_fraction) as usize).max(1);
    let mut step = 0usize;
    let mut epochs = Vec::new();
    let mut best: Option<Kept> = None;

    for epoch in 1..=opts.epochs {
        let epoch_start = Instant::now();
        let batches = bucketed_batches(&lengths, opts.batch_size, 50, &mut rng);
        let mut loss_sum = 0.0;
        for (k, members) in batches.iter().enumerate() {
            let lr = opts.learning_rate * schedule(step, warmup, total_steps);
            opt.set_lr(lr);
            let batch: Vec<&Example> = members.iter().map(|&i| &train_set[i]).collect();
            let loss = batch_loss(&model, &batch, pad, opts.score_weight);
            opt.backward_step_clip_norm(&loss, 1.0);
            let loss = loss.double_value(&[]);
            if !loss.is_finite() {
                bail!("training diverged (loss {loss}) at epoch {epoch}, step {k}");
            }
            loss_sum += loss;
            step += 1;
            if (k + 1) % 100 == 0 {
                let elapsed = epoch_start.elapsed().as_secs_f64();
                eprintln!(
                    "train-tone: epoch {epoch}/{}: {}/{} batches, loss {:.4}, {:.0} s (epoch eta {:.0} s)",
                    opts.epochs,
                    k + 1,
                    batches.len(),
                    loss_sum / (k + 1) as f64,
                    elapsed,
                    elapsed / (k + 1) as f64 * (batches.len() - k - 1) as f64
                );
            }
        }
        let dev = evaluate(&model, &dev_set, pad);
        let record = EpochRecord {
            epoch,
            train_loss: loss_sum / batches.len().max(1) as f64,
            dev_pearson_r: dev.pearson_r,
            dev_accuracy: dev.accuracy,
            dev_macro_f1: dev.macro_f1,
            dev_weighted_f1: dev.weighted_f1,
            seconds: epoch_start.elapsed().as_secs_f64(),
        };
        eprintln!("train-tone: epoch {epoch}: train loss {:.4}, dev {dev} ({:.0} s)", record.train_loss, record.seconds);
        if best.as_ref().is_none_or(|b| dev.pearson_r > b.dev_r) {
            best = Some(Kept { dev_r: dev.pearson_r, epoch, tensors: model.export(&vs) });
        }
        epochs.push(record);
    }

    let Kept { epoch: kept_epoch, tensors, .. } = best.context("no epoch was run")?;
    std::fs::create_dir_all(&paths.out_dir).with_context(|| format!("cannot create {}", paths.out_dir.display()))?;
    let weights_path = paths.out_dir.join(WEIGHTS_FILE);
    write_weights(&weights_path, &tensors)?;
    let record = TrainRecord {
        options: opts.clone(),
        n_train: train_set.len(),
        n_dev: dev_set.len(),
        epochs,
        kept_epoch,
        train_seconds: started.elapsed().as_secs_f64(),
    };
    let manifest = WeightsManifest {
        name: MODEL_NAME.to_string(),
        encoder_sha256: sha256_file(&encoder_file)?,
        weights_file: WEIGHTS_FILE.to_string(),
        weights_sha256: sha256_file(&weights_path)?,
        labels: ["negative", "neutral", "positive"].map(String::from).to_vec(),
        training: Some(serde_json::to_value(&record)?),
    };
    manifest.write(&paths.out_dir.join(WEIGHTS_MANIFEST))?;
    Ok(record)
}

/// Linear warm-up to 1, then linear decay to 0.
fn schedule(step: usize, warmup: usize, total: usize) -> f64 {
    if step < warmup {
        (step + 1) as f64 / warmup as f64
    } else {
        (total.saturating_sub(step)) as f64 / (total - warmup).max(1) as f64
    }
}

fn examples(tokenizer: &TextEncoder, texts: &[RatedText]) -> Result<Vec<Example>> {
    let strs: Vec<&str> = texts.iter().map(|t| t.text.as_str()).collect();
    let ids = tokenizer.encode(&strs)?;
    Ok(texts
        .iter()
        .zip(ids)
        .map(|(t, ids)| Example { ids, soft: t.soft_label(), mean: t.mean })
        .collect())
}

/// Soft-label cross-entropy + `score_weight` × squared error of the signed score.
fn batch_loss(model: &LoraBert, batch: &[&Example], pad: i64, score_weight: f64) -> Tensor {
    let seqs: Vec<&[i64]> = batch.iter().map(|e| e.ids.as_slice()).collect();
    let (ids, mask) = pad_batch(&seqs, pad);
    let soft: Vec<f32> = batch.iter().flat_map(|e| e.soft).collect();
    let soft = Tensor::from_slice(&soft).view([batch.len() as i64, 3]);
    let target = Tensor::from_slice(&batch.iter().map(|e| e.mean / 4.0).collect::<Vec<f32>>());
    let log_p = model.forward_t(&ids, &mask, true).log_softmax(-1, Kind::Float);
    let cross_entropy = -(&soft * &log_p).sum_dim_intlist(-1, false, Kind::Float).mean(Kind::Float);
    let p = log_p.exp();
    let score = p.select(1, 2) - p.select(1, 0);
    let squared_error = (score - target).square().mean(Kind::Float);
    cross_entropy + squared_error * score_weight
}

/// Dev metrics (scores vs mean ratings), in evaluation mode.
fn evaluate(model: &LoraBert, set: &[Example], pad: i64) -> ToneMetrics {
    let lengths: Vec<usize> = set.iter().map(|e| e.ids.len()).collect();
    let mut scores = vec![0f32; set.len()];
    tch::no_grad(|| {
        for members in length_sorted_batches(&lengths, 64) {
            let seqs: Vec<&[i64]> = members.iter().map(|&i| set[i].ids.as_slice()).collect();
            let (ids, mask) = pad_batch(&seqs, pad);
            let p = model.forward_t(&ids, &mask, false).softmax(-1, Kind::Float);
            let s: Vec<f32> = Vec::try_from(p.select(1, 2) - p.select(1, 0)).expect("float scores");
            for (&i, v) in members.iter().zip(s) {
                scores[i] = v;
            }
        }
    });
    let gold: Vec<f32> = set.iter().map(|e| e.mean).collect();
    tone_metrics(&scores, &gold)
}

/// Training batches for one epoch: a seeded shuffle, then within windows of `window` batches
/// the items are sorted by length before being cut into batches, and the batch order is
/// shuffled again. Batches thus stay random but hold texts of similar length.
fn bucketed_batches(
    lengths: &[usize],
    batch_size: usize,
    window: usize,
    rng: &mut SplitMix64,
) -> Vec<Vec<usize>> {
    let batch_size = batch_size.max(1);
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    rng.shuffle(&mut order);
    let mut batches = Vec::new();
    for chunk in order.chunks(batch_size * window.max(1)) {
        let mut chunk = chunk.to_vec();
        chunk.sort_by_key(|&i| lengths[i]);
        batches.extend(chunk.chunks(batch_size).map(|b| b.to_vec()));
    }
    rng.shuffle(&mut batches);
    batches
}

/// Reads a tokenizer file with context (used by training, which needs no model folder).
fn encoder_for_training(dir: &Path, max_len: usize) -> Result<TextEncoder> {
    TextEncoder::from_folder(dir, Family::Bert, max_len)
        .with_context(|| format!("cannot load the tokenizer of {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_warms_up_then_decays_to_zero() {
        assert!((schedule(0, 10, 100) - 0.1).abs() < 1e-12);
        assert!((schedule(9, 10, 100) - 1.0).abs() < 1e-12);
        assert!((schedule(10, 10, 100) - 1.0).abs() < 1e-12);
        assert!((schedule(55, 10, 100) - 0.5).abs() < 1e-12);
        assert!(schedule(99, 10, 100) > 0.0);
    }

    #[test]
    fn bucketed_batches_cover_everything_once_and_are_seeded() {
        let lengths: Vec<usize> = (0..103).map(|i| (i * 37) % 50).collect();
        let run = |seed| bucketed_batches(&lengths, 8, 4, &mut SplitMix64::new(seed));
        let batches = run(1);
        assert_eq!(batches, run(1));
        assert_ne!(batches, run(2));
        let mut all: Vec<usize> = batches.concat();
        all.sort();
        assert_eq!(all, (0..103).collect::<Vec<_>>());
        assert!(batches.iter().all(|b| b.len() <= 8 && b.windows(2).all(|w| lengths[w[0]] <= lengths[w[1]])));
    }

}
