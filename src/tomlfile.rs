//! Reading a TOML input strictly: syntax errors with their line, then every key checked against a declared
//! [`TomlSchema`] (in [`crate::schema`]) before serde sees it — an unknown or misspelled key is an error listing
//! the keys expected at that place, a required key that is missing is named, and every number must lie in the
//! range the schema states. Errors name the file, the line and the key path (`search.shapley_samples`).

use crate::error::{Error, Result};
use crate::table::{fmt_bound, suggest};
use std::path::Path;

/// What a key holds.
#[derive(Clone, Copy, Debug)]
pub enum TKind {
    /// A string; `nonempty`: blank is an error.
    Str { nonempty: bool },
    /// A number (integer or float) in `[min, max]`.
    Num { min: f64, max: f64, unit: &'static str },
    /// An integer in `[min, max]`.
    Int { min: i64, max: i64 },
    Bool,
    /// A date string, `YYYY-MM-DD` or `YYYY-MM`, in the years [`crate::table::MIN_YEAR`]–[`crate::table::MAX_YEAR`].
    Date,
    /// A list of non-blank strings of a bounded length.
    StrList { len_min: usize, len_max: usize },
    /// A list of numbers, each in `[min, max]`, of a bounded length.
    NumList { min: f64, max: f64, len_min: usize, len_max: usize, unit: &'static str },
    /// Anything: checked by the reader itself (or by another schema).
    Any,
}

/// One key: a dotted path (a `*` segment matches any key, e.g. `durations.*`).
#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub path: &'static str,
    pub kind: TKind,
    pub required: bool,
}

#[derive(Debug)]
pub struct TomlSchema {
    pub what: &'static str,
    pub keys: &'static [Key],
}

fn matches(pattern: &str, path: &str) -> bool {
    let (p, q): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), path.split('.').collect());
    p.len() == q.len() && p.iter().zip(&q).all(|(a, b)| *a == "*" || a == b)
}

/// Is `prefix` a table on the way to some declared key?
fn is_table_prefix(s: &TomlSchema, prefix: &str) -> bool {
    s.keys.iter().any(|k| {
        let segs: Vec<&str> = k.path.split('.').collect();
        let p: Vec<&str> = prefix.split('.').collect();
        segs.len() > p.len() && segs.iter().zip(&p).all(|(a, b)| *a == "*" || a == b)
    })
}

/// The keys declared directly under `prefix` ("" for the top level).
fn children(s: &TomlSchema, prefix: &str) -> Vec<String> {
    let depth = if prefix.is_empty() { 0 } else { prefix.split('.').count() };
    let mut out: Vec<String> = Vec::new();
    for k in s.keys {
        let segs: Vec<&str> = k.path.split('.').collect();
        if segs.len() > depth && (depth == 0 || matches(&segs[..depth].join("."), prefix) || segs[..depth].join(".") == prefix) {
            let c = segs[depth].to_string();
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// The line (1-based) where a key path is written, found by scanning the text: `[a.b]` headers, `key = ` lines
/// and dotted keys. `None` when it cannot be found (then the message has the key path alone).
pub fn locate(text: &str, path: &str) -> Option<u64> {
    let mut table = String::new();
    let mut best = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            let h = line.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            table = h.split('.').map(|s| s.trim().trim_matches('"')).collect::<Vec<_>>().join(".");
            if table == path {
                return Some(i as u64 + 1);
            }
            if path.starts_with(&format!("{table}.")) && best.is_none() {
                best = Some(i as u64 + 1);
            }
            continue;
        }
        if let Some((k, _)) = line.split_once('=') {
            let k = k.split('.').map(|s| s.trim().trim_matches('"')).collect::<Vec<_>>().join(".");
            let full = if table.is_empty() { k } else { format!("{table}.{k}") };
            if full == path {
                return Some(i as u64 + 1);
            }
            if path.starts_with(&format!("{full}.")) {
                best = Some(i as u64 + 1);
            }
        }
    }
    best
}

/// The error for key `key` of the file at `path`, with the line where the key is written if found.
pub fn key_error(path: &Path, text: &str, key: &str, message: impl Into<String>) -> Error {
    Error::Key { path: path.to_path_buf(), line: locate(text, key), key: key.to_string(), message: message.into() }
}

/// Parses TOML text; a syntax error names its line; an empty file says what a TOML file of this kind needs.
pub fn parse(path: &Path, text: &str, schema: &TomlSchema) -> Result<toml::Value> {
    if text.trim().is_empty() {
        let req: Vec<&str> = schema.keys.iter().filter(|k| k.required).map(|k| k.path).collect();
        return Err(Error::Toml { path: path.to_path_buf(), message: format!("the file is empty; {} needs at least the keys {}", schema.what, req.join(", ")) });
    }
    let t: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| 1 + text[..s.start.min(text.len())].bytes().filter(|&b| b == b'\n').count());
        let msg = e.message().trim().to_string();
        Error::Toml {
            path: path.to_path_buf(),
            message: match line {
                Some(l) => format!("line {l}: {msg}; fix the TOML syntax"),
                None => format!("{msg}; fix the TOML syntax"),
            },
        }
    })?;
    Ok(toml::Value::Table(t))
}

