//! The commands behind the CLI, as library functions: each takes validated arguments and returns text to print
//! or an [`Error`]. `main.rs` only parses arguments and maps errors to exit code 2.

use crate::calibrate;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::network::Network;
use crate::od;
use crate::report;
use crate::rings::Reach;
use crate::scenario::{Bound, Scenario};
use crate::table::{write_atomic, Batch, CsvOut};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod charts;
mod indicators;
mod maps;
mod matrix;
pub mod projects;
pub mod report_html;
mod trip;

pub use charts::chart;
pub use trip::trip;
pub use indicators::{indicators, IndicatorArgs};
pub use maps::{plot, PlotArgs};
pub use matrix::{graph, matrix, MatrixArgs};
pub use projects::projects;
pub use report_html::{report, ReportArgs};

/// Networks loaded once per folder, shared by every scenario that names them.
pub struct Loaded {
    pub scenarios: Vec<Scenario>,
    pub networks: BTreeMap<PathBuf, Network>,
}

pub fn load(paths: &[PathBuf]) -> Result<Loaded> {
    load_networks(paths, false)
}

/// [`load`]; with `for_fit` (`calibrate`) a calibration file from before a fitted parameter was added is read
/// without the values it lacks ([`Network::load_with`]).
pub fn load_networks(paths: &[PathBuf], for_fit: bool) -> Result<Loaded> {
    let mut scenarios = Vec::new();
    let mut networks = BTreeMap::new();
    for p in paths {
        let sc = Scenario::read(p).map_err(|e| e.for_arg("the scenario file", p))?;
        // inputs no output of the command may replace (`crate::outputs`)
        crate::outputs::input("the scenario file", p);
        crate::outputs::input(&format!("the network folder of {}", p.display()), &sc.network_dir);
        let key = std::fs::canonicalize(&sc.network_dir).map_err(|source| Error::Io { path: sc.network_dir.clone(), source })?;
        if !networks.contains_key(&key) {
            let net = Network::load_with(&sc.network_dir, for_fit)?;
            net.register_input(&p.display().to_string());
            networks.insert(key.clone(), net);
        }
        scenarios.push(sc);
    }
    let mut names = BTreeMap::new();
    for sc in &scenarios {
        if let Some(other) = names.insert(sc.name.clone(), sc.path.clone()) {
            return Err(Error::Usage(format!("two scenarios are named '{}' ({} and {}); outputs would overwrite each other", sc.name, other.display(), sc.path.display())));
        }
    }
    Ok(Loaded { scenarios, networks })
}

/// Command-line overrides of a scenario's measure, date and origin (`run`, `compare`, `report`), so a variant needs
/// no new file. A scenario changed by one gets a name that says so, and so its own output folder.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub measure: Option<crate::scenario::Measure>,
    pub as_of: Option<crate::units::Date>,
    /// A plan city (id or name) of the scenario's network.
    pub origin: Option<String>,
}

impl Overrides {
    pub fn parse(measure: Option<&str>, as_of: Option<&str>, origin: Option<&str>) -> Result<Overrides> {
        let measure = match measure {
            None => None,
            Some(s) => Some(crate::scenario::Measure::parse(s).ok_or_else(|| Error::Usage(format!("--measure '{s}': expected door or station")))?),
        };
        let as_of = match as_of {
            None => None,
            // the years a scenario file's as_of may have (1800–2200), so that the option is no laxer than the key
            Some(s) => Some(crate::table::check_date(s).map_err(|m| Error::Usage(format!("--as-of '{s}': {m}")))?),
        };
        if let Some(o) = origin {
            if o.trim().is_empty() {
                return Err(Error::Usage("--origin: give a plan city of the network (id or name)".into()));
            }
        }
        Ok(Overrides { measure, as_of, origin: origin.map(|o| o.trim().to_string()) })
    }

    pub fn is_empty(&self) -> bool {
        self.measure.is_none() && self.as_of.is_none() && self.origin.is_none()
    }

    /// Applies the overrides to a scenario read from its file; the name gains a suffix per change, and
    /// [`Scenario::options`] records the option that set each key (an error about its value names the option).
    pub fn apply(&self, sc: &mut Scenario) {
        if let Some(m) = self.measure {
            if m != sc.measure {
                sc.measure = m;
                sc.name.push_str(&format!("-{}", m.as_str()));
                sc.options.insert("measure", format!("--measure {}", m.as_str()));
            }
        }
        if let Some(d) = self.as_of {
            if d != sc.as_of {
                sc.as_of = d;
                sc.name.push_str(&format!("-asof-{d}"));
                sc.options.insert("as_of", format!("--as-of {d}"));
            }
        }
        if let Some(o) = &self.origin {
            if *o != sc.origin_key {
                sc.origin_key = o.clone();
                sc.options.insert("origin", format!("--origin '{o}'"));
                // the scenario's origin stations belong to its own origin
                sc.origin_station_keys.clear();
                let slug: String = o.chars().filter(|c| c.is_alphanumeric()).collect();
                sc.name.push_str(&format!("-from-{slug}"));
            }
        }
    }
}

/// [`load`], with the overrides applied to every scenario.
pub fn load_with(paths: &[PathBuf], ov: &Overrides) -> Result<Loaded> {
    let mut l = load(paths)?;
    if !ov.is_empty() {
        for sc in &mut l.scenarios {
            ov.apply(sc);
        }
    }
    Ok(l)
}

impl Loaded {
    pub fn network_of(&self, sc: &Scenario) -> &Network {
        let key = std::fs::canonicalize(&sc.network_dir).expect("canonicalized when loaded");
        &self.networks[&key]
    }
    pub fn bind_all(&self) -> Result<Vec<Bound<'_>>> {
        self.scenarios.iter().map(|sc| sc.clone().bind(self.network_of(sc))).collect()
    }
}

/// Everything one scenario run produces.
pub struct RunOutput {
    pub name: String,
    pub reach: Vec<u8>,
    pub cities: Vec<u8>,
    pub rings: Vec<u8>,
    pub summary: String,
}

