//! The publication date of an article, as an ISO 8601 string.
//!
//! Sources, first found wins: the input's own `date` field; a date in the page header (the lines
//! before the running text, e.g. `date 2021-07-27`, `Mon 23rd August 2021`) or in the dateline
//! that opens the first paragraph (`WASHINGTON, November 2. /TASS/`, `MOSCOW (Sputnik - 23rd
//! August, 2021)`); a `YYYY-MM-DD` in the file name. Dates inside the running text are events,
//! not publication dates, and are not used. A dateline without a year gives `--MM-DD`, the ISO
//! 8601 form for a month and day of an unknown year.

use crate::clean::{Paragraph, Role};
use regex::Regex;
use std::sync::LazyLock;

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?:^|[^0-9])((?:19|20)\d\d)-([01]\d)-([0-3]\d)(?:[^0-9]|$)").unwrap());
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([0-3]?\d)(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d\d)\b").unwrap()
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+([0-3]?\d)(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b").unwrap()
});
/// `WASHINGTON, November 2. /TASS/.`: an upper-case place, then month and day, no year.
static DATELINE_MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[A-Z][A-Z .'-]+,\s+(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)\s+([0-3]?\d)\b").unwrap()
});

/// Parses a date written in one of the common forms into `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<String> {
    if let Some(c) = ISO.captures(s) {
        return valid(&c[1], month_number(&c[2])?, &c[3]);
    }
    if let Some(c) = DAY_MONTH_YEAR.captures(s) {
        return valid(&c[3], month_index(&c[2])?, &c[1]);
    }
    if let Some(c) = MONTH_DAY_YEAR.captures(s) {
        return valid(&c[3], month_index(&c[1])?, &c[2]);
    }
    None
}

fn month_index(name: &str) -> Option<u32> {
    let key = name.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == key).map(|i| i as u32 + 1)
}

fn month_number(digits: &str) -> Option<u32> {
    digits.parse().ok()
}

fn valid(year: &str, month: u32, day: &str) -> Option<String> {
    let day: u32 = day.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| format!("{year}-{month:02}-{day:02}"))
}

/// Finds the publication date of an article (see the module docs for the order of sources).
pub fn published(given: Option<&str>, text: &str, paragraphs: &[Paragraph], file_name: &str) -> Option<String> {
    if let Some(given) = given {
        return Some(parse_date(given).unwrap_or_else(|| given.trim().to_string()));
    }
    // Header: every line before the first paragraph of running text.
    let first_body = paragraphs.iter().position(|p| p.role == Role::Body && text[p.start..p.end].split_whitespace().count() >= 12);
    let header_end = first_body.unwrap_or(paragraphs.len().min(6));
    for p in &paragraphs[..header_end] {
        if let Some(date) = parse_date(&text[p.start..p.end]) {
            return Some(date);
        }
    }
    // Datelines open one of the first paragraphs of running text (a lead line may come first).
    let openings = paragraphs.iter().skip(header_end).filter(|p| p.role == Role::Body).take(2);
    for p in openings {
        let para = &text[p.start..p.end];
        let opening = &para[..floor_boundary(para, 120)];
        // Datelines: "MOSCOW (UrduPoint News / Sputnik - 23rd August, 2021)".
        let dateline = opening.split_once(['—', ')', '/']).map_or("", |(head, _)| head);
        if let Some(date) = parse_date(dateline).or_else(|| parse_date(opening).filter(|_| opening.contains('('))) {
            return Some(date);
        }
        if let Some(c) = DATELINE_MONTH_DAY.captures(opening) {
            let month = month_index(&c[1])?;
            let day: u32 = c[2].parse().ok()?;
            return Some(format!("--{month:02}-{day:02}"));
        }
    }
    ISO.captures(file_name).and_then(|c| valid(&c[1], month_number(&c[2])?, &c[3]))
}

/// The largest char boundary at or below `at`.
pub fn floor_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::layout;

    fn date_of(text: &str) -> Option<String> {
        published(None, text, &layout(text, false), "x.txt")
    }

    #[test]
    fn common_forms() {
        assert_eq!(parse_date("Mon 23rd August 2021 | 09:10 AM").as_deref(), Some("2021-08-23"));
        assert_eq!(parse_date("Sept. 19, 2016").as_deref(), Some("2016-09-19"));
        assert_eq!(parse_date(" date 2021-07-27 .").as_deref(), Some("2021-07-27"));
        assert_eq!(parse_date("2021-13-45"), None);
    }

    #[test]
    fn dates_from_the_seed_headers() {
        assert_eq!(date_of(" date 2021-07-27 .\n.\nLanguage\n\nMoscow hopes US ‘serious’ in seeking dialogue\n").as_deref(), Some("2021-07-27"));
        let tass = "All news\n\nRussia, US establish steady dialogue, envoy says\n\nWASHINGTON, November 2. /TASS/. Russia and the US have managed to establish a steady dialogue along the lines of Security Councils, Anatoly Antonov said.";
        assert_eq!(date_of(tass).as_deref(), Some("--11-02"));
    }

    #[test]
    fn event_dates_in_running_text_are_not_publication_dates() {
        let text = "Vassily Nebenzia, Russia's permanent representative to the United Nations, on Friday, 29 October 2021, asserted that the dialogue has resumed.";
        assert_eq!(date_of(text), None);
        assert_eq!(published(None, text, &layout(text, false), "nyt_2016-09-19_obama.txt").as_deref(), Some("2016-09-19"));
        assert_eq!(published(Some("27 July 2021"), text, &[], "").as_deref(), Some("2021-07-27"));
    }
}