/// Parses and checks a TOML file's text against its schema.
pub fn read(path: &Path, text: &str, schema: &TomlSchema) -> Result<toml::Value> {
    let v = parse(path, text, schema)?;
    check(path, text, &v, schema, "")?;
    Ok(v)
}

/// Checks the keys and values present (not that required keys are there): for a partial override such as a
/// scenario's `[params]`, whose `prefix` is `params`.
pub fn check_present(path: &Path, text: &str, v: &toml::Value, schema: &TomlSchema, prefix: &str) -> Result<()> {
    walk(path, text, v, schema, prefix, "")
}

/// Checks a parsed value against a schema; `prefix` is the key path of `v` inside its file ("" at the top).
pub fn check(path: &Path, text: &str, v: &toml::Value, schema: &TomlSchema, prefix: &str) -> Result<()> {
    walk(path, text, v, schema, prefix, "")?;
    for k in schema.keys.iter().filter(|k| k.required && !k.path.contains('*')) {
        if get(v, k.path).is_none() {
            let full = join(prefix, k.path);
            return Err(Error::Key {
                path: path.to_path_buf(),
                line: None,
                key: full,
                message: format!("is missing; {} needs it (see the bundled files for an example)", schema.what),
            });
        }
    }
    Ok(())
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn get<'a>(v: &'a toml::Value, path: &str) -> Option<&'a toml::Value> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = cur.as_table()?.get(seg)?;
    }
    Some(cur)
}

fn walk(path: &Path, text: &str, v: &toml::Value, s: &TomlSchema, prefix: &str, rel: &str) -> Result<()> {
    let Some(t) = v.as_table() else { return Ok(()) };
    for (key, val) in t {
        let r = join(rel, key);
        let full = join(prefix, &r);
        let err = |m: String| key_error(path, text, &full, m);
        if let Some(spec) = s.keys.iter().find(|k| matches(k.path, &r)) {
            check_value(&spec.kind, val).map_err(err)?;
        } else if is_table_prefix(s, &r) {
            if !val.is_table() {
                return Err(err(format!("must be a table (`[{full}]`), found {}", val.type_str())));
            }
            walk(path, text, val, s, prefix, &r)?;
        } else {
            let expected = children(s, rel);
            return Err(err(format!(
                "unknown key{}; the keys {} are: {}; rename or remove it",
                suggest(key, expected.iter().map(|x| x.as_str())),
                if rel.is_empty() { format!("of {}", s.what) } else { format!("of [{}]", join(prefix, rel)) },
                expected.join(", ")
            )));
        }
    }
    Ok(())
}

