//! Loading a rust-bert sequence-classification folder (BERT, DistilBERT or RoBERTa family) and
//! running it: token ids in, class logits out.
//!
//! A folder holds `config.json` (with `model_type` and `id2label`), the weights as
//! `model.safetensors` or `rust_model.ot`, and tokenizer files (see [`crate::tone::tokenize`]).

use crate::tone::weights;
use anyhow::{anyhow, bail, Context, Result};
use rust_bert::bert::{BertConfig, BertForSequenceClassification};
use rust_bert::distilbert::{DistilBertConfig, DistilBertModelClassifier};
use rust_bert::roberta::RobertaForSequenceClassification;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tch::{nn::VarStore, Device, Kind, Tensor};

/// The architecture families we can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Bert,
    DistilBert,
    Roberta,
}

impl Family {
    /// Prefix of the base model's variable names.
    fn prefix(self) -> &'static str {
        match self {
            Family::Bert => "bert.",
            Family::DistilBert => "distilbert.",
            Family::Roberta => "roberta.",
        }
    }

    /// From `model_type` (or, failing that, the first `architectures` entry) of config.json.
    fn from_config(config: &Value) -> Option<Family> {
        let model_type = config.get("model_type").and_then(Value::as_str).map(str::to_ascii_lowercase);
        let arch = config
            .get("architectures")
            .and_then(|a| a.get(0))
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase);
        match model_type.as_deref() {
            Some("bert") => Some(Family::Bert),
            Some("distilbert") => Some(Family::DistilBert),
            Some("roberta") => Some(Family::Roberta),
            Some(_) => None,
            None => match arch.as_deref() {
                Some(a) if a.starts_with("distilbert") => Some(Family::DistilBert),
                Some(a) if a.starts_with("roberta") => Some(Family::Roberta),
                Some(a) if a.starts_with("bert") => Some(Family::Bert),
                _ => None,
            },
        }
    }
}

enum Network {
    Bert(BertForSequenceClassification),
    DistilBert(DistilBertModelClassifier),
    Roberta(RobertaForSequenceClassification),
}

/// A loaded sequence classifier. Its parameters live in `_vs`, which must outlive `net`.
pub struct Classifier {
    net: Network,
    _vs: VarStore,
    pub family: Family,
    /// Class index → label name, from config.json.
    pub id2label: HashMap<i64, String>,
    /// Longest input the position embeddings allow, special tokens included.
    pub max_positions: usize,
}

impl Classifier {
    /// Loads config, weights and network from `dir` (errors name the folder and the problem).
    pub fn load(dir: &Path) -> Result<Classifier> {
        let config_path = dir.join("config.json");
        let text = std::fs::read_to_string(&config_path)
            .with_context(|| format!("cannot read {}", config_path.display()))?;
        let config: Value =
            serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", config_path.display()))?;
        let family = Family::from_config(&config).ok_or_else(|| {
            anyhow!(
                "{}: model_type {} is not one of bert, distilbert, roberta",
                config_path.display(),
                config.get("model_type").unwrap_or(&Value::Null)
            )
        })?;
        let id2label = read_id2label(&config).with_context(|| format!("{}", config_path.display()))?;

        let vs = VarStore::new(Device::Cpu);
        let parse_err = |e: serde_json::Error| anyhow!("{}: not a valid {family:?} config: {e}", config_path.display());
        let (net, max_pos) = match family {
            Family::Bert | Family::Roberta => {
                let cfg: BertConfig = serde_json::from_value(config.clone()).map_err(parse_err)?;
                let max_pos = cfg.max_position_embeddings as usize;
                if family == Family::Bert {
                    (Network::Bert(BertForSequenceClassification::new(vs.root(), &cfg)?), max_pos)
                } else {
                    // RoBERTa positions start after the padding index (2 slots are reserved).
                    (Network::Roberta(RobertaForSequenceClassification::new(vs.root(), &cfg)?), max_pos.saturating_sub(2))
                }
            }
            Family::DistilBert => {
                let cfg: DistilBertConfig = serde_json::from_value(with_distilbert_defaults(config.clone())).map_err(parse_err)?;
                let max_pos = cfg.max_position_embeddings as usize;
                (Network::DistilBert(DistilBertModelClassifier::new(vs.root(), &cfg)?), max_pos)
            }
        };

        let weights_path = weights_file(dir)?;
        let tensors = weights::read_weights(&weights_path)?;
        weights::copy_into(&vs, &tensors, family.prefix(), &weights_path)?;
        Ok(Classifier { net, _vs: vs, family, id2label, max_positions: max_pos })
    }

