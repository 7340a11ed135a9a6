//! `quotestance summary` and `quotestance chart`: from a quotes table to figures per speaker.
//!
//! Reads the CSV (or JSON Lines) that `run` writes, by column name, so files with more or fewer
//! columns (older versions, `--no-tone`) work. Rows are grouped by `speaker_key` (by the lower-case
//! `speaker` for files without one); a bare-surname key merges with the one full name in the file
//! that ends in it (the run could not know names that came later). Rows marked `duplicate_of`
//! (wire copies) are left out unless asked for, so that a story printed fifty times counts once.
//! Unattributed rows are counted but belong to no speaker.

use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The fields of one quote row that the summary and the chart use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteFact {
    pub article_id: String,
    /// `YYYY-MM-DD`, or empty.
    pub published: String,
    pub speaker: String,
    pub speaker_id: String,
    pub speaker_key: String,
    pub tone: String,
    pub tone_score: Option<f64>,
    pub duplicate_of: String,
}

/// Undoes the writer's spreadsheet protection: a leading `'` before `=`, `+`, `-`, `@`, tab or
/// carriage return.
fn unprotect(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Reads a quotes table: CSV, or JSON Lines for `.jsonl` / `.ndjson` files.
pub fn read_quotes(path: &Path) -> Result<Vec<QuoteFact>> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        return read_json_lines(path);
    }
    if name.ends_with(".parquet") {
        bail!("{}: the summary reads CSV or JSON Lines; write one with `run -o FILE.csv`", path.display());
    }
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header: Vec<String> = reader.headers().with_context(|| format!("{}: no CSV header", path.display()))?.iter().map(|h| h.trim_start_matches('\u{feff}').to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(article), Some(speaker)) = (col("article_id"), col("speaker")) else {
        bail!("{}: not a quotestance quotes table (needs the columns article_id and speaker)", path.display());
    };
    let (published, speaker_id, key, tone, score, dup) = (col("published"), col("speaker_id"), col("speaker_key"), col("tone"), col("tone_score"), col("duplicate_of"));
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}:{}: malformed CSV row", path.display(), i + 2))?;
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).map(unprotect).unwrap_or("").to_string();
        let tone_score = match get(score).trim() {
            "" => None,
            s => Some(s.parse::<f64>().with_context(|| format!("{}:{}: tone_score {s:?} is not a number", path.display(), i + 2))?),
        };
        out.push(QuoteFact {
            article_id: get(Some(article)),
            published: get(published),
            speaker: get(Some(speaker)),
            speaker_id: get(speaker_id),
            speaker_key: get(key),
            tone: get(tone),
            tone_score,
            duplicate_of: get(dup),
        });
    }
    Ok(out)
}

fn read_json_lines(path: &Path) -> Result<Vec<QuoteFact>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("{}:{}: malformed JSON", path.display(), i + 1))?;
        let s = |k: &str| match v.get(k) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        out.push(QuoteFact {
            article_id: s("article_id"),
            published: s("published"),
            speaker: s("speaker"),
            speaker_id: s("speaker_id"),
            speaker_key: s("speaker_key"),
            tone: s("tone"),
            tone_score: v.get("tone_score").and_then(serde_json::Value::as_f64),
            duplicate_of: s("duplicate_of"),
        });
    }
    Ok(out)
}

/// The key each row is grouped by (empty for unattributed rows): `speaker_key` where present,
/// else the lower-case speaker; then a bare-surname key merges into the only full-name key of
/// the file that ends in that surname.
pub fn group_keys(facts: &[QuoteFact]) -> Vec<String> {
    let raw: Vec<String> = facts
        .iter()
        .map(|f| if !f.speaker_key.is_empty() { f.speaker_key.clone() } else if !f.speaker_id.is_empty() { f.speaker_id.clone() } else { f.speaker.to_lowercase() })
        .collect();
    let mut full_by_surname: HashMap<&str, HashSet<&str>> = HashMap::new();
    for key in &raw {
        if key.contains(" + ") || key.contains('(') {
            continue;
        }
        if let Some((_, surname)) = key.rsplit_once(' ') {
            full_by_surname.entry(surname).or_default().insert(key);
        }
    }
    raw.iter()
        .map(|key| match full_by_surname.get(key.as_str()) {
            Some(full) if !key.contains(' ') && full.len() == 1 => full.iter().next().expect("one").to_string(),
            _ => key.clone(),
        })
        .collect()
}

