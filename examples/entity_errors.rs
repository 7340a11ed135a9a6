//! The recogniser's errors on a gold CoNLL-U file, by class: wrong boundaries, wrong kind,
//! missed, spurious, with a sample of each (for choosing features on dev, never for rules).
//! Usage: cargo run --release --example entity_errors -- FILE.conllu[.gz] [MODEL_DIR] [SHOW]

use quotestance::syntax::eval::gold_entities;
use quotestance::syntax::{conllu, Syntax};
use std::collections::BTreeMap;
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let corpus = conllu::read_file(Path::new(&args[1]))?;
    let syntax = Syntax::load(Path::new(args.get(2).map_or("models/syntax", String::as_str)))?;
    let show: usize = args.get(3).map_or(5, |s| s.parse().unwrap_or(5));
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut samples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for sentence in &corpus {
        let forms: Vec<&str> = sentence.words.iter().map(|w| w.form.as_str()).collect();
        let gold = gold_entities(sentence).unwrap_or_default();
        let predicted: Vec<(usize, usize, _)> = syntax.analyze_forms(&forms).entities.iter().map(|e| (e.first, e.end, e.kind)).collect();
        let text = |a: usize, b: usize| forms[a..b].join(" ");
        let mut note = |class: String, what: String| {
            *counts.entry(class.clone()).or_default() += 1;
            let s = samples.entry(class).or_default();
            if s.len() < show {
                s.push(what);
            }
        };
        for g in &gold {
            if predicted.contains(g) {
                continue;
            }
            let overlap = predicted.iter().find(|p| p.0 < g.1 && g.0 < p.1);
            match overlap {
                Some(p) if (p.0, p.1) == (g.0, g.1) => note(format!("kind {:?} as {:?}", g.2, p.2), text(g.0, g.1)),
                Some(p) => note(format!("bounds {:?}", g.2), format!("{} | got {} ({:?})", text(g.0, g.1), text(p.0, p.1), p.2)),
                None => note(format!("missed {:?}", g.2), format!("{}  <in> {}", text(g.0, g.1), text(g.0.saturating_sub(4), (g.1 + 4).min(forms.len())))),
            }
        }
        for p in &predicted {
            if !gold.iter().any(|g| g.0 < p.1 && p.0 < g.1) {
                note(format!("spurious {:?}", p.2), format!("{}  <in> {}", text(p.0, p.1), text(p.0.saturating_sub(4), (p.1 + 4).min(forms.len()))));
            }
        }
    }
    let mut by_count: Vec<_> = counts.into_iter().collect();
    by_count.sort_by_key(|c| std::cmp::Reverse(c.1));
    for (class, n) in by_count {
        println!("{n:5}  {class}");
        for s in &samples[&class] {
            println!("         {s}");
        }
    }
    Ok(())
}
