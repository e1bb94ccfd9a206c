//! The commands behind the CLI, as library functions: each takes validated arguments and returns text to print
//! or an [`Error`]. `main.rs` only parses arguments and maps errors to exit code 2.

use crate::calibrate;
use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::network::Network;
use crate::od;
use crate::report;
use crate::rings::{fmt_cutoff, Reach};
use crate::scenario::{Bound, Scenario};
use crate::table::{write_atomic, CsvOut};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Networks loaded once per folder, shared by every scenario that names them.
pub struct Loaded {
    pub scenarios: Vec<Scenario>,
    pub networks: BTreeMap<PathBuf, Network>,
}

pub fn load(paths: &[PathBuf]) -> Result<Loaded> {
    let mut scenarios = Vec::new();
    let mut networks = BTreeMap::new();
    for p in paths {
        let sc = Scenario::read(p)?;
        let key = std::fs::canonicalize(&sc.network_dir).map_err(|source| Error::Io { path: sc.network_dir.clone(), source })?;
        if !networks.contains_key(&key) {
            networks.insert(key.clone(), Network::load(&sc.network_dir)?);
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
pub fn run(paths: &[PathBuf], out: &Path) -> Result<String> {
    let loaded = load(paths)?;
    let bound = loaded.bind_all()?;
    let outputs: Vec<RunOutput> = bound.par_iter().map(run_one).collect::<Result<_>>()?;
    let mut text = String::new();
    for o in &outputs {
        // the three files are written into a staging folder renamed to OUT/<name> at the end: complete or absent
        let dir = out.join(&o.name);
        let staged = crate::table::Staged::new(&dir)?;
        write_atomic(&staged.join("reach.csv"), &o.reach)?;
        write_atomic(&staged.join("cities.csv"), &o.cities)?;
        write_atomic(&staged.join("rings.csv"), &o.rings)?;
        staged.commit()?;
        text.push_str(&o.summary);
        text.push_str(&format!("  wrote {}\n", dir.display()));
    }
    Ok(text)
}

/// `ringsim od`: times for a file of pairs; with `by_mode`, also door-to-door times by road only and by public
/// transport only.
pub fn od(scenario: &Path, pairs: &Path, out: Option<&Path>, by_mode: bool) -> Result<String> {
    let loaded = load(&[scenario.to_path_buf()])?;
    let b = bind_one(&loaded)?;
    let ps = od::read_pairs(b.net, pairs)?;
    let g = build_graph(&b)?;
    let q: Vec<_> = ps.iter().map(|p| (p.from, p.to)).collect();
    let ts = od::times(b.net, &g, &q);
    let fmt = |t: Option<crate::units::Seconds>| t.map(|t| t.minutes().to_string()).unwrap_or_default();
    let bytes = if by_mode {
        let road = od::times_by(b.net, &g, &q, od::Modes::Road);
        let transit = od::times_by(b.net, &g, &q, od::Modes::Transit);
        let mut w = CsvOut::new(&["from", "to", "minutes", "road_minutes", "transit_minutes"]);
        for (i, p) in ps.iter().enumerate() {
            w.row([p.from_key.clone(), p.to_key.clone(), fmt(ts[i]), fmt(road[i]), fmt(transit[i])]);
        }
        w.into_bytes()
    } else {
        let mut w = CsvOut::new(&["from", "to", "minutes"]);
        for (p, t) in ps.iter().zip(ts) {
            w.row([p.from_key.clone(), p.to_key.clone(), fmt(t)]);
        }
        w.into_bytes()
    };
    write_or_print(out, bytes, &format!("{} pairs", ps.len()))
}

/// `ringsim compare A B`: places that change ring, minutes saved, population gained per ring.
pub fn compare(a: &Path, b: &Path, out: Option<&Path>) -> Result<String> {
    let loaded = load(&[a.to_path_buf(), b.to_path_buf()])?;
    let bound = loaded.bind_all()?;
    let (ba, bb) = (&bound[0], &bound[1]);
    if !std::ptr::eq(ba.net, bb.net) {
        return Err(Error::Usage(format!("'{}' and '{}' use different networks; compare needs one network", ba.sc.name, bb.sc.name)));
    }
    if ba.sc.cutoffs != bb.sc.cutoffs || ba.sc.measure != bb.sc.measure || ba.origin != bb.origin {
        return Err(Error::Usage(format!("'{}' and '{}' differ in origin, cutoffs or measure; compare needs them equal", ba.sc.name, bb.sc.name)));
    }
    let net = ba.net;
    let (ga, gb) = rayon::join(|| Graph::build(ba), || Graph::build(bb));
    let (ra, rb) = rayon::join(|| Reach::compute(ba, &ga), || Reach::compute(bb, &gb));
    let m = ba.sc.measure;
    let mut w = CsvOut::new(&["node_id", "name", "kind", "prefecture", "population", "minutes_a", "minutes_b", "saved", "ring_a", "ring_b"]);
    let mut text = format!("== {} → {} (measure {}) ==\n", ba.sc.name, bb.sc.name, m.as_str());
    let mut changed = Vec::new();
    for (i, p) in net.places.iter().enumerate() {
        let (ta, tb) = (ra.places[i].get(m), rb.places[i].get(m));
        let saved = match (ta, tb) {
            (Some(x), Some(y)) => format!("{:.1}", (x.0 as f64 - y.0 as f64) / 60.0),
            _ => String::new(),
        };
        let (la, lb) = (ra.ring_label(ta), rb.ring_label(tb));
        let fmt = |t: Option<crate::units::Seconds>| t.map(|t| t.minutes().to_string()).unwrap_or_default();
        w.row([p.id.as_str(), &p.name, p.kind.as_str(), &p.prefecture, &p.population.to_string(), &fmt(ta), &fmt(tb), &saved, &la, &lb]);
        if la != lb && p.kind != crate::network::PlaceKind::Outside {
            changed.push(format!("{} {} ({}): {} → {} ({} → {} min)", p.id, p.name, p.prefecture, la, lb, fmt(ta), fmt(tb)));
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
            "  within {:>3} min: population {} → {} ({:+}), plan cities {} → {}\n",
            fmt_cutoff(x.cutoff),
            x.population,
            y.population,
            y.population as i64 - x.population as i64,
            x.cities.len(),
            y.cities.len()
        ));
    }
    text.push_str(&format!("  {} places change ring\n", changed.len()));
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
        format!(
            "  {label}: {} pairs; mean absolute error {:.1} min ({:.1}%), bias (model − observed) {:+.1} min, 90th percentile {:.1} min, max {:.1} min\n",
            s.n, s.mae, s.mape, s.bias, s.p90, s.max
        )
    };
    let mut t = line("comparable pairs (model path of the observed train's kind)", &e.stats);
    t.push_str(&line("all matched pairs", &e.all));
    let mut w: Vec<&calibrate::PairResult> = e.pairs.iter().filter(|p| p.comparable).collect();
    w.sort_by(|a, b| (b.model - b.observed).abs().partial_cmp(&(a.model - a.observed).abs()).unwrap().then(a.from.cmp(&b.from)).then(a.to.cmp(&b.to)));
    t.push_str("  worst comparable pairs:\n");
    for p in w.iter().take(worst) {
        t.push_str(&format!("    {} → {}: model {:.1}, observed {:.0} ({:+.1})\n", p.from, p.to, p.model, p.observed, p.model - p.observed));
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

/// Model against observed minutes, comparable pairs and the rest apart, with the y = x line.
fn scatter(name: &str, observed: &Path, e: &calibrate::Evaluation) -> crate::plot::Chart {
    use crate::plot::{colour, Chart, Series};
    let file = observed.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let mut c = Chart::new(
        format!("{name} against {file}: MAE {:.1} min, bias {:+.1} min ({} comparable pairs)", e.stats.mae, e.stats.bias, e.stats.n),
        "observed (min)",
        "model (min)",
    );
    c.diagonal = true;
    let pts = |comparable: bool| e.pairs.iter().filter(|p| p.comparable == comparable).map(|p| (p.observed, p.model)).collect::<Vec<_>>();
    c.series.push(Series::scatter(format!("other matched pairs ({})", e.all.n - e.stats.n), pts(false), colour(3)));
    c.series.push(Series::scatter(format!("comparable pairs ({})", e.stats.n), pts(true), colour(0)));
    c.size = (1000, 1000);
    c
}

fn pairs_csv(e: &calibrate::Evaluation) -> Vec<u8> {
    let mut w = CsvOut::new(&["from", "to", "observed_minutes", "model_minutes", "error_minutes", "comparable"]);
    for p in &e.pairs {
        w.row([p.from.clone(), p.to.clone(), format!("{:.0}", p.observed), format!("{:.1}", p.model), format!("{:+.1}", p.model - p.observed), p.comparable.to_string()]);
    }
    for (f, t, why) in &e.unmatched {
        w.row([f.clone(), t.clone(), String::new(), String::new(), format!("unmatched: {why}"), String::new()]);
    }
    w.into_bytes()
}

/// `ringsim calibrate`: fit the rail parameters to observed times; print the fitted values as TOML.
pub fn calibrate(scenario: &Path, observed: &Path, out: Option<&Path>, max_minutes: f64) -> Result<String> {
    if !(max_minutes.is_finite() && max_minutes > 0.0 && max_minutes <= 2880.0) {
        return Err(Error::Usage(format!("--max-minutes {max_minutes}: give a positive number of minutes up to 2880 (two days), e.g. 360")));
    }
    let loaded = load(&[scenario.to_path_buf()])?;
    let b = loaded.scenarios[0].clone().bind(loaded.network_of(&loaded.scenarios[0]))?;
    let mut obs: Vec<_> = calibrate::read_observed(b.net, observed)?.into_iter().filter(|o| o.minutes <= max_minutes).collect();
    if obs.is_empty() {
        return Err(Error::Usage(format!("{}: no observation is within --max-minutes {max_minutes}; raise it (or check the file)", observed.display())));
    }
    let before = {
        let g = build_graph(&b)?;
        let screened = calibrate::screen(&g, &mut obs);
        eprintln!("calibrate: {screened} pairs outside the fit band {:?} of model/observed are reported, not fitted", calibrate::FIT_BAND);
        calibrate::evaluate(&g, &obs)
    };
    let (p, after) = calibrate::fit(&b, &obs, |m| eprintln!("calibrate: {m}"));
    let mut t = format!("== calibration of {} on {} (pairs up to {} min) ==\nbefore:\n", b.sc.name, observed.display(), max_minutes);
    t.push_str(&eval_report(&before, 5));
    t.push_str("after:\n");
    t.push_str(&eval_report(&after, 15));
    t.push_str("fitted rail parameters (paste into params.toml):\n");
    for (name, m) in p.rail_modes() {
        t.push_str(&format!(
            "[rail.{name}]\nspeed_factor = {}\nstop_penalty_s = {}\nintermediate_penalty_s = {}\nintermediate_cap = {}\n",
            m.speed_factor, m.stop_penalty_s, m.intermediate_penalty_s, m.intermediate_cap
        ));
    }
    if let Some(o) = out {
        write_atomic(&o.join("calibration_pairs.csv"), &pairs_csv(&after))?;
        t.push_str(&format!("wrote {}\n", o.join("calibration_pairs.csv").display()));
    }
    Ok(t)
}

/// `ringsim validate`: the model against observed times, without fitting.
pub fn validate(scenario: &Path, observed: &Path, out: Option<&Path>, plot: Option<&Path>) -> Result<String> {
    let loaded = load(&[scenario.to_path_buf()])?;
    let b = loaded.scenarios[0].clone().bind(loaded.network_of(&loaded.scenarios[0]))?;
    let mut obs = calibrate::read_observed(b.net, observed)?;
    let g = build_graph(&b)?;
    calibrate::screen(&g, &mut obs);
    let e = calibrate::evaluate(&g, &obs);
    let mut t = format!("== validation of {} against {} ==\n", b.sc.name, observed.display());
    t.push_str(&eval_report(&e, 15));
    if let Some(o) = out {
        write_atomic(&o.join("validation_pairs.csv"), &pairs_csv(&e))?;
        t.push_str(&format!("wrote {}\n", o.join("validation_pairs.csv").display()));
        for ext in ["png", "svg"] {
            let p = o.join(format!("validation_scatter.{ext}"));
            crate::plot::render(&scatter(&b.sc.name, observed, &e), &p)?;
            t.push_str(&format!("wrote {}\n", p.display()));
        }
    }
    if let Some(p) = plot {
        crate::plot::render(&scatter(&b.sc.name, observed, &e), p)?;
        t.push_str(&format!("wrote {}\n", p.display()));
    }
    Ok(t)
}

/// The one scenario of a single-scenario command, bound to its network.
fn bind_one(loaded: &Loaded) -> Result<Bound<'_>> {
    loaded.scenarios[0].clone().bind(loaded.network_of(&loaded.scenarios[0]))
}

/// The measure a command uses: the flag if given, else the scenario's.
fn measure_or(flag: Option<&str>, b: &Bound) -> Result<crate::scenario::Measure> {
    match flag {
        None => Ok(b.sc.measure),
        Some(s) => crate::scenario::Measure::parse(s).ok_or_else(|| Error::Usage(format!("--measure '{s}': expected door or station"))),
    }
}

/// Writes `bytes` to `out`, or returns them as text when there is no `out`.
fn write_or_print(out: Option<&Path>, bytes: Vec<u8>, what: &str) -> Result<String> {
    match out {
        Some(o) => {
            write_atomic(o, &bytes)?;
            Ok(format!("wrote {what} to {}\n", o.display()))
        }
        None => Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings")),
    }
}

/// Options of `ringsim matrix`.
pub struct MatrixArgs<'a> {
    pub scenario: &'a Path,
    pub nodes: &'a str,
    pub measure: Option<&'a str>,
    pub wide: bool,
    pub out: Option<&'a Path>,
    /// Keep only plan cities of these roles (seeds' `role` column).
    pub roles: Vec<String>,
    /// A pairwise target in minutes: report the pairs not within it.
    pub within: Option<f64>,
    /// Draw the pair matrix (PNG or SVG).
    pub plot: Option<&'a Path>,
}

/// `ringsim matrix`: all-pairs times between cities, counties or stations; with `within`, the pairs that miss a
/// pairwise target (each unordered pair counts by its slower direction), and with `plot` the pair-matrix chart.
pub fn matrix(a: &MatrixArgs) -> Result<String> {
    let set = crate::matrix::NodeSet::parse(a.nodes)?;
    if !a.roles.is_empty() && set != crate::matrix::NodeSet::Cities {
        return Err(Error::Usage("--roles filters plan cities: use it with --nodes cities".into()));
    }
    if let Some(w) = a.within {
        if !(w.is_finite() && w > 0.0 && w <= 10_080.0) {
            return Err(Error::Usage(format!("--within {w}: give the target in minutes, between 0 and 10080 (a week), e.g. 120")));
        }
    }
    let loaded = load(&[a.scenario.to_path_buf()])?;
    let b = bind_one(&loaded)?;
    let m = measure_or(a.measure, &b)?;
    // memory, estimated before any search: n² times (8 bytes each) and their CSV text (~48 bytes a pair)
    let n_nodes = match set {
        crate::matrix::NodeSet::Cities => b.net.cities.len(),
        crate::matrix::NodeSet::Counties => b.net.places.iter().filter(|p| p.kind.is_unit()).count(),
        crate::matrix::NodeSet::Stations => b.net.stations.len(),
    } as f64;
    crate::table::check_memory(n_nodes * n_nodes * 56.0, &format!("a {} × {} matrix of {}", n_nodes, n_nodes, a.nodes), "use --nodes cities or --roles to take fewer nodes")?;
    let g = build_graph(&b)?;
    let mut mx = crate::matrix::compute(b.net, &g, set, m);
    if !a.roles.is_empty() {
        let known: std::collections::BTreeSet<&str> = b.net.cities.iter().map(|c| c.role.as_str()).collect();
        for r in &a.roles {
            if !known.contains(r.as_str()) {
                return Err(Error::Usage(format!("--roles: no plan city has role '{r}'; the roles of this network are: {}", known.into_iter().collect::<Vec<_>>().join(", "))));
            }
        }
        let keep: Vec<usize> = (0..mx.members.len()).filter(|&i| a.roles.iter().any(|r| *r == b.net.cities[i].role)).collect();
        mx = mx.select(&keep);
    }
    let bytes = if a.wide { mx.wide_csv() } else { mx.long_csv() };
    let n = mx.members.len();
    let mut text = if a.out.is_some() || a.within.is_none() {
        write_or_print(a.out, bytes, &format!("{n} × {n} times ({}, measure {})", a.nodes, m.as_str()))?
    } else {
        String::new()
    };
    if let Some(w) = a.within {
        let limit = crate::units::Minutes(w).seconds();
        let mut missing = Vec::new();
        let mut pairs = 0;
        for i in 0..n {
            for j in i + 1..n {
                pairs += 1;
                let t = match (mx.times[i][j], mx.times[j][i]) {
                    (Some(x), Some(y)) => Some(x.max(y)),
                    _ => None,
                };
                if t.map_or(true, |t| t > limit) {
                    missing.push((t, i, j));
                }
            }
        }
        missing.sort_by(|x, y| y.0.map(|t| t.0).unwrap_or(u32::MAX).cmp(&x.0.map(|t| t.0).unwrap_or(u32::MAX)).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        text.push_str(&format!(
            "== {}: {} of {pairs} pairs of {n} {} within {} min ({} measure; a pair counts by its slower direction) ==\n",
            b.sc.name,
            pairs - missing.len(),
            a.nodes,
            fmt_cutoff(crate::units::Minutes(w)),
            m.as_str()
        ));
        for (t, i, j) in &missing {
            let tt = t.map(|t| format!("{} min", t.minutes())).unwrap_or_else(|| "unreachable".into());
            text.push_str(&format!("  not within: {} – {}: {tt}\n", mx.members[*i].name, mx.members[*j].name));
        }
    }
    if let Some(p) = a.plot {
        let fig = crate::plot::Heatmap {
            title: format!("{}: times between {}{} ({} measure), target {} min", b.sc.name, a.nodes, if a.roles.is_empty() { String::new() } else { format!(" of role {}", a.roles.join("/")) }, m.as_str(), a.within.map(|w| fmt_cutoff(crate::units::Minutes(w))).unwrap_or_else(|| "120".into())),
            labels: mx.members.iter().map(|x| x.name.trim_end_matches('市').to_string()).collect(),
            cells: mx.times.iter().map(|r| r.iter().map(|t| t.map(|t| t.0 as f64 / 60.0)).collect()).collect(),
            limit: a.within.unwrap_or(120.0),
        };
        crate::plot::render(&fig, p)?;
        text.push_str(&format!("wrote {}\n", p.display()));
    }
    Ok(text)
}

/// `ringsim graph`: the scenario's search graph as an edge list (and optionally a node list).
pub fn graph(scenario: &Path, out: &Path, nodes: Option<&Path>) -> Result<String> {
    let loaded = load(&[scenario.to_path_buf()])?;
    let b = bind_one(&loaded)?;
    let g = build_graph(&b)?;
    write_atomic(out, &crate::export::edges_csv(b.net, &g))?;
    let mut t = format!("wrote {} edges of '{}' to {}\n", g.edge_count(), b.sc.name, out.display());
    if let Some(n) = nodes {
        write_atomic(n, &crate::export::nodes_csv(b.net, &g))?;
        t.push_str(&format!("wrote {} nodes to {}\n", g.node_count(), n.display()));
    }
    Ok(t)
}

/// Options of `ringsim indicators`.
pub struct IndicatorArgs<'a> {
    pub scenario: &'a Path,
    pub compare: Option<&'a Path>,
    pub nodes: &'a str,
    pub measure: Option<&'a str>,
    pub alpha: f64,
    pub daily: Vec<f64>,
    pub out: Option<&'a Path>,
    /// Draw a choropleth of one indicator (PNG or SVG).
    pub map: Option<&'a Path>,
    /// Which indicator the map shows: watt, daily_<T> or potential.
    pub show: &'a str,
}

/// `ringsim indicators`: WATT, daily and potential accessibility per city or county, optionally against a second
/// scenario.
pub fn indicators(a: &IndicatorArgs) -> Result<String> {
    let set = crate::matrix::NodeSet::parse(a.nodes)?;
    let mut paths = vec![a.scenario.to_path_buf()];
    if let Some(c) = a.compare {
        paths.push(c.to_path_buf());
    }
    let loaded = load(&paths)?;
    let bound = loaded.bind_all()?;
    if bound.len() == 2 && !std::ptr::eq(bound[0].net, bound[1].net) {
        return Err(Error::Usage(format!("'{}' and '{}' use different networks; indicators compare scenarios of one network", bound[0].sc.name, bound[1].sc.name)));
    }
    let cfg = crate::indicators::Config::new(measure_or(a.measure, &bound[0])?, a.alpha, a.daily.clone())?;
    let results: Vec<Vec<crate::indicators::Indicators>> = bound
        .iter()
        .map(|b| crate::indicators::compute(b.net, &Graph::build(b), set, &cfg))
        .collect::<Result<_>>()?;
    let bytes = crate::indicators::csv(&cfg, &results[0], results.get(1).map(|v| v.as_slice()));
    let mut text = if a.out.is_some() || a.map.is_none() { write_or_print(a.out, bytes, &format!("indicators of {} {}", results[0].len(), a.nodes))? } else { String::new() };
    if let Some(path) = a.map {
        text.push_str(&indicator_map(a, &bound, &cfg, set, &results, path)?);
    }
    Ok(text)
}

/// The choropleth of `ringsim indicators --map`: counties on the basemap's census units, cities on their
/// prefectures, in five quantile classes; with `--compare`, the change towards the second scenario.
fn indicator_map(a: &IndicatorArgs, bound: &[Bound], cfg: &crate::indicators::Config, set: crate::matrix::NodeSet, results: &[Vec<crate::indicators::Indicators>], path: &Path) -> Result<String> {
    use crate::map::{Band, Basemap, MapFigure};
    use plotters::style::RGBColor;
    crate::plot::Format::from_path(path)?;
    let b = &bound[0];
    let daily_names: Vec<String> = cfg.daily.iter().map(|d| format!("daily_{}", fmt_cutoff(*d))).collect();
    let pick = |r: &crate::indicators::Indicators| -> Option<f64> {
        match a.show {
            "watt" => r.watt.map(|w| w.0),
            "potential" => Some(r.potential),
            s => daily_names.iter().position(|d| d == s).map(|k| r.daily[k] as f64 / 1e6),
        }
    };
    if a.show != "watt" && a.show != "potential" && !daily_names.iter().any(|d| d == a.show) {
        return Err(Error::Usage(format!("--show '{}': choose watt, potential or one of {}", a.show, daily_names.join(", "))));
    }
    // lower WATT is better; with a comparison the map shows the improvement (this − other for WATT).
    let values: Vec<Option<f64>> = match results.get(1) {
        None => results[0].iter().map(pick).collect(),
        Some(o) => results[0]
            .iter()
            .zip(o)
            .map(|(x, y)| match (pick(x), pick(y)) {
                (Some(p), Some(q)) => Some(if a.show == "watt" { p - q } else { q - p }),
                _ => None,
            })
            .collect(),
    };
    let unit = match a.show {
        "watt" => "min",
        "potential" => "",
        _ => "M people",
    };
    let mut sorted: Vec<f64> = values.iter().flatten().copied().collect();
    sorted.sort_by(|x, y| x.partial_cmp(y).unwrap());
    if sorted.is_empty() {
        return Err(Error::Usage("no origin has a value to map (under the station measure, origins without a station have none)".into()));
    }
    let q = |f: f64| sorted[((sorted.len() - 1) as f64 * f).round() as usize];
    let breaks: Vec<f64> = (1..5).map(|k| q(k as f64 / 5.0)).collect();
    // Higher is better for every mapped quantity except plain WATT: darker = better (ColorBrewer YlGnBu).
    let palette = [RGBColor(255, 255, 204), RGBColor(161, 218, 180), RGBColor(65, 182, 196), RGBColor(44, 127, 184), RGBColor(37, 52, 148)];
    let worse_high = a.show == "watt" && results.len() == 1;
    let class = |v: f64| breaks.iter().position(|&x| v <= x).unwrap_or(4);
    let colour = |k: usize| if worse_high { palette[4 - k] } else { palette[k] };
    let (basemap, have) = Basemap::read(&b.sc.network_dir)?;
    let layer = if set == crate::matrix::NodeSet::Counties { &basemap.units } else { &basemap.prefectures };
    if !have || layer.is_empty() {
        return Err(Error::Usage(format!("{}: no basemap layer for {}; run tools/derive/basemap.py for this network", b.sc.network_dir.join("basemap").display(), a.nodes)));
    }
    let mut fills = Vec::new();
    let mut counts = [0usize; 6];
    let mut no_polygon = Vec::new();
    for (r, v) in results[0].iter().zip(&values) {
        let Some(f) = layer.iter().find(|f| f.code == r.id) else {
            no_polygon.push(r.name.clone());
            continue;
        };
        let c = match v {
            Some(v) => {
                counts[class(*v)] += 1;
                colour(class(*v))
            }
            None => {
                counts[5] += 1;
                RGBColor(200, 200, 200)
            }
        };
        for p in &f.polygons {
            fills.push((p.clone(), c));
        }
    }
    let lo = sorted[0];
    let hi = *sorted.last().unwrap();
    let mut bands = Vec::new();
    for k in 0..5 {
        let from = if k == 0 { lo } else { breaks[k - 1] };
        let to = if k == 4 { hi } else { breaks[k] };
        bands.push(Band { polygons: Vec::new(), colour: colour(k), label: format!("{from:.1} – {to:.1} {unit}  ({} {})", counts[k], a.nodes) });
    }
    if counts[5] > 0 {
        bands.push(Band { polygons: Vec::new(), colour: RGBColor(200, 200, 200), label: format!("no value ({} {})", counts[5], a.nodes) });
    }
    let what = match a.show {
        "watt" => "weighted average travel time (WATT)".to_string(),
        "potential" => format!("potential accessibility (α = {})", cfg.alpha),
        s => format!("population within {} min", s.trim_start_matches("daily_")),
    };
    let title = match bound.get(1) {
        None => format!("{}: {what}, {} measure", b.sc.name, cfg.measure.as_str()),
        Some(o) => format!("{} → {}: change in {what} ({})", b.sc.name, o.sc.name, if a.show == "watt" { "minutes saved" } else { "gain" }),
    };
    let subtitle = format!("per {} · destinations: the region's census units weighted by 2020 population · {} measure · classes are quintiles", if set == crate::matrix::NodeSet::Counties { "county-level unit" } else { "plan city (its prefecture)" }, cfg.measure.as_str());
    let (proj, rect) = crate::surface::region_frame(b.net, 30.0);
    let mut fig = MapFigure::over(b, proj, rect, bands, Vec::new(), basemap, title, subtitle, "quintile classes".into());
    fig.fills = fills;
    crate::plot::render(&fig, path)?;
    let mut t = format!("wrote {}\n", path.display());
    if !no_polygon.is_empty() {
        t.push_str(&format!("  note: {} {} have no polygon in the basemap and are not drawn: {}\n", no_polygon.len(), a.nodes, no_polygon.join(" ")));
    }
    Ok(t)
}

/// Options of `ringsim plot`.
pub struct PlotArgs<'a> {
    pub scenario: &'a Path,
    pub out: &'a Path,
    pub measure: Option<&'a str>,
    pub diff: Option<&'a Path>,
    pub geojson: Option<&'a Path>,
    pub cell_km: f64,
}

