//! The publication date of an article, as a full ISO 8601 date (`2021-07-27`), and where it
//! came from ([`DateSource`], written to the `date_source` column).
//!
//! Sources, first found wins: the input's own `date` field (ISO, `27 July 2021`, a Unix time,
//! `27.07.2021`, `07/27/2021`; a field that is no date gives none); a date in the page header (the lines
//! before the running text, e.g. `date 2021-07-27`, `Mon 23rd August 2021`); a full date in the
//! dateline that opens the first paragraph (`MOSCOW (Sputnik - 23rd August, 2021)`); a
//! `YYYY-MM-DD` in the file or path name. Dates inside the running text are events, not
//! publication dates, and are not used. A dateline without a year (`WASHINGTON, November 2.
//! /TASS/`) is no date: `published` is always a complete date or empty, so that every
//! spreadsheet and `pd.to_datetime` reads the column, and a full date in the file name beats it.

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

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*([0-3]?\d)([./])([01]?\d)[./]((?:19|20)\d\d)\b|^\s*([01]?\d)/([0-3]?\d)/((?:19|20)\d\d)\b").unwrap());

/// Parses a date given by the input (`date` field): the forms of [`parse_date`], a Unix time in
/// seconds (`1627344000`), `27.07.2021` (day first) or `07/27/2021` (month first).
pub fn parse_given_date(s: &str) -> Option<String> {
    let s = s.trim();
    if let Ok(seconds) = s.parse::<i64>() {
        return (seconds > 100_000_000).then(|| civil_from_days(seconds.div_euclid(86_400)));
    }
    if let Some(c) = NUMERIC.captures(s) {
        return match (c.get(1), c.get(5)) {
            (Some(day), _) if &c[2] == "." => valid(&c[4], c[3].parse().ok()?, day.as_str()),
            (_, Some(month)) => valid(&c[7], month.as_str().parse().ok()?, &c[6]),
            _ => None,
        };
    }
    parse_date(s)
}

/// The date `days` after 1970-01-01, as `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
fn civil_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

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
    let y: u32 = year.parse().ok()?;
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days_in_month).contains(&day).then(|| format!("{year}-{month:02}-{day:02}"))
}

/// Where a publication date was found (the `date_source` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// The input's own `date` field (JSON / CSV metadata).
    Input,
    /// A line of the page header, before the running text.
    Header,
    /// The dateline opening the running text, with its year.
    Dateline,
    /// A `YYYY-MM-DD` in the file name or path.
    FileName,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Input => "input",
            DateSource::Header => "header",
            DateSource::Dateline => "dateline",
            DateSource::FileName => "file_name",
        }
    }
}

/// A publication date: always a complete `YYYY-MM-DD`, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub date: String,
    pub source: DateSource,
}

