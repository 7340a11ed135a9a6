//! The BERT network used for fine-tuning, with low-rank adapters (LoRA, Hu et al. 2021).
//!
//! The pretrained encoder stays frozen. Every linear map inside the transformer layers (query,
//! key, value, attention output, intermediate, output) gets a trainable low-rank update
//! `W + B·A` (A: r×in, B: out×r, B starts at zero); biases, LayerNorms, the pooler and the
//! classifier are trained in full. Only these trainable tensors are saved, a few MB, and
//! [`crate::tone::assemble`] folds them into the encoder to give a plain rust-bert
//! `BertForSequenceClassification`. The forward pass therefore mirrors rust-bert's BERT
//! exactly (post-LayerNorm layers, exact GELU, additive −10000 attention mask, `[CLS]` →
//! tanh pooler → classifier); a test checks that both give the same logits.
//!
//! Trainable tensors carry their rust-bert names (`bert.encoder.layer.0...`); adapters are
//! `<linear>.lora_a` / `<linear>.lora_b`, and the exported `lora_b` is pre-multiplied by
//! `alpha / rank`, so that merging is simply `W + lora_b · lora_a`.

use anyhow::{anyhow, Context, Result};
use std::collections::HashMap;
use tch::{nn, Kind, Tensor};

/// Network sizes, read from the encoder's config.json.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct EncoderDims {
    pub hidden_size: i64,
    pub num_attention_heads: i64,
    pub num_hidden_layers: i64,
    pub intermediate_size: i64,
    pub hidden_dropout_prob: f64,
    pub attention_probs_dropout_prob: f64,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
}

fn default_eps() -> f64 {
    1e-12
}

/// Adapter hyper-parameters.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct LoraSettings {
    pub rank: i64,
    pub alpha: f64,
    /// Dropout on the adapter's input during training.
    pub dropout: f64,
}

/// Optimiser group of matrices (weight decay) and of vectors (biases, LayerNorms: none).
pub const GROUP_MATRICES: usize = 0;
pub const GROUP_VECTORS: usize = 1;

/// The linear maps of one transformer layer that get adapters, by rust-bert name.
const ADAPTED: [&str; 6] = [
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
];

struct Linear {
    weight: Tensor,
    bias: Tensor,
    adapter: Option<Adapter>,
}

struct Adapter {
    a: Tensor,
    b: Tensor,
    scale: f64,
    dropout: f64,
}

impl Linear {
    fn forward(&self, x: &Tensor, train: bool) -> Tensor {
        let y = x.linear(&self.weight, Some(&self.bias));
        match &self.adapter {
            None => y,
            Some(ad) => y + x.dropout(ad.dropout, train).matmul(&ad.a.tr()).matmul(&ad.b.tr()) * ad.scale,
        }
    }
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn forward(&self, x: &Tensor) -> Tensor {
        let dim = *x.size().last().expect("LayerNorm input has a last dimension");
        x.layer_norm([dim], Some(&self.weight), Some(&self.bias), self.eps, true)
    }
}

struct Layer {
    query: Linear,
    key: Linear,
    value: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// BERT encoder + pooler + classifier with adapters; see the module docs.
pub struct LoraBert {
    word_embeddings: Tensor,
    position_embeddings: Tensor,
    token_type_embeddings: Tensor,
    embedding_norm: LayerNorm,
    layers: Vec<Layer>,
    pooler: Linear,
    classifier: Linear,
    dims: EncoderDims,
    settings: LoraSettings,
}

/// Builds trainable tensors under `root` (named like rust-bert's variables) from frozen `base`
/// tensors of the encoder file (names without the `bert.` prefix).
struct Builder<'a, 'p> {
    root: &'a nn::Path<'p>,
    base: &'a HashMap<String, Tensor>,
}

impl Builder<'_, '_> {
    fn frozen(&self, name: &str) -> Result<Tensor> {
        let t = self.base.get(name).ok_or_else(|| anyhow!("the encoder weights lack {name}"))?;
        Ok(t.detach().to_kind(Kind::Float))
    }

