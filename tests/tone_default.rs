//! The real default tone model (models/tone, assembled by `make models`; `make test` does that
//! first). Skipped with a notice when the folder is absent, e.g. in a bare `cargo test`.
#![cfg(feature = "tone")]

use quotestance::tone::{ToneLabel, ToneModel};
use std::path::PathBuf;

fn default_model() -> Option<ToneModel> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/tone");
    if !dir.join("config.json").exists() {
        eprintln!("NOTICE: {} is absent; skipping the default-model test (run `make models`)", dir.display());
        return None;
    }
    Some(ToneModel::load(&dir, 2).expect("the assembled default model loads"))
}

#[test]
fn default_model_hears_hostility_and_warmth_in_the_sample_quotes() {
    let Some(model) = default_model() else { return };
    assert_eq!(model.name(), "quotestance-tone-minilm-v1");
    // From the sample articles (data/articles/002 and 001).
    let hostile = "The Americans aren’t listening to us";
    let warm = "We have resumed professional dialogue on strategic stability and cybersecurity.";
    let scores = model.score(&[hostile, warm]).unwrap();
    assert_eq!(scores[0].label, ToneLabel::Negative, "{hostile:?}: {:?}", scores[0]);
    assert!(scores[0].score < -0.2, "{hostile:?}: {:?}", scores[0]);
    assert_eq!(scores[1].label, ToneLabel::Positive, "{warm:?}: {:?}", scores[1]);
    assert!(scores[1].score > 0.2, "{warm:?}: {:?}", scores[1]);
}
