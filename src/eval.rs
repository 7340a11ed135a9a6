//! Scoring a quotes CSV against a gold CSV, with the same rules and metrics as the independent
//! scorer `shared/tools/score_quotes.py`, so that the project can measure itself.
//!
//! gold: `article,speaker,kind,quote_prefix,note` (speaker = roster surname, `OTHER` or
//! `OTHER:Name`); pred: any CSV with `article_id`, `speaker`, `quote`. A predicted quote matches
//! a gold row of the same article when, after normalisation, one text starts with the other and
//! the shorter has at least 4 characters; gold rows are matched in order, each at most once.

use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

/// The metrics of one evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    pub gold_quotes: usize,
    pub found: usize,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub other_named: usize,
    pub other_named_ok: usize,
    /// One line per miss, wrong or extra attribution.
    pub misses: Vec<String>,
    /// How many errors of each class (`ErrorClass`), for the table `make eval` prints.
    pub errors: BTreeMap<ErrorClass, usize>,
    /// Whether the gold has a `note` column (`unnamed_sources` is counted from it).
    pub has_notes: bool,
    /// Found gold quotes whose source names nobody, and how many of them the predictions gave a
    /// name anyway: `(given a name, unnamed sources)`. Meaningful for gold whose `note` holds the
    /// annotated source text (PolNeAR's): a row is unnamed where `speaker` is a bare `OTHER`
    /// (`officials`, `the report`, `a spokesman for Clinton`). Bare pronoun sources are left out
    /// (the gold does not resolve them, so a name there may be right), and so is a predicted
    /// name that the source text contains (`The New York Post`). The `other` score cannot see
    /// these wrong attributions.
    pub unnamed_sources: (usize, usize),
}

/// The kinds of error the scorer tells apart (`Score::error_table`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorClass {
    /// A gold quote the output does not have at all.
    QuoteNotFound,
    /// A roster official's quote with no roster speaker (empty, or a non-official).
    MissedRosterQuote,
    /// A roster official's quote given to another official.
    WrongOfficial,
    /// Someone else's words (or nobody's) given to a roster official.
    OfficialGivenOthersWords,
    /// A roster row for no gold quote at all.
    ExtraRosterRow,
    /// A named non-roster speaker's quote left without a speaker.
    LeftUnattributed,
    /// … given to the wrong person through `he` / `she`.
    PronounResolvedWrong,
    /// … through a role phrase (`the diplomat`).
    RoleResolvedWrong,
    /// … through a continuation of an earlier quote's speaker.
    ContinuationWrong,
    /// … through a name, `according to`, a headline or another method.
    WrongName,
}

impl ErrorClass {
    pub fn describe(self) -> &'static str {
        match self {
            ErrorClass::QuoteNotFound => "quote not found",
            ErrorClass::MissedRosterQuote => "missed roster quote",
            ErrorClass::WrongOfficial => "wrong official",
            ErrorClass::OfficialGivenOthersWords => "official given another's words",
            ErrorClass::ExtraRosterRow => "roster row for no gold quote",
            ErrorClass::LeftUnattributed => "named speaker left empty (no candidate chosen)",
            ErrorClass::PronounResolvedWrong => "pronoun resolved wrong",
            ErrorClass::RoleResolvedWrong => "role phrase resolved wrong",
            ErrorClass::ContinuationWrong => "continuation gave the wrong speaker",
            ErrorClass::WrongName => "wrong person named (name, according to, headline, label)",
        }
    }

    /// The class of a wrong named speaker, by how the output found its speaker.
    fn of_wrong_speaker(pred_speaker: &str, method: &str) -> ErrorClass {
        if pred_speaker.trim().is_empty() {
            return ErrorClass::LeftUnattributed;
        }
        match method {
            "pronoun" => ErrorClass::PronounResolvedWrong,
            "role" => ErrorClass::RoleResolvedWrong,
            "continuation" => ErrorClass::ContinuationWrong,
            _ => ErrorClass::WrongName,
        }
    }
}

