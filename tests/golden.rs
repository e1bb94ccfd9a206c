//! Golden outputs of every bundled scenario, of every region (every one must load and run): the printed summary,
//! rings.csv, cities.csv and reach.csv are compared with tests/golden/<name>.txt. After an intended change,
//! regenerate with `RINGSIM_BLESS=1 cargo test --release --test golden` (every scenario) or
//! `RINGSIM_BLESS=asbuilt-2025,plan-2025 …` (those scenarios only), and review the diff; the test never rewrites
//! them on its own. While blessing, the other scenarios are still compared.

mod common;
use common::{bundled_scenarios, repo};
use ringsim::app::{load, run_one};

/// Which scenarios to regenerate: all (`RINGSIM_BLESS=1` or `all`), some (a comma-separated list of names), none.
fn blessed(name: &str) -> bool {
    match std::env::var("RINGSIM_BLESS") {
        Err(_) => false,
        Ok(v) => {
            let v = v.trim();
            v == "1" || v == "all" || v.split(',').any(|x| x.trim() == name)
        }
    }
}

#[test]
fn bundled_scenarios_match_their_golden_outputs() {
    let paths = bundled_scenarios();
    assert!(paths.len() >= 28, "14 中原 scenarios and those of changjiang, guanzhong and zhengkai: found {}", paths.len());
    let loaded = load(&paths).unwrap();
    let mut failures = Vec::new();
    let mut names = Vec::new();
    for b in loaded.bind_all().unwrap() {
        let o = run_one(&b).unwrap();
        names.push(o.name.clone());
        let text = format!(
            "{}\n# rings.csv\n{}\n# cities.csv\n{}\n# reach.csv\n{}",
            o.summary,
            String::from_utf8(o.rings).unwrap(),
            String::from_utf8(o.cities).unwrap(),
            String::from_utf8(o.reach).unwrap()
        );
        let path = repo().join("tests/golden").join(format!("{}.txt", o.name));
        if blessed(&o.name) {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing; run with RINGSIM_BLESS={}", path.display(), o.name));
        if want != text {
            let (w, t): (Vec<&str>, Vec<&str>) = (want.lines().collect(), text.lines().collect());
            let mut diff: Vec<String> = (0..w.len().max(t.len()))
                .filter(|&i| w.get(i) != t.get(i))
                .take(8)
                .map(|i| format!("  line {}:\n    golden: {}\n    now:    {}", i + 1, w.get(i).unwrap_or(&"(none)"), t.get(i).unwrap_or(&"(none)")))
                .collect();
            if w.len() != t.len() {
                diff.push(format!("  golden has {} lines, now {}", w.len(), t.len()));
            }
            failures.push(format!("{} differs from its golden output:\n{}", o.name, diff.join("\n")));
        }
    }
    if let Ok(v) = std::env::var("RINGSIM_BLESS") {
        for x in v.split(',').map(str::trim).filter(|x| !x.is_empty() && *x != "1" && *x != "all") {
            assert!(names.iter().any(|n| n == x), "RINGSIM_BLESS names '{x}', which is not a bundled scenario: {}", names.join(" "));
        }
    }
    assert!(failures.is_empty(), "{}\n(regenerate with RINGSIM_BLESS=<name> after checking the change)", failures.join("\n"));
}
