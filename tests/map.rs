//! The travel-time surface and its contour bands (issue 4): geometry, not pixels. Bands partition the grid (their
//! areas add up to the grid's, every point lies in exactly one), each lies where the surface says, each plan city
//! lies in the band of its time, the surface equals a brute-force reference, opening projects never raises it, and
//! the real binary draws PNG, SVG and GeoJSON.

mod common;
use common::{bin, repo, Rng};
use ringsim::app::load;
use ringsim::contour::{self, Grid, Polygon};
use ringsim::graph::Graph;
use ringsim::rings::Reach;
use ringsim::scenario::Measure;
use ringsim::surface::{Config, Surface};
use ringsim::units::great_circle;
use std::process::Command;

/// Which band (index into `bands`) contains `p`; panics unless exactly one does.
fn band_containing(bands: &[Vec<Polygon>], p: (f64, f64)) -> usize {
    let hits: Vec<usize> = (0..bands.len()).filter(|&k| bands[k].iter().any(|poly| poly.contains(p))).collect();
    assert_eq!(hits.len(), 1, "point {p:?} lies in bands {hits:?}; bands must not overlap or leave gaps");
    hits[0]
}

fn band_of(levels: &[f64], v: f64) -> usize {
    if v.is_nan() {
        return levels.len();
    }
    levels.iter().position(|&l| v <= l).unwrap_or(levels.len())
}

/// Checks the partition and placement properties of the bands of one grid.
fn check_bands(g: &Grid, levels: &[f64], rng: &mut Rng, samples: usize) -> Vec<Vec<Polygon>> {
    let bands = contour::bands(g, levels);
    let (a, b, c, d) = g.extent();
    let total: f64 = bands.iter().flatten().map(|p| p.area()).sum();
    let extent = (c - a) * (d - b);
    assert!((total - extent).abs() <= 1e-9 * extent, "band areas {total} do not add up to the grid's {extent}");
    for bs in &bands {
        assert!(bs.iter().all(|p| p.area() > 0.0), "every band polygon has positive area");
    }
    for _ in 0..samples {
        let p = (a + rng.f64() * (c - a), b + rng.f64() * (d - b));
        let k = band_containing(&bands, p);
        // Where all four corners of the point's cell fall in one band, the point must be in that band too.
        let fi = ((p.0 - g.x0) / g.h).floor() as isize;
        let fj = ((p.1 - g.y0) / g.h).floor() as isize;
        let corner = |i: isize, j: isize| {
            if i < 0 || j < 0 || i >= g.nx as isize || j >= g.ny as isize {
                f64::NAN
            } else {
                g.v[j as usize * g.nx + i as usize]
            }
        };
        let cb: Vec<usize> = [(fi, fj), (fi + 1, fj), (fi, fj + 1), (fi + 1, fj + 1)].iter().map(|&(i, j)| band_of(levels, corner(i, j))).collect();
        if cb.iter().all(|&x| x == cb[0]) {
            assert_eq!(k, cb[0], "point {p:?} in a cell wholly of band {} was found in band {k}", cb[0]);
        } else {
            let (lo, hi) = (*cb.iter().min().unwrap(), *cb.iter().max().unwrap());
            assert!(k >= lo && k <= hi, "point {p:?} in band {k}, outside its cell's bands {lo}..={hi}");
        }
    }
    bands
}

#[test]
fn contours_of_random_grids_partition_the_plane() {
    // Random values (saddles everywhere), NaN holes, and a smooth cone: the same properties hold.
    let mut rng = Rng(7);
    for case in 0..60 {
        let (nx, ny) = (2 + rng.below(14) as usize, 2 + rng.below(14) as usize);
        let v: Vec<f64> = (0..nx * ny)
            .map(|k| match case % 3 {
                0 => rng.below(5) as f64 * 10.0,
                1 => if rng.chance(0.15) { f64::NAN } else { rng.f64() * 100.0 },
                _ => (((k % nx) as f64 - nx as f64 / 2.0).powi(2) + ((k / nx) as f64 - ny as f64 / 2.0).powi(2)).sqrt() * 10.0,
            })
            .collect();
        let g = Grid { nx, ny, x0: rng.f64() * 10.0, y0: -rng.f64() * 10.0, h: 0.5 + rng.f64(), v: &v };
        check_bands(&g, &[15.0, 30.0, 45.0], &mut rng, 300);
    }
}

