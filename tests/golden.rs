//! Golden summaries of every bundled scenario, of every region (every one must load and run): the printed summary, rings.csv and cities.csv are compared with
//! tests/golden/<name>.txt. After an intended change, regenerate with `RINGSIM_BLESS=1 cargo test --test golden`
//! and review the diff; the test never rewrites them on its own.

mod common;
use common::{bundled_scenarios, repo};
use ringsim::app::{load, run_one};

#[test]
fn bundled_scenarios_match_their_golden_summaries() {
    let paths = bundled_scenarios();
    assert!(paths.len() >= 28, "14 中原 scenarios and those of changjiang, guanzhong and zhengkai: found {}", paths.len());
    let loaded = load(&paths).unwrap();
    let bless = std::env::var_os("RINGSIM_BLESS").is_some();
    let mut failures = Vec::new();
    for b in loaded.bind_all().unwrap() {
        let o = run_one(&b);
        let text = format!(
            "{}\n# rings.csv\n{}\n# cities.csv\n{}",
            o.summary,
            String::from_utf8(o.rings).unwrap(),
            String::from_utf8(o.cities).unwrap()
        );
        let path = repo().join("tests/golden").join(format!("{}.txt", o.name));
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing; run with RINGSIM_BLESS=1", path.display()));
        if want != text {
            let diff: Vec<String> = want
                .lines()
                .zip(text.lines())
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .take(8)
                .map(|(i, (a, b))| format!("  line {}:\n    golden: {a}\n    now:    {b}", i + 1))
                .collect();
            failures.push(format!("{} differs from its golden summary:\n{}", o.name, diff.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}\n(regenerate with RINGSIM_BLESS=1 after checking the change)", failures.join("\n"));
}
