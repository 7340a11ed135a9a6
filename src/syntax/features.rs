//! What the tagger, the entity recogniser and the parser share: a stable string hash, feature
//! keys mixed from template ids and hashed values, and word shapes.
//!
//! Feature keys are written into the model files, so the hash must never change with a crate
//! version or platform: it is defined here, not taken from a hasher crate.

/// A stable 64-bit hash of a string (bytes read little-endian, 8 at a time, then a finaliser).
pub fn hash_str(s: &str) -> u64 {
    let bytes = s.as_bytes();
    let mut h: u64 = 0x243f_6a88_85a3_08d3 ^ (bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        h = mix(h, u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = mix(h, u64::from_le_bytes(last));
    }
    finish(h)
}

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29)
}

#[inline]
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The key of a feature: its template id with up to three hashed values. Never 0 (0 marks an
/// empty slot in the weight table).
#[inline]
pub fn key(template: u32, a: u64, b: u64, c: u64) -> u64 {
    let h = finish(mix(mix(mix(template as u64 ^ 0x5851_f42d_4c95_7f2d, a), b), c));
    h | 1
}

/// The shape of a word, with runs folded: `Nebenzia` → `Xx`, `U.S.` → `X.X.`, `1,000` →
/// `d,d`, `COVID-19` → `X-d`, `iPhone` → `xXx`. At most 8 symbols.
pub fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    for c in word.chars() {
        let s = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        if s != last {
            out.push(s);
            last = s;
            if out.len() >= 8 {
                break;
            }
        }
    }
    out
}

/// The last `n` characters of `word` (all of it when shorter).
pub fn suffix(word: &str, n: usize) -> &str {
    match word.char_indices().rev().nth(n.saturating_sub(1)) {
        Some((i, _)) if n > 0 => &word[i..],
        _ if n == 0 => "",
        _ => word,
    }
}

/// The first `n` characters of `word` (all of it when shorter).
pub fn prefix(word: &str, n: usize) -> &str {
    match word.char_indices().nth(n) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

/// Digits folded to `0`, for numbers that differ only in their digits (`1,234` and `9,876`).
pub fn fold_digits(word: &str) -> std::borrow::Cow<'_, str> {
    if word.bytes().any(|b| b.is_ascii_digit()) {
        std::borrow::Cow::Owned(word.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect())
    } else {
        std::borrow::Cow::Borrowed(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_fold_runs() {
        assert_eq!(shape("Nebenzia"), "Xx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("1,000"), "d,d");
        assert_eq!(shape("COVID-19"), "X-d");
        assert_eq!(shape(""), "");
    }

    #[test]
    fn affixes_count_characters() {
        assert_eq!(suffix("Zakharova", 3), "ova");
        assert_eq!(suffix("é", 3), "é");
        assert_eq!(prefix("Ëlan", 2), "Ël");
        assert_eq!(suffix("abc", 0), "");
    }

    #[test]
    fn the_hash_is_stable() {
        // Written into model files: a change here silently breaks every trained model.
        assert_eq!(hash_str("said"), hash_str("said"));
        assert_ne!(hash_str("said"), hash_str("says"));
        // The values the committed models were trained with.
        assert_eq!(hash_str("said"), 0xf3d8_ff56_465e_6d79);
        assert_eq!(hash_str("Lavrov"), 0x6a2a_8458_2e1b_0127);
        assert_eq!(hash_str(""), 0x7acd_bb98_b134_4213);
        assert_ne!(key(1, 2, 3, 4), 0);
    }
}
