//! The running-time physics of a service leg (`ringsim::services::leg_parts`) by hand and against an independent
//! formula on random inputs; its monotonicity in every speed limit; the share of a stop at stations without a board
//! for the fastest of a pattern's trains against enumeration (a city's and a county's stations each with their
//! own probability); scenario service modifications on the tiny
//! network; bad services.csv rows.

mod common;
use common::{bin, repo, Rng};
use ringsim::params::TrainClass;
use ringsim::services::{leg_parts, Hop};

fn class(a: f64, b: f64, margin: f64) -> TrainClass {
    TrainClass { max_kmh: 350.0, accel_ms2: a, brake_ms2: b, dwell_s: 60.0, hub_dwell_s: 120.0, hub_throat_s: 30.0, margin, reverse_s: 600.0, stand_s: 600.0, source: "test".into() }
}

fn hops(spec: &[(f64, f64)]) -> Vec<Hop> {
    spec.iter().enumerate().map(|(i, &(km, kmh))| Hop { section: i, km, v: kmh / 3.6 }).collect()
}

fn time(c: &TrainClass, h: &[Hop], stops: &[bool], i: usize, j: usize) -> f64 {
    let n = h.len() + 1;
    leg_parts(c, h, stops, &vec![false; n], &vec![0.0; n], &vec![false; n], &vec![false; n], &vec![false; n], i, j).total()
}

#[test]
fn one_hop_by_hand() {
    // 100 km at 300 km/h = 1200 s; a = b = 25/36 m/s² lose (250/3) / (2 · 25/36) = 60 s each.
    let c = class(25.0 / 36.0, 25.0 / 36.0, 0.0);
    let h = hops(&[(100.0, 300.0)]);
    assert!((time(&c, &h, &[true, true], 0, 1) - 1320.0).abs() < 1e-6);
    // a 5% supplement adds 60 s
    let c5 = class(25.0 / 36.0, 25.0 / 36.0, 0.05);
    assert!((time(&c5, &h, &[true, true], 0, 1) - 1380.0).abs() < 1e-6);
    // a hop too short to reach the limit: 1 km, a = b = 0.5: peak √(2·1000·0.25/1) = √500 m/s, time 2D/v_p
    let c = class(0.5, 0.5, 0.0);
    let short = hops(&[(1.0, 300.0)]);
    assert!((time(&c, &short, &[true, true], 0, 1) - 2000.0 / 500f64.sqrt()).abs() < 1e-6);
}

#[test]
fn intermediate_stop_by_hand() {
    // two 50 km hops at 300 km/h with a stop between: 1200 s running, two accelerations and two brakings of 60 s,
    // and the 60 s dwell = 1500 s; without the stop 1320 s; the unknown share 0.5 adds half of braking,
    // acceleration and dwell (90 s).
    let c = class(25.0 / 36.0, 25.0 / 36.0, 0.0);
    let h = hops(&[(50.0, 300.0), (50.0, 300.0)]);
    assert!((time(&c, &h, &[true, true, true], 0, 2) - 1500.0).abs() < 1e-6);
    assert!((time(&c, &h, &[true, false, true], 0, 2) - 1320.0).abs() < 1e-6);
    let p = leg_parts(&c, &h, &[true, false, true], &[false, true, false], &[0.0, 0.5, 0.0], &[false; 3], &[false; 3], &[false; 3], 0, 2);
    assert!((p.total() - 1410.0).abs() < 1e-6, "{p:?}");
    // the whole stop it stands for (what `ringsim validate` states as the cost of a stop there): 180 s
    assert_eq!(p.unknown_stations, 1);
    assert!((p.unknown_full - 180.0).abs() < 1e-6 && (p.unknown - 90.0).abs() < 1e-6, "{p:?}");
    // a junction stop: hub dwell 120 + throat 30 instead of 60; a reversal there adds 600
    let p = leg_parts(&c, &h, &[true, true, true], &[false; 3], &[0.0; 3], &[false, true, false], &[false, true, false], &[false; 3], 0, 2);
    assert!((p.total() - (1440.0 + 120.0 + 30.0 + 600.0)).abs() < 1e-6, "{p:?}");
}

/// The independent formula for one hop between two stops: trapezoid if the limit is reached, else triangle.
fn reference_one_hop(d_m: f64, v: f64, a: f64, b: f64) -> f64 {
    if d_m >= v * v / (2.0 * a) + v * v / (2.0 * b) {
        d_m / v + v / (2.0 * a) + v / (2.0 * b)
    } else {
        let vp = (2.0 * d_m * a * b / (a + b)).sqrt();
        vp / a + vp / b
    }
}

#[test]
fn one_hop_equals_the_profile_formula_on_random_inputs() {
    let mut rng = Rng(20210120);
    for case in 0..500 {
        let km = 0.2 + rng.f64() * 120.0;
        let kmh = 40.0 + rng.f64() * 310.0;
        let (a, b) = (0.05 + rng.f64() * 1.0, 0.1 + rng.f64() * 1.2);
        let c = class(a, b, 0.0);
        let got = time(&c, &hops(&[(km, kmh)]), &[true, true], 0, 1);
        let want = reference_one_hop(km * 1000.0, kmh / 3.6, a, b);
        assert!((got - want).abs() < 1e-6 * want.max(1.0), "case {case}: leg_parts gives {got}, the profile formula {want}\n  ({km} km at {kmh} km/h, a {a}, b {b})");
    }
}

#[test]
fn raising_a_speed_limit_never_lengthens_a_leg() {
    let mut rng = Rng(20220620);
    for case in 0..400 {
        let n = 1 + rng.below(6) as usize;
        let spec: Vec<(f64, f64)> = (0..n).map(|_| (0.3 + rng.f64() * 80.0, 40.0 + rng.f64() * 310.0)).collect();
        let mut stops: Vec<bool> = (0..=n).map(|_| rng.chance(0.4)).collect();
        stops[0] = true;
        stops[n] = true;
        let unknown: Vec<bool> = (0..=n).map(|k| !stops[k] && rng.chance(0.5)).collect();
        let hub: Vec<bool> = (0..=n).map(|_| rng.chance(0.3)).collect();
        let rev = vec![false; n + 1];
        let c = class(0.05 + rng.f64(), 0.1 + rng.f64(), rng.f64() * 0.1);
        // each station its own share (a city's and a county's differ)
        let share: Vec<f64> = (0..=n).map(|_| rng.f64()).collect();
        // the leg may start or end at a station whose stop is unknown (trains board there too)
        let (i, j) = if n >= 3 && rng.chance(0.5) { (1, n - 1) } else { (0, n) };
        let base = leg_parts(&c, &hops(&spec), &stops, &unknown, &share, &hub, &rev, &vec![false; rev.len()], i, j).total();
        let k = rng.below(n as u64) as usize;
        let mut faster = spec.clone();
        faster[k].1 += 1.0 + rng.f64() * 100.0;
        let t = leg_parts(&c, &hops(&faster), &stops, &unknown, &share, &hub, &rev, &vec![false; rev.len()], i, j).total();
        assert!(t <= base + 1e-9, "case {case}: raising hop {k}'s limit lengthened the leg {base} → {t}\n  hops {spec:?}, stops {stops:?}");
        // and it is never faster than running every hop at its limit
        let pure: f64 = spec[i..j].iter().map(|(km, kmh)| km * 1000.0 / (kmh / 3.6)).sum();
        assert!(base >= pure - 1e-9);
    }
}

fn ringsim(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let o = std::process::Command::new(bin()).args(args).current_dir(dir).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn tiny_scenario(dir: &std::path::Path, name: &str, extra: &str) -> String {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, format!("format = 1\nname = \"{name}\"\nnetwork = \"{}\"\nas_of = \"2016-12-31\"\nmeasure = \"door\"\n{extra}", repo().join("tests/data/tiny").display())).unwrap();
    p.to_str().unwrap().to_string()
}

