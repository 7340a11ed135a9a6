//! Stage 1: read article dumps.
//!
//! Inputs are files or folders (recursed, sorted by path): `.txt` (one article), `.jsonl` /
//! `.ndjson` / `.json` (one JSON object a line: `id`, `text`, optional `title`, `date`, `url`; or
//! one JSON array of such objects), `.csv`
//! (a header with `text` and preferably `id`), each optionally gzip-compressed (`.gz`), and `-`
//! for JSON Lines on standard input. Articles stream out one at a time, in input order, so a
//! dump larger than memory can be processed; a bad file or line becomes an [`InputError`] in the
//! stream and the rest of the batch goes on.

use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One article as read from the input, before any analysis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    /// Identifier: the JSON/CSV `id`, else the file stem (`002_b59e10ebfaa1d8f9`), else `file:line`.
    pub id: String,
    /// The article body (for `.txt` input: the whole file, headline and page furniture included).
    pub text: String,
    /// Headline, where the input gives one separately (JSON / CSV `title`).
    pub title: Option<String>,
    /// Publication date as given by the input (JSON / CSV `date`), unparsed.
    pub date: Option<String>,
    /// Address of the article (JSON / CSV `url`).
    pub url: Option<String>,
    /// Where the article came from: the file path, with `:LINE` for JSON Lines and CSV records.
    pub source: String,
}

/// A file or record that could not be read. The batch goes on without it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The file path (or `<stdin>`).
    pub path: String,
    /// 1-based line (JSON Lines) or record line (CSV), where the problem is in one record.
    pub line: Option<u64>,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// One item of the article stream.
pub type ReadResult = Result<Article, InputError>;

/// The formats this stage understands, chosen by file extension (after any `.gz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    JsonLines,
    Csv,
}

/// A file to read (or standard input), with its format and whether it is gzip-compressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// `None` for standard input.
    pub path: Option<PathBuf>,
    pub format: Format,
    pub gzip: bool,
}

impl InputFile {
    /// The name used in messages and in the `source` column.
    pub fn display_name(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }
}

/// Works out the format of a path from its extension; `None` for files this tool does not read.
pub fn format_of(path: &Path) -> Option<(Format, bool)> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let (stem, gzip) = match name.strip_suffix(".gz") {
        Some(stem) => (stem.to_string(), true),
        None => (name, false),
    };
    let ext = Path::new(&stem).extension()?.to_str()?.to_string();
    let format = match ext.as_str() {
        "txt" | "text" => Format::Text,
        "jsonl" | "ndjson" | "json" => Format::JsonLines,
        "csv" => Format::Csv,
        _ => return None,
    };
    Some((format, gzip))
}

/// Expands the command-line inputs into the list of files to read, in a stable order: each
/// argument in the order given, folders recursed with their entries sorted by name.
/// Files inside folders with an unknown extension are skipped silently (a dump folder often
/// holds a README or an index); a file named directly with an unknown extension is an error.
pub fn expand_inputs(args: &[PathBuf]) -> (Vec<InputFile>, Vec<InputError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for arg in args {
        if arg.as_os_str() == "-" {
            files.push(InputFile { path: None, format: Format::JsonLines, gzip: false });
            continue;
        }
        match std::fs::metadata(arg) {
            Ok(meta) if meta.is_dir() => walk_dir(arg, &mut files, &mut errors),
            Ok(_) => match format_of(arg) {
                Some((format, gzip)) => files.push(InputFile { path: Some(arg.clone()), format, gzip }),
                None => errors.push(InputError {
                    path: arg.display().to_string(),
                    line: None,
                    message: "unknown file type (expected .txt, .jsonl, .ndjson, .json, .csv, optionally .gz)".into(),
                }),
            },
            Err(err) => errors.push(InputError { path: arg.display().to_string(), line: None, message: err.to_string() }),
        }
    }
    (files, errors)
}

fn walk_dir(dir: &Path, files: &mut Vec<InputFile>, errors: &mut Vec<InputError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push(InputError { path: dir.display().to_string(), line: None, message: err.to_string() });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk_dir(&path, files, errors);
        } else if let Some((format, gzip)) = format_of(&path) {
            files.push(InputFile { path: Some(path), format, gzip });
        }
    }
}

