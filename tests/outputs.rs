//! `ringsim matrix`, `graph` and `indicators` (issue 6): indicators against hand-computed values on the tiny
//! network; the matrix against `od` and `run`; the exported graph against `run` through an independent Dijkstra, and
//! against `run` and `od` through the README's recipe in Python (`tools/check/graph_export.py`).

mod common;
use common::{bin, repo};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> String {
    let o = Command::new(bin()).args(args).current_dir(dir).output().expect("run ringsim");
    assert!(o.status.success(), "ringsim {args:?} failed:\n{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn fail(dir: &Path, args: &[&str]) -> String {
    let o = Command::new(bin()).args(args).current_dir(dir).output().expect("run ringsim");
    assert_eq!(o.status.code(), Some(2), "ringsim {args:?} should exit 2");
    String::from_utf8(o.stderr).unwrap()
}

/// Rows of a CSV text as maps from column to value.
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().unwrap().clone();
    r.records().map(|rec| h.iter().zip(rec.unwrap().iter()).map(|(a, b)| (a.to_string(), b.to_string())).collect()).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn indicators_by_hand_on_the_tiny_network() {
    // Door times between the four units of tiny-base (see tests/model.rs for the legs): 甲–乙 72 min by the
    // expressway both ways (rail takes 77 with the 10-min expected wait), 乙–丙 80, 丙–丁 30, so 甲–丙 152,
    // 甲–丁 182, 乙–丁 110.
    // Populations 甲 1000, 乙 500, 丙 300, 丁 200.
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("tests/data/tiny-scenarios/base.toml");
    let out = run(t.path(), &["indicators", sc.to_str().unwrap(), "--nodes", "counties", "--measure", "door", "--daily", "60,120", "--alpha", "1"]);
    let r = rows(&out);
    let get = |i: usize, c: &str| r[i][c].clone();
    assert_eq!(r.len(), 4);
    // WATT 甲 = (500·72 + 300·152 + 200·182) / 1000 = 118.0; 乙 = (1000·72 + 300·80 + 200·110) / 1500 = 78.67;
    // 丙 = (1000·152 + 500·80 + 200·30) / 1700 = 116.47; 丁 = (1000·182 + 500·110 + 300·30) / 1800 = 136.67.
    assert_eq!([get(0, "watt_min"), get(1, "watt_min"), get(2, "watt_min"), get(3, "watt_min")], ["118.0", "78.7", "116.5", "136.7"]);
    // Daily accessibility includes the unit itself.
    assert_eq!([get(0, "daily_60"), get(0, "daily_120")], ["1000", "1500"]);
    assert_eq!([get(1, "daily_60"), get(1, "daily_120")], ["500", "2000"]);
    assert_eq!([get(2, "daily_60"), get(2, "daily_120")], ["500", "1000"]);
    assert_eq!([get(3, "daily_60"), get(3, "daily_120")], ["500", "1000"]);
    // Potential 甲 = 500/72 + 300/152 + 200/182 = 10.02.
    assert_eq!(get(0, "potential"), "10.0");
    // α = 2: 甲 = 500/72² + 300/152² + 200/182² = 0.1155.
    let out2 = run(t.path(), &["indicators", sc.to_str().unwrap(), "--nodes", "counties", "--measure", "door", "--alpha", "2"]);
    assert_eq!(rows(&out2)[0]["potential"], "0.1");
    // Against tiny-full (adds 乙站–丙站 and the 甲–丁 expressway): 甲–丙 = 30 + 5 (half the combined headway of the
    // express and the stopping train) + 35.5 (their mean ride) + 15 = 85.5 (tests/model.rs), 甲–丁 = 90, so WATT 甲
    // falls to (500·72 + 300·85.5 + 200·90) / 1000 = 79.65, by 38.35.
    let full = repo().join("tests/data/tiny-scenarios/full.toml");
    let cmp = run(t.path(), &["indicators", sc.to_str().unwrap(), "--compare", full.to_str().unwrap(), "--nodes", "counties", "--measure", "door", "--daily", "60,120"]);
    let c = rows(&cmp);
    assert_eq!(c[0]["watt_min_other"], "79.7");
    // (79.65 − 118.0 is −38.3499… in binary floating point: −38.3)
    assert_eq!(c[0]["watt_change_min"], "-38.3");
    assert_eq!(c[0]["daily_120_change"], "+500");
    // Bad options exit 2 with a message that says what to do.
    assert!(fail(t.path(), &["indicators", sc.to_str().unwrap(), "--alpha", "0"]).contains("positive"));
    assert!(fail(t.path(), &["indicators", sc.to_str().unwrap(), "--nodes", "stations"]).contains("[possible values: cities, counties]"));
    assert!(fail(t.path(), &["indicators", sc.to_str().unwrap(), "--daily=60,0"]).contains("thresholds"));
}

#[test]
fn matrix_agrees_with_run_and_od() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    let s = sc.to_str().unwrap();
    run(t.path(), &["run", s, "--out", "o"]);
    let cities = rows(&read(&t.path().join("o/asbuilt-2025/cities.csv")));
    for measure in ["station", "door"] {
        let m = rows(&run(t.path(), &["matrix", s, "--nodes", "cities", "--measure", measure]));
        assert_eq!(m.len(), cities.len() * cities.len());
        let from_zz: Vec<&BTreeMap<String, String>> = m.iter().filter(|r| r["from"] == "410100").collect();
        // zip stops at the shorter list: check the lengths first, or a missing row would pass unnoticed
        assert_eq!(from_zz.len(), cities.len(), "{measure}: the matrix should have one row from 郑州 per plan city");
        for (a, b) in from_zz.iter().zip(&cities) {
            assert_eq!(a["to"], b["city_id"]);
            assert_eq!(a["minutes"], b[&format!("{measure}_minutes")], "郑州 → {} ({measure})", b["name"]);
        }
        if measure == "door" {
            // od between cities is the door measure (seat to seat)
            let ids: Vec<&str> = cities.iter().take(6).map(|c| c["city_id"].as_str()).collect();
            let mut pairs = String::from("from,to\n");
            for a in &ids {
                for b in &ids {
                    pairs.push_str(&format!("{a},{b}\n"));
                }
            }
            std::fs::write(t.path().join("pairs.csv"), pairs).unwrap();
            let od = rows(&run(t.path(), &["od", s, "--pairs", "pairs.csv"]));
            let mx: HashMap<(String, String), String> = m.iter().map(|r| ((r["from"].clone(), r["to"].clone()), r["minutes"].clone())).collect();
            for r in &od {
                assert_eq!(r["minutes"], mx[&(r["from"].clone(), r["to"].clone())], "{} → {}", r["from"], r["to"]);
            }
        }
    }
    // wide and long carry the same numbers
    let long = rows(&run(t.path(), &["matrix", s, "--nodes", "counties", "--measure", "door"]));
    let wide = rows(&run(t.path(), &["matrix", s, "--nodes", "counties", "--measure", "door", "--wide"]));
    assert_eq!(wide.len() * wide.len(), long.len());
    for r in long.iter().step_by(97) {
        let row = wide.iter().find(|w| w["from"] == r["from"]).unwrap();
        // wide columns are "id name"
        let col = row.keys().find(|k| k.split(' ').next() == Some(r["to"].as_str())).unwrap_or_else(|| panic!("no column for {}", r["to"]));
        assert_eq!(row[col], r["minutes"]);
    }
    assert!(fail(t.path(), &["matrix", s, "--nodes", "towns"]).contains("cities, counties, stations"));
}