fn surface_of(scenario: &str, measure: Measure) -> (Surface, Vec<f64>, Vec<(String, Option<u32>, f64, f64)>, Vec<(f64, f64, f64, f64)>) {
    let l = load(&[repo().join("scenarios").join(scenario)]).unwrap();
    let b = l.bind_all().unwrap().remove(0);
    let g = Graph::build(&b);
    let r = Reach::compute(&b, &g);
    let s = Surface::compute(b.net, &b.params, &r, measure, Config::default());
    let levels: Vec<f64> = b.sc.cutoffs.iter().map(|c| c.0 * 60.0).collect();
    // a city's mark: its seat, or under the station measure the station whose platform time is the city's time
    let cities = b.net.cities.iter().zip(&r.cities).enumerate().map(|(i, (c, t))| {
        let (lon, lat) = ringsim::map::city_anchor(b.net, &r, ringsim::network::CityIx(i as u32), measure);
        (c.name.clone(), t.get(measure).map(|s| s.0), lon, lat)
    });
    // the reference cones: (lon, lat, time, seconds per km), straight from the documented rule
    let p = &b.params;
    let place_leg = p.road.trunk.circuity.unwrap_or(1.0) * 3600.0 / p.road.trunk.speed_kmh;
    let station_leg = p.connector.access.circuity.unwrap_or(1.0) * 3600.0 / p.connector.access.speed_kmh;
    let alight = if measure == Measure::Door { p.door.alighting_s } else { 0.0 };
    let mut cones: Vec<(f64, f64, f64, f64)> = Vec::new();
    for (pl, t) in b.net.places.iter().zip(&r.places) {
        if let Some(x) = t.get(measure) {
            cones.push((pl.lon, pl.lat, x.0 as f64, place_leg));
        }
    }
    for (st, t) in b.net.stations.iter().zip(&r.stations) {
        if let Some(x) = t.get(measure) {
            cones.push((st.lon, st.lat, x.0 as f64 + alight, station_leg));
        }
    }
    (s, levels, cities.collect(), cones)
}

fn reference(cones: &[(f64, f64, f64, f64)], lon: f64, lat: f64) -> Option<u32> {
    let best = cones
        .iter()
        .filter_map(|&(clon, clat, t, leg)| {
            let d = great_circle(clon, clat, lon, lat).0;
            (d <= Config::default().radius_km).then_some(t + d * leg)
        })
        .fold(f64::INFINITY, f64::min);
    best.is_finite().then(|| best.round() as u32)
}

#[test]
fn real_network_bands_surface_and_cities() {
    let mut rng = Rng(2025);
    for measure in [Measure::Station, Measure::Door] {
        let (s, levels, cities, cones) = surface_of("asbuilt-2025.toml", measure);
        let g = s.grid();
        let bands = check_bands(&g, &levels, &mut rng, 3000);
        // The surface equals the brute-force reference at sampled grid points.
        for _ in 0..400 {
            let (i, j) = (rng.below(s.nx as u64) as usize, rng.below(s.ny as u64) as usize);
            let (lon, lat) = s.proj.lonlat(s.x0 + i as f64 * s.h, s.y0 + j as f64 * s.h);
            let v = s.values[j * s.nx + i];
            assert_eq!(if v.is_nan() { None } else { Some(v as u32) }, reference(&cones, lon, lat), "grid point ({i}, {j})");
        }
        // At a node the surface is the reference, and never above the node's own time.
        for &(lon, lat, t, _) in &cones {
            let at = s.time_at(lon, lat);
            assert_eq!(at.map(|s| s.0), reference(&cones, lon, lat));
            assert!(at.unwrap().0 as f64 <= t.round(), "surface above the node time at ({lon}, {lat})");
        }
        // Each plan city lies in the band of its time, unless its time is within the interpolation tolerance of a
        // cutoff (then in one of the two bands either side).
        let tol = s.tolerance();
        for (name, t, lon, lat) in &cities {
            let p = s.proj.xy(*lon, *lat);
            let k = band_containing(&bands, p);
            let t = t.map_or(f64::NAN, |t| t as f64);
            let want = band_of(&levels, t);
            if levels.iter().all(|l| (t - l).abs() > tol) {
                assert_eq!(k, want, "{name} ({:.1} min) drawn in band {k}, expected {want} ({measure:?})", t / 60.0);
            } else {
                assert!(k == want || k + 1 == want || k == want + 1, "{name} near a cutoff but two bands off");
            }
        }
        if measure == Measure::Station {
            // the origin's stations are at time zero
            assert!(cities.iter().any(|c| c.0 == "郑州市" && c.1 == Some(0)));
        }
    }
}

#[test]
fn opening_projects_never_raises_the_surface() {
    for measure in [Measure::Station, Measure::Door] {
        let l = load(&[repo().join("scenarios/asbuilt-2016.toml"), repo().join("scenarios/asbuilt-2025.toml"), repo().join("scenarios/full-buildout.toml")]).unwrap();
        let bound = l.bind_all().unwrap();
        let surfaces: Vec<Surface> = bound
            .iter()
            .map(|b| {
                let g = Graph::build(b);
                let r = Reach::compute(b, &g);
                Surface::compute(b.net, &b.params, &r, measure, Config::default())
            })
            .collect();
        for w in surfaces.windows(2) {
            assert_eq!((w[0].nx, w[0].ny), (w[1].nx, w[1].ny), "same region, same grid");
            for (a, b) in w[0].values.iter().zip(&w[1].values) {
                assert!(a.is_nan() || *b <= *a, "a later build-out is slower somewhere: {a} → {b}");
            }
        }
    }
}