/// Figures for one speaker.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerSummary {
    pub key: String,
    /// The name most often written for this key.
    pub speaker: String,
    pub speaker_id: String,
    pub quotes: usize,
    pub articles: usize,
    /// Earliest and latest `published` among the speaker's rows (empty when none is dated).
    pub first_date: String,
    pub last_date: String,
    /// Mean `tone_score` (None without tone columns).
    pub mean_tone: Option<f64>,
    /// Shares of rows labelled negative and positive, among rows with a tone label.
    pub share_negative: Option<f64>,
    pub share_positive: Option<f64>,
}

/// The whole summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub speakers: Vec<SpeakerSummary>,
    pub rows: usize,
    pub unattributed: usize,
    /// Rows left out as copies (`duplicate_of` set), when duplicates are left out.
    pub duplicates_left_out: usize,
}

/// The rows that count: all of them, or those not marked as copies.
pub fn counted(facts: &[QuoteFact], with_duplicates: bool) -> Vec<bool> {
    facts.iter().map(|f| with_duplicates || f.duplicate_of.is_empty()).collect()
}

/// Per-speaker figures, most quoted first (ties by key).
pub fn summarise(facts: &[QuoteFact], with_duplicates: bool) -> Summary {
    let keys = group_keys(facts);
    let counts = counted(facts, with_duplicates);
    #[derive(Default)]
    struct Acc<'a> {
        names: BTreeMap<&'a str, usize>,
        id: &'a str,
        quotes: usize,
        articles: HashSet<&'a str>,
        dates: Vec<&'a str>,
        scores: Vec<f64>,
        labels: (usize, usize, usize),
    }
    let mut by_key: BTreeMap<&str, Acc> = BTreeMap::new();
    let mut summary = Summary { rows: facts.len(), ..Summary::default() };
    for ((fact, key), &count) in facts.iter().zip(&keys).zip(&counts) {
        if !count {
            summary.duplicates_left_out += 1;
            continue;
        }
        if key.is_empty() {
            summary.unattributed += 1;
            continue;
        }
        let acc = by_key.entry(key).or_default();
        *acc.names.entry(&fact.speaker).or_default() += 1;
        if !fact.speaker_id.is_empty() {
            acc.id = &fact.speaker_id;
        }
        acc.quotes += 1;
        acc.articles.insert(&fact.article_id);
        if is_full_date(&fact.published) {
            acc.dates.push(&fact.published);
        }
        if let Some(s) = fact.tone_score {
            acc.scores.push(s);
        }
        match fact.tone.as_str() {
            "negative" => acc.labels.0 += 1,
            "neutral" => acc.labels.1 += 1,
            "positive" => acc.labels.2 += 1,
            _ => {}
        }
    }
    for (key, acc) in by_key {
        let speaker = acc.names.iter().max_by(|a, b| a.1.cmp(b.1).then(a.0.len().cmp(&b.0.len())).then(b.0.cmp(a.0))).map(|(n, _)| n.to_string()).unwrap_or_default();
        let labelled = acc.labels.0 + acc.labels.1 + acc.labels.2;
        let share = |n: usize| (labelled > 0).then(|| n as f64 / labelled as f64);
        summary.speakers.push(SpeakerSummary {
            key: key.to_string(),
            speaker,
            speaker_id: acc.id.to_string(),
            quotes: acc.quotes,
            articles: acc.articles.len(),
            first_date: acc.dates.iter().min().map(|d| d.to_string()).unwrap_or_default(),
            last_date: acc.dates.iter().max().map(|d| d.to_string()).unwrap_or_default(),
            mean_tone: (!acc.scores.is_empty()).then(|| acc.scores.iter().sum::<f64>() / acc.scores.len() as f64),
            share_negative: share(acc.labels.0),
            share_positive: share(acc.labels.2),
        });
    }
    summary.speakers.sort_by(|a, b| b.quotes.cmp(&a.quotes).then(a.key.cmp(&b.key)));
    summary
}

