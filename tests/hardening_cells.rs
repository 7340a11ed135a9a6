//! Issue 8, cells (items 16, 17): every text cell is safe in every spreadsheet, whatever the
//! list separator, and numbers stay numbers.

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_quotestance");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).current_dir(root()).args(["run", "--no-tone", "--quiet"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Splits a CSV line the way a spreadsheet with this list separator does: separators inside
/// double quotes do not split; the quotes themselves are dropped.
fn spreadsheet_fields(line: &str, separator: char) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == separator && !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// What a spreadsheet evaluates: a cell whose first character, after the characters it skips,
/// starts a formula (written independently of the library's own check).
fn evaluated(cell: &str) -> bool {
    if cell.starts_with('\'') {
        return false;
    }
    let skip = |c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{2060}');
    cell.chars().find(|&c| !skip(c)).is_some_and(|c| "=+-@＝＋－＠".contains(c))
}

fn evil_dump() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let records = [
        serde_json::json!({"id": "x;=2+5", "text": "\"Cut x;=2+5 now,\" Sergey Lavrov said.", "url": "u;=1+1"}),
        serde_json::json!({"id": " =1+1", "text": "\" =SUM(A1:A9) is theirs,\" Sergey Lavrov said. \"\t=cmd|' /C calc'!A0,\" he added."}),
        serde_json::json!({"id": "\u{200B}@x", "text": "\"\u{200B}=1+1 counts,\" Sergey Lavrov said. \"\u{FEFF}+7 too,\" he added. \"\u{00A0}-2 as well,\" he said."}),
        serde_json::json!({"id": "＝1", "text": "\"＝1+1 and ＋2,\" Sergey Lavrov said. \"＠SUM(1) and －3,\" he said."}),
        serde_json::json!({"id": "dateline", "text": "WASHINGTON, November 2. /TASS/. \"We are ready,\" Anatoly Antonov, Russia's ambassador in Washington, said."}),
        serde_json::json!({"id": "headline", "title": "\"=HYPERLINK(1)\" - Lavrov", "text": "Sergey Lavrov spoke on Monday. \"Yes,\" he said."}),
    ];
    let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    std::fs::write(dir.path().join("evil.jsonl"), lines.join("\n") + "\n").unwrap();
    dir
}

#[test]
fn semicolon_spreadsheets_never_split_a_text_cell_into_a_formula() {
    let dir = evil_dump();
    let out = run(&[dir.path().join("evil.jsonl").to_str().unwrap(), "--all-quotes"]);
    assert!(out.contains("x;=2+5"), "{out}");
    for line in out.lines().skip(1) {
        for separator in [';', ',', '\t'] {
            for field in spreadsheet_fields(line, separator) {
                assert!(!evaluated(&field), "separator {separator:?} gives the formula {field:?} from {line}");
            }
        }
    }
}

#[test]
fn every_text_cell_is_neutralised_and_numbers_stay_numbers() {
    let dir = evil_dump();
    let out = run(&[dir.path().join("evil.jsonl").to_str().unwrap(), "--all-quotes"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(records.len() >= 9, "{out}");
    let numeric = ["confidence", "start", "end", "tone_score", "p_negative", "p_neutral", "p_positive"];
    for record in &records {
        for (name, cell) in headers.iter().zip(record.iter()) {
            assert!(!evaluated(cell), "{name} = {cell:?} would be evaluated");
            if numeric.contains(&name) && !cell.is_empty() {
                assert!(cell.parse::<f64>().is_ok(), "{name} = {cell:?} is no plain number");
            }
        }
    }
    let quotes: Vec<&str> = records.iter().map(|r| &r[5]).collect();
    for payload in ["'=SUM(A1:A9) is theirs,", "'\u{200B}=1+1 counts,", "'\u{FEFF}+7 too,", "'-2 as well,", "'＝1+1 and ＋2,", "'＠SUM(1) and －3,", "'=HYPERLINK(1)"] {
        assert!(quotes.contains(&payload), "missing {payload:?} in {quotes:?}");
    }
    let ids: Vec<&str> = records.iter().map(|r| &r[0]).collect();
    for id in ["x;=2+5", "' =1+1", "'\u{200B}@x", "'＝1"] {
        assert!(ids.contains(&id), "missing {id:?} in {ids:?}");
    }
    // Numbers are written bare in the file itself, text always quoted.
    let raw = out.lines().nth(1).unwrap();
    assert!(raw.starts_with("\"x;=2+5\","), "{raw}");
    // `method` (quoted text) then `confidence` (a bare number).
    let after_method = raw.split("\"name\",").nth(1).unwrap_or("");
    assert!(after_method.starts_with("0.") || after_method.starts_with("1.00,"), "{raw}");
}

#[test]
fn no_protect_writes_raw_cells_still_quoted() {
    let dir = evil_dump();
    let out = run(&[dir.path().join("evil.jsonl").to_str().unwrap(), "--all-quotes", "--no-protect"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let ids: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert!(ids.contains(&"x;=2+5".to_string()) && ids.contains(&" =1+1".to_string()), "{ids:?}");
    for line in out.lines().skip(1) {
        assert!(line.starts_with('"'), "{line}");
    }
}