fn door_minutes(dir: &std::path::Path, sc: &str, name: &str, place: &str) -> String {
    let (code, _, err) = ringsim(dir, &["run", sc, "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.join(format!("o/{name}/reach.csv"))).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    let col = h.iter().position(|c| c == "door_minutes").unwrap();
    r.records().map(|x| x.unwrap()).find(|x| &x[0] == place).unwrap()[col].to_string()
}

/// The README's `[services]` example (README "Scenario modifications"), taken verbatim from the README, runs on
/// asbuilt-2025: its ids and route are real, so the README cannot drift from the network again. The example's
/// express is then a service of the scenario (`trip` names it).
#[test]
fn readme_services_example_runs_as_written() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("  ```toml\n  [services]\n").expect("README: the [services] example block");
    let body = &readme[start + "  ```toml\n".len()..];
    let block: String = body[..body.find("  ```\n").expect("README: the end of the [services] example")].lines().map(|l| format!("{}\n", l.strip_prefix("  ").unwrap_or(l))).collect();
    assert!(block.contains("[[services.add]]") && block.contains("[[services.adjust]]") && block.contains("remove = ["), "{block}");
    let t = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(repo().join("scenarios/asbuilt-2025.toml")).unwrap();
    let net = repo().join("networks/zhongyuan");
    assert!(base.contains("network = \"../networks/zhongyuan\""));
    let sc = t.path().join("readme.toml");
    std::fs::write(&sc, format!("{}\n{block}", base.replace("network = \"../networks/zhongyuan\"", &format!("network = {:?}", net.display().to_string())))).unwrap();
    let sc = sc.to_str().unwrap();
    let (code, _, err) = ringsim(t.path(), &["run", sc, "--out", "o"]);
    assert_eq!(code, 0, "the README's [services] example fails:\n{block}\n{err}");
    assert!(!err.contains("note"), "{err}");
    let (code, out, err) = ringsim(t.path(), &["trip", sc, "濮阳东", "济南西"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("zhengji-express"), "{out}");
}

#[test]
fn scenario_service_modifications() {
    let t = tempfile::tempdir().unwrap();
    // tiny-base, door measure: 甲区→乙区 by rail is 30 (access, boarding) + 10 (wait: 2 h / 6 trains / 2) + 22 + 15
    // = 77 min, beaten by the 72-min expressway.
    let base = tiny_scenario(t.path(), "b", "");
    assert_eq!(door_minutes(t.path(), &base, "b", "200101"), "72.0");
    // 60 trains in 2 h: a 1-minute wait, so rail wins at 68.
    let freq = tiny_scenario(t.path(), "f", "[[services.adjust]]\nservices = [\"l1:stopping:1\"]\ntrains_per_day = 60\nsource = \"test\"\n");
    assert_eq!(door_minutes(t.path(), &freq, "f", "200101"), "68.0");
    // an added service over the same track at 60 trains a day joins the stopping train's 6 (the same 22-min ride):
    // 66 trains in 2 h, a 54.5 s wait, 67.9 min; adding a service never slows anything
    let add = tiny_scenario(
        t.path(),
        "a",
        "[[services.add]]\nid = \"shuttle\"\nclass = \"hsr\"\ntrains_per_day = 60\nroute = [\"甲站\", \"乙站\"]\nsource = \"test\"\n",
    );
    assert_eq!(door_minutes(t.path(), &add, "a", "200101"), "67.9");
    // unknown ids and stations are exit-2 errors naming the key
    let bad = tiny_scenario(t.path(), "x", "[services]\nremove = [\"l1:stoping:1\"]\n");
    let (code, _, err) = ringsim(t.path(), &["run", &bad]);
    assert_eq!(code, 2);
    assert!(err.contains("services.remove") && err.contains("l1:stoping:1") && err.contains("l1:stopping:1"), "{err}");
    let bad = tiny_scenario(t.path(), "y", "[[services.add]]\nid = \"s\"\nclass = \"hsr\"\ntrains_per_day = 6\nroute = [\"甲站\", \"丙站\"]\nsource = \"test\"\n");
    let (code, _, err) = ringsim(t.path(), &["run", &bad]);
    assert_eq!(code, 2);
    assert!(err.contains("services.add[0].route") && err.contains("no rail section joins"), "{err}");
}

#[test]
fn bad_services_rows_name_line_and_field() {
    let cases = [
        ("route", "S1,hsr,350,10,SAA|SCC,SAA|SCC,,assumption: test\n", "no rail section joins"),
        ("stops", "S1,hsr,350,10,SAA|SBB,SBB|SAA,,assumption: test\n", "running order"),
        ("max_kmh", "S1,hsr,1200,10,SAA|SBB,SAA|SBB,,assumption: test\n", "[40, 450]"),
        ("unknown", "S1,hsr,350,10,SAA|SBB,SAA|SBB,SAA,assumption: test\n", "stop too"),
        ("class", "S1,maglev,350,10,SAA|SBB,SAA|SBB,,assumption: test\n", "unknown train class"),
    ];
    for (field, row, msg) in cases {
        let t = tempfile::tempdir().unwrap();
        let net = t.path().join("tiny");
        std::fs::create_dir_all(&net).unwrap();
        for e in std::fs::read_dir(repo().join("tests/data/tiny")).unwrap() {
            let e = e.unwrap();
            if e.path().is_file() {
                std::fs::copy(e.path(), net.join(e.file_name())).unwrap();
            }
        }
        let seeds = t.path().join("tiny-seeds");
        std::fs::create_dir_all(&seeds).unwrap();
        for e in std::fs::read_dir(repo().join("tests/data/tiny-seeds")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), seeds.join(e.file_name())).unwrap();
        }
        std::fs::write(net.join("services.csv"), format!("service_id,class,max_kmh,trains_per_day,route,stops,unknown,source\n{row}")).unwrap();
        let sc = t.path().join("s.toml");
        std::fs::write(&sc, format!("format = 1\nname = \"s\"\nnetwork = \"{}\"\nas_of = \"2016-12-31\"\n", net.display())).unwrap();
        let (code, _, err) = ringsim(t.path(), &["run", sc.to_str().unwrap()]);
        assert_eq!(code, 2, "{field}: {err}");
        assert!(err.contains("services.csv") && err.contains("line 2") && err.contains(field) && err.contains(msg), "{field}: {err}");
    }
}

#[test]
fn trip_explains_the_time_od_reports() {
    // ringsim trip's parts add up to its total; od reports for the station pair the fastest of every pattern's
    // trains over that track, which trip states, and which is never above the single pattern's total
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2020.toml");
    let num = |line: &str| -> f64 { line.split_whitespace().rev().nth(1).unwrap().parse().unwrap() };
    let parts_of = |out: &str| -> Vec<f64> {
        out.lines()
            .filter(|l| ["running", "supplement", "acceleration", "braking", "dwell", "junction", "reversals", "shares of a stop", "the boards' time", "held to"].iter().any(|k| l.trim_start().starts_with(k)))
            .map(num)
            .collect()
    };
    // as the rings use it: the boards' 66 min by G491, the physics's parts and the boards' time less them
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "郑州东", "信阳东"]);
    assert_eq!(code, 0, "{err}");
    let parts = parts_of(&out);
    assert_eq!(parts.len(), 9, "{out}");
    assert!((parts.iter().sum::<f64>() - 66.0).abs() <= 0.5, "parts {parts:?} do not add up to the boards' 66 min: {out}");
    assert!(out.contains("  total                                66.0 min"), "{out}");
    // the physics alone
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "郑州东", "信阳东", "--physics"]);
    assert_eq!(code, 0, "{err}");
    let parts = parts_of(&out);
    assert_eq!(parts.len(), 8, "{out}");
    // the stations without a board it is charged a share of a stop at, by name
    assert!(out.contains("(许昌东 驻马店西 明港东: the boards cannot tell whether it stops there)"), "{out}");
    let total = num(out.lines().find(|l| l.trim_start().starts_with("total")).unwrap());
    assert!((parts.iter().sum::<f64>() - total).abs() <= 0.5, "parts {parts:?} do not add up to {total}");
    std::fs::write(t.path().join("p.csv"), "from,to\n郑州东,信阳东\n").unwrap();
    let (code, od, err) = ringsim(t.path(), &["od", sc.to_str().unwrap(), "--pairs", "p.csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(od_column(&od, 1, "minutes"), "66.0", "od takes the boards' time: {od}");
    // by the physics alone the station measure's time is the pooled fastest that trip --physics states (od has no
    // --physics; validate --physics answers the pair with the same engine)
    std::fs::write(t.path().join("obs.csv"), "from,to,minutes,train_code,train_type,n_trains,source\n郑州东,信阳东,66,G491,高速动车,53,assumption: test\n").unwrap();
    let (code, _, err) = ringsim(t.path(), &["validate", sc.to_str().unwrap(), "--observed", "obs.csv", "--physics", "--out", "v"]);
    assert_eq!(code, 0, "{err}");
    let v = std::fs::read_to_string(t.path().join("v/validation_pairs.csv")).unwrap();
    let minutes: f64 = v.lines().nth(1).unwrap().split(',').nth(3).unwrap().parse().unwrap();
    let pooled_line = out.lines().find(|l| l.starts_with("the fastest of all ")).unwrap_or_else(|| panic!("{out}"));
    let pooled: f64 = pooled_line.rsplit(": ").next().unwrap().trim_end_matches(" min").parse().unwrap();
    assert!((minutes - pooled).abs() < 0.06, "validate --physics says {minutes}, trip --physics's fastest of all trains {pooled}");
    assert!(pooled < total - 1.0, "many patterns run 郑州东 → 信阳东: their fastest train beats one pattern's ({pooled} vs {total})");
    // a train may pass a junction without passenger business twice: G1716 南京南 → 合肥南 → 汉口 (changing ends) →
    // 信阳东 passes 横店东 on 合武 and again on 京广, and is the model's single train for the pair
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "南京南", "信阳东", "--physics"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("fastest single train: service NKH-ZLN-hsr-1"), "{out}");
    for leg in ["麻城北 – 横店东:", "横店东 – 汉口:", "汉口 – 横店东:", "横店东 – 孝感北:"] {
        assert!(out.contains(leg), "横店东 twice, in and out, each section in the direction of travel: {leg} in {out}");
    }
    let rev = out.lines().find(|l| l.trim_start().starts_with("reversals")).unwrap();
    assert!(num(rev) > 10.0, "it changes ends at 汉口: {rev}");
    // a place is refused: trip explains station pairs
    let (code, _, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "郑州东", "410102"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a station"), "{err}");
}

#[test]
fn zhengwans_through_semi_fast_stops_at_wanzhoubei_once_the_whole_line_is_open() {
    // project_services.csv's 郑渝 semi-fast: 郑州东 → 万州北 by one train from 2022-06-20 (the defaults' express and
    // semi-fast run through 万州北 to 重庆北, so it took a change at 襄阳东 onto a stopping train: 252.0 min)
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "郑州东", "万州北"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("fastest single train: service zhengyu-wanzhou-semifast (hsr, 350 km/h trains, 10 a day)\n  its stops: 郑州东 郑州航空港 平顶山西 南阳东 襄阳东 万州北 重庆北\n"), "{out}");
    let head = out.lines().find(|l| l.starts_with("station measure (")).unwrap_or_else(|| panic!("{out}"));
    assert!(head.ends_with(" by hsr"), "one train, no change: {out}");
    let secs: u32 = head.rsplit(" s) by ").nth(1).unwrap().rsplit('(').next().unwrap().parse().unwrap();
    assert!((12_000..12_600).contains(&secs), "郑州东 → 万州北 about 200 min by the semi-fast: {out}");
    // it runs on 郑渝's own track out of 郑州东, where 郑阜 shares the stretch: without 郑阜 it still runs, at 郑渝's
    // 310 km/h there (a project's service needs its own project's sections only)
    assert!(out.contains("    郑州东 – 郑州航空港: 39.3 km, limit 310 km/h (郑渝高速铁路(郑万+渝万), "), "{out}");
    let no_fu = t.path().join("no-zhengfu.toml");
    let text = std::fs::read_to_string(&sc).unwrap().replace("network = \"../networks/zhongyuan\"", &format!("network = \"{}\"", repo().join("networks/zhongyuan").display()));
    std::fs::write(&no_fu, format!("{text}[projects]\nremove = [\"hsr-zhengfu\"]\n")).unwrap();
    let (code, out2, err) = ringsim(t.path(), &["trip", no_fu.to_str().unwrap(), "郑州东", "万州北"]);
    assert_eq!(code, 0, "{err}");
    assert!(out2.contains("fastest single train: service zhengyu-wanzhou-semifast "), "{out2}");
    assert_eq!(out2.lines().find(|l| l.starts_with("station measure (")), Some(head), "{out2}");
    // before 襄阳东–万州北 opened (2022-06-20) it does not run, and 万州北 is not reached by rail from 郑州东
    let sc = repo().join("scenarios/asbuilt-2021.toml");
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "郑州东", "万州北"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no single train serves both stations in this scenario"), "{out}");
    assert!(out.contains("station measure: unreachable by rail: no way between them in scenario asbuilt-2021"), "{out}");
    // and where a station is not open yet, trip says when it opens, as od does
    let sc = repo().join("scenarios/asbuilt-2016.toml");
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "郑州东", "濮阳东"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("station measure: unreachable by rail: station 濮阳东 is not open on the scenario's date (2016-12-31): it opens on 2022-06-20"), "{out}");
}

