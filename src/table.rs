//! Reading and writing the project's CSV files.
//!
//! [`Table`] reads a whole CSV file, checks that it is UTF-8 and has the expected header, and hands out [`Row`]s
//! whose typed getters fail with an error naming the file, the line and the field. [`write_atomic`] writes an
//! output file through a temporary file and a rename, so a reader never sees half a file; [`Batch`] does the same
//! for a command's several output files together, and [`Staged`] for a whole output folder.
//!
//! Strict schemas: [`Table::read_schema`] reads a file against a [`Schema`] (declared in [`crate::schema`], one
//! place for every input): every header must be a declared column (an unknown or misspelled one is an error that
//! lists the expected ones and suggests the nearest), required columns must be present, the file may hold at most
//! `max_rows` rows (checked while reading, before any work), and every non-blank numeric or date field must parse
//! and lie in the column's plausible range, stated in the schema and repeated in the error.

use crate::error::{Error, Result};
use crate::units::Date;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct Table {
    pub path: PathBuf,
    headers: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
    schema: Option<&'static Schema>,
}

/// What a column holds. Numbers and dates carry their plausible range; a value outside it is an error.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// Free text (ids, names, sources).
    Text,
    /// A real number in `[min, max]`, in `unit`.
    Num { min: f64, max: f64, unit: &'static str },
    /// A whole number in `[min, max]`.
    Int { min: u64, max: u64 },
    /// A date `YYYY-MM-DD` or `YYYY-MM`, in [`MIN_YEAR`, `MAX_YEAR`].
    Date,
}

/// The earliest and latest years a date in an input may have (railways in the region date from the 1900s; plans
/// look a few decades ahead).
pub const MIN_YEAR: i32 = 1800;
pub const MAX_YEAR: i32 = 2200;

/// One declared column: its name, whether the header must have it, and what its values hold.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub name: &'static str,
    pub required: bool,
    pub kind: Kind,
}

impl Col {
    /// A column the header must have.
    pub const fn req(name: &'static str, kind: Kind) -> Col {
        Col { name, required: true, kind }
    }
    /// A column the header may leave out (read as blank).
    pub const fn opt(name: &'static str, kind: Kind) -> Col {
        Col { name, required: false, kind }
    }
}

/// The columns of one input file, and how many rows it may hold.
#[derive(Debug)]
pub struct Schema {
    /// What the file is, for messages (e.g. "places.csv of a network folder").
    pub what: &'static str,
    pub cols: &'static [Col],
    /// At most this many data rows; checked while reading, before any work is done.
    pub max_rows: usize,
}

impl Schema {
    pub fn col(&self, name: &str) -> Option<&Col> {
        self.cols.iter().find(|c| c.name == name)
    }
    /// "a, b, c (optional: d, e)".
    pub fn expected(&self) -> String {
        let req: Vec<&str> = self.cols.iter().filter(|c| c.required).map(|c| c.name).collect();
        let opt: Vec<&str> = self.cols.iter().filter(|c| !c.required).map(|c| c.name).collect();
        if opt.is_empty() {
            req.join(", ")
        } else {
            format!("{} (optional: {})", req.join(", "), opt.join(", "))
        }
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// " (did you mean `x`?)" when one of `names` is close to `got`.
pub fn suggest<'a>(got: &str, names: impl IntoIterator<Item = &'a str>) -> String {
    let g = got.to_lowercase();
    let best = names
        .into_iter()
        .map(|n| {
            let l = n.to_lowercase();
            // a shortened or lengthened name (`area` for `area_km2`) counts as close
            let prefix = g.chars().count() >= 3 && (l.starts_with(&g) || g.starts_with(&l));
            (if prefix { 0 } else { edit_distance(&g, &l) }, n)
        })
        .min();
    match best {
        Some((d, n)) if d <= 2.max(got.chars().count() / 3) => format!(" (did you mean `{n}`?)"),
        _ => String::new(),
    }
}

/// Formats a range bound without noise (1e9 rather than 1000000000).
pub fn fmt_bound(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e7 || x.abs() < 1e-3) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

impl Kind {
    /// Checks a non-blank value; `Err` is the message for the field.
    pub fn check(&self, v: &str) -> std::result::Result<(), String> {
        match *self {
            Kind::Text => Ok(()),
            Kind::Num { min, max, unit } => {
                let x: f64 = v.parse().map_err(|_| format!("'{v}' is not a number"))?;
                if !x.is_finite() || x < min || x > max {
                    return Err(format!("{v} is outside the plausible range [{}, {}]{}{}; correct the value", fmt_bound(min), fmt_bound(max), if unit.is_empty() { "" } else { " " }, unit));
                }
                Ok(())
            }
            Kind::Int { min, max } => {
                let x: u64 = v.parse().map_err(|_| format!("'{v}' is not a whole non-negative number"))?;
                if x < min || x > max {
                    return Err(format!("{v} is outside the plausible range [{min}, {max}]; correct the value"));
                }
                Ok(())
            }
            Kind::Date => check_date(v).map(|_| ()),
        }
    }
}

/// Parses a date and checks it lies in [`MIN_YEAR`, `MAX_YEAR`].
pub fn check_date(v: &str) -> std::result::Result<Date, String> {
    let d = Date::parse(v)?;
    if d.year < MIN_YEAR || d.year > MAX_YEAR {
        return Err(format!("'{v}' is outside the plausible years {MIN_YEAR}–{MAX_YEAR}; correct the date"));
    }
    Ok(d)
}

pub struct Row<'a> {
    table: &'a Table,
    pub line: u64,
    rec: &'a csv::StringRecord,
}