pub fn run_one(b: &Bound) -> Result<RunOutput> {
    let g = Graph::build(b);
    check_graph(b, &g)?;
    let r = Reach::compute(b, &g);
    check_reach(b, &r)?;
    let rings = r.summaries(b.net);
    Ok(RunOutput {
        name: b.sc.name.clone(),
        reach: report::reach_csv(b.net, &r),
        cities: report::cities_csv(b.net, &r),
        rings: report::rings_csv(&rings),
        summary: report::summary(b, &r, &rings),
    })
}

/// The longest time a single edge may take: a week (a whole conventional line end to end is under two days). Longer means a parameter or length far outside its range
/// (edge times are whole seconds in 32 bits; a saturated conversion must be an error, never a time).
pub const MAX_EDGE_SECONDS: u32 = 7 * 86_400;
/// The longest trip a result may report: 30 days. Sums are saturating; anything at or above this is refused.
pub const MAX_TRIP_SECONDS: u32 = 30 * 86_400;

/// The scenario's search graph, refused if an edge is out of range ([`check_graph`]).
pub fn build_graph(b: &Bound) -> Result<Graph> {
    let g = Graph::build(b);
    check_graph(b, &g)?;
    Ok(g)
}

/// Refuses a graph with an edge longer than [`MAX_EDGE_SECONDS`], naming the edge and what to check.
pub fn check_graph(b: &Bound, g: &Graph) -> Result<()> {
    for (_, _, e) in g.edges() {
        if e.secs.0 > MAX_EDGE_SECONDS {
            return Err(Error::Usage(format!(
                "{}: edge {} ({:?}) takes {} s, more than a week ({MAX_EDGE_SECONDS} s): a length, speed or penalty is far out of range; check the element's row and params.toml of {} (or the scenario's [params])",
                b.sc.path.display(),
                g.labels.get(e.label as usize).map(String::as_str).unwrap_or("?"),
                e.kind,
                e.secs.0,
                b.net.dir.display()
            )));
        }
    }
    Ok(())
}

/// Refuses results with a time at or above [`MAX_TRIP_SECONDS`] (a sum that saturated).
pub fn check_reach(b: &Bound, r: &Reach) -> Result<()> {
    let m = b.sc.measure;
    for (i, t) in r.places.iter().enumerate() {
        if let Some(t) = t.get(m) {
            if t.0 >= MAX_TRIP_SECONDS {
                return Err(Error::Usage(format!(
                    "{}: the time to {} adds up to {} s, more than 30 days: a sum overflowed or a parameter is out of range; check params.toml of {}",
                    b.sc.path.display(),
                    b.net.places[i].id,
                    t.0,
                    b.net.dir.display()
                )));
            }
        }
    }
    Ok(())
}

/// `ringsim run`: every scenario in parallel; files under `out/<name>/`; returns the summaries in argument order.
pub fn run(paths: &[PathBuf], out: &Path, ov: &Overrides) -> Result<String> {
    let loaded = load_with(paths, ov)?;
    let bound = loaded.bind_all()?;
    // each scenario's folder is replaced whole: refused before any work if it holds an input
    for b in &bound {
        crate::outputs::check_folder("--out", &out.join(&b.sc.name))?;
    }
    let outputs: Vec<RunOutput> = bound.par_iter().map(run_one).collect::<Result<_>>()?;
    let mut text = String::new();
    // the three files of each scenario go into a staging folder renamed to OUT/<name>: complete or absent; every
    // folder is staged before the first is renamed, so that a failure leaves none of them changed
    let mut staged = Vec::new();
    for o in &outputs {
        let s = crate::table::Staged::new("--out", &out.join(&o.name))?;
        write_atomic(&s.join("reach.csv"), &o.reach)?;
        write_atomic(&s.join("cities.csv"), &o.cities)?;
        write_atomic(&s.join("rings.csv"), &o.rings)?;
        staged.push(s);
    }
    for (o, s) in outputs.iter().zip(staged) {
        s.commit()?;
        text.push_str(&o.summary);
        text.push_str(&format!("  wrote {}\n", out.join(&o.name).display()));
    }
    Ok(text)
}

/// `ringsim od`: times for a file of pairs; with `by_mode`, also door-to-door times by road only and by public
/// transport only.
pub fn od(scenario: &Path, pairs: &Path, out: Option<&Path>, by_mode: bool, measure: Option<&str>, keep_unknown: bool) -> Result<String> {
    let loaded = load(&[scenario.to_path_buf()])?;
    let b = bind_one(&loaded)?;
    let measure = match measure {
        None => None,
        Some(s) => Some(crate::scenario::Measure::parse(s).ok_or_else(|| Error::Usage(format!("--measure '{s}': expected door or station")))?),
    };
    let hint = if keep_unknown { "" } else { "; leave the pair out, or keep it as a row without a time with --keep-unknown" };
    let rows = od::read_pairs_keeping(b.net, pairs, keep_unknown, hint).map_err(|e| e.for_arg("the --pairs file", pairs))?;
    for u in rows.iter().filter_map(|r| r.as_ref().err()) {
        crate::note!("od: kept without a time (--keep-unknown): {}", u.error);
    }
    let ps: Vec<&od::Pair> = rows.iter().filter_map(|r| r.as_ref().ok()).collect();
    for n in od::city_or_station_notes(b.net, ps.iter().copied()) {
        crate::note!("od: note: {}: {n}", pairs.display());
    }
    let g = build_graph(&b)?;
    let q: Vec<_> = ps.iter().map(|p| (p.from, p.to)).collect();
    let ts = od::times_with_modes(b.net, &g, &q, measure);
    let fmt = |t: Option<crate::units::Seconds>| t.map(|t| t.minutes().to_string()).unwrap_or_default();
    let mut header = vec!["from", "to", "from_name", "from_kind", "to_name", "to_kind", "measure", "minutes", "mode"];
    let (road, transit) = if by_mode {
        header.extend(["road_minutes", "transit_minutes"]);
        (od::times_by(b.net, &g, &q, od::Modes::Road), od::times_by(b.net, &g, &q, od::Modes::Transit))
    } else {
        (Vec::new(), Vec::new())
    };
    for (p, t) in ps.iter().zip(&ts) {
        if t.0.is_none() {
            crate::note!("od: note: {} → {}: no time: {}", p.from_key, p.to_key, why_no_time(&b, &g, p.from, p.to));
        }
    }
    let mut w = CsvOut::new(&header);
    let mut i = 0;
    for r in &rows {
        let p = match r {
            Ok(p) => p,
            Err(u) => {
                // a kept row the network cannot answer: its keys, each end's name and kind where it resolves
                // (`unknown` where not), no time
                let side = |e: Option<od::Endpoint>| e.map(|e| od::describe(b.net, e)).map(|(n, kind)| (n, kind.to_string())).unwrap_or_else(|| (String::new(), "unknown".to_string()));
                let ((fname, fkind), (tname, tkind)) = (side(u.from.1), side(u.to.1));
                let mut row = vec![u.from.0.clone(), u.to.0.clone(), fname, fkind, tname, tkind, String::new(), String::new(), String::new()];
                if by_mode {
                    row.extend([String::new(), String::new()]);
                }
                w.row(row);
                continue;
            }
        };
        let (fname, fkind) = od::describe(b.net, p.from);
        let (tname, tkind) = od::describe(b.net, p.to);
        let mut row = vec![p.from_key.clone(), p.to_key.clone(), fname, fkind.to_string(), tname, tkind.to_string(), ts[i].1.as_str().to_string(), fmt(ts[i].0), ts[i].2.clone()];
        if by_mode {
            row.extend([fmt(road[i]), fmt(transit[i])]);
        }
        w.row(row);
        i += 1;
    }
    write_or_print(out, w.into_bytes(), &format!("{} pairs", rows.len()))
}