/// Opens a file (or standard input) as a byte stream, decompressing gzip. `wrap` lets the caller
/// observe the raw bytes read (the progress bar counts them).
pub fn open(input: &InputFile, wrap: &dyn Fn(Box<dyn Read + Send>) -> Box<dyn Read + Send>) -> io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = match &input.path {
        Some(path) => Box::new(File::open(path)?),
        None => Box::new(io::stdin()),
    };
    let raw = wrap(raw);
    Ok(if input.gzip {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(raw)))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, raw))
    })
}

/// Reads every article of one file, calling `emit` for each article or error in file order.
pub fn read_file(input: &InputFile, reader: Box<dyn BufRead + Send>, emit: &mut dyn FnMut(ReadResult)) {
    let name = input.display_name();
    match input.format {
        Format::Text => emit(read_text(input, &name, reader)),
        Format::JsonLines => read_json_lines(&name, reader, emit),
        Format::Csv => read_csv(&name, reader, emit),
    }
}

fn file_error(path: &str, line: Option<u64>, message: impl Into<String>) -> InputError {
    InputError { path: path.to_string(), line, message: message.into() }
}

/// The id of a `.txt` article: its file name without `.txt` / `.txt.gz`.
fn stem_id(input: &InputFile) -> String {
    let name = input.path.as_ref().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or("stdin");
    let lower = name.to_ascii_lowercase();
    let mut cut = name.len();
    for suffix in [".gz", ".txt", ".text"] {
        if lower[..cut].ends_with(suffix) {
            cut -= suffix.len();
        }
    }
    name[..cut].to_string()
}

fn read_text(input: &InputFile, name: &str, mut reader: Box<dyn BufRead + Send>) -> ReadResult {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| file_error(name, None, format!("cannot read: {e}")))?;
    let text = decode_text(&bytes).map_err(|m| file_error(name, None, m))?;
    Ok(Article { id: stem_id(input), text, source: name.to_string(), ..Article::default() })
}

/// Checks that a whole file is usable article text: not empty, not binary, valid UTF-8.
/// A UTF-8 byte-order mark is dropped and line endings are normalised to `\n`.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err("empty file (no article text)".into());
    }
    if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes), not article text".into());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        format!("invalid UTF-8 at byte {} (line {line}); re-encode the file as UTF-8", e.valid_up_to())
    })?;
    Ok(normalise_newlines(text))
}

/// Line endings of `.txt` files become `\n`, as when Python reads a text file, so that
/// offsets match `open(path, encoding="utf-8-sig").read()`.
fn normalise_newlines(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

/// One JSON Lines record. Unknown fields are ignored; `id` may be a string or a number.
#[derive(Deserialize)]
struct JsonRecord {
    id: Option<serde_json::Value>,
    text: Option<String>,
    title: Option<String>,
    date: Option<serde_json::Value>,
    url: Option<String>,
}

fn json_scalar(value: serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

fn read_json_lines(name: &str, mut reader: Box<dyn BufRead + Send>, emit: &mut dyn FnMut(ReadResult)) {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut seen_record = false;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                return emit(Err(file_error(name, Some(line_no + 1), format!("cannot read: {e}"))));
            }
        }
        line_no += 1;
        let bytes = if line_no == 1 { buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf) } else { &buf[..] };
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        // A `.json` file may hold one array of records (or one pretty-printed record) rather
        // than one record a line: told by its first line.
        let first_record = !seen_record;
        seen_record = true;
        let opens_document = bytes.trim_ascii_start().starts_with(b"[") || (bytes.trim_ascii() == b"{");
        if first_record && opens_document {
            let mut rest = bytes.to_vec();
            if let Err(e) = reader.read_to_end(&mut rest) {
                return emit(Err(file_error(name, None, format!("cannot read: {e}"))));
            }
            return read_json_array(name, line_no, &rest, emit);
        }
        emit(parse_json_line(name, line_no, bytes));
    }
    if line_no == 0 {
        emit(Err(file_error(name, None, "empty file (no JSON lines)")));
    }
}