/// Sequential fills for ring bands, fastest first (ColorBrewer YlGnBu, Brewer 2003), and light grey beyond the
/// last cutoff.
const RING_FILLS: [plotters::style::RGBColor; 6] = [
    plotters::style::RGBColor(37, 52, 148),
    plotters::style::RGBColor(44, 127, 184),
    plotters::style::RGBColor(65, 182, 196),
    plotters::style::RGBColor(127, 205, 187),
    plotters::style::RGBColor(199, 233, 180),
    plotters::style::RGBColor(237, 248, 177),
];
const BEYOND_FILL: plotters::style::RGBColor = plotters::style::RGBColor(236, 236, 236);
/// Fills for minutes saved, most first (ColorBrewer Purples), and the saving bands of a difference map.
const SAVED_FILLS: [plotters::style::RGBColor; 5] = [
    plotters::style::RGBColor(84, 39, 143),
    plotters::style::RGBColor(117, 107, 177),
    plotters::style::RGBColor(158, 154, 200),
    plotters::style::RGBColor(203, 201, 226),
    plotters::style::RGBColor(242, 240, 247),
];
/// Presentation classes of minutes saved (not a sourced quantity): an hour, half an hour, a quarter, five minutes.
const SAVED_LEVELS_MIN: [f64; 4] = [60.0, 30.0, 15.0, 5.0];

