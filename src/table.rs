//! Reading and writing the project's CSV files.
//!
//! [`Table`] reads a whole CSV file, checks that it is UTF-8 and has the expected header, and hands out [`Row`]s
//! whose typed getters fail with an error naming the file, the line and the field. [`write_atomic`] writes an
//! output file through a temporary file and a rename, so a reader never sees half a file.

use crate::error::{Error, Result};
use crate::units::Date;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub struct Table {
    pub path: PathBuf,
    headers: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

pub struct Row<'a> {
    table: &'a Table,
    pub line: u64,
    rec: &'a csv::StringRecord,
}

/// Reads a file's bytes, turning "not found" and friends into an error that names the path.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })
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
    /// Reads `path`, requiring every column in `required`.
    pub fn read(path: &Path, required: &[&str]) -> Result<Table> {
        let text = read_text(path)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            return Err(Error::Empty { path: path.to_path_buf() });
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
        for r in required {
            if !headers.contains_key(*r) {
                return Err(Error::MissingColumn { path: path.into(), field: r.to_string(), expected: required.join(",") });
            }
        }
        let mut rows = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_err(path, &e))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            rows.push((line, rec));
        }
        Ok(Table { path: path.to_path_buf(), headers, rows })
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

    pub fn has_column(&self, c: &str) -> bool {
        self.headers.contains_key(c)
    }
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

    /// The trimmed text of a column (empty when blank).
    pub fn get(&self, field: &str) -> &'a str {
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
        Date::parse(v).map(Some).map_err(|m| self.err(field, m))
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let werr = |source| Error::Write { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(werr)?;
        }
    }
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(werr)?;
    // `--bom`: a UTF-8 byte-order mark before every CSV, for Excel
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv && crate::report::csv_bom() && !bytes.starts_with(b"\xEF\xBB\xBF") {
        f.write_all(b"\xEF\xBB\xBF").map_err(werr)?;
    }
    f.write_all(bytes).map_err(werr)?;
    f.sync_all().map_err(werr)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(werr)
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
