//! Weight files: reading `.safetensors` / libtorch `.ot` files into named float32 tensors, and
//! copying them into the variables that rust-bert created in a `VarStore`.
//!
//! rust-bert's variable names are the Hugging Face names (`bert.encoder.layer.0...`,
//! `distilbert.transformer...`, `roberta.embeddings...`, `classifier...`), so hub folders load
//! as they are. Two common variants are matched too: a file saved from the bare encoder, whose
//! names lack the `bert.`/`distilbert.`/`roberta.` prefix, and old TensorFlow conversions that
//! call LayerNorm parameters `gamma`/`beta`. Extra tensors in the file (e.g. `position_ids`
//! buffers, MLM heads) are ignored.

use anyhow::{anyhow, bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;
use tch::{nn::VarStore, Kind, Tensor};

/// Reads every tensor of a weight file; floating-point tensors are converted to float32
/// (loading half-precision weights as they are would make the whole model half precision).
pub fn read_weights(path: &Path) -> Result<HashMap<String, Tensor>> {
    let named = match path.extension().and_then(|e| e.to_str()) {
        Some("safetensors") => Tensor::read_safetensors(path),
        _ => Tensor::load_multi(path),
    }
    .with_context(|| format!("cannot read weights from {}", path.display()))?;
    Ok(named
        .into_iter()
        .map(|(name, t)| {
            let t = if t.is_floating_point() && t.kind() != Kind::Float { t.to_kind(Kind::Float) } else { t };
            (name, t)
        })
        .collect())
}

/// Writes named tensors as a safetensors file, in name order (so equal weights give equal bytes).
pub fn write_weights(path: &Path, tensors: &[(String, Tensor)]) -> Result<()> {
    let mut sorted: Vec<&(String, Tensor)> = tensors.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let refs: Vec<(&str, Tensor)> = sorted.iter().map(|(n, t)| (n.as_str(), t.contiguous())).collect();
    Tensor::write_safetensors(&refs, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Copies `weights` into every variable of `vs`. `prefix` is the family's base-model prefix
/// (`bert.`, `distilbert.`, `roberta.`). Fails, naming `source`, if a variable has no tensor
/// or a tensor has the wrong shape.
pub fn copy_into(vs: &VarStore, weights: &HashMap<String, Tensor>, prefix: &str, source: &Path) -> Result<()> {
    // Index the file's tensors under their normalised names.
    let by_name: HashMap<String, &Tensor> = weights.iter().map(|(n, t)| (normalise(n), t)).collect();
    let mut missing = Vec::new();
    let mut variables: Vec<(String, Tensor)> = vs.variables().into_iter().collect();
    variables.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, mut var) in variables {
        let found = by_name.get(&name).or_else(|| name.strip_prefix(prefix).and_then(|bare| by_name.get(bare)));
        let Some(src) = found else {
            missing.push(name);
            continue;
        };
        if src.size() != var.size() {
            bail!(
                "{}: tensor for {name} has shape {:?}, the model config needs {:?}",
                source.display(),
                src.size(),
                var.size()
            );
        }
        tch::no_grad(|| var.f_copy_(src)).map_err(|e| anyhow!("{}: cannot copy {name}: {e}", source.display()))?;
    }
    if !missing.is_empty() {
        let shown: Vec<&str> = missing.iter().take(5).map(String::as_str).collect();
        bail!(
            "{}: {} tensor(s) the model needs are missing, e.g. {} (is this a sequence-classification model of the family named in config.json?)",
            source.display(),
            missing.len(),
            shown.join(", ")
        );
    }
    Ok(())
}

/// Maps old TensorFlow-style LayerNorm names (`gamma`/`beta`) to the PyTorch ones.
fn normalise(name: &str) -> String {
    if name.contains("LayerNorm") || name.contains("layer_norm") {
        if let Some(stem) = name.strip_suffix(".gamma") {
            return format!("{stem}.weight");
        }
        if let Some(stem) = name.strip_suffix(".beta") {
            return format!("{stem}.bias");
        }
    }
    name.to_string()
}

/// Hex sha256 of a file, streamed.
pub fn sha256_file(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf).with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_norm_gamma_beta_are_renamed_only_for_layer_norms() {
        assert_eq!(normalise("bert.embeddings.LayerNorm.gamma"), "bert.embeddings.LayerNorm.weight");
        assert_eq!(normalise("x.layer_norm.beta"), "x.layer_norm.bias");
        assert_eq!(normalise("foo.gamma"), "foo.gamma");
    }
}