    /// A trainable copy of a base tensor, stored as `bert.<name>`.
    fn trainable(&self, name: &str, group: usize) -> Result<Tensor> {
        let init = self.frozen(name)?;
        let (path, leaf) = var_path(&self.root.set_group(group), &format!("bert.{name}"));
        Ok(path.var_copy(&leaf, &init))
    }

    fn layer_norm(&self, name: &str, eps: f64) -> Result<LayerNorm> {
        Ok(LayerNorm {
            weight: self.trainable(&format!("{name}.weight"), GROUP_VECTORS)?,
            bias: self.trainable(&format!("{name}.bias"), GROUP_VECTORS)?,
            eps,
        })
    }

    /// Frozen weight, trainable bias, and an adapter when `lora` is given.
    fn linear(&self, name: &str, lora: Option<LoraSettings>) -> Result<Linear> {
        let weight = self.frozen(&format!("{name}.weight"))?;
        let bias = self.trainable(&format!("{name}.bias"), GROUP_VECTORS)?;
        let adapter = lora.map(|s| {
            let (out_dim, in_dim) = (weight.size()[0], weight.size()[1]);
            let (path, _) = var_path(&self.root.set_group(GROUP_MATRICES), &format!("bert.{name}.lora_a"));
            // A: uniform like a fresh linear layer; B: zero, so training starts from the encoder.
            let bound = 1.0 / (in_dim as f64).sqrt();
            let a = path.var("lora_a", &[s.rank, in_dim], nn::Init::Uniform { lo: -bound, up: bound });
            let b = path.var("lora_b", &[out_dim, s.rank], nn::Init::Const(0.0));
            Adapter { a, b, scale: s.alpha / s.rank as f64, dropout: s.dropout }
        });
        Ok(Linear { weight, bias, adapter })
    }
}

impl LoraBert {
    /// Builds the network: frozen tensors from `base` (the encoder's model.safetensors),
    /// trainable ones as variables of `root`'s VarStore; the classifier is freshly initialised.
    pub fn new(
        root: &nn::Path,
        base: &HashMap<String, Tensor>,
        dims: EncoderDims,
        settings: LoraSettings,
        num_labels: i64,
    ) -> Result<LoraBert> {
        let b = Builder { root, base };
        let eps = dims.layer_norm_eps;
        let mut layers = Vec::new();
        for i in 0..dims.num_hidden_layers {
            let p = |s: &str| format!("encoder.layer.{i}.{s}");
            let lin = |s: &str| b.linear(&p(s), Some(settings));
            layers.push(Layer {
                query: lin(ADAPTED[0])?,
                key: lin(ADAPTED[1])?,
                value: lin(ADAPTED[2])?,
                attention_out: lin(ADAPTED[3])?,
                attention_norm: b.layer_norm(&p("attention.output.LayerNorm"), eps)?,
                intermediate: lin(ADAPTED[4])?,
                output: lin(ADAPTED[5])?,
                output_norm: b.layer_norm(&p("output.LayerNorm"), eps)?,
            });
        }
        let pooler = Linear {
            weight: b.trainable("pooler.dense.weight", GROUP_MATRICES)?,
            bias: b.trainable("pooler.dense.bias", GROUP_VECTORS)?,
            adapter: None,
        };
        let head = root.sub("classifier");
        let classifier = Linear {
            weight: head.set_group(GROUP_MATRICES).var(
                "weight",
                &[num_labels, dims.hidden_size],
                nn::Init::Randn { mean: 0.0, stdev: 0.02 },
            ),
            bias: head.set_group(GROUP_VECTORS).var("bias", &[num_labels], nn::Init::Const(0.0)),
            adapter: None,
        };
        Ok(LoraBert {
            word_embeddings: b.frozen("embeddings.word_embeddings.weight")?,
            position_embeddings: b.frozen("embeddings.position_embeddings.weight")?,
            token_type_embeddings: b.frozen("embeddings.token_type_embeddings.weight")?,
            embedding_norm: b.layer_norm("embeddings.LayerNorm", eps)?,
            layers,
            pooler,
            classifier,
            dims,
            settings,
        })
    }