/// The largest input file read: 256 MB (the bundled inputs are under 1 MB each).
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// Reads a file's bytes, turning "not found" and friends into an error that names the path. Only regular files
/// up to [`MAX_INPUT_BYTES`] are read (a path such as /dev/zero would never end).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(io(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file")));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(io(std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{} bytes, more than the limit of {MAX_INPUT_BYTES} for an input file", meta.len()))));
    }
    std::fs::read(path).map_err(io)
}

/// Reads a file as UTF-8 text; a bad byte is reported with its line.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + upto.iter().filter(|&&b| b == b'\n').count() as u64;
        Error::NotUtf8 { path: path.to_path_buf(), line }
    })
}

impl Table {
    /// Reads `path` against a declared [`Schema`]: unknown columns, missing required columns, too many rows and
    /// numbers or dates outside their range are errors naming file, line and field.
    pub fn read_schema(path: &Path, schema: &'static Schema) -> Result<Table> {
        let bytes = read_bytes(path)?;
        Table::parse_schema(path, &bytes, schema)
    }

    /// [`Table::read_schema`] on bytes already read (`path` is only used in messages).
    pub fn parse_schema(path: &Path, bytes: &[u8], schema: &'static Schema) -> Result<Table> {
        let required: Vec<&str> = schema.cols.iter().filter(|c| c.required).map(|c| c.name).collect();
        let mut t = Table::parse(path, bytes, &required, Some(schema))?;
        t.schema = Some(schema);
        Ok(t)
    }

    /// Reads `path`, requiring every column in `required` (no schema: other columns are accepted; prefer
    /// [`Table::read_schema`] for an input file).
    pub fn read(path: &Path, required: &[&str]) -> Result<Table> {
        let bytes = read_bytes(path)?;
        Table::parse(path, &bytes, required, None)
    }