/// The number of a TOML value (an integer or a float).
pub fn num(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// "x is outside the plausible range [min, max] unit" when `x` is not a finite number in `[min, max]`, without how
/// to fix it (the caller says that).
pub fn out_of_range(x: f64, min: f64, max: f64, unit: &str) -> Option<String> {
    (!x.is_finite() || x < min || x > max).then(|| format!("{} is outside the plausible range [{}, {}]{}{}", fmt_bound(x), fmt_bound(min), fmt_bound(max), if unit.is_empty() { "" } else { " " }, unit))
}

fn range(x: f64, min: f64, max: f64, unit: &str) -> std::result::Result<(), String> {
    match out_of_range(x, min, max, unit) {
        Some(m) => Err(format!("{m}; correct the value")),
        None => Ok(()),
    }
}

/// The kind a schema declares for key path `key` (a `*` segment of the schema matches any key).
pub fn kind_of(schema: &TomlSchema, key: &str) -> Option<TKind> {
    schema.keys.iter().find(|k| matches(k.path, key)).map(|k| k.kind)
}

fn check_value(kind: &TKind, v: &toml::Value) -> std::result::Result<(), String> {
    match *kind {
        TKind::Any => Ok(()),
        TKind::Str { nonempty } => match v.as_str() {
            None => Err(format!("must be a string (in quotes), found {}", v.type_str())),
            Some(s) if nonempty && s.trim().is_empty() => Err("is empty; give a value (or remove the key to use the default)".into()),
            Some(_) => Ok(()),
        },
        TKind::Num { min, max, unit } => match num(v) {
            None => Err(format!("must be a number, found {}", v.type_str())),
            Some(x) => range(x, min, max, unit),
        },
        TKind::Int { min, max } => match v.as_integer() {
            None => Err(format!("must be a whole number, found {}", if let Some(f) = v.as_float() { fmt_bound(f) } else { v.type_str().to_string() })),
            Some(i) if i < min || i > max => Err(format!("{i} is outside the plausible range [{min}, {max}]; correct the value")),
            Some(_) => Ok(()),
        },
        TKind::Bool => v.as_bool().map(|_| ()).ok_or_else(|| format!("must be true or false, found {}", v.type_str())),
        TKind::Date => match v.as_str() {
            None => Err(format!("must be a date in quotes, e.g. \"2025-12-31\", found {}", v.type_str())),
            Some(s) => crate::table::check_date(s).map(|_| ()),
        },
        TKind::StrList { len_min, len_max } => {
            let a = v.as_array().ok_or_else(|| format!("must be a list of strings, e.g. [\"a\", \"b\"], found {}", v.type_str()))?;
            if a.len() < len_min || a.len() > len_max {
                return Err(format!("has {} entries; give between {len_min} and {len_max}", a.len()));
            }
            for (i, x) in a.iter().enumerate() {
                match x.as_str() {
                    Some(s) if !s.trim().is_empty() => {}
                    Some(_) => return Err(format!("entry {} is empty; remove it or give a value", i + 1)),
                    None => return Err(format!("entry {} must be a string, found {}", i + 1, x.type_str())),
                }
            }
            Ok(())
        }
        TKind::NumList { min, max, len_min, len_max, unit } => {
            let a = v.as_array().ok_or_else(|| format!("must be a list of numbers, e.g. [30, 60, 90], found {}", v.type_str()))?;
            if a.len() < len_min || a.len() > len_max {
                return Err(format!("has {} entries; give between {len_min} and {len_max}", a.len()));
            }
            for (i, x) in a.iter().enumerate() {
                let n = num(x).ok_or_else(|| format!("entry {} must be a number, found {}", i + 1, x.type_str()))?;
                range(n, min, max, unit).map_err(|m| format!("entry {}: {m}", i + 1))?;
            }
            Ok(())
        }
    }
}

/// Turns a serde error on an already checked value into an error naming the key (serde says which field).
pub fn serde_error(path: &Path, text: &str, e: toml::de::Error) -> Error {
    let msg = e.message().trim().to_string();
    let line = e.span().map(|s| 1 + text[..s.start.min(text.len())].bytes().filter(|&b| b == b'\n').count() as u64);
    Error::Key { path: path.to_path_buf(), line, key: String::new(), message: msg }
}
