//! The roster of officials: who may be named as a speaker with a `speaker_id`.
//!
//! Kept as data (`data/roster.toml`): one `[[official]]` table per person with `id`, `name`,
//! `variants`, `gender`, `roles` and `[[official.tenure]]` tables (who held which post when).
//! See that file for the format. A malformed roster is an error that names the file and the line.
//!
//! Names are compared through a transliteration fold (`fold_name`): `Zaharova` is `Zakharova`,
//! `Nebenzya` is `Nebenzia`, `Sergei`, `Sergey`, `Serguei` and `Sergej` are one given name. The
//! fold only merges spellings of one name; a different given name (`Oleg Antonov`) or surname
//! (`Lavrova`) stays somebody else.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Grammatical gender, for resolving `he` / `she`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

/// One official as written in the roster file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Official {
    /// Stable key for the `speaker_id` column.
    pub id: String,
    /// Canonical name for the `speaker` column.
    pub name: String,
    /// Other spellings of the full name, or of the surname alone.
    #[serde(default)]
    pub variants: Vec<String>,
    pub gender: Option<Gender>,
    /// Lower-case role phrases ("foreign minister", "diplomat").
    #[serde(default)]
    pub roles: Vec<String>,
    /// The posts held, with dates: a role-only mention (`Russia's envoy to the UN`) names the
    /// official only on a date inside one of them.
    #[serde(default)]
    pub tenure: Vec<Tenure>,
    /// Surnames (last words of the name and variants), folded (`fold_name`).
    #[serde(skip)]
    surnames: HashSet<String>,
    /// Given names (first words of the multi-word name and variants), folded.
    #[serde(skip)]
    given_names: HashSet<String>,
}

/// A post held from one date to another (`[[official.tenure]]` in the roster file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenure {
    /// The post in words, for people reading the file (`ambassador to the United States`).
    pub role: String,
    /// Role nouns that head a phrase naming the post (`envoy`, `ambassador`), lower case.
    pub nouns: Vec<String>,
    /// Words naming the body or place of the post, one of which the phrase must hold, before
    /// the noun or after `to` / `at` / `in` / `of` (`UN envoy`, `ambassador in Washington`,
    /// `foreign ministry spokeswoman`), lower case, without dots (`us`, `un`).
    pub of: Vec<String>,
    /// Words naming the official's country (`russia`, `russian`, `moscow`): a phrase naming
    /// another country (`the US envoy to the UN`) is another post.
    #[serde(default)]
    pub country: Vec<String>,
    /// First day in the post: `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` where the day is not known.
    pub from: String,
    /// Last day in the post (same forms); absent while the official holds it.
    #[serde(default)]
    pub until: Option<String>,
    /// `from` and `until` parsed.
    #[serde(skip)]
    span: (PartialDate, Option<PartialDate>),
}

/// A date known to the day, the month or the year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct PartialDate {
    year: u32,
    month: Option<u32>,
    day: Option<u32>,
}

impl PartialDate {
    fn parse(s: &str) -> Option<PartialDate> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, len: usize| (p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse::<u32>().ok()).flatten();
        let date = match parts.as_slice() {
            [y] => PartialDate { year: num(y, 4)?, month: None, day: None },
            [y, m] => PartialDate { year: num(y, 4)?, month: Some(num(m, 2)?), day: None },
            [y, m, d] => PartialDate { year: num(y, 4)?, month: Some(num(m, 2)?), day: Some(num(d, 2)?) },
            _ => return None,
        };
        let month_ok = date.month.is_none_or(|m| (1..=12).contains(&m));
        let day_ok = date.day.is_none_or(|d| (1..=31).contains(&d));
        (month_ok && day_ok).then_some(date)
    }

    /// The date cut to the precision of `self` (a full date `day` compared with a month).
    fn cut(&self, day: PartialDate) -> PartialDate {
        PartialDate { year: day.year, month: self.month.and(day.month), day: self.day.and(day.day) }
    }
}

