//! Tone scoring (interface only until the tone model lands).
use std::path::{Path, PathBuf};

pub struct ToneModel;
#[derive(Debug, Clone, Copy)]
pub enum ToneLabel { Negative, Neutral, Positive }
impl ToneLabel {
    pub fn as_str(self) -> &'static str {
        match self { ToneLabel::Negative => "negative", ToneLabel::Neutral => "neutral", ToneLabel::Positive => "positive" }
    }
}
pub struct ToneScore { pub label: ToneLabel, pub score: f32, pub p_negative: f32, pub p_neutral: Option<f32>, pub p_positive: f32 }
impl ToneModel {
    pub fn load(dir: &Path, _threads: usize) -> anyhow::Result<ToneModel> { anyhow::bail!("no tone model at {} yet", dir.display()) }
    pub fn name(&self) -> &str { "" }
    pub fn score(&self, _texts: &[&str]) -> anyhow::Result<Vec<ToneScore>> { Ok(Vec::new()) }
}
pub fn default_model_dir() -> PathBuf { PathBuf::from("models/tone") }