#[test]
fn trip_shows_the_change_the_rings_take_to_jincheng() {
    // 郑州东 → 晋城东 in asbuilt-2025: the single train (via 郑州) takes 96.0 min, the rings' 69.8 min change at 郑州
    // (10 min) onto a 太焦 train; trip lists that trip's legs, which add up to the station measure's seconds
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    for physics in [false, true] {
        let mut args = vec!["trip", sc.to_str().unwrap(), "郑州东", "晋城东"];
        if physics {
            args.push("--physics");
        }
        let (code, out, err) = ringsim(t.path(), &args);
        assert_eq!(code, 0, "{err}");
        let head = out.lines().find(|l| l.starts_with("station measure (")).unwrap_or_else(|| panic!("{out}"));
        let total: u32 = head.rsplit(" s) by ").nth(1).unwrap().rsplit('(').next().unwrap().parse().unwrap();
        if !physics {
            assert!(head.ends_with(": 69.8 min (4190 s) by hsr+change+hsr"), "{out}");
        }
        let (steps, secs, last) = trip_steps(&out);
        assert_eq!(secs.iter().sum::<u32>(), total, "the legs add up to the station measure's {total} s: {out}");
        assert_eq!(steps.len(), 3, "{out}");
        assert!(steps[0].starts_with("train 1: 郑州东 → 郑州, "), "{out}");
        assert!(steps[1].starts_with("change at 郑州: 10.0 min (600 s)"), "{out}");
        assert!(steps[2].starts_with("train 2: 郑州 → 晋城东, ") && steps[2].contains(", service "), "{out}");
        assert!(last.starts_with(&format!("total {:.1} min ({total} s): 2 trains, a change at 郑州", f64::from(total) / 60.0)), "{out}");
    }
    // a single train's trip (郑州东 → 信阳东, the station measure's 3600 s by one train: 66 min on the 2021 boards
    // moved to 3601.3 s by 京广's 350 km/h, a scheduled time of 60 min) is the one explained: no legs
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "郑州东", "信阳东"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with(" min each): 60.0 min (3600 s) by hsr\n"), "{out}");
}

/// A copy of the tiny network (and its seeds) with this `services.csv`, and a scenario that opens 乙站–丙站.
fn tiny_with_services(dir: &std::path::Path, services: &str) -> String {
    let net = dir.join("tiny");
    let seeds = dir.join("tiny-seeds");
    for (from, to) in [("tests/data/tiny", &net), ("tests/data/tiny-seeds", &seeds)] {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(repo().join(from)).unwrap() {
            let e = e.unwrap();
            if e.path().is_file() {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    std::fs::write(net.join("services.csv"), services).unwrap();
    let sc = dir.join("s.toml");
    std::fs::write(&sc, format!("format = 1\nname = \"s\"\nnetwork = \"{}\"\nas_of = \"2016-12-31\"\n[projects]\nadd_status = [\"建成\"]\n", net.display())).unwrap();
    std::fs::write(dir.join("p.csv"), "from,to\n甲站,丙站\n").unwrap();
    sc.to_str().unwrap().to_string()
}

fn od_minutes(dir: &std::path::Path, sc: &str) -> String {
    let (code, out, err) = ringsim(dir, &["od", sc, "--pairs", "p.csv"]);
    assert_eq!(code, 0, "{err}");
    od_column(&out, 1, "minutes")
}

#[test]
fn stations_without_a_board_are_charged_by_the_trains_stop_rate() {
    // 甲站→丙站, 160 km at 300 km/h = 1920 s, + 60 s accelerating + 60 s braking (tiny params). A stop at 乙站 costs
    // 60 (braking) + 60 (accelerating) + 60 (dwell) = 180 s; the tiny network's `unknown_stop_ratio` is 0.5.
    const H: &str = "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n";
    // Alone, the pattern with 乙站 unknown has no stop rate of its own and no other pattern gives a mean: rate 1,
    // so a train stops there with probability 0.5; one train a day: 0.5 × 180 = 90 s: 2130 s = 35.5 min (the
    // default stopping train takes 2220 s = 37.0).
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}U,hsr,350,1,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\n"));
    assert_eq!(od_minutes(t.path(), &sc), "35.5");
    // Three trains a day: the fastest of them stops there only if all three do, 0.5³ = 0.125: 22.5 s, 2062.5 s =
    // 34.4 min.
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}U,hsr,350,3,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\n"));
    assert_eq!(od_minutes(t.path(), &sc), "34.4");
    // The door measure rides whichever train comes, not the fastest: the exported graph's station edge 甲站 → 丙站 is
    // the fastest of the three (2062.5 s, rounded 2063) and its door edge pools one train's 2130 s with the default
    // stopping train's 2220 s, 3 and 6 a day: (3 × 2130 + 6 × 2220) / 9 = 2190 s (with the fastest's time it would
    // be 2167.5).
    let (code, _, err) = ringsim(t.path(), &["graph", &sc, "--out", "e.csv"]);
    assert_eq!(code, 0, "{err}");
    let edges = std::fs::read_to_string(t.path().join("e.csv")).unwrap();
    let to_scc: Vec<&str> = edges.lines().filter(|l| l.starts_with("SAA:board,SCC,")).collect();
    assert_eq!(to_scc, vec!["SAA:board,SCC,2063,1200,hsr,U", "SAA:board,SCC,2190,400,hsr,U (door strategy: with 1 more service)"], "{edges}");
    // The departure window rides the train that comes, charged its own probability of a stop (35.5 min), not the
    // fastest of the three (34.4): leaving at 06:59 for the 07:00 train takes 1 + 35.5 = 36.5 min.
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(
        t.path(),
        "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,departures,source\nU,hsr,350,3,SAA|SBB|SCC,SAA|SCC,SBB,,dep@SAA=07:00 dep@SAA=08:00 dep@SAA=09:00,assumption: test\n",
    );
    let (code, out, err) = ringsim(t.path(), &["od", &sc, "--pairs", "p.csv", "--window", "06:59-07:00"]);
    assert_eq!(code, 0, "{err}");
    let row: Vec<&str> = out.lines().nth(1).unwrap().split(',').collect();
    assert_eq!((row[8], row[11]), ("34.4", "36.5"), "station measure, then the window's median: {out}");
    // Two such patterns, one train a day each: the fastest of the two trains stops at 乙站 only if both do, 0.25:
    // 2040 + 0.25 × 180 = 2085 s on the station measure's edge.
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}U,hsr,350,1,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\nV,hsr,350,1,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\n"));
    let (code, _, err) = ringsim(t.path(), &["graph", &sc, "--out", "e.csv"]);
    assert_eq!(code, 0, "{err}");
    let edges = std::fs::read_to_string(t.path().join("e.csv")).unwrap();
    assert!(edges.lines().any(|l| l.starts_with("SAA:board,SCC,2085,")), "{edges}");
    // One train a day beside a stopping pattern (rate 1, 10 trains) and a non-stop one (rate 0, 30 trains) the
    // other way: the mean rate is 0.25, so 0.5 × 0.25 × 180 = 22.5 s, 34.4 min again.
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(
        t.path(),
        &format!("{H}U,hsr,350,1,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\nS,hsr,350,10,SCC|SBB|SAA,SCC|SBB|SAA,,,assumption: test\nN,hsr,350,30,SCC|SBB|SAA,SCC|SAA,,,assumption: test\n"),
    );
    assert_eq!(od_minutes(t.path(), &sc), "34.4");
}

#[test]
fn a_countys_station_without_a_board_is_charged_the_county_weight() {
    // As above (one train a day, 乙站 without a board, a whole stop there 180 s), with `county_stop_weight` = 0.5:
    // 乙站 is not named after its city (乙市), so a G train stops there with probability 0.5 × 0.5 = 0.25: 45 s,
    // 1920 + 120 + 45 = 2085 s = 34.75 min.
    const H: &str = "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n";
    let weighted = |dir: &std::path::Path| {
        let p = dir.join("tiny/params.toml");
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("county_stop_weight = 1.0\n"));
        std::fs::write(&p, text.replace("county_stop_weight = 1.0\n", "county_stop_weight = 0.5\n")).unwrap();
    };
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}U,hsr,350,1,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\n"));
    weighted(t.path());
    assert_eq!(od_minutes(t.path(), &sc), "34.8");
    // named after its city (乙市东), the station is charged the whole probability again: 35.5 min
    let stations = t.path().join("tiny/stations.csv");
    let text = std::fs::read_to_string(&stations).unwrap();
    assert!(text.contains(",乙站,"));
    std::fs::write(&stations, text.replace(",乙站,", ",乙市东,")).unwrap();
    std::fs::write(t.path().join("p.csv"), "from,to\nSAA,SCC\n").unwrap();
    assert_eq!(od_minutes(t.path(), &sc), "35.5");
    // the door measure rides one train, charged the weighted probability too; a conventional train is not weighted
    let door = |dir: &std::path::Path, sc: &str| {
        let (code, out, err) = ringsim(dir, &["od", sc, "--pairs", "p.csv", "--measure", "door"]);
        assert_eq!(code, 0, "{err}");
        od_column(&out, 1, "minutes")
    };
    for (class, weighted_changes) in [("hsr", true), ("conventional", false)] {
        let t1 = tempfile::tempdir().unwrap();
        let sc1 = tiny_with_services(t1.path(), &format!("{H}U,{class},350,1,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\n"));
        let t2 = tempfile::tempdir().unwrap();
        let sc2 = tiny_with_services(t2.path(), &format!("{H}U,{class},350,1,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\n"));
        weighted(t2.path());
        let (s1, s2) = (od_minutes(t1.path(), &sc1), od_minutes(t2.path(), &sc2));
        let (d1, d2) = (door(t1.path(), &sc1), door(t2.path(), &sc2));
        if weighted_changes {
            assert!(s2.parse::<f64>().unwrap() < s1.parse::<f64>().unwrap(), "{class}: station {s1} → {s2}");
            assert!(d2.parse::<f64>().unwrap() < d1.parse::<f64>().unwrap(), "{class}: door {d1} → {d2}");
        } else {
            assert_eq!((s1, d1), (s2, d2), "{class}");
        }
    }
}

