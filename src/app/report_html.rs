//! `ringsim report SCENARIO [--compare OTHER] --out report.html`: one self-contained HTML page for a planner's
//! report, in Chinese with English beside it. Sections (each a `<section id=…>`): rings, map, cities,
//! prefectures, changes, error, sources. Figures are inline SVG whose text uses the embedded font (an `@font-face`
//! data URI), so the page needs no network access and no installed font. The page has no script.

use super::maps::{map_figure, network_wording};
use super::{load_with, Overrides};
use crate::calibrate;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::report::{band_label, count, within_label};
use crate::rings::{fmt_cutoff, Reach};
use crate::scenario::Bound;
use crate::table::write_atomic;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Options of `ringsim report`.
pub struct ReportArgs<'a> {
    pub scenario: &'a Path,
    pub compare: Option<&'a Path>,
    pub out: &'a Path,
    /// The scenario whose model is checked against the observed times (default: the report's scenario).
    pub validate_with: Option<&'a Path>,
    pub cell_km: f64,
    pub overrides: Overrides,
}

/// HTML-escapes text.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn mins(t: Option<crate::units::Seconds>) -> String {
    t.map(|t| t.minutes().to_string()).unwrap_or_else(|| "–".into())
}

fn pct(a: u64, b: u64) -> String {
    format!("{:.1}%", 100.0 * a as f64 / b.max(1) as f64)
}