fn millions(p: u64) -> String {
    format!("{:.2} M", p as f64 / 1e6)
}

/// `ringsim plot`: the isochrone map of a scenario (or the minutes saved against another), PNG or SVG, and
/// optionally the bands as GeoJSON.
pub fn plot(a: &PlotArgs) -> Result<String> {
    use crate::contour;
    use crate::map::{Band, Basemap, CityMark, MapFigure};
    use crate::surface::{Config, Surface};
    crate::plot::Format::from_path(a.out)?;
    if !(a.cell_km.is_finite() && a.cell_km >= 0.25 && a.cell_km <= 20.0) {
        return Err(Error::Usage(format!("--cell-km {}: use a cell size between 0.25 and 20 km (2 is the default)", a.cell_km)));
    }
    let mut paths = vec![a.scenario.to_path_buf()];
    if let Some(d) = a.diff {
        paths.push(d.to_path_buf());
    }
    let loaded = load(&paths)?;
    let bound = loaded.bind_all()?;
    let b = &bound[0];
    if bound.len() == 2 && (!std::ptr::eq(b.net, bound[1].net) || b.origin != bound[1].origin) {
        return Err(Error::Usage(format!(
            "'{}' and '{}' differ in network or origin; a difference map compares times to one origin on one network",
            b.sc.name, bound[1].sc.name
        )));
    }
    let net = b.net;
    let m = measure_or(a.measure, b)?;
    let cfg = Config { cell_km: a.cell_km, ..Config::default() };
    let g = build_graph(b)?;
    let reach = Reach::compute(b, &g);
    let surface = Surface::compute(net, &b.params, &reach, m, cfg);
    let (basemap, have_basemap) = Basemap::read(&b.sc.network_dir)?;
    let origin = &net.cities[b.origin.i()];
    let units: Vec<usize> = (0..net.places.len()).filter(|&i| net.places[i].kind.is_unit()).collect();
    let mut text = String::new();
    let (levels, bands_meta, values, city_vals, place_vals, title, legend_title): (Vec<f64>, Vec<(String, Option<f64>, Option<f64>, plotters::style::RGBColor)>, Vec<f64>, Vec<Option<f64>>, Vec<Option<f64>>, String, String);
    if let Some(other) = bound.get(1) {
        // Minutes saved by this scenario against the other: t_other − t_this. The contoured value is the negated
        // saving, so band 0 holds the largest savings.
        let g2 = build_graph(other)?;
        let r2 = Reach::compute(other, &g2);
        let s2 = Surface::like(net, &other.params, &r2, m, &surface);
        let neg_saved = |this: f64, that: f64| -> f64 {
            match (this.is_nan(), that.is_nan()) {
                (true, _) => f64::NAN,
                (false, true) => f64::NEG_INFINITY,
                (false, false) => this - that,
            }
        };
        values = surface.values.iter().zip(&s2.values).map(|(&x, &y)| neg_saved(x, y)).collect();
        let secs = |t: Option<crate::units::Seconds>| t.map_or(f64::NAN, |t| t.0 as f64);
        let saved_of = |x: Option<crate::units::Seconds>, y: Option<crate::units::Seconds>| {
            let v = neg_saved(secs(x), secs(y));
            if v.is_nan() { None } else { Some(v) }
        };
        city_vals = reach.cities.iter().zip(&r2.cities).map(|(x, y)| saved_of(x.get(m), y.get(m))).collect();
        place_vals = reach.places.iter().zip(&r2.places).map(|(x, y)| saved_of(x.get(m), y.get(m))).collect();
        levels = SAVED_LEVELS_MIN.iter().map(|l| -l * 60.0).collect();
        let mut meta = Vec::new();
        for (k, l) in SAVED_LEVELS_MIN.iter().enumerate() {
            let label = if k == 0 { format!("≥ {l} min saved") } else { format!("{l}–{} min saved", SAVED_LEVELS_MIN[k - 1]) };
            meta.push((label, Some(*l), if k == 0 { None } else { Some(SAVED_LEVELS_MIN[k - 1]) }, SAVED_FILLS[k]));
        }
        meta.push((format!("< {} min saved, or unreached", SAVED_LEVELS_MIN[3]), None, Some(SAVED_LEVELS_MIN[3]), SAVED_FILLS[4]));
        bands_meta = meta;
        title = format!("{} (as of {}) against {} (as of {}): minutes saved to {} ({} measure)", b.sc.name, b.sc.as_of, other.sc.name, other.sc.as_of, origin.name, m.as_str());
        legend_title = "节省时间 minutes saved · population in band".into();
    } else {
        values = surface.values.clone();
        city_vals = reach.cities.iter().map(|t| t.get(m).map(|s| s.0 as f64)).collect();
        place_vals = reach.places.iter().map(|t| t.get(m).map(|s| s.0 as f64)).collect();
        levels = b.sc.cutoffs.iter().map(|c| c.0 * 60.0).collect();
        let mut meta = Vec::new();
        for (k, c) in b.sc.cutoffs.iter().enumerate() {
            let lo = if k == 0 { 0.0 } else { b.sc.cutoffs[k - 1].0 };
            meta.push((format!("{}–{} min", fmt_cutoff(crate::units::Minutes(lo)), fmt_cutoff(*c)), Some(lo), Some(c.0), RING_FILLS[k.min(RING_FILLS.len() - 1)]));
        }
        let last = b.sc.cutoffs.last().map(|c| c.0).unwrap_or(0.0);
        meta.push((format!("over {} min or unreached", fmt_cutoff(crate::units::Minutes(last))), Some(last), None, BEYOND_FILL));
        bands_meta = meta;
        title = format!("{} (as of {}): travel time to {} ({} measure)", b.sc.name, b.sc.as_of, origin.name, m.as_str());
        legend_title = format!("到{}时间 time band · population in band", origin.name.trim_end_matches('市'));
    }
    let band_of = |v: Option<f64>| -> usize { v.map_or(levels.len(), |v| levels.iter().position(|&l| v <= l).unwrap_or(levels.len())) };
    let mut pops = vec![0u64; levels.len() + 1];
    for &i in &units {
        pops[band_of(place_vals[i])] += net.places[i].population;
    }
    let grid = contour::Grid { nx: surface.nx, ny: surface.ny, x0: surface.x0, y0: surface.y0, h: surface.h, v: &values };
    let polys = contour::bands(&grid, &levels);
    let bands: Vec<Band> = polys
        .iter()
        .zip(&bands_meta)
        .zip(&pops)
        .map(|((p, (label, _, _, colour)), pop)| Band { polygons: p.clone(), colour: *colour, label: format!("{label}: {}", millions(*pop)) })
        .collect();
    let cities: Vec<CityMark> = net
        .cities
        .iter()
        .zip(&city_vals)
        .enumerate()
        .map(|(i, (c, v))| {
            let (lon, lat) = crate::map::city_anchor(net, &reach, crate::network::CityIx(i as u32), m);
            CityMark { name: c.name.trim_end_matches('市').to_string(), lon, lat, colour: bands_meta[band_of(*v)].3 }
        })
        .collect();
    let subtitle = format!(
        "{} · grid {} km · 2020 census population · basemap {}",
        b.sc.description,
        a.cell_km,
        if have_basemap { "from networks/<name>/basemap" } else { "missing (run tools/derive/basemap.py)" }
    );
    let fig = MapFigure::new(b, &surface, bands, cities, basemap, title, subtitle, legend_title);
    crate::plot::render(&fig, a.out)?;
    text.push_str(&format!("== map of {} ({} measure, {} × {} grid of {} km) ==\n", b.sc.name, m.as_str(), surface.nx, surface.ny, a.cell_km));
    for (k, ((label, _, _, _), pop)) in bands_meta.iter().zip(&pops).enumerate() {
        let area: f64 = polys[k].iter().map(|p| p.area()).sum();
        text.push_str(&format!("  {label:<32} {:>10} people, {:>9.0} km² of the map\n", pop, area));
    }
    if !have_basemap {
        text.push_str(&format!("  note: {} has no basemap folder; the map has no boundaries\n", b.sc.network_dir.display()));
    }
    text.push_str(&format!("wrote {}\n", a.out.display()));
    if let Some(gj) = a.geojson {
        let diff = bound.len() == 2;
        let rows: Vec<crate::map::GeoBand> = bands_meta
            .iter()
            .zip(&pops)
            .zip(&polys)
            .map(|(((l, lo, hi, _), p), poly)| crate::map::GeoBand {
                label: l.clone(),
                minutes: if diff { *lo } else { *hi },
                min_minutes: *lo,
                max_minutes: *hi,
                population: *p,
                polygons: poly.as_slice(),
            })
            .collect();
        write_atomic(gj, &crate::map::geojson(&surface.proj, &rows))?;
        text.push_str(&format!("wrote {}\n", gj.display()));
    }
    Ok(text)
}

