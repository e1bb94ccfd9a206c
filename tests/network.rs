//! Checks of the bundled 中原 network: it loads (which checks ids, references, positive lengths and speeds,
//! coordinates in the bounding box and sources), and holds what the plan and the issue ask for.

mod common;
use common::repo;
use ringsim::network::{Network, PlaceKind};
use std::collections::BTreeSet;

fn net() -> Network {
    Network::load(&repo().join("networks/zhongyuan")).unwrap()
}

#[test]
fn population_adds_up_to_the_census() {
    let n = net();
    let region: Vec<_> = n.places.iter().filter(|p| p.kind != PlaceKind::Outside).collect();
    // 305 census units of the region, 164,576,876 residents (2020 census, shared census2020/).
    assert_eq!(region.len(), 305);
    assert_eq!(n.region_population(), 164_576_876);
    let henan: u64 = region.iter().filter(|p| p.province == "河南省").map(|p| p.population).sum();
    // Henan's census total is 99,365,519 (shared data README); the 中原 region holds all of it.
    assert_eq!(henan, 99_365_519);
    let zz: u64 = region.iter().filter(|p| p.prefecture_id == "410100").map(|p| p.population).sum();
    assert_eq!(zz, 12_600_574);
}

#[test]
fn thirty_plan_cities_each_with_a_seat_and_stations() {
    let n = net();
    assert_eq!(n.cities.len(), 30);
    assert_eq!(n.cities.iter().filter(|c| c.role == "core").count(), 14);
    for c in &n.cities {
        assert!(!c.stations.is_empty(), "{} has no station", c.name);
        assert_eq!(n.places[c.seat.i()].prefecture_id, c.id, "{}'s seat lies in another prefecture", c.name);
    }
}

#[test]
fn lines_and_projects_the_issue_names_are_present() {
    let n = net();
    let lines: BTreeSet<&str> = n.lines.iter().map(|l| l.id.as_str()).collect();
    for l in [
        "jingguang-hsr", "zhengxi-hsr", "zhengxu-hsr", "zhengfu-hsr", "zhengyu-hsr", "zhengjiao-icr", "taijiao-hsr", "jizheng-hsr",
        "shanghehang-hsr", "rilan-hsr", "xiongshang-hsr", "liaohanchang-hsr", "zhengkai-icr", "zhengji-icr", "jinan-icr", "zhengxu-s1",
        "zhengdengluo-icr", "jiaoping-hsr", "xinjiao-icr", "pingluozhou-hsr", "jingguang-conv", "longhai-conv", "jiaoliu-conv", "xinyue-conv",
    ] {
        assert!(lines.contains(l), "line {l} missing; lines: {lines:?}");
    }
    // every project named on a network element exists in the seeds (checked on load) and the 建成 rail projects
    // of 专栏4 are all on the network
    let used: BTreeSet<&str> = n.sections.iter().filter_map(|s| s.project.as_deref()).chain(n.roads.iter().filter_map(|r| r.project.as_deref())).collect();
    for p in ["hsr-zhengxu", "hsr-zhengwan", "hsr-zhengfu", "hsr-taijiao", "hsr-zhengji", "hsr-shanghehang", "hsr-qufu-heze-lankao", "icr-jichang-zhengzhounan", "icr-zhengdengluo", "icr-zhengkai-ext", "exp-g59", "exp-g3511"] {
        assert!(used.contains(p), "project {p} has no network element");
    }
}

#[test]
fn stations_lie_in_their_place_and_ids_are_unique() {
    let n = net();
    let ids: BTreeSet<&str> = n.stations.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), n.stations.len());
    for s in &n.stations {
        let p = &n.places[s.place.i()];
        let d = ringsim::units::great_circle(s.lon, s.lat, p.lon, p.lat).0;
        assert!(d < 120.0, "{} is {d:.0} km from the seat of its place {}", s.name, p.name);
    }
}

