//! The real binary in a temporary directory: the main job, od, compare, determinism across thread counts, and
//! malformed inputs that must give a clear message and exit code 2.

mod common;
use common::{bin, repo};
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(bin()).args(args).current_dir(dir).output().expect("run ringsim");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// A copy of the tiny network, its seeds and one scenario in a fresh temp dir.
fn tiny_copy() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    for sub in ["tiny", "tiny-seeds", "tiny-scenarios"] {
        let from = repo().join("tests/data").join(sub);
        std::fs::create_dir_all(t.path().join(sub)).unwrap();
        for e in std::fs::read_dir(&from).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), t.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    let sc = t.path().join("tiny-scenarios/base.toml");
    (t, sc)
}

fn edit(path: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert!(s.contains(from), "{} does not contain {from:?}", path.display());
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

#[test]
fn main_job_on_the_bundled_network() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    let (code, out, err) = run(t.path(), &["run", sc.to_str().unwrap(), "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    // the summary lists the 29 other plan cities, each once
    let seeds = std::fs::read_to_string(repo().join("seeds/zhongyuan/cities.csv")).unwrap();
    let names: Vec<&str> = seeds.lines().skip(1).map(|l| l.split(',').nth(1).unwrap()).filter(|n| *n != "郑州市").collect();
    assert_eq!(names.len(), 29);
    for n in &names {
        assert_eq!(out.matches(&format!("{n} ")).count(), 1, "{n} should appear once in the summary:\n{out}");
    }
    let reach = std::fs::read_to_string(t.path().join("o/asbuilt-2025/reach.csv")).unwrap();
    assert!(reach.starts_with("node_id,name,kind,prefecture,population,minutes,ring,mode,station_minutes,door_minutes,band,lon,lat\n"));
    let rings = std::fs::read_to_string(t.path().join("o/asbuilt-2025/rings.csv")).unwrap();
    assert_eq!(rings.lines().count(), 4);
    assert!(t.path().join("o/asbuilt-2025/cities.csv").exists());
}

#[test]
fn same_bytes_at_one_and_two_threads() {
    let t = tempfile::tempdir().unwrap();
    let scs: Vec<String> = common::bundled_scenarios().iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let mut a1 = vec!["--threads", "1", "run", "--out", "t1"];
    a1.extend(scs.iter().map(|s| s.as_str()));
    let mut a2 = vec!["--threads", "2", "run", "--out", "t2"];
    a2.extend(scs.iter().map(|s| s.as_str()));
    let (c1, o1, e1) = run(t.path(), &a1);
    let (c2, o2, _) = run(t.path(), &a2);
    assert_eq!((c1, c2), (0, 0), "{e1}");
    assert_eq!(o1.replace("t1", "t2"), o2);
    let mut n = 0;
    for d in std::fs::read_dir(t.path().join("t1")).unwrap() {
        let d = d.unwrap();
        for f in ["reach.csv", "cities.csv", "rings.csv"] {
            let x = std::fs::read(d.path().join(f)).unwrap();
            let y = std::fs::read(t.path().join("t2").join(d.file_name()).join(f)).unwrap();
            assert!(x == y, "{:?}/{f} differs between 1 and 2 threads", d.file_name());
            n += 1;
        }
    }
    assert_eq!(n, 3 * scs.len());
}

#[test]
fn od_agrees_with_run_and_accepts_names() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    std::fs::write(t.path().join("pairs.csv"), "from,to\n郑州东,开封北\nZAF,KBF\n郑州市,济源市\n郑州,410102\nZhengzhou,郑州\n郑州东站,开封北站\n郑州站,郑州市\n").unwrap();
    let (code, out, err) = run(t.path(), &["od", sc.to_str().unwrap(), "--pairs", "pairs.csv"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Vec<&str>> = out.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 7);
    // columns: from,to,from_name,from_kind,to_name,to_kind,measure,minutes,mode
    assert_eq!(out.lines().next(), Some("from,to,from_name,from_kind,to_name,to_kind,measure,minutes,mode"));
    assert_eq!(rows[0][7], rows[1][7], "names and ids give the same pair");
    // the path: one high-speed train 郑州东 → 开封北; door to door from 郑州市 to 济源市 it starts and ends by road
    assert_eq!(rows[0][8], "hsr");
    assert!(rows[2][8].starts_with("road") && rows[2][8].ends_with("road"), "{:?}", rows[2]);
    assert_eq!((rows[0][3], rows[0][6]), ("station", "station"), "a station pair uses the station measure");
    assert_eq!((rows[2][3], rows[2][6]), ("city", "door"), "a city pair uses the door measure");
    // in a pairs file an exact station name is the station (郑州 is also the city 郑州市, which a scenario's origin
    // means): a pair of 12306 names is a station pair, as in validate, trip and --window
    assert_eq!((rows[3][2], rows[3][3]), ("郑州", "station"));
    // and od says so, naming the city, once for that key and for no other
    assert!(err.contains("'郑州' (first on line 5) is taken as the station 郑州 (ZZF); for the city write 郑州市"), "{err}");
    assert_eq!(err.matches("od: note:").count(), 1, "one note for 郑州, though it appears twice: {err}");
    // a city's English name is the city
    assert_eq!((rows[4][2], rows[4][3], rows[4][4], rows[4][5]), ("郑州市", "city", "郑州", "station"));
    // a station name written with 站 is the station (as news reports write it), with no note
    assert_eq!(rows[5][2..], rows[0][2..], "郑州东站,开封北站 is 郑州东,开封北");
    assert_eq!((rows[6][2], rows[6][3], rows[6][4], rows[6][5]), ("郑州", "station", "郑州市", "city"));
    let m: f64 = rows[0][7].parse().unwrap();
    assert!((10.0..40.0).contains(&m), "郑州东→开封北 {m} min (the 2021 boards say 20)");
    // the door time to 济源市 equals run's door_minutes for its city row
    let (code, _, _) = run(t.path(), &["run", sc.to_str().unwrap(), "--out", "o"]);
    assert_eq!(code, 0);
    let cities = std::fs::read_to_string(t.path().join("o/asbuilt-2025/cities.csv")).unwrap();
    let jy = cities.lines().find(|l| l.starts_with("419001,")).unwrap();
    let door = jy.split(',').nth(7).unwrap();
    assert_eq!(rows[2][7], door);
}

#[test]
fn compare_reports_gains() {
    let t = tempfile::tempdir().unwrap();
    let a = repo().join("scenarios/base-2016.toml");
    let b = repo().join("scenarios/asbuilt-2025.toml");
    let (code, out, err) = run(t.path(), &["compare", a.to_str().unwrap(), b.to_str().unwrap(), "--out", "c.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("base-2016 (as of 2016-12-28) → asbuilt-2025 (as of 2025-12-31)"), "{out}");
    assert!(out.contains("places change band"), "{out}");
    assert!(out.contains("within 60 min (cumulative)"), "{out}");
    assert!(std::fs::read_to_string(t.path().join("c.csv")).unwrap().starts_with("node_id,name,kind,prefecture,population,minutes_a,minutes_b,saved,ring_a,ring_b,band_a,band_b\n"));
}

#[test]
fn help_has_examples() {
    let (code, out, _) = run(Path::new("."), &["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Examples:") && out.contains("ringsim run scenarios/asbuilt-2025.toml"));
}

/// Each malformed input: (what, file to edit relative to the temp dir, from, to, expected words in stderr).
#[test]
fn malformed_inputs_exit_2_with_a_clear_message() {
    let cases: Vec<(&str, &str, &str, &str, Vec<&str>)> = vec![
        ("broken CSV row", "tiny/places.csv", "甲区,district", "甲区,district,extra", vec!["places.csv", "line 2", "fields"]),
        ("unknown node in a link", "tiny/road_links.csv", "r3,300101,300121", "r3,300101,999999", vec!["road_links.csv", "line 4", "to_place", "999999"]),
        ("duplicate id", "tiny/places.csv", "200101,乙区", "100101,乙区", vec!["places.csv", "line 3", "place_id", "duplicate"]),
        ("negative speed", "tiny/rail_sections.csv", "100,350,300,2010", "100,350,-300,2010", vec!["rail_sections.csv", "line 2", "operating_speed_kmh", "plausible range"]),
        ("zero length", "tiny/road_links.csv", "G1,120,", "G1,0,", vec!["road_links.csv", "line 2", "length_km", "plausible range"]),
        ("speed above design", "tiny/rail_sections.csv", "100,350,300,2010", "100,250,300,2010", vec!["rail_sections.csv", "operating_speed_kmh", "design"]),
        ("not a number", "tiny/places.csv", "113.0,34.0,1000", "113.0,34.0,many", vec!["places.csv", "line 2", "population"]),
        ("coordinate outside the bbox", "tiny/places.csv", "113.0,34.0,1000", "13.0,34.0,1000", vec!["places.csv", "line 2", "lon", "bounding box"]),
        ("empty source", "tiny/connectors.csv", "access,10,,2000-01-01,assumption: test", "access,10,,2000-01-01,", vec!["connectors.csv", "line 2", "source"]),
        ("unknown project in a section", "tiny/rail_sections.csv", ",p-hsr-bc,", ",p-nope,", vec!["rail_sections.csv", "line 3", "project_id", "p-nope"]),
        ("bad date", "tiny/road_links.csv", "G1,120,2000-01,", "G1,120,2000-13,", vec!["road_links.csv", "line 2", "opened", "YYYY-MM-DD"]),
        ("missing column", "tiny/road_links.csv", "route,length_km,opened", "route,len,opened", vec!["road_links.csv", "length_km"]),
        ("unknown project in a scenario", "tiny-scenarios/base.toml", "as_of = \"2016-12-31\"", "as_of = \"2016-12-31\"\n[projects]\nadd = [\"p-unknown\"]", vec!["base.toml", "projects.add", "p-unknown"]),
        ("unknown origin", "tiny-scenarios/base.toml", "as_of", "origin = \"Atlantis\"\nas_of", vec!["base.toml", "origin", "Atlantis"]),
        ("unsorted cutoffs", "tiny-scenarios/base.toml", "as_of", "cutoffs = [60, 30, 90]\nas_of", vec!["base.toml", "cutoffs", "increase"]),
        ("negative cutoff", "tiny-scenarios/base.toml", "as_of", "cutoffs = [-30, 60]\nas_of", vec!["base.toml", "cutoffs", "plausible range"]),
        ("unknown field", "tiny-scenarios/base.toml", "as_of", "speed = 3\nas_of", vec!["base.toml", "unknown key", "speed"]),
        ("unknown measure", "tiny-scenarios/base.toml", "as_of", "measure = \"bike\"\nas_of", vec!["base.toml", "measure", "bike"]),
        ("bad scenario date", "tiny-scenarios/base.toml", "2016-12-31", "2016-02-30", vec!["base.toml", "as_of"]),
        ("unsupported format", "tiny-scenarios/base.toml", "format = 1", "format = 2", vec!["base.toml", "format"]),
        ("unknown parameter override", "tiny-scenarios/base.toml", "as_of = \"2016-12-31\"", "as_of = \"2016-12-31\"\n[params.road.expressway]\nspeeed_kmh = 110", vec!["base.toml", "params", "speeed_kmh"]),
        ("negative parameter", "tiny/params.toml", "speed_kmh = 100.0", "speed_kmh = -100.0", vec!["params.toml", "road.expressway.speed_kmh"]),
        ("unknown derivation rule", "tiny/params.toml", "[door]", "[derive]\nacces_radius_km = 40.0\n\n[door]", vec!["params.toml", "acces_radius_km"]),
        ("unknown station in cities", "tiny/cities.csv", "200101,SBB", "200101,SXX", vec!["cities.csv", "line 3", "stations", "SXX"]),
    ];
    assert!(cases.len() >= 15);
    for (what, file, from, to, words) in cases {
        let (t, sc) = tiny_copy();
        edit(&t.path().join(file), from, to);
        let (code, _, err) = run(t.path(), &["run", sc.to_str().unwrap(), "--out", "o"]);
        assert_eq!(code, 2, "{what}: exit code {code}, stderr: {err}");
        for w in words {
            assert!(err.contains(w), "{what}: stderr should mention {w:?}:\n{err}");
        }
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(!t.path().join("o").exists(), "{what}: no output on error");
    }
}

#[test]
fn more_malformed_inputs() {
    // non-UTF-8
    let (t, sc) = tiny_copy();
    let p = t.path().join("tiny/stations.csv");
    let mut b = std::fs::read(&p).unwrap();
    b.extend_from_slice(b"XYZ,\xff\xfe,XYZ,100101,x,113.0,34.0,,,single,assumption: test\n");
    std::fs::write(&p, b).unwrap();
    let (code, _, err) = run(t.path(), &["run", sc.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("stations.csv") && err.contains("UTF-8") && err.contains("line 5"), "{err}");
    // empty file
    let (t, sc) = tiny_copy();
    std::fs::write(t.path().join("tiny/places.csv"), "").unwrap();
    let (code, _, err) = run(t.path(), &["run", sc.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("places.csv") && err.contains("empty"), "{err}");
    // missing file
    let (t, sc) = tiny_copy();
    std::fs::remove_file(t.path().join("tiny/connectors.csv")).unwrap();
    let (code, _, err) = run(t.path(), &["run", sc.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("this network folder lacks connectors.csv"), "{err}");
    // missing scenario
    let (code, _, err) = run(t.path(), &["run", "nope.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.toml"), "{err}");
    // an unknown name in od pairs
    let (t, sc) = tiny_copy();
    std::fs::write(t.path().join("p.csv"), "from,to\n甲站,乙站\n甲站,Nowhere\n").unwrap();
    let (code, _, err) = run(t.path(), &["od", sc.to_str().unwrap(), "--pairs", "p.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("p.csv") && err.contains("line 3") && err.contains("`to`") && err.contains("Nowhere"), "{err}");
    // bad arguments
    let (code, _, _) = run(t.path(), &["run"]);
    assert_eq!(code, 2);
    let (code, _, err) = run(t.path(), &["--threads", "0", "run", sc.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn inputs_are_not_modified() {
    let (t, sc) = tiny_copy();
    let before: Vec<Vec<u8>> = std::fs::read_dir(t.path().join("tiny")).unwrap().map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect();
    let (code, _, err) = run(t.path(), &["run", sc.to_str().unwrap(), "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    let after: Vec<Vec<u8>> = std::fs::read_dir(t.path().join("tiny")).unwrap().map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect();
    assert_eq!(before, after);
}

/// `run` and `order` replace their output folder as a whole: a file left from an earlier run disappears, and no
/// staging folder is left behind.
#[test]
fn output_folders_are_replaced_whole() {
    let (t, sc) = tiny_copy();
    let ord = t.path().join("tiny-scenarios/ord.toml");
    std::fs::write(&ord, "format = 1\nname = \"tiny-order\"\nbase = \"base.toml\"\nprojects = [\"p-hsr-bc\", \"p-exp-ad\"]\n").unwrap();
    for (args, folder, files) in [
        (vec!["run", sc.to_str().unwrap(), "--out", "o"], "o/tiny-base", vec!["reach.csv", "cities.csv", "rings.csv"]),
        (vec!["order", ord.to_str().unwrap(), "--out", "o"], "o/tiny-order", vec!["orders.csv", "projects.csv", "order_chart.png", "order_chart.svg"]),
    ] {
        for round in 0..2 {
            if round == 1 {
                std::fs::write(t.path().join(folder).join("stale.csv"), "old").unwrap();
            }
            let (code, _, err) = run(t.path(), &args);
            assert_eq!(code, 0, "{err}");
            for f in &files {
                assert!(t.path().join(folder).join(f).is_file(), "{folder}/{f}");
            }
            assert!(!t.path().join(folder).join("stale.csv").exists(), "{folder}: a file of the earlier run is left");
            let hidden: Vec<String> = std::fs::read_dir(t.path().join("o")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.')).collect();
            assert!(hidden.is_empty(), "staging folders left: {hidden:?}");
        }
    }
}

/// A killed `order` leaves its folder complete (all six outputs) or absent, at whatever moment it is killed.
#[test]
fn a_killed_order_leaves_a_complete_folder_or_none() {
    let t = tempfile::tempdir().unwrap();
    let file = repo().join("scenarios/orders/zhongyuan-hsr.toml");
    let files = ["orders.csv", "projects.csv", "order_chart.png", "order_chart.svg", "actual_by_date.png", "actual_by_date.svg"];
    let (mut complete, mut absent) = (0, 0);
    for k in 0..16u64 {
        let out = t.path().join(format!("o{k}"));
        let mut child = Command::new(bin()).args(["order", file.to_str().unwrap(), "--out", out.to_str().unwrap()]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        // the last run is not killed, so that a slow machine still sees one complete folder
        if k < 15 {
            std::thread::sleep(std::time::Duration::from_millis(30 * k));
            let _ = child.kill();
        }
        let _ = child.wait();
        let dir = out.join("zhongyuan-hsr");
        if dir.exists() {
            for f in files {
                assert!(dir.join(f).is_file(), "killed after {} ms: {f} is missing from a folder at its final name", 30 * k);
            }
            complete += 1;
        } else {
            absent += 1;
        }
    }
    assert!(complete + absent == 16 && complete > 0, "the run that is not killed should finish ({complete} complete, {absent} absent)");
}

#[test]
fn calibrate_regenerates_a_calibration_file_from_before_a_parameter() {
    let (t, sc) = tiny_copy();
    let sc = sc.to_str().unwrap();
    let mut obs = String::from("from,to,minutes,train_code,train_type,n_trains,source\n");
    for (a, b, m) in [("甲站", "乙站", 20), ("乙站", "丙站", 18), ("甲站", "丙站", 36)] {
        obs.push_str(&format!("{a},{b},{m},G1,高速,1,assumption: test\n{b},{a},{m},G2,高速,1,assumption: test\n"));
    }
    std::fs::write(t.path().join("obs.csv"), obs).unwrap();
    let cal = |extra: &[&str]| {
        let mut a = vec!["calibrate", sc, "--observed", "obs.csv", "--folds", "2", "--write", "tiny/cal.toml"];
        a.extend_from_slice(extra);
        run(t.path(), &a)
    };
    let (code, out, err) = cal(&["--out", "c"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("before (the network's parameters):\n"), "{out}");
    // 丙站 is closed in the base scenario: fold 1 holds 甲站–乙站 and 甲站–丙站, and its fit could learn from 乙站–丙站
    // only, which no train serves; so 甲站–乙站 is listed, not predicted by the starting values, and the closed
    // station's pairs keep their own reason
    let cv = std::fs::read_to_string(t.path().join("c/cross_validation_pairs.csv")).unwrap();
    let reason = |a: &str, b: &str| cv.lines().find(|l| l.starts_with(&format!("{a},{b},"))).map(|l| l.to_string()).unwrap_or_default();
    assert!(reason("甲站", "乙站").contains("not cross-validated: fold 1/2's fit had no pair a modelled train serves outside the fold"), "{cv}");
    assert!(reason("甲站", "丙站").contains("'丙站' has no open line in this scenario"), "{cv}");
    assert!(reason("乙站", "丙站").contains("'丙站' has no open line in this scenario"), "{cv}");
    let written = std::fs::read_to_string(t.path().join("tiny/cal.toml")).unwrap();
    assert!(written.contains("\ncounty_stop_weight = "), "{written}");
    edit(&t.path().join("tiny/params.toml"), "unknown_stop_ratio = 0.5\n", "unknown_stop_ratio = 0.5\ncalibration = \"cal.toml\"\n");
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    // a file from before county_stop_weight: every other command refuses it, calibrate reads the rest, says what
    // it lacked, and writes a complete one
    let stale: String = written.lines().filter(|l| !l.starts_with("county_stop_weight")).map(|l| format!("{l}\n")).collect();
    std::fs::write(t.path().join("tiny/cal.toml"), &stale).unwrap();
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "o"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rail.county_stop_weight") && err.contains("regenerate it with ringsim calibrate --write"), "{err}");
    let (code, out, err) = cal(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("before (the network's parameters; ") && out.contains("lacks rail.county_stop_weight"), "{out}");
    assert!(std::fs::read_to_string(t.path().join("tiny/cal.toml")).unwrap().contains("\ncounty_stop_weight = "));
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    // any other fault of the file stays an error, for calibrate too, and the file is left as it was
    std::fs::write(t.path().join("tiny/cal.toml"), "[rail\n").unwrap();
    let (code, _, err) = cal(&[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cal.toml"), "{err}");
    assert_eq!(std::fs::read_to_string(t.path().join("tiny/cal.toml")).unwrap(), "[rail\n");
}

/// The calibration file's breakdowns of the cross-validated G/D/C error (by observed time, by the observed trains
/// a day) are those of the pairs CSV the same run writes, and the report prints them.
#[test]
fn calibrate_writes_the_error_by_band_as_its_pairs_csv_gives_it() {
    let (t, _) = tiny_copy();
    // the full build-out, where 丙站 is open
    let sc = t.path().join("tiny-scenarios/full.toml");
    let sc = sc.to_str().unwrap();
    let mut obs = String::from("from,to,minutes,train_code,train_type,n_trains,source\n");
    for (a, b, m, n) in [("甲站", "乙站", 20, "1"), ("乙站", "丙站", 18, "20"), ("甲站", "丙站", 36, "4"), ("乙站", "甲站", 22, ""), ("丙站", "乙站", 65, "5"), ("丙站", "甲站", 39, "19")] {
        obs.push_str(&format!("{a},{b},{m},G1,高速,{n},assumption: test\n"));
    }
    std::fs::write(t.path().join("obs.csv"), obs).unwrap();
    let (code, out, err) = run(t.path(), &["calibrate", sc, "--observed", "obs.csv", "--folds", "2", "--write", "cal.toml", "--out", "c"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("G/D/C pairs by observed time (mean absolute error, bias): under 1 h: 5 pairs") && out.contains("1–2 h: 1 pair,"), "{out}");
    assert!(out.contains("G/D/C pairs by the observed trains a day") && out.contains("trains a day not given: 1 pair,"), "{out}");
    // the tiny network has one line: nothing to hold out by line, and the run says so rather than fit on nothing
    assert!(out.contains("cross-validation by line: not possible, the modelled trains of the pairs run mostly on 1 line; it needs two lines or more"), "{out}");
    assert!(!t.path().join("c/cross_validation_by_line_pairs.csv").exists());
    assert!(!std::fs::read_to_string(t.path().join("cal.toml")).unwrap().contains("by_line"));
    let cal: toml::Value = toml::from_str(&std::fs::read_to_string(t.path().join("cal.toml")).unwrap()).unwrap();
    let cv = &cal["fit"]["cross_validated"];
    let csv = std::fs::read_to_string(t.path().join("c/cross_validation_pairs.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let h = rd.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let rows: Vec<(f64, f64, String)> = rd.records().map(|r| r.unwrap()).map(|r| (r[col("observed_minutes")].parse().unwrap(), r[col("error_minutes")].parse().unwrap(), r[col("observed_trains")].to_string())).collect();
    assert_eq!(rows.len(), 6);
    let check = |key: &str, keep: &dyn Fn(&(f64, f64, String)) -> bool| {
        let band: Vec<f64> = rows.iter().filter(|r| keep(r)).map(|r| r.1).collect();
        let s = &cv[&format!("hsr_intercity_{key}")];
        assert_eq!(s["pairs"].as_integer().unwrap() as usize, band.len(), "{key}");
        if !band.is_empty() {
            let mae = band.iter().map(|e| e.abs()).sum::<f64>() / band.len() as f64;
            // the CSV rounds each error to 0.1 min
            assert!((s["mae_min"].as_float().unwrap() - mae).abs() <= 0.06, "{key}: {} against {mae}", s["mae_min"]);
        }
    };
    check("under_1h", &|r| r.0 < 60.0);
    check("1h_2h", &|r| (60.0..120.0).contains(&r.0));
    check("over_3h20", &|r| r.0 >= 200.0);
    // the edges of the bands: 4 | 5 and 19 | 20
    check("trains_1", &|r| r.2 == "1");
    check("trains_2_4", &|r| r.2 == "4");
    check("trains_5_19", &|r| r.2 == "5" || r.2 == "19");
    check("trains_20_up", &|r| r.2 == "20");
    assert_eq!(cv["hsr_intercity_trains_5_19"]["pairs"].as_integer(), Some(2));
    check("trains_not_given", &|r| r.2.is_empty());
}

/// A pair naming a station the network does not hold stops `od` with exit 2 and a hint; with --keep-unknown it is
/// a row of kind `unknown` without a time, in its place, and the other rows are as without it.
#[test]
fn od_keeps_unknown_pairs_only_when_asked() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    let sc = sc.to_str().unwrap();
    std::fs::write(t.path().join("p.csv"), "from,to\n郑州东,北京西\n郑州东,信阳东\nBJP,许昌东\n").unwrap();
    let (code, out, err) = run(t.path(), &["od", sc, "--pairs", "p.csv"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("p.csv: line 2, field `to`: '北京西' is not a station") && err.contains("--keep-unknown"), "{err}");
    let (code, out, err) = run(t.path(), &["od", sc, "--pairs", "p.csv", "--keep-unknown"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("line 2, field `to`") && err.contains("line 4, field `from`"), "{err}");
    let rows: Vec<Vec<&str>> = out.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3);
    // columns: from,to,from_name,from_kind,to_name,to_kind,measure,minutes,mode
    assert_eq!(rows[0], vec!["郑州东", "北京西", "郑州东", "station", "", "unknown", "", "", ""]);
    assert_eq!(rows[2], vec!["BJP", "许昌东", "", "unknown", "许昌东", "station", "", "", ""]);
    std::fs::write(t.path().join("q.csv"), "from,to\n郑州东,信阳东\n").unwrap();
    let (code, alone, err) = run(t.path(), &["od", sc, "--pairs", "q.csv"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(rows[1].join(","), alone.lines().nth(1).unwrap());
    // not with --window, which times station pairs only
    let (code, _, err) = run(t.path(), &["od", sc, "--pairs", "p.csv", "--keep-unknown", "--window", "07:00-08:00"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn validate_says_when_observed_rows_ran_on_another_network() {
    // 乙站–丙站 opens 2018-06-01 (the edit below). A time observed on 2019-01-01 between 甲站 and 乙站 is measured on
    // the scenario of 2016-12-31 with a note naming the line that opened in between; the same row dated 2017-06-30,
    // before the opening, gets no note; and a file without dates gets none.
    let (t, sc) = tiny_copy();
    let sc = sc.to_str().unwrap();
    edit(&t.path().join("tiny/rail_sections.csv"), "SBB,SCC,60,350,300,,p-hsr-bc", "SBB,SCC,60,350,300,2018-06-01,");
    let cases = [("2019-01-01", true), ("2017-06-30", false), ("", false)];
    for (date, noted) in cases {
        std::fs::write(t.path().join("obs.csv"), format!("from,to,minutes,as_of\n甲站,乙站,25,{date}\n")).unwrap();
        let (code, out, err) = run(t.path(), &["validate", sc, "--observed", "obs.csv"]);
        assert_eq!(code, 0, "{err}");
        let note = out.lines().find(|l| l.contains("dated after this scenario's date"));
        assert_eq!(note.is_some(), noted, "{date}: {out}");
        if let Some(n) = note {
            assert!(n.contains("1 observed row dated after this scenario's date (2016-12-31)") && n.contains("measures each row on the network as built on its own date"), "{n}");
        }
    }
    // a line's speed change between the dates is a change of network too: l1 runs at 350 km/h from 2020-06-20
    let (t2, sc2) = tiny_copy();
    std::fs::write(t2.path().join("obs.csv"), "from,to,minutes,as_of\n甲站,乙站,25,2021-01-01\n").unwrap();
    let (code, out, err) = run(t2.path(), &["validate", sc2.to_str().unwrap(), "--observed", "obs.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 observed row dated after this scenario's date (2016-12-31), with rail sections opening or line speeds changing in between (一号高铁)"), "{out}");
    // one pair observed on two dates (before and after an opening) is two observations, not a duplicate
    std::fs::write(t.path().join("obs.csv"), "from,to,minutes,as_of\n甲站,乙站,25,2016-12-31\n甲站,乙站,24,2019-01-01\n").unwrap();
    let (code, out, err) = run(t.path(), &["validate", sc, "--observed", "obs.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("all matched pairs: 2 pairs"), "{out}");
}

#[test]
fn od_says_why_a_pair_has_no_time() {
    // 濮阳东 opens with 济郑 on 2022-06-20: in the network of 2020 the pair has no time, and stderr says why (the
    // window too); a pair with a time gets no note
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2020.toml");
    std::fs::write(t.path().join("p.csv"), "from,to\n郑州东,濮阳东\n郑州东,开封北\n").unwrap();
    for extra in [&[][..], &["--window", "07:00-08:00"][..]] {
        let mut args = vec!["od", sc.to_str().unwrap(), "--pairs", "p.csv"];
        args.extend(extra);
        let (code, out, err) = run(t.path(), &args);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.lines().nth(1).unwrap().split(',').nth(if extra.is_empty() { 7 } else { 8 }), Some(""), "{out}");
        let notes: Vec<&str> = err.lines().filter(|l| l.contains("no time")).collect();
        assert_eq!(notes, vec!["od: note: 郑州东 → 濮阳东: no time: station 濮阳东 is not open on the scenario's date (2020-12-31): it opens on 2022-06-20"], "{err}");
    }
}

/// `projects.remove` naming a project that is not open on `as_of` is an error in the file (there is nothing to
/// remove); when the date is `--as-of`'s, a variant of a scenario valid on its own, it is a note and the run goes on.
#[test]
fn removing_a_project_not_open_is_an_error_or_under_as_of_a_note() {
    let (t, sc) = tiny_copy();
    let sc = sc.to_str().unwrap();
    edit(&t.path().join("tiny/road_links.csv"), ",p-exp-ad,", "2010-01-01,p-exp-ad,");
    std::fs::write(&t.path().join("tiny-scenarios/base.toml"), std::fs::read_to_string(sc).unwrap() + "[projects]\nremove = [\"p-exp-ad\"]\n").unwrap();
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "o"]);
    assert_eq!(code, 0, "open on 2016-12-31: {err}");
    assert!(!err.contains("note"), "{err}");
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "o", "--as-of", "2005-01-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("note: ") && err.contains("base.toml: line 6, key `projects.remove`: project 'p-exp-ad' is not open on 2005-01-01") && err.contains("(its first opens 2010-01-01), so there is nothing to remove on the date of --as-of 2005-01-01"),
        "{err}"
    );
    edit(&t.path().join("tiny-scenarios/base.toml"), "2016-12-31", "2005-01-01");
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "p"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("take it out of projects.remove, or set as_of on or after 2010-01-01"), "{err}");
    assert!(!t.path().join("p").exists());
}

/// Adding a project already open on as_of changes nothing: a note (a plan scenario may list one that opened before
/// its date), the run goes on and gives the rings it gives without the addition; one that opens something: no note.
#[test]
fn adding_a_project_already_open_is_a_note() {
    let (t, sc) = tiny_copy();
    let sc = sc.to_str().unwrap();
    edit(&t.path().join("tiny/road_links.csv"), ",p-exp-ad,", "2010-01-01,p-exp-ad,");
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "without"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(t.path().join("tiny-scenarios/base.toml"), std::fs::read_to_string(sc).unwrap() + "[projects]\nadd = [\"甲丁高速\"]\n").unwrap();
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "with"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("note: ") && err.contains("base.toml: line 6, key `projects.add`: project '甲丁高速' (p-exp-ad) is already open on 2016-12-31") && err.contains("so adding it changes nothing"),
        "{err}"
    );
    let rings = |o: &str| std::fs::read_to_string(t.path().join(o).join("tiny-base/rings.csv")).unwrap();
    assert_eq!(rings("with"), rings("without"));
    // not open on 2005-01-01: adding it opens the road, no note of it (only that no railway is open yet)
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "early", "--as-of", "2005-01-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("projects.add"), "{err}");
    assert_eq!(err.matches("note: ").count(), 1, "{err}");
    assert!(err.contains("no rail section of network 'tiny' is open on 2005-01-01"), "{err}");
}

/// Help lists only the options a command acts on: `--bom` for the commands that write CSV (not `trip`, `report`,
/// `plot`), `--nodes stations` for `matrix` but not `indicators` (a station has no population to weigh).
#[test]
fn help_offers_only_options_that_have_an_effect() {
    let help = |cmd: &str| {
        let (code, out, err) = run(Path::new("."), &[cmd, "--help"]);
        assert_eq!(code, 0, "{err}");
        out
    };
    for cmd in ["trip", "report", "plot"] {
        assert!(!help(cmd).contains("--bom"), "{cmd} writes no CSV:\n{}", help(cmd));
    }
    for cmd in ["run", "od", "compare", "matrix", "indicators", "order", "calibrate", "validate", "graph", "chart", "projects"] {
        assert!(help(cmd).contains("--bom"), "{cmd} writes CSV");
    }
    assert!(help("indicators").contains("[possible values: cities, counties]"), "{}", help("indicators"));
    assert!(help("matrix").contains("[possible values: cities, counties, stations]"), "{}", help("matrix"));
    // --bom after the command, as before it
    let (t, sc) = tiny_copy();
    let (code, _, err) = run(t.path(), &["run", sc.to_str().unwrap(), "--out", "o", "--bom"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(t.path().join("o/tiny-base/reach.csv")).unwrap().starts_with(b"\xEF\xBB\xBFnode_id,"));
}

/// Quoted fields are read as CSV quotes them (`""` a quote inside, a comma or a line break inside); a quote that is
/// never closed is an error at its line, not a row with too few fields.
#[test]
fn quoted_fields_are_read_and_an_unclosed_quote_is_named() {
    let (t, sc) = tiny_copy();
    let sc = sc.to_str().unwrap();
    std::fs::write(t.path().join("p.csv"), "from,to\n\"甲站\",\"乙站\"\n甲站,乙站\n").unwrap();
    let (code, out, err) = run(t.path(), &["od", sc, "--pairs", "p.csv"]);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], rows[1], "a quoted name is the name");
    // a quote inside an unquoted field is an ordinary character: no station of that name
    std::fs::write(t.path().join("p.csv"), "from,to\n甲站,乙\"站\n").unwrap();
    let (code, _, err) = run(t.path(), &["od", sc, "--pairs", "p.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("p.csv: line 2, field `to`") && !err.contains("unterminated"), "{err}");
    std::fs::write(t.path().join("p.csv"), "from,to\n甲站,乙站\n\"甲站,乙站\n乙站,甲站\n").unwrap();
    let (code, _, err) = run(t.path(), &["od", sc, "--pairs", "p.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("p.csv: line 3: unterminated quote") && !err.contains("fields"), "{err}");
}

/// A reader that stops early (`ringsim matrix … | head -1`) closes the pipe: the command ends quietly, exit 0, no
/// panic (it used to panic with "failed printing to stdout: Broken pipe", exit 101).
#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    use std::io::Read;
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    let mut child = std::process::Command::new(common::bin())
        .args(["matrix", sc.to_str().unwrap(), "--nodes", "counties"])
        .current_dir(t.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // read the header and close the pipe, as `head -1` does (the answer is megabytes, far beyond a pipe's buffer)
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(String::from_utf8_lossy(&first).starts_with("from,to,minutes"), "{}", String::from_utf8_lossy(&first));
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(0), "{err}");
}

/// A note to a closed stderr (`ringsim od … 2>&1 | head -1`, the reader gone) is dropped, not a panic: the answer
/// on stdout is complete and the exit code 0 (review: `eprintln!` panicked there, intermittently).
#[test]
fn a_closed_stderr_pipe_drops_the_notes_quietly() {
    use std::io::Read;
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2020.toml");
    // 郑州 is a station and a city (a note), 濮阳东 is not open at the end of 2020 (a note for the pair)
    std::fs::write(t.path().join("p.csv"), "from,to\n郑州,信阳东\n郑州东,濮阳东\n").unwrap();
    let mut child = std::process::Command::new(common::bin())
        .args(["od", sc.to_str().unwrap(), "--pairs", "p.csv"])
        .current_dir(t.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // the reader of stderr goes away before the command has loaded the network, let alone written a note
    drop(child.stderr.take());
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{out}");
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(out.lines().nth(1).unwrap().starts_with("郑州,信阳东,"), "{out}");
    assert_eq!(out.lines().nth(2), Some("郑州东,濮阳东,郑州东,station,濮阳东,station,station,,"), "{out}");
}

/// Every note goes through `ringsim::note!` (which drops a note the closed stderr cannot take), none through
/// `eprintln!`/`eprint!`, which panic there: the test above covers one command, this one every line of the source.
#[test]
fn no_source_line_writes_to_stderr_with_eprintln() {
    let mut bad = Vec::new();
    // every file under src/, its subfolders included
    let mut files = Vec::new();
    let mut dirs = vec![repo().join("src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.iter().any(|f| f.ends_with("src/app/trip.rs")) && files.len() > 30, "{files:?}");
    for f in files.iter().filter(|f| f.extension().is_some_and(|e| e == "rs")) {
        for (i, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            let code = line.trim_start();
            if !code.starts_with("//") && (code.contains("eprintln!(") || code.contains("eprint!(")) {
                bad.push(format!("{}:{}: {}", f.display(), i + 1, code));
            }
        }
    }
    assert!(bad.is_empty(), "use ringsim::note! (or crate::note!) instead:\n{}", bad.join("\n"));
}

/// `od --window` says, as `od` does, that a name a city shares (郑州) is taken as the station (audit).
#[test]
fn od_window_notes_a_name_taken_as_the_station() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    std::fs::write(t.path().join("p.csv"), "from,to\n郑州,信阳东\n").unwrap();
    let (code, out, err) = run(t.path(), &["od", sc.to_str().unwrap(), "--pairs", "p.csv", "--window", "07:00-08:00"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("'郑州' (first on line 2) is taken as the station 郑州 (ZZF); for the city write 郑州市"), "{err}");
    assert!(out.lines().nth(1).unwrap().starts_with("郑州,信阳东,郑州,信阳东,07:00-08:00,"), "{out}");
}

/// A date before the network's first railway leaves roads only: a note, once, naming the first opening; none on a
/// date with a railway.
#[test]
fn a_date_before_any_railway_is_a_note() {
    let (t, sc) = tiny_copy();
    let sc = sc.to_str().unwrap();
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("no rail section"), "{err}");
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "p", "--as-of", "2009-12-31"]);
    assert_eq!(code, 0, "{err}");
    let note = "note: --as-of 2009-12-31: no rail section of network 'tiny' is open on 2009-12-31: the first opens 2010-01-01, so every trip is by road; check the date";
    assert_eq!(err.matches(note).count(), 1, "{err}");
    // the same date in the file: the note names the file's key; removing the one railway open is the file's choice
    let base = std::fs::read_to_string(t.path().join(sc)).unwrap();
    std::fs::write(t.path().join(sc), base.replace("2016-12-31", "2009-12-31")).unwrap();
    let (code, _, err) = run(t.path(), &["run", sc, "--out", "q"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("base.toml: line 4, key `as_of`: no rail section of network 'tiny' is open on 2009-12-31: the first opens 2010-01-01"), "{err}");
}

/// A city without an open station of its own reaches nothing by the station measure: indicators says so (its row's
/// empty watt_min and zeros are no value), and the door measure gives it values without a note.
#[test]
fn indicators_name_the_nodes_without_a_value() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/changjiang/asbuilt-2025.toml");
    let sc = sc.to_str().unwrap();
    let (code, _, err) = run(t.path(), &["indicators", sc, "--out", "s.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("note: cj-asbuilt-2025: 2 of 35 cities reach no other unit by the station measure (恩施土家族苗族自治州, 张家界市): their watt_min is empty"), "{err}");
    let csv = std::fs::read_to_string(t.path().join("s.csv")).unwrap();
    assert!(csv.contains("\n422800,恩施土家族苗族自治州,836781,,"), "{csv}");
    let (code, _, err) = run(t.path(), &["indicators", sc, "--measure", "door", "--out", "d.csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("note"), "{err}");
    let csv = std::fs::read_to_string(t.path().join("d.csv")).unwrap();
    assert!(csv.contains("\n422800,恩施土家族苗族自治州,836781,575.9,0,"), "{csv}");
}