/// `YYYY-MM-DD` (what `published` holds when it holds anything).
pub fn is_full_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The summary's CSV columns.
pub const SUMMARY_COLUMNS: [&str; 10] =
    ["speaker_key", "speaker", "speaker_id", "quotes", "articles", "first_date", "last_date", "mean_tone", "share_negative", "share_positive"];

impl Summary {
    /// Writes the per-speaker table as CSV.
    pub fn write_csv(&self, out: impl std::io::Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(SUMMARY_COLUMNS)?;
        let num = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
        for s in &self.speakers {
            w.write_record([
                crate::write::cells::neutralise(&s.key).into_owned(),
                crate::write::cells::neutralise(&s.speaker).into_owned(),
                s.speaker_id.clone(),
                s.quotes.to_string(),
                s.articles.to_string(),
                s.first_date.clone(),
                s.last_date.clone(),
                num(s.mean_tone),
                num(s.share_negative),
                num(s.share_positive),
            ])?;
        }
        w.flush()?;
        Ok(())
    }

    /// The table for a terminal: aligned columns, then what was left out.
    pub fn to_text(&self) -> String {
        let pct = |v: Option<f64>| v.map(|x| format!("{:.0}%", x * 100.0)).unwrap_or_else(|| "-".into());
        let mut lines = vec![["speaker", "quotes", "articles", "first", "last", "mean tone", "negative", "positive"].map(String::from).to_vec()];
        for s in &self.speakers {
            lines.push(vec![
                s.speaker.clone(),
                s.quotes.to_string(),
                s.articles.to_string(),
                if s.first_date.is_empty() { "-".into() } else { s.first_date.clone() },
                if s.last_date.is_empty() { "-".into() } else { s.last_date.clone() },
                // `+ 0.0` turns a rounded −0.00 into +0.00.
                s.mean_tone.map(|m| format!("{:+.2}", (m * 100.0).round() / 100.0 + 0.0)).unwrap_or_else(|| "-".into()),
                pct(s.share_negative),
                pct(s.share_positive),
            ]);
        }
        let widths: Vec<usize> = (0..8).map(|c| lines.iter().map(|l| l[c].chars().count()).max().unwrap_or(0)).collect();
        let mut text = String::new();
        for line in &lines {
            let cells: Vec<String> = line
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let pad = widths[c] - cell.chars().count();
                    if c == 0 { format!("{cell}{}", " ".repeat(pad)) } else { format!("{}{cell}", " ".repeat(pad)) }
                })
                .collect();
            text.push_str(cells.join("  ").trim_end());
            text.push('\n');
        }
        text.push_str(&format!(
            "{} speakers; {} rows, {} without a speaker{}\n",
            self.speakers.len(),
            self.rows,
            self.unattributed,
            if self.duplicates_left_out > 0 { format!(", {} copies (duplicate_of) left out", self.duplicates_left_out) } else { String::new() }
        ));
        text
    }
}

/// Monthly mean tone per speaker, for the chart: `(key, speaker name, [(YYYY-MM, mean, n)])`.
pub type MonthlySeries = (String, String, Vec<(String, f64, usize)>);

