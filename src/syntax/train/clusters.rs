//! Building the word clusters (`quotestance train clusters`): spherical k-means over the
//! pretrained input embeddings of all-MiniLM-L6-v2 (the tone model's encoder, whose vocabulary
//! of 30,522 word pieces holds about 21,000 whole words), first into the fine classes, then the
//! fine centroids into the coarse ones, so that each coarse class is a union of fine ones (as a
//! Brown cluster's prefix is).
//!
//! Deterministic: seeded k-means++ starts, assignments computed in parallel but each on its own,
//! centroids summed in word order.

use crate::rng::SplitMix64;
use crate::syntax::clusters::WordClusters;
use anyhow::{bail, ensure, Context, Result};
use rayon::prelude::*;
use std::path::Path;

/// Settings of `train clusters`.
#[derive(Debug, Clone)]
pub struct ClusterSettings {
    pub fine: usize,
    pub coarse: usize,
    pub iterations: usize,
    pub seed: u64,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        ClusterSettings { fine: 512, coarse: 64, iterations: 20, seed: 7 }
    }
}

/// The name of the word-embedding tensor in a BERT-style safetensors file.
const EMBEDDINGS: &str = "bert.embeddings.word_embeddings.weight";

/// Reads the rows of the word-embedding matrix from a safetensors file (8-byte header length,
/// JSON header, then the raw little-endian data).
pub fn read_embeddings(path: &Path) -> Result<(usize, Vec<f32>)> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    ensure!(bytes.len() >= 8, "{}: not a safetensors file", path.display());
    let header_len = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")) as usize;
    ensure!(8 + header_len <= bytes.len(), "{}: header longer than the file", path.display());
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + header_len]).with_context(|| format!("{}: header", path.display()))?;
    let Some(tensor) = header.get(EMBEDDINGS) else { bail!("{}: no tensor {EMBEDDINGS}", path.display()) };
    ensure!(tensor["dtype"] == "F32", "{}: {EMBEDDINGS} is {}, expected F32", path.display(), tensor["dtype"]);
    let shape: Vec<usize> = serde_json::from_value(tensor["shape"].clone())?;
    let offsets: Vec<usize> = serde_json::from_value(tensor["data_offsets"].clone())?;
    ensure!(shape.len() == 2 && offsets.len() == 2, "{}: unexpected shape", path.display());
    let data = &bytes[8 + header_len..];
    let (start, end) = (offsets[0], offsets[1]);
    ensure!(end <= data.len() && end - start == shape[0] * shape[1] * 4, "{}: tensor data out of bounds", path.display());
    let values = data[start..end].chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes"))).collect();
    Ok((shape[1], values))
}

/// Whether a vocabulary entry is a whole word worth a cluster (not a `##` piece, a `[unused]`
/// slot or a lone symbol).
fn is_word(piece: &str) -> bool {
    !piece.starts_with("##") && !piece.starts_with('[') && piece.chars().any(char::is_alphanumeric)
}

/// Clusters the whole words of `vocab` (one piece a line, in the embedding's row order).
pub fn build(embeddings: &Path, vocab: &Path, settings: &ClusterSettings) -> Result<WordClusters> {
    let (dim, matrix) = read_embeddings(embeddings)?;
    let vocab = std::fs::read_to_string(vocab).with_context(|| format!("cannot read {}", vocab.display()))?;
    let pieces: Vec<&str> = vocab.lines().collect();
    ensure!(pieces.len() * dim == matrix.len(), "{} pieces in the vocabulary but {} embedding rows", pieces.len(), matrix.len() / dim);
    let mut words = Vec::new();
    let mut vectors = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        if is_word(piece) {
            let row = &matrix[i * dim..(i + 1) * dim];
            let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
            vectors.extend(row.iter().map(|x| x / norm));
            words.push(piece.to_string());
        }
    }
    ensure!(words.len() > settings.fine, "{} words for {} clusters", words.len(), settings.fine);
    let mut rng = SplitMix64::new(settings.seed);
    let (fine_of, centroids) = kmeans(&vectors, dim, settings.fine, settings.iterations, &mut rng);
    let (coarse_of_fine, _) = kmeans(&centroids, dim, settings.coarse, settings.iterations, &mut rng);
    let rows = words.into_iter().zip(fine_of).map(|(w, f)| (w, f as u16, coarse_of_fine[f] as u16)).collect();
    Ok(WordClusters::from_rows(rows))
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight running sums let the compiler keep the loop in vector registers.
    let mut sums = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            sums[k] += x[k] * y[k];
        }
    }
    sums.iter().sum::<f32>() + ra.iter().zip(rb).map(|(x, y)| x * y).sum::<f32>()
}

