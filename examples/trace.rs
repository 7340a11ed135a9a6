//! A developer's view of one article: each paragraph with its role (headline, body, furniture),
//! then each quotation with its speaker, method, cue, mention and kind.
//!
//! `cargo run --release --example trace -- data/articles/002_b59e10ebfaa1d8f9.txt`
//! (run from the project folder: it reads `data/roster.toml`).

use quotestance::{clean, pipeline, read, roster};
use std::path::Path;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: trace FILE.txt");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let roster = roster::Roster::load(Path::new("data/roster.toml")).expect("data/roster.toml");
    for p in clean::layout(&text, false) {
        println!("{:<9?} {:.90}", p.role, &text[p.start..p.end]);
    }
    println!();
    let article = read::Article { id: "trace".into(), text: text.clone(), source: path, ..Default::default() };
    for r in pipeline::analyze(&article, &roster) {
        println!("{:<22} {:<12} {:<10} {:<28} {:<7} {:.70}", r.speaker.unwrap_or_else(|| "-".into()), r.method, r.cue, r.mention, r.kind.as_str(), r.quote);
    }
}
