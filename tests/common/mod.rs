//! Shared test helpers: a seeded random generator, random networks written as real network folders, and the
//! path of the built binary.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so every random test is reproducible.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_ringsim"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the test data folders `subs` (such as "tiny", "tiny-seeds") of tests/data into `dir`.
pub fn copy_test_data(dir: &Path, subs: &[&str]) {
    for sub in subs {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        for e in std::fs::read_dir(repo().join("tests/data").join(sub)).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.join(sub).join(e.file_name())).unwrap();
        }
    }
}

/// The longer of `length` km and the great circle between `a` and `b`, rounded up to the 0.1 km a length is written
/// with: the engine refuses a track or road shorter than the straight line between its ends.
fn at_least_straight(length: f64, a: (f64, f64), b: (f64, f64)) -> f64 {
    let straight = ringsim::units::great_circle(a.0, a.1, b.0, b.1).0;
    (length.max(straight) * 10.0).ceil() / 10.0
}

/// Writes a random network (places, stations, two rail lines, roads, connectors, cities, seeds) into `dir` and
/// returns the ids of its projects. Every rail section and road link either opened in 2010 or belongs to a project.
pub fn random_network(dir: &Path, rng: &mut Rng, n_places: usize) -> Vec<String> {
    std::fs::create_dir_all(dir.join("seeds")).unwrap();
    let projects: Vec<String> = (0..6).map(|i| format!("p{i}")).collect();
    let mut pj = String::from("project_id,name_zh,name_en,mode,category,status_zh,status_horizon,endpoints,via,opened,opened_source,doc,section,notes\n");
    for p in &projects {
        writeln!(pj, "{p},项目{p},Project {p},hsr,高速铁路,建成,2020,,,,,test,test,").unwrap();
    }
    std::fs::write(dir.join("seeds/projects.csv"), pj).unwrap();
    let mut places = String::from("place_id,name,kind,prefecture_id,prefecture,province,lon,lat,population,area_km2,source\n");
    let mut coords = Vec::new();
    for i in 0..n_places {
        // a box about 90 × 80 km, so that the random lengths below, not the straight lines, set most lengths
        let (lon, lat) = (112.0 + rng.f64(), 33.0 + rng.f64() * 0.75);
        // the positions as written (to 1e-4°), from which the engine measures the straight line between two ends
        let (lon, lat) = ((lon * 1e4).round() / 1e4, (lat * 1e4).round() / 1e4);
        coords.push((lon, lat));
        writeln!(places, "{},P{i},county,{},C{},省,{lon:.4},{lat:.4},{},{:.1},assumption: random", 100000 + i, 100000 + (i % 3) * 100, i % 3, 1000 + rng.below(100000), 10.0 + rng.f64() * 100.0).unwrap();
    }
    std::fs::write(dir.join("places.csv"), places).unwrap();
    let mut cities = String::from("city_id,name_zh,name_en,province,role,doc,section\n");
    for c in 0..3 {
        writeln!(cities, "{},C{c},C{c},省,core,test,test", 100000 + c * 100).unwrap();
    }
    std::fs::write(dir.join("seeds/cities.csv"), cities).unwrap();
    // stations: one in roughly half the places
    let mut stations = String::from("station_id,name,telecode,place_id,city,lon,lat,opened,project_id,coord_check,source\n");
    let mut st_place = Vec::new();
    for i in 0..n_places {
        if i < 3 || rng.chance(0.5) {
            let k = st_place.len();
            st_place.push(i);
            let (lon, lat) = coords[i];
            // some stations are built by a project on a line that may already be open (as 郑州航空港 was)
            let project = if k >= 3 && rng.chance(0.2) { projects[rng.below(projects.len() as u64) as usize].clone() } else { String::new() };
            writeln!(stations, "S{k},站{k},S{k},{},C{},{lon:.4},{lat:.4},,{project},single:test,assumption: random", 100000 + i, i % 3).unwrap();
        }
    }
    std::fs::write(dir.join("stations.csv"), stations).unwrap();
    let pick_project = |rng: &mut Rng| -> (String, String) {
        if rng.chance(0.6) {
            ("2010-01-01".into(), String::new())
        } else {
            (String::new(), projects[rng.below(projects.len() as u64) as usize].clone())
        }
    };
    let mut lines = String::from("line_id,name_zh,name_en,mode,design_speed_kmh,source\n");
    let mut sections = String::from("section_id,line_id,seq,from_station,to_station,length_km,design_speed_kmh,operating_speed_kmh,opened,project_id,source\n");
    let modes = ["hsr", "conventional", "intercity"];
    let mut services = String::from("service_id,class,max_kmh,trains_per_day,route,stops,unknown,reverses,source\n");
    for l in 0..3 {
        writeln!(lines, "l{l},线{l},Line {l},{},350,assumption: random", modes[l]).unwrap();
        let mut order: Vec<usize> = (0..st_place.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i as u64 + 1) as usize);
        }
        let len = 2 + rng.below(order.len().min(8) as u64 - 1) as usize;
        for s in 0..len.min(order.len()) - 1 {
            let (o, p) = pick_project(rng);
            let v = [120, 160, 200, 250, 300][rng.below(5) as usize];
            let length = at_least_straight(5.0 + rng.f64() * 80.0, coords[st_place[order[s]]], coords[st_place[order[s + 1]]]);
            writeln!(sections, "l{l}:{s},l{l},{},S{},S{},{length:.1},350,{v},{o},{p},assumption: random", s + 1, order[s], order[s + 1]).unwrap();
        }
        // a timetable service on part of the line, in one or both directions, with random stops and stations
        // whose stop is unknown
        let n = len.min(order.len());
        let a = rng.below(n as u64 - 1) as usize;
        let b = a + 1 + rng.below((n - a - 1) as u64) as usize;
        let route: Vec<usize> = order[a..=b].to_vec();
        let mut stops = Vec::new();
        let mut unknown = Vec::new();
        let mut reverses = Vec::new();
        for (k, st) in route.iter().enumerate() {
            if k == 0 || k == route.len() - 1 || rng.chance(0.4) {
                stops.push(format!("S{st}"));
                if k > 0 && k < route.len() - 1 && rng.chance(0.3) {
                    reverses.push(format!("S{st}"));
                }
            } else if rng.chance(0.5) {
                unknown.push(format!("S{st}"));
            }
        }
        let ids: Vec<String> = route.iter().map(|s| format!("S{s}")).collect();
        let class = modes[l];
        let vmax = [160, 250, 350][rng.below(3) as usize];
        writeln!(services, "t{l},{class},{vmax},{},{},{},{},{},assumption: random", 1 + rng.below(40), ids.join("|"), stops.join("|"), unknown.join("|"), reverses.join("|")).unwrap();
        if rng.chance(0.5) {
            let (mut r, mut st, mut un) = (ids.clone(), stops.clone(), unknown.clone());
            r.reverse();
            st.reverse();
            un.reverse();
            writeln!(services, "t{l}r,{class},{vmax},{},{},{},{},,assumption: random", 1 + rng.below(40), r.join("|"), st.join("|"), un.join("|")).unwrap();
        }
    }
    std::fs::write(dir.join("services.csv"), services).unwrap();
    std::fs::write(dir.join("rail_lines.csv"), lines).unwrap();
    std::fs::write(dir.join("rail_sections.csv"), sections).unwrap();
    std::fs::write(dir.join("speed_changes.csv"), "line_id,effective,operating_speed_kmh,source\n").unwrap();
    let mut roads = String::from("link_id,from_place,to_place,class,route,length_km,opened,project_id,source\n");
    let mut k = 0;
    for i in 1..n_places {
        // a spanning path keeps every place reachable by road
        let j = rng.below(i as u64) as usize;
        let length = at_least_straight(5.0 + rng.f64() * 60.0, coords[i], coords[j]);
        writeln!(roads, "r{k},{},{},trunk,,{length:.1},,,assumption: random", 100000 + i, 100000 + j).unwrap();
        k += 1;
    }
    for _ in 0..n_places {
        let (a, b) = (rng.below(n_places as u64) as usize, rng.below(n_places as u64) as usize);
        if a != b {
            let (o, p) = pick_project(rng);
            let length = at_least_straight(5.0 + rng.f64() * 100.0, coords[a], coords[b]);
            writeln!(roads, "r{k},{},{},expressway,G1,{length:.1},{o},{p},assumption: random", 100000 + a, 100000 + b).unwrap();
            k += 1;
        }
    }
    std::fs::write(dir.join("road_links.csv"), roads).unwrap();
    let mut conn = String::from("from_id,to_id,kind,length_km,minutes,opened,source\n");
    for (k, &p) in st_place.iter().enumerate() {
        writeln!(conn, "{},S{k},access,{:.1},,,assumption: random", 100000 + p, 1.0 + rng.f64() * 15.0).unwrap();
    }
    std::fs::write(dir.join("connectors.csv"), conn).unwrap();
    let mut cities = String::from("city_id,name,seat_place_id,stations,source\n");
    for c in 0..3 {
        writeln!(cities, "{},C{c},{},S{c},assumption: random", 100000 + c * 100, 100000 + c).unwrap();
    }
    std::fs::write(dir.join("cities.csv"), cities).unwrap();
    // half the networks count junctions for dwell only over the sections open in 2010 (rail.hub_lines_as_of)
    let params = std::fs::read_to_string(repo().join("tests/data/tiny/params.toml")).unwrap();
    let params = if rng.chance(0.5) { params.replace("unknown_stop_ratio = 0.5\n", "unknown_stop_ratio = 0.5\nhub_lines_as_of = \"2010-06-30\"\n") } else { params };
    assert!(params.contains("unknown_stop_ratio = 0.5\n"));
    std::fs::write(dir.join("params.toml"), params).unwrap();
    std::fs::write(
        dir.join("network.toml"),
        "format = 1\nname = \"random\"\ndescription = \"random test network\"\nseeds = \"seeds\"\ndefault_origin = \"100000\"\nbbox = [100.0, 20.0, 130.0, 50.0]\n",
    )
    .unwrap();
    // the projects something is assigned to: a scenario may not add a project with nothing in the network
    let used = |p: &str| {
        ["stations.csv", "rail_sections.csv", "road_links.csv"].iter().any(|f| {
            let text = std::fs::read_to_string(dir.join(f)).unwrap_or_default();
            text.lines().skip(1).any(|l| l.split(',').any(|x| x == p))
        })
    };
    projects.into_iter().filter(|p| used(p)).collect()
}

/// Writes a scenario for `net_dir` with the given projects added.
pub fn scenario(path: &Path, net_dir: &Path, name: &str, measure: &str, add: &[String]) {
    let list: Vec<String> = add.iter().map(|p| format!("\"{p}\"")).collect();
    std::fs::write(
        path,
        format!(
            "format = 1\nname = \"{name}\"\nnetwork = \"{}\"\nas_of = \"2016-12-31\"\nmeasure = \"{measure}\"\n[projects]\nadd = [{}]\n",
            net_dir.display(),
            list.join(", ")
        ),
    )
    .unwrap();
}

/// Every bundled scenario file: `scenarios/*.toml` and the region folders `scenarios/<region>/*.toml` (not the
/// orders files in `scenarios/orders/`), sorted.
#[allow(dead_code)]
pub fn bundled_scenarios() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![repo().join("scenarios")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "orders") {
                    dirs.push(p);
                }
            } else if p.extension().is_some_and(|e| e == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