impl Tenure {
    /// Whether the official certainly held the post on `date` (a full `YYYY-MM-DD`). A bound
    /// known only to the month or year excludes that whole month or year: the change happened
    /// somewhere in it, so who held the post that day is unknown.
    pub fn covers(&self, date: &str) -> bool {
        let Some(day) = PartialDate::parse(date).filter(|d| d.day.is_some()) else { return false };
        let (from, until) = self.span;
        let after_start = if from.day.is_some() { day >= from } else { from.cut(day) > from };
        let before_end = until.is_none_or(|u| if u.day.is_some() { day <= u } else { u.cut(day) < u });
        after_start && before_end
    }
}

/// A name word folded over transliteration variants, for comparing names: lower case, accents
/// and dots dropped, `kh` → `h`, `x` → `ks`, `gue`/`gui` → `ge`/`gi`, `iy`/`ij` → `i`, `ya` →
/// `ia`, `y`/`j` → `i`, doubled letters single (`Vassily`, `Vasiliy` and `Vasily` → `vasili`;
/// `Mariya` → `maria`; `Zakharova` and `Zaharova` → `zaharova`).
pub fn fold_name(word: &str) -> String {
    let mut s: String = word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric() || *c == '-').collect();
    for (from, to) in [("kh", "h"), ("x", "ks"), ("gue", "ge"), ("gui", "gi"), ("iy", "i"), ("ij", "i"), ("ya", "ia"), ("y", "i"), ("j", "i")] {
        s = s.replace(from, to);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) || !c.is_alphabetic() {
            out.push(c);
        }
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RosterFile {
    #[serde(default)]
    official: Vec<Official>,
}

/// The loaded roster.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub officials: Vec<Official>,
}

impl Roster {
    /// Reads and checks a roster file.
    pub fn load(path: &Path) -> Result<Roster> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the roster {}", path.display()))?;
        Roster::parse(&text).with_context(|| format!("bad roster {}", path.display()))
    }

    /// Parses roster TOML text (see `data/roster.toml` for the format).
    pub fn parse(text: &str) -> Result<Roster> {
        let file: RosterFile = toml::from_str(text)?;
        if file.official.is_empty() {
            bail!("no [[official]] entries");
        }
        let mut ids = HashSet::new();
        let mut officials = file.official;
        // The line of each `[[official]]` header, for messages.
        let header_lines: Vec<usize> = text.lines().enumerate().filter(|(_, l)| l.trim_start().starts_with("[[official]]")).map(|(i, _)| i + 1).collect();
        for (n, official) in officials.iter_mut().enumerate() {
            let line = header_lines.get(n).map(|l| format!("line {l}: ")).unwrap_or_default();
            let which = format!("{line}official #{} ({:?})", n + 1, official.id);
            if official.id.is_empty() || !official.id.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                bail!("{which}: id must be non-empty letters, digits, '_' or '-'");
            }
            if !ids.insert(official.id.clone()) {
                bail!("{which}: id is used twice");
            }
            if official.name.split_whitespace().count() < 2 {
                bail!("{which}: name must be a full name (given name and surname), got {:?}", official.name);
            }
            for role in official.roles.iter_mut() {
                *role = role.trim().to_lowercase();
            }
            official.roles.retain(|r| !r.is_empty());
            for form in std::iter::once(&official.name).chain(&official.variants) {
                let words: Vec<&str> = form.split_whitespace().collect();
                match words.as_slice() {
                    [] => bail!("{which}: empty variant"),
                    [surname] => {
                        official.surnames.insert(fold_name(surname));
                    }
                    [given, .., surname] => {
                        official.given_names.insert(fold_name(given));
                        official.surnames.insert(fold_name(surname));
                    }
                }
            }
            for (t, tenure) in official.tenure.iter_mut().enumerate() {
                let bad = |value: &str, what: &str| {
                    // The line of the bad value, where it can be found.
                    let line = text.lines().position(|l| l.contains(&format!("\"{value}\""))).map(|l| format!("line {}: ", l + 1)).unwrap_or_default();
                    anyhow::anyhow!("{line}{which}: tenure #{} ({:?}): {what} {value:?} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", t + 1, tenure.role)
                };
                let from = PartialDate::parse(&tenure.from).ok_or_else(|| bad(&tenure.from, "from"))?;
                let until = match &tenure.until {
                    Some(u) => Some(PartialDate::parse(u).ok_or_else(|| bad(u, "until"))?),
                    None => None,
                };
                if until.is_some_and(|u| u < from) {
                    bail!("{which}: tenure #{} ({:?}) ends before it starts", t + 1, tenure.role);
                }
                if tenure.nouns.is_empty() || tenure.of.is_empty() {
                    bail!("{which}: tenure #{} ({:?}) needs `nouns` and `of`", t + 1, tenure.role);
                }
                for list in [&mut tenure.nouns, &mut tenure.of, &mut tenure.country] {
                    for w in list.iter_mut() {
                        *w = w.trim().to_lowercase().replace('.', "");
                    }
                }
                tenure.span = (from, until);
            }
        }
        Ok(Roster { officials })
    }

    /// Finds the official a name refers to. `words` are the name's words without titles
    /// ("Sergei Lavrov", "Lavrov", "S. Lavrov"). A given name that is none of the official's
    /// (say "Igor Lavrov") is somebody else.
    pub fn lookup(&self, words: &[&str]) -> Option<usize> {
        let (surname, given) = match words {
            [] => return None,
            [surname] => (fold_name(surname), None),
            [given, .., surname] => (fold_name(surname), Some(*given)),
        };
        // The given name folded, and as an initial (`S.`) where it is one.
        let given = given.map(|g| (fold_name(g), g.strip_suffix('.').filter(|i| i.chars().count() == 1).map(fold_name)));
        self.officials.iter().position(|o| {
            o.surnames.contains(&surname)
                && given.as_ref().is_none_or(|(g, initial)| o.given_names.contains(g) || initial.as_ref().is_some_and(|i| o.given_names.iter().any(|n| n.starts_with(i.as_str()))))
        })
    }

    /// Whether `word` is the surname of some official (any spelling).
    pub fn is_surname(&self, word: &str) -> bool {
        let folded = fold_name(word);
        self.officials.iter().any(|o| o.surnames.contains(&folded))
    }

    /// The official who held the post that a role-only phrase names on `date`, if exactly one
    /// did. `head` is the phrase's role noun; `before` the words before it and `after` the words
    /// after `to` / `at` / `in` (lower case, possessives and dots dropped); `of_country` the
    /// words after `of`. With no date there is no answer (see the README).
    pub fn holder(&self, phrase: &RoleWords, date: Option<&str>) -> Option<usize> {
        let date = date?;
        let mut found = None;
        for (o, official) in self.officials.iter().enumerate() {
            if phrase.gender.is_some_and(|g| official.gender.is_some_and(|og| og != g)) {
                continue;
            }
            if official.tenure.iter().any(|t| t.covers(date) && phrase.names_post(t)) {
                if found.is_some_and(|f| f != o) {
                    return None;
                }
                found = Some(o);
            }
        }
        found
    }
}

