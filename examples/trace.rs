// Scratch: print sentences, mentions and attributions for one article.
use quotestance::*;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let roster = roster::Roster::load(std::path::Path::new("data/roster.toml")).unwrap();
    let article = read::Article { id: "x".into(), text: text.clone(), source: path.clone(), ..Default::default() };
    let paragraphs = clean::layout(&text, false);
    for p in &paragraphs { println!("{:?} {:.80}", p.role, &text[p.start..p.end]); }
    for r in pipeline::analyze(&article, &roster) {
        println!("{:?} | {:?} | {} | {} | {} | {:.60}", r.speaker, r.method, r.cue, r.mention, r.kind.as_str(), r.quote);
    }
}