/// Why a pair has no time in a scenario: a station end that is not open on its date (with when it opens, or the
/// project that opens it), else no way between the two in this scenario.
pub(crate) fn why_no_time(b: &Bound, g: &Graph, from: od::Endpoint, to: od::Endpoint) -> String {
    for e in [from, to] {
        if let od::Endpoint::Station(s) = e {
            if !g.station_open[s.i()] {
                let st = &b.net.stations[s.i()];
                let when = match (st.opened, st.project.as_deref()) {
                    (_, Some(p)) if b.sc.removed.contains(p) => format!("the scenario removes project {p}, which opens it"),
                    (Some(d), _) if d > b.sc.as_of => format!("it opens on {d}"),
                    (_, Some(p)) => format!("it opens with project {p}, which the scenario does not add"),
                    _ => "no open line serves it then".to_string(),
                };
                return format!("station {} is not open on the scenario's date ({}): {when}", st.name, b.sc.as_of);
            }
        }
    }
    format!("no way between them in scenario {} (as of {})", b.sc.name, b.sc.as_of)
}

/// `ringsim od --window`: percentiles of the travel time between stations over a departure window
/// ([`crate::window`]), beside the station measure's time (no initial wait).
pub fn od_window(scenario: &Path, pairs: &Path, out: Option<&Path>, window: &str, percentiles: &str, by_mode: bool, measure: Option<&str>) -> Result<String> {
    use crate::window;
    let w = window::Window::parse(window).map_err(|m| Error::Usage(format!("--window: {m}")))?;
    let ps = window::parse_percentiles(percentiles).map_err(|m| Error::Usage(format!("--percentiles: {m}")))?;
    if by_mode {
        return Err(Error::Usage("--window times trains between stations; --by-mode (road and public transport door to door) does not apply".into()));
    }
    if let Some(m) = measure.filter(|m| *m != "station") {
        return Err(Error::Usage(format!("--measure {m}: --window uses the station measure (platform to platform), with the waits of the timetable")));
    }
    let loaded = load(&[scenario.to_path_buf()])?;
    let b = bind_one(&loaded)?;
    let rows = od::read_pairs(b.net, pairs).map_err(|e| e.for_arg("the --pairs file", pairs))?;
    for n in od::city_or_station_notes(b.net, rows.iter()) {
        crate::note!("od: note: {}: {n}", pairs.display());
    }
    let q = window::station_pairs(&b, &rows, pairs)?;
    let g = build_graph(&b)?;
    let stat = od::times_measured(b.net, &g, &q.iter().map(|(a, z)| (od::Endpoint::Station(*a), od::Endpoint::Station(*z))).collect::<Vec<_>>(), Some(crate::scenario::Measure::Station));
    for (i, (a, z)) in q.iter().enumerate() {
        if stat[i].0.is_none() {
            crate::note!("od: note: {} → {}: no time: {}", rows[i].from_key, rows[i].to_key, why_no_time(&b, &g, od::Endpoint::Station(*a), od::Endpoint::Station(*z)));
        }
    }
    let sch = window::Schedules::build(&b, &g);
    let res = window::pairs(&sch, &q, &w, &ps);
    let mut header: Vec<String> = ["from", "to", "from_name", "to_name", "window", "draws", "departure_minutes", "reached", "station_minutes"].iter().map(|s| s.to_string()).collect();
    header.extend(ps.iter().map(|p| format!("p{p}_minutes")));
    let mut wr = CsvOut::new(&header.iter().map(String::as_str).collect::<Vec<_>>());
    for (i, p) in rows.iter().enumerate() {
        let (a, z) = q[i];
        let r = &res[i];
        let mut row = vec![
            p.from_key.clone(),
            p.to_key.clone(),
            b.net.stations[a.i()].name.clone(),
            b.net.stations[z.i()].name.clone(),
            format!("{}-{}", w.start, w.end),
            sch.draws().to_string(),
            r.minutes.to_string(),
            r.reached.to_string(),
            stat[i].0.map(|t| t.minutes().to_string()).unwrap_or_default(),
        ];
        row.extend(r.percentiles.iter().map(|t| window::minutes(*t)));
        wr.row(row);
    }
    write_or_print(out, wr.into_bytes(), &format!("{} pairs over the window {}-{}", rows.len(), w.start, w.end))
}

