//! Trained perceptron weights, read-only at run time, and their file format.
//!
//! Each feature key maps to a short row of `(class, weight)` pairs: an averaged perceptron
//! leaves most classes of a feature at zero, so sparse rows are small on disk and quick to add.
//!
//! The tables are far larger than the processor's caches, so scoring is bound by trips to
//! memory, and the layout is made for that: a slot is one `u64` (a 24-bit fingerprint of the
//! key, the row's length and its offset), slots sit in an open-addressing table with linear
//! probing, and each row's entries are `u32`s packing the class (8 bits) with the weight
//! quantised to 24 bits. A feature that is not in the table (most of the word pairs seen at run
//! time) costs one slot read; a fingerprint shared by chance with a stored key (about one in
//! 16 million lookups) adds a stray small weight, which is harmless.
//!
//! File format (gzip-compressed, little-endian): `QSPW`, format version (u32), the model's
//! metadata as a JSON string (kind, classes, settings), the weight scale (f32), the number of
//! features (u64), then per feature, in key order, its key (u64), row length (u8) and entries
//! (u32 each).

use anyhow::{bail, ensure, Context, Result};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

const MAGIC: &[u8; 4] = b"QSPW";
const VERSION: u32 = 2;
/// Quantised weights use 23 bits of magnitude: sums of a few hundred fit an i32 with room.
const QUANTUM: f32 = (1 << 22) as f32;

/// Sparse weights of a linear model over hashed features.
#[derive(Clone, Default)]
pub struct Weights {
    /// `fingerprint << 40 | len << 32 | offset`, or for a row of one entry `… | 1 << 32 | entry`;
    /// 0 is an empty slot.
    slots: Vec<u64>,
    mask: usize,
    /// Row entries: `weight << 8 | class`, the weight a signed 24-bit multiple of `scale`.
    entries: Vec<u32>,
    scale: f32,
    /// Full keys and row offsets, kept only by weights built from training (for saving).
    keys: Vec<(u64, u32, u8)>,
    features: usize,
}

#[inline]
fn fingerprint(key: u64) -> u64 {
    (key >> 40) | 1
}

impl Weights {
    /// Builds the table from rows of `(key, [(class, weight)])`; empty rows are dropped.
    pub fn from_rows(rows: impl IntoIterator<Item = (u64, Vec<(u8, f32)>)>) -> Weights {
        let mut rows: Vec<(u64, Vec<(u8, f32)>)> = rows.into_iter().filter(|(_, r)| !r.is_empty()).collect();
        rows.sort_unstable_by_key(|r| r.0);
        let largest = rows.iter().flat_map(|(_, r)| r.iter().map(|(_, w)| w.abs())).fold(0.0f32, f32::max);
        let scale = if largest > 0.0 { largest / QUANTUM } else { 1.0 };
        let quantised = rows.into_iter().map(|(key, row)| {
            let entries = row.into_iter().filter_map(|(class, w)| {
                let q = (w / scale).round() as i32;
                (q != 0).then_some(((q << 8) as u32) | class as u32)
            });
            (key, entries.collect::<Vec<u32>>())
        });
        Self::from_quantised(quantised, scale, true)
    }

    fn from_quantised(rows: impl IntoIterator<Item = (u64, Vec<u32>)>, scale: f32, keep_keys: bool) -> Weights {
        let rows: Vec<(u64, Vec<u32>)> = rows.into_iter().filter(|(_, r)| !r.is_empty()).collect();
        let capacity = (rows.len() * 3 / 2 + 1).next_power_of_two().max(16);
        let mut w = Weights { slots: vec![0; capacity], mask: capacity - 1, scale, features: rows.len(), ..Weights::default() };
        for (key, row) in rows {
            let offset = w.entries.len() as u32;
            let len = row.len().min(255) as u8;
            // A row of one entry lives in its slot (saving a second trip to memory); the rows
            // list keeps it too where the weights may be saved.
            if len > 1 || keep_keys {
                w.entries.extend(&row[..len as usize]);
            }
            if keep_keys {
                w.keys.push((key, offset, len));
            }
            let mut i = (key as usize) & w.mask;
            while w.slots[i] != 0 {
                i = (i + 1) & w.mask;
            }
            let payload = if len == 1 { row[0] } else { offset };
            w.slots[i] = fingerprint(key) << 40 | (len as u64) << 32 | payload as u64;
        }
        w
    }

    /// Number of features with a row.
    pub fn len(&self) -> usize {
        self.features
    }

    pub fn is_empty(&self) -> bool {
        self.features == 0
    }

    /// Adds the rows of `features` to `scores` (one score per class).
    ///
    /// The slots of all features are prefetched first and their rows next, so that the trips to
    /// memory overlap instead of queueing one behind the other.
    #[inline]
    pub fn add_scores(&self, features: &[u64], scores: &mut [f32]) {
        if self.slots.is_empty() {
            return;
        }
        for &f in features {
            prefetch(&self.slots[(f as usize) & self.mask]);
        }
        let mut sums = [0i32; 256];
        let mut found: [(u32, u8); 192] = [(0, 0); 192];
        for chunk in features.chunks(found.len()) {
            let mut count = 0;
            for &f in chunk {
                let wanted = fingerprint(f);
                let mut i = (f as usize) & self.mask;
                loop {
                    let slot = self.slots[i];
                    if slot == 0 {
                        break;
                    }
                    if slot >> 40 == wanted {
                        let len = (slot >> 32) as u8;
                        if len == 1 {
                            let e = slot as u32;
                            sums[(e & 0xff) as usize] += (e as i32) >> 8;
                        } else {
                            let offset = slot as u32;
                            prefetch(&self.entries[offset as usize]);
                            found[count] = (offset, len);
                            count += 1;
                        }
                        break;
                    }
                    i = (i + 1) & self.mask;
                }
            }
            for &(offset, len) in &found[..count] {
                for &e in &self.entries[offset as usize..offset as usize + len as usize] {
                    sums[(e & 0xff) as usize] += (e as i32) >> 8;
                }
            }
        }
        for (s, &q) in scores.iter_mut().zip(&sums) {
            *s += q as f32 * self.scale;
        }
    }

