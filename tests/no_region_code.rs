//! The engine has no region-specific code path: no string literal in the library names a city of any bundled
//! network or a census code of one of its places. Origins, cutoffs, cities and roles are data (scenario files,
//! networks/, seeds/). `src/main.rs` is left out: its help text gives bundled examples.

mod common;
use common::repo;

fn literals(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in code.lines() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        let code = match t.find("// ") {
            Some(i) => &t[..i],
            None => t,
        };
        let mut rest = code;
        while let Some(a) = rest.find('"') {
            let tail = &rest[a + 1..];
            let mut end = None;
            let mut esc = false;
            for (k, c) in tail.char_indices() {
                if esc {
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else if c == '"' {
                    end = Some(k);
                    break;
                }
            }
            let Some(e) = end else { break };
            out.push(tail[..e].to_string());
            rest = &tail[e + 1..];
        }
    }
    out
}

#[test]
fn library_code_names_no_place_of_any_region() {
    let mut names = std::collections::BTreeSet::new();
    let mut codes = std::collections::BTreeSet::new();
    for net in std::fs::read_dir(repo().join("networks")).unwrap() {
        let dir = net.unwrap().path();
        if let Ok(mut r) = csv::Reader::from_path(dir.join("cities.csv")) {
            for rec in r.records() {
                let rec = rec.unwrap();
                names.insert(rec[1].trim_end_matches('市').to_string());
            }
        }
        if let Ok(mut r) = csv::Reader::from_path(dir.join("places.csv")) {
            for rec in r.records() {
                codes.insert(rec.unwrap()[0].to_string());
            }
        }
    }
    assert!(names.contains("郑州") && names.contains("武汉") && names.contains("运城"));
    let mut found = Vec::new();
    for e in std::fs::read_dir(repo().join("src")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() == "main.rs" || p.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        for lit in literals(&std::fs::read_to_string(&p).unwrap()) {
            for n in &names {
                if lit.contains(n.as_str()) {
                    found.push(format!("{}: \"{lit}\" names {n}", p.display()));
                }
            }
            for c in &codes {
                if lit.contains(c.as_str()) {
                    found.push(format!("{}: \"{lit}\" holds place code {c}", p.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "region-specific literals in the engine:\n{}", found.join("\n"));
}