/// A JSON array of records starting at line `first_line`; a bad record is reported with the
/// line it starts on, and the others go on.
fn read_json_array(name: &str, first_line: u64, bytes: &[u8], emit: &mut dyn FnMut(ReadResult)) {
    let values: Vec<serde_json::Value> = match serde_json::from_slice(bytes) {
        Ok(serde_json::Value::Array(values)) => values,
        Ok(single @ serde_json::Value::Object(_)) => vec![single],
        Ok(_) => return emit(Err(file_error(name, Some(first_line), "expected JSON objects with a \"text\" field"))),
        Err(e) => return emit(Err(file_error(name, Some(first_line + e.line() as u64 - 1), format!("malformed JSON: {e}")))),
    };
    // Line of each record: count newlines up to each top-level `{` (records are objects).
    let mut starts = Vec::with_capacity(values.len());
    let (mut depth, mut line, mut in_string, mut escaped) = (0i32, first_line, false, false);
    for &b in bytes {
        match b {
            b'\n' => line += 1,
            b'"' if !escaped => in_string = !in_string,
            b'{' | b'[' if !in_string => {
                if depth == 1 {
                    starts.push(line);
                }
                depth += 1;
            }
            b'}' | b']' if !in_string => depth -= 1,
            _ => {}
        }
        escaped = b == b'\\' && !escaped;
    }
    for (i, value) in values.into_iter().enumerate() {
        let line = starts.get(i).copied().unwrap_or(first_line);
        emit(serde_json::from_value::<JsonRecord>(value)
            .map_err(|e| file_error(name, Some(line), format!("malformed record: {e}")))
            .and_then(|record| article_from_json(name, line, record)));
    }
}

fn parse_json_line(name: &str, line_no: u64, bytes: &[u8]) -> ReadResult {
    let line = std::str::from_utf8(bytes).map_err(|_| file_error(name, Some(line_no), "invalid UTF-8"))?;
    let record: JsonRecord = serde_json::from_str(line)
        .map_err(|e| file_error(name, Some(line_no), format!("malformed JSON: {e}")))?;
    article_from_json(name, line_no, record)
}

fn article_from_json(name: &str, line_no: u64, record: JsonRecord) -> ReadResult {
    let text = record.text.ok_or_else(|| file_error(name, Some(line_no), "no \"text\" field"))?;
    if text.trim().is_empty() {
        return Err(file_error(name, Some(line_no), "empty \"text\""));
    }
    let id = record.id.and_then(json_scalar).unwrap_or_else(|| format!("{}:{line_no}", base_name(name)));
    Ok(Article {
        id,
        // Kept as given: offsets then match `json.loads(line)["text"]`.
        text,
        title: record.title.filter(|t| !t.trim().is_empty()),
        date: record.date.and_then(json_scalar).filter(|d| !d.trim().is_empty()),
        url: record.url.filter(|u| !u.trim().is_empty()),
        source: format!("{name}:{line_no}"),
    })
}