/// Plain Dijkstra over an edge list keyed by node id.
fn dijkstra(adj: &HashMap<String, Vec<(String, u64, String)>>, src: &[(String, u64)], allow: impl Fn(&str) -> bool) -> HashMap<String, u64> {
    let mut dist: HashMap<String, u64> = HashMap::new();
    let mut heap = BinaryHeap::new();
    for (s, d) in src {
        if dist.get(s).is_none_or(|&x| *d < x) {
            dist.insert(s.clone(), *d);
            heap.push(Reverse((*d, s.clone())));
        }
    }
    while let Some(Reverse((d, u))) = heap.pop() {
        if dist[&u] < d {
            continue;
        }
        for (v, w, mode) in adj.get(&u).map(|v| v.as_slice()).unwrap_or(&[]) {
            if !allow(mode) {
                continue;
            }
            let nd = d + w;
            if dist.get(v).is_none_or(|&x| nd < x) {
                dist.insert(v.clone(), nd);
                heap.push(Reverse((nd, v.clone())));
            }
        }
    }
    dist
}

fn minutes(secs: Option<&u64>) -> String {
    // the same rounding as ringsim's Minutes display: one decimal of secs / 60
    secs.map(|&s| format!("{:.1}", s as f64 / 60.0)).unwrap_or_default()
}

