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
    /// A list of tables (`[[a.b]]` entries, or `a.b = [{ … }]`), each checked against `keys` as its own small
    /// schema (`what` names an entry in messages); errors name the entry, as in `services.add[0].trains_per_day`.
    Tables { keys: &'static [Key], what: &'static str, len_max: usize },
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

/// The line (1-based) where a key path is written, found by scanning the text: `[a.b]` headers, `[[a.b]]` entries
/// (the key path of the second `[[services.add]]` entry is `services.add[1]`), `key = ` lines and dotted keys.
/// `None` when it cannot be found (then the message has the key path alone).
pub fn locate(text: &str, path: &str) -> Option<u64> {
    let mut table = String::new();
    // the line of the longest key path written that `path` is under
    let mut best: Option<(u64, usize)> = None;
    // the number of `[[x]]` entries seen so far, by the key path of x
    let mut entries: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let under = |path: &str, p: &str| path.starts_with(&format!("{p}.")) || path.starts_with(&format!("{p}["));
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            let list = line.starts_with("[[");
            let h = line.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            // a header inside an entry of a list of tables names the latest entry (`[a.b.c]` after `[[a.b]]`); a
            // `[[a.b]]` header starts the next entry of list `a.b`
            let segs: Vec<&str> = h.split('.').map(|s| s.trim().trim_matches('"')).collect();
            let mut t = String::new();
            for (j, seg) in segs.iter().enumerate() {
                t = join(&t, seg);
                if list && j + 1 == segs.len() {
                    let n = entries.entry(t.clone()).or_insert(0);
                    *n += 1;
                    t = format!("{t}[{}]", *n - 1);
                } else if let Some(n) = entries.get(&t) {
                    t = format!("{t}[{}]", n - 1);
                }
            }
            table = t;
            if table == path {
                return Some(i as u64 + 1);
            }
            if under(path, &table) && best.is_none_or(|(_, n)| table.len() > n) {
                best = Some((i as u64 + 1, table.len()));
            }
            continue;
        }
        if let Some((k, _)) = line.split_once('=') {
            let k = k.split('.').map(|s| s.trim().trim_matches('"')).collect::<Vec<_>>().join(".");
            let full = join(&table, &k);
            if full == path {
                return Some(i as u64 + 1);
            }
            if under(path, &full) && best.is_none_or(|(_, n)| full.len() >= n) {
                best = Some((i as u64 + 1, full.len()));
            }
        }
    }
    best.map(|(l, _)| l)
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
            if let TKind::Tables { keys, what, len_max } = spec.kind {
                walk_tables(path, text, val, &TomlSchema { what, keys }, len_max, &full)?;
            } else {
                check_value(&spec.kind, val).map_err(|m| match (&spec.kind, spec.required) {
                    // a required key cannot be removed to use a default
                    (TKind::Str { .. }, true) => err(m.replace(" (or remove the key to use the default)", "")),
                    _ => err(m),
                })?;
            }
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

/// Checks a list of tables at key path `full`: each entry against `s` (unknown keys, kinds, ranges, required keys),
/// its errors naming the entry (`services.add[0].source`) and the line where it is written.
fn walk_tables(path: &Path, text: &str, v: &toml::Value, s: &TomlSchema, len_max: usize, full: &str) -> Result<()> {
    let Some(a) = v.as_array() else {
        return Err(key_error(path, text, full, format!("must be a list of tables, found {}; write each entry as a `[[{full}]]` table with its keys", v.type_str())));
    };
    if a.len() > len_max {
        return Err(key_error(path, text, full, format!("has {} entries; give at most {len_max}", a.len())));
    }
    for (i, e) in a.iter().enumerate() {
        let at = format!("{full}[{i}]");
        if !e.is_table() {
            return Err(key_error(path, text, &at, format!("must be a table (a `[[{full}]]` entry with its keys), found {}", e.type_str())));
        }
        walk(path, text, e, s, &at, "")?;
        for k in s.keys.iter().filter(|k| k.required && !k.path.contains('*')) {
            if get(e, k.path).is_none() {
                let names = |req: bool| s.keys.iter().filter(|k| k.required == req).map(|k| k.path).collect::<Vec<_>>().join(", ");
                return Err(Error::Key {
                    path: path.to_path_buf(),
                    line: locate(text, &at),
                    key: join(&at, k.path),
                    message: format!("is missing; add `{}` to this entry ({} needs {}; optional: {})", k.path, s.what, names(true), names(false)),
                });
            }
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

/// A value's type, with the value when short (`string "many"`).
fn found(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) if s.chars().count() <= 40 => format!("string \"{s}\""),
        toml::Value::Boolean(b) => format!("boolean {b}"),
        _ => v.type_str().to_string(),
    }
}

/// The kind a schema declares for key path `key` (a `*` segment of the schema matches any key).
pub fn kind_of(schema: &TomlSchema, key: &str) -> Option<TKind> {
    schema.keys.iter().find(|k| matches(k.path, key)).map(|k| k.kind)
}

fn check_value(kind: &TKind, v: &toml::Value) -> std::result::Result<(), String> {
    match *kind {
        // checked entry by entry by `walk_tables`
        TKind::Any | TKind::Tables { .. } => Ok(()),
        TKind::Str { nonempty } => match v.as_str() {
            None => Err(format!("must be a string (in quotes), found {}", v.type_str())),
            Some(s) if nonempty && s.trim().is_empty() => Err("is empty; give a value (or remove the key to use the default)".into()),
            Some(_) => Ok(()),
        },
        TKind::Num { min, max, unit } => match num(v) {
            None => Err(format!("must be a number, found {}; give a number in [{}, {}]{}{} (without quotes)", found(v), fmt_bound(min), fmt_bound(max), if unit.is_empty() { "" } else { " " }, unit)),
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