/// `ringsim compare A B`: places that change ring, minutes saved, population gained per ring.
pub fn compare(a: &Path, b: &Path, out: Option<&Path>, ov: &Overrides) -> Result<String> {
    let loaded = load_with(&[a.to_path_buf(), b.to_path_buf()], ov)?;
    let bound = loaded.bind_all()?;
    let (ba, bb) = (&bound[0], &bound[1]);
    if !std::ptr::eq(ba.net, bb.net) {
        return Err(Error::Usage(format!("'{}' and '{}' use different networks; compare needs one network", ba.sc.name, bb.sc.name)));
    }
    if ba.sc.cutoffs != bb.sc.cutoffs || ba.sc.measure != bb.sc.measure || ba.origin != bb.origin {
        return Err(Error::Usage(format!("'{}' and '{}' differ in origin, cutoffs or measure; compare needs them equal", ba.sc.name, bb.sc.name)));
    }
    let net = ba.net;
    let (ga, gb) = rayon::join(|| build_graph(ba), || build_graph(bb));
    let (ga, gb) = (ga?, gb?);
    let (ra, rb) = rayon::join(|| Reach::compute(ba, &ga), || Reach::compute(bb, &gb));
    let m = ba.sc.measure;
    let mut w = CsvOut::new(&["node_id", "name", "kind", "prefecture", "population", "minutes_a", "minutes_b", "saved", "ring_a", "ring_b", "band_a", "band_b"]);
    let origin = &net.cities[ba.origin.i()].name;
    let mut text = format!("== {} (as of {}) → {} (as of {}): times to {origin}, {} measure ==\n", ba.sc.name, ba.sc.as_of, bb.sc.name, bb.sc.as_of, m.as_str());
    let mut any_saved = false;
    let mut changed = Vec::new();
    for (i, p) in net.places.iter().enumerate() {
        let (ta, tb) = (ra.places[i].get(m), rb.places[i].get(m));
        let saved = match (ta, tb) {
            (Some(x), Some(y)) => format!("{:.1}", (x.0 as f64 - y.0 as f64) / 60.0),
            _ => String::new(),
        };
        any_saved |= ta != tb;
        let (la, lb) = (ra.ring_label(ta), rb.ring_label(tb));
        let (ba_, bb_) = (report::band_label(&ra.cutoffs, ta), report::band_label(&rb.cutoffs, tb));
        let fmt = |t: Option<crate::units::Seconds>| t.map(|t| t.minutes().to_string()).unwrap_or_default();
        w.row([p.id.as_str(), &p.name, p.kind.as_str(), &p.prefecture, &p.population.to_string(), &fmt(ta), &fmt(tb), &saved, &la, &lb, &ba_, &bb_]);
        if la != lb && p.kind != crate::network::PlaceKind::Outside {
            changed.push(format!("{} {} ({}): {} → {} ({} → {} min)", p.id, p.name, p.prefecture, ba_, bb_, fmt(ta), fmt(tb)));
        }
    }
    for (c, (x, y)) in net.cities.iter().zip(ra.cities.iter().zip(&rb.cities)) {
        let (ta, tb) = (x.get(m), y.get(m));
        if ta != tb {
            let f = |t: Option<crate::units::Seconds>| t.map(|t| t.minutes().to_string()).unwrap_or_else(|| "unreachable".into());
            text.push_str(&format!("  city {}: {} → {} min\n", c.name, f(ta), f(tb)));
        }
    }
    let (sa, sb) = (ra.summaries(net), rb.summaries(net));
    for (x, y) in sa.iter().zip(&sb) {
        text.push_str(&format!(
            "  {} (cumulative): population {} → {} ({:+}), plan cities {} → {}\n",
            report::within_label(x.cutoff),
            x.population,
            y.population,
            y.population as i64 - x.population as i64,
            x.cities.len(),
            y.cities.len()
        ));
    }
    if !any_saved {
        text.push_str(&format!("  NOTE: no place's time changes between the two scenarios under the {} measure: the comparison cannot tell them apart (their differences may be roads, which the station measure does not use)\n", m.as_str()));
    }
    text.push_str(&format!("  {} change band\n", report::count(changed.len(), "place", "places")));
    for c in &changed {
        text.push_str(&format!("    {c}\n"));
    }
    if let Some(o) = out {
        write_atomic(o, &w.into_bytes())?;
        text.push_str(&format!("  wrote {}\n", o.display()));
    }
    Ok(text)
}

fn eval_report(e: &calibrate::Evaluation, worst: usize) -> String {
    let line = |label: &str, s: &calibrate::Stats| {
        if s.n == 0 {
            return format!("  {label}: no matched pairs (no error to measure)\n");
        }
        format!(
            "  {label}: {} pairs; mean absolute error {:.1} min ({:.1}%), bias (model − observed) {:+.1} min, 90th percentile {:.1} min, max {:.1} min, {} off by more than 10 min\n",
            s.n, s.mae, s.mape, s.bias, s.p90, s.max, s.over_10
        )
    };
    let mut t = line("high-speed and intercity trains (G, D, C)", &e.fast);
    t.push_str(&line("conventional trains", &e.conventional));
    t.push_str(&line("all matched pairs", &e.all));
    // where the G/D/C error lies: by the length of the trip, and by how many trains serve the pair
    let band = |title: &str, rows: Vec<(&str, &str, calibrate::Stats)>| {
        let parts: Vec<String> = rows.iter().filter(|r| r.2.n > 0).map(|(_, label, s)| format!("{label}: {}, {:.1} min ({:+.1}), {} over 10", crate::report::count(s.n, "pair", "pairs"), s.mae, s.bias, s.over_10)).collect();
        // a file without trains a day for any pair has nothing to break down
        if parts.is_empty() || rows.iter().all(|r| r.0 == calibrate::TRAINS_NOT_GIVEN || r.2.n == 0) {
            String::new()
        } else {
            format!("  G/D/C pairs by {title} (mean absolute error, bias): {}\n", parts.join("; "))
        }
    };
    t.push_str(&band("observed time", e.fast_by_time()));
    t.push_str(&band("the observed trains a day", e.fast_by_trains()));
    let mut w: Vec<&calibrate::PairResult> = e.pairs.iter().collect();
    w.sort_by(|a, b| (b.model - b.observed).abs().total_cmp(&(a.model - a.observed).abs()).then(a.from.cmp(&b.from)).then(a.to.cmp(&b.to)));
    t.push_str("  worst pairs, with the stated cause:\n");
    for p in w.iter().take(worst) {
        t.push_str(&format!("    {} → {}: model {:.1}, observed {:.0} ({:+.1}): {}\n", p.from, p.to, p.model, p.observed, p.model - p.observed, cause_of(p).1));
    }
    // every pair off by more than 10 min has a stated cause: count them by kind
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for p in e.pairs.iter().filter(|p| crate::cause::is_large(p.model - p.observed)) {
        let k = kinds.entry(cause_of(p).0).or_default();
        if p.fast {
            k.0 += 1;
        } else {
            k.1 += 1;
        }
    }
    if !kinds.is_empty() {
        t.push_str(&format!("  pairs off by more than {:.0} min, by stated cause (G/D/C, conventional):\n", crate::cause::LARGE_MIN));
        for (k, (f, c)) in kinds {
            t.push_str(&format!("    {:4} {:4}  {}\n", f, c, if k.is_empty() { "(not examined)" } else { k }));
        }
    }
    if let Some((mae, outside, n)) = crate::cause::unknown_stops_bound(e.pairs.iter().filter(|p| p.fast)) {
        t.push_str(&format!(
            "  the stops the boards cannot show: had the model known at which stations without a board each fastest G/D/C train stops, its mean absolute error could at best fall from {:.1} to {mae:.1} min ({outside} of {n} pairs lie outside the range from no stop to a stop at every such station, or change trains)\n",
            e.fast.mae
        ));
    }
    t.push_str(&format!("  unmatched pairs: {}\n", e.unmatched.len()));
    let mut why: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, w) in &e.unmatched {
        *why.entry(w.as_str()).or_default() += 1;
    }
    for (w, n) in why {
        t.push_str(&format!("    {n:4} × {w}\n"));
    }
    t
}