    /// Writes `metadata` (JSON) and the weights to `path`, gzip-compressed. Only weights built
    /// by training can be saved (loaded ones keep no full keys).
    pub fn save(&self, path: &Path, metadata: &serde_json::Value) -> Result<()> {
        ensure!(self.keys.len() == self.features, "these weights were loaded from a file and cannot be saved again");
        let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = flate2::write::GzEncoder::new(BufWriter::new(file), flate2::Compression::new(6));
        out.write_all(MAGIC)?;
        out.write_all(&VERSION.to_le_bytes())?;
        let meta = serde_json::to_vec(metadata)?;
        out.write_all(&(meta.len() as u64).to_le_bytes())?;
        out.write_all(&meta)?;
        out.write_all(&self.scale.to_le_bytes())?;
        out.write_all(&(self.keys.len() as u64).to_le_bytes())?;
        for &(key, offset, len) in &self.keys {
            out.write_all(&key.to_le_bytes())?;
            out.write_all(&[len])?;
            for e in &self.entries[offset as usize..offset as usize + len as usize] {
                out.write_all(&e.to_le_bytes())?;
            }
        }
        out.finish()?.flush()?;
        Ok(())
    }

    /// Reads a file written by [`Weights::save`]: the metadata and the weights.
    pub fn load(path: &Path) -> Result<(serde_json::Value, Weights)> {
        let file = std::fs::File::open(path).with_context(|| format!("cannot open the model file {}", path.display()))?;
        Self::read(BufReader::with_capacity(1 << 16, flate2::read::GzDecoder::new(BufReader::new(file))))
            .with_context(|| format!("{} is not a valid model file", path.display()))
    }

    fn read(mut input: impl Read) -> Result<(serde_json::Value, Weights)> {
        let mut magic = [0u8; 4];
        input.read_exact(&mut magic)?;
        ensure!(&magic == MAGIC, "wrong magic bytes");
        let version = read_u32(&mut input)?;
        ensure!(version == VERSION, "format version {version}, expected {VERSION}");
        let meta_len = read_u64(&mut input)? as usize;
        ensure!(meta_len < 1 << 30, "metadata of {meta_len} bytes");
        let mut meta = vec![0u8; meta_len];
        input.read_exact(&mut meta)?;
        let metadata = serde_json::from_slice(&meta).context("metadata")?;
        let scale = f32::from_bits(read_u32(&mut input)?);
        ensure!(scale.is_finite() && scale > 0.0, "weight scale {scale}");
        let n = read_u64(&mut input)? as usize;
        ensure!(n < 1 << 32, "{n} features");
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let key = read_u64(&mut input)?;
            if key == 0 {
                bail!("a feature key of 0");
            }
            let mut len = [0u8; 1];
            input.read_exact(&mut len)?;
            let mut row = Vec::with_capacity(len[0] as usize);
            for _ in 0..len[0] {
                row.push(read_u32(&mut input)?);
            }
            rows.push((key, row));
        }
        Ok((metadata, Weights::from_quantised(rows, scale, false)))
    }
}

fn read_u32(input: &mut impl Read) -> Result<u32> {
    let mut b = [0u8; 4];
    input.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64(input: &mut impl Read) -> Result<u64> {
    let mut b = [0u8; 8];
    input.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// Asks the processor to start loading the cache line of `value`.
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(value as *const T as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The index of the highest score among the classes `allowed` says yes to (the first on ties,
/// so the choice never depends on anything but the scores).
#[inline]
pub fn best(scores: &[f32], allowed: impl Fn(usize) -> bool) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for (i, &s) in scores.iter().enumerate() {
        if allowed(i) && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_add_and_round_trip() {
        let w = Weights::from_rows([(7, vec![(0, 1.0), (2, -0.5)]), (9, vec![(1, 2.0)]), (11, vec![])]);
        assert_eq!(w.len(), 2);
        let mut scores = [0.0; 3];
        w.add_scores(&[7, 9, 13], &mut scores);
        assert_eq!(scores, [1.0, 2.0, -0.5]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin.gz");
        w.save(&path, &serde_json::json!({"kind": "test"})).unwrap();
        let (meta, back) = Weights::load(&path).unwrap();
        assert_eq!(meta["kind"], "test");
        let mut again = [0.0; 3];
        back.add_scores(&[7, 9, 13], &mut again);
        assert_eq!(again, scores);
        assert!(back.save(&path, &meta).is_err(), "loaded weights keep no keys to save");
    }

    #[test]
    fn a_truncated_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.bin.gz");
        std::fs::write(&path, b"not a model").unwrap();
        assert!(Weights::load(&path).is_err());
    }
}