#[test]
fn exported_graph_reproduces_run() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    let s = sc.to_str().unwrap();
    run(t.path(), &["run", s, "--out", "o"]);
    run(t.path(), &["graph", s, "--out", "edges.csv", "--nodes", "nodes.csv"]);
    let edges = rows(&read(&t.path().join("edges.csv")));
    let nodes = rows(&read(&t.path().join("nodes.csv")));
    assert!(edges.len() > 1000);
    // two weights: running seconds (station measure), and seconds plus the expected wait (door measure)
    let mut adj: HashMap<String, Vec<(String, u64, String)>> = HashMap::new();
    let mut adj_door: HashMap<String, Vec<(String, u64, String)>> = HashMap::new();
    for e in &edges {
        let (secs, wait): (u64, u64) = (e["seconds"].parse().unwrap(), e["wait_seconds"].parse().unwrap());
        adj.entry(e["from"].clone()).or_default().push((e["to"].clone(), secs, e["mode"].clone()));
        adj_door.entry(e["from"].clone()).or_default().push((e["to"].clone(), secs + wait, e["mode"].clone()));
    }
    let city = rows(&read(&repo().join("networks/zhongyuan/cities.csv"))).into_iter().find(|c| c["city_id"] == "410100").unwrap();
    let open: HashMap<String, bool> = nodes.iter().map(|n| (n["node_id"].clone(), n["open"] == "true")).collect();
    // door: one search from the seat over every edge
    let door = dijkstra(&adj_door, &[(city["seat_place_id"].clone(), 0)], |_| true);
    // station: rail (and changes between a city's stations by metro or on foot) from the open origin stations, then
    // egress and road from every station reached
    // (a trip starts on the platform and at the boarding node of each station: no connection time)
    let starts: Vec<(String, u64)> =
        city["stations"].split('|').filter(|s| open[*s]).flat_map(|s| [(s.to_string(), 0), (format!("{s}:board"), 0)]).collect();
    let rail_modes = ["hsr", "intercity", "suburban", "conventional", "change", "metro", "walk"];
    let rail = dijkstra(&adj, &starts, |m| rail_modes.contains(&m));
    let stations: Vec<(String, u64)> = rail.iter().filter(|(k, _)| nodes.iter().any(|n| &n["node_id"] == *k && n["kind"] == "station")).map(|(k, v)| (k.clone(), *v)).collect();
    let onward = dijkstra(&adj, &stations, |m| m == "egress" || m == "expressway" || m == "trunk");
    let station_rows = rows(&read(&repo().join("networks/zhongyuan/stations.csv")));
    let reach = rows(&read(&t.path().join("o/asbuilt-2025/reach.csv")));
    let mut checked = 0;
    for r in reach.iter().filter(|r| r["kind"] != "station") {
        let id = &r["node_id"];
        assert_eq!(r["door_minutes"], minutes(door.get(id)), "door time of {id} {}", r["name"]);
        let own = station_rows.iter().filter(|s| &s["place_id"] == id && open[&s["station_id"]]).filter_map(|s| rail.get(&s["station_id"]).copied());
        let best = own.chain(onward.get(id).copied()).min();
        assert_eq!(r["station_minutes"], minutes(best.as_ref()), "station time of {id} {}", r["name"]);
        checked += 1;
    }
    // 382 places + 30 outside units holding the 京沪, 合蚌, 合宁, 石太, 合武, 石济, conventional 石太 and 汉十 stations
    // (the corridors of the second batch added 12: 藁城区, 石家庄高新区, 辛集市, 景县, 衡水高新区, 裕安区, 金寨县,
    // 德州经开区, 江汉区, 黄陂区, 阳泉 城区, 寿阳县; 汉十 added 8: 云梦县, 安陆市, 曾都区, 随县, 枣阳市, 谷城县,
    // 丹江口市 and 张湾区, the last two for 武当山西 and 十堰东; 石济 south of 德州东 added 3: 平原县, 禹城市, 齐河县)
    assert_eq!(checked, 412);
}

/// The README's recipe for the exported graph, as a networkx user would follow it, in Python
/// (`tools/check/graph_export.py`, standard library only): `run`'s door and station times of every place, station
/// and plan city, and `od`'s for pairs of every kind of endpoint under both measures. Skipped without python3.
#[test]
fn graph_recipe_in_python_reproduces_run_and_od() {
    if Command::new("python3").arg("--version").output().map(|o| !o.status.success()).unwrap_or(true) {
        eprintln!("SKIPPED graph_recipe_in_python_reproduces_run_and_od: python3 not found");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    let s = sc.to_str().unwrap();
    run(t.path(), &["run", s, "--out", "o"]);
    run(t.path(), &["graph", s, "--out", "edges.csv", "--nodes", "nodes.csv"]);
    // cities, places (a county, a district), stations (郑州东 ZAF, 开封北 KBF, 洛阳龙门 LLF, 信阳东 OYN), mixed
    let pairs = "from,to\n410300,411500\n410225,411502\nZAF,KBF\nZAF,411502\n410300,ZAF\n411502,410300\nLLF,OYN\n410225,ZAF\n";
    std::fs::write(t.path().join("pairs.csv"), pairs).unwrap();
    for m in ["door", "station"] {
        let od = run(t.path(), &["od", s, "--pairs", "pairs.csv", "--measure", m]);
        std::fs::write(t.path().join(format!("od-{m}.csv")), od).unwrap();
    }
    let net = repo().join("networks/zhongyuan");
    let script = repo().join("tools/check/graph_export.py");
    let o = Command::new("python3")
        .arg(&script)
        .args(["--edges", "edges.csv", "--nodes", "nodes.csv", "--network", net.to_str().unwrap(), "--origin", "410100"])
        .args(["--reach", "o/asbuilt-2025/reach.csv", "--cities", "o/asbuilt-2025/cities.csv", "--od", "od-door.csv", "--od", "od-station.csv"])
        .current_dir(t.path())
        .output()
        .expect("run python3");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "the graph recipe does not reproduce ringsim:\n{out}{}", String::from_utf8_lossy(&o.stderr));
    // 661 reach.csv rows (412 places, 249 stations), 30 plan cities, 16 od pairs
    assert!(out.contains("707 of 707 times reproduced"), "{out}");
}