/// The words of a role-only phrase (`Russia's permanent representative to the United Nations`),
/// as `Roster::holder` compares them with a tenure.
#[derive(Debug, Clone, Default)]
pub struct RoleWords {
    /// The role noun (`representative`).
    pub head: String,
    /// The gender the noun implies (`spokeswoman`).
    pub gender: Option<Gender>,
    /// Words before the noun (`russia`, `permanent`).
    pub before: Vec<String>,
    /// Words after `to` / `at` / `in` (`united`, `nations`).
    pub after: Vec<String>,
    /// Words after `of` (`russia`, or `foreign affairs`).
    pub of: Vec<String>,
    /// Country words the article names outside quotes: a phrase naming no country
    /// (`the ministry spokeswoman`) is a tenure's post only in an article naming its country.
    pub country_in_article: Vec<String>,
    /// Country words of other phrases in the article with the same role noun (`a Ukrainian
    /// foreign ministry spokeswoman`): one of another country makes a phrase naming no country
    /// unsure.
    pub other_holders: Vec<String>,
}

impl RoleWords {
    /// Whether the phrase names the post of tenure `t`: its noun, one of its `of` words, and
    /// no other country (the phrase's own country, or the article's where it names none).
    fn names_post(&self, t: &Tenure) -> bool {
        if !t.nouns.contains(&self.head) {
            return false;
        }
        let has = |words: &[String], term: &str| {
            let term: Vec<&str> = term.split_whitespace().collect();
            !term.is_empty() && words.windows(term.len()).any(|w| w.iter().zip(&term).all(|(a, b)| a == b))
        };
        // Country words before the noun or after `of` say whose post it is.
        let mut country_words: Vec<&str> = Vec::new();
        for words in [&self.before, &self.of] {
            for (i, w) in words.iter().enumerate() {
                match (w.as_str(), words.get(i + 1).map(String::as_str)) {
                    ("united", Some("states")) => country_words.push("us"),
                    ("united", Some("kingdom")) => country_words.push("uk"),
                    (w, _) if is_country_word(w) || t.country.iter().any(|c| c == w) => country_words.push(w),
                    _ => {}
                }
            }
        }
        let names_post = t.of.iter().any(|term| has(&self.before, term) || has(&self.after, term) || (has(&self.of, term) && !t.country.iter().any(|c| has(&self.of, c))));
        if !names_post {
            return false;
        }
        if country_words.is_empty() {
            let others = self.other_holders.iter().any(|w| !t.country.contains(w));
            return !others && t.country.iter().any(|c| self.country_in_article.contains(c));
        }
        country_words.iter().all(|w| t.country.iter().any(|c| c == w))
    }
}