    /// Class logits `[batch, num_labels]` for padded ids and a 0/1 mask (int64, `[batch, len]`).
    pub fn forward_t(&self, ids: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let (batch, len) = (ids.size()[0], ids.size()[1]);
        let (hidden, heads) = (self.dims.hidden_size, self.dims.num_attention_heads);
        let head_dim = hidden / heads;
        let p_hidden = self.dims.hidden_dropout_prob;

        let words = self.word_embeddings.index_select(0, &ids.view(-1)).view([batch, len, hidden]);
        let positions = self.position_embeddings.narrow(0, 0, len).unsqueeze(0);
        let types = self.token_type_embeddings.get(0); // token type 0 everywhere, as rust-bert defaults
        let mut x = self.embedding_norm.forward(&(words + positions + types)).dropout(p_hidden, train);

        // Additive mask: 0 where attended, −10000 on padding (rust-bert's convention).
        let additive = ((mask.ones_like() - mask).to_kind(Kind::Float) * -10000.0).view([batch, 1, 1, len]);
        let split = |t: Tensor| t.view([batch, len, heads, head_dim]).transpose(1, 2);
        for layer in &self.layers {
            let q = split(layer.query.forward(&x, train)) / (head_dim as f64).sqrt();
            let k = split(layer.key.forward(&x, train));
            let v = split(layer.value.forward(&x, train));
            let weights = (q.matmul(&k.transpose(-1, -2)) + &additive)
                .softmax(-1, Kind::Float)
                .dropout(self.dims.attention_probs_dropout_prob, train);
            let context = weights.matmul(&v).transpose(1, 2).contiguous().view([batch, len, hidden]);
            let attended = layer
                .attention_norm
                .forward(&(layer.attention_out.forward(&context, train).dropout(p_hidden, train) + &x));
            let inner = layer.intermediate.forward(&attended, train).gelu("none");
            x = layer.output_norm.forward(&(layer.output.forward(&inner, train).dropout(p_hidden, train) + &attended));
        }
        let pooled = self.pooler.forward(&x.select(1, 0), train).tanh();
        self.classifier.forward(&pooled.dropout(p_hidden, train), train)
    }

    /// The trainable tensors under their saved names, with `lora_b` pre-scaled by alpha/rank.
    pub fn export(&self, vs: &nn::VarStore) -> Vec<(String, Tensor)> {
        let scale = self.settings.alpha / self.settings.rank as f64;
        let mut out: Vec<(String, Tensor)> = vs
            .variables()
            .into_iter()
            .map(|(name, t)| {
                let t = t.detach().copy();
                if name.ends_with(".lora_b") { (name, t * scale) } else { (name, t) }
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Splits a dotted variable name into the VarStore path of its parent and its last component
/// (tch does not allow dots inside one name).
fn var_path<'p>(root: &nn::Path<'p>, dotted: &str) -> (nn::Path<'p>, String) {
    let parts: Vec<&str> = dotted.split('.').collect();
    let (leaf, parents) = parts.split_last().expect("split yields at least one part");
    assert!(!parents.is_empty(), "variable name {dotted} needs a parent path");
    let mut path = root.sub(parents[0]);
    for part in &parents[1..] {
        path = path.sub(*part);
    }
    (path, leaf.to_string())
}

/// Reads the network sizes from an encoder's config.json.
pub fn read_dims(config_path: &std::path::Path) -> Result<EncoderDims> {
    let text = std::fs::read_to_string(config_path).with_context(|| format!("cannot read {}", config_path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}: not a BERT config", config_path.display()))
}
