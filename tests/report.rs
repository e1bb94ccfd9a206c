//! Issue 14 on the real binary: the project list, project names wherever an id is taken, scenario overrides,
//! unambiguous labels, CSV with a BOM, reach.csv coordinates, valid GeoJSON bands (checked by shapely, an
//! independent implementation), SVG that carries its font, and the HTML report opened in headless Chromium.
//! Assertions are about structure and internal consistency, not today's numbers.

mod common;
use common::{bin, repo};
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(bin()).args(args).current_dir(dir).output().expect("run ringsim");
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn sc(name: &str) -> String {
    repo().join("scenarios").join(name).to_string_lossy().into_owned()
}

/// A copy of a bundled scenario in `dir`, its network path made absolute, with `edit` applied to its text.
fn scenario_variant(dir: &Path, from: &str, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let src = repo().join("scenarios").join(from);
    let text = std::fs::read_to_string(&src).unwrap();
    let net = src.parent().unwrap().join("../networks").canonicalize().unwrap();
    let mut out = String::new();
    for l in text.lines() {
        if l.starts_with("network") {
            let rel = l.split('"').nth(1).unwrap();
            let abs = src.parent().unwrap().join(rel).canonicalize().unwrap();
            out.push_str(&format!("network = \"{}\"\n", abs.display()));
        } else if l.starts_with("name") {
            out.push_str(&format!("name = \"{name}\"\n"));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    let _ = net;
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, edit(out)).unwrap();
    p
}

#[test]
fn projects_lists_every_seed_project_with_its_state() {
    let t = tempfile::tempdir().unwrap();
    let (code, out, err) = run(t.path(), &["projects", &sc("asbuilt-2025.toml"), "--out", "p.csv"]);
    assert_eq!(code, 0, "{err}");
    let seeds = std::fs::read_to_string(repo().join("seeds/zhongyuan/projects.csv")).unwrap();
    let n = seeds.lines().count() - 1;
    let csv = std::fs::read_to_string(t.path().join("p.csv")).unwrap();
    assert!(csv.starts_with("project_id,name_zh,name_en,mode,status_zh,horizon,opened,elements,state\n"), "{csv}");
    assert_eq!(csv.lines().count() - 1, n, "one row per seed project");
    assert!(out.contains(&format!("{n} projects:")), "{out}");
    for l in csv.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        let state = f.last().unwrap();
        assert!(["open", "partly open", "orderable", "not modelled", "closed (removed)"].contains(state), "{l}");
        // a project with no element in the network is not modelled, and one with elements is
        let elements: usize = f[f.len() - 2].parse().unwrap();
        assert_eq!(elements == 0, *state == "not modelled", "{l}");
    }
    // 郑济高铁 opened in 2023: open at the end of 2025, orderable from the 2016 base
    assert!(csv.lines().any(|l| l.starts_with("hsr-zhengji,郑济高铁,") && l.ends_with(",open")), "{csv}");
    let (code, out, _) = run(t.path(), &["projects", &sc("base-2016.toml")]);
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.contains("hsr-zhengji") && l.contains("郑济高铁") && l.trim_end().ends_with("orderable")), "{out}");
    // a network folder with a date, and every network when none is given
    let (code, out, err) = run(t.path(), &["projects", repo().join("networks/zhongyuan").to_str().unwrap(), "--as-of", "2020-12-31"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("as of 2020-12-31"));
    let (code, out, err) = run(&repo(), &["projects"]);
    assert_eq!(code, 0, "{err}");
    let listed = out.matches("== projects of network").count();
    let networks = std::fs::read_dir(repo().join("networks")).unwrap().filter(|e| e.as_ref().unwrap().path().join("network.toml").is_file()).count();
    assert_eq!(listed, networks, "one list per network: {out}");
}

