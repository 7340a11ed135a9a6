//! The roster of officials: who may be named as a speaker with a `speaker_id`.
//!
//! Kept as data (`data/roster.toml`): one `[[official]]` table per person with `id`, `name`,
//! `variants`, `gender` and `roles`. See that file for the format. A malformed roster is an
//! error that names the file and the line.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

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
    /// Surnames (last words of the name and variants), compared case-sensitively.
    #[serde(skip)]
    surnames: HashSet<String>,
    /// Given names (first words of the multi-word name and variants).
    #[serde(skip)]
    given_names: HashSet<String>,
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
                        official.surnames.insert(surname.to_string());
                    }
                    [given, .., surname] => {
                        official.given_names.insert(given.to_string());
                        official.surnames.insert(surname.to_string());
                    }
                }
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
            [surname] => (*surname, None),
            [given, .., surname] => (*surname, Some(*given)),
        };
        self.officials.iter().position(|o| {
            o.surnames.contains(surname)
                && given.is_none_or(|g| {
                    let initial = g.strip_suffix('.').filter(|i| i.chars().count() == 1);
                    o.given_names.contains(g) || initial.is_some_and(|i| o.given_names.iter().any(|n| n.starts_with(i)))
                })
        })
    }

    /// Whether `word` is the surname of some official (any spelling).
    pub fn is_surname(&self, word: &str) -> bool {
        self.officials.iter().any(|o| o.surnames.contains(word))
    }
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