/// The monthly means of `tone_score` for the `top` most quoted speakers (or those named in
/// `only`, by key, id or name), over rows with both a date and a score.
pub fn monthly(facts: &[QuoteFact], summary: &Summary, top: usize, only: &[String], with_duplicates: bool) -> Vec<MonthlySeries> {
    let keys = group_keys(facts);
    let counts = counted(facts, with_duplicates);
    let chosen: Vec<&SpeakerSummary> = if only.is_empty() {
        summary.speakers.iter().filter(|s| s.mean_tone.is_some() && !s.first_date.is_empty()).take(top).collect()
    } else {
        summary
            .speakers
            .iter()
            .filter(|s| only.iter().any(|o| o.eq_ignore_ascii_case(&s.key) || o.eq_ignore_ascii_case(&s.speaker_id) || o.eq_ignore_ascii_case(&s.speaker)))
            .collect()
    };
    chosen
        .into_iter()
        .map(|s| {
            let mut months: BTreeMap<&str, (f64, usize)> = BTreeMap::new();
            for ((fact, key), &count) in facts.iter().zip(&keys).zip(&counts) {
                if count && *key == s.key && is_full_date(&fact.published) {
                    if let Some(score) = fact.tone_score {
                        let m = months.entry(&fact.published[..7]).or_default();
                        m.0 += score;
                        m.1 += 1;
                    }
                }
            }
            let points = months.into_iter().map(|(m, (sum, n))| (m.to_string(), sum / n as f64, n)).collect();
            (s.key.clone(), s.speaker.clone(), points)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(article: &str, date: &str, speaker: &str, key: &str, tone: &str, score: f64, dup: &str) -> QuoteFact {
        QuoteFact {
            article_id: article.into(),
            published: date.into(),
            speaker: speaker.into(),
            speaker_key: key.into(),
            tone: tone.into(),
            tone_score: Some(score),
            duplicate_of: dup.into(),
            ..QuoteFact::default()
        }
    }

    #[test]
    fn figures_per_speaker_with_copies_left_out_and_surnames_merged() {
        let facts = vec![
            fact("a", "2016-09-19", "Obama", "obama", "positive", 0.5, ""),
            fact("b", "2016-10-02", "Barack Obama", "barack obama", "negative", -0.3, ""),
            fact("b", "2016-10-02", "Barack Obama", "barack obama", "neutral", 0.0, ""),
            fact("c", "2016-10-03", "Barack Obama", "barack obama", "negative", -0.3, "b"),
            fact("c", "2016-10-03", "", "", "", 0.0, ""),
            fact("d", "", "Donald Trump", "donald trump", "negative", -0.6, ""),
        ];
        let s = summarise(&facts, false);
        assert_eq!((s.rows, s.unattributed, s.duplicates_left_out), (6, 1, 1));
        let obama = &s.speakers[0];
        assert_eq!((obama.key.as_str(), obama.speaker.as_str(), obama.quotes, obama.articles), ("barack obama", "Barack Obama", 3, 2));
        assert_eq!((obama.first_date.as_str(), obama.last_date.as_str()), ("2016-09-19", "2016-10-02"));
        assert!((obama.mean_tone.unwrap() - 0.2 / 3.0).abs() < 1e-9);
        assert!((obama.share_negative.unwrap() - 1.0 / 3.0).abs() < 1e-9);
        let trump = &s.speakers[1];
        assert_eq!((trump.quotes, trump.first_date.as_str()), (1, ""));
        assert_eq!(summarise(&facts, true).speakers[0].quotes, 4);
        let series = monthly(&facts, &s, 5, &[], false);
        assert_eq!(series.len(), 1, "Trump has no dated quote");
        assert_eq!(series[0].2, vec![("2016-09".to_string(), 0.5, 1), ("2016-10".to_string(), -0.15, 2)]);
    }

    #[test]
    fn the_protective_apostrophe_is_removed_when_reading() {
        assert_eq!(unprotect("'-1 point"), "-1 point");
        assert_eq!(unprotect("'tis"), "'tis");
    }
}