    fn parse(path: &Path, bytes: &[u8], required: &[&str], schema: Option<&'static Schema>) -> Result<Table> {
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| {
            let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = 1 + upto.iter().filter(|&&b| b == b'\n').count() as u64;
            Error::NotUtf8 { path: path.to_path_buf(), line }
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            return Err(Error::Empty { path: path.to_path_buf() });
        }
        if let Some(line) = unterminated_quote(text) {
            return Err(Error::Csv {
                path: path.into(),
                line,
                message: "unterminated quote: a field opens with `\"` on this line and no closing `\"` follows, so the rest of the file would be read into it; add the closing quote, or remove the opening one (a quote inside a quoted field is written `\"\"`)".into(),
            });
        }
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
        let hdr = rdr.headers().map_err(|e| csv_err(path, &e))?.clone();
        let mut headers = HashMap::new();
        for (i, h) in hdr.iter().enumerate() {
            let h = h.trim().to_string();
            if headers.insert(h.clone(), i).is_some() {
                return Err(Error::Csv { path: path.into(), line: 1, message: format!("column `{h}` appears twice in the header") });
            }
        }
        let expected = match schema {
            Some(s) => s.expected(),
            None => required.join(","),
        };
        if let Some(s) = schema {
            for h in hdr.iter().map(str::trim) {
                if s.col(h).is_none() {
                    let hint = suggest(h, s.cols.iter().map(|c| c.name));
                    return Err(Error::Csv {
                        path: path.into(),
                        line: 1,
                        message: format!("unknown column `{h}` in the header{hint}; the columns of {} are: {expected}; rename or remove it", s.what),
                    });
                }
            }
        }
        for r in required {
            if !headers.contains_key(*r) {
                return Err(Error::MissingColumn { path: path.into(), field: r.to_string(), expected });
            }
        }
        let max_rows = schema.map_or(usize::MAX, |s| s.max_rows);
        let checks: Vec<(usize, &'static Col)> = match schema {
            Some(s) => s.cols.iter().filter(|c| !matches!(c.kind, Kind::Text)).filter_map(|c| headers.get(c.name).map(|&i| (i, c))).collect(),
            None => Vec::new(),
        };
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_err(path, &e))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(1);
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if rows.len() >= max_rows {
                return Err(Error::Csv {
                    path: path.into(),
                    line,
                    message: format!("more than {max_rows} rows, the limit for {}; split the input or remove rows", schema.map_or("this file", |s| s.what)),
                });
            }
            for &(i, c) in &checks {
                let v = rec.get(i).unwrap_or("").trim();
                if !v.is_empty() {
                    c.kind.check(v).map_err(|m| Error::field(path, line, c.name, m))?;
                }
            }
            rows.push((line, rec));
        }
        Ok(Table { path: path.to_path_buf(), headers, rows, schema })
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, rec)| Row { table: self, line: *line, rec })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The line after the last row (where a missing row would go).
    pub fn end_line(&self) -> u64 {
        self.rows.last().map_or(2, |r| r.0 + 1)
    }

    pub fn has_column(&self, c: &str) -> bool {
        self.headers.contains_key(c)
    }
}

/// The line on which a quoted field opens that is never closed (the CSV reader would take the rest of the file
/// into it), if any. As the csv crate reads it (RFC 4180): a quote opens a quoted field only at the start of a field,
/// `""` inside one is a quote, and anywhere else a quote is an ordinary character.
fn unterminated_quote(text: &str) -> Option<u64> {
    let mut line = 1u64;
    let mut at_start = true;
    // the line the quoted field being read opened on
    let mut open: Option<u64> = None;
    let mut it = text.bytes().peekable();
    while let Some(c) = it.next() {
        if c == b'\n' {
            line += 1;
        }
        match open {
            Some(_) => {
                if c == b'"' {
                    if it.peek() == Some(&b'"') {
                        it.next();
                    } else {
                        open = None;
                        at_start = false;
                    }
                }
            }
            None => match c {
                b'"' if at_start => open = Some(line),
                b',' | b'\n' | b'\r' => at_start = true,
                _ => at_start = false,
            },
        }
    }
    open
}

fn csv_err(path: &Path, e: &csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} fields but the header has {expected_len}; quote fields that contain commas")
        }
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8; save it as UTF-8".to_string(),
        _ => format!("malformed CSV: {e}"),
    };
    Error::Csv { path: path.to_path_buf(), line, message }
}

impl<'a> Row<'a> {
    pub fn err(&self, field: &str, msg: impl Into<String>) -> Error {
        Error::field(&self.table.path, self.line, field, msg)
    }

    /// The trimmed text of a column (empty when blank). With a schema, asking for an undeclared column is a
    /// programming error, caught by the tests.
    pub fn get(&self, field: &str) -> &'a str {
        debug_assert!(self.table.schema.is_none_or(|s| s.col(field).is_some()), "column `{field}` is not in the schema of {}", self.table.path.display());
        match self.table.headers.get(field) {
            Some(&i) => self.rec.get(i).unwrap_or("").trim(),
            None => "",
        }
    }

    /// A column that must not be blank.
    pub fn req(&self, field: &str) -> Result<&'a str> {
        let v = self.get(field);
        if v.is_empty() {
            Err(self.err(field, "is empty; every row needs a value here"))
        } else {
            Ok(v)
        }
    }

    pub fn f64(&self, field: &str) -> Result<f64> {
        let v = self.req(field)?;
        let x: f64 = v.parse().map_err(|_| self.err(field, format!("'{v}' is not a number")))?;
        if !x.is_finite() {
            return Err(self.err(field, format!("'{v}' is not a finite number")));
        }
        Ok(x)
    }

    pub fn opt_f64(&self, field: &str) -> Result<Option<f64>> {
        if self.get(field).is_empty() {
            Ok(None)
        } else {
            self.f64(field).map(Some)
        }
    }

    /// A strictly positive number (lengths, speeds).
    pub fn positive(&self, field: &str) -> Result<f64> {
        let x = self.f64(field)?;
        if x <= 0.0 {
            return Err(self.err(field, format!("must be greater than zero, found {x}")));
        }
        Ok(x)
    }

    pub fn opt_positive(&self, field: &str) -> Result<Option<f64>> {
        if self.get(field).is_empty() {
            Ok(None)
        } else {
            self.positive(field).map(Some)
        }
    }

    pub fn u64(&self, field: &str) -> Result<u64> {
        let v = self.req(field)?;
        v.parse().map_err(|_| self.err(field, format!("'{v}' is not a whole non-negative number")))
    }

    pub fn opt_date(&self, field: &str) -> Result<Option<Date>> {
        let v = self.get(field);
        if v.is_empty() {
            return Ok(None);
        }
        check_date(v).map(Some).map_err(|m| self.err(field, m))
    }
}

