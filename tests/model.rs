//! Hand-computed times on the tiny network (tests/data/tiny), and the invariants on random networks: opening a
//! project never lengthens a trip, and the rings nest.

mod common;
use common::{random_network, repo, scenario, Rng};
use ringsim::app::load;
use ringsim::graph::Graph;
use ringsim::rings::Reach;
use ringsim::scenario::Measure;
use ringsim::units::Seconds;
use std::path::PathBuf;

fn tiny(name: &str) -> PathBuf {
    repo().join("tests/data/tiny-scenarios").join(name)
}

fn reach_of(path: &std::path::Path) -> (Vec<Option<Seconds>>, Vec<Option<Seconds>>, Vec<Option<Seconds>>, Vec<Option<Seconds>>) {
    let l = load(&[path.to_path_buf()]).unwrap();
    let b = l.bind_all().unwrap().remove(0);
    let g = Graph::build(&b);
    let r = Reach::compute(&b, &g);
    (
        r.places.iter().map(|t| t.station).collect(),
        r.places.iter().map(|t| t.door).collect(),
        r.cities.iter().map(|t| t.station).collect(),
        r.cities.iter().map(|t| t.door).collect(),
    )
}

fn m(x: f64) -> Option<Seconds> {
    Some(Seconds((x * 60.0).round() as u32))
}

#[test]
fn tiny_base_by_hand() {
    // Rail 甲站→乙站 (the default stopping train; tests/data/tiny/params.toml): 100 km at 300 km/h = 1200 s, + 60 s
    // accelerating (v/2a = (250/3 m/s) / (2 × 25/36 m/s²)) + 60 s braking = 22.0 min.
    // Egress 乙站→乙区: 5 km at 30 km/h = 600 s + alighting 300 s. 乙区→丙区 trunk 80 km at 60 km/h = 80 min.
    // 丙区→丁县 trunk 30 km = 30 min. Door: access 甲区→甲站 10 km = 20 min + boarding 10 min + the expected wait
    // (2 h / 6 trains / 2 = 10 min) + 22 + 15 = 77 min, beaten by the G1 expressway 甲区→乙区, 120 km at 100 km/h
    // = 72 min.
    let (st, door, cst, cdoor) = reach_of(&tiny("base.toml"));
    assert_eq!(st, vec![m(0.0), m(22.0), m(22.0 + 15.0 + 80.0), m(22.0 + 15.0 + 80.0 + 30.0)]);
    assert_eq!(door, vec![m(0.0), m(72.0), m(72.0 + 80.0), m(72.0 + 80.0 + 30.0)]);
    assert_eq!(cst, vec![m(0.0), m(22.0), m(117.0)]);
    assert_eq!(cdoor, vec![m(0.0), m(72.0), m(152.0)]);
}

#[test]
fn tiny_projects_by_hand() {
    // p-hsr-bc adds 乙站–丙站 60 km (12 min). The line now has a section no timetable covers, so it also gets a
    // default express stopping only at its ends: 甲站→丙站 = 20 + 12 + 1 (acceleration) + 1 (braking) = 34 min,
    // faster than the stopping train's 20 + 12 + 2 + 2 (a stop at 乙站: braking, acceleration) + 1 (dwell) = 37.
    let (st, door, cst, _) = reach_of(&tiny("plan.toml"));
    assert_eq!(cst[2], m(34.0));
    assert_eq!(st[2], m(34.0));
    assert_eq!(st[3], m(34.0 + 15.0 + 30.0));
    // door: 30 (access, boarding) + 15 (egress) + the express and the stopping train, 6 trains each in 2 h, both
    // worth taking (the express alone: 10 min wait + 34 = 44 > 37): half their combined headway, 5 min, + their mean
    // ride, 35.5 min
    assert_eq!(door[2], m(30.0 + 5.0 + 35.5 + 15.0));
    // full also adds the 甲–丁 expressway (150 km at 100 km/h = 90 min), faster than 85.5 + 30 = 115.5.
    let (_, door, _, cdoor) = reach_of(&tiny("full.toml"));
    assert_eq!(door[3], m(90.0));
    assert_eq!(cdoor[2], m(85.5));
}

