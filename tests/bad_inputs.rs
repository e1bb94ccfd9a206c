//! The corpus of bad inputs (tests/bad/cases.txt): each case edits a fresh copy of the tiny network (or writes a
//! file next to it), runs the real binary, and expects exit code 2, every listed phrase in the message, no panic,
//! no output folder, and an answer within a time limit. The case format is described at the top of the file.

mod common;
use common::{bin, repo};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Case {
    name: String,
    line: usize,
    cmd: Vec<String>,
    ops: Vec<(String, String, String)>,
    expect: Vec<String>,
    max_seconds: u64,
    env: Vec<(String, String)>,
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}

fn parse(text: &str) -> Vec<Case> {
    let mut out: Vec<Case> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix("== ") {
            out.push(Case { name: name.trim().into(), line: i + 1, cmd: Vec::new(), ops: Vec::new(), expect: Vec::new(), max_seconds: 20, env: Vec::new() });
            continue;
        }
        let c = out.last_mut().unwrap_or_else(|| panic!("line {}: a case starts with '== name'", i + 1));
        let (key, rest) = line.split_once(':').unwrap_or_else(|| panic!("line {}: expected 'key: value'", i + 1));
        let rest = rest.trim();
        match key.trim() {
            "cmd" => c.cmd = rest.split_whitespace().map(String::from).collect(),
            "expect" => c.expect.push(unescape(rest)),
            "seconds" => c.max_seconds = rest.parse().unwrap(),
            "env" => {
                let (k, v) = rest.split_once('=').unwrap();
                c.env.push((k.trim().into(), v.trim().into()));
            }
            op @ ("edit" | "write" | "append" | "rows" | "remove") => {
                let (file, arg) = rest.split_once(" ::").unwrap_or((rest, ""));
                c.ops.push((op.to_string(), file.trim().to_string(), arg.strip_prefix(' ').unwrap_or(arg).to_string()));
            }
            k => panic!("line {}: unknown key '{k}'", i + 1),
        }
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn apply(dir: &Path, op: &str, file: &str, arg: &str) {
    let path = dir.join(file);
    let repo_s = repo().to_string_lossy().into_owned();
    let arg = unescape(arg).replace("{repo}", &repo_s);
    match op {
        "edit" => {
            let (from, to) = arg.split_once(" =>").unwrap_or_else(|| panic!("edit needs 'FROM => TO': {arg}"));
            let to = to.strip_prefix(' ').unwrap_or(to);
            let s = std::fs::read_to_string(&path).unwrap();
            assert!(s.contains(from), "{} does not contain {from:?}", path.display());
            std::fs::write(&path, s.replacen(from, to, 1)).unwrap();
        }
        "write" => {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, arg).unwrap();
        }
        "append" => {
            let mut s = std::fs::read_to_string(&path).unwrap();
            s.push_str(&arg);
            std::fs::write(&path, s).unwrap();
        }
        "rows" => {
            // rows: FILE :: N :: template with {i} (appends N rows)
            let (n, tpl) = arg.split_once(" :: ").unwrap();
            let n: usize = n.trim().parse().unwrap();
            let mut s = std::fs::read_to_string(&path).unwrap();
            for i in 0..n {
                s.push_str(&tpl.replace("{i}", &i.to_string()));
                s.push('\n');
            }
            std::fs::write(&path, s).unwrap();
        }
        "remove" => std::fs::remove_file(&path).unwrap(),
        _ => unreachable!(),
    }
}

#[test]
fn every_bad_input_gets_a_clear_exit_2_message() {
    let text = std::fs::read_to_string(repo().join("tests/bad/cases.txt")).unwrap();
    let cases = parse(&text);
    assert!(cases.len() >= 60, "the corpus should hold at least 60 bad inputs, found {}", cases.len());
    let mut names = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for c in &cases {
        assert!(names.insert(c.name.clone()), "case '{}' appears twice", c.name);
        assert!(!c.expect.is_empty() && !c.cmd.is_empty(), "case '{}' (line {}) needs cmd and expect", c.name, c.line);
        let t = tempfile::tempdir().unwrap();
        for sub in ["tiny", "tiny-seeds", "tiny-scenarios"] {
            copy_dir(&repo().join("tests/data").join(sub), &t.path().join(sub));
        }
        for (op, file, arg) in &c.ops {
            apply(t.path(), op, file, arg);
        }
        let repo_s = repo().to_string_lossy().into_owned();
        let args: Vec<String> = c.cmd.iter().map(|a| a.replace("{repo}", &repo_s)).collect();
        let start = Instant::now();
        let o = Command::new(bin()).args(&args).current_dir(t.path()).env("RINGSIM_MAX_MEMORY_MB", "2048").envs(c.env.iter().map(|(k, v)| (k, v))).output().unwrap();
        let took = start.elapsed();
        let code = o.status.code().unwrap_or(-1);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        let mut why = Vec::new();
        if code != 2 {
            why.push(format!("exit code {code}"));
        }
        for e in &c.expect {
            if !err.contains(e.as_str()) {
                why.push(format!("no {e:?}"));
            }
        }
        if err.contains("panicked") {
            why.push("panicked".into());
        }
        if t.path().join("o").exists() {
            why.push("wrote an output folder".into());
        }
        if took > Duration::from_secs(c.max_seconds) {
            why.push(format!("took {:.1} s (limit {} s)", took.as_secs_f64(), c.max_seconds));
        }
        if !why.is_empty() {
            failures.push(format!("case '{}' (tests/bad/cases.txt line {}): {}\n  stderr: {}", c.name, c.line, why.join("; "), err.trim()));
        }
    }
    assert!(failures.is_empty(), "{} of {} bad inputs failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