/// The stated cause of a pair's error ([`crate::cause`]), or a note that it was not looked at.
fn cause_of(p: &calibrate::PairResult) -> (&'static str, String) {
    match &p.cause {
        Some(c) => (c.kind.as_str(), c.text.clone()),
        None => ("", String::new()),
    }
}

/// Model against observed minutes, high-speed and conventional trains apart, with the y = x line.
fn scatter(name: &str, observed: &Path, e: &calibrate::Evaluation, physics: bool) -> crate::plot::Chart {
    use crate::plot::{colour, Chart, Series};
    let file = observed.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let timing = if physics { ", the physics alone" } else { "" };
    let mut c = Chart::new(
        format!("模型误差 Model against observed times ({file}, scenario {name}{timing}): MAE {:.1} min over {} matched pairs (G/D/C trains {:.1} min over {})", e.all.mae, e.all.n, e.fast.mae, e.fast.n),
        "observed (min)",
        "model (min)",
    );
    c.diagonal = true;
    let pts = |fast: bool| e.pairs.iter().filter(|p| p.fast == fast).map(|p| (p.observed, p.model)).collect::<Vec<_>>();
    c.series.push(Series::scatter(format!("conventional trains ({})", e.conventional.n), pts(false), colour(3)));
    c.series.push(Series::scatter(format!("high-speed and intercity trains ({})", e.fast.n), pts(true), colour(0)));
    c.size = (1000, 1000);
    c
}

fn pairs_csv(e: &calibrate::Evaluation) -> Vec<u8> {
    pairs_csv_with(e, None)
}

/// A column a pairs CSV adds at its end: (name, value for a pair's from and to).
type ExtraColumn<'a> = (&'a str, &'a dyn Fn(&str, &str) -> String);

fn pairs_csv_with(e: &calibrate::Evaluation, extra: Option<ExtraColumn>) -> Vec<u8> {
    // the range the stops at stations without a board leave open (no stop there, a whole stop at every one), where
    // one train serves the pair
    let mut cols = vec!["from", "to", "observed_minutes", "model_minutes", "error_minutes", "train_group", "model_changes", "model_service", "model_no_unboarded_stop_minutes", "model_every_unboarded_stop_minutes", "cause_kind", "cause", "observed_trains"];
    if let Some((name, _)) = extra {
        cols.push(name);
    }
    let mut w = CsvOut::new(&cols);
    for p in &e.pairs {
        let (kind, cause) = cause_of(p);
        let (lo, hi) = p.stop_range.map_or((String::new(), String::new()), |(lo, hi)| (format!("{lo:.1}"), format!("{hi:.1}")));
        let mut row = vec![
            p.from.clone(),
            p.to.clone(),
            format!("{:.0}", p.observed),
            format!("{:.1}", p.model),
            format!("{:+.1}", p.model - p.observed),
            (if p.fast { "hsr_intercity" } else { "conventional" }).to_string(),
            p.changes.to_string(),
            p.service.clone().unwrap_or_default(),
            lo,
            hi,
            kind.to_string(),
            cause,
            p.observed_trains.map(|n| n.to_string()).unwrap_or_default(),
        ];
        if let Some((_, value)) = extra {
            row.push(value(&p.from, &p.to));
        }
        w.row(row);
    }
    for (f, t, why) in &e.unmatched {
        let mut row = vec![f.clone(), t.clone(), String::new(), String::new(), String::new(), String::new(), String::new(), String::new(), String::new(), String::new(), "unmatched".to_string(), why.clone(), String::new()];
        if let Some((_, value)) = extra {
            row.push(value(f, t));
        }
        w.row(row);
    }
    w.into_bytes()
}

/// A 64-bit FNV-1a hash, to name the exact observed file a fit used.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn stats_toml(name: &str, s: &calibrate::Stats) -> String {
    format!(
        "[fit.{name}]\npairs = {}\nmae_min = {:.2}\nbias_min = {:.2}\np90_min = {:.2}\nmax_min = {:.2}\nover_10_min = {}\n",
        s.n, s.mae, s.bias, s.p90, s.max, s.over_10
    )
}