/// `ringsim chart`: population and plan cities within each cutoff, per scenario. As-built scenarios (no projects
/// added or removed, all of one network, origin and measure, distinct dates) are drawn as lines over their `as_of`
/// year; any other set as grouped bars, one group per scenario. Also writes the numbers as CSV next to the image.
pub fn chart(paths: &[PathBuf], out: &Path) -> Result<String> {
    use crate::plot::{colour, Chart, Series, Stack};
    crate::plot::Format::from_path(out)?;
    let loaded = load(paths)?;
    let bound = loaded.bind_all()?;
    let first = &bound[0];
    for b in &bound[1..] {
        if b.sc.cutoffs != first.sc.cutoffs || b.sc.measure != first.sc.measure || !std::ptr::eq(b.net, first.net) || b.origin != first.origin {
            return Err(Error::Usage(format!(
                "'{}' and '{}' differ in network, origin, cutoffs or measure; a chart compares scenarios that share them",
                first.sc.name, b.sc.name
            )));
        }
    }
    let sums: Vec<Vec<crate::rings::RingSummary>> = bound
        .par_iter()
        .map(|b| {
            let g = Graph::build(b);
            Reach::compute(b, &g).summaries(b.net)
        })
        .collect();
    let mut dates: Vec<_> = bound.iter().map(|b| b.sc.as_of).collect();
    dates.sort();
    dates.dedup();
    let over_years = dates.len() == bound.len() && bound.iter().all(|b| b.sc.added.is_empty() && b.sc.removed.is_empty());
    let origin = &first.net.cities[first.origin.i()].name;
    let year = |b: &Bound| b.sc.as_of.fractional_year();
    let mut order: Vec<usize> = (0..bound.len()).collect();
    if over_years {
        order.sort_by(|&a, &b| bound[a].sc.as_of.cmp(&bound[b].sc.as_of));
    }
    let m = first.sc.measure.as_str();
    let mut pop = Chart::new(format!("Population within reach of {origin} ({m} measure)"), if over_years { "as built on (tick = 1 January of the year)" } else { "scenario" }, "population (millions)");
    let mut cities = Chart::new(format!("Plan cities within reach of {origin}"), if over_years { "as built on (tick = 1 January of the year)" } else { "scenario" }, "plan cities");
    let nc = first.sc.cutoffs.len();
    for (k, c) in first.sc.cutoffs.iter().enumerate() {
        let label = format!("within {} min", fmt_cutoff(*c));
        let col = colour(k);
        let (pp, cp): (Vec<(f64, f64)>, Vec<(f64, f64)>) = order
            .iter()
            .enumerate()
            .map(|(pos, &i)| {
                let x = if over_years { year(&bound[i]) } else { pos as f64 };
                ((x, sums[i][k].population as f64 / 1e6), (x, sums[i][k].cities.len() as f64))
            })
            .unzip();
        if over_years {
            pop.series.push(Series::line(label.clone(), pp, col));
            cities.series.push(Series::line(label, cp, col));
        } else {
            let w = 0.8 / nc as f64;
            let off = -0.4 + w * (k as f64 + 0.5);
            let mut s1 = Series::line(label.clone(), pp, col);
            s1.bar = Some((off, w * 0.95));
            let mut s2 = Series::line(label, cp, col);
            s2.bar = Some((off, w * 0.95));
            pop.series.push(s1);
            cities.series.push(s2);
        }
    }
    for c in [&mut pop, &mut cities] {
        if over_years {
            c.integer_x = true;
        } else {
            c.categories = order.iter().map(|&i| bound[i].sc.name.clone()).collect();
        }
    }
    let ymax = sums.iter().flat_map(|s| s.iter().map(|r| r.population)).max().unwrap_or(0) as f64 / 1e6;
    pop.y_range = Some((0.0, (ymax * 1.1).max(1.0)));
    let cmax = sums.iter().flat_map(|s| s.iter().map(|r| r.cities.len())).max().unwrap_or(0) as f64;
    cities.y_range = Some((0.0, (cmax * 1.1).max(1.0) + 1.0));
    let fig = Stack { charts: vec![pop, cities], size: (1300, 1300) };
    crate::plot::render(&fig, out)?;
    let mut w = CsvOut::new(&["scenario", "as_of", "cutoff_min", "population", "plan_cities", "counties"]);
    let mut text = format!("== {} scenarios, origin {origin}, {m} measure ==\n", bound.len());
    for &i in &order {
        let b = &bound[i];
        for r in &sums[i] {
            w.row([b.sc.name.clone(), b.sc.as_of.to_string(), fmt_cutoff(r.cutoff), r.population.to_string(), r.cities.len().to_string(), r.counties.to_string()]);
        }
        let cells: Vec<String> = sums[i].iter().map(|r| format!("{}: {} ({} cities)", fmt_cutoff(r.cutoff), millions(r.population), r.cities.len())).collect();
        text.push_str(&format!("  {:<20} {}  {}\n", b.sc.name, b.sc.as_of, cells.join(", ")));
    }
    let csv_path = out.with_extension("csv");
    write_atomic(&csv_path, &w.into_bytes())?;
    text.push_str(&format!("wrote {} and {}\n", out.display(), csv_path.display()));
    Ok(text)
}
