//! The departure-window search (`ringsim od --window`): by hand on the tiny network with clock times, against a
//! slow fixed-point reference on hundreds of random timetables, and invariants on the real network (never faster
//! than the station measure, percentiles in order, the same bytes at any thread count).

mod common;
use common::{bin, repo, Rng};
use ringsim::network::StationIx;
use ringsim::units::Seconds;
use ringsim::window::{percentile, Pattern, Timetable};
use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(bin()).args(args).current_dir(dir).output().expect("run ringsim");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn rows(csv_text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let h = r.headers().unwrap().clone();
    r.records().map(|x| h.iter().zip(x.unwrap().iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect()).collect()
}

fn mins(s: u32) -> String {
    Seconds(s).minutes().to_string()
}

/// The tiny network with two timed services and no defaults: S1 甲站→乙站 leaves 甲站 at 08:00 and 09:00; S2
/// 乙站→甲站 arrives at 甲站 at 12:00.
#[test]
fn by_hand_on_the_tiny_network() {
    let t = tempfile::tempdir().unwrap();
    let net = t.path().join("tiny");
    for sub in ["tiny", "tiny-seeds"] {
        std::fs::create_dir_all(t.path().join(sub)).unwrap();
        for e in std::fs::read_dir(repo().join("tests/data").join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), t.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    std::fs::write(
        net.join("services.csv"),
        "service_id,class,max_kmh,trains_per_day,route,stops,departures,source\n\
         S1,hsr,350,2,SAA|SBB,SAA|SBB,dep@SAA=09:00 dep@SAA=08:00,assumption: test\n\
         S2,hsr,350,1,SBB|SAA,SBB|SAA,arr@SAA=12:00,assumption: test\n",
    )
    .unwrap();
    std::fs::write(
        t.path().join("sc.toml"),
        "format = 1\nname = \"w\"\nnetwork = \"tiny\"\nas_of = \"2016-12-31\"\n[services]\nremove = [\"l1:stopping:1\", \"l1:stopping:1:rev\"]\n",
    )
    .unwrap();
    std::fs::write(t.path().join("p.csv"), "from,to\nSAA,SBB\n乙站,甲站\n").unwrap();
    // the ride's time T, the station measure (no initial wait)
    let (code, out, err) = run(t.path(), &["od", "sc.toml", "--pairs", "p.csv"]);
    assert_eq!(code, 0, "{err}");
    let r = rows(&out);
    let tm: f64 = r[0]["minutes"].parse().unwrap();
    let tsec = (tm * 60.0).round() as u32;
    // 甲站→乙站 over 07:30–08:30: wait for 08:00 until 08:00, then for 09:00
    let (code, out, err) = run(t.path(), &["od", "sc.toml", "--pairs", "p.csv", "--window", "07:30-08:30", "--percentiles", "1,5,25,50,75,95,100"]);
    assert_eq!(code, 0, "{err}");
    let r = rows(&out);
    assert_eq!(r.len(), 2);
    assert_eq!((r[0]["window"].as_str(), r[0]["departures"].as_str(), r[0]["reached"].as_str()), ("07:30-08:30", "60", "60"));
    assert_eq!(r[0]["station_minutes"], format!("{tm:.1}"));
    let mut times: Vec<u32> = (0..60u32).map(|m| if m <= 30 { (30 - m) * 60 + tsec } else { (90 - m) * 60 + tsec }).collect();
    times.sort_unstable();
    // nearest rank: the ⌈p·60/100⌉-th smallest
    for (p, rank) in [(1, 1), (5, 3), (25, 15), (50, 30), (75, 45), (95, 57), (100, 60)] {
        assert_eq!(r[0][&format!("p{p}_minutes")], mins(times[rank - 1]), "p{p}: {:?}", r[0]);
    }
    // by hand: at 08:00 the train is boarded at once (T); at 07:30 after 30 min; at 08:01 after 59 min
    assert_eq!(r[0]["p1_minutes"], mins(tsec));
    assert_eq!(r[0]["p100_minutes"], mins(59 * 60 + tsec));
    // 乙站→甲站 over 07:30–08:30: the one train arrives at 12:00 whatever its running time: 3 h 30 … 4 h 29
    assert_eq!(r[1]["p1_minutes"], "211.0");
    assert_eq!(r[1]["p50_minutes"], "240.0");
    assert_eq!(r[1]["p100_minutes"], "270.0");

    // a window when S2 does not run any more that day: tomorrow's train (arrives 12:00 the next day)
    let (code, out, err) = run(t.path(), &["od", "sc.toml", "--pairs", "p.csv", "--window", "23:00-23:02", "--percentiles", "50"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(rows(&out)[1]["p50_minutes"], "779.0", "23:01 → 12:00 next day");
}

#[test]
fn percentile_nearest_rank() {
    let t: Vec<Option<u32>> = [5, 1, 4, 2, 3].iter().map(|&x| Some(x)).collect();
    assert_eq!(percentile(&t, 1), Some(1));
    assert_eq!(percentile(&t, 20), Some(1));
    assert_eq!(percentile(&t, 21), Some(2));
    assert_eq!(percentile(&t, 50), Some(3));
    assert_eq!(percentile(&t, 100), Some(5));
    // an unreached minute is the slowest
    let t = vec![Some(10), None, Some(30), Some(20)];
    assert_eq!(percentile(&t, 75), Some(30));
    assert_eq!(percentile(&t, 76), None);
}

/// The slow reference: labels lowered over every train of every pattern until nothing changes.
fn reference(tt: &Timetable, n: usize, change: i64, transfers: &[Vec<(StationIx, u32)>], origin: usize, t: i64) -> Vec<Option<i64>> {
    let inf = i64::MAX;
    let (mut plat, mut board) = (vec![inf; n], vec![inf; n]);
    plat[origin] = t;
    board[origin] = t;
    loop {
        let mut changed = false;
        let mut lower = |v: &mut i64, x: i64| {
            if x < *v {
                *v = x;
                changed = true;
            }
        };
        for s in 0..n {
            if plat[s] < inf {
                let x = plat[s] + change;
                lower(&mut board[s], x);
                for &(y, secs) in &transfers[s] {
                    let x = plat[s] + secs as i64;
                    lower(&mut plat[y.i()], x);
                }
            }
        }
        for p in tt.patterns() {
            for k in 0..p.stations.len() - 1 {
                let b = board[p.stations[k].i()];
                if b == inf {
                    continue;
                }
                for &s in &p.starts {
                    if s + p.depart[k] >= b {
                        for (m, &r) in p.ride[k].iter().enumerate() {
                            lower(&mut plat[p.stations[k + 1 + m].i()], s + p.depart[k] + r as i64);
                        }
                    }
                }
            }
        }
        if !changed {
            return plat.iter().map(|&x| (x < inf).then_some(x)).collect();
        }
    }
}

#[test]
fn equals_a_slow_reference_on_random_timetables() {
    let mut rng = Rng(0x5eed_0011);
    for case in 0..400 {
        let n = 2 + rng.below(9) as usize;
        let change = rng.below(900) as u32;
        let mut patterns = Vec::new();
        for _ in 0..1 + rng.below(8) {
            // a random stop sequence without repeats
            let mut st: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                st.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let m = 2 + rng.below((n - 1) as u64) as usize;
            let stations: Vec<StationIx> = st[..m].iter().map(|&i| StationIx(i as u32)).collect();
            let mut depart = vec![0i64; m];
            for d in depart.iter_mut().skip(1) {
                *d = rng.below(20_000) as i64;
            }
            let ride: Vec<Vec<u32>> = (0..m).map(|k| ((k + 1)..m).map(|_| 1 + rng.below(10_000) as u32).collect()).collect();
            let mut starts: Vec<i64> = (0..rng.below(6)).map(|_| rng.below(100_000) as i64 - 10_000).collect();
            starts.sort_unstable();
            patterns.push(Pattern { stations, depart, ride, starts, timed: true });
        }
        let mut transfers = vec![Vec::new(); n];
        for _ in 0..rng.below(3) {
            let (a, b) = (rng.below(n as u64) as usize, rng.below(n as u64) as usize);
            if a != b {
                let s = 60 + rng.below(1200) as u32;
                transfers[a].push((StationIx(b as u32), s));
                transfers[b].push((StationIx(a as u32), s));
            }
        }
        let tt = Timetable::from_parts(n, change, patterns.clone(), transfers.clone());
        for _ in 0..4 {
            let origin = rng.below(n as u64) as usize;
            let t = rng.below(90_000) as i64;
            let got = tt.earliest(StationIx(origin as u32), t, None);
            let want = reference(&tt, n, change as i64, &transfers, origin, t);
            assert_eq!(
                got, want,
                "case {case}: paste into a test:\nlet tt = Timetable::from_parts({n}, {change}, vec!{patterns:?}, vec!{transfers:?});\nassert_eq!(tt.earliest(StationIx({origin}), {t}, None), {want:?});"
            );
            // stopping early at targets gives the same labels there
            let targets: Vec<StationIx> = (0..n).filter(|_| rng.chance(0.3)).map(|i| StationIx(i as u32)).collect();
            let early = tt.earliest(StationIx(origin as u32), t, Some(&targets));
            for s in &targets {
                assert_eq!(early[s.i()], want[s.i()], "case {case}: target {s:?}");
            }
        }
    }
}

#[test]
fn on_the_real_network_never_faster_than_the_station_measure() {
    let t = tempfile::tempdir().unwrap();
    // stations open in both years (濮阳东 and 郑州航空港 opened in 2022)
    let pairs = "from,to\n郑州东,信阳东\n郑州东,洛阳龙门\n郑州东,开封北\n郑州,焦作\n郑州东,南阳东\n焦作,信阳东\n郑州东,济南西\n郑州东,郑州\n";
    std::fs::write(t.path().join("p.csv"), pairs).unwrap();
    for sc in ["asbuilt-2020", "asbuilt-2025"] {
        let path = repo().join(format!("scenarios/{sc}.toml")).display().to_string();
        let args = ["od", &path, "--pairs", "p.csv", "--window", "06:30-10:00"];
        let (code, out, err) = run(t.path(), &[&args[..], &["--threads", "1"]].concat());
        assert_eq!(code, 0, "{err}");
        let (code, out2, err) = run(t.path(), &[&args[..], &["--threads", "2"]].concat());
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, out2, "the same bytes at any thread count");
        let r = rows(&out);
        assert_eq!(r.len(), 8);
        for x in &r {
            assert_eq!(x["departures"], "210");
            let st: f64 = x["station_minutes"].parse().unwrap_or_else(|_| panic!("{sc}: {x:?}"));
            let ps: Vec<f64> = ["p5_minutes", "p25_minutes", "p50_minutes", "p75_minutes", "p95_minutes"].iter().map(|k| x[*k].parse().unwrap_or_else(|_| panic!("{sc} {k}: {x:?}"))).collect();
            assert!(ps[0] >= st, "{sc}: waiting never makes a trip faster than the station measure: {x:?}");
            assert!(ps.windows(2).all(|w| w[0] <= w[1]), "{sc}: percentiles in order: {x:?}");
            // every minute reaches the destination: trains run all day on these lines
            assert_eq!(x["reached"], "210", "{sc}: {x:?}");
        }
    }
    // the boards: from 郑州东 at 07:00 the first train that stops at 开封北 is G1892 at 07:59 (20 min ride on the
    // boards); the model's ride is the station measure's, so the trip takes at most 59 min + that
    let path = repo().join("scenarios/asbuilt-2020.toml").display().to_string();
    std::fs::write(t.path().join("k.csv"), "from,to\n郑州东,开封北\n").unwrap();
    let (code, out, err) = run(t.path(), &["od", &path, "--pairs", "k.csv", "--window", "07:00-07:01", "--percentiles", "50"]);
    assert_eq!(code, 0, "{err}");
    let x = &rows(&out)[0];
    let st: f64 = x["station_minutes"].parse().unwrap();
    let p: f64 = x["p50_minutes"].parse().unwrap();
    assert!(p <= 59.0 + st + 0.05 && p >= st, "{x:?}");
}