#[test]
fn chinese_project_names_are_accepted_and_unknown_ids_get_suggestions() {
    let t = tempfile::tempdir().unwrap();
    // by name in a scenario: the same result as by id
    let by_id = scenario_variant(t.path(), "base-2016.toml", "by-id", |s| s + "[projects]\nadd = [\"hsr-zhengji\"]\n");
    let by_name = scenario_variant(t.path(), "base-2016.toml", "by-name", |s| s + "[projects]\nadd = [\"郑济高铁\"]\n");
    let (c1, o1, e1) = run(t.path(), &["run", by_id.to_str().unwrap(), "--out", "o"]);
    let (c2, o2, e2) = run(t.path(), &["run", by_name.to_str().unwrap(), "--out", "o"]);
    assert_eq!((c1, c2), (0, 0), "{e1}{e2}");
    assert_eq!(o1.replace("by-id", "X").replace("o/X", ""), o2.replace("by-name", "X").replace("o/X", ""));
    // a typo gets "did you mean"
    let typo = scenario_variant(t.path(), "base-2016.toml", "typo", |s| s + "[projects]\nadd = [\"hsr-zhengjj\"]\n");
    let (code, _, err) = run(t.path(), &["run", typo.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown project 'hsr-zhengjj'") && err.contains("did you mean") && err.contains("hsr-zhengji"), "{err}");
    let typo = scenario_variant(t.path(), "base-2016.toml", "typo2", |s| s + "[projects]\nremove = [\"郑济高\"]\n");
    let (code, _, err) = run(t.path(), &["run", typo.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean") && err.contains("郑济高铁"), "{err}");
}

#[test]
fn orders_files_take_names_print_names_and_follow_the_base_measure() {
    let t = tempfile::tempdir().unwrap();
    let base = repo().join("scenarios/base-2016.toml");
    let f = t.path().join("o.toml");
    std::fs::write(
        &f,
        format!(
            "format = 1\nname = \"named\"\nbase = \"{}\"\nprojects = [\"郑济高铁\", \"hsr-zhengwan\", \"郑阜高铁\"]\n[metric]\nkind = \"population\"\ncutoff = 60\n[orders]\nmine = [\"郑阜高铁\", \"郑万高铁\", \"hsr-zhengji\"]\n",
            base.display()
        ),
    )
    .unwrap();
    let (code, out, err) = run(t.path(), &["order", f.to_str().unwrap(), "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    // no measure in the file: the base's (station), not door
    assert!(out.contains("station measure"), "{out}");
    assert!(out.contains("mine [named]"), "{out}");
    // orders and the Shapley table show names
    assert!(out.contains("郑阜高铁 → 郑万高铁 → 郑济高铁"), "{out}");
    assert!(out.lines().any(|l| l.contains("郑济高铁 (hsr-zhengji)") && l.contains("Shapley")), "{out}");
    let svg = std::fs::read_to_string(t.path().join("out/named/order_chart.svg")).unwrap();
    assert!(svg.contains("郑济高铁"), "the chart names the projects at their steps");
    // gains that cannot discriminate are flagged: an expressway project under the station measure changes nothing
    let f2 = t.path().join("o2.toml");
    std::fs::write(&f2, format!("format = 1\nname = \"flat\"\nbase = \"{}\"\nprojects = [\"hsr-zhengji\"]\n[metric]\nkind = \"population\"\ncutoff = 1\n", base.display())).unwrap();
    let (code, out, err) = run(t.path(), &["order", f2.to_str().unwrap(), "--out", "out"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("NOTE: the projects together change nothing"), "{out}");
}

#[test]
fn run_and_compare_take_overrides_and_label_rings_and_bands() {
    let t = tempfile::tempdir().unwrap();
    let (code, out, err) = run(t.path(), &["run", &sc("asbuilt-2025.toml"), "--measure", "door", "--as-of", "2020-12-31", "--origin", "洛阳", "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("as of 2020-12-31") && out.contains("origin 洛阳市") && out.contains("measure door"), "{out}");
    let dir = t.path().join("o/asbuilt-2025-door-asof-2020-12-31-from-洛阳");
    assert!(dir.join("rings.csv").exists(), "a variant gets its own folder");
    // the override equals the file: asbuilt-2020 with --as-of of asbuilt-2025 gives asbuilt-2025's rings
    let (_, _, _) = run(t.path(), &["run", &sc("asbuilt-2020.toml"), "--as-of", "2025-12-31", "--out", "v"]);
    let (_, _, _) = run(t.path(), &["run", &sc("asbuilt-2025.toml"), "--out", "v"]);
    let a = std::fs::read_to_string(t.path().join("v/asbuilt-2020-asof-2025-12-31/rings.csv")).unwrap();
    let b = std::fs::read_to_string(t.path().join("v/asbuilt-2025/rings.csv")).unwrap();
    assert_eq!(a, b);
    // labels: bands between cutoffs, cumulative rings, singular and plural
    let (_, out, _) = run(t.path(), &["run", &sc("asbuilt-2025.toml"), "--out", "o"]);
    assert!(out.contains("0–30 min") && out.contains("30–60 min") && out.contains("within 60 min:"), "{out}");
    assert!(!out.contains(" 1 cities") && !out.contains(" 1 plan cities"), "{out}");
    assert!(b.starts_with("cutoff_min,ring,cities,") && b.contains(",within 60 min,"), "{b}");
    // rings.csv is cumulative: population never falls with the cutoff
    let pops: Vec<u64> = b.lines().skip(1).map(|l| l.split(',').nth(4).unwrap().parse().unwrap()).collect();
    assert!(pops.windows(2).all(|w| w[0] <= w[1]), "{b}");
    // cities.csv bands agree with the minutes
    let cities = std::fs::read_to_string(t.path().join("o/asbuilt-2025/cities.csv")).unwrap();
    let hdr: Vec<&str> = cities.lines().next().unwrap().split(',').collect();
    let (mi, bi) = (hdr.iter().position(|h| *h == "minutes").unwrap(), hdr.iter().position(|h| *h == "band").unwrap());
    for l in cities.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if let Ok(m) = f[mi].parse::<f64>() {
            // minutes print to 0.1, the band is by the second: printed on a cutoff (60.0 may be 3600 s or 3601 s),
            // either band
            let band = |m: f64| if m <= 30.0 { "0–30 min" } else if m <= 60.0 { "30–60 min" } else if m <= 90.0 { "60–90 min" } else { "over 90 min" };
            let (lo, hi) = (band(m - 0.05), band(m + 0.05));
            assert!(f[bi] == lo || f[bi] == hi, "{l}");
        }
    }
    // compare takes the same overrides; a comparison that cannot discriminate says so
    let (code, out, err) = run(t.path(), &["compare", &sc("asbuilt-2024.toml"), &sc("asbuilt-2025.toml"), "--as-of", "2025-12-31"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("cannot tell them apart"), "{out}");
    let (code, _, err) = run(t.path(), &["run", &sc("asbuilt-2025.toml"), "--as-of", "2025-13-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("--as-of"), "{err}");
}

#[test]
fn daily_reach_maps_say_no_station_instead_of_zero_people() {
    let t = tempfile::tempdir().unwrap();
    let (code, out, err) = run(t.path(), &["indicators", &sc("asbuilt-2025.toml"), "--nodes", "counties", "--measure", "station", "--map", "d.svg", "--show", "daily_180"]);
    assert_eq!(code, 0, "{err}");
    // counties without a station reach no one by rail: no value, not "0 people"
    assert!(out.contains("have no value (grey)"), "{out}");
    let svg = std::fs::read_to_string(t.path().join("d.svg")).unwrap();
    assert!(svg.contains("no station"), "the legend names the grey class");
    // a change map draws the network the change ends in, and labels the plan cities
    let (code, _, err) = run(t.path(), &["indicators", &sc("asbuilt-2016.toml"), "--compare", &sc("asbuilt-2025.toml"), "--nodes", "counties", "--measure", "door", "--map", "w.svg"]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(t.path().join("w.svg")).unwrap();
    assert!(svg.contains("as built on 2016-12-31 → as built on 2025-12-31") || svg.contains("as built on 2016-12-28 → as built on 2025-12-31") || svg.contains("→ as built on 2025-12-31"), "title says both networks");
    assert!(svg.contains(">洛阳<") || svg.contains("洛阳"), "plan city labels");
}

#[test]
fn implausible_parameters_are_errors_with_the_range() {
    let t = tempfile::tempdir().unwrap();
    let p = scenario_variant(t.path(), "asbuilt-2025.toml", "fast", |s| s + "\n[params.road.expressway]\nspeed_kmh = 1200\n");
    let (code, _, err) = run(t.path(), &["run", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("road.expressway.speed_kmh") && err.contains("plausible range") && err.contains("200"), "{err}");
}

#[test]
fn csv_with_bom_and_coordinates_and_named_wide_matrix() {
    let t = tempfile::tempdir().unwrap();
    let (code, _, err) = run(t.path(), &["--bom", "run", &sc("asbuilt-2025.toml"), "--out", "o"]);
    assert_eq!(code, 0, "{err}");
    let reach = std::fs::read(t.path().join("o/asbuilt-2025/reach.csv")).unwrap();
    assert!(reach.starts_with(b"\xEF\xBB\xBFnode_id,"), "--bom writes a byte-order mark");
    let (_, _, _) = run(t.path(), &["run", &sc("asbuilt-2025.toml"), "--out", "p"]);
    let reach = std::fs::read_to_string(t.path().join("p/asbuilt-2025/reach.csv")).unwrap();
    assert!(reach.starts_with("node_id,"), "no BOM by default");
    // every row has coordinates inside the network's bounding box
    let hdr: Vec<&str> = reach.lines().next().unwrap().split(',').collect();
    let (lo, la) = (hdr.iter().position(|h| *h == "lon").unwrap(), hdr.iter().position(|h| *h == "lat").unwrap());
    let mut rdr = csv::Reader::from_reader(reach.as_bytes());
    for r in rdr.records() {
        let r = r.unwrap();
        let (x, y): (f64, f64) = (r[lo].parse().unwrap(), r[la].parse().unwrap());
        assert!((100.0..125.0).contains(&x) && (25.0..45.0).contains(&y), "{r:?}");
    }
    // a wide matrix names its rows and columns
    let (code, out, err) = run(t.path(), &["matrix", &sc("asbuilt-2025.toml"), "--wide"]);
    assert_eq!(code, 0, "{err}");
    let head = out.lines().next().unwrap();
    assert!(head.contains("郑州"), "wide header names the destinations: {head}");
}

/// Runs `python3 -c code`; None when python3 or shapely is missing.
fn shapely(code: &str) -> Option<String> {
    let ok = Command::new("python3").args(["-c", "import shapely"]).output().ok()?.status.success();
    if !ok {
        return None;
    }
    let o = Command::new("python3").args(["-c", code]).output().ok()?;
    assert!(o.status.success(), "python failed: {}", String::from_utf8_lossy(&o.stderr));
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn geojson_bands_are_valid_for_shapely() {
    let t = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (k, args) in [
        vec!["plot", &sc("asbuilt-2025.toml") as &str],
        vec!["plot", &sc("asbuilt-2025.toml"), "--measure", "door"],
        vec!["plot", &sc("asbuilt-2025.toml"), "--diff", &sc("asbuilt-2016.toml")],
        vec!["plot", &sc("guanzhong/asbuilt-2025-yuncheng.toml")],
    ]
    .into_iter()
    .enumerate()
    {
        let gj = t.path().join(format!("b{k}.geojson"));
        let mut a: Vec<&str> = args.clone();
        let out = format!("m{k}.png");
        a.extend(["--out", &out, "--geojson", gj.to_str().unwrap()]);
        let (code, _, err) = run(t.path(), &a);
        assert_eq!(code, 0, "{err}");
        files.push(gj);
    }
    let list: Vec<String> = files.iter().map(|f| format!("{:?}", f.to_str().unwrap())).collect();
    let code = format!(
        "import json\nfrom shapely.geometry import shape\nfrom shapely.validation import explain_validity\nbad=[]\nfor f in [{}]:\n  for ft in json.load(open(f))['features']:\n    g=shape(ft['geometry'])\n    if not g.is_valid: bad.append(f+': '+ft['properties']['band']+': '+explain_validity(g))\nprint('\\n'.join(bad) if bad else 'ALL VALID')\n",
        list.join(",")
    );
    match shapely(&code) {
        None => eprintln!("SKIPPED geojson_bands_are_valid_for_shapely: python3 with shapely not found (run tools/install-test-deps.sh)"),
        Some(out) => assert_eq!(out.trim(), "ALL VALID", "invalid band geometries:\n{out}"),
    }
}

#[test]
fn svg_figures_carry_their_font() {
    let t = tempfile::tempdir().unwrap();
    let (code, _, err) = run(t.path(), &["plot", &sc("asbuilt-2025.toml"), "--out", "m.svg"]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(t.path().join("m.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("@font-face") && svg.contains("data:font/ttf;base64,"), "the SVG embeds its font");
    assert!(svg.contains("来源 Source") && svg.contains("N 北"), "source line and north arrow");
    // the embedded font decodes to the bundled one
    let b64 = svg.split("base64,").nth(1).unwrap().split(')').next().unwrap();
    assert_eq!(b64.len(), ringsim::plot::FONT.len().div_ceil(3) * 4);
    assert_eq!(b64, ringsim::plot::base64(ringsim::plot::FONT));
    assert!(!svg.contains("basemap from networks/<name>"), "no placeholder subtitle");
    assert!(!svg.contains("as of 2025"), "as-built wording");
}

#[test]
fn every_character_the_report_prints_has_a_glyph() {
    use ab_glyph::Font;
    let t = tempfile::tempdir().unwrap();
    let (code, _, err) = run(t.path(), &["report", &sc("asbuilt-2025.toml"), "--compare", &sc("asbuilt-2016.toml"), "--out", "r.html"]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(t.path().join("r.html")).unwrap();
    let font = ab_glyph::FontRef::try_from_slice(ringsim::plot::FONT).unwrap();
    let missing: std::collections::BTreeSet<char> = html.chars().filter(|c| !c.is_ascii() && font.glyph_id(*c).0 == 0).collect();
    assert!(missing.is_empty(), "characters without a glyph in the embedded font (re-run tools/fonts/subset.py): {missing:?}");
}

fn common_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Chromium binary of the system packages, if any.
fn chromium() -> Option<PathBuf> {
    for c in ["chromium", "chromium-browser"] {
        if let Ok(o) = Command::new("sh").args(["-c", &format!("command -v {c}")]).output() {
            let p = String::from_utf8_lossy(&o.stdout).trim().to_string();
            if o.status.success() && !p.is_empty() {
                return Some(PathBuf::from(p));
            }
        }
    }
    None
}

/// The figures of one row of the report's error table: (n, mean absolute error as printed) for a file, timing and
/// group.
fn error_row(html: &str, file: &str, timing: &str, label: &str) -> (String, String) {
    let sec = html.split("<section id=\"error\">").nth(1).unwrap().split("</section>").next().unwrap();
    let row = sec.split("<tr>").find(|r| r.starts_with(&format!("<td>{file}</td>")) && r.contains(&format!("<td>{timing}</td><td>{label}</td>"))).unwrap_or_else(|| panic!("no row {file} / {timing} / {label} in {sec}"));
    let cells: Vec<&str> = row.split("<td class=\"n\">").skip(1).map(|c| c.split("</td>").next().unwrap()).collect();
    (cells[0].to_string(), cells[1].split(' ').next().unwrap().to_string())
}

#[test]
fn report_measures_each_observation_on_the_network_of_its_date() {
    // Without --validate-with, the 2021 boards (as_of 2021-01-31) are measured on the network as built on that date,
    // not on the report's 2025 network: the figures are those of `validate` on asbuilt-2020 (nothing opened in January
    // 2021), where the 2025 network would give 3.9 min. The reported times after 2021 are measured on their own dates.
    let t = tempfile::tempdir().unwrap();
    let (code, _, err) = run(t.path(), &["report", &sc("asbuilt-2025.toml"), "--out", "r.html"]);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(t.path().join("r.html")).unwrap();
    let boards = repo().join("networks/zhongyuan/observed/timetable-2021.csv");
    let s2020 = sc("asbuilt-2020.toml");
    for (flag, timing) in [(None, "as the rings"), (Some("--physics"), "physics alone")] {
        let mut args = vec!["validate", &s2020, "--observed", boards.to_str().unwrap()];
        args.extend(flag);
        let (code, v, err) = run(t.path(), &args);
        assert_eq!(code, 0, "{err}");
        for (label, prefix) in [("high-speed and intercity trains", "high-speed and intercity trains (G, D, C):"), ("conventional trains", "conventional trains:")] {
            let line = v.lines().find(|l| l.trim_start().starts_with(prefix)).unwrap();
            let n = line.split(": ").nth(1).unwrap().split(' ').next().unwrap();
            let mae = line.split("mean absolute error ").nth(1).unwrap().split(' ').next().unwrap();
            assert_eq!(error_row(&html, "timetable-2021.csv", timing, label), (n.to_string(), mae.to_string()), "{timing}, {label}");
        }
    }
    let sec = html.split("<section id=\"error\">").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(sec.contains("<td>timetable-2021.csv</td><td>2021-01-31</td>"), "{sec}");
    assert!(sec.contains("<td>reported-after-2021.csv</td><td>4 dates, 2021-12-26 … 2024-07-18</td>"), "{sec}");
    // a group without pairs shows a dash, not a perfect 0.0
    let conv = sec.split("<tr>").find(|r| r.starts_with("<td>reported-after-2021.csv</td>") && r.contains("<td>conventional trains</td>")).unwrap();
    assert!(conv.contains("<td class=\"n\">0</td><td class=\"n\">—</td>"), "{conv}");
    assert_eq!(error_row(&html, "reported-after-2021.csv", "as the rings", "all matched").0, "9");
}

#[test]
fn report_opens_in_headless_chromium_with_every_section_and_no_console_error() {
    let t = tempfile::tempdir().unwrap();
    let (code, out, err) = run(t.path(), &["report", &sc("asbuilt-2025.toml"), "--compare", &sc("asbuilt-2016.toml"), "--validate-with", &sc("asbuilt-2020.toml"), "--out", "r.html"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote r.html"), "{out}");
    let html = std::fs::read_to_string(t.path().join("r.html")).unwrap();
    // self-contained: no external resource of any kind
    for bad in ["http://", "https://", "src=\"", "<script", "<link"] {
        let hits: Vec<&str> = html.match_indices(bad).map(|(i, _)| &html[i.saturating_sub(40)..(i + 60).min(html.len())]).filter(|ctx| !ctx.contains("www.w3.org")).collect();
        assert!(hits.is_empty(), "the report must not load anything ({bad}): {hits:?}");
    }
    for id in ["rings", "map", "cities", "prefectures", "changes", "error", "sources"] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "section {id}");
    }
    // --validate-with measures every row on that scenario, and says which rows ran on another network
    assert!(html.contains("<p class=\"note\">reported-after-2021.csv: 9 observed rows dated after this scenario's date (2020-12-31)"), "the dated rows' note");
    assert!(!html.contains("<p class=\"note\">timetable-2021.csv:"), "nothing opened between 2020-12-31 and the boards' 2021-01-31");
    assert!(html.contains("without --validate-with, the report measures each row on the network as built on its own date"));
    // computed consistency: the prefecture table's total is the region's population of census units, and the
    // measured error is the one `validate` prints
    let (code, v, err) = run(t.path(), &["validate", &sc("asbuilt-2020.toml"), "--observed", repo().join("networks/zhongyuan/observed/timetable-2021.csv").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let line = v.lines().find(|l| l.contains("high-speed and intercity trains (G, D, C):")).unwrap();
    let n = line.split(": ").nth(1).unwrap().split(' ').next().unwrap();
    let mae = line.split("mean absolute error ").nth(1).unwrap().split(' ').next().unwrap();
    assert!(html.contains(&format!("<td>high-speed and intercity trains</td><td class=\"n\">{n}</td><td class=\"n\">{mae} min")), "report error = validate's ({n} pairs, {mae} min)");
    assert!(html.contains("<svg") && html.contains("@font-face"));
    // the prefecture table's total row: bands, total, then cumulative columns equal to the ring table
    // the numeric cells of a row (a share such as 9.8% is left out)
    let cells = |row: &str| -> Vec<u64> { row.split("<td class=\"n").skip(1).filter_map(|c| c.split('>').nth(1).unwrap().split('<').next().unwrap().replace(',', "").parse::<u64>().ok()).collect() };
    let total = cells(html.split("<tr class=\"total\">").nth(1).unwrap().split("</tr>").next().unwrap());
    let rings: Vec<u64> = ["30", "60", "90"]
        .iter()
        .map(|c| {
            let row = html.split(&format!("<tr><td>within {c} min</td>")).nth(1).unwrap().split("</tr>").next().unwrap();
            cells(row)[2]
        })
        .collect();
    assert_eq!(total.len(), 5 + 1 + 3, "4 bands and unreached, total, 3 cumulative: {total:?}");
    assert_eq!(total[..5].iter().sum::<u64>(), total[5]);
    assert_eq!(&total[6..], &rings[..], "cumulative prefecture totals = ring table");
    assert!(html.contains(&format!("share of the region's {} people", common_thousands(total[5]))), "the total is the region's population");
    let Some(chrome) = chromium() else {
        eprintln!("SKIPPED the browser part of report_opens_in_headless_chromium: no chromium on PATH (run tools/install-test-deps.sh, which installs the Debian package)");
        return;
    };
    let profile = tempfile::tempdir().unwrap();
    let url = format!("file://{}", t.path().join("r.html").display());
    let o = Command::new(&chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.path().display()),
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
            "--dump-dom",
            &url,
        ])
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&o.stdout);
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "chromium failed: {log}");
    for id in ["rings", "map", "cities", "prefectures", "changes", "error", "sources"] {
        assert!(dom.contains(&format!("<section id=\"{id}\">")), "section {id} in the rendered DOM");
    }
    assert!(dom.contains("<svg") && dom.contains("交通圈"), "the DOM has the figures and the Chinese text");
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE") || l.contains("Uncaught") || l.contains("Failed to load") || l.contains("ERR_")).collect();
    assert!(console.is_empty(), "console errors in the report:\n{}", console.join("\n"));
    // and it renders: a screenshot of a non-trivial size
    let shot = t.path().join("shot.png");
    let o = Command::new(&chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            &format!("--user-data-dir={}", profile.path().display()),
            "--window-size=1200,2000",
            &format!("--screenshot={}", shot.display()),
            &url,
        ])
        .output()
        .expect("run chromium");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::metadata(&shot).map(|m| m.len() > 50_000).unwrap_or(false), "screenshot written");
}