impl Score {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        }
    }
    pub fn detection(&self) -> f64 {
        ratio(self.found, self.gold_quotes)
    }
    pub fn other(&self) -> f64 {
        ratio(self.other_named_ok, self.other_named)
    }

    /// Errors by class, one line each, with their share of all errors (`make eval`).
    pub fn error_table(&self) -> String {
        let total: usize = self.errors.values().sum();
        let mut out = format!("errors by class ({total} in all):\n");
        for (class, n) in &self.errors {
            out.push_str(&format!("  {:<58} {n:>4}  {:>5.1}%\n", class.describe(), 100.0 * ratio(*n, total)));
        }
        out
    }

    fn count(&mut self, class: ErrorClass) {
        *self.errors.entry(class).or_default() += 1;
    }

    /// Counts a found quote whose gold source (`note`) names no person (see `unnamed_sources`).
    fn count_unnamed(&mut self, note: &str, pred_speaker: &str) {
        let source = norm(note);
        let pronoun = matches!(source.as_str(), "he" | "she" | "him" | "her" | "his" | "hers" | "it" | "its");
        if source.is_empty() || pronoun {
            return;
        }
        self.unnamed_sources.1 += 1;
        if norm(pred_speaker).split_whitespace().last().is_some_and(|surname| !source.contains(surname)) {
            self.unnamed_sources.0 += 1;
        }
    }

    /// The summary lines printed by both scorers.
    pub fn report(&self) -> String {
        format!(
            "gold quotes {}, found {} (detection recall {:.3})\nroster attribution: tp {} fp {} fn {}\nother named speakers correct: {}/{} ({:.3})\nroster_f1={:.3} precision={:.3} recall={:.3} detection={:.3} other={:.3}",
            self.gold_quotes, self.found, self.detection(), self.tp, self.fp, self.fn_, self.other_named_ok, self.other_named,
            self.other(), self.f1(), self.precision(), self.recall(), self.detection(), self.other()
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

struct GoldRow {
    speaker: String,
    quote: String,
    /// The `note` column (PolNeAR: the annotated source text; empty where there is none).
    note: String,
}

struct PredRow {
    speaker: String,
    quote: String,
    /// How the output found the speaker (`method`; empty where the CSV has no such column).
    method: String,
}

/// Normalises text for matching: NFKC, no quote marks or apostrophes, lower case, white space
/// folded, edge punctuation trimmed.
pub fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkc() {
        if matches!(c, '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{ab}' | '\u{bb}' | '\u{2033}' | '"' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' | '\'') {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    let folded = out.split_whitespace().collect::<Vec<_>>().join(" ");
    folded.trim_matches(|c: char| " .,;:!?-\u{2013}\u{2014}".contains(c)).to_string()
}

/// The article key: the last path component without `.txt` / `.json` / `.jsonl`.
fn base(article: &str) -> String {
    let last = article.trim().rsplit('/').next().unwrap_or("");
    for ext in [".txt", ".jsonl", ".json"] {
        if let Some(stem) = last.strip_suffix(ext) {
            return stem.to_string();
        }
    }
    last.to_string()
}

fn same_text(g: &str, p: &str) -> bool {
    if g.is_empty() || p.is_empty() {
        return false;
    }
    let (short, long) = if g.chars().count() <= p.chars().count() { (g, p) } else { (p, g) };
    (short.chars().count() >= 4 && long.starts_with(short)) || (short.chars().count() < 4 && g == p)
}

/// Ratcliff–Obershelp similarity, as Python's `difflib.SequenceMatcher.ratio()` (no junk).
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * matching(&a, &b) as f64 / (a.len() + b.len()) as f64
}

fn matching(a: &[char], b: &[char]) -> usize {
    // Longest common block (leftmost in a, then in b, as difflib), then recurse on both sides.
    let (mut best, mut best_i, mut best_j) = (0, 0, 0);
    for i in 0..a.len() {
        for j in 0..b.len() {
            let mut k = 0;
            while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                k += 1;
            }
            if k > best {
                (best, best_i, best_j) = (k, i, j);
            }
        }
    }
    if best == 0 {
        return 0;
    }
    best + matching(&a[..best_i], &b[..best_j]) + matching(&a[best_i + best..], &b[best_j + best..])
}

/// Whether a predicted speaker names `name` (or one of `A+B`); spelling variants of the surname
/// count (similarity ≥ 0.85 with the same first letter).
pub fn says(pred_speaker: &str, name: &str) -> bool {
    let pred = norm(pred_speaker);
    let words: Vec<&str> = pred.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
    let last = words.last().copied().unwrap_or("");
    name.split(['+', '/']).any(|part| {
        let n = norm(part);
        !n.is_empty() && (pred.contains(&n) || (last.chars().next() == n.chars().next() && similarity(last, &n) >= 0.85))
    })
}

/// The rows of a CSV by article: speaker, quote and the optional column `extra_col` (empty where
/// the file has none), and whether the file has that column.
#[allow(clippy::type_complexity)]
fn read_rows(path: &Path, article_col: &str, speaker_col: &str, quote_col: &str, extra_col: &str) -> Result<(BTreeMap<String, Vec<(String, String, String)>>, bool)> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers: Vec<String> = reader.headers()?.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(a), Some(s), Some(q)) = (col(article_col), col(speaker_col), col(quote_col)) else {
        bail!("{} lacks one of the columns {article_col}, {speaker_col}, {quote_col}", path.display());
    };
    let extra = col(extra_col);
    let mut rows: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("bad CSV record in {}", path.display()))?;
        let field = |i: usize| record.get(i).unwrap_or("").to_string();
        rows.entry(base(&field(a))).or_default().push((field(s), field(q), extra.map(field).unwrap_or_default()));
    }
    Ok((rows, extra.is_some()))
}