#[test]
fn as_built_years_never_get_slower() {
    // Projects and lines only add: a year is never slower than the one before, except where a station opened on its
    // own date on a line already open (no project: 齐河 on 石济, 2019-01-05), where the trains that run through it
    // may now stop. Such a year is compared twice: with those stations still closed it is never slower than the
    // year before, and opening them costs at most a share of one stop each (5 min: a whole stop of an EMU is dwell
    // plus braking and starting, 3–4 min at the fitted values).
    let paths: Vec<_> = (2016..=2025).map(|y| repo().join(format!("scenarios/asbuilt-{y}.toml"))).collect();
    let loaded = ringsim::app::load(&paths).unwrap();
    let times = |b: &ringsim::scenario::Bound| {
        let g = ringsim::graph::Graph::build(b);
        let r = ringsim::rings::Reach::compute(b, &g);
        r.places.iter().chain(&r.cities).chain(&r.stations).flat_map(|t| [t.station, t.door]).collect::<Vec<Option<ringsim::units::Seconds>>>()
    };
    let mut prev: Option<(ringsim::units::Date, Vec<Option<ringsim::units::Seconds>>)> = None;
    let mut slower = 0;
    for b in loaded.bind_all().unwrap() {
        let now = times(&b);
        if let Some((since, p)) = &prev {
            // stations without a project that opened after their first section, in (since, as_of]
            let first = |i: usize| b.net.sections.iter().filter(|s| s.from.i() == i || s.to.i() == i).filter_map(|s| s.opened).min();
            let alone: Vec<usize> = (0..b.net.stations.len())
                .filter(|&i| {
                    let st = &b.net.stations[i];
                    st.project.is_none() && st.opened.is_some_and(|o| *since < o && o <= b.sc.as_of && first(i).is_some_and(|l| l < o))
                })
                .collect();
            let before = if alone.is_empty() {
                now.clone()
            } else {
                // the same year with those stations not yet open
                let mut net = b.net.clone();
                for &i in &alone {
                    net.stations[i].opened = Some(ringsim::units::Date::parse("2100-01-01").unwrap());
                }
                let b2 = ringsim::scenario::Bound { sc: b.sc.clone(), net: &net, origin: b.origin, origin_stations: b.origin_stations.clone(), params: b.params.clone(), services: b.services.clone() };
                times(&b2)
            };
            for (i, ((a, c), w)) in p.iter().zip(&now).zip(&before).enumerate() {
                if let (Some(a), Some(w)) = (a, w) {
                    assert!(w <= a, "{}: entry {i} got slower: {a:?} → {w:?} (with the stations that opened on their own date still closed)", b.sc.name);
                }
                if let (Some(w), Some(c)) = (w, c) {
                    slower += (c > w) as usize;
                    assert!(c.0 <= w.0 + 300 * alone.len() as u32, "{}: entry {i}: opening {} station(s) on open lines made it {w:?} → {c:?}", b.sc.name, alone.len());
                }
                assert!(!(a.is_some() && c.is_none()), "{}: entry {i} became unreachable", b.sc.name);
            }
        }
        prev = Some((b.sc.as_of, now));
    }
    // the exception stays an exception (齐河 would slow the 石济 trains to 济南西 in 2019 by a share of a stop; with
    // the timetable's trains at their scheduled times no place, city or station from 郑州 rides them)
    assert!(slower <= 60, "{slower} entries got slower where stations opened");
}