/// Thousands separators, so 16146040 reads 16,146,040.
fn thousands(n: u64) -> String {
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

fn signed(n: i64) -> String {
    if n >= 0 { format!("+{}", thousands(n as u64)) } else { format!("−{}", thousands(n.unsigned_abs())) }
}

/// A figure as inline SVG (the page carries the font once).
fn inline_svg<F: crate::plot::Figure>(fig: &F, alt: &str) -> Result<String> {
    let svg = crate::plot::svg_string(fig).map_err(|message| Error::Plot { path: PathBuf::from("report.html"), message })?;
    let k = svg.find("<svg").map(|i| i + 4).unwrap_or(0);
    Ok(format!("{} role=\"img\" aria-label=\"{}\"{}", &svg[..k], esc(alt), &svg[k..]))
}

/// The observed-times files of a network: every CSV in `<network>/observed/`.
pub fn observed_files(net_dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(net_dir.join("observed"))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "csv")).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// `ringsim report`.
pub fn report(a: &ReportArgs) -> Result<String> {
    if a.out.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() != Some("html") {
        return Err(Error::Usage(format!("{}: the report is HTML; end the file name in .html", a.out.display())));
    }
    if !(a.cell_km.is_finite() && a.cell_km >= 0.25 && a.cell_km <= 20.0) {
        return Err(Error::Usage(format!("--cell-km {}: use a cell size between 0.25 and 20 km (2 is the default)", a.cell_km)));
    }
    let mut paths = vec![a.scenario.to_path_buf()];
    if let Some(c) = a.compare {
        paths.push(c.to_path_buf());
    }
    let loaded = load_with(&paths, &a.overrides)?;
    let bound = loaded.bind_all()?;
    let b = &bound[0];
    let other = bound.get(1);
    if let Some(o) = other {
        if !std::ptr::eq(b.net, o.net) || b.origin != o.origin || b.sc.cutoffs != o.sc.cutoffs || b.sc.measure != o.sc.measure {
            return Err(Error::Usage(format!("'{}' and '{}' differ in network, origin, cutoffs or measure; a report compares scenarios that share them", b.sc.name, o.sc.name)));
        }
    }
    let net = b.net;
    // The measured error is the report's network's: a scenario of another network would put that network's error
    // (its observed files, its trains) under this report's rings. Checked before any work.
    let vloaded = match a.validate_with {
        None => None,
        Some(p) => Some(super::load(&[p.to_path_buf()])?),
    };
    if let (Some(p), Some(v)) = (a.validate_with, &vloaded) {
        let vsc = &v.scenarios[0];
        if crate::outputs::resolve(&vsc.network_dir) != crate::outputs::resolve(&b.sc.network_dir) {
            return Err(Error::Usage(format!(
                "--validate-with {}: '{}' uses network '{}' but the report's scenario '{}' uses network '{}' (folders {} and {}); give a scenario of the report's network (its observed times are the ones measured)",
                p.display(),
                vsc.name,
                v.network_of(vsc).name,
                b.sc.name,
                net.name,
                vsc.network_dir.display(),
                b.sc.network_dir.display()
            )));
        }
    }
    let m = b.sc.measure;
    let g = super::build_graph(b)?;
    let r = Reach::compute(b, &g);
    let sums = r.summaries(net);
    let ro = match other {
        Some(o) => Some(Reach::compute(o, &super::build_graph(o)?)),
        None => None,
    };
    let origin = net.cities[b.origin.i()].name.clone();
    let total = net.region_population();
    let mut h = String::new();
    let title = format!("{origin} 交通圈报告 · Travel-time rings around {origin}: {}", b.sc.name);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{}\n{}\n</style>\n</head>\n<body>\n",
        esc(&title),
        crate::plot::font_css(),
        CSS
    );
    let _ = writeln!(h, "<header><h1>{}</h1>", esc(&title));
    let _ = writeln!(
        h,
        "<p class=\"meta\">网络 network <b>{}</b> · {} · 起点 origin <b>{}</b> · 度量 measure <b>{}</b> ({}) · 时间圈 cutoffs {} min{}</p>",
        esc(&net.name),
        esc(&network_wording(b)),
        esc(&origin),
        m.as_str(),
        if m == crate::scenario::Measure::Station { "车站到车站 station to station, by rail" } else { "门到门 door to door, seat to seat" },
        b.sc.cutoffs.iter().map(|c| fmt_cutoff(*c)).collect::<Vec<_>>().join(" / "),
        match other {
            Some(o) => format!(" · 对比 compared with <b>{}</b> ({})", esc(&o.sc.name), esc(&network_wording(o))),
            None => String::new(),
        }
    );
    if !b.sc.description.is_empty() {
        let _ = writeln!(h, "<p>{}</p>", esc(&b.sc.description));
    }
    let _ = writeln!(h, "<nav>{}</nav></header>", SECTIONS.iter().map(|(id, zh, en)| format!("<a href=\"#{id}\">{zh} {en}</a>")).collect::<Vec<_>>().join(" · "));

    // 1. rings
    let _ = writeln!(h, "<section id=\"rings\"><h2>交通圈 Rings</h2>");
    let _ = writeln!(h, "<p>累计：每一圈包括其内圈。Cumulative: each ring includes the inner ones. Population: 2020 census; share of the region's {} people.</p>", thousands(total));
    let _ = writeln!(h, "<table><thead><tr><th>范围 within</th><th>规划城市 plan cities</th><th>县区 counties / districts</th><th>人口 population</th><th>占比 share</th><th>面积 area km²</th></tr></thead><tbody>");
    for s in &sums {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            within_label(s.cutoff),
            s.cities.len(),
            s.counties,
            thousands(s.population),
            pct(s.population, total),
            thousands(s.area_km2.round() as u64)
        );
    }
    let _ = writeln!(h, "</tbody></table></section>");

    // 2. map
    let mo = map_figure(b, None, m, a.cell_km)?;
    let _ = writeln!(h, "<section id=\"map\"><h2>地图 Map</h2><p>等时圈：两个时间之间的人口（非累计）。Bands between two cutoffs (not cumulative); the cumulative total is beside each band.</p>");
    let _ = writeln!(h, "<figure class=\"fig\">{}</figure>", inline_svg(&mo.fig, &format!("map of travel time to {origin}"))?);
    if let Some(o) = other {
        let md = map_figure(b, Some(o), m, a.cell_km)?;
        let _ = writeln!(h, "<figure class=\"fig\">{}</figure>", inline_svg(&md.fig, "map of minutes saved")?);
    }
    let _ = writeln!(h, "</section>");

    // 3. cities
    let _ = writeln!(h, "<section id=\"cities\"><h2>规划城市 Plan cities</h2>");
    let _ = write!(h, "<table><thead><tr><th>城市 city</th><th>角色 role</th><th>时间 minutes</th><th>时间带 band</th><th>方式 mode</th>");
    if let Some(o) = other {
        let _ = write!(h, "<th>{} minutes</th><th>节省 saved</th>", esc(&o.sc.name));
    }
    let _ = writeln!(h, "</tr></thead><tbody>");
    let mut order: Vec<usize> = (0..net.cities.len()).filter(|&i| i != b.origin.i()).collect();
    order.sort_by_key(|&i| (r.cities[i].get(m).map_or(u32::MAX, |t| t.0), net.cities[i].id.clone()));
    for &i in &order {
        let c = &net.cities[i];
        let t = r.cities[i].get(m);
        let _ = write!(h, "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td>", esc(&c.name), esc(&c.role), mins(t), band_label(&r.cutoffs, t), esc(r.cities[i].mode(m)));
        if let Some(ro) = &ro {
            let to = ro.cities[i].get(m);
            let saved = match (to, t) {
                (Some(x), Some(y)) => format!("{:.1}", (x.0 as f64 - y.0 as f64) / 60.0),
                _ => "–".into(),
            };
            let _ = write!(h, "<td class=\"n\">{}</td><td class=\"n\">{}</td>", mins(to), saved);
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</tbody></table></section>");

    // 4. population by prefecture and band
    let _ = writeln!(h, "<section id=\"prefectures\"><h2>各地市人口 Population by prefecture and band</h2><p>每个时间带（两个时间之间）的人口。Population of the county-level units in each band between two cutoffs (the bands add up to the prefecture's total), then within each cutoff (cumulative, shaded).</p>");
    let mut band_names: Vec<String> = r.cutoffs.iter().map(|c| band_label(&r.cutoffs, Some(c.seconds()))).collect();
    band_names.push(format!("over {} min", fmt_cutoff(*r.cutoffs.last().expect("cutoffs"))));
    band_names.push("unreached".into());
    let nb = band_names.len();
    let mut rows: Vec<(String, Vec<u64>)> = Vec::new();
    for (p, t) in net.places.iter().zip(&r.places) {
        if !p.kind.is_unit() {
            continue;
        }
        let k = match t.get(m) {
            None => nb - 1,
            Some(t) => r.cutoffs.iter().position(|c| t.0 as f64 / 60.0 <= c.0).unwrap_or(nb - 2),
        };
        let row = match rows.iter().position(|(n, _)| *n == p.prefecture) {
            Some(i) => i,
            None => {
                rows.push((p.prefecture.clone(), vec![0; nb]));
                rows.len() - 1
            }
        };
        rows[row].1[k] += p.population;
    }
    rows.sort_by(|x, y| y.1[0].cmp(&x.1[0]).then(x.0.cmp(&y.0)));
    // bands, the total, then the cumulative rings (a running sum of the bands)
    let nc = r.cutoffs.len();
    let cum_names: Vec<String> = r.cutoffs.iter().map(|c| within_label(*c)).collect();
    let _ = writeln!(
        h,
        "<table><thead><tr><th>地市 prefecture</th>{}<th>合计 total</th>{}</tr></thead><tbody>",
        band_names.iter().map(|b| format!("<th>{b}</th>")).collect::<String>(),
        cum_names.iter().map(|b| format!("<th class=\"cum\">{b}</th>")).collect::<String>()
    );
    let cells = |v: &[u64]| -> String {
        let mut c: String = v.iter().map(|x| format!("<td class=\"n\">{}</td>", thousands(*x))).collect();
        c.push_str(&format!("<td class=\"n\">{}</td>", thousands(v.iter().sum())));
        let mut run = 0;
        for x in v.iter().take(nc) {
            run += x;
            c.push_str(&format!("<td class=\"n cum\">{}</td>", thousands(run)));
        }
        c
    };
    let mut col = vec![0u64; nb];
    for (name, v) in &rows {
        for k in 0..nb {
            col[k] += v[k];
        }
        let _ = writeln!(h, "<tr><td>{}</td>{}</tr>", esc(name), cells(v));
    }
    let _ = writeln!(h, "<tr class=\"total\"><td>合计 total</td>{}</tr>", cells(&col));
    let _ = writeln!(h, "</tbody></table></section>");

    // 5. changes
    let _ = writeln!(h, "<section id=\"changes\"><h2>变化 Changes</h2>");
    match (other, &ro) {
        (Some(o), Some(ro)) => {
            let so = ro.summaries(net);
            let _ = writeln!(h, "<p>{} → {}：{} → {}.</p>", esc(&o.sc.name), esc(&b.sc.name), esc(&network_wording(o)), esc(&network_wording(b)));
            let _ = writeln!(h, "<table><thead><tr><th>范围 within</th><th>人口 population {}</th><th>人口 population {}</th><th>变化 change</th><th>规划城市 plan cities</th></tr></thead><tbody>", esc(&o.sc.name), esc(&b.sc.name));
            for (x, y) in so.iter().zip(&sums) {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} → {}</td></tr>",
                    within_label(x.cutoff),
                    thousands(x.population),
                    thousands(y.population),
                    signed(y.population as i64 - x.population as i64),
                    x.cities.len(),
                    y.cities.len()
                );
            }
            let _ = writeln!(h, "</tbody></table>");
            let mut changed = Vec::new();
            for &i in &order {
                let (ta, tb) = (ro.cities[i].get(m), r.cities[i].get(m));
                if ta != tb {
                    changed.push(format!("<li>{}: {} → {} min ({} → {})</li>", esc(&net.cities[i].name), mins(ta), mins(tb), band_label(&r.cutoffs, ta), band_label(&r.cutoffs, tb)));
                }
            }
            let moved = net
                .places
                .iter()
                .enumerate()
                .filter(|(i, p)| p.kind.is_unit() && band_label(&r.cutoffs, ro.places[*i].get(m)) != band_label(&r.cutoffs, r.places[*i].get(m)))
                .count();
            if changed.is_empty() {
                let _ = writeln!(h, "<p class=\"note\">没有规划城市的时间变化。No plan city's time changes between the two scenarios under the {} measure: this comparison cannot tell them apart.</p>", m.as_str());
            } else {
                let _ = writeln!(h, "<p>{} change time; {} change band.</p><ul>{}</ul>", count(changed.len(), "plan city", "plan cities"), count(moved, "county-level unit", "county-level units"), changed.join(""));
            }
        }
        _ => {
            let _ = writeln!(h, "<p>未指定对比情景。No scenario to compare with: run <code>ringsim report {} --compare OTHER.toml</code>.</p>", esc(&a.scenario.display().to_string()));
        }
    }
    let _ = writeln!(h, "</section>");

    // 6. measured error
    let _ = writeln!(h, "<section id=\"error\"><h2>模型误差 Measured error</h2>");
    let vb: Bound = match &vloaded {
        None => b.sc.clone().bind(net)?,
        Some(v) => super::bind_one(v)?,
    };
    let files = observed_files(&vb.sc.network_dir);
    if files.is_empty() {
        let _ = writeln!(h, "<p class=\"note\">No observed times: {} has no observed/*.csv, so the model's error is not measured.</p>", esc(&vb.sc.network_dir.display().to_string()));
    } else {
        // Each observation is measured on the network of its own date (`as_of`): a timetable of 2021 against the
        // network of 2021, a time reported at a line's opening against the network once it had opened. A row without
        // a date, and every row with --validate-with, is measured on the scenario `vb`.
        let mut graphs: std::collections::BTreeMap<Option<crate::units::Date>, (Graph, Graph)> = Default::default();
        let mut dated = false;
        let mut tbl = String::new();
        let mut undated = false;
        let mut notes: Vec<String> = Vec::new();
        let _ = writeln!(tbl, "<table><thead><tr><th>观测 observed file</th><th>measured on</th><th>timing</th><th>对 pairs</th><th>n</th><th>平均绝对误差 mean abs. error</th><th>偏差 bias</th><th>90th pct</th><th>max</th></tr></thead><tbody>");
        for f in &files {
            let obs = calibrate::read_observed(vb.net, f)?;
            let name = f.file_name().map(|x| x.to_string_lossy().to_string()).unwrap_or_default();
            // the rows by the date they are measured on
            let mut groups: std::collections::BTreeMap<Option<crate::units::Date>, Vec<calibrate::Observed>> = Default::default();
            for o in &obs {
                let key = if a.validate_with.is_some() { None } else { o.as_of };
                groups.entry(key).or_default().push(o.clone());
            }
            for key in groups.keys() {
                if !graphs.contains_key(key) {
                    let bound = match key {
                        None => vb.clone(),
                        Some(d) => vb.sc.as_built_on(*d).bind(vb.net)?,
                    };
                    let g = super::build_graph(&bound)?;
                    let mut physics = bound.clone();
                    crate::services::physics_only(&mut physics.services);
                    let pg = super::build_graph(&physics)?;
                    graphs.insert(*key, (g, pg));
                }
            }
            let dates: Vec<String> = groups.keys().map(|k| match k {
                Some(d) => d.to_string(),
                None => format!("scenario {}", vb.sc.name),
            }).collect();
            dated |= groups.keys().any(|k| k.is_some());
            undated |= groups.keys().any(|k| k.is_none());
            let on = if dates.len() <= 3 { dates.join(", ") } else { format!("{} dates, {} … {}", dates.len(), dates[0], dates[dates.len() - 1]) };
            let mut unmatched = 0;
            for (timing, physics) in [("as the rings", false), ("physics alone", true)] {
                let mut pairs = Vec::new();
                unmatched = 0;
                for (key, rows) in &groups {
                    let (g, pg) = &graphs[key];
                    let e = calibrate::evaluate(if physics { pg } else { g }, rows);
                    unmatched += e.unmatched.len();
                    pairs.extend(e.pairs);
                }
                let fast: Vec<_> = pairs.iter().filter(|p| p.fast).cloned().collect();
                let conventional: Vec<_> = pairs.iter().filter(|p| !p.fast).cloned().collect();
                for (label, s) in [("high-speed and intercity trains", calibrate::stats(&fast)), ("conventional trains", calibrate::stats(&conventional)), ("all matched", calibrate::stats(&pairs))] {
                    let cells = if s.n == 0 {
                        "<td class=\"n\">—</td><td class=\"n\">—</td><td class=\"n\">—</td><td class=\"n\">—</td>".to_string()
                    } else {
                        format!("<td class=\"n\">{:.1} min ({:.1}%)</td><td class=\"n\">{:+.1} min</td><td class=\"n\">{:.1} min</td><td class=\"n\">{:.1} min</td>", s.mae, s.mape, s.bias, s.p90, s.max)
                    };
                    let _ = writeln!(tbl, "<tr><td>{}</td><td>{}</td><td>{timing}</td><td>{label}</td><td class=\"n\">{}</td>{cells}</tr>", esc(&name), esc(&on), s.n);
                }
            }
            let _ = writeln!(tbl, "<tr><td>{}</td><td>{}</td><td></td><td>unmatched</td><td class=\"n\">{}</td><td colspan=\"4\">stations or lines the network lacks at this date</td></tr>", esc(&name), esc(&on), unmatched);
            if a.validate_with.is_some() {
                // the rows measured on one scenario although dated across a rail change from it: said under the table
                let n = super::dated_rows_note(&vb, &obs);
                if !n.is_empty() {
                    let n = n.trim().trim_start_matches("note: ").replace("`ringsim report` measures each row", "without --validate-with, the report measures each row");
                    notes.push(format!("{name}: {n}"));
                }
            }
        }
        let _ = writeln!(tbl, "</tbody></table>");
        let _ = writeln!(h, "<p>The model against observed station-to-station times (<code>ringsim validate</code>, computed for this report). Error = model − observed, over every matched pair (the fastest train of each pair: G/D/C or conventional); no pair is screened out. {} Two timings: <b>as the rings</b> use it, the timetable's trains at the boards' own times where the boards give them (an observed file of the boards' date is then reproduced, not predicted) and the physics elsewhere; and <b>the physics alone</b> (<code>validate --physics</code>), which times the lines without a timetable and the legs the boards do not show, and whose cross-validated error <code>calibrate</code> writes to the network's calibration file.</p>", if a.validate_with.is_some() { format!("Every observation is measured on scenario <b>{}</b> ({}), as <code>--validate-with</code> asks.", esc(&vb.sc.name), esc(&network_wording(&vb))) } else { format!("Each observation is measured on the network as built on its own date (the file's <code>as_of</code> column: the timetable's date, or the date of the report that gave the time), so that no time is compared with lines not yet open or opened since; {}", if undated { format!("a row without a date on scenario <b>{}</b> ({}).", esc(&vb.sc.name), esc(&network_wording(&vb))) } else { "every row has one.".to_string() }) });
        h.push_str(&tbl);
        for n in &notes {
            let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(n));
        }
        if dated {
            let _ = writeln!(h, "<p class=\"note\">\"As built on\" a date: the scenario's network with what had opened by then and the network's own trains (no plan project added, no service modification of the scenario), timed with the scenario's parameters.</p>");
        }
    }
    let _ = writeln!(h, "</section>");

    // 7. sources
    let _ = writeln!(h, "<section id=\"sources\"><h2>数据来源 Data sources</h2><ul>");
    let nd = b.sc.network_dir.display().to_string();
    let _ = writeln!(h, "<li>Network <b>{}</b>: <code>{}</code> ({} places, {} stations, {} rail sections, {} road links; every row cites its source).</li>", esc(&net.name), esc(&nd), net.places.len(), net.stations.len(), net.sections.len(), net.roads.len());
    let _ = writeln!(h, "<li>Plan projects and cities: <code>{}</code> (the project's digest of the planning documents).</li>", esc(&net.seeds.projects_path.display().to_string()));
    let _ = writeln!(h, "<li>Scenario: <code>{}</code>{}.</li>", esc(&b.sc.path.display().to_string()), other.map(|o| format!("; compared with <code>{}</code>", esc(&o.sc.path.display().to_string()))).unwrap_or_default());
    for f in &files {
        let _ = writeln!(h, "<li>Observed times: <code>{}</code>.</li>", esc(&f.display().to_string()));
    }
    for (what, lic) in SOURCES {
        let _ = writeln!(h, "<li>{what} ({lic}).</li>");
    }
    let _ = writeln!(h, "</ul><p class=\"meta\">Made by ringsim {} (<code>ringsim report</code>); the model and its assumptions are described in the project's README.</p></section>", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(h, "</body>\n</html>");
    write_atomic(a.out, h.as_bytes())?;
    Ok(format!("wrote {} ({} KB; sections: {})\n", a.out.display(), h.len() / 1024, SECTIONS.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")))
}

/// The sections of the page: id, Chinese and English heading.
pub const SECTIONS: [(&str, &str, &str); 7] = [
    ("rings", "交通圈", "Rings"),
    ("map", "地图", "Map"),
    ("cities", "规划城市", "Plan cities"),
    ("prefectures", "各地市人口", "Population by prefecture"),
    ("changes", "变化", "Changes"),
    ("error", "模型误差", "Measured error"),
    ("sources", "数据来源", "Data sources"),
];

/// The shared reference data behind every network, with licences.
const SOURCES: [(&str, &str); 6] = [
    ("2020 census county tabulation and boundaries, via thebamboogrove/tudigong", "MIT"),
    ("Government seats and prefecture outlines, via Aliyun DataV GeoAtlas", "DataV/Amap terms"),
    ("12306 station list, via pomerun/china-railway-station", "BSD-3"),
    ("2021 departure boards, via thaddywu/RailwayVIS", "Apache-2.0"),
    ("Line lengths, speeds and opening dates: public pages, cited by URL in each row", "various"),
    ("WenQuanYi Micro Hei font, subset embedded in this page", "Apache-2.0"),
];

const CSS: &str = "body{font-family:'ringsim-wqy',sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #2c7fb8;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
th{background:#edf8fb}td.cum,th.cum{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:bold;background:#f6f6f6}
.meta{color:#555}.note{background:#fff4e0;border-left:4px solid #e69f00;padding:.4em .8em}
nav a{color:#2c7fb8}.fig{margin:1em 0}.fig svg{max-width:100%;height:auto;border:1px solid #ddd}
code{background:#f4f4f4;padding:0 .2em}";