/// Scores predictions against gold. `roster` lists the surnames that count as roster speakers.
pub fn score_files(gold: &Path, pred: &Path, roster: &[String]) -> Result<Score> {
    let (gold_rows, has_notes) = read_rows(gold, "article", "speaker", "quote_prefix", "note")?;
    let (pred_rows, _) = read_rows(pred, "article_id", "speaker", "quote", "method")?;
    let gold: BTreeMap<String, Vec<GoldRow>> = gold_rows.into_iter().map(|(k, v)| (k, v.into_iter().map(|(speaker, quote, note)| GoldRow { speaker, quote, note }).collect())).collect();
    let pred: BTreeMap<String, Vec<PredRow>> = pred_rows.into_iter().map(|(k, v)| (k, v.into_iter().map(|(speaker, quote, method)| PredRow { speaker, quote, method }).collect())).collect();
    Ok(Score { has_notes, ..score(&gold, &pred, roster) })
}

fn score(gold: &BTreeMap<String, Vec<GoldRow>>, pred: &BTreeMap<String, Vec<PredRow>>, roster: &[String]) -> Score {
    let mut sc = Score::default();
    let articles: BTreeSet<&String> = gold.keys().chain(pred.keys()).collect();
    let empty_p = Vec::new();
    let empty_g = Vec::new();
    let roster_of = |speaker: &str| roster.iter().find(|r| says(speaker, r));
    for art in articles {
        let ps = pred.get(art).unwrap_or(&empty_p);
        let pred_norm: Vec<String> = ps.iter().map(|p| norm(&p.quote)).collect();
        let mut used = vec![false; ps.len()];
        for g in gold.get(art).unwrap_or(&empty_g) {
            sc.gold_quotes += 1;
            let gn = norm(&g.quote);
            let hit = (0..ps.len()).find(|&i| !used[i] && same_text(&gn, &pred_norm[i]));
            let gs = g.speaker.trim();
            let (roster_sp, other_name) = if gs.to_uppercase().starts_with("OTHER") {
                (None, gs.split_once(':').map(|(_, n)| n.to_string()).unwrap_or_default())
            } else {
                (Some(gs.to_string()), String::new())
            };
            let prefix: String = g.quote.chars().take(60).collect();
            let Some(hit) = hit else {
                if roster_sp.is_some() {
                    sc.fn_ += 1;
                }
                sc.misses.push(format!("MISSED     {art} [{}] {prefix}", g.speaker));
                sc.count(ErrorClass::QuoteNotFound);
                continue;
            };
            used[hit] = true;
            sc.found += 1;
            let psp = &ps[hit].speaker;
            let pred_roster = roster_of(psp);
            match roster_sp {
                Some(rs) => {
                    if pred_roster.is_some_and(|p| norm(p) == norm(&rs)) {
                        sc.tp += 1;
                    } else {
                        sc.fn_ += 1;
                        if pred_roster.is_some() {
                            sc.fp += 1;
                        }
                        sc.count(if pred_roster.is_some() { ErrorClass::WrongOfficial } else { ErrorClass::MissedRosterQuote });
                        sc.misses.push(format!("WRONG      {art} gold={rs} pred={}: {prefix}", if psp.is_empty() { "-" } else { psp }));
                    }
                }
                None => {
                    if pred_roster.is_some() {
                        sc.fp += 1;
                        sc.misses.push(format!("FALSE-ROSTER {art} gold={} pred={psp}: {prefix}", g.speaker));
                        sc.count(ErrorClass::OfficialGivenOthersWords);
                    }
                    if other_name.is_empty() {
                        sc.count_unnamed(&g.note, psp);
                    } else {
                        sc.other_named += 1;
                        if says(psp, &other_name) {
                            sc.other_named_ok += 1;
                        } else {
                            sc.misses.push(format!("OTHER-WRONG {art} gold={other_name} pred={}: {prefix}", if psp.is_empty() { "-" } else { psp }));
                            // An official given the words is counted above already.
                            if pred_roster.is_none() {
                                sc.count(ErrorClass::of_wrong_speaker(psp, &ps[hit].method));
                            }
                        }
                    }
                }
            }
        }
        for (i, p) in ps.iter().enumerate() {
            if !used[i] && roster_of(&p.speaker).is_some() {
                sc.fp += 1;
                sc.misses.push(format!("EXTRA      {art} pred={}: {}", p.speaker, p.quote.chars().take(60).collect::<String>()));
                sc.count(ErrorClass::ExtraRosterRow);
            }
        }
    }
    sc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_and_matching() {
        assert_eq!(norm("  “Of course, no one…”, "), "of course, no one");
        assert_eq!(norm("Aren’t  “they”"), "arent they");
        assert!(same_text(&norm("The Americans aren’t"), &norm("The Americans aren't listening to us,")));
        assert!(!same_text("abc", "abcd"));
    }

    #[test]
    fn similarity_like_difflib() {
        // difflib.SequenceMatcher(None, "nebenzya", "nebenzia").ratio() == 0.875
        assert!((similarity("nebenzya", "nebenzia") - 0.875).abs() < 1e-9);
        assert!(says("Vassily Nebenzya", "Nebenzia"));
        assert!(says("Vladimir Putin and Joe Biden", "Putin+Biden"));
        assert!(!says("Sergei Ryabkov", "Lavrov"));
    }

    #[test]
    fn counts_roster_and_other() {
        let gold = BTreeMap::from([(
            "a".to_string(),
            vec![
                GoldRow { speaker: "Lavrov".into(), quote: "one two three".into(), note: String::new() },
                GoldRow { speaker: "OTHER:Ryabkov".into(), quote: "four five six".into(), note: String::new() },
                GoldRow { speaker: "OTHER".into(), quote: "never found".into(), note: String::new() },
            ],
        )]);
        let pred = BTreeMap::from([(
            "a".to_string(),
            vec![
                PredRow { speaker: "Sergey Lavrov".into(), quote: "One two three, four".into(), method: "name".into() },
                PredRow { speaker: "Sergei Ryabkov".into(), quote: "four five six".into(), method: "name".into() },
                PredRow { speaker: "Sergey Lavrov".into(), quote: "made up".into(), method: "name".into() },
            ],
        )]);
        let s = score(&gold, &pred, &["Lavrov".to_string()]);
        assert_eq!((s.gold_quotes, s.found, s.tp, s.fp, s.fn_, s.other_named, s.other_named_ok), (3, 2, 1, 1, 0, 1, 1));
        assert_eq!(s.errors, BTreeMap::from([(ErrorClass::QuoteNotFound, 1), (ErrorClass::ExtraRosterRow, 1)]));
    }

    #[test]
    fn errors_by_class() {
        let g = |speaker: &str, quote: &str| GoldRow { speaker: speaker.into(), quote: quote.into(), note: String::new() };
        let p = |speaker: &str, quote: &str, method: &str| PredRow { speaker: speaker.into(), quote: quote.into(), method: method.into() };
        let gold = BTreeMap::from([(
            "a".to_string(),
            vec![
                g("Lavrov", "one one one"),
                g("Lavrov", "two two two"),
                g("OTHER:Ryabkov", "three three"),
                g("OTHER:Ryabkov", "four four"),
                g("OTHER:Ryabkov", "five five"),
                g("OTHER:Ryabkov", "six six six"),
                g("OTHER", "seven seven"),
            ],
        )]);
        let pred = BTreeMap::from([(
            "a".to_string(),
            vec![
                p("", "one one one", ""),
                p("Maria Zakharova", "two two two", "pronoun"),
                p("", "three three", ""),
                p("Joe Biden", "four four", "pronoun"),
                p("Joe Biden", "five five", "role"),
                p("Sergey Lavrov", "six six six", "name"),
                p("Sergey Lavrov", "seven seven", "continuation"),
            ],
        )]);
        let s = score(&gold, &pred, &["Lavrov".to_string(), "Zakharova".to_string()]);
        let expected = [
            (ErrorClass::MissedRosterQuote, 1),
            (ErrorClass::WrongOfficial, 1),
            (ErrorClass::OfficialGivenOthersWords, 2),
            (ErrorClass::LeftUnattributed, 1),
            (ErrorClass::PronounResolvedWrong, 1),
            (ErrorClass::RoleResolvedWrong, 1),
        ];
        assert_eq!(s.errors, BTreeMap::from(expected));
        assert!(s.error_table().contains("official given another's words") && s.error_table().contains("(7 in all)"), "{}", s.error_table());
    }
}
