//! Text → token ids for a model folder. `tokenizer.json` is preferred; without it, BERT and
//! DistilBERT folders fall back to `vocab.txt` (WordPiece) and RoBERTa folders to
//! `vocab.json` + `merges.txt` (byte-level BPE).

use crate::tone::model::Family;
use anyhow::{anyhow, bail, Result};
use std::path::Path;
use tokenizers::models::bpe::BPE;
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::processors::bert::BertProcessing;
use tokenizers::processors::roberta::RobertaProcessing;
use tokenizers::{Tokenizer, TruncationParams};

/// A tokenizer that truncates to `max_len` tokens (special tokens included) and never pads:
/// padding is done per batch by the caller, with [`TextEncoder::pad_id`].
pub struct TextEncoder {
    tokenizer: Tokenizer,
    pad_id: i64,
}

impl TextEncoder {
    /// Loads the tokenizer files of a model folder.
    pub fn from_folder(dir: &Path, family: Family, max_len: usize) -> Result<TextEncoder> {
        let json = dir.join("tokenizer.json");
        let mut tokenizer = if json.exists() {
            Tokenizer::from_file(&json).map_err(|e| anyhow!("cannot read {}: {e}", json.display()))?
        } else {
            match family {
                Family::Bert | Family::DistilBert => wordpiece_from_vocab(dir)?,
                Family::Roberta => bpe_from_vocab(dir)?,
            }
        };
        // Our own settings win over those saved in tokenizer.json (which often pads to 128).
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: max_len, ..Default::default() }))
            .map_err(|e| anyhow!("cannot set truncation for {}: {e}", dir.display()))?;
        let pad_id = ["[PAD]", "<pad>"]
            .iter()
            .find_map(|t| tokenizer.token_to_id(t))
            .ok_or_else(|| anyhow!("{}: the tokenizer has no [PAD] or <pad> token", dir.display()))?;
        Ok(TextEncoder { tokenizer, pad_id: pad_id as i64 })
    }

    /// Token ids of each text, special tokens included, truncated to the maximum length.
    pub fn encode(&self, texts: &[&str]) -> Result<Vec<Vec<i64>>> {
        let encodings = self
            .tokenizer
            .encode_batch_fast(texts.to_vec(), true)
            .map_err(|e| anyhow!("tokenizer failed: {e}"))?;
        Ok(encodings.iter().map(|e| e.get_ids().iter().map(|&i| i as i64).collect()).collect())
    }

    /// The id used to pad sequences (RoBERTa derives position ids from it, so it matters).
    pub fn pad_id(&self) -> i64 {
        self.pad_id
    }
}

/// BERT-style WordPiece tokenizer from `vocab.txt`; lower-cases unless `tokenizer_config.json`
/// says `do_lower_case: false`.
fn wordpiece_from_vocab(dir: &Path) -> Result<Tokenizer> {
    let vocab = dir.join("vocab.txt");
    if !vocab.exists() {
        bail!("{}: no tokenizer.json and no vocab.txt", dir.display());
    }
    let model = WordPiece::from_file(&vocab.to_string_lossy())
        .build()
        .map_err(|e| anyhow!("cannot read {}: {e}", vocab.display()))?;
    let lowercase = tokenizer_config_flag(dir, "do_lower_case").unwrap_or(true);
    let mut tokenizer = Tokenizer::new(model);
    let id = |t: &str| tokenizer.token_to_id(t).ok_or_else(|| anyhow!("{}: vocab.txt lacks {t}", dir.display()));
    let (cls, sep) = (id("[CLS]")?, id("[SEP]")?);
    tokenizer
        .with_normalizer(Some(BertNormalizer::new(true, true, None, lowercase)))
        .with_pre_tokenizer(Some(BertPreTokenizer))
        .with_post_processor(Some(BertProcessing::new(("[SEP]".into(), sep), ("[CLS]".into(), cls))));
    Ok(tokenizer)
}

/// RoBERTa-style byte-level BPE tokenizer from `vocab.json` and `merges.txt`.
fn bpe_from_vocab(dir: &Path) -> Result<Tokenizer> {
    let (vocab, merges) = (dir.join("vocab.json"), dir.join("merges.txt"));
    if !vocab.exists() || !merges.exists() {
        bail!("{}: no tokenizer.json and no vocab.json + merges.txt", dir.display());
    }
    let model = BPE::from_file(&vocab.to_string_lossy(), &merges.to_string_lossy())
        .build()
        .map_err(|e| anyhow!("cannot read {} / {}: {e}", vocab.display(), merges.display()))?;
    let mut tokenizer = Tokenizer::new(model);
    let id = |t: &str| tokenizer.token_to_id(t).ok_or_else(|| anyhow!("{}: vocab.json lacks {t}", dir.display()));
    let (cls, sep) = (id("<s>")?, id("</s>")?);
    tokenizer
        .with_pre_tokenizer(Some(ByteLevel::new(false, true, true)))
        .with_post_processor(Some(RobertaProcessing::new(("</s>".into(), sep), ("<s>".into(), cls))));
    Ok(tokenizer)
}

/// A boolean from `tokenizer_config.json`, if the file and the key exist.
fn tokenizer_config_flag(dir: &Path, key: &str) -> Option<bool> {
    let text = std::fs::read_to_string(dir.join("tokenizer_config.json")).ok()?;
    serde_json::from_str::<serde_json::Value>(&text).ok()?.get(key)?.as_bool()
}