/// Finds the publication date of an article (see the module docs for the order of sources).
pub fn published(given: Option<&str>, text: &str, paragraphs: &[Paragraph], file_name: &str) -> Option<Published> {
    // A date the input gives wins; one that cannot be read as a date gives none (the input
    // said what the date is, and it is not one: guessing from the text could contradict it).
    if let Some(given) = given {
        return parse_given_date(given).map(|date| Published { date, source: DateSource::Input });
    }
    let found = |date: String, source: DateSource| Some(Published { date, source });
    // Header: every line before the first paragraph of running text, the headline excepted
    // (`Lavrov to visit Geneva on 12 January 2022` names an event).
    let first_body = paragraphs.iter().position(|p| p.role == Role::Body && text[p.start..p.end].split_whitespace().count() >= 12);
    let header_end = first_body.unwrap_or(paragraphs.len().min(6));
    for p in paragraphs[..header_end].iter().filter(|p| p.role != Role::Headline) {
        if let Some(date) = parse_date(&text[p.start..p.end]) {
            return found(date, DateSource::Header);
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
            return found(date, DateSource::Dateline);
        }
    }
    // A yearless dateline (`WASHINGTON, November 2.`) falls through to here and gives no date.
    let date = ISO.captures(file_name).and_then(|c| valid(&c[1], month_number(&c[2])?, &c[3]))?;
    found(date, DateSource::FileName)
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
        published(None, text, &layout(text, false), "x.txt").map(|p| p.date)
    }

    fn published_from(given: Option<&str>, text: &str, file_name: &str) -> Option<(String, &'static str)> {
        published(given, text, &layout(text, false), file_name).map(|p| (p.date, p.source.as_str()))
    }

    #[test]
    fn common_forms() {
        assert_eq!(parse_date("Mon 23rd August 2021 | 09:10 AM").as_deref(), Some("2021-08-23"));
        assert_eq!(parse_date("Sept. 19, 2016").as_deref(), Some("2016-09-19"));
        assert_eq!(parse_date(" date 2021-07-27 .").as_deref(), Some("2021-07-27"));
        assert_eq!(parse_date("2021-13-45"), None);
    }

    #[test]
    fn given_dates_in_other_forms() {
        assert_eq!(parse_given_date("1627344000").as_deref(), Some("2021-07-27"));
        assert_eq!(parse_given_date("07/27/2021").as_deref(), Some("2021-07-27"));
        assert_eq!(parse_given_date("27.07.2021").as_deref(), Some("2021-07-27"));
        assert_eq!(parse_given_date("2021-07-27T10:00:00Z").as_deref(), Some("2021-07-27"));
        assert_eq!(parse_given_date("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(parse_given_date("2021-02-31"), None);
        assert_eq!(parse_given_date("last Tuesday"), None);
    }

    #[test]
    fn dates_from_the_seed_headers() {
        assert_eq!(date_of(" date 2021-07-27 .\n.\nLanguage\n\nMoscow hopes US ‘serious’ in seeking dialogue\n").as_deref(), Some("2021-07-27"));
        let sputnik = "Russia, US establish steady dialogue\n\nMOSCOW (UrduPoint News / Sputnik - 23rd August, 2021) Russia and the US have managed to establish a steady dialogue, Anatoly Antonov said.";
        assert_eq!(published_from(None, sputnik, "x.txt"), Some(("2021-08-23".into(), "dateline")));
    }

    /// Seed 001 (TASS) opens with `WASHINGTON, November 2. /TASS/.`: no year, so no date, unless
    /// the file name or the input gives a full one, which then wins.
    #[test]
    fn a_yearless_dateline_is_no_date_and_a_full_date_elsewhere_wins() {
        let tass = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/articles/001_ca70b0bd16d5c51c.txt")).unwrap();
        assert!(tass.contains("WASHINGTON, November 2. /TASS/"));
        assert_eq!(published_from(None, &tass, "data/articles/001_ca70b0bd16d5c51c.txt"), None);
        assert_eq!(published_from(None, &tass, "dumps/tass_2021-11-02_antonov.txt"), Some(("2021-11-02".into(), "file_name")));
        assert_eq!(published_from(None, &tass, "dumps/2021-11-02/001.txt"), Some(("2021-11-02".into(), "file_name")));
        assert_eq!(published_from(Some("2021-11-02T08:15:00Z"), &tass, "x.txt"), Some(("2021-11-02".into(), "input")));
        // Seed 003 carries its date in the page header, which beats the file name.
        let ria = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/articles/003_0b0db8b961f299cf.txt")).unwrap();
        assert_eq!(published_from(None, &ria, "2020-01-01.txt"), Some(("2021-07-27".into(), "header")));
    }

    #[test]
    fn event_dates_in_running_text_are_not_publication_dates() {
        let text = "Vassily Nebenzia, Russia's permanent representative to the United Nations, on Friday, 29 October 2021, asserted that the dialogue has resumed.";
        assert_eq!(date_of(text), None);
        assert_eq!(published_from(None, text, "nyt_2016-09-19_obama.txt"), Some(("2016-09-19".into(), "file_name")));
        assert_eq!(published(Some("27 July 2021"), text, &[], "").map(|p| p.date).as_deref(), Some("2021-07-27"));
        let headline = "Lavrov to visit Geneva on 12 January 2022\n\nThe Russian foreign minister will hold talks with his US counterpart in Geneva next week, the ministry said.";
        assert_eq!(date_of(headline), None);
    }
}