/// An output folder written complete or not at all: files go into a hidden temporary folder next to it, and
/// [`Staged::commit`] replaces the final folder with it (the old one is moved aside first and removed after).
/// A killed command leaves at most a hidden `.NAME.tmp*` folder, never a partial set at the final name. A folder
/// that holds an input of the command is refused ([`crate::outputs::check_folder`]): replacing it would delete it.
pub struct Staged {
    pub tmp: PathBuf,
    pub dest: PathBuf,
    done: bool,
}

impl Staged {
    /// `option` names the folder's option in an error ("--out").
    pub fn new(option: &str, dest: &Path) -> Result<Staged> {
        crate::outputs::check_folder(option, dest)?;
        let werr = |source| Error::Write { path: dest.to_path_buf(), source };
        let name = dest.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "out".into());
        let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(werr)?;
        let tmp = parent.join(format!(".{name}.tmp{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(werr)?;
        }
        std::fs::create_dir_all(&tmp).map_err(werr)?;
        Ok(Staged { tmp, dest: dest.to_path_buf(), done: false })
    }

    /// A file inside the staging folder.
    pub fn join(&self, file: &str) -> PathBuf {
        self.tmp.join(file)
    }

    /// Moves the staged folder to its final name.
    pub fn commit(mut self) -> Result<()> {
        let werr = |source| Error::Write { path: self.dest.clone(), source };
        let old = self.tmp.with_extension("old");
        if self.dest.exists() {
            std::fs::rename(&self.dest, &old).map_err(werr)?;
        }
        std::fs::rename(&self.tmp, &self.dest).map_err(werr)?;
        if old.exists() {
            let _ = std::fs::remove_dir_all(&old);
        }
        self.done = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}

/// The memory a command may plan to use, in bytes: `RINGSIM_MAX_MEMORY_MB` if set, else 4096 MB.
pub fn memory_limit() -> u64 {
    std::env::var("RINGSIM_MAX_MEMORY_MB").ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(4096).saturating_mul(1 << 20)
}

/// An error when `bytes` (an up-front estimate of what `what` needs) exceeds [`memory_limit`].
pub fn check_memory(bytes: f64, what: &str, fix: &str) -> Result<()> {
    let limit = memory_limit();
    if bytes > limit as f64 {
        return Err(Error::Usage(format!(
            "{what} would need about {:.0} MB of memory, more than the limit of {} MB; {fix} (or raise the limit with RINGSIM_MAX_MEMORY_MB)",
            bytes / (1u64 << 20) as f64,
            limit >> 20
        )));
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename (a [`Batch`] of one).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut b = Batch::new();
    b.file("", path, bytes)?;
    b.commit()
}

/// A command's output files, written together: complete or absent. [`Batch::file`] writes each to a temporary file
/// beside its destination (after [`crate::outputs::check_file`]: never over an input of the command), and
/// [`Batch::commit`] renames them all into place once every one is written. Dropped before that (a later output
/// could not be written, or the command failed), it removes its temporary files and the folders it created, so a
/// failed command leaves no new file behind and the destinations as they were.
#[derive(Default)]
pub struct Batch {
    /// (temporary file, destination) of every file written and not yet renamed.
    staged: Vec<(PathBuf, PathBuf)>,
    /// Folders created for the outputs, parents before their children.
    created: Vec<PathBuf>,
}

impl Batch {
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Writes `bytes` to a temporary file beside `path`; `option` names the output in an error ("--out"). A CSV
    /// starts with a byte-order mark under `--bom`.
    pub fn file(&mut self, option: &str, path: &Path, bytes: &[u8]) -> Result<()> {
        crate::outputs::check_file(option, path)?;
        let real = crate::outputs::resolve(path);
        if let Some((_, other)) = self.staged.iter().find(|(_, d)| crate::outputs::resolve(d) == real) {
            return Err(Error::Usage(format!("{}: {} is written there too; give each output its own path", path.display(), other.display())));
        }
        let werr = |source| Error::Write { path: path.to_path_buf(), source };
        if path.is_dir() {
            return Err(Error::Usage(format!("{}: cannot write: this is a folder; give a file name (such as {})", crate::outputs::named(option, path), path.join("out.csv").display())));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // a folder on the way that is a file: say so, rather than the system's "File exists"
            if let Some(f) = dir.ancestors().find(|a| !a.as_os_str().is_empty() && a.exists() && !a.is_dir()) {
                return Err(Error::Usage(format!("{}: cannot write: {} is a file, not a folder; give a path in a folder", crate::outputs::named(option, path), f.display())));
            }
            // the folders this creates, so that a failed command can take them away again
            let missing: Vec<PathBuf> = dir.ancestors().take_while(|a| !a.as_os_str().is_empty() && !a.exists()).map(Path::to_path_buf).collect();
            std::fs::create_dir_all(dir).map_err(werr)?;
            self.created.extend(missing.into_iter().rev());
        }
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
        let mut f = std::fs::File::create(&tmp).map_err(werr)?;
        // recorded at once, so that a failed write below still removes it
        self.staged.push((tmp, path.to_path_buf()));
        // `--bom`: a UTF-8 byte-order mark before every CSV, for Excel
        let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        if is_csv && crate::report::csv_bom() && !bytes.starts_with(b"\xEF\xBB\xBF") {
            f.write_all(b"\xEF\xBB\xBF").map_err(werr)?;
        }
        f.write_all(bytes).map_err(werr)?;
        f.sync_all().map_err(werr)
    }

    /// Renames every file written into place, in the order written: all of them or none. A file an output replaces
    /// is kept under a second name (a hard link, else a copy) until every rename has succeeded; if one fails, the
    /// outputs already renamed are put back as they were (the old file, or no file) and the error is returned.
    pub fn commit(mut self) -> Result<()> {
        let staged = std::mem::take(&mut self.staged);
        // (destination, its old file kept under this name, if it had one)
        let mut kept: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        let mut result = Ok(());
        for (k, (tmp, dest)) in staged.iter().enumerate() {
            let old = if dest.exists() {
                let name = dest.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                let bak = dest.with_file_name(format!(".{name}.old{}", std::process::id()));
                let _ = std::fs::remove_file(&bak);
                if let Err(source) = std::fs::hard_link(dest, &bak).or_else(|_| std::fs::copy(dest, &bak).map(|_| ())) {
                    result = Err(Error::Write { path: dest.clone(), source });
                    self.staged.extend(staged[k..].iter().cloned());
                    break;
                }
                Some(bak)
            } else {
                None
            };
            if let Err(source) = std::fs::rename(tmp, dest) {
                if let Some(b) = &old {
                    let _ = std::fs::remove_file(b);
                }
                result = Err(Error::Write { path: dest.clone(), source });
                // the ones not renamed are removed on drop
                self.staged.extend(staged[k..].iter().cloned());
                break;
            }
            kept.push((dest.clone(), old));
        }
        if result.is_err() {
            // put back what was renamed: the old file, or none
            for (dest, old) in kept.iter().rev() {
                match old {
                    Some(b) => {
                        let _ = std::fs::rename(b, dest);
                    }
                    None => {
                        let _ = std::fs::remove_file(dest);
                    }
                }
            }
            return result;
        }
        for (_, old) in kept {
            if let Some(b) = old {
                let _ = std::fs::remove_file(b);
            }
        }
        self.created.clear();
        Ok(())
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        for (tmp, _) in &self.staged {
            let _ = std::fs::remove_file(tmp);
        }
        // children first; `remove_dir` leaves a folder that holds anything else
        for d in self.created.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// Builds CSV text in memory (header + rows) for [`write_atomic`].
pub struct CsvOut {
    w: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    pub fn new(header: &[&str]) -> CsvOut {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        w.write_record(header).expect("writing to memory cannot fail");
        CsvOut { w }
    }
    pub fn row<I, S>(&mut self, fields: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        self.w.write_record(fields).expect("writing to memory cannot fail");
    }
    pub fn into_bytes(self) -> Vec<u8> {
        self.w.into_inner().expect("writing to memory cannot fail")
    }
}