#[test]
fn plot_and_chart_draw_png_svg_and_geojson() {
    let t = tempfile::tempdir().unwrap();
    let sc = repo().join("scenarios/asbuilt-2025.toml");
    let old = repo().join("scenarios/asbuilt-2016.toml");
    let go = |args: &[&str]| {
        let o = Command::new(bin()).args(args).current_dir(t.path()).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    go(&["plot", sc.to_str().unwrap(), "--out", "m.png", "--geojson", "bands.geojson"]);
    go(&["plot", sc.to_str().unwrap(), "--out", "m.svg", "--measure", "door"]);
    let fwd = go(&["plot", sc.to_str().unwrap(), "--diff", old.to_str().unwrap(), "--out", "d.png"]);
    assert!(!fwd.contains("reached later"), "no place is slower in 2025 than in 2016: {fwd}");
    // the other way round, the map can show no loss: the text says how many places lose and how to map them
    let back = go(&["plot", old.to_str().unwrap(), "--diff", sc.to_str().unwrap(), "--out", "back.svg"]);
    let note = back.lines().find(|l| l.contains("reached later in asbuilt-2016 than in asbuilt-2025")).unwrap_or_else(|| panic!("{back}"));
    let n: usize = note.split("note: ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(n > 100 && note.contains("swap the two"), "{note}");
    go(&["chart", old.to_str().unwrap(), sc.to_str().unwrap(), "--out", "c.svg"]);
    go(&["chart", old.to_str().unwrap(), sc.to_str().unwrap(), "--out", "c.png"]);
    for f in ["m.png", "d.png", "c.png"] {
        let b = std::fs::read(t.path().join(f)).unwrap();
        assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{f} is a PNG");
        assert!(b.len() > 20_000, "{f} has content");
    }
    let svg = std::fs::read_to_string(t.path().join("m.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("郑州") && svg.contains("<polygon"), "SVG map with Chinese labels and filled bands");
    assert!(std::fs::read_to_string(t.path().join("c.svg")).unwrap().contains("within 90 min"));
    // GeoJSON: four MultiPolygon bands whose populations add up to the region's
    let gj: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(t.path().join("bands.geojson")).unwrap()).unwrap();
    let feats = gj["features"].as_array().unwrap();
    assert_eq!(feats.len(), 4);
    let pop: u64 = feats.iter().map(|f| f["properties"]["population"].as_u64().unwrap()).sum();
    assert_eq!(pop, 164_576_876);
    let upper: Vec<Option<f64>> = feats.iter().map(|f| f["properties"]["minutes"].as_f64()).collect();
    assert_eq!(upper, vec![Some(30.0), Some(60.0), Some(90.0), None]);
    for f in feats {
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
        for poly in f["geometry"]["coordinates"].as_array().unwrap() {
            for ring in poly.as_array().unwrap() {
                let r = ring.as_array().unwrap();
                assert!(r.len() >= 4 && r[0] == r[r.len() - 1], "closed ring");
            }
        }
    }
    // choropleths of indicators: counties on the census units, cities on their prefectures
    go(&["indicators", old.to_str().unwrap(), "--compare", sc.to_str().unwrap(), "--nodes", "counties", "--measure", "door", "--map", "w.png"]);
    let out = go(&["indicators", sc.to_str().unwrap(), "--nodes", "cities", "--measure", "door", "--map", "w.svg", "--show", "daily_180"]);
    assert!(out.contains("wrote w.svg"));
    assert!(std::fs::read_to_string(t.path().join("w.svg")).unwrap().contains("population within 180 min"));
    assert_eq!(&std::fs::read(t.path().join("w.png")).unwrap()[..4], b"\x89PNG");
    // bad output name
    let o = Command::new(bin()).args(["plot", sc.to_str().unwrap(), "--out", "m.jpg"]).current_dir(t.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".png or .svg"));
}

/// Writes a copy of a bundled scenario under `dir` with another name (and optionally another `as_of`), pointing at
/// the bundled network by absolute path.
fn scenario_copy(dir: &std::path::Path, from: &str, name: &str, as_of: Option<&str>) -> std::path::PathBuf {
    let src = repo().join("scenarios").join(from);
    let text = std::fs::read_to_string(&src).unwrap();
    let net_dir = src.parent().unwrap().join(text.lines().find(|l| l.starts_with("network")).unwrap().split('"').nth(1).unwrap());
    let mut out = String::new();
    for l in text.lines() {
        if l.starts_with("name") {
            out.push_str(&format!("name = \"{name}\"\n"));
        } else if l.starts_with("network") {
            out.push_str(&format!("network = \"{}\"\n", net_dir.display()));
        } else if l.starts_with("as_of") && as_of.is_some() {
            out.push_str(&format!("as_of = \"{}\"\n", as_of.unwrap()));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, out).unwrap();
    p
}

fn band_features(path: &std::path::Path) -> Vec<serde_json::Value> {
    let gj: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    gj["features"].as_array().unwrap().clone()
}

#[test]
fn an_empty_band_has_no_negative_area() {
    let a = contour::total_area(&[]);
    assert!(a == 0.0 && a.is_sign_positive());
    assert_eq!(format!("{a:.0}"), "0");
    let square = Polygon { outer: vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)], holes: vec![vec![(0.5, 0.5), (0.5, 1.5), (1.5, 1.5), (1.5, 0.5)]] };
    assert_eq!(contour::total_area(&[square.clone(), square]), 6.0);
}

#[test]
fn difference_maps_compare_the_same_grid_and_keep_newly_reached_places() {
    let t = tempfile::tempdir().unwrap();
    let go_out = |args: &[&str]| {
        let o = Command::new(bin()).args(args).current_dir(t.path()).output().unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    let go = |args: &[&str]| {
        let (code, _, err) = go_out(args);
        (code, err)
    };
    // A scenario against an identical copy saves nothing anywhere, at a cell size whose grid is not a whole
    // number of cells (1.6 km once shifted the second grid by a column).
    let a = repo().join("scenarios/asbuilt-2025.toml");
    let same = scenario_copy(t.path(), "asbuilt-2025.toml", "same-2025", None);
    let (code, out, err) = go_out(&["plot", a.to_str().unwrap(), "--diff", same.to_str().unwrap(), "--cell-km", "1.6", "--out", "d.png", "--geojson", "d.geojson"]);
    assert_eq!(code, Some(0), "{err}");
    // an empty band has an area of 0 km², not −0 (an empty f64 sum)
    assert!(!out.contains("-0 km²"), "{out}");
    assert!(out.contains("newly reached (not reached by same-2025)          0 people,         0 km² of the map"), "{out}");
    let f = band_features(&t.path().join("d.geojson"));
    // newly reached, four saving bands, under 5 minutes, unreached
    assert_eq!(f.len(), 7);
    for band in &f[..5] {
        assert!(band["geometry"]["coordinates"].as_array().unwrap().is_empty(), "identical scenarios save time in band {}", band["properties"]["band"]);
        assert_eq!(band["properties"]["population"], 0);
    }
    // Against a network with nothing open, everything reached is newly reached: the largest-saving band holds
    // the whole region, geometry included.
    let empty = scenario_copy(t.path(), "guanzhong/asbuilt-2025.toml", "gz-nothing", Some("1900-01-01"));
    let b = repo().join("scenarios/guanzhong/asbuilt-2025.toml");
    let (code, fwd, err) = go_out(&["plot", b.to_str().unwrap(), "--diff", empty.to_str().unwrap(), "--out", "n.svg", "--geojson", "n.geojson"]);
    assert_eq!(code, Some(0), "{err}");
    // the other way round, the places newly reached above are the ones the older network does not reach: the map
    // can only put them in its unreached band, and the text counts them, with the same people
    let newly: u64 = fwd.lines().find(|l| l.contains("newly reached (not reached by gz-nothing)")).unwrap().split(')').nth(1).unwrap().split_whitespace().next().unwrap().parse().unwrap();
    assert!(newly > 0, "{fwd}");
    let (code, back, err) = go_out(&["plot", empty.to_str().unwrap(), "--diff", b.to_str().unwrap(), "--out", "back.svg"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(back.contains(&format!("({newly} people) are reached in gz-asbuilt-2025 but not in gz-nothing")), "{back}");
    let f = band_features(&t.path().join("n.geojson"));
    assert!(f[0]["properties"]["band"].as_str().unwrap().starts_with("newly reached"));
    assert_eq!(f[1]["properties"]["minutes"], 60.0);
    assert!(!f[0]["geometry"]["coordinates"].as_array().unwrap().is_empty(), "newly reached places must be drawn, in a band of their own");
    // Different origins cannot be differenced.
    let other_origin = repo().join("scenarios/guanzhong/asbuilt-2025-yuncheng.toml");
    let (code, err) = go(&["plot", b.to_str().unwrap(), "--diff", other_origin.to_str().unwrap(), "--out", "x.png"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("origin"), "{err}");
}