/// The stations of both groups of an [`ringsim::services::Unboarded`], each with its probability.
fn station_probabilities(groups: &ringsim::services::Unboarded) -> Vec<f64> {
    groups.iter().flat_map(|&(k, p)| std::iter::repeat_n(p, k)).collect()
}

/// The probability that one train stops at exactly the stations of the bit set `stops`, station `i` with
/// probability `ps[i]` independently.
fn one_train_probability(ps: &[f64], stops: usize) -> f64 {
    (0..ps.len()).map(|i| if stops >> i & 1 == 1 { ps[i] } else { 1.0 - ps[i] }).product()
}

/// The distribution of the least number of stops among `n` trains, each stopping at station `i` with probability
/// `ps[i]` independently, by enumerating every outcome of every train: `out[m] = P(least = m)`. The reference for
/// [`ringsim::services::fastest_stops`] and [`ringsim::services::expected_fastest`].
fn least_stops_by_enumeration(ps: &[f64], n: usize) -> Vec<f64> {
    let k = ps.len();
    let per_train = 1usize << k;
    let one = |stops: usize| one_train_probability(ps, stops);
    let mut out = vec![0.0; k + 1];
    for outcome in 0..per_train.pow(n as u32) {
        let (mut prob, mut least, mut o) = (1.0, usize::MAX, outcome);
        for _ in 0..n {
            let stops = o % per_train;
            o /= per_train;
            prob *= one(stops);
            least = least.min(stops.count_ones() as usize);
        }
        out[least] += prob;
    }
    out
}

/// The stops the fastest train (the first of those with the least stops) makes among the first `k_city` stations
/// and among the rest, on average, by enumerating every outcome of every train: the reference for
/// [`ringsim::services::fastest_shares`].
fn fastest_split_by_enumeration(ps: &[f64], k_city: usize, n: usize) -> (f64, f64) {
    let k = ps.len();
    let per_train = 1usize << k;
    let one = |stops: usize| one_train_probability(ps, stops);
    let city_mask = (1usize << k_city) - 1;
    let (mut city, mut other) = (0.0, 0.0);
    for outcome in 0..per_train.pow(n as u32) {
        let (mut prob, mut best, mut o) = (1.0, usize::MAX, outcome);
        let mut fastest = 0;
        for _ in 0..n {
            let stops = o % per_train;
            o /= per_train;
            prob *= one(stops);
            if (stops.count_ones() as usize) < best {
                best = stops.count_ones() as usize;
                fastest = stops;
            }
        }
        city += prob * (fastest & city_mask).count_ones() as f64;
        other += prob * (fastest & !city_mask).count_ones() as f64;
    }
    (city, other)
}

/// The expected fastest time over patterns' trains by enumerating every train's stops: the reference for
/// [`ringsim::services::expected_fastest`].
fn expected_fastest_by_enumeration(draws: &[ringsim::services::Draw]) -> f64 {
    // one outcome per pattern at a time: (probability, least stops), then every combination
    let per_pattern: Vec<Vec<(f64, usize)>> = draws.iter().map(|d| least_stops_by_enumeration(&station_probabilities(&d.stations), d.n as usize).into_iter().enumerate().map(|(m, p)| (p, m)).collect()).collect();
    let mut e = 0.0;
    let mut idx = vec![0usize; draws.len()];
    loop {
        let mut prob = 1.0;
        let mut t = f64::INFINITY;
        for (c, &i) in idx.iter().enumerate() {
            let (p, m) = per_pattern[c][i];
            prob *= p;
            t = t.min(draws[c].base + draws[c].cost * m as f64);
        }
        e += prob * t;
        // next combination
        let mut c = 0;
        while c < idx.len() {
            idx[c] += 1;
            if idx[c] < per_pattern[c].len() {
                break;
            }
            idx[c] = 0;
            c += 1;
        }
        if c == idx.len() {
            return e;
        }
    }
}

/// A probability with the edge cases mixed in: 0 and 1 (a certain stop or none).
fn probability(rng: &mut Rng) -> f64 {
    match rng.below(10) {
        0 => 0.0,
        1 => 1.0,
        _ => rng.f64(),
    }
}

#[test]
fn expected_fastest_matches_enumeration_on_random_inputs() {
    use ringsim::services::{expected_fastest, fastest_stops, Draw};
    let mut rng = Rng(12);
    for case in 0..300 {
        let patterns = 1 + rng.below(4) as usize;
        // fractional times, and the edge cases mixed in: no station (k = 0), a free stop (cost 0), a certain stop or
        // none (p = 1, p = 0)
        let draws: Vec<Draw> = (0..patterns)
            .map(|_| {
                let cost = if rng.chance(0.1) { 0.0 } else { 60.0 + rng.f64() * 240.0 };
                // a city's stations and a county's, each group with its own probability (up to 4 stations in all: 2 + 2)
                let k1 = rng.below(3) as usize;
                let k2 = rng.below(3) as usize;
                Draw { base: 600.0 + rng.f64() * 600.0, cost, stations: [(k1, probability(&mut rng)), (k2, probability(&mut rng))], n: 1 + rng.below(2) as i32 }
            })
            .collect();
        let want = expected_fastest_by_enumeration(&draws);
        let got = expected_fastest(&draws).unwrap();
        assert!((got - want).abs() < 1e-6, "case {case}: paste into a test: assert!((expected_fastest(&{draws:?}).unwrap() - {want:?}).abs() < 1e-6); got {got}");
        // one pattern: its base plus the fastest of its trains' share of every station's stop
        if patterns == 1 {
            let d = draws[0];
            let one = d.base + d.cost * fastest_stops(&d.stations, d.n as f64);
            assert!((got - one).abs() < 1e-6, "case {case}: {got} against {one}");
        }
        // one more pattern never makes the fastest train slower
        let extra = Draw { base: 600.0 + rng.below(900) as f64, cost: 120.0, stations: [(rng.below(3) as usize, rng.f64()), (rng.below(2) as usize, rng.f64())], n: 1 };
        let more: Vec<Draw> = draws.iter().copied().chain([extra]).collect();
        assert!(expected_fastest(&more).unwrap() <= got + 1e-9, "case {case}");
    }
    assert_eq!(expected_fastest(&[]), None);
    // the station measure's seconds: the pooled value rounded, never above the fastest single pattern's own (the
    // one-train estimate behind a draw can exceed a pattern's fastest-of-n time where short hops cap the speed)
    use ringsim::services::station_secs;
    let d = Draw { base: 1000.4, cost: 100.0, stations: [(2, 0.5), (0, 0.5)], n: 1 };
    assert_eq!(station_secs(&[d], 5000), 1100); // 1000.4 + 100 × 2 × 0.5
    assert_eq!(station_secs(&[d], 1050), 1050);
    assert_eq!(station_secs(&[], 777), 777);
}