#[test]
fn opening_projects_never_slows_a_trip_and_rings_nest() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Rng(2016_12_28);
    for case in 0..40 {
        let net = dir.path().join(format!("net{case}"));
        let n = 8 + rng.below(25) as usize;
        let projects = random_network(&net, &mut rng, n);
        // a chain of growing project sets: none, a random subset, all
        let mut subset: Vec<String> = projects.iter().filter(|_| rng.chance(0.5)).cloned().collect();
        subset.sort();
        let sets = [Vec::new(), subset, projects.clone()];
        for measure in ["station", "door"] {
            let mut prev: Option<Vec<Option<Seconds>>> = None;
            for (k, set) in sets.iter().enumerate() {
                let sc = dir.path().join(format!("s{case}-{measure}-{k}.toml"));
                scenario(&sc, &net, &format!("s{k}"), measure, set);
                let l = load(&[sc.clone()]).unwrap();
                let b = l.bind_all().unwrap().remove(0);
                assert_eq!(b.sc.measure, if measure == "door" { Measure::Door } else { Measure::Station });
                let g = Graph::build(&b);
                let r = Reach::compute(&b, &g);
                let mut times: Vec<Option<Seconds>> = r.places.iter().map(|t| t.get(b.sc.measure)).collect();
                times.extend(r.stations.iter().map(|t| t.get(b.sc.measure)));
                times.extend(r.cities.iter().map(|t| t.get(b.sc.measure)));
                if let Some(p) = &prev {
                    for (i, (a, bb)) in p.iter().zip(&times).enumerate() {
                        let slower = match (a, bb) {
                            (Some(x), Some(y)) => y > x,
                            (Some(_), None) => true,
                            _ => false,
                        };
                        assert!(!slower, "case {case} {measure}: node {i} got slower from set {} to {}: {a:?} → {bb:?} (network in {})", k - 1, k, net.display());
                    }
                }
                // rings nest: population, counties and cities never shrink with the cutoff
                let s = r.summaries(b.net);
                for w in s.windows(2) {
                    assert!(w[0].population <= w[1].population && w[0].counties <= w[1].counties);
                    assert!(w[0].cities.iter().all(|c| w[1].cities.contains(c)), "case {case}: 30 ⊄ 60 ⊄ 90");
                }
                prev = Some(times);
            }
        }
    }
}

#[test]
fn origin_stations_narrow_the_station_measure() {
    // Starting only from 郑州东 (as official claims are stated) can only lengthen station-measure times; the
    // default (every 郑州 station) is the same as listing them all. An unknown station is an error naming the field.
    let t = tempfile::tempdir().unwrap();
    let base = repo().join("scenarios/asbuilt-2025.toml");
    let text = std::fs::read_to_string(&base).unwrap().replace("network = \"../networks/zhongyuan\"", &format!("network = \"{}\"", repo().join("networks/zhongyuan").display()));
    let write = |name: &str, extra: &str| {
        let p = t.path().join(format!("{name}.toml"));
        std::fs::write(&p, text.replace("name = \"asbuilt-2025\"", &format!("name = \"{name}\"")).replace("measure = \"station\"", &format!("measure = \"station\"\n{extra}"))).unwrap();
        p
    };
    let east = write("east", "origin_stations = [\"郑州东\"]");
    let all = write("all", "origin_stations = [\"郑州\", \"郑州东\", \"郑州西\", \"郑州航空港\"]");
    let (d_st, _, _, _) = reach_of(&base);
    let (e_st, _, _, _) = reach_of(&east);
    let (a_st, _, _, _) = reach_of(&all);
    assert_eq!(a_st, d_st, "listing every 郑州 station is the default");
    assert!(e_st.iter().zip(&d_st).all(|(e, d)| match (e, d) {
        (Some(e), Some(d)) => e >= d,
        (None, _) => true,
        (Some(_), None) => false,
    }));
    assert!(e_st.iter().zip(&d_st).any(|(e, d)| e != d), "郑州东 alone must be slower somewhere (航空港's own units)");
    let bad = write("bad", "origin_stations = [\"郑州北站\"]");
    let err = load(&[bad]).unwrap().bind_all().err().unwrap().to_string();
    assert!(err.contains("origin_stations") && err.contains("郑州北站"), "{err}");
}
