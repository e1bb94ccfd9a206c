//! `ringsim order`: the dynamic programme against brute force over permutations, the incremental update against
//! full recomputation, the filtered graph against `Graph::build` (so the order metric equals `ringsim run`),
//! Shapley values adding up, orders file errors (exit 2) and a CLI smoke test. Every random case is seeded and a
//! failure prints the seed and the case.

mod common;
use common::{bin, random_network, repo, Rng};
use ringsim::app::load;
use ringsim::graph::Graph;
use ringsim::lattice::{Set, UNREACHED};
use ringsim::network::Network;
use ringsim::order::{beam, dp, enumerate, project_stats, OrdersFile, Study};
use ringsim::rings::Reach;
use ringsim::scenario::{Measure, Scenario};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicU64;

/// Projects that own at least one element of a random network (the others have nothing to order).
fn used_projects(dir: &Path, all: &[String]) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("rail_sections.csv")).unwrap() + &std::fs::read_to_string(dir.join("road_links.csv")).unwrap();
    all.iter().filter(|p| text.contains(&format!(",{p},"))).cloned().collect()
}

/// A random orders file over `projects` for the random network in `dir`; returns its path and a description.
fn random_orders(dir: &Path, rng: &mut Rng, projects: &[String]) -> (PathBuf, String) {
    common::scenario(&dir.join("base.toml"), &dir.join("net"), "base", "station", &[]);
    let kinds = ["population", "mean_time", "cities", "rings"];
    let kind = kinds[rng.below(4) as usize];
    let measure = if rng.chance(0.5) { "door" } else { "station" };
    let metric = match kind {
        "population" => format!("kind = \"population\"\ncutoff = {}\nmeasure = \"{measure}\"", 20 + rng.below(150)),
        "cities" => format!("kind = \"cities\"\ncutoff = {}\nmeasure = \"{measure}\"", 20 + rng.below(150)),
        "mean_time" => format!("kind = \"mean_time\"\ncap = {}\nmeasure = \"{measure}\"", 30 + rng.below(300)),
        _ => format!("kind = \"rings\"\ncutoffs = [30, 60, 90]\nweights = [{:.2}, {:.2}, {:.2}]\nmeasure = \"{measure}\"", rng.f64() * 3.0, rng.f64() * 2.0, rng.f64()),
    };
    let q = |v: &[String]| v.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ");
    let mut rules = Vec::new();
    if projects.len() >= 2 && rng.chance(0.6) {
        for _ in 0..1 + rng.below(2) {
            let a = rng.below(projects.len() as u64 - 1) as usize;
            let b = a + 1 + rng.below((projects.len() - a - 1) as u64) as usize;
            rules.push(format!("[\"{}\", \"{}\"]", projects[a], projects[b]));
        }
    }
    let years = rng.chance(0.5);
    let mut axis = format!("[axis]\nx = \"{}\"\ndiscount = {:.2}\n", if years { "years" } else { "step" }, if rng.chance(0.5) { rng.f64() * 0.2 } else { 0.0 });
    if years {
        axis.push_str("[durations]\n");
        for p in projects {
            axis.push_str(&format!("{p} = {:.1}\n", 0.5 + rng.f64() * 5.0));
        }
    }
    let text = format!(
        "format = 1\nname = \"rand\"\nbase = \"base.toml\"\nprojects = [{}]\n[metric]\n{metric}\n[precedence]\nderive = {}\nrules = [{}]\n{axis}[orders]\nlisted = \"listed\"\n",
        q(projects),
        rules.is_empty() && rng.chance(0.7),
        rules.join(", ")
    );
    let path = dir.join("orders.toml");
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

/// All permutations of 0..n that respect `preds`.
fn permutations(n: usize, preds: &[Set]) -> Vec<Vec<usize>> {
    fn go(n: usize, preds: &[Set], cur: &mut Vec<usize>, s: Set, out: &mut Vec<Vec<usize>>) {
        if cur.len() == n {
            out.push(cur.clone());
            return;
        }
        for j in 0..n {
            if s >> j & 1 == 0 && preds[j] & s == preds[j] {
                cur.push(j);
                go(n, preds, cur, s | 1 << j, out);
                cur.pop();
            }
        }
    }
    let mut out = Vec::new();
    go(n, preds, &mut Vec::new(), 0, &mut out);
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// A random network of `min + below(span)` places and a random orders file over the projects it uses, in a fresh
/// temp dir: `None` when the network happens to use no project. Returns the dir (kept alive), the orders file and
/// its text (printed when a case fails).
fn random_case(rng: &mut Rng, min: usize, span: u64) -> Option<(tempfile::TempDir, PathBuf, String)> {
    let t = tempfile::tempdir().unwrap();
    let size = min + rng.below(span) as usize;
    let all = random_network(&t.path().join("net"), rng, size);
    let projects = used_projects(&t.path().join("net"), &all);
    if projects.is_empty() {
        return None;
    }
    let (path, text) = random_orders(t.path(), rng, &projects);
    Some((t, path, text))
}

#[test]
fn dp_equals_brute_force_and_shapley_adds_up_on_random_networks() {
    let mut rng = Rng(5_2016_12_28);
    let mut checked = 0;
    for case in 0..40 {
        let Some((_t, path, text)) = random_case(&mut rng, 12, 20) else { continue };
        let (st, _net) = Study::load(&path).unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
        let n = st.n;
        assert!(n <= 7);
        let f = |s: Set| st.value_full(s);
        // the lattice of precedence-respecting states and the DP
        let lat = enumerate(&st, &st.preds, &AtomicU64::new(0));
        for s in 0..1u64 << n {
            if let Some(v) = lat.get(s) {
                assert_eq!(v, f(s), "case {case}: state {s:b}\n{text}");
            }
        }
        let (b, w) = dp(&st, &lat);
        let perms = permutations(n, &st.preds);
        let benefits: Vec<f64> = perms.iter().map(|p| st.trajectory(p, &f).benefit()).collect();
        let max = benefits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let min = benefits.iter().cloned().fold(f64::INFINITY, f64::min);
        let (bb, wb) = (st.trajectory(&b, &f).benefit(), st.trajectory(&w, &f).benefit());
        assert!(close(bb, max), "case {case}: DP best {bb} ({b:?}) vs brute force {max}\n{text}");
        assert!(close(wb, min), "case {case}: DP worst {wb} ({w:?}) vs brute force {min}\n{text}");
        assert!(st.violation(&b).is_none() && st.violation(&w).is_none(), "case {case}");
        // the heuristic never beats the exact search
        let hb = st.trajectory(&beam(&st, 4, 1.0), &f).benefit();
        let hw = st.trajectory(&beam(&st, 4, -1.0), &f).benefit();
        assert!(hb <= max + 1e-6 * (1.0 + max.abs()) && hw >= min - 1e-6 * (1.0 + min.abs()), "case {case}\n{text}");
        // every order ends in the same state
        let fall = f(st.all());
        for p in perms.iter().take(20).chain([&b, &w]) {
            assert_eq!(*st.trajectory(p, &f).values.last().unwrap(), fall, "case {case}");
        }
        // Shapley values add up to the total gain, exact and sampled
        let total = st.gain(fall, f(0));
        let full = enumerate(&st, &vec![0; n], &AtomicU64::new(0));
        assert!(full.complete);
        // exact values add up to the total gain (efficiency); sampled ones add up by construction (each
        // permutation's contributions telescope), so they are checked against the exact values instead: every
        // project within five standard errors, the spread of a marginal contribution being at most 2·max|g|
        let (exact, m1) = project_stats(&st, Some(&full), 0, 1);
        assert_eq!(m1, "exact");
        let sum: f64 = exact.iter().map(|s| s.shapley).sum();
        assert!(close(sum, total), "case {case}: exact Shapley values add up to {sum}, not {total}\n{text}");
        let samples = 3000;
        let (sampled, m2) = project_stats(&st, None, samples, 7);
        assert_eq!(m2, "sampled");
        let g_max = full.values.iter().map(|v| st.gain(*v, f(0)).abs()).fold(0.0, f64::max);
        let tol = 5.0 * g_max / (samples as f64).sqrt() + 1e-9;
        for (j, (e, s)) in exact.iter().zip(&sampled).enumerate() {
            assert!((e.shapley - s.shapley).abs() <= tol, "case {case}: project {j}: sampled Shapley {} vs exact {} (tolerance {tol})\n{text}", s.shapley, e.shapley);
        }
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} random cases had projects");
}

fn random_subset(rng: &mut Rng, n: usize) -> Set {
    rng.next() & ((1u64 << n) - 1)
}

#[test]
fn incremental_update_equals_full_recomputation() {
    let mut rng = Rng(77);
    let mut cases = 0;
    for net_case in 0..40 {
        let Some((_t, path, text)) = random_case(&mut rng, 10, 30) else { continue };
        let (mut st, _net) = Study::load(&path).unwrap();
        for bounded in [true, false] {
            if !bounded {
                st.engine.bound = UNREACHED - 1;
            }
            for chain in 0..8 {
                let n = st.n;
                let mut perm: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    perm.swap(i, rng.below(i as u64 + 1) as usize);
                }
                // start from a random subset so chains also pass through states that ignore precedence
                let mut s = if chain % 2 == 0 { 0 } else { random_subset(&mut rng, n) };
                let mut d = st.engine.full(s);
                for &j in &perm {
                    if s >> j & 1 == 1 {
                        continue;
                    }
                    st.engine.extend(&mut d, s, j);
                    s |= 1 << j;
                    assert!(d == st.engine.full(s), "network case {net_case}, chain {chain}, bounded {bounded}: state {s:b} after adding {j}\n{text}");
                    cases += 1;
                }
            }
        }
    }
    assert!(cases >= 300, "{cases}");
}

/// For random subsets, the engine's times equal `Reach::compute` on the base scenario with exactly the subset
/// added, under both measures.
fn check_against_graph_build(file: &Path, net: &Network, rng: &mut Rng, subsets: usize, label: &str) {
    for measure in [Measure::Door, Measure::Station] {
        let mut of = OrdersFile::read(file).unwrap();
        of.measure = measure;
        let sc = Scenario::read(&of.base).unwrap();
        let mut st = Study::with_network(of, sc.clone(), net).unwrap();
        st.engine.bound = UNREACHED - 1;
        let n = st.n;
        let mut sets: Vec<Set> = vec![0, st.all()];
        sets.extend((0..subsets).map(|_| random_subset(rng, n)));
        for s in sets {
            let mut sc2 = sc.clone();
            sc2.measure = measure;
            let b = sc2.bind(net).unwrap();
            let mut b = b;
            for j in 0..n {
                if s >> j & 1 == 1 {
                    b.sc.added.insert(st.ids[j].clone());
                }
            }
            let g = Graph::build(&b);
            let r = Reach::compute(&b, &g);
            let want: Vec<_> = r.places.iter().map(|t| t.get(measure)).collect();
            let d = st.engine.full(s);
            let got = st.engine.place_times(&d);
            for (i, (w, g)) in want.iter().zip(&got).enumerate() {
                assert_eq!(w, g, "{label}: measure {}, state {s:b} ({:?}): place {} ({})", measure.as_str(), (0..n).filter(|j| s >> j & 1 == 1).map(|j| &st.ids[j]).collect::<Vec<_>>(), net.places[i].id, net.places[i].name);
            }
            // and every station (a project's through service runs on lines open without it: 郑徐 for 日兰's)
            let want: Vec<_> = r.stations.iter().map(|t| t.get(measure)).collect();
            let got = st.engine.station_times(&d);
            for (i, (w, g)) in want.iter().zip(&got).enumerate() {
                assert_eq!(w, g, "{label}: measure {}, state {s:b} ({:?}): station {} ({})", measure.as_str(), (0..n).filter(|j| s >> j & 1 == 1).map(|j| &st.ids[j]).collect::<Vec<_>>(), net.stations[i].id, net.stations[i].name);
            }
        }
    }
}

#[test]
fn filtered_graph_equals_graph_build_on_random_networks() {
    let mut rng = Rng(4242);
    for case in 0..30 {
        let Some((t, path, _)) = random_case(&mut rng, 10, 30) else { continue };
        let net = Network::load(&t.path().join("net")).unwrap();
        check_against_graph_build(&path, &net, &mut rng, 6, &format!("random case {case}"));
    }
}

#[test]
fn filtered_graph_equals_graph_build_on_the_real_network_so_order_equals_run() {
    let file = repo().join("scenarios/orders/zhongyuan-hsr.toml");
    let of = OrdersFile::read(&file).unwrap();
    let sc = Scenario::read(&of.base).unwrap();
    let net = Network::load(&sc.network_dir).unwrap();
    check_against_graph_build(&file, &net, &mut Rng(9), 12, "zhongyuan-hsr");
    // the bundled metric in the "none" and "all" states is what `ringsim run` reports (population within 60 min)
    let st = Study::with_network(OrdersFile::read(&file).unwrap(), sc.clone(), &net).unwrap();
    for s in [0, st.all()] {
        let mut b = sc.clone().bind(&net).unwrap();
        b.sc.cutoffs = vec![ringsim::units::Minutes(60.0)];
        for j in 0..st.n {
            if s >> j & 1 == 1 {
                b.sc.added.insert(st.ids[j].clone());
            }
        }
        let g = Graph::build(&b);
        let rings = Reach::compute(&b, &g).summaries(&net);
        assert_eq!(st.value_full(s), rings[0].population as f64);
    }
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(bin()).args(args).current_dir(dir).output().expect("run ringsim");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn orders_file_errors_exit_2_naming_file_and_field() {
    let t = tempfile::tempdir().unwrap();
    let base = repo().join("scenarios/base-2016.toml");
    let head = format!("format = 1\nname = \"bad\"\nbase = \"{}\"\n", base.display());
    let cases = [
        ("unknown.toml", "projects = [\"hsr-zhengwan\", \"hsr-nowhere\"]\n", "projects", "hsr-nowhere"),
        ("cycle.toml", "projects = [\"hsr-zhengwan\", \"hsr-zhengfu\"]\n[precedence]\nrules = [[\"hsr-zhengwan\", \"hsr-zhengfu\"], [\"hsr-zhengfu\", \"hsr-zhengwan\"]]\n", "precedence.rules", "cycle"),
        ("metric.toml", "projects = [\"hsr-zhengwan\"]\n[metric]\nkind = \"happiness\"\n", "metric.kind", "happiness"),
        ("order.toml", "projects = [\"hsr-zhengwan\", \"hsr-zhengfu\"]\n[orders]\nmine = [\"hsr-zhengwan\"]\n", "orders.mine", "misses hsr-zhengfu"),
        ("nothing.toml", "projects = [\"hsr-zhengxu\"]\n", "projects", "nothing to order"),
        ("years.toml", "projects = [\"hsr-zhengwan\"]\n[axis]\nx = \"years\"\n", "durations.hsr-zhengwan", "missing"),
    ];
    for (name, body, field, words) in cases {
        std::fs::write(t.path().join(name), format!("{head}{body}")).unwrap();
        let (code, _, err) = run(t.path(), &["order", name, "--out", "o"]);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(err.contains(name) && err.contains(&format!("`{field}`")) && err.contains(words), "{name}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn cli_smoke_on_a_random_network_writes_png_svg_and_csv_same_bytes_at_any_thread_count() {
    let t = tempfile::tempdir().unwrap();
    let mut rng = Rng(11);
    let projects = loop {
        let all = random_network(&t.path().join("net"), &mut rng, 25);
        let p = used_projects(&t.path().join("net"), &all);
        if p.len() >= 4 {
            break p;
        }
    };
    let (path, _) = random_orders(t.path(), &mut rng, &projects);
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let (code, out, err) = run(t.path(), &["--threads", threads, "order", path.to_str().unwrap(), "--out", &format!("o{threads}")]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("best [exact]") && out.contains("worst [exact]") && out.contains("listed [named]"), "{out}");
        let dir = t.path().join(format!("o{threads}/rand"));
        let png = std::fs::read(dir.join("order_chart.png")).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        assert!(std::fs::read_to_string(dir.join("order_chart.svg")).unwrap().contains("<svg"));
        let orders = std::fs::read_to_string(dir.join("orders.csv")).unwrap();
        assert!(orders.starts_with("order,kind,step,project_id,name,opened,x,metric,gain,cumulative\n"));
        outs.push((orders, std::fs::read_to_string(dir.join("projects.csv")).unwrap(), out.replace(&format!("o{threads}"), "o")));
    }
    assert_eq!(outs[0], outs[1]);
}

#[test]
fn order_metric_equals_run_where_stations_of_a_city_are_linked_by_metro() {
    // In changjiang the station measure changes between 南昌's, 武汉's and 长沙's stations by metro: the order
    // search must see those links as `run` does, in the base state and with every project open.
    let t = tempfile::tempdir().unwrap();
    let base = repo().join("scenarios/changjiang/asbuilt-2025-nanchang.toml");
    let projects = ["cj-hsr-xiayu", "cj-hsr-changjiu"];
    let quoted: Vec<String> = projects.iter().map(|p| format!("\"{p}\"")).collect();
    std::fs::write(
        t.path().join("o.toml"),
        format!(
            "format = 1\nname = \"cj-metro\"\nbase = \"{}\"\nprojects = [{}]\n[metric]\nkind = \"population\"\ncutoff = 180\nmeasure = \"station\"\n",
            base.display(),
            quoted.join(", ")
        ),
    )
    .unwrap();
    let (code, out, err) = run(t.path(), &["order", "o.toml", "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    let line = out.lines().find(|l| l.trim_start().starts_with("base ")).unwrap();
    let nums: Vec<u64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    // run: the base scenario, and the base with both projects added
    let all = t.path().join("all.toml");
    let text = std::fs::read_to_string(&base).unwrap().replace("network = \"../../networks/changjiang\"", &format!("network = \"{}\"", repo().join("networks/changjiang").display())).replace("name = \"cj-asbuilt-2025-nanchang\"", "name = \"all\"");
    std::fs::write(&all, format!("{text}[projects]\nadd = [{}]\n", quoted.join(", "))).unwrap();
    let within = |path: &Path| -> u64 {
        let l = load(&[path.to_path_buf()]).unwrap();
        let b = l.bind_all().unwrap().remove(0);
        let g = Graph::build(&b);
        Reach::compute(&b, &g).summaries(b.net).iter().find(|r| r.cutoff.0 == 180.0).unwrap().population
    };
    assert_eq!(nums, vec![within(&base), within(&all)], "{line}");
}

#[test]
fn bundled_orders_file_runs_and_draws_the_real_trajectory_by_date() {
    let t = tempfile::tempdir().unwrap();
    let file = repo().join("scenarios/orders/zhongyuan-hsr.toml");
    let (code, out, err) = run(t.path(), &["order", file.to_str().unwrap(), "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("best [exact]") && out.contains("actual [named]") && out.contains("plan [named]"), "{out}");
    let dir = t.path().join("o/zhongyuan-hsr");
    for f in ["orders.csv", "projects.csv", "order_chart.png", "order_chart.svg", "actual_by_date.png"] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    // the dated chart steps up at real opening years (郑万 and 郑阜 opened in 2019–2022)
    let svg = std::fs::read_to_string(dir.join("actual_by_date.svg")).unwrap();
    assert!(svg.contains("as the projects actually opened") && svg.contains("2020") && svg.contains("2022"));
}