#[test]
fn fastest_stops_match_enumeration_on_random_inputs() {
    use ringsim::services::{fastest_shares, fastest_stops, Unboarded};
    let mut rng = Rng(11);
    for case in 0..300 {
        // a city's stations and a county's, each group with its own probability, up to 5 stations in all
        let k1 = rng.below(4) as usize;
        let k2 = rng.below(3) as usize;
        let g: Unboarded = [(k1, probability(&mut rng)), (k2, probability(&mut rng))];
        let n = 1 + rng.below(3) as usize;
        let dist = least_stops_by_enumeration(&station_probabilities(&g), n);
        let want: f64 = dist.iter().enumerate().map(|(m, p)| m as f64 * p).sum();
        let got = fastest_stops(&g, n as f64);
        assert!((got - want).abs() < 1e-9, "case {case}: paste into a test: assert!((fastest_stops(&{g:?}, {n}.0) - {want:?}).abs() < 1e-9); got {got}");
        // the shares are the fastest train's stops in each group, over the group's stations; they add up to the
        // total; one train: each its own probability
        let shares = fastest_shares(&g, n as f64);
        let (city, other) = fastest_split_by_enumeration(&station_probabilities(&g), k1, n);
        let want_shares = [if k1 > 0 { city / k1 as f64 } else { 0.0 }, if k2 > 0 { other / k2 as f64 } else { 0.0 }];
        assert!(
            (shares[0] - want_shares[0]).abs() < 1e-9 && (shares[1] - want_shares[1]).abs() < 1e-9,
            "case {case}: paste into a test: assert_eq!(fastest_shares(&{g:?}, {n}.0), {want_shares:?}); got {shares:?}"
        );
        let charged: f64 = g.iter().zip(shares).map(|(&(k, _), s)| k as f64 * s).sum();
        assert!((charged - got).abs() < 1e-9, "case {case}: shares {shares:?} charge {charged} stops, not {got}");
        if n == 1 {
            for ((k, p), s) in g.iter().zip(shares) {
                assert!(*k == 0 || (s - p).abs() < 1e-9, "case {case}: one train's share {s} at a station of probability {p}");
            }
        }
        // more trains never stop more often
        assert!(fastest_stops(&g, n as f64 + 1.0) <= got + 1e-12);
    }
    // monotone on a grid: more trains never stop more often, a higher probability at either group never less;
    // long legs and many trains stay finite and within [0, Σ k·p]; fractional trains a day are rounded (0.3 and 0.5
    // are one train)
    for (k1, k2) in [(1usize, 0usize), (0, 5), (3, 9), (12, 28), (150, 50)] {
        for n in [1.0, 2.0, 7.0, 60.0, 400.0] {
            let mut last = 0.0;
            for i in 1..100 {
                let p = i as f64 / 100.0;
                let g: Unboarded = [(k1, p), (k2, p * 0.5)];
                let x = fastest_stops(&g, n);
                let mean = k1 as f64 * p + k2 as f64 * p * 0.5;
                assert!(x.is_finite() && (0.0..=mean + 1e-9).contains(&x), "k {k1}+{k2} n {n} p {p}: {x}");
                assert!(x >= last - 1e-12, "k {k1}+{k2} n {n}: not monotone in p at {p}");
                assert!(fastest_stops(&g, n + 1.0) <= x + 1e-12, "k {k1}+{k2} n {n} p {p}: more trains stop more");
                assert!(fastest_stops(&[(k1, p), (k2, p * 0.6)], n) >= x - 1e-12, "k {k1}+{k2} n {n} p {p}: a likelier county stop stops less");
                last = x;
            }
        }
    }
    let g: Unboarded = [(4, 0.4), (2, 0.1)];
    assert_eq!(fastest_stops(&g, 0.3), fastest_stops(&g, 1.0));
    assert_eq!(fastest_stops(&g, 0.5), fastest_stops(&g, 1.0));
    // one train: the mean, 4 × 0.4 + 2 × 0.1
    assert!((fastest_stops(&g, 1.0) - 1.8).abs() < 1e-12);
    // two trains, one station of each group by hand: P(X ≥ 1) = 1 − 0.6 · 0.9 = 0.46, P(X ≥ 2) = 0.04;
    // E[min] = 0.46² + 0.04² = 0.2132
    assert!((fastest_stops(&[(1, 0.4), (1, 0.1)], 2.0) - 0.2132).abs() < 1e-12);
    // and how they split: given one stop in all, it is the likelier station's with 0.4·0.9 / (0.4·0.9 + 0.6·0.1) =
    // 6/7; P(min = 1) = 0.46² − 0.04² = 0.21; P(min = 2) = 0.04² (both stops): 0.21 · 6/7 + 0.0016 = 0.1816 and
    // 0.21 · 1/7 + 0.0016 = 0.0316
    let s = fastest_shares(&[(1, 0.4), (1, 0.1)], 2.0);
    assert!((s[0] - 0.1816).abs() < 1e-12 && (s[1] - 0.0316).abs() < 1e-12, "{s:?}");
    assert_eq!(fastest_shares(&[(1, f64::NAN), (0, 0.2)], 3.0), [0.0, 0.0]);
    // a NaN probability is no stop, in the total and in the shares alike
    let nan: Unboarded = [(3, f64::NAN), (2, 0.5)];
    let shares = fastest_shares(&nan, 2.0);
    assert_eq!(shares[0], 0.0);
    assert!((2.0 * shares[1] - fastest_stops(&nan, 2.0)).abs() < 1e-12 && fastest_stops(&nan, 2.0) > 0.0);
    // a tiny probability is not lost to cancellation: one train, one station
    assert!((fastest_stops(&[(1, 1e-12), (0, 0.0)], 1.0) - 1e-12).abs() < 1e-20);
    // no station, or a certain stop or none: nothing to draw
    assert_eq!(fastest_stops(&[(0, 0.3), (0, 0.3)], 5.0), 0.0);
    assert_eq!(fastest_stops(&[(4, 1.0), (2, 0.0)], 5.0), 4.0);
    assert_eq!(fastest_shares(&[(4, 1.0), (2, 0.0)], 5.0), [1.0, 0.0]);
    assert_eq!(fastest_stops(&[(4, 0.0), (0, 1.0)], 5.0), 0.0);
}

#[test]
fn one_more_service_never_slows_a_door_trip() {
    // The door measure rides whichever train comes (one train's time), the station measure the fastest of them: the
    // station edge must not become the door measure's cheaper way. Y1 alone (299 km/h, 30 a day, 乙站 without a
    // board); then Y2 beside it (350 km/h, 8 a day): the door trip 甲站 → 丙站 must not get slower.
    const H: &str = "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n";
    let y1 = "Y1,hsr,299,30,SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\n";
    let door = |services: &str| -> f64 {
        let t = tempfile::tempdir().unwrap();
        let sc = tiny_with_services(t.path(), services);
        let (code, out, err) = ringsim(t.path(), &["od", &sc, "--pairs", "p.csv", "--measure", "door"]);
        assert_eq!(code, 0, "{err}");
        od_column(&out, 1, "minutes").parse().unwrap()
    };
    let alone = door(&format!("{H}{y1}"));
    for per_day in [1, 8, 30] {
        let with = door(&format!("{H}{y1}Y2,hsr,350,{per_day},SAA|SBB|SCC,SAA|SCC,SBB,,assumption: test\n"));
        assert!(with <= alone, "Y2 at {per_day} a day: door {with} min, Y1 alone {alone}");
    }
}

#[test]
fn a_listed_reversal_costs_reverse_s() {
    // A train stopping at 乙站: 2040 + 180 = 2220 s = 37.0 min; changing ends there (straight on the map, so only
    // the `reverses` column says so) adds the tiny hsr reverse_s of 600 s: 47.0, and the default stopping train
    // (37.0) is then the fastest; without it (`[services] remove`), `trip` shows the reversing pattern.
    const H: &str = "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n";
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}R,hsr,350,10,SAA|SBB|SCC,SAA|SBB|SCC,,SBB,assumption: test\n"));
    let out = trip_without_defaults(t.path(), &sc);
    let line = |k: &str| trip_line(&out, k);
    assert!(line("reversals").ends_with("10.0 min"), "{out}");
    assert!(line("total").ends_with("47.0 min"), "{out}");
    assert!(out.contains("service R"), "{out}");
    // the station measure takes the default stopping train instead
    assert_eq!(od_minutes(t.path(), &sc), "37.0");
    // a reversal listed where the train does not stop is an error naming the line and column
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}R,hsr,350,10,SAA|SBB|SCC,SAA|SCC,,SBB,assumption: test\n"));
    let (code, _, err) = ringsim(t.path(), &["od", &sc, "--pairs", "p.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("services.csv") && err.contains("line 2") && err.contains("reverses") && err.contains("intermediate stop"), "{err}");
}

#[test]
fn trip_prints_the_supplement_as_fitted() {
    // a fitted 9.25 % is printed as 9.25 %, not rounded to 9 %: 160 km at 300 km/h, 1920 s of running, × 0.0925 =
    // 177.6 s = 3.0 min
    const H: &str = "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n";
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}R,hsr,350,10,SAA|SBB|SCC,SAA|SCC,,,assumption: test\n"));
    let text = std::fs::read_to_string(&sc).unwrap();
    std::fs::write(&sc, format!("{text}[params.rail.hsr]\nmargin = 0.0925\n")).unwrap();
    let out = trip_without_defaults(t.path(), &sc);
    let line = trip_line(&out, "supplement");
    assert!(line.starts_with("  supplement (9.25% of running)") && line.ends_with(" 3.0 min"), "{out}");
    // the columns line up with the running line above it
    assert_eq!(line.chars().count(), trip_line(&out, "running").chars().count(), "{out}");
}

