//! The departure-window search (`ringsim od --window`): by hand on the tiny network with clock times, against a
//! slow fixed-point reference on hundreds of random timetables and on the real one, and invariants on the real
//! network (never faster than the station measure, percentiles in order, the same bytes at any thread count).

mod common;
use common::{bin, repo, Rng};
use ringsim::network::StationIx;
use ringsim::units::Seconds;
use ringsim::window::{percentile, Pattern, Timetable, DRAWS};
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
         S2,hsr,350,1,SBB|SAA,SBB|SAA,arr@SAA=12:00,assumption: test\n\
         S3,hsr,350,1,SAA|SBB|SCC,SAA|SBB|SCC,dep@SBB=15:00,assumption: test\n",
    )
    .unwrap();
    // 丙站 opens with the project p-hsr-bc (SBB–SCC); the tiny line's default stopping services are taken out
    std::fs::write(
        t.path().join("sc.toml"),
        "format = 1\nname = \"w\"\nnetwork = \"tiny\"\nas_of = \"2016-12-31\"\n[projects]\nadd = [\"p-hsr-bc\"]\n[services]\nremove = [\"l1:stopping:1\", \"l1:stopping:1:rev\"]\n",
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
    assert_eq!((r[0]["window"].as_str(), r[0]["draws"].as_str(), r[0]["departure_minutes"].as_str(), r[0]["reached"].as_str()), ("07:30-08:30", "1", "60", "60"));
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

    // S3 runs 甲站–乙站–丙站 with its board time at the middle stop: it leaves 乙站 at 15:00, and 甲站 as much
    // earlier as the physics gives: T(甲站 → 丙站) − T(乙站 → 丙站) before 15:00 (riding on from 甲站 or boarding at
    // 乙站 reaches 丙站 together), never before it arrives at 乙站 after T(甲站 → 乙站)
    std::fs::write(t.path().join("q.csv"), "from,to\nSAA,SBB\nSBB,SCC\nSAA,SCC\n").unwrap();
    let (code, out, err) = run(t.path(), &["od", "sc.toml", "--pairs", "q.csv"]);
    assert_eq!(code, 0, "{err}");
    let st: Vec<u32> = rows(&out).iter().map(|x| (x["minutes"].parse::<f64>().unwrap() * 60.0).round() as u32).collect();
    let (t_ab, t_bc, t_ac) = (st[0], st[1], st[2]);
    let off_b = (t_ac - t_bc).max(t_ab); // 乙站's departure after 甲站's
    let leaves_a = 15 * 3600 - off_b;
    // from 乙站 at 14:00: wait until 15:00, then T(乙站 → 丙站)
    let (code, out, err) = run(t.path(), &["od", "sc.toml", "--pairs", "q.csv", "--window", "14:00-14:01", "--percentiles", "50"]);
    assert_eq!(code, 0, "{err}");
    let r = rows(&out);
    assert_eq!(r[1]["p50_minutes"], mins(3600 + t_bc), "{r:?}");
    // from 甲站 at 14:00: wait until S3 leaves 甲站 (S1's last train has gone at 09:00), then ride to 丙站
    assert_eq!(r[2]["p50_minutes"], mins(leaves_a - 14 * 3600 + t_ac), "{r:?}");
    // boarding at 甲站 one second late is not possible: a window from just after its departure waits for tomorrow
    let late = leaves_a + 60 - leaves_a % 60;
    let w = format!("{:02}:{:02}-{:02}:{:02}", late / 3600, late % 3600 / 60, (late + 60) / 3600, (late + 60) % 3600 / 60);
    let (code, out, err) = run(t.path(), &["od", "sc.toml", "--pairs", "q.csv", "--window", &w, "--percentiles", "50"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(rows(&out)[2]["p50_minutes"], mins(86_400 + leaves_a - late + t_ac), "{w}");
}

/// A service without clock times runs at even headways from 06:00 at a drawn phase: over a window of one headway,
/// every draw's waits are φ, φ + 1 min, …, so the median trip lies between T + 29 and T + 30 min.
#[test]
fn even_headways_over_the_drawn_phases() {
    let t = tempfile::tempdir().unwrap();
    common::copy_test_data(t.path(), &["tiny", "tiny-seeds"]);
    // 2 trains over the 2-hour service day of tiny/params.toml (06:00–08:00): one an hour
    let text = std::fs::read_to_string(t.path().join("tiny/params.toml")).unwrap();
    assert!(text.contains("service_hours = 2.0"), "the test assumes a 2-hour service day");
    std::fs::write(
        t.path().join("sc.toml"),
        "format = 1\nname = \"e\"\nnetwork = \"tiny\"\nas_of = \"2016-12-31\"\n[services]\nremove = [\"l1:stopping:1\", \"l1:stopping:1:rev\"]\n\
         [[services.add]]\nid = \"E\"\nclass = \"hsr\"\nroute = [\"SAA\", \"SBB\"]\ntrains_per_day = 2\nsource = \"assumption: test\"\nboth_directions = false\n",
    )
    .unwrap();
    std::fs::write(t.path().join("p.csv"), "from,to\nSAA,SBB\n").unwrap();
    let (code, out, err) = run(t.path(), &["od", "sc.toml", "--pairs", "p.csv"]);
    assert_eq!(code, 0, "{err}");
    let tsec = (rows(&out)[0]["minutes"].parse::<f64>().unwrap() * 60.0).round() as u32;
    let (code, out, err) = run(t.path(), &["od", "sc.toml", "--pairs", "p.csv", "--window", "06:00-07:00", "--percentiles", "50,100,1"]);
    assert_eq!(code, 0, "{err}");
    let x = &rows(&out)[0];
    assert_eq!(x["draws"], DRAWS.to_string());
    assert_eq!(x["departure_minutes"], (60 * DRAWS).to_string());
    // (minutes are printed to 0.1: ±3 s)
    let m = |k: &str| (x[k].parse::<f64>().unwrap() * 60.0).round() as u32;
    assert!(m("p50_minutes") + 3 >= tsec + 29 * 60 && m("p50_minutes") <= tsec + 30 * 60 + 3, "{x:?}");
    // the longest wait is below a headway, the shortest below a minute
    assert!(m("p100_minutes") <= tsec + 3600 + 3 && m("p100_minutes") + 3 >= tsec + 59 * 60, "{x:?}");
    assert!(m("p1_minutes") <= tsec + 60 + 3, "{x:?}");
    // columns in the order asked for
    let h: Vec<&str> = out.lines().next().unwrap().split(',').collect();
    assert_eq!(&h[h.len() - 3..], &["p50_minutes", "p100_minutes", "p1_minutes"]);
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
            let ride: Vec<Vec<u32>> = (0..m).map(|k| ((k + 1)..m).map(|_| 1 + rng.below(10_000) as u32).collect()).collect();
            // each stop its own sorted departures (trains need not keep their order between stops)
            let deps: Vec<Vec<i64>> = (0..m)
                .map(|k| {
                    let mut v: Vec<i64> = if k + 1 < m { (0..rng.below(6)).map(|_| rng.below(100_000) as i64 - 10_000).collect() } else { Vec::new() };
                    v.sort_unstable();
                    v
                })
                .collect();
            patterns.push(Pattern { stations, ride, deps });
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
            let want = tt.earliest_reference(StationIx(origin as u32), t);
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
            assert_eq!(x["departure_minutes"], (210 * x["draws"].parse::<u32>().unwrap()).to_string());
            let st: f64 = x["station_minutes"].parse().unwrap_or_else(|_| panic!("{sc}: {x:?}"));
            let ps: Vec<f64> = ["p5_minutes", "p25_minutes", "p50_minutes", "p75_minutes", "p95_minutes"].iter().map(|k| x[*k].parse().unwrap_or_else(|_| panic!("{sc} {k}: {x:?}"))).collect();
            assert!(ps[0] >= st, "{sc}: waiting never makes a trip faster than the station measure: {x:?}");
            assert!(ps.windows(2).all(|w| w[0] <= w[1]), "{sc}: percentiles in order: {x:?}");
            // every minute reaches the destination: trains run all day on these lines
            assert_eq!(x["reached"], x["departure_minutes"], "{sc}: {x:?}");
        }
    }
    // the boards: G1892 leaves 郑州东 at 07:59 (station_schedules_2021.csv) and stops at 开封北, its fastest stop
    // there; at 07:59 it is boarded at once, every draw: the station measure's time
    let path = repo().join("scenarios/asbuilt-2020.toml").display().to_string();
    std::fs::write(t.path().join("k.csv"), "from,to\n郑州东,开封北\n").unwrap();
    let (code, out, err) = run(t.path(), &["od", &path, "--pairs", "k.csv", "--window", "07:59-08:00", "--percentiles", "100"]);
    assert_eq!(code, 0, "{err}");
    let x = &rows(&out)[0];
    assert_eq!(x["p100_minutes"], x["station_minutes"], "{x:?}");
    // from 07:00 no draw waits longer than for G1892
    let (code, out, err) = run(t.path(), &["od", &path, "--pairs", "k.csv", "--window", "07:00-07:01", "--percentiles", "100"]);
    assert_eq!(code, 0, "{err}");
    let x = &rows(&out)[0];
    let st: f64 = x["station_minutes"].parse().unwrap();
    let p: f64 = x["p100_minutes"].parse().unwrap();
    assert!(p <= 59.0 + st + 0.05 && p >= st, "{x:?}");
}

#[test]
fn equals_the_slow_reference_on_the_real_timetable() {
    // the search against the fixed-point reference on asbuilt-2025's trains (each timed train a pattern of its own,
    // riding its own times; the services at even headways at one draw), from three origins at two minutes
    let loaded = ringsim::app::load(&[repo().join("scenarios/asbuilt-2025.toml")]).unwrap();
    let b = loaded.bind_all().unwrap().remove(0);
    let g = ringsim::graph::Graph::build(&b);
    let sch = ringsim::window::Schedules::build(&b, &g);
    let tt = sch.timetable(3);
    for id in ["ZAF", "ZZF", "LLF"] {
        let origin = b.net.station(id).unwrap();
        for t in [7 * 3600 + 1234, 18 * 3600] {
            let got = tt.earliest(origin, t, None);
            assert_eq!(got, tt.earliest_reference(origin, t), "from {id} at {t} s: the search and the reference differ");
            assert!(got.iter().filter(|x| x.is_some()).count() > 100, "from {id}: most stations reached");
        }
    }
}