    /// Logits `[batch, num_labels]` for padded ids and a 0/1 attention mask (both `[batch, len]`, int64).
    pub fn logits(&self, ids: &Tensor, mask: &Tensor) -> Result<Tensor> {
        tch::no_grad(|| {
            Ok(match &self.net {
                Network::Bert(m) => m.forward_t(Some(ids), Some(mask), None, None, None, false).logits,
                Network::DistilBert(m) => m.forward_t(Some(ids), Some(mask), None, false)?.logits,
                Network::Roberta(m) => m.forward_t(Some(ids), Some(mask), None, None, None, false).logits,
            })
        })
    }
}

/// Pads id sequences to the longest with `pad_id`; returns `(ids, mask)` as int64 tensors.
pub fn pad_batch(seqs: &[&[i64]], pad_id: i64) -> (Tensor, Tensor) {
    let width = seqs.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut ids = Vec::with_capacity(seqs.len() * width);
    let mut mask = Vec::with_capacity(seqs.len() * width);
    for s in seqs {
        ids.extend_from_slice(s);
        ids.extend(std::iter::repeat_n(pad_id, width - s.len()));
        mask.extend(std::iter::repeat_n(1i64, s.len()));
        mask.extend(std::iter::repeat_n(0i64, width - s.len()));
    }
    let shape = [seqs.len() as i64, width as i64];
    (Tensor::from_slice(&ids).view(shape), Tensor::from_slice(&mask).view(shape).to_kind(Kind::Int64))
}

/// `model.safetensors` if present, else `rust_model.ot`.
fn weights_file(dir: &Path) -> Result<PathBuf> {
    ["model.safetensors", "rust_model.ot"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists())
        .ok_or_else(|| anyhow!("{}: no model.safetensors or rust_model.ot", dir.display()))
}

/// `id2label` from config.json; its keys are strings there ("0", "1", ...).
fn read_id2label(config: &Value) -> Result<HashMap<i64, String>> {
    let map = config
        .get("id2label")
        .and_then(Value::as_object)
        .ok_or_else(|| anyhow!("no id2label: not a sequence-classification config"))?;
    let mut out = HashMap::new();
    for (k, v) in map {
        let id: i64 = k.trim().parse().map_err(|_| anyhow!("id2label key {k:?} is not a number"))?;
        let label = v.as_str().ok_or_else(|| anyhow!("id2label value for {k} is not a string"))?;
        out.insert(id, label.to_string());
    }
    let n = out.len() as i64;
    if n < 2 || (0..n).any(|i| !out.contains_key(&i)) {
        bail!("id2label must number its {n} labels 0..{}", n - 1);
    }
    Ok(out)
}

/// Fills DistilBERT config keys that some exported configs omit, with the usual values.
fn with_distilbert_defaults(mut config: Value) -> Value {
    if let Some(obj) = config.as_object_mut() {
        for (key, value) in [
            ("sinusoidal_pos_embds", Value::Bool(false)),
            ("tie_weights_", Value::Bool(true)),
            ("qa_dropout", Value::from(0.1)),
            ("seq_classif_dropout", Value::from(0.2)),
        ] {
            obj.entry(key).or_insert(value);
        }
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn family_comes_from_model_type_or_architectures() {
        assert_eq!(Family::from_config(&json!({"model_type": "DistilBERT"})), Some(Family::DistilBert));
        assert_eq!(Family::from_config(&json!({"architectures": ["RobertaForSequenceClassification"]})), Some(Family::Roberta));
        assert_eq!(Family::from_config(&json!({"model_type": "gpt2"})), None);
    }

    #[test]
    fn id2label_must_be_complete() {
        assert!(read_id2label(&json!({"id2label": {"0": "NEG", "1": "POS"}})).is_ok());
        assert!(read_id2label(&json!({"id2label": {"0": "NEG", "2": "POS"}})).is_err());
        assert!(read_id2label(&json!({})).is_err());
    }

    #[test]
    fn padding_fills_ids_and_masks() {
        let (ids, mask) = pad_batch(&[&[5, 6, 7], &[8]], 1);
        assert_eq!(Vec::<i64>::try_from(ids.view(-1)).unwrap(), vec![5, 6, 7, 8, 1, 1]);
        assert_eq!(Vec::<i64>::try_from(mask.view(-1)).unwrap(), vec![1, 1, 1, 1, 0, 0]);
    }
}