fn base_name(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

fn read_csv(name: &str, reader: Box<dyn BufRead + Send>, emit: &mut dyn FnMut(ReadResult)) {
    let mut csv_reader = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = match csv_reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return emit(Err(file_error(name, Some(1), format!("cannot read the CSV header: {e}")))),
    };
    let column = |wanted: &str| {
        headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}').eq_ignore_ascii_case(wanted))
    };
    let Some(text_col) = column("text") else {
        let found: Vec<&str> = headers.iter().collect();
        return emit(Err(file_error(name, Some(1), format!("no \"text\" column in the header (found: {})", found.join(", ")))));
    };
    let (id_col, title_col, date_col, url_col) = (column("id"), column("title"), column("date"), column("url"));
    let mut records = 0;
    for result in csv_reader.records() {
        records += 1;
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                emit(Err(file_error(name, line, format!("malformed CSV record: {e}"))));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let field = |col: Option<usize>| col.and_then(|c| record.get(c)).map(str::trim).filter(|s| !s.is_empty()).map(String::from);
        let Some(text) = record.get(text_col).filter(|t| !t.trim().is_empty()) else {
            emit(Err(file_error(name, Some(line), "empty \"text\"")));
            continue;
        };
        emit(Ok(Article {
            id: field(id_col).unwrap_or_else(|| format!("{}:{line}", base_name(name))),
            text: text.to_string(),
            title: field(title_col),
            date: field(date_col),
            url: field(url_col),
            source: format!("{name}:{line}"),
        }));
    }
    if records == 0 {
        emit(Err(file_error(name, None, "no records after the header")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_bytes(name: &str, bytes: &[u8]) -> Vec<ReadResult> {
        let (format, gzip) = format_of(Path::new(name)).unwrap();
        let input = InputFile { path: Some(PathBuf::from(name)), format, gzip };
        let reader: Box<dyn BufRead + Send> = Box::new(io::Cursor::new(bytes.to_vec()));
        let mut out = Vec::new();
        read_file(&input, reader, &mut |r| out.push(r));
        out
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(format_of(Path::new("a/b.txt")), Some((Format::Text, false)));
        assert_eq!(format_of(Path::new("dump.JSONL.gz")), Some((Format::JsonLines, true)));
        assert_eq!(format_of(Path::new("x.ndjson")), Some((Format::JsonLines, false)));
        assert_eq!(format_of(Path::new("x.csv.gz")), Some((Format::Csv, true)));
        assert_eq!(format_of(Path::new("README.md")), None);
    }

    #[test]
    fn text_file_id_is_the_stem() {
        let out = read_bytes("data/002_b59e10ebfaa1d8f9.txt", "Maria Zakharova said.\r\n".as_bytes());
        let article = out[0].as_ref().unwrap();
        assert_eq!(article.id, "002_b59e10ebfaa1d8f9");
        assert_eq!(article.text, "Maria Zakharova said.\n");
    }

    #[test]
    fn bad_text_files_are_named_errors() {
        let empty = read_bytes("e.txt", b"  \n");
        assert!(empty[0].as_ref().unwrap_err().message.contains("empty"));
        let binary = read_bytes("b.txt", b"\x89PNG\x00\x00");
        assert!(binary[0].as_ref().unwrap_err().message.contains("binary"));
        let latin1 = read_bytes("l.txt", b"line one\nCaf\xe9\n");
        let err = latin1[0].as_ref().unwrap_err();
        assert!(err.message.contains("UTF-8") && err.message.contains("line 2"), "{err}");
    }

    #[test]
    fn json_lines_keep_going_after_a_bad_line() {
        let data = b"{\"id\": 7, \"text\": \"One.\", \"title\": \"T\", \"date\": \"2021-11-02\"}\n{broken\n\n{\"text\": \"Two.\"}\n";
        let out = read_bytes("d.jsonl", data);
        assert_eq!(out.len(), 3);
        let first = out[0].as_ref().unwrap();
        assert_eq!((first.id.as_str(), first.title.as_deref(), first.date.as_deref()), ("7", Some("T"), Some("2021-11-02")));
        assert_eq!(first.source, "d.jsonl:1");
        let err = out[1].as_ref().unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("malformed JSON"));
        assert_eq!(out[2].as_ref().unwrap().id, "d.jsonl:4");
    }

    #[test]
    fn json_array_files_are_read_too() {
        let data = b"[\n  {\"id\": \"a\", \"text\": \"One {brace}.\"},\n  {\"id\": \"b\"},\n  {\"id\": \"c\", \"text\": \"Three.\"}\n]\n";
        let out = read_bytes("dump.json", data);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].as_ref().unwrap().id, "a");
        let err = out[1].as_ref().unwrap_err();
        assert_eq!((err.line, err.message.as_str()), (Some(3), "no \"text\" field"));
        assert_eq!(out[2].as_ref().unwrap().source, "dump.json:4");
    }

    #[test]
    fn only_the_first_line_can_open_an_array_and_pretty_objects_read_whole() {
        let data = b"{\"id\": 1, \"text\": \"One.\"}\n[1, 2]\n{\"id\": 3, \"text\": \"Three.\"}\n";
        let out = read_bytes("mixed.jsonl", data);
        assert_eq!(out.len(), 3);
        assert_eq!(out[1].as_ref().unwrap_err().line, Some(2));
        assert_eq!(out[2].as_ref().unwrap().id, "3");
        let pretty = read_bytes("one.json", b"{\n  \"id\": \"p\",\n  \"text\": \"Pretty.\"\n}\n");
        assert_eq!(pretty.len(), 1);
        assert_eq!(pretty[0].as_ref().unwrap().id, "p");
    }

    #[test]
    fn csv_needs_a_text_column() {
        let out = read_bytes("a.csv", b"id,body\n1,hello\n");
        assert!(out[0].as_ref().unwrap_err().message.contains("no \"text\" column"));
        let ok = read_bytes("b.csv", b"id,text,url\n1,\"He said, \"\"yes.\"\"\",http://x\n");
        let article = ok[0].as_ref().unwrap();
        assert_eq!(article.text, "He said, \"yes.\"");
        assert_eq!(article.url.as_deref(), Some("http://x"));
        assert_eq!(article.source, "b.csv:2");
    }
}