/// `ringsim calibrate`: fit the rail physics to observed times, cross-validate, report; with `write`, write the
/// fitted values, the fit's figures and its provenance to a calibration file (see `rail.calibration`).
pub fn calibrate(scenario: &Path, observed: &Path, out: Option<&Path>, max_minutes: f64, folds: usize, line_folds: &str, write: Option<&Path>) -> Result<String> {
    if !(2..=20).contains(&folds) {
        return Err(Error::Usage(format!("--folds {folds}: use 2 to 20 folds")));
    }
    // `None`: one fold per line
    let line_k: Option<usize> = match line_folds.trim() {
        "all" => None,
        x => match x.parse::<usize>() {
            Ok(k) if (2..=20).contains(&k) => Some(k),
            _ => return Err(Error::Usage(format!("--line-folds {line_folds}: give 2 to 20 folds, or `all` for one fold per line"))),
        },
    };
    if !(max_minutes.is_finite() && max_minutes > 0.0 && max_minutes <= 2880.0) {
        return Err(Error::Usage(format!("--max-minutes {max_minutes}: give a positive number of minutes up to 2880 (two days), e.g. 360")));
    }
    // a calibration file from before a fitted parameter was added cannot be read elsewhere, and must be
    // regenerable: the fit starts from params.toml in any case, and "before" says what the file lacked
    let loaded = load_networks(&[scenario.to_path_buf()], true)?;
    let mut b = loaded.scenarios[0].clone().bind(loaded.network_of(&loaded.scenarios[0]))?;
    // the fit is of the physics: with the boards' own times on the timetable's legs there would be nothing to fit
    crate::services::physics_only(&mut b.services);
    let before_label = match &b.net.calibration_lacks {
        Some(why) => {
            crate::note!("calibrate: {why}");
            format!("before (the network's parameters; {why}):")
        }
        None => "before (the network's parameters):".to_string(),
    };
    let all_obs = calibrate::read_observed(b.net, observed).map_err(|e| e.for_arg("the --observed file", observed))?;
    let n_all = all_obs.len();
    let obs: Vec<_> = all_obs.into_iter().filter(|o| o.minutes <= max_minutes).collect();
    if obs.is_empty() {
        return Err(Error::Usage(format!("{}: no observation is within --max-minutes {max_minutes}; raise it (or check the file)", observed.display())));
    }
    let mut before = calibrate::evaluate(&build_graph(&b)?, &obs);
    crate::cause::explain(&b, &b.params, &mut before);
    let (p, fitted_on) = calibrate::fit(&b, &obs, |_| true, |m| crate::note!("calibrate: {m}"));
    if fitted_on == 0 {
        return Err(Error::Usage(format!(
            "{}: no observed pair is served by a single modelled train in {} (every one is unmatched or needs a change of trains), so nothing identifies the rail physics; check the file's station names against the network's stations and the scenario's date",
            observed.display(),
            b.sc.name
        )));
    }
    let g = crate::graph::build(b.net, &p, &b.services, |o, pr| b.sc.is_open(o, pr), b.sc.as_of);
    let mut after = calibrate::evaluate(&g, &obs);
    crate::cause::explain(&b, &p, &mut after);
    let cv = calibrate::cross_validate(&b, &obs, &calibrate::folds(&obs, folds), |m| crate::note!("calibrate: {m}"));
    // the stricter test of a physics meant for lines without a timetable: whole lines held out, each pair
    // predicted by a fit that saw no pair whose train runs mostly on the same line (lines from the fit's start)
    let lines = calibrate::main_lines(&b, &calibrate::start_params(&b), &obs);
    let n_lines = lines.iter().flatten().collect::<std::collections::BTreeSet<_>>().len();
    // with one line there is nothing to hold out: a fit on no pair would only give the starting values
    let line_k = line_k.unwrap_or(n_lines);
    let cv_line = (n_lines >= 2).then(|| calibrate::cross_validate(&b, &obs, &calibrate::folds_by_line(&obs, &lines, line_k), |m| crate::note!("calibrate (by line): {m}")));
    let line_folds_used = line_k.min(n_lines);
    let mut t = format!(
        "== calibration of {} on {} ({} of {} rows: observed times up to {} min) ==\n{before_label}\n",
        b.sc.name,
        observed.display(),
        obs.len(),
        n_all,
        max_minutes
    );
    t.push_str(&dated_rows_note(&b, &obs));
    t.push_str(&eval_report(&before, 5));
    t.push_str("fitted on every pair (in sample):\n");
    t.push_str(&eval_report(&after, 5));
    t.push_str(&format!("{folds}-fold cross-validation (each pair predicted by a fit that did not see it):\n"));
    t.push_str(&eval_report(&cv, 20));
    match &cv_line {
        Some(cv_line) => {
            t.push_str(&format!(
                "{line_folds_used}-fold cross-validation by line (a pair goes with the line that carries most of its modelled train's track km, {n_lines} lines; each pair predicted by a fit that saw no pair of its line):\n"
            ));
            t.push_str(&eval_report(cv_line, 10));
        }
        None => t.push_str(&format!(
            "cross-validation by line: not possible, the modelled trains of the pairs run mostly on {}; it needs two lines or more\n",
            crate::report::count(n_lines, "line", "lines")
        )),
    }
    let mut f = String::from("# Generated by `ringsim calibrate`: the fitted rail physics and the fit's figures. Do not edit by hand;\n# regenerate with the command below. params.toml's `rail.calibration` names this file.\nformat = 1\n\n[provenance]\n");
    f.push_str(&format!(
        "command = \"ringsim calibrate {} --observed {} --max-minutes {} --folds {folds} --line-folds {} --write <this file>\"\nscenario = \"{}\"\nobserved_rows = {}\nobserved_rows_fitted = {}\nobserved_fnv1a64 = \"{:016x}\"\nknobs = \"{}\"\n\n",
        scenario.display(),
        observed.display(),
        max_minutes,
        line_folds.trim(),
        b.sc.name,
        n_all,
        obs.len(),
        fnv1a(&crate::table::read_bytes(observed)?),
        calibrate::KNOBS
            .iter()
            .map(|(c, f, ..)| format!("rail.{}{f}", c.map(|c| format!("{}.", c.as_str())).unwrap_or_default()))
            .chain(calibrate::TIED.iter().map(|(a, b)| format!("(rail.{} = rail.{})", a.as_str(), b.as_str())))
            .collect::<Vec<_>>()
            .join(" "),
    ));
    f.push_str(&stats_toml("in_sample_all", &after.all));
    f.push_str(&stats_toml("in_sample_hsr_intercity", &after.fast));
    f.push_str(&stats_toml("in_sample_conventional", &after.conventional));
    f.push_str(&format!("[fit.cross_validated]\nfolds = {folds}\n"));
    f.push_str(&stats_toml("cross_validated.all", &cv.all));
    f.push_str(&stats_toml("cross_validated.hsr_intercity", &cv.fast));
    f.push_str(&stats_toml("cross_validated.conventional", &cv.conventional));
    for (key, _, s) in cv.fast_by_time().into_iter().chain(cv.fast_by_trains()) {
        f.push_str(&stats_toml(&format!("cross_validated.hsr_intercity_{key}"), &s));
    }
    if let Some((mae, outside, n)) = crate::cause::unknown_stops_bound(cv.pairs.iter().filter(|p| p.fast)) {
        // what the stops the boards cannot show leave open: the error no choice of them could remove
        f.push_str(&format!("[fit.cross_validated.hsr_intercity_outside_stop_range]\npairs = {n}\nmae_min = {mae:.2}\npairs_outside = {outside}\n"));
    }
    if let Some(cv_line) = &cv_line {
        f.push_str(&format!("[fit.cross_validated_by_line]\nfolds = {line_folds_used}\nlines = {n_lines}\n"));
        f.push_str(&stats_toml("cross_validated_by_line.all", &cv_line.all));
        f.push_str(&stats_toml("cross_validated_by_line.hsr_intercity", &cv_line.fast));
        f.push_str(&stats_toml("cross_validated_by_line.conventional", &cv_line.conventional));
    }
    f.push_str(&format!("\n[rail]\nunknown_stop_ratio = {}\ncounty_stop_weight = {}\n", p.rail.unknown_stop_ratio, p.rail.county_stop_weight));
    for (name, m) in p.rail_modes() {
        // a class's own knobs, or those of the class it is tied to
        let source = calibrate::TIED.iter().find(|t| t.0.as_str() == name).map(|t| t.1.as_str()).unwrap_or(name);
        let fitted: Vec<&str> = calibrate::KNOBS.iter().filter(|k| k.0.map(|c| c.as_str()) == Some(source)).map(|k| k.1).collect();
        if fitted.is_empty() {
            continue;
        }
        f.push_str(&format!("\n[rail.{name}]\n"));
        for k in fitted {
            f.push_str(&format!("{k} = {}\n", m.get(k)));
        }
    }
    t.push_str("fitted values:\n");
    t.push_str(&f.lines().filter(|l| !l.starts_with('#')).map(|l| format!("  {l}\n")).collect::<String>());
    // the calibration file and the pairs files, written together: all or none
    let mut batch = Batch::new();
    if let Some(w) = write {
        // replacing the network's own fit is what --write is for, and a new fit may be written beside the network's
        // files before params.toml names it; every other file there (the network's, its facts) stays refused
        let real = crate::outputs::resolve(w);
        let is_fit = b.net.calibration_file().is_some_and(|c| crate::outputs::resolve(&c) == real);
        // (a new .toml file directly in the network folder: no file the network reads, optional ones included)
        let beside = real.parent() == Some(crate::outputs::resolve(&b.net.dir).as_path()) && !real.exists() && real.extension().is_some_and(|e| e == "toml");
        if is_fit || beside {
            crate::outputs::replaceable(w);
        }
        batch.file("--write", w, f.as_bytes())?;
        t.push_str(&format!("wrote {}\n", w.display()));
    }
    if let Some(o) = out {
        batch.file("--out", &o.join("calibration_pairs.csv"), &pairs_csv(&after))?;
        batch.file("--out", &o.join("cross_validation_pairs.csv"), &pairs_csv(&cv))?;
        let line_of: BTreeMap<(&str, &str), &str> = obs.iter().zip(&lines).map(|(o, l)| ((o.from.as_str(), o.to.as_str()), l.as_deref().unwrap_or(""))).collect();
        let mut wrote = vec![o.join("calibration_pairs.csv"), o.join("cross_validation_pairs.csv")];
        if let Some(cv_line) = &cv_line {
            let p = o.join("cross_validation_by_line_pairs.csv");
            batch.file("--out", &p, &pairs_csv_with(cv_line, Some(("line", &|f: &str, to: &str| line_of.get(&(f, to)).copied().unwrap_or("").to_string()))))?;
            wrote.push(p);
        }
        t.push_str(&format!("wrote {}\n", wrote.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")));
    }
    batch.commit()?;
    Ok(t)
}

/// `ringsim validate`: the model against observed times, without fitting. With `rings_from` (a station of the
/// origin city, e.g. 郑州东), also checks every other plan city's band against its fastest scheduled time from
/// that station ([`crate::ringcheck`]): a table, a summary line and, with `out`, `plan_city_rings.csv`. With
/// `physics`, every train is timed by the physics alone ([`crate::services::physics_only`]), as `calibrate` fits it.
pub fn validate(scenario: &Path, observed: &Path, out: Option<&Path>, plot: Option<&Path>, rings_from: Option<&str>, physics: bool) -> Result<String> {
    if let Some(p) = plot {
        crate::plot::Format::of_option("--plot", p)?;
    }
    let loaded = load(&[scenario.to_path_buf()])?;
    let mut b = loaded.scenarios[0].clone().bind(loaded.network_of(&loaded.scenarios[0]))?;
    if physics {
        crate::services::physics_only(&mut b.services);
    }
    let obs = calibrate::read_observed(b.net, observed).map_err(|e| e.for_arg("the --observed file", observed))?;
    let g = build_graph(&b)?;
    // resolve the option before the long part, so a wrong station fails at once
    let rings_from = rings_from.map(|k| crate::ringcheck::resolve_from(&b, &g, k)).transpose()?;
    let mut e = calibrate::evaluate(&g, &obs);
    crate::cause::explain(&b, &b.params, &mut e);
    let timing = if physics {
        "the physics alone"
    } else if b.net.services.is_empty() {
        "the physics: this network has no timetable"
    } else {
        "the boards' times on the timetable's legs, the physics elsewhere"
    };
    let mut t = format!("== validation of {} against {} ({timing}) ==\n", b.sc.name, observed.display());
    if !physics && b.net.timetable_below_floor > 0 {
        t.push_str(&format!(
            "  note: the boards time {} leg{} of the timetable's patterns faster than their modelled route allows at its speed limits (the network lacks the train's way): {} the physics\n",
            b.net.timetable_below_floor,
            if b.net.timetable_below_floor == 1 { "" } else { "s" },
            if b.net.timetable_below_floor == 1 { "it keeps" } else { "those keep" }
        ));
    }
    t.push_str(&dated_rows_note(&b, &obs));
    t.push_str(&eval_report(&e, 15));
    // every output is written together at the end: all or none
    let mut batch = Batch::new();
    if let Some(o) = out {
        batch.file("--out", &o.join("validation_pairs.csv"), &pairs_csv(&e))?;
        t.push_str(&format!("wrote {}\n", o.join("validation_pairs.csv").display()));
        for ext in ["png", "svg"] {
            let p = o.join(format!("validation_scatter.{ext}"));
            batch.file("--out", &p, &crate::plot::encode(&scatter(&b.sc.name, observed, &e, physics), &p)?)?;
            t.push_str(&format!("wrote {}\n", p.display()));
        }
    }
    if let Some(p) = plot {
        batch.file("--plot", p, &crate::plot::encode(&scatter(&b.sc.name, observed, &e, physics), p)?)?;
        t.push_str(&format!("wrote {}\n", p.display()));
    }
    if let Some(from) = rings_from {
        let boards = crate::ringcheck::read_boards(b.net, observed)?;
        let rc = crate::ringcheck::check(&b, &g, &boards, from);
        t.push_str(&rc.text(b.net));
        if let Some(o) = out {
            batch.file("--out", &o.join("plan_city_rings.csv"), &rc.csv(b.net))?;
            t.push_str(&format!("wrote {}\n", o.join("plan_city_rings.csv").display()));
        }
    }
    batch.commit()?;
    Ok(t)
}

/// A note when observed rows are dated (`as_of`) on the other side of a rail opening or a line's speed change from
/// the scenario's date: a time observed before a line opened, or after one the scenario lacks, is compared with
/// another network than the one it ran on. Empty when nothing changes between (a timetable of January 2021 on the
/// network of 2020-12-31).
fn dated_rows_note(b: &Bound, obs: &[calibrate::Observed]) -> String {
    let net = b.net;
    let as_of = b.sc.as_of;
    let (mut later, mut earlier) = (0usize, 0usize);
    let mut lines: std::collections::BTreeSet<&str> = Default::default();
    for o in obs {
        let Some(d) = o.as_of else { continue };
        let (lo, hi) = if d > as_of { (as_of, d) } else { (d, as_of) };
        // a section opening, or a line's speed changing (京广's 350 km/h from 2022-06-20), between the two dates
        let opened = net.sections.iter().filter(|s| s.opened.is_some_and(|x| x > lo && x <= hi)).map(|s| s.line);
        let sped = net.speed_changes.iter().filter(|c| c.effective > lo && c.effective <= hi).map(|c| c.line);
        let between: Vec<&str> = opened.chain(sped).map(|l| net.lines[l.i()].name_zh.as_str()).collect();
        if between.is_empty() {
            continue;
        }
        if d > as_of {
            later += 1;
        } else {
            earlier += 1;
        }
        lines.extend(between);
    }
    if later + earlier == 0 {
        return String::new();
    }
    let names: Vec<&str> = lines.iter().copied().take(6).collect();
    let rows = |n: usize| crate::report::count(n, "observed row", "observed rows");
    let which = match (later, earlier) {
        (0, e) => format!("{} dated before this scenario's date ({as_of})", rows(e)),
        (l, 0) => format!("{} dated after this scenario's date ({as_of})", rows(l)),
        (l, e) => format!("{} dated after this scenario's date ({as_of}) and {e} before it", rows(l)),
    };
    format!(
        "  note: {which}, with rail sections opening or line speeds changing in between ({}{}): those times ran on another network than this one; `ringsim report` measures each row on the network as built on its own date (`as_of`)\n",
        names.join(", "),
        if lines.len() > names.len() { format!(" and {} more", lines.len() - names.len()) } else { String::new() }
    )
}

/// The one scenario of a single-scenario command, bound to its network.
pub(crate) fn bind_one(loaded: &Loaded) -> Result<Bound<'_>> {
    loaded.scenarios[0].clone().bind(loaded.network_of(&loaded.scenarios[0]))
}

/// The measure a command uses: the flag if given, else the scenario's.
pub(crate) fn measure_or(flag: Option<&str>, b: &Bound) -> Result<crate::scenario::Measure> {
    match flag {
        None => Ok(b.sc.measure),
        Some(s) => crate::scenario::Measure::parse(s).ok_or_else(|| Error::Usage(format!("--measure '{s}': expected door or station"))),
    }
}

/// Writes the CSV `bytes` to `out`, or returns them as text when there is no `out` ([`stage_or_print`]).
pub(crate) fn write_or_print(out: Option<&Path>, bytes: Vec<u8>, what: &str) -> Result<String> {
    let mut batch = Batch::new();
    let text = stage_or_print(&mut batch, out, bytes, what)?;
    batch.commit()?;
    Ok(text)
}

/// Adds the CSV `bytes` to `batch` as `out` (written when the batch is committed, with a command's other outputs),
/// or returns them as text when there is no `out`: printed, they start with the byte-order mark under `--bom` as a
/// file would, since `> out.csv` is how many save them for Excel.
pub(crate) fn stage_or_print(batch: &mut Batch, out: Option<&Path>, bytes: Vec<u8>, what: &str) -> Result<String> {
    match out {
        Some(o) => {
            batch.file("--out", o, &bytes)?;
            Ok(format!("wrote {what} to {}\n", o.display()))
        }
        None => {
            let text = String::from_utf8(bytes).expect("CSV of UTF-8 strings");
            Ok(if report::csv_bom() && !text.starts_with('\u{feff}') { format!("\u{feff}{text}") } else { text })
        }
    }
}