#[test]
fn every_network_loads_and_its_sections_fit_their_stations() {
    // A section's track is never much shorter than the straight line between its stations, nor absurdly longer: a
    // ratio outside [0.8, 2.5] means a misplaced station (a geocode in another province once made 郑渝's sections
    // one tenth of their length). 0.8 leaves room for stations placed at their county seat by assumption.
    let mut checked = 0;
    for name in ["zhongyuan", "changjiang", "guanzhong", "zhengkai"] {
        let n = Network::load(&repo().join("networks").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!n.places.is_empty() && !n.stations.is_empty() && !n.cities.is_empty(), "{name} is empty");
        for s in &n.sections {
            let (a, b) = (&n.stations[s.from.i()], &n.stations[s.to.i()]);
            let g = ringsim::units::great_circle(a.lon, a.lat, b.lon, b.lat).0;
            if g > 3.0 {
                let r = s.length.0 / g;
                assert!((0.8..=2.5).contains(&r), "{name}: section {} {}–{} is {:.1} km of track over {g:.1} km of straight line", s.id, a.name, b.name, s.length.0);
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "{checked} sections checked");
}

/// tests/data/tiny and its seeds copied into a temporary folder, with `edit` applied to the copy's files.
fn tiny_copy(edit: impl Fn(&std::path::Path)) -> (tempfile::TempDir, std::path::PathBuf) {
    let t = tempfile::tempdir().unwrap();
    common::copy_test_data(t.path(), &["tiny", "tiny-seeds"]);
    let net = t.path().join("tiny");
    edit(&net);
    (t, net)
}

fn replace_in(path: &std::path::Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert_eq!(s.matches(from).count(), 1, "{from} in {}", path.display());
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

#[test]
fn lengths_at_the_straight_line_and_stated_exceptions_to_the_circuity_cap_load() {
    // 甲站 (113.01, 34.0) – 乙站 (114.01, 34.0): 92.185 km of great circle; 甲区 – 乙区 the same. A length equal to
    // the straight line, to the metre, loads; a metre less is refused.
    for (length, ok) in [("92.185", true), ("92.184", false)] {
        let (_t, net) = tiny_copy(|n| {
            replace_in(&n.join("rail_sections.csv"), "l1:1,l1,1,SAA,SBB,100,", &format!("l1:1,l1,1,SAA,SBB,{length},"));
            replace_in(&n.join("road_links.csv"), "r1,100101,200101,expressway,G1,120,", &format!("r1,100101,200101,expressway,G1,{length},"));
        });
        let r = Network::load(&net);
        assert_eq!(r.is_ok(), ok, "{length} km: {:?}", r.err().map(|e| e.to_string()));
        if !ok {
            let e = r.err().unwrap().to_string();
            assert!(e.contains("rail_sections.csv: line 2, field `length_km`: 92.184 km is shorter than the 92.185 km between 甲站 and 乙站"), "{e}");
        }
    }
    // With the derivation's cap (1.6 × the straight line) in params.toml, 2000 km of track between them loads only
    // when its source says why the track is that long.
    let derive = "\n[derive]\naccess_radius_km = 40.0\ntrunk_neighbours = 4\ntrunk_radius_km = 60.0\nstation_osm_agree_km = 1.0\nstation_city_max_km = 80.0\ntrack_snap_km = 1.0\ntrack_join_m = 50.0\nsection_max_circuity = 1.6\nroute_to_track = 1.0\nrail_circuity = 1.05\nsplit_published_rest = true\nsource = \"assumption: test\"\n";
    for (length, source, ok) in [("147.4", "assumption: test", true), ("147.6", "assumption: test", false), ("2000", "assumption: test", false), ("2000", "assumption: test ; length-exception: a loop round a mountain", true)] {
        let (_t, net) = tiny_copy(|n| {
            replace_in(&n.join("rail_sections.csv"), "l1:1,l1,1,SAA,SBB,100,350,300,2010-01-01,,assumption: test", &format!("l1:1,l1,1,SAA,SBB,{length},350,300,2010-01-01,,{source}"));
            let p = std::fs::read_to_string(n.join("params.toml")).unwrap();
            std::fs::write(n.join("params.toml"), p + derive).unwrap();
        });
        let r = Network::load(&net);
        assert_eq!(r.is_ok(), ok, "{length} km, source {source}: {:?}", r.err().map(|e| e.to_string()));
        if !ok {
            let e = r.err().unwrap().to_string();
            assert!(e.contains("more than params.toml's derive.section_max_circuity (1.6)") && e.contains("length-exception:"), "{e}");
        }
    }
}

#[test]
fn a_point_may_lie_outside_the_plan_cities_a_unit_of_the_region_may_not() {
    // a `point` counts nobody (population 0), so its prefecture need not be a plan city; a county would drop its
    // people from every city's total
    let row = |kind: &str| format!("300199,某点,{kind},999999,某市,子省,114.7,34.0,0,0.0,assumption: test\n");
    for (kind, ok) in [("point", true), ("outside", true), ("county", false)] {
        let (_t, net) = tiny_copy(|n| {
            let p = std::fs::read_to_string(n.join("places.csv")).unwrap();
            std::fs::write(n.join("places.csv"), p + &row(kind)).unwrap();
        });
        let r = Network::load(&net);
        assert_eq!(r.is_ok(), ok, "{kind}: {:?}", r.err().map(|e| e.to_string()));
        if !ok {
            assert!(r.err().unwrap().to_string().contains("places.csv: line 6, field `prefecture_id`: '999999' is none of the plan's cities"));
        }
    }
}