#[test]
fn run_od_and_matrix_agree_on_station_pairs() {
    // One engine: the station measure from 郑州东 alone gives the same minutes in run (a scenario whose
    // origin_stations is 郑州东), in od (station pairs) and in matrix (--nodes stations).
    let t = tempfile::tempdir().unwrap();
    let net = repo().join("networks/zhongyuan");
    let sc = t.path().join("zzd.toml");
    std::fs::write(
        &sc,
        format!(
            "format = 1\nname = \"zzd\"\nnetwork = \"{}\"\norigin = \"郑州\"\norigin_stations = [\"郑州东\"]\nas_of = \"2025-12-31\"\nmeasure = \"station\"\n",
            net.display()
        ),
    )
    .unwrap();
    let s = sc.to_str().unwrap();
    run(t.path(), &["run", s, "--out", "o"]);
    let reach = rows(&read(&t.path().join("o/zzd/reach.csv")));
    let stations: Vec<&BTreeMap<String, String>> = reach.iter().filter(|r| r["kind"] == "station" && !r["station_minutes"].is_empty()).collect();
    assert!(stations.len() > 100, "most stations are reached by train");
    let mut pairs = String::from("from,to\n");
    for r in &stations {
        pairs.push_str(&format!("郑州东,{}\n", r["node_id"]));
    }
    std::fs::write(t.path().join("pairs.csv"), pairs).unwrap();
    let od = rows(&run(t.path(), &["od", s, "--pairs", "pairs.csv"]));
    assert_eq!(od.len(), stations.len());
    let m = rows(&run(t.path(), &["matrix", s, "--nodes", "stations", "--measure", "station"]));
    let zzd_id = rows(&read(&net.join("stations.csv"))).into_iter().find(|r| r["name"] == "郑州东").unwrap()["station_id"].clone();
    let mx: HashMap<String, (String, String)> = m.iter().filter(|r| r["from"] == zzd_id).map(|r| (r["to"].clone(), (r["minutes"].clone(), r["mode"].clone()))).collect();
    let mut checked = 0;
    for (r, o) in stations.iter().zip(&od) {
        assert_eq!(o["measure"], "station");
        assert_eq!(o["to"], r["node_id"]);
        assert_eq!(o["minutes"], r["station_minutes"], "od and run differ for 郑州东 → {}", r["name"]);
        assert_eq!(mx[&r["node_id"]].0, r["station_minutes"], "matrix and run differ for 郑州东 → {}", r["name"]);
        // and the same path: od's mode is run's (the scenario's measure is the station measure) and matrix's
        assert_eq!(o["mode"], r["mode"], "od and run give 郑州东 → {} different paths", r["name"]);
        assert_eq!(mx[&r["node_id"]].1, r["mode"], "matrix and run give 郑州东 → {} different paths", r["name"]);
        assert!(o["mode"] == "origin" || o["mode"].starts_with("hsr") || o["mode"].starts_with("intercity") || o["mode"].starts_with("conventional") || o["mode"].starts_with("suburban") || o["mode"].starts_with("metro") || o["mode"].starts_with("walk"), "a station pair by rail: {o:?}");
        match r["node_id"].as_str() {
            // one train on the boards (20 min, README)
            "KBF" => assert_eq!(o["mode"], "hsr", "郑州东 → 开封北"),
            // by a change onto 太焦's trains (README, "The model": the through train is slower)
            "TNV" => assert_eq!(o["mode"], "hsr+change+hsr", "郑州东 → 太原南"),
            _ => {}
        }
        checked += usize::from(["KBF", "TNV"].contains(&r["node_id"].as_str()));
    }
    assert_eq!(checked, 2, "开封北 and 太原南 are among the stations reached");
}