/// Spherical k-means of unit `vectors` (rows of `dim`): each row's cluster and the unit
/// centroids.
fn kmeans(vectors: &[f32], dim: usize, k: usize, iterations: usize, rng: &mut SplitMix64) -> (Vec<usize>, Vec<f32>) {
    let n = vectors.len() / dim;
    let row = |i: usize| &vectors[i * dim..(i + 1) * dim];
    // k-means++ starts: each next centre drawn with probability growing with its distance
    // (1 - cosine) to the nearest centre so far.
    let mut centroids: Vec<f32> = Vec::with_capacity(k * dim);
    centroids.extend_from_slice(row(rng.below(n)));
    let mut nearest: Vec<f32> = (0..n).into_par_iter().map(|i| (1.0 - dot(row(i), &centroids[..dim])).max(0.0)).collect();
    while centroids.len() < k * dim {
        let total: f64 = nearest.iter().map(|&d| d as f64).sum();
        let mut target = (rng.next_u64() as f64 / u64::MAX as f64) * total;
        let mut chosen = n - 1;
        for (i, &d) in nearest.iter().enumerate() {
            target -= d as f64;
            if target <= 0.0 {
                chosen = i;
                break;
            }
        }
        let start = centroids.len();
        centroids.extend_from_slice(row(chosen));
        let new = &centroids[start..];
        nearest.par_iter_mut().enumerate().for_each(|(i, d)| *d = d.min((1.0 - dot(row(i), new)).max(0.0)));
    }
    let mut assignment = vec![0usize; n];
    for _ in 0..iterations {
        let next: Vec<usize> = (0..n)
            .into_par_iter()
            .map(|i| {
                let v = row(i);
                let mut best = (0, f32::MIN);
                for c in 0..k {
                    let s = dot(v, &centroids[c * dim..(c + 1) * dim]);
                    if s > best.1 {
                        best = (c, s);
                    }
                }
                best.0
            })
            .collect();
        let changed = next != assignment;
        assignment = next;
        let mut sums = vec![0.0f64; k * dim];
        let mut counts = vec![0usize; k];
        for (i, &c) in assignment.iter().enumerate() {
            counts[c] += 1;
            for (s, x) in sums[c * dim..(c + 1) * dim].iter_mut().zip(row(i)) {
                *s += *x as f64;
            }
        }
        for c in 0..k {
            let sum = &sums[c * dim..(c + 1) * dim];
            let norm = sum.iter().map(|x| x * x).sum::<f64>().sqrt();
            // An emptied cluster keeps its centre.
            if counts[c] > 0 && norm > 0.0 {
                for (dst, s) in centroids[c * dim..(c + 1) * dim].iter_mut().zip(sum) {
                    *dst = (s / norm) as f32;
                }
            }
        }
        if !changed {
            break;
        }
    }
    (assignment, centroids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kmeans_separates_two_directions() {
        // Six unit vectors near the x axis and six near the y axis.
        let mut v = Vec::new();
        for i in 0..6 {
            let e = 0.05 * i as f32;
            for (x, y) in [(1.0, e), (e, 1.0)] {
                let n: f32 = (x * x + y * y).sqrt();
                v.extend([x / n, y / n]);
            }
        }
        let (of, _) = kmeans(&v, 2, 2, 10, &mut SplitMix64::new(1));
        for i in 0..6 {
            assert_eq!(of[2 * i], of[0]);
            assert_eq!(of[2 * i + 1], of[1]);
        }
        assert_ne!(of[0], of[1]);
        assert!(is_word("minister") && !is_word("##ov") && !is_word("[unused3]") && !is_word(","));
    }
}