#[test]
fn a_listed_stand_costs_stand_s_in_place_of_the_dwell() {
    // The train of the test above (37.0 min with its 1-min dwell at 乙站), standing long at 乙站 (the `stands`
    // column): the dwell there is replaced by the tiny hsr stand_s of 600 s: 37.0 − 1.0 + 10.0 = 46.0 min.
    const H: &str = "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,stands,source\n";
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}R,hsr,350,10,SAA|SBB|SCC,SAA|SBB|SCC,,,SBB,assumption: test\n"));
    let out = trip_without_defaults(t.path(), &sc);
    let line = |k: &str| trip_line(&out, k);
    assert!(line("long stands at 1 stop(s)").ends_with("10.0 min"), "{out}");
    assert!(line("dwell at 0 intermediate").ends_with("0.0 min"), "{out}");
    assert!(line("total").ends_with("46.0 min"), "{out}");
    // a stand also listed as a reversal is an error naming the column
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), &format!("{H}R,hsr,350,10,SAA|SBB|SCC,SAA|SBB|SCC,,SBB,SBB,assumption: test\n"));
    let (code, _, err) = ringsim(t.path(), &["od", &sc, "--pairs", "p.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("services.csv") && err.contains("line 2") && err.contains("stands") && err.contains("reverses"), "{err}");
}

/// `trip 甲站 丙站` on scenario `sc` with the tiny line's default stopping train taken out, so that the listed
/// service is the fastest single train.
fn trip_without_defaults(dir: &std::path::Path, sc: &str) -> String {
    let alone = dir.join("alone.toml");
    let text = std::fs::read_to_string(sc).unwrap().replace("name = \"s\"", "name = \"alone\"");
    std::fs::write(&alone, format!("{text}[services]\nremove = [\"l1:stopping:1\"]\n")).unwrap();
    let (code, out, err) = ringsim(dir, &["trip", alone.to_str().unwrap(), "甲站", "丙站"]);
    assert_eq!(code, 0, "{err}");
    out
}

/// The line of `trip`'s output that starts with `k`.
fn trip_line(out: &str, k: &str) -> String {
    out.lines().find(|l| l.trim_start().starts_with(k)).unwrap_or_else(|| panic!("{k}: {out}")).to_string()
}

/// Appends `rows` to the file at `path`.
fn append_rows(path: &std::path::Path, rows: &str) {
    let mut t = std::fs::read_to_string(path).unwrap();
    t.push_str(rows);
    std::fs::write(path, t).unwrap();
}

/// The tiny network with a second and a third line from 乙站 (to 丁站, open 2012; to 戊站, open 2014), a train
/// 甲站→乙站→丁站 stopping at all three, and `hub_lines_as_of` set to `date` (or absent).
fn tiny_junction(dir: &std::path::Path, date: Option<&str>) -> String {
    let sc = tiny_with_services(dir, "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\nT,hsr,350,10,SAA|SBB|SDD,SAA|SBB|SDD,,,assumption: test\n");
    let net = dir.join("tiny");
    let add = |file: &str, rows: &str| append_rows(&net.join(file), rows);
    add("stations.csv", "SDD,丁站,SDD,300121,丙市,114.01,34.4,2012-01-01,,single:test,assumption: test\nSEE,戊站,SEE,300121,丙市,114.01,33.6,2014-01-01,,single:test,assumption: test\n");
    add("rail_lines.csv", "l2,二号高铁,Line 2 HSR,hsr,350,assumption: test\nl3,三号高铁,Line 3 HSR,hsr,350,assumption: test\n");
    add("rail_sections.csv", "l2:1,l2,1,SBB,SDD,50,350,300,2012-01-01,,assumption: test\nl3:1,l3,1,SBB,SEE,50,350,300,2014-01-01,,assumption: test\n");
    if let Some(d) = date {
        let p = std::fs::read_to_string(net.join("params.toml")).unwrap().replace("unknown_stop_ratio = 0.5\n", &format!("unknown_stop_ratio = 0.5\nhub_lines_as_of = \"{d}\"\n"));
        std::fs::write(net.join("params.toml"), p).unwrap();
    }
    std::fs::write(dir.join("p.csv"), "from,to\n甲站,丁站\n").unwrap();
    sc
}

#[test]
fn junction_dwell_only_where_the_lines_open_on_hub_lines_as_of_meet() {
    // 甲站→丁站: 100 + 50 km at 300 km/h = 1800 s, + 60 s accelerating and 60 s braking at each end of the two
    // hops = 240 s, + the dwell at 乙站: 60 s at an ordinary stop, 120 s + a 30 s throat at a junction (tiny params).
    // 乙站 meets 甲站 (2010), 丁站 (2012), 戊站 (2014) and 丙站 (planned): a junction with every line counted, or
    // with the lines open on 2014-06-30 (three directions), but not on 2013-06-30 (two). The train turns north at
    // 乙站 by a right angle, which is not a reversal (a projection that scaled each station's longitude by its own
    // latitude's cosine made it one: 10 min more).
    for (date, minutes) in [(None, "36.5"), (Some("2014-06-30"), "36.5"), (Some("2013-06-30"), "35.0")] {
        let t = tempfile::tempdir().unwrap();
        let sc = tiny_junction(t.path(), date);
        assert_eq!(od_minutes(t.path(), &sc), minutes, "hub_lines_as_of = {date:?}");
    }
}

/// The tiny network (no timetable) with a line 乙站–丁站–己站–戊站 opened in 2012; 丁站 serves 丙市 when `city`.
fn tiny_semifast(dir: &std::path::Path, city: bool) -> String {
    let sc = tiny_with_services(dir, "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n");
    let net = dir.join("tiny");
    std::fs::remove_file(net.join("services.csv")).unwrap();
    let add = |file: &str, rows: &str| append_rows(&net.join(file), rows);
    add(
        "stations.csv",
        "SDD,丁站,SDD,300121,丙市,114.01,34.4,2012-01-01,,single:test,assumption: test\nSFF,己站,SFF,300121,丙市,114.01,34.7,2012-01-01,,single:test,assumption: test\nSEE,戊站,SEE,300121,丙市,114.01,35.0,2012-01-01,,single:test,assumption: test\n",
    );
    add("rail_lines.csv", "l2,二号高铁,Line 2 HSR,hsr,350,assumption: test\n");
    add("rail_sections.csv", "l2:1,l2,1,SBB,SDD,50,350,300,2012-01-01,,assumption: test\nl2:2,l2,2,SDD,SFF,40,350,300,2012-01-01,,assumption: test\nl2:3,l2,3,SFF,SEE,40,350,300,2012-01-01,,assumption: test\n");
    if city {
        let c = std::fs::read_to_string(net.join("cities.csv")).unwrap().replace("300100,丙市,300101,SCC,", "300100,丙市,300101,SCC|SDD,");
        std::fs::write(net.join("cities.csv"), c).unwrap();
    }
    std::fs::write(dir.join("p.csv"), "from,to\n丁站,戊站\n").unwrap();
    sc
}

#[test]
fn a_semi_fast_serves_the_plan_cities_stations_of_a_new_line() {
    // 丁站→戊站, 80 km at 300 km/h = 960 s. Where 丁站 serves a plan city, the line's semi-fast stops there and
    // runs through 己站: + 60 s accelerating + 60 s braking = 18.0 min. Otherwise the express (乙站 and 戊站 only)
    // does not stop at 丁站 and the stopping train also stops at 己站: + 60 + 60 more and a 60 s dwell = 21.0 min.
    for (city, minutes) in [(true, "18.0"), (false, "21.0")] {
        let t = tempfile::tempdir().unwrap();
        let sc = tiny_semifast(t.path(), city);
        assert_eq!(od_minutes(t.path(), &sc), minutes, "丁站 a plan city's station: {city}");
    }
}

/// `trip`'s station measure leg by leg: the steps after "its trip, leg by leg" up to its total, and the seconds of
/// each (the number before " s)").
fn trip_steps(out: &str) -> (Vec<String>, Vec<u32>, String) {
    let lines: Vec<&str> = out.lines().skip_while(|l| !l.starts_with("  its trip, leg by leg")).skip(1).collect();
    let steps: Vec<String> = lines.iter().take_while(|l| !l.trim_start().starts_with("total ")).map(|l| l.trim().to_string()).collect();
    let total = lines.iter().find(|l| l.trim_start().starts_with("total ")).unwrap_or_else(|| panic!("no total of the legs: {out}")).trim().to_string();
    let secs = |l: &str| -> u32 { l.split(" s)").next().unwrap().rsplit('(').next().unwrap().parse().unwrap_or_else(|_| panic!("{l}")) };
    (steps.clone(), steps.iter().map(|l| secs(l)).collect(), total)
}

#[test]
fn trip_shows_the_station_measures_trip_with_its_changes_leg_by_leg() {
    // tiny with 二号高铁 乙站–丁站–己站–戊站 (opened 2012) and no train through from 一号高铁: 甲站 → 戊站 changes at
    // 乙站, where the lines meet (a junction: a 30 s throat at each leg's end there). 甲站 → 乙站 100 km at 300 km/h =
    // 1200 s + 60 accelerating + 60 braking + 30 = 1350 s; the change, tiny's change_s, 300 s; 乙站 → 戊站 on the
    // express (乙站 and 戊站 only), 130 km = 1560 s + 120 + 30 = 1710 s: 3360 s, 56.0 min.
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_semifast(t.path(), false);
    let (code, out, err) = ringsim(t.path(), &["trip", &sc, "甲站", "戊站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no single train serves both stations"), "{out}");
    assert!(out.contains(" min each): 56.0 min (3360 s) by hsr+change+hsr\n"), "{out}");
    let (steps, secs, total) = trip_steps(&out);
    assert_eq!(secs, [1350, 300, 1710], "{out}");
    assert!(steps[0].starts_with("train 1: 甲站 → 乙站, 22.5 min (1350 s), service l1:"), "{out}");
    assert!(steps[1].starts_with("change at 乙站: 5.0 min (300 s)"), "{out}");
    assert!(steps[2].starts_with("train 2: 乙站 → 戊站, 28.5 min (1710 s), service l2:express:"), "{out}");
    assert_eq!(total, "total 56.0 min (3360 s): 2 trains, a change at 乙站", "{out}");

    // the same line starting at a new 庚站 beside 乙站, an 8-min walk away (connectors.csv; no junction now): 甲站 →
    // 戊站 is 1320 s by train, 480 s on foot, the 300 s change at 庚站 onto 二号高铁 and its express 庚站 → 戊站, 1680 s: 3780 s, 63.0 min
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_semifast(t.path(), false);
    let net = t.path().join("tiny");
    append_rows(&net.join("stations.csv"), "SGG,庚站,SGG,200101,乙市,114.015,34.0,2012-01-01,,single:test,assumption: test\n");
    append_rows(&net.join("connectors.csv"), "SBB,SGG,walk,0.5,8,2000-01-01,assumption: test\n");
    let sections = std::fs::read_to_string(net.join("rail_sections.csv")).unwrap().replace("l2:1,l2,1,SBB,SDD,", "l2:1,l2,1,SGG,SDD,");
    std::fs::write(net.join("rail_sections.csv"), sections).unwrap();
    let (code, out, err) = ringsim(t.path(), &["trip", &sc, "甲站", "戊站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(" min each): 63.0 min (3780 s) by hsr+walk+change+hsr\n"), "{out}");
    let (steps, secs, total) = trip_steps(&out);
    assert_eq!(secs, [1320, 480, 300, 1680], "{out}");
    assert!(steps[1].starts_with("walk 乙站 → 庚站: 8.0 min (480 s)"), "{out}");
    assert!(steps[2].starts_with("change at 庚站: 5.0 min (300 s)"), "{out}");
    assert_eq!(total, "total 63.0 min (3780 s): 2 trains, a change at 庚站, a metro or walk link", "{out}");

    // a single train's trip is the one explained above it: no legs
    let (code, out, err) = ringsim(t.path(), &["trip", &sc, "庚站", "戊站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(" min each): 28.0 min (1680 s) by hsr\n") && !out.contains("leg by leg"), "{out}");
}

#[test]
fn a_station_that_opened_after_its_line_is_passed_until_its_date() {
    // 乙站 opens in 2018 on a line open since 2010 (as 郑州西 did on 郑西, facts/station_openings.csv): in 2016 the
    // trains run 甲站→丙站 through it, 1920 + 120 = 2040 s = 34.0 min, and 乙站 cannot be reached; from 2018 it is
    // reached, 100 km at 300 km/h + 60 s accelerating + 60 s braking = 1320 s = 22.0 min (the express still runs
    // through: 34.0).
    const H: &str = "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n";
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_services(t.path(), H);
    let st = t.path().join("tiny/stations.csv");
    let text = std::fs::read_to_string(&st).unwrap();
    let line = text.lines().find(|l| l.starts_with("SBB,")).unwrap().to_string();
    std::fs::write(&st, text.replace(&line, &line.replacen("2010-01-01", "2018-06-01", 1))).unwrap();
    std::fs::write(t.path().join("p.csv"), "from,to\n甲站,丙站\n甲站,乙站\n").unwrap();
    let minutes = |sc: &str| {
        let (code, out, err) = ringsim(t.path(), &["od", sc, "--pairs", "p.csv"]);
        assert_eq!(code, 0, "{err}");
        (1..out.lines().count()).map(|i| od_column(&out, i, "minutes")).collect::<Vec<_>>()
    };
    assert_eq!(minutes(&sc), ["34.0", ""]);
    let later = t.path().join("later.toml");
    std::fs::write(&later, std::fs::read_to_string(&sc).unwrap().replace("2016-12-31", "2018-12-31")).unwrap();
    assert_eq!(minutes(later.to_str().unwrap()), ["34.0", "22.0"]);
}

/// The tiny network without timetable services and with `rows` (after the header) as its project_services.csv:
/// the scenario that opens the project (`tiny_with_services`'s) and a base scenario of 2016-12-31 that does not.
fn tiny_with_project_services(dir: &std::path::Path, rows: &str) -> (String, std::path::PathBuf) {
    let sc = tiny_with_services(dir, "service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n");
    std::fs::write(dir.join("tiny/project_services.csv"), format!("service_id,project_id,class,pattern,trains_per_day,route,source\n{rows}")).unwrap();
    let base = dir.join("base.toml");
    std::fs::write(&base, format!("format = 1\nname = \"b\"\nnetwork = \"{}\"\nas_of = \"2016-12-31\"\n", dir.join("tiny").display())).unwrap();
    (sc, base)
}

#[test]
fn a_projects_through_service_runs_only_once_its_whole_route_is_open() {
    // tiny: 甲站 (SAA) – 乙站 (SBB) open since 2010, 乙站 – 丙站 (SCC) the project p-hsr-bc. A stopping through
    // service T of the project over both sections runs beside the line's default stopping train in the scenario
    // that opens the project, and not at all, not even on the open 甲站 – 乙站, in one that does not.
    let t = tempfile::tempdir().unwrap();
    let (sc, base) = tiny_with_project_services(t.path(), "T,p-hsr-bc,hsr,stopping,4,SAA|SBB|SCC,assumption: test\n");
    let trip = |sc: &str| {
        let (code, out, err) = ringsim(t.path(), &["trip", sc, "甲站", "乙站"]);
        assert_eq!(code, 0, "{err}");
        out
    };
    // open: the default stopping train (6 a day in tiny's params) and T's 4
    let open = trip(&sc);
    assert!(open.contains("the fastest of all 2 patterns' trains on this track (10 a day;"), "{open}");
    assert!(open.contains("total                                22.0 min"), "{open}");
    // the station measure with its seconds, which the rings compare with the cutoffs
    assert!(open.contains(" min each): 22.0 min (1320 s) by hsr"), "{open}");
    // closed: the default stopping train alone
    let closed = trip(base.to_str().unwrap());
    assert!(!closed.contains("patterns' trains") && closed.contains("service l1:stopping:1 "), "T must not run on the open part: {closed}");
    // a scenario takes it out like any other service (T:rev runs the other way)
    let removed = t.path().join("r.toml");
    std::fs::write(&removed, format!("{}[services]\nremove = [\"T\"]\n", std::fs::read_to_string(&sc).unwrap())).unwrap();
    let without = trip(removed.to_str().unwrap());
    assert!(!without.contains("patterns' trains"), "{without}");
    let (code, out, err) = ringsim(t.path(), &["trip", removed.to_str().unwrap(), "乙站", "甲站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("the fastest of all 2 patterns' trains on this track (10 a day;"), "{out}");
}

#[test]
fn a_through_service_of_lines_as_built_runs_without_a_project() {
    // project_services.csv with an empty project_id: trains that run through on built lines (汉十's from 汉口 over
    // 汉孝城际 in networks/changjiang), run in every scenario where their route is open, the project's scenario or not
    let t = tempfile::tempdir().unwrap();
    let (_, base) = tiny_with_project_services(t.path(), "A,,hsr,express,4,SAA|SBB,assumption: test\n");
    let (code, out, err) = ringsim(t.path(), &["trip", base.to_str().unwrap(), "甲站", "乙站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("the fastest of all 2 patterns' trains on this track (10 a day;"), "the default stopping train and A: {out}");
    // before the line opened (2010), not at all: no train serves 甲站 – 乙站
    let early = t.path().join("early.toml");
    std::fs::write(&early, std::fs::read_to_string(&base).unwrap().replace("2016-12-31", "2009-12-31")).unwrap();
    let (code, out, err) = ringsim(t.path(), &["trip", early.to_str().unwrap(), "甲站", "乙站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no single train serves both stations"), "{out}");
    // a service that stops where its source says (pattern `listed`): over 乙站 without stopping, so it serves
    // 甲站 – 丙站 alone (in the project's scenario) and not 甲站 – 乙站, which the default stopping train serves
    std::fs::write(
        t.path().join("tiny/project_services.csv"),
        "service_id,project_id,class,pattern,trains_per_day,route,stops,source\nL,p-hsr-bc,hsr,listed,4,SAA|SBB|SCC,SAA|SCC,assumption: test\n",
    )
    .unwrap();
    let sc = t.path().join("s.toml");
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "甲站", "丙站"]);
    assert_eq!(code, 0, "{err}");
    // (the line's default express and stopping trains, 12 a day, and L's 4)
    assert!(out.contains("the fastest of all 3 patterns' trains on this track (16 a day;"), "{out}");
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "甲站", "乙站"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("patterns' trains") && out.contains("service l1:stopping:1 "), "the stopping train alone: {out}");
    // alone (the defaults taken out), L runs 甲站 – 丙站 without the stop at 乙站 its route passes: 34.0 min, the
    // 160 km at 300 km/h and one start and stop (a stop at 乙站 would add a stop's losses)
    let alone = t.path().join("alone.toml");
    let rm = "[services]\nremove = [\"l1:express:1\", \"l1:express:1:rev\", \"l1:stopping:1\", \"l1:stopping:1:rev\"]\n";
    std::fs::write(&alone, format!("{}{rm}", std::fs::read_to_string(&sc).unwrap())).unwrap();
    std::fs::write(t.path().join("p.csv"), "from,to\n甲站,丙站\n").unwrap();
    let (code, out, err) = ringsim(t.path(), &["od", alone.to_str().unwrap(), "--pairs", "p.csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(od_column(&out, 1, "minutes"), "34.0", "{out}");
    assert_eq!(od_column(&out, 1, "mode"), "hsr", "one train: {out}");
}

/// The tiny network with `services.csv` and the boards' date (`rail.hub_lines_as_of`) 2016-12-31, a pairs file
/// 甲站 → 乙站 (100 km at 300 km/h, open since 2010: 1200 s + 60 s accelerating + 60 s braking = 22.0 min by
/// the physics), and a scenario of that date with `extra`.
fn tiny_with_boards(dir: &std::path::Path, services: &str, extra: &str) -> String {
    let sc = tiny_with_services(dir, services);
    let params = dir.join("tiny/params.toml");
    let p = std::fs::read_to_string(&params).unwrap().replacen("[rail]\n", "[rail]\nhub_lines_as_of = \"2016-12-31\"\n", 1);
    std::fs::write(&params, p).unwrap();
    std::fs::write(dir.join("p.csv"), "from,to\n甲站,乙站\n").unwrap();
    let text = std::fs::read_to_string(&sc).unwrap();
    std::fs::write(&sc, format!("{text}{extra}")).unwrap();
    sc
}

#[test]
fn the_timetables_trains_run_at_their_scheduled_times() {
    const H: &str = "service_id,class,max_kmh,trains_per_day,route,stops,departures,arrivals,source\n";
    // two trains, 07:00 → 07:30 and 08:00 → 08:27: the station measure takes the faster's 27 min, not the
    // physics's 22.0, and the default stopping train of the line, 22.0 by the physics too, is charged up to the
    // boards' fastest over the same stretch
    let t = tempfile::tempdir().unwrap();
    let rows = format!("{H}U,hsr,350,2,SAA|SBB,SAA|SBB,dep@SAA=07:00 dep@SAA=08:00,SBB=07:30 SBB=08:27,assumption: test\n");
    let sc = tiny_with_boards(t.path(), &rows, "");
    assert_eq!(od_minutes(t.path(), &sc), "27.0");
    let (code, out, err) = ringsim(t.path(), &["trip", &sc, "甲站", "乙站"]);
    assert_eq!(code, 0, "{err}");
    // (the default comes first of the two at 27.0)
    assert!(out.contains("service l1:stopping:1 "), "{out}");
    assert!(out.contains("  up to the timetable's fastest         +5.0 min\n    (no faster than the timetable's fastest hsr train over the same stations, 27 min on the network of 2016-12-31 by the boards, where the physics gives this service 22.0"), "{out}");
    // the departure window rides each train's own time: leaving at 06:59 takes the 07:00 train's 30 min, at
    // 07:59 the 08:00 train's 27 (the default stopping trains, at even headways, taken out)
    let t2 = tempfile::tempdir().unwrap();
    let sc2 = tiny_with_boards(t2.path(), &rows, "[services]\nremove = [\"l1:stopping:1\", \"l1:stopping:1:rev\"]\n");
    for (window, minutes) in [("06:59-07:00", "31.0"), ("07:59-08:00", "28.0")] {
        let (code, out, err) = ringsim(t2.path(), &["od", &sc2, "--pairs", "p.csv", "--window", window]);
        assert_eq!(code, 0, "{err}");
        let row: Vec<&str> = out.lines().nth(1).unwrap().split(',').collect();
        assert_eq!((row[8], row[11]), ("27.0", minutes), "station measure, then the window's median from {window}: {out}");
    }
    // a project's through service over the same stretch (T: 甲站 – 乙站 – 丙站, run once the project p-hsr-bc
    // opens 乙站 – 丙站, not open at the boards' date) is charged up to the boards' fastest there too: with the
    // defaults taken out, T's 22.0 min by the physics becomes 27.0 (the boards' trains U taken out as well)
    std::fs::write(
        t.path().join("tiny/project_services.csv"),
        "service_id,project_id,class,pattern,trains_per_day,route,source\nT,p-hsr-bc,hsr,stopping,4,SAA|SBB|SCC,assumption: test\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(&sc).unwrap();
    std::fs::write(&sc, format!("{text}[services]\nremove = [\"l1:stopping:1\", \"l1:stopping:1:rev\", \"U\"]\n")).unwrap();
    let (code, out, err) = ringsim(t.path(), &["trip", &sc, "甲站", "乙站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("service T ") && out.contains("  total                                27.0 min"), "{out}");
    assert_eq!(od_minutes(t.path(), &sc), "27.0");
    // a conventional train over the same stations (90 min) does not set the hsr default's time: the default is
    // compared with the timetable's trains of its class only, 22.0 by the physics; K itself runs at its 90
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_boards(t.path(), &format!("{H}K,conventional,120,1,SAA|SBB,SAA|SBB,dep@SAA=07:00,SBB=08:30,assumption: test\n"), "");
    assert_eq!(od_minutes(t.path(), &sc), "22.0");
    let (code, out, err) = ringsim(t.path(), &["trip", &sc, "甲站", "乙站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("service l1:stopping:1 ") && !out.contains("timetable's fastest"), "{out}");
    // a train the boards time faster than the route allows at its limits (100 km in 17 min, 353 km/h on a 300
    // km/h line: 20 min at the limit) does not run that route; its leg keeps the physics, and validate says so
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_boards(t.path(), &format!("{H}U,hsr,350,1,SAA|SBB,SAA|SBB,dep@SAA=07:00,SBB=07:17,assumption: test\n"), "");
    assert_eq!(od_minutes(t.path(), &sc), "22.0");
    std::fs::write(t.path().join("obs.csv"), "from,to,minutes,train_code,train_type,n_trains,source\n甲站,乙站,17,G1,高速动车,1,assumption: test\n").unwrap();
    let (code, out, err) = ringsim(t.path(), &["validate", &sc, "--observed", "obs.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("the boards time 1 leg of the timetable's patterns faster than their modelled route allows at its speed limits (the network lacks the train's way): it keeps the physics"), "{out}");
    // without the arrivals, the physics alone
    let t = tempfile::tempdir().unwrap();
    let sc = tiny_with_boards(t.path(), &format!("{H}U,hsr,350,2,SAA|SBB,SAA|SBB,dep@SAA=07:00 dep@SAA=08:00,,assumption: test\n"), "");
    assert_eq!(od_minutes(t.path(), &sc), "22.0");
    // a scenario moves the scheduled time by what its physics changes: the trains held to 200 km/h take 1800 s
    // + 40 + 40 = 1880 s by the physics, 560 s more than at 300, so 1620 + 560 = 2180 s = 36.3 min, a scheduled
    // time in whole minutes: 36.0 (the default stopping trains taken out, which would otherwise still run at 27)
    let t = tempfile::tempdir().unwrap();
    let extra = "[services]\nremove = [\"l1:stopping:1\", \"l1:stopping:1:rev\"]\n[[services.adjust]]\nservices = [\"U\"]\nmax_kmh = 200\nsource = \"assumption: test\"\n";
    let sc = tiny_with_boards(t.path(), &rows, extra);
    assert_eq!(od_minutes(t.path(), &sc), "36.0");
    let (code, out, err) = ringsim(t.path(), &["trip", &sc, "甲站", "乙站"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  to the whole minute                  -0.33 min (-20.0 s)\n    (a scheduled time: the boards' minutes moved by this scenario's physics, 36.33 min, rounded as a timetable publishes it)\n"), "{out}");
    assert!(out.contains("  total                                36.0 min\n"), "{out}");
    assert!(out.contains("the boards' time less the physics's   +5.0 min\n    (the boards time this leg: 27 min by the fastest of the pattern's trains on the network of 2016-12-31, 22.0 min by the physics there"), "{out}");
    assert!(out.contains("  running (limits; lower near stops)   30.0 min"), "{out}");
    // each train's own board time is moved the same way, in whole minutes too: the 07:00 train's 30 min + 560 s =
    // 2360 s = 39.33 min rides 39 in the departure window (its 5th percentile: leaving at 07:00, no wait; 39.3
    // before the rule)
    let (code, out, err) = ringsim(t.path(), &["od", &sc, "--pairs", "p.csv", "--window", "07:00-07:01", "--percentiles", "5"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().nth(1).is_some_and(|l| l.ends_with(",39.0")), "{out}");
    // validate --physics times every train by the physics alone; validate by default reproduces the boards
    std::fs::write(t.path().join("obs.csv"), "from,to,minutes,train_code,train_type,n_trains,source\n甲站,乙站,27,G1,高速动车,2,assumption: test\n").unwrap();
    let sc = tiny_with_boards(t.path(), &rows, "");
    for (flag, model) in [(None, "27.0"), (Some("--physics"), "22.0")] {
        let mut args = vec!["validate", sc.as_str(), "--observed", "obs.csv", "--out", "v"];
        args.extend(flag);
        let (code, _, err) = ringsim(t.path(), &args);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(t.path().join("v/validation_pairs.csv")).unwrap();
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with(&format!("甲站,乙站,27,{model},")), "{flag:?}: {text}");
    }
}

#[test]
fn a_trains_legs_agree_with_the_legs_the_boards_time() {
    // Where the boards time some of a train's legs and the physics the others, the train reaches no stop later
    // than a stop further on nor sooner than one before, and a rider boarding it further on arrives no later than
    // one who boarded before, nor one boarding before sooner than one boarding after: against every timed leg of the
    // same service, through stops every train of the pattern makes (at a station without a board the fastest
    // train on may not stop). Checked pair by pair on every timetable service of asbuilt-2025 (a slow reference:
    // the model enforces it with two sweeps). Before the rule, 717 of its legs broke it (ABV-JGK-hsr-1 太原南 →
    // 德州东 took longer than → 平原东 further on; SJP-HFH-conventional-1 邢台 → 合肥 5 h longer than 石家庄 → 合肥).
    let loaded = ringsim::app::load(&[repo().join("scenarios/asbuilt-2025.toml")]).unwrap();
    let b = loaded.bind_all().unwrap().pop().unwrap();
    let (mut capped, mut floored) = (0, 0);
    ringsim::graph::with_scene(b.net, &b.params, &|o, p| b.sc.is_open(o, p), b.sc.as_of, |scene| {
        for svc in b.services.iter().filter(|s| !s.timetable.is_empty()) {
            let pos = |x: ringsim::network::StationIx| svc.route.iter().position(|y| *y == x).unwrap();
            let mut legs: std::collections::BTreeMap<(usize, usize), (f64, f64, bool)> = std::collections::BTreeMap::new();
            scene.legs(svc, |l| {
                legs.insert((pos(l.from), pos(l.to)), (l.parts.total(), l.one.total(), l.scheduled));
            });
            let ends: Vec<usize> = legs.keys().flat_map(|&(a, z)| [a, z]).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
            let idx = |k: usize| ends.binary_search(&k).unwrap();
            // every end with index in lo..hi is a stop every train makes
            let all_stop = |lo: usize, hi: usize| (lo..hi).all(|i| svc.stops[ends[i]] && !svc.unknown[ends[i]]);
            let name = |k: usize| b.net.stations[svc.route[k].i()].name.clone();
            for (&(x, y), &(fast, one, _)) in &legs {
                for (&(x2, y2), &(f2, o2, timed)) in &legs {
                    if !timed || (x2, y2) == (x, y) {
                        continue;
                    }
                    let (ix, iy, ix2, iy2) = (idx(x), idx(y), idx(x2), idx(y2));
                    // boarded no later and left no earlier: x2 ≤ x, y2 ≥ y, through stops in (x2, x] and [y, y2)
                    if ix2 <= ix && iy2 >= iy && all_stop(ix2 + 1, ix + 1) && all_stop(iy, iy2) {
                        capped += 1;
                        assert!(fast <= f2 + 1e-6 && one <= o2 + 1e-6, "{}: {} → {} ({fast:.0} s, one {one:.0}) later than the timed {} → {} ({f2:.0} s, one {o2:.0})", svc.id, name(x), name(y), name(x2), name(y2));
                    }
                    // boarded no earlier and left no later: x2 ≥ x, y2 ≤ y, through stops in (x, x2] and [y2, y)
                    if ix2 >= ix && iy2 <= iy && all_stop(ix + 1, ix2 + 1) && all_stop(iy2, iy) {
                        floored += 1;
                        assert!(fast >= f2 - 1e-6 && one >= o2 - 1e-6, "{}: {} → {} ({fast:.0} s, one {one:.0}) sooner than the timed {} → {} ({f2:.0} s, one {o2:.0})", svc.id, name(x), name(y), name(x2), name(y2));
                    }
                }
            }
        }
    });
    assert!(capped > 1000 && floored > 1000, "{capped} and {floored} pairs of legs checked");
}

/// Column `name` of row `row` (1 = the first after the header) of `ringsim od`'s CSV output, found by the header.
fn od_column(out: &str, row: usize, name: &str) -> String {
    let header: Vec<&str> = out.lines().next().expect("a header").split(',').collect();
    let i = header.iter().position(|c| *c == name).unwrap_or_else(|| panic!("no column {name} in {out}"));
    out.lines().nth(row).unwrap_or_else(|| panic!("no row {row} in {out}")).split(',').nth(i).unwrap().to_string()
}

/// 沪昆 is one run in the 长江中游 network (新晃西 → 长沙南 → 南昌西 → 金华; the loader refuses a line cut in two by its
/// `seq`), and 南昌西 is neither its end nor a junction there: the default express stops at it because it is a
/// provincial capital's station (`express_stations`, 南昌 360100). Without that rule the express ran through and
/// 长沙南 → 南昌西 took the semi-fast's 96.2 min (reported 87 in 2014); with it, 86.1 by the express.
#[test]
fn the_default_express_stops_at_a_provincial_capitals_station() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/changjiang/asbuilt-2025.toml");
    let (code, out, err) = ringsim(t.path(), &["trip", sc.to_str().unwrap(), "长沙南", "南昌西"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("fastest single train: service hukun-hsr:express:1 "), "{out}");
    assert!(out.contains("  its stops: 新晃西 长沙南 萍乡北 南昌西 金华\n"), "one run from 新晃西 to 金华, stopping at 南昌西: {out}");
    assert!(trip_line(&out, "total").ends_with(" 86.1 min"), "{out}");
}