/// Country names and nationality adjectives (lower case, no dots), to tell whose post a role
/// phrase names (`US envoy`, `Ukraine's foreign minister`).
pub fn is_country_word(w: &str) -> bool {
    matches!(
        w,
        "russia" | "russian" | "moscow" | "kremlin" | "us" | "usa" | "america" | "american" | "washington" | "uk" | "britain" | "british"
            | "ukraine" | "ukrainian" | "kyiv" | "kiev" | "china" | "chinese" | "beijing" | "france" | "french" | "germany" | "german"
            | "turkey" | "turkish" | "iran" | "iranian" | "israel" | "israeli" | "syria" | "syrian" | "india" | "indian" | "japan"
            | "japanese" | "poland" | "polish" | "belarus" | "belarusian" | "kazakhstan" | "kazakh" | "georgia" | "georgian"
            | "hungary" | "hungarian" | "italy" | "italian" | "canada" | "canadian" | "eu" | "european" | "nato" | "soviet"
            | "qatar" | "qatari" | "saudi" | "egypt" | "egyptian" | "pakistan" | "pakistani" | "korea" | "korean" | "spain" | "spanish"
            | "armenia" | "armenian" | "azerbaijan" | "azerbaijani" | "serbia" | "serbian" | "iraq" | "iraqi" | "afghanistan" | "afghan"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Roster {
        Roster::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data/roster.toml"))).unwrap()
    }

    #[test]
    fn bundled_roster_names_and_variants() {
        let roster = bundled();
        let id = |words: &[&str]| roster.lookup(words).map(|i| roster.officials[i].id.as_str());
        assert_eq!(id(&["Vassily", "Nebenzia"]), Some("nebenzia"));
        assert_eq!(id(&["Vasily", "Nebenzya"]), Some("nebenzia"));
        assert_eq!(id(&["Nebenzya"]), Some("nebenzia"));
        assert_eq!(id(&["Sergei", "Lavrov"]), Some("lavrov"));
        assert_eq!(id(&["S.", "Lavrov"]), Some("lavrov"));
        assert_eq!(id(&["Igor", "Lavrov"]), None);
        assert_eq!(id(&["Sergei", "Ryabkov"]), None);
        let zakharova = &roster.officials[roster.lookup(&["Zakharova"]).unwrap()];
        assert_eq!(zakharova.gender, Some(Gender::Female));
        assert!(zakharova.roles.contains(&"spokeswoman".to_string()));
    }

    #[test]
    fn transliteration_variants_match_and_namesakes_do_not() {
        let roster = bundled();
        let id = |words: &[&str]| roster.lookup(words).map(|i| roster.officials[i].id.as_str());
        for words in [&["Zaharova"][..], &["Maria", "Zaharova"], &["Mariya", "Zakharova"], &["Mariia", "Zakharova"]] {
            assert_eq!(id(words), Some("zakharova"), "{words:?}");
        }
        for words in [&["Nebenzia"][..], &["Nebenzya"], &["Vasiliy", "Nebenzia"], &["Vassilii", "Nebenzya"]] {
            assert_eq!(id(words), Some("nebenzia"), "{words:?}");
        }
        for given in ["Sergei", "Sergey", "Serguei", "Sergueï", "Sergej", "S."] {
            assert_eq!(id(&[given, "Lavrov"]), Some("lavrov"), "{given}");
        }
        assert_eq!(id(&["Anatoliy", "Antonov"]), Some("antonov"));
        assert_eq!(id(&["Anatolii", "Antonov"]), Some("antonov"));
        // Another person with the same or a similar surname.
        assert_eq!(id(&["Oleg", "Antonov"]), None);
        assert_eq!(id(&["Anton", "Antonov"]), None);
        assert_eq!(id(&["Antonova"]), None);
        assert_eq!(id(&["Lavrova"]), None);
        assert_eq!(id(&["Yelena", "Zakharova"]), None);
        assert_eq!(id(&["Zakharov"]), None);
        assert!(roster.is_surname("Nebenzya") && !roster.is_surname("Nebenzin"));
    }

    #[test]
    fn folding_merges_spellings_only() {
        assert_eq!(fold_name("Vassily"), fold_name("Vasiliy"));
        assert_eq!(fold_name("Vasily"), "vasili");
        assert_eq!(fold_name("Zakharova"), fold_name("Zaharova"));
        assert_ne!(fold_name("Lavrov"), fold_name("Lavrova"));
        assert_ne!(fold_name("Antonov"), fold_name("Antonyuk"));
    }

    #[test]
    fn tenures_cover_their_dates_conservatively() {
        let roster = bundled();
        let antonov = &roster.officials[roster.lookup(&["Antonov"]).unwrap()];
        let post = &antonov.tenure[0];
        assert!(post.covers("2017-09-01") && post.covers("2024-09-30") && post.covers("2021-01-15"));
        // The month of each change is left out: the day it happened is not in the file.
        assert!(!post.covers("2017-08-31") && !post.covers("2024-10-01") && !post.covers("2024-10-31"));
        assert!(!post.covers("2016-01-01") && !post.covers("2025-01-01"));
        // Only a full date can be placed.
        assert!(!post.covers("2021-01") && !post.covers("") && !post.covers("yesterday"));
        let exact = Roster::parse("[[official]]\nid = \"x\"\nname = \"Some One\"\n[[official.tenure]]\nrole = \"r\"\nnouns = [\"envoy\"]\nof = [\"un\"]\nfrom = \"2017-07-27\"\nuntil = \"2018-01-01\"\n").unwrap();
        let t = &exact.officials[0].tenure[0];
        assert!(t.covers("2017-07-27") && t.covers("2018-01-01") && !t.covers("2017-07-26") && !t.covers("2018-01-02"));
    }

    #[test]
    fn bad_tenures_are_clear_errors() {
        let base = "[[official]]\nid = \"x\"\nname = \"Some One\"\n[[official.tenure]]\nrole = \"r\"\nnouns = [\"envoy\"]\nof = [\"un\"]\n";
        let err = Roster::parse(&format!("{base}from = \"July 2017\"\n")).unwrap_err();
        assert!(err.to_string().contains("line 8") && err.to_string().contains("not a date"), "{err}");
        let err = Roster::parse(&format!("{base}from = \"2019-01\"\nuntil = \"2018-12\"\n")).unwrap_err();
        assert!(err.to_string().contains("ends before it starts"), "{err}");
        let err = Roster::parse(&format!("{base}since = \"2019\"\n")).unwrap_err();
        assert!(format!("{err:#}").contains("unknown field"), "{err:#}");
    }

    #[test]
    fn malformed_rosters_are_clear_errors() {
        let err = Roster::parse("[[official]]\nid = \"x\"\nname = \"Some One\"\ngender = \"robot\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 4"), "{err:#}");
        let err = Roster::parse("[[official]]\nid = \"x\"\nname = \"Some One\"\n[[official]]\nid = \"x\"\nname = \"Other One\"\n").unwrap_err();
        assert!(err.to_string().contains("used twice") && err.to_string().contains("line 4"), "{err}");
        let err = Roster::parse("[[official]]\nid = \"x\"\nname = \"Cher\"\n").unwrap_err();
        assert!(err.to_string().contains("full name"));
        let err = Roster::parse("[[official]]\nid = \"x\"\nname = \"Some One\"\nrole = [\"typo\"]\n").unwrap_err();
        assert!(format!("{err:#}").contains("unknown field"), "{err:#}");
    }
}
