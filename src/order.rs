//! `ringsim order`: which completion order of a plan's projects brings the origin's rings to the most people
//! soonest.
//!
//! An orders file (TOML) names a base scenario, the projects to order, precedence rules, a metric, an x-axis
//! (steps, years or money, optionally discounted) and named orders to compare. The metric depends only on the set
//! of open projects, so the best and worst orders are a dynamic programme over the lattice of build states that
//! respect precedence (exact up to [`DEFAULT_EXACT_MAX`] projects; greedy and beam search beyond, labelled
//! heuristic). Build states are evaluated in parallel and incrementally by [`crate::lattice::Engine`]. Per
//! project: the gain when opened first, when opened last, the leave-one-out loss and the Shapley value.
//!
//! Definitions (also in docs/order.md). With `g(S)` the metric's improvement over the base (`f(S) − f(∅)`, or
//! `f(∅) − f(S)` for a metric where lower is better), an order `p1 … pn` passes through `S0 = ∅ … Sn = all`.
//! Step `k` ends at `x_k = x(p1) + … + x(pk)` where `x(p)` is 1 (steps), the project's duration in years, or its
//! cost. The state `S_k` holds from `x_k` until the next project is complete at `x_{k+1}`, and the cumulative
//! benefit is the area under `g` from 0 to `x_n`, each instant weighted by `(1 + r)^(−x)`:
//! `B = Σ_{k=1}^{n−1} g(S_k) ∫_{x_k}^{x_{k+1}} (1 + r)^(−x) dx`. Every order ends in the same state at the
//! same `x_n`, so what follows is the same for all of them.

use crate::error::{Error, Result};
use crate::lattice::{Dists, Engine, Set};
use crate::network::Network;
use crate::plot::{render, Chart, Series, PALETTE};
use crate::scenario::{Bound, Measure, Scenario};
use crate::table::{write_atomic, CsvOut};
use crate::units::{Date, Minutes, Seconds};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Exact search up to this many projects by default: 2^22 states of 8 bytes each are 32 MB per array, and the
/// issue's target (issue 5: "exact up to about 22 projects").
pub const DEFAULT_EXACT_MAX: usize = 22;
/// Exact Shapley values (and gains on arbitrary subsets from the lattice) up to this many projects: all 2^16
/// subsets are evaluated, precedence or not. Beyond, Shapley values are sampled.
pub const DEFAULT_SHAPLEY_EXACT_MAX: usize = 16;
/// Sampled permutations for Shapley values beyond the exact limit (standard error ~ σ/√2000 ≈ 2% of σ).
pub const DEFAULT_SHAPLEY_SAMPLES: usize = 2000;
/// Beam width of the heuristic search beyond the exact limit.
pub const DEFAULT_BEAM_WIDTH: usize = 64;
/// Hard limit on projects: the sets are 64-bit masks.
pub const MAX_PROJECTS: usize = 60;
/// At most this many precedence rules (one per pair of the 60 projects).
pub const MAX_RULES: usize = MAX_PROJECTS * (MAX_PROJECTS - 1) / 2;
/// At most this many named orders in a file.
pub const MAX_NAMED_ORDERS: usize = 100;
/// The defaults: population within 60 min (issue 5; the plan's 1 h circle, seed 001 第二章第三节).
pub const DEFAULT_POP_CUTOFF: f64 = 60.0;
/// Plan cities within 90 min by default (the plan's 1.5 h circle, seed 001 第二章第三节).
pub const DEFAULT_CITY_CUTOFF: f64 = 90.0;
/// A place beyond this many minutes (or unreached) counts this much in the mean time: 3 h, twice the plan's
/// largest circle (an assumption, so that the mean is finite and only falls when a project opens).
pub const DEFAULT_MEAN_CAP: f64 = 180.0;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrders {
    format: u32,
    name: String,
    #[serde(default)]
    description: String,
    base: String,
    projects: Vec<String>,
    metric: Option<RawMetric>,
    #[serde(default)]
    precedence: RawPrecedence,
    #[serde(default)]
    axis: RawAxis,
    #[serde(default)]
    durations: BTreeMap<String, f64>,
    #[serde(default)]
    costs: BTreeMap<String, f64>,
    #[serde(default)]
    orders: BTreeMap<String, toml::Value>,
    #[serde(default)]
    search: RawSearch,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    kind: Option<String>,
    measure: Option<String>,
    cutoff: Option<f64>,
    cutoffs: Option<Vec<f64>>,
    weights: Option<Vec<f64>>,
    cap: Option<f64>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrecedence {
    #[serde(default = "yes")]
    derive: bool,
    #[serde(default)]
    rules: Vec<Vec<String>>,
}

impl Default for RawPrecedence {
    fn default() -> Self {
        RawPrecedence { derive: true, rules: Vec::new() }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAxis {
    x: Option<String>,
    discount: Option<f64>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    exact_max: Option<usize>,
    shapley_exact_max: Option<usize>,
    shapley_samples: Option<usize>,
    beam_width: Option<usize>,
    seed: Option<u64>,
}

/// What is measured in each build state.
#[derive(Clone, Debug, PartialEq)]
pub enum Metric {
    /// Population (outside places excluded) within `cutoff` of the origin.
    Population { cutoff: Minutes },
    /// Population-weighted mean time to the origin, each place's time capped at `cap`. Lower is better.
    MeanTime { cap: Minutes },
    /// Plan cities other than the origin within `cutoff`.
    Cities { cutoff: Minutes },
    /// Σ population × the weight of the smallest ring containing the place.
    Rings { cutoffs: Vec<Minutes>, weights: Vec<f64> },
}

impl Metric {
    pub fn higher_is_better(&self) -> bool {
        !matches!(self, Metric::MeanTime { .. })
    }
    /// The largest time the metric looks at.
    pub fn bound(&self) -> Seconds {
        match self {
            Metric::Population { cutoff } | Metric::Cities { cutoff } => cutoff.seconds(),
            Metric::MeanTime { cap } => cap.seconds(),
            Metric::Rings { cutoffs, .. } => cutoffs.last().map_or(Seconds::ZERO, |c| c.seconds()),
        }
    }
    pub fn describe(&self, m: Measure) -> String {
        let c = |x: &Minutes| crate::rings::fmt_cutoff(*x);
        match self {
            Metric::Population { cutoff } => format!("population within {} min ({} measure)", c(cutoff), m.as_str()),
            Metric::MeanTime { cap } => format!("population-weighted mean minutes to the origin, capped at {} ({} measure; lower is better)", c(cap), m.as_str()),
            Metric::Cities { cutoff } => format!("plan cities within {} min ({} measure)", c(cutoff), m.as_str()),
            Metric::Rings { cutoffs, weights } => format!(
                "ring-weighted population ({}; {} measure)",
                cutoffs.iter().zip(weights).map(|(a, w)| format!("{} min × {w}", c(a))).collect::<Vec<_>>().join(", "),
                m.as_str()
            ),
        }
    }
    /// Value and chart scale: (divisor, unit label).
    fn scale(&self) -> (f64, &'static str) {
        match self {
            Metric::Population { .. } | Metric::Rings { .. } => (1e6, "million people"),
            Metric::MeanTime { .. } => (1.0, "minutes"),
            Metric::Cities { .. } => (1.0, "plan cities"),
        }
    }
}

/// The x-axis: what a project "takes".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    Step,
    Years,
    Cost,
}

impl Axis {
    pub fn as_str(self) -> &'static str {
        match self {
            Axis::Step => "step",
            Axis::Years => "years",
            Axis::Cost => "cost",
        }
    }
}

/// A named order: explicit, or derived.
#[derive(Clone, Debug)]
pub struct NamedOrder {
    pub name: String,
    /// Internal project indices in order.
    pub order: Vec<usize>,
    pub note: String,
}

/// A validated orders file.
#[derive(Clone, Debug)]
pub struct OrdersFile {
    pub path: PathBuf,
    pub name: String,
    pub description: String,
    pub base: PathBuf,
    pub projects: Vec<String>,
    pub metric: Metric,
    pub measure: Measure,
    /// Whether the file gives `metric.measure`; without it the base scenario's measure is used.
    pub measure_set: bool,
    pub derive: bool,
    /// (before, after) pairs of project ids, explicit.
    pub rules: Vec<(String, String)>,
    pub axis: Axis,
    pub discount: f64,
    pub durations: BTreeMap<String, f64>,
    pub costs: BTreeMap<String, f64>,
    raw_orders: Vec<(String, toml::Value)>,
    pub exact_max: usize,
    pub shapley_exact_max: usize,
    pub shapley_samples: usize,
    pub beam_width: usize,
    pub seed: u64,
}

fn cfg(path: &Path, field: &str, msg: impl Into<String>) -> Error {
    Error::config(path, field, msg)
}

impl OrdersFile {
    pub fn read(path: &Path) -> Result<OrdersFile> {
        let text = crate::table::read_text(path)?;
        OrdersFile::parse(path, &text)
    }

    /// [`OrdersFile::read`] on text already read (`path` names the file and anchors the base's path).
    pub fn parse(path: &Path, text: &str) -> Result<OrdersFile> {
        let value = crate::tomlfile::parse(path, text, &crate::schema::ORDERS_TOML)?;
        // a scenario file given to `order` would only get "unknown key `as_of`"
        if value.get("network").is_some() && value.get("base").is_none() {
            return Err(Error::Toml {
                path: path.to_path_buf(),
                message: "this is a scenario file (it has `network`, not `base`); `order` takes an orders file such as scenarios/orders/zhongyuan-hsr.toml, whose `base` names a scenario file like this one (`ringsim run` takes a scenario)".into(),
            });
        }
        crate::tomlfile::check(path, text, &value, &crate::schema::ORDERS_TOML, "")?;
        let raw: RawOrders = value.try_into().map_err(|e| crate::tomlfile::serde_error(path, text, e))?;
        if raw.format != 1 {
            return Err(cfg(path, "format", format!("unsupported format {}; this ringsim reads format 1", raw.format)));
        }
        let name = raw.name.trim().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c)) || name.starts_with('.') {
            return Err(cfg(path, "name", format!("'{}' is not a usable name: use letters, digits, '-', '_' or '.'", raw.name)));
        }
        if raw.projects.is_empty() {
            return Err(cfg(path, "projects", "is empty; list the ids of the projects to order (from the network's seeds/projects.csv)"));
        }
        if raw.projects.len() > MAX_PROJECTS {
            return Err(cfg(path, "projects", format!("{} projects; at most {MAX_PROJECTS} can be ordered", raw.projects.len())));
        }
        let mut seen = BTreeSet::new();
        for p in &raw.projects {
            if !seen.insert(p.as_str()) {
                return Err(cfg(path, "projects", format!("project '{p}' is listed twice")));
            }
        }
        let m = raw.metric.unwrap_or_default();
        let measure_set = m.measure.is_some();
        let measure = match m.measure.as_deref() {
            None => Measure::Door,
            Some(s) => Measure::parse(s).ok_or_else(|| cfg(path, "metric.measure", format!("'{s}' is not a measure; use \"door\" or \"station\"")))?,
        };
        let minutes = |field: &str, v: f64| -> Result<Minutes> {
            if v > 0.0 && v.is_finite() && v < 10_000.0 {
                Ok(Minutes(v))
            } else {
                Err(cfg(path, field, format!("{v} is not a usable number of minutes; give a positive number below 10000")))
            }
        };
        let kind = m.kind.as_deref().unwrap_or("population");
        let unused = |fields: &[(&str, bool)]| -> Result<()> {
            for (f, set) in fields {
                if *set {
                    return Err(cfg(path, &format!("metric.{f}"), format!("is not used by metric kind '{kind}'; remove it")));
                }
            }
            Ok(())
        };
        let metric = match kind {
            "population" => {
                unused(&[("cutoffs", m.cutoffs.is_some()), ("weights", m.weights.is_some()), ("cap", m.cap.is_some())])?;
                Metric::Population { cutoff: minutes("metric.cutoff", m.cutoff.unwrap_or(DEFAULT_POP_CUTOFF))? }
            }
            "cities" => {
                unused(&[("cutoffs", m.cutoffs.is_some()), ("weights", m.weights.is_some()), ("cap", m.cap.is_some())])?;
                Metric::Cities { cutoff: minutes("metric.cutoff", m.cutoff.unwrap_or(DEFAULT_CITY_CUTOFF))? }
            }
            "mean_time" => {
                unused(&[("cutoff", m.cutoff.is_some()), ("cutoffs", m.cutoffs.is_some()), ("weights", m.weights.is_some())])?;
                Metric::MeanTime { cap: minutes("metric.cap", m.cap.unwrap_or(DEFAULT_MEAN_CAP))? }
            }
            "rings" => {
                unused(&[("cutoff", m.cutoff.is_some()), ("cap", m.cap.is_some())])?;
                let cs = m.cutoffs.unwrap_or_else(|| crate::scenario::DEFAULT_CUTOFFS.to_vec());
                let ws = m.weights.ok_or_else(|| cfg(path, "metric.weights", "is missing; give one weight per cutoff, e.g. weights = [1.0, 0.5, 0.25]"))?;
                if cs.is_empty() || cs.len() != ws.len() {
                    return Err(cfg(path, "metric.weights", format!("{} weights for {} cutoffs; give one weight per cutoff", ws.len(), cs.len())));
                }
                let mut cutoffs = Vec::new();
                for (i, c) in cs.iter().enumerate() {
                    cutoffs.push(minutes("metric.cutoffs", *c)?);
                    if i > 0 && *c <= cs[i - 1] {
                        return Err(cfg(path, "metric.cutoffs", format!("must increase strictly: {} comes after {}", c, cs[i - 1])));
                    }
                }
                if ws.iter().any(|w| !w.is_finite() || *w < 0.0) {
                    return Err(cfg(path, "metric.weights", "weights must be finite and not negative"));
                }
                Metric::Rings { cutoffs, weights: ws }
            }
            other => return Err(cfg(path, "metric.kind", format!("'{other}' is not a metric; use \"population\", \"mean_time\", \"cities\" or \"rings\""))),
        };
        if raw.precedence.rules.len() > MAX_RULES {
            return Err(cfg(path, "precedence.rules", format!("{} rules; at most {MAX_RULES} (one per pair of projects) can be given", raw.precedence.rules.len())));
        }
        if raw.orders.len() > MAX_NAMED_ORDERS {
            return Err(cfg(path, "orders", format!("{} named orders; at most {MAX_NAMED_ORDERS} can be compared (each is evaluated step by step and drawn)", raw.orders.len())));
        }
        let mut rules = Vec::new();
        for (i, r) in raw.precedence.rules.iter().enumerate() {
            if r.len() != 2 {
                return Err(cfg(path, "precedence.rules", format!("rule {} has {} ids; write [\"first\", \"then\"] (the second opens after the first)", i + 1, r.len())));
            }
            for id in r {
                if !seen.contains(id.as_str()) {
                    return Err(cfg(path, "precedence.rules", format!("'{id}' is not one of the ordered projects (field `projects`)")));
                }
            }
            if r[0] == r[1] {
                return Err(cfg(path, "precedence.rules", format!("rule {} puts '{}' after itself", i + 1, r[0])));
            }
            rules.push((r[0].clone(), r[1].clone()));
        }
        let axis = match raw.axis.x.as_deref().unwrap_or("step") {
            "step" => Axis::Step,
            "years" => Axis::Years,
            "cost" => Axis::Cost,
            other => return Err(cfg(path, "axis.x", format!("'{other}' is not an axis; use \"step\", \"years\" (needs [durations]) or \"cost\" (needs [costs])"))),
        };
        let discount = raw.axis.discount.unwrap_or(0.0);
        if !(0.0..1.0).contains(&discount) {
            return Err(cfg(path, "axis.discount", format!("{discount} is not a discount rate; give a rate per x unit in [0, 1), e.g. 0.05")));
        }
        for (field, table, needed) in [("durations", &raw.durations, axis == Axis::Years), ("costs", &raw.costs, axis == Axis::Cost)] {
            for (id, v) in table.iter() {
                if !seen.contains(id.as_str()) {
                    return Err(cfg(path, &format!("{field}.{id}"), "is not one of the ordered projects (field `projects`)"));
                }
                if !(v.is_finite() && *v > 0.0) {
                    return Err(cfg(path, &format!("{field}.{id}"), format!("{v} must be a positive number")));
                }
            }
            if needed {
                if let Some(p) = raw.projects.iter().find(|p| !table.contains_key(*p)) {
                    return Err(cfg(path, &format!("{field}.{p}"), format!("is missing: axis.x = \"{}\" needs a value for every ordered project", axis.as_str())));
                }
            }
        }
        let s = raw.search;
        let exact_max = s.exact_max.unwrap_or(DEFAULT_EXACT_MAX);
        if exact_max > 24 {
            return Err(cfg(path, "search.exact_max", format!("{exact_max} is too large: 2^{exact_max} states (and the tables of the dynamic programme) do not fit in memory; use at most 24")));
        }
        let shapley_exact_max = s.shapley_exact_max.unwrap_or(DEFAULT_SHAPLEY_EXACT_MAX);
        if shapley_exact_max > 22 {
            return Err(cfg(path, "search.shapley_exact_max", "use at most 22"));
        }
        let beam_width = s.beam_width.unwrap_or(DEFAULT_BEAM_WIDTH);
        if beam_width == 0 {
            return Err(cfg(path, "search.beam_width", "must be at least 1"));
        }
        let shapley_samples = s.shapley_samples.unwrap_or(DEFAULT_SHAPLEY_SAMPLES);
        if shapley_samples == 0 {
            return Err(cfg(path, "search.shapley_samples", "must be at least 1"));
        }
        let base = path.parent().unwrap_or(Path::new(".")).join(&raw.base);
        Ok(OrdersFile {
            path: path.to_path_buf(),
            name,
            description: raw.description,
            base,
            projects: raw.projects,
            metric,
            measure,
            measure_set,
            derive: raw.precedence.derive,
            rules,
            axis,
            discount,
            durations: raw.durations,
            costs: raw.costs,
            raw_orders: raw.orders.into_iter().collect(),
            exact_max,
            shapley_exact_max,
            shapley_samples,
            beam_width,
            seed: s.seed.unwrap_or(1),
        })
    }
}

/// Projects may be named by id or by name (郑济高铁) everywhere in an orders file: rewrites every key to its id.
fn name_to_id(file: &mut OrdersFile, net: &Network) -> Result<()> {
    let path = file.path.clone();
    let id = |k: &str| -> Result<String> { net.seeds.resolve_project(k).map(|p| p.id.clone()).map_err(|m| cfg(&path, "projects", m)) };
    file.projects = crate::scenario::resolve_projects(net, &path, "projects", &file.projects)?;
    for r in file.rules.iter_mut() {
        *r = (id(&r.0)?, id(&r.1)?);
    }
    for t in [&mut file.durations, &mut file.costs] {
        *t = std::mem::take(t).into_iter().map(|(k, v)| Ok((id(&k)?, v))).collect::<Result<_>>()?;
    }
    for (_, v) in file.raw_orders.iter_mut() {
        if let toml::Value::Array(a) = v {
            for x in a.iter_mut() {
                if let Some(k) = x.as_str() {
                    *x = toml::Value::String(id(k).unwrap_or_else(|_| k.to_string()));
                }
            }
        }
    }
    Ok(())
}

/// A loaded study: the network, the base scenario, the engine and the projects in internal (topological) order.
pub struct Study {
    pub file: OrdersFile,
    pub engine: Engine,
    /// Internal index → position in the file's `projects` list.
    pub listed: Vec<usize>,
    /// Internal index → project id / name.
    pub ids: Vec<String>,
    pub names: Vec<String>,
    /// Internal index → earliest opening date of its elements that the base leaves closed.
    pub opened: Vec<Option<Date>>,
    /// Internal index → the projects that must open before it (a set of internal indices).
    pub preds: Vec<Set>,
    /// Where each precedence came from, as text, for the report.
    pub precedence_notes: Vec<String>,
    /// Internal index → x length (1, years or cost).
    pub xlen: Vec<f64>,
    pub orders: Vec<NamedOrder>,
    pub n: usize,
}

/// The smallest number that is a sure "not evaluated" marker in the value table.
const NOT_EVALUATED: u64 = u64::MAX;

impl Study {
    /// Reads the orders file, its base scenario and network, and builds the engine.
    pub fn load(path: &Path) -> Result<(Study, Network)> {
        let file = OrdersFile::read(path)?;
        let sc = Scenario::read(&file.base).map_err(|e| match e {
            Error::Io { source, .. } => cfg(path, "base", format!("cannot read the base scenario {}: {source}", file.base.display())),
            other => other,
        })?;
        let net = Network::load(&sc.network_dir)?;
        Ok((Self::with_network(file, sc, &net)?, net))
    }

    /// [`Study::load`] for an already loaded network.
    pub fn with_network(mut file: OrdersFile, sc: Scenario, net: &Network) -> Result<Study> {
        let path = file.path.clone();
        let base = sc.bind(net)?;
        if !file.measure_set {
            // an orders file without `metric.measure` measures as its base scenario does
            file.measure = base.sc.measure;
        }
        name_to_id(&mut file, net)?;
        for id in &file.projects {
            if !net.seeds.has_project(id) {
                return Err(cfg(&path, "projects", format!("unknown project '{id}'; project ids are listed in {}", net.seeds.projects_path.display())));
            }
            if base.sc.added.contains(id) || base.sc.removed.contains(id) {
                return Err(cfg(&path, "projects", format!("project '{id}' is added or removed by the base scenario {}; take it out of the base or of `projects`", base.sc.path.display())));
            }
        }
        let listed_ix: BTreeMap<&str, usize> = file.projects.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
        // which listed project an element needs: listed, and not already open in the base
        let needs = |p: Option<&str>, d: Option<Date>| -> Option<usize> {
            let p = p?;
            let i = *listed_ix.get(p)?;
            (!base.sc.is_open(d, Some(p))).then_some(i)
        };
        // elements per listed project, with their opening dates
        let n = file.projects.len();
        let mut has_element = vec![false; n];
        let mut first_open: Vec<Option<Date>> = vec![None; n];
        let mut note = |i: usize, d: Option<Date>| {
            has_element[i] = true;
            if let Some(d) = d {
                first_open[i] = Some(first_open[i].map_or(d, |o: Date| o.min(d)));
            }
        };
        for s in &net.sections {
            if let Some(i) = needs(s.project.as_deref(), s.opened) {
                note(i, s.opened);
            }
        }
        for s in &net.stations {
            if let Some(i) = needs(s.project.as_deref(), s.opened) {
                note(i, s.opened);
            }
        }
        for r in &net.roads {
            if let Some(i) = needs(r.project.as_deref(), r.opened) {
                note(i, r.opened);
            }
        }
        if let Some(i) = (0..n).find(|&i| !has_element[i]) {
            // why: the check of a scenario's projects.add (crate::scenario::opens_nothing)
            let id = &file.projects[i];
            let why = match crate::scenario::opens_nothing(net, id, |d, p| base.sc.is_open(d, p)) {
                Some(crate::scenario::OpensNothing::NotModelled) => format!("has no rail section, station or road in network '{}'", net.name),
                _ => format!("has no rail section, station or road in network '{}' that the base scenario leaves closed (every one is open on its as_of, {})", net.name, base.sc.as_of),
            };
            return Err(cfg(&path, "projects", format!("project '{id}' {why}, so there is nothing to order; remove it")));
        }
        // precedence (listed indices): explicit, then derived
        let mut before: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
        let mut notes = Vec::new();
        for (a, b) in &file.rules {
            before[listed_ix[b.as_str()]].insert(listed_ix[a.as_str()]);
            notes.push(format!("{} before {} (rule in the file)", net.seeds.project_name(a), net.seeds.project_name(b)));
        }
        if file.derive {
            for (a, b, why) in derive_precedence(net, &needs, &|d, p| base.sc.is_open(d, p)) {
                if before[b].contains(&a) {
                    continue;
                }
                // a derived rule that would close a cycle (b already before a) is dropped, and said so
                let mut stack = vec![a];
                let mut seen = vec![false; n];
                let mut cycle = false;
                while let Some(x) = stack.pop() {
                    if x == b {
                        cycle = true;
                        break;
                    }
                    for &y in &before[x] {
                        if !std::mem::replace(&mut seen[y], true) {
                            stack.push(y);
                        }
                    }
                }
                if cycle {
                    notes.push(format!("not derived: {} before {} ({why}), which would form a cycle", net.seeds.project_name(&file.projects[a]), net.seeds.project_name(&file.projects[b])));
                } else {
                    before[b].insert(a);
                    notes.push(format!("{} before {} ({why})", net.seeds.project_name(&file.projects[a]), net.seeds.project_name(&file.projects[b])));
                }
            }
        }
        // topological order, ties by listed position; a cycle is an error naming its projects
        let mut order = Vec::new();
        let mut done = vec![false; n];
        while order.len() < n {
            match (0..n).find(|&i| !done[i] && before[i].iter().all(|&p| done[p])) {
                Some(i) => {
                    done[i] = true;
                    order.push(i);
                }
                None => {
                    let left: Vec<&str> = (0..n).filter(|&i| !done[i]).map(|i| file.projects[i].as_str()).collect();
                    return Err(cfg(&path, "precedence.rules", format!("the precedence rules form a cycle among: {}; remove a rule (or set precedence.derive = false)", left.join(", "))));
                }
            }
        }
        let mut internal = vec![0usize; n];
        for (k, &i) in order.iter().enumerate() {
            internal[i] = k;
        }
        let preds: Vec<Set> = order.iter().map(|&i| before[i].iter().fold(0u64, |m, &p| m | 1 << internal[p])).collect();
        let ids: Vec<String> = order.iter().map(|&i| file.projects[i].clone()).collect();
        let names = ids.iter().map(|id| net.seeds.projects.iter().find(|p| &p.id == id).map(|p| p.name_zh.clone()).unwrap_or_default()).collect();
        let opened = order.iter().map(|&i| first_open[i]).collect();
        let xlen = ids
            .iter()
            .map(|id| match file.axis {
                Axis::Step => 1.0,
                Axis::Years => file.durations[id],
                Axis::Cost => file.costs[id],
            })
            .collect();
        // the "all" state: the base with every listed project added
        let mut all_sc = base.sc.clone();
        all_sc.added.extend(file.projects.iter().cloned());
        let all = Bound { sc: all_sc, net, origin: base.origin, origin_stations: base.origin_stations.clone(), params: base.params.clone(), services: base.services.clone() };
        let bit = |p: Option<&str>, d: Option<Date>| needs(p, d).map(|i| internal[i]);
        let mut engine = Engine::new(&all, &bit, n, file.measure);
        engine.bound = file.metric.bound().0;
        let mut study = Study { engine, listed: order, ids, names, opened, preds, precedence_notes: notes, xlen, orders: Vec::new(), n, file };
        study.orders = study.named_orders()?;
        study.check_limits()?;
        Ok(study)
    }

    /// The memory the analysis needs, estimated before any work: the lattice and the dynamic programme's tables
    /// (2^n states), the sampled Shapley contributions, the beam's states. An error names the setting to change.
    pub fn check_limits(&self) -> Result<()> {
        let n = self.n as f64;
        let f = &self.file;
        let dists = 4.0 * self.engine.full(0).0.len() as f64;
        let threads = rayon::current_num_threads() as f64;
        let exact = self.n <= f.exact_max;
        let complete = exact && self.n <= f.shapley_exact_max;
        if exact {
            // value table (atomic, then plain), best/worst values and choices; the depth-first search's states
            let states = 2f64.powi(self.n as i32);
            let bytes = states * (8.0 + 8.0 + 16.0 + 2.0) + threads * n * dists;
            crate::table::check_memory(bytes, &format!("{}: the exact search over 2^{} build states", f.path.display(), self.n), "lower search.exact_max so that the heuristic search is used")?;
        } else {
            let bytes = f.beam_width as f64 * n * (dists + 8.0 * n) * 2.0;
            crate::table::check_memory(bytes, &format!("{}: the beam search of width {} over {} projects", f.path.display(), f.beam_width, self.n), "lower search.beam_width")?;
        }
        if !complete {
            let bytes = f.shapley_samples as f64 * (n * 8.0 + 24.0) + threads * dists;
            crate::table::check_memory(
                bytes,
                &format!("{}: {} sampled Shapley permutations of {} projects", f.path.display(), f.shapley_samples, self.n),
                "lower search.shapley_samples",
            )?;
        }
        Ok(())
    }

    fn named_orders(&self) -> Result<Vec<NamedOrder>> {
        let path = &self.file.path;
        let mut out = Vec::new();
        let by_id: BTreeMap<&str, usize> = self.ids.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
        let listed: Vec<usize> = {
            let mut v: Vec<usize> = (0..self.n).collect();
            v.sort_by_key(|&i| self.listed[i]);
            v
        };
        for (name, v) in &self.file.raw_orders {
            let field = format!("orders.{name}");
            if matches!(name.as_str(), "best" | "worst" | "greedy-best" | "greedy-worst" | "beam-best" | "beam-worst") {
                return Err(cfg(path, &field, "this name is reserved for the computed orders; choose another"));
            }
            let (order, note) = match v {
                toml::Value::String(s) if s == "listed" => (listed.clone(), "the order of `projects`".to_string()),
                toml::Value::String(s) if s == "opened" => {
                    let mut v = listed.clone();
                    // stable: undated projects keep the listed order, after the dated ones
                    v.sort_by_key(|&i| (self.opened[i].is_none(), self.opened[i]));
                    let never: Vec<&str> = v.iter().filter(|&&i| self.opened[i].is_none()).map(|&i| self.ids[i].as_str()).collect();
                    let note = if never.is_empty() {
                        "by earliest opening date".to_string()
                    } else {
                        format!("by earliest opening date; not opened (last, in listed order): {}", never.join(" "))
                    };
                    (v, note)
                }
                toml::Value::String(s) => return Err(cfg(path, &field, format!("'{s}' is not an order; give a list of project ids, \"listed\" or \"opened\""))),
                toml::Value::Array(a) => {
                    let mut v = Vec::new();
                    for x in a {
                        let id = x.as_str().ok_or_else(|| cfg(path, &field, "must be a list of project ids (strings)"))?;
                        let i = *by_id.get(id).ok_or_else(|| cfg(path, &field, format!("'{id}' is not one of the ordered projects (field `projects`)")))?;
                        if v.contains(&i) {
                            return Err(cfg(path, &field, format!("'{id}' appears twice")));
                        }
                        v.push(i);
                    }
                    if v.len() != self.n {
                        let missing: Vec<&str> = (0..self.n).filter(|i| !v.contains(i)).map(|i| self.ids[i].as_str()).collect();
                        return Err(cfg(path, &field, format!("misses {}; an order lists every ordered project once", missing.join(", "))));
                    }
                    (v, "given in the file".to_string())
                }
                _ => return Err(cfg(path, &field, "must be a list of project ids, \"listed\" or \"opened\"")),
            };
            let mut note = note;
            if let Some(bad) = self.violation(&order) {
                note.push_str(&format!("; breaks precedence: {bad}"));
            }
            out.push(NamedOrder { name: name.clone(), order, note });
        }
        Ok(out)
    }

    /// The first precedence an order breaks, as text.
    pub fn violation(&self, order: &[usize]) -> Option<String> {
        let mut s: Set = 0;
        for &j in order {
            if self.preds[j] & s != self.preds[j] {
                let missing: Vec<&str> = (0..self.n).filter(|&p| self.preds[j] >> p & 1 == 1 && s >> p & 1 == 0).map(|p| self.ids[p].as_str()).collect();
                return Some(format!("{} before {}", self.ids[j], missing.join(" ")));
            }
            s |= 1 << j;
        }
        None
    }

    pub fn all(&self) -> Set {
        if self.n == 64 {
            u64::MAX
        } else {
            (1u64 << self.n) - 1
        }
    }

    /// The metric of a set of times.
    pub fn value(&self, d: &Dists) -> f64 {
        let e = &self.engine;
        match &self.file.metric {
            Metric::Population { cutoff } => {
                let lim = cutoff.seconds().0;
                e.places.iter().filter(|p| !p.outside && e.time_at(d, p.node, &p.stations) <= lim).map(|p| p.population).sum::<u64>() as f64
            }
            Metric::Cities { cutoff } => {
                let lim = cutoff.seconds().0;
                e.cities.iter().filter(|c| e.time_at(d, c.seat, &c.stations) <= lim).count() as f64
            }
            Metric::MeanTime { cap } => {
                let cap = cap.seconds().0;
                let (mut num, mut den) = (0u128, 0u128);
                for p in e.places.iter().filter(|p| !p.outside) {
                    num += p.population as u128 * e.time_at(d, p.node, &p.stations).min(cap) as u128;
                    den += p.population as u128;
                }
                if den == 0 {
                    0.0
                } else {
                    num as f64 / den as f64 / 60.0
                }
            }
            Metric::Rings { cutoffs, weights } => {
                let lims: Vec<u32> = cutoffs.iter().map(|c| c.seconds().0).collect();
                let mut sum = 0.0;
                for p in e.places.iter().filter(|p| !p.outside) {
                    let t = e.time_at(d, p.node, &p.stations);
                    if let Some(k) = lims.iter().position(|&l| t <= l) {
                        sum += p.population as f64 * weights[k];
                    }
                }
                sum
            }
        }
    }

    /// The metric of a state, from scratch.
    pub fn value_full(&self, s: Set) -> f64 {
        self.value(&self.engine.full(s))
    }

    /// Improvement over the empty state (positive is better, whatever the metric's direction).
    pub fn gain(&self, f: f64, f0: f64) -> f64 {
        if self.file.metric.higher_is_better() {
            f - f0
        } else {
            f0 - f
        }
    }

    /// ∫ from a to a + len of (1 + r)^(−x) dx.
    pub fn weight(&self, a: f64, len: f64) -> f64 {
        let r = self.file.discount;
        if r == 0.0 {
            len
        } else {
            let l = (1.0 + r).ln();
            ((-a * l).exp() - (-(a + len) * l).exp()) / l
        }
    }

    /// x at the end of a set (Σ of its projects' x lengths, summed in index order so it is the same for every
    /// path to the set).
    pub fn x_of(&self, s: Set) -> f64 {
        (0..self.n).filter(|&j| s >> j & 1 == 1).map(|j| self.xlen[j]).sum()
    }

    /// Metric after each step, gains and cumulative benefit of an order, with `f` the metric of a set.
    pub fn trajectory(&self, order: &[usize], f: &dyn Fn(Set) -> f64) -> Trajectory {
        let f0 = f(0);
        let mut s: Set = 0;
        let mut values = vec![f0];
        let mut xs = vec![0.0];
        let mut cum = vec![0.0];
        let mut acc = 0.0;
        for (k, &j) in order.iter().enumerate() {
            s |= 1 << j;
            let v = f(s);
            let x = self.x_of(s);
            values.push(v);
            xs.push(x);
            // area up to x_k: the previous state held on [x_{k-1}, x_k)
            if k >= 1 {
                let prev_x = xs[k];
                acc += self.gain(values[k], f0) * self.weight(prev_x, self.xlen[j]);
            }
            cum.push(acc);
        }
        Trajectory { order: order.to_vec(), values, xs, cumulative: cum }
    }
}

/// What an order does, step by step (index 0 is the base, before any project).
#[derive(Clone, Debug)]
pub struct Trajectory {
    pub order: Vec<usize>,
    pub values: Vec<f64>,
    pub xs: Vec<f64>,
    /// Area under the gain curve up to each step's x.
    pub cumulative: Vec<f64>,
}

impl Trajectory {
    pub fn benefit(&self) -> f64 {
        *self.cumulative.last().unwrap_or(&0.0)
    }
}

/// Derived precedence (listed indices): on one line, where the sections of two ordered projects meet at a
/// station that no section open in the base serves, the later sections (by `seq`) extend the earlier ones; and a
/// station built by an ordered project, on lines that the base leaves closed and that one ordered project builds,
/// opens after that project.
fn derive_precedence(
    net: &Network,
    needs: &dyn Fn(Option<&str>, Option<Date>) -> Option<usize>,
    open_in_base: &dyn Fn(Option<Date>, Option<&str>) -> bool,
) -> Vec<(usize, usize, String)> {
    let mut served_in_base = vec![false; net.stations.len()];
    // per (line, station): (seq, ordered project) of the sections that end there
    let mut at: BTreeMap<(usize, usize), Vec<(u64, usize)>> = BTreeMap::new();
    for s in &net.sections {
        if open_in_base(s.opened, s.project.as_deref()) {
            served_in_base[s.from.i()] = true;
            served_in_base[s.to.i()] = true;
        }
        if let Some(p) = needs(s.project.as_deref(), s.opened) {
            at.entry((s.line.i(), s.from.i())).or_default().push((s.seq, p));
            at.entry((s.line.i(), s.to.i())).or_default().push((s.seq, p));
        }
    }
    let mut out = Vec::new();
    for ((line, st), list) in &at {
        if served_in_base[*st] {
            continue;
        }
        let first = *list.iter().min().expect("entries are pushed in pairs");
        for &(seq, p) in list {
            if p != first.1 && seq > first.0 {
                out.push((first.1, p, format!("extends it at {} on line {}", net.stations[*st].name, net.lines[*line].id)));
            }
        }
    }
    for (idx, s) in net.stations.iter().enumerate() {
        if let Some(sp) = needs(s.project.as_deref(), s.opened) {
            if served_in_base[idx] {
                continue;
            }
            // only when one ordered project builds every line through the station (with several, any one of
            // them serves it: no single one must come first)
            let lines: BTreeSet<(usize, usize)> = net
                .sections
                .iter()
                .filter(|x| x.from.i() == idx || x.to.i() == idx)
                .filter_map(|x| needs(x.project.as_deref(), x.opened).map(|p| (p, x.line.i())))
                .collect();
            let projects: BTreeSet<usize> = lines.iter().map(|l| l.0).collect();
            if projects.len() == 1 {
                let (lp, line) = *lines.iter().next().expect("one project");
                if lp != sp {
                    out.push((lp, sp, format!("station {} is on its line {}", s.name, net.lines[line].id)));
                }
            }
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    out
}

/// The metric of every evaluated state, indexed by set.
pub struct Lattice {
    pub values: Vec<f64>,
    /// All subsets were evaluated (not only those that respect precedence).
    pub complete: bool,
    pub evaluated: u64,
}

impl Lattice {
    pub fn get(&self, s: Set) -> Option<f64> {
        let v = self.values[s as usize];
        (!v.is_nan()).then_some(v)
    }
}

/// How many more projects a subtree must still be able to add for it to be split across threads.
const PAR_MIN_REMAINING: usize = 8;

/// Evaluates every set that respects `preds` (every set when `preds` are all empty) by depth-first search,
/// adding projects in increasing index, incrementally from the parent state; in parallel over subtrees.
pub fn enumerate(st: &Study, preds: &[Set], progress: &AtomicU64) -> Lattice {
    let n = st.n;
    let table: Vec<AtomicU64> = (0..1usize << n).map(|_| AtomicU64::new(NOT_EVALUATED)).collect();
    let root = st.engine.full(0);
    fn dfs(st: &Study, preds: &[Set], table: &[AtomicU64], s: Set, d: Dists, from: usize, progress: &AtomicU64) {
        table[s as usize].store(st.value(&d).to_bits(), Ordering::Relaxed);
        progress.fetch_add(1, Ordering::Relaxed);
        let n = st.n;
        let children: Vec<usize> = (from..n).filter(|&j| preds[j] & s == preds[j]).collect();
        let go = |j: usize, d: &Dists| {
            let mut c = d.clone();
            st.engine.extend(&mut c, s, j);
            dfs(st, preds, table, s | 1 << j, c, j + 1, progress);
        };
        if n - from >= PAR_MIN_REMAINING {
            children.par_iter().for_each(|&j| go(j, &d));
        } else {
            for &j in &children {
                go(j, &d);
            }
        }
    }
    dfs(st, preds, &table, 0, root, 0, progress);
    let values: Vec<f64> = table.into_iter().map(|a| a.into_inner()).map(|b| if b == NOT_EVALUATED { f64::NAN } else { f64::from_bits(b) }).collect();
    let evaluated = values.iter().filter(|v| !v.is_nan()).count() as u64;
    Lattice { values, complete: preds.iter().all(|&p| p == 0), evaluated }
}

/// Counts the sets that respect `preds` (for the progress bar).
pub fn count_states(preds: &[Set]) -> u64 {
    fn go(preds: &[Set], s: Set, from: usize) -> u64 {
        1 + (from..preds.len()).filter(|&j| preds[j] & s == preds[j]).map(|j| go(preds, s | 1 << j, j + 1)).sum::<u64>()
    }
    go(preds, 0, 0)
}

/// The best and worst orders by dynamic programming over the lattice: `V(S)` is the best benefit still to come
/// from state `S`, `V(all) = 0`, `V(S) = max over allowed j of g(S)·w(x(S), x_j) + V(S ∪ {j})`.
pub fn dp(st: &Study, lat: &Lattice) -> (Vec<usize>, Vec<usize>) {
    let n = st.n;
    let size = 1usize << n;
    let f0 = lat.values[0];
    let mut best = vec![f64::NAN; size];
    let mut worst = vec![f64::NAN; size];
    let mut bchoice = vec![u8::MAX; size];
    let mut wchoice = vec![u8::MAX; size];
    let all = st.all() as usize;
    best[all] = 0.0;
    worst[all] = 0.0;
    let allowed = |s: usize, j: usize| s >> j & 1 == 0 && st.preds[j] & s as u64 == st.preds[j];
    for s in (0..all).rev() {
        let v = lat.values[s];
        if v.is_nan() {
            continue;
        }
        if st.preds.iter().enumerate().any(|(j, &p)| s >> j & 1 == 1 && p & s as u64 != p) {
            continue; // not a state that respects precedence
        }
        let g = if s == 0 { 0.0 } else { st.gain(v, f0) };
        let x = st.x_of(s as u64);
        let (mut b, mut w) = (f64::NEG_INFINITY, f64::INFINITY);
        for j in 0..n {
            if !allowed(s, j) {
                continue;
            }
            let t = s | 1 << j;
            let here = g * st.weight(x, st.xlen[j]);
            if !best[t].is_nan() && here + best[t] > b {
                b = here + best[t];
                bchoice[s] = j as u8;
            }
            if !worst[t].is_nan() && here + worst[t] < w {
                w = here + worst[t];
                wchoice[s] = j as u8;
            }
        }
        if b.is_finite() {
            best[s] = b;
            worst[s] = w;
        }
    }
    let walk = |choice: &[u8]| {
        let mut s = 0usize;
        let mut out = Vec::new();
        while s != all {
            // every state that respects precedence has a successor unless a value was not finite (ruled out by
            // the schema's ranges); stop rather than index out of range
            let j = choice[s] as usize;
            if j >= n {
                break;
            }
            out.push(j);
            s |= 1 << j;
        }
        out
    };
    (walk(&bchoice), walk(&wchoice))
}

/// Greedy and beam search for the best (`sign = 1`) or worst (`sign = −1`) order; heuristic.
pub fn beam(st: &Study, width: usize, sign: f64) -> Vec<usize> {
    struct Node {
        s: Set,
        d: Dists,
        acc: f64,
        order: Vec<usize>,
        score: f64,
    }
    let f0 = st.value_full(0);
    let total_x = st.x_of(st.all());
    let mut beam = vec![Node { s: 0, d: st.engine.full(0), acc: 0.0, order: Vec::new(), score: 0.0 }];
    for _ in 0..st.n {
        let cands: Vec<Node> = beam
            .par_iter()
            .flat_map_iter(|b| {
                let x = st.x_of(b.s);
                let g = if b.s == 0 { 0.0 } else { st.gain(st.value(&b.d), f0) };
                (0..st.n)
                    .filter(|&j| b.s >> j & 1 == 0 && st.preds[j] & b.s == st.preds[j])
                    .map(|j| {
                        let mut d = b.d.clone();
                        st.engine.extend(&mut d, b.s, j);
                        let s = b.s | 1 << j;
                        let acc = b.acc + g * st.weight(x, st.xlen[j]);
                        let nx = x + st.xlen[j];
                        // the benefit so far plus the new state's gain held to the end (a bound when gains only grow)
                        let score = acc + st.gain(st.value(&d), f0) * st.weight(nx, (total_x - nx).max(0.0));
                        let mut order = b.order.clone();
                        order.push(j);
                        Node { s, d, acc, order, score }
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut cands = cands;
        cands.sort_by(|a, b| (sign * b.score).partial_cmp(&(sign * a.score)).unwrap_or(std::cmp::Ordering::Equal).then(a.order.cmp(&b.order)));
        let mut seen = BTreeSet::new();
        beam = cands.into_iter().filter(|c| seen.insert(c.s)).take(width).collect();
    }
    beam.into_iter().next().map(|b| b.order).unwrap_or_default()
}

/// Per project: gain first, gain last, leave-one-out loss and Shapley value.
#[derive(Clone, Debug)]
pub struct ProjectStats {
    pub gain_first: f64,
    /// `None` when another project must open after this one.
    pub gain_last: Option<f64>,
    pub leave_one_out: f64,
    pub shapley: f64,
}

/// Exact Shapley values from a complete lattice, or sampled over `samples` random permutations (seeded).
pub fn project_stats(st: &Study, lat: Option<&Lattice>, samples: usize, seed: u64) -> (Vec<ProjectStats>, &'static str) {
    let n = st.n;
    let all = st.all();
    let f = |s: Set| -> f64 { lat.and_then(|l| l.get(s)).unwrap_or_else(|| st.value_full(s)) };
    let f0 = f(0);
    let g = |s: Set| st.gain(f(s), f0);
    let gall = g(all);
    // descendants: closure of "must open after"
    let mut desc = vec![0u64; n];
    for j in (0..n).rev() {
        for k in 0..n {
            if st.preds[k] >> j & 1 == 1 {
                desc[j] |= 1 << k | desc[k];
            }
        }
    }
    let (shapley, method): (Vec<f64>, &'static str) = match lat {
        Some(l) if l.complete => {
            let mut fact = vec![1.0f64; n + 1];
            for i in 1..=n {
                fact[i] = fact[i - 1] * i as f64;
            }
            let w: Vec<f64> = (0..n).map(|s| fact[s] * fact[n - s - 1] / fact[n]).collect();
            let phi = (0..n)
                .into_par_iter()
                .map(|j| {
                    let mut sum = 0.0;
                    for s in 0..(1u64 << n) {
                        if s >> j & 1 == 0 {
                            sum += w[s.count_ones() as usize] * (l.values[(s | 1 << j) as usize] - l.values[s as usize]);
                        }
                    }
                    if st.file.metric.higher_is_better() {
                        sum
                    } else {
                        -sum
                    }
                })
                .collect();
            (phi, "exact")
        }
        _ => {
            let contrib: Vec<Vec<f64>> = (0..samples)
                .into_par_iter()
                .map(|k| {
                    let mut rng = SplitMix(seed ^ (k as u64).wrapping_mul(0x9E3779B97F4A7C15));
                    let mut perm: Vec<usize> = (0..n).collect();
                    for i in (1..n).rev() {
                        perm.swap(i, (rng.next() % (i as u64 + 1)) as usize);
                    }
                    let mut d = st.engine.full(0);
                    let mut s = 0u64;
                    let mut prev = st.value(&d);
                    let mut c = vec![0.0; n];
                    for &j in &perm {
                        st.engine.extend(&mut d, s, j);
                        s |= 1 << j;
                        let v = st.value(&d);
                        c[j] = st.gain(v, prev);
                        prev = v;
                    }
                    c
                })
                .collect();
            let mut phi = vec![0.0; n];
            for c in &contrib {
                for j in 0..n {
                    phi[j] += c[j];
                }
            }
            (phi.into_iter().map(|x| x / samples as f64).collect(), "sampled")
        }
    };
    let stats = (0..n)
        .map(|j| ProjectStats {
            gain_first: g(1 << j),
            gain_last: (desc[j] == 0).then(|| gall - g(all & !(1 << j))),
            leave_one_out: gall - g(all & !(1 << j | desc[j])),
            shapley: shapley[j],
        })
        .collect();
    (stats, method)
}

/// SplitMix64 (Steele, Lea & Flood 2014), the seeded generator of the Shapley samples.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
}

/// Everything `ringsim order` computes.
pub struct Analysis {
    pub lattice: Option<Lattice>,
    /// (name, kind, trajectory, note); kind is "named", "exact" or "heuristic".
    pub orders: Vec<(String, &'static str, Trajectory, String)>,
    pub stats: Vec<ProjectStats>,
    pub shapley_method: &'static str,
}

/// Runs the whole analysis, with a progress bar on stderr for long searches when it is a terminal.
pub fn analyse(st: &Study) -> Analysis {
    let n = st.n;
    let exact = n <= st.file.exact_max;
    let lattice = if exact {
        let complete = n <= st.file.shapley_exact_max;
        let preds: Vec<Set> = if complete { vec![0; n] } else { st.preds.clone() };
        let total = if complete { 1u64 << n } else { count_states(&preds) };
        Some(with_progress(total, "build states", |p| enumerate(st, &preds, p)))
    } else {
        None
    };
    let f = |s: Set| -> f64 { lattice.as_ref().and_then(|l| l.get(s)).unwrap_or_else(|| st.value_full(s)) };
    let mut orders = Vec::new();
    for o in &st.orders {
        orders.push((o.name.clone(), "named", st.trajectory(&o.order, &f), o.note.clone()));
    }
    match &lattice {
        Some(l) => {
            let (b, w) = dp(st, l);
            orders.push(("best".into(), "exact", st.trajectory(&b, &f), "exact: dynamic programme over every build state that respects precedence".into()));
            orders.push(("worst".into(), "exact", st.trajectory(&w, &f), "exact: dynamic programme over every build state that respects precedence".into()));
        }
        None => {
            let w = st.file.beam_width;
            for (name, sign, width) in [("greedy-best", 1.0, 1), ("beam-best", 1.0, w), ("greedy-worst", -1.0, 1), ("beam-worst", -1.0, w)] {
                let o = beam(st, width, sign);
                orders.push((name.into(), "heuristic", st.trajectory(&o, &f), format!("HEURISTIC ({} projects > search.exact_max = {}): beam width {width}", n, st.file.exact_max)));
            }
        }
    }
    let (stats, shapley_method) = project_stats(st, lattice.as_ref(), st.file.shapley_samples, st.file.seed);
    Analysis { lattice, orders, stats, shapley_method }
}

/// Runs `work` with a progress bar on stderr (only when stderr is a terminal and the job is long).
pub fn with_progress<T>(total: u64, what: &str, work: impl FnOnce(&AtomicU64) -> T + Send) -> T
where
    T: Send,
{
    let counter = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let show = std::io::stderr().is_terminal() && total >= 20_000;
    std::thread::scope(|scope| {
        if show {
            scope.spawn(|| {
                let start = std::time::Instant::now();
                while !done.load(Ordering::Relaxed) {
                    let c = counter.load(Ordering::Relaxed).min(total);
                    let w = 40 * c as usize / total.max(1) as usize;
                    crate::note_part!("\r[{}{}] {c}/{total} {what} ({:.0} s)", "#".repeat(w), " ".repeat(40 - w), start.elapsed().as_secs_f64());
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                crate::note!("\r[{}] {total}/{total} {what} ({:.1} s)", "#".repeat(40), start.elapsed().as_secs_f64());
            });
        }
        let out = work(&counter);
        done.store(true, Ordering::Relaxed);
        out
    })
}

/// `s` padded with spaces to `w` columns, a CJK character counting as two.
fn pad(s: &str, w: usize) -> String {
    let cols: usize = s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(w.saturating_sub(cols)))
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        // four decimals (exact Shapley values are sixths and the like); a sum that lands a rounding error away from
        // a whole number prints as that number, like the whole numbers beside it
        let s = format!("{v:.4}");
        match s.strip_suffix(".0000") {
            Some("-0") => "0".to_string(),
            Some(whole) => whole.to_string(),
            None => s,
        }
    }
}

/// `ringsim order FILE --out DIR`: orders.csv, projects.csv, order_chart.png/.svg and a summary.
pub fn run(path: &Path, out: &Path) -> Result<String> {
    let (st, net) = Study::load(path).map_err(|e| e.for_arg("the orders file", path))?;
    // what the study read besides the orders file, so that the folder it replaces holds neither
    crate::outputs::input("the orders file's base scenario", &st.file.base);
    net.register_input("the base scenario");
    let final_dir = out.join(&st.file.name);
    crate::outputs::check_folder("--out", &final_dir)?;
    let a = analyse(&st);
    // every output goes to a hidden staging folder, renamed to OUT/<name> at the end: complete or absent
    let staged = crate::table::Staged::new("--out", &final_dir)?;
    let dir = staged.tmp.clone();
    let metric_desc = st.file.metric.describe(st.file.measure);
    // orders.csv
    let mut w = CsvOut::new(&["order", "kind", "step", "project_id", "name", "opened", "x", "metric", "gain", "cumulative"]);
    for (name, kind, t, _) in &a.orders {
        for k in 0..t.values.len() {
            let (id, nm, op) = if k == 0 {
                (String::new(), "(base)".to_string(), String::new())
            } else {
                let j = t.order[k - 1];
                (st.ids[j].clone(), st.names[j].clone(), st.opened[j].map(|d| d.to_string()).unwrap_or_default())
            };
            let gain = st.gain(t.values[k], t.values[0]);
            w.row([name.clone(), kind.to_string(), k.to_string(), id, nm, op, num(t.xs[k]), num(t.values[k]), num(gain), num(t.cumulative[k])]);
        }
    }
    write_atomic(&dir.join("orders.csv"), &w.into_bytes())?;
    // projects.csv, in listed order
    let mut listed: Vec<usize> = (0..st.n).collect();
    listed.sort_by_key(|&j| st.listed[j]);
    let mut w = CsvOut::new(&["project_id", "name", "after", "opened", "x_length", "gain_first", "gain_last", "leave_one_out", "shapley", "shapley_method"]);
    for &j in &listed {
        let after: Vec<&str> = (0..st.n).filter(|&p| st.preds[j] >> p & 1 == 1).map(|p| st.ids[p].as_str()).collect();
        let s = &a.stats[j];
        w.row([
            st.ids[j].clone(),
            st.names[j].clone(),
            after.join(" "),
            st.opened[j].map(|d| d.to_string()).unwrap_or_default(),
            num(st.xlen[j]),
            num(s.gain_first),
            s.gain_last.map(num).unwrap_or_default(),
            num(s.leave_one_out),
            num(s.shapley),
            a.shapley_method.to_string(),
        ]);
    }
    write_atomic(&dir.join("projects.csv"), &w.into_bytes())?;
    // chart
    let (div, unit) = st.file.metric.scale();
    let x_label = match st.file.axis {
        Axis::Step => "projects completed".to_string(),
        Axis::Years => "years of construction (sequential)".to_string(),
        Axis::Cost => "cumulative cost".to_string(),
    };
    let mut chart = Chart::new(format!("建设顺序 Completion orders ({}): {}", st.file.name, metric_desc), x_label, unit);
    chart.integer_x = st.file.axis == Axis::Step;
    chart.footnote = format!("Each step is a project completed (value after it opens, a step, not a slope); names along the best order. Base: {}", st.file.base.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default());
    let mut colour = 1;
    for (name, kind, t, _) in &a.orders {
        let pts: Vec<(f64, f64)> = t.xs.iter().zip(&t.values).map(|(x, v)| (*x, v / div)).collect();
        if chart.annotations.is_empty() && (name == "best" || name == "beam-best") {
            chart.annotations = t.order.iter().enumerate().map(|(k, &j)| (t.xs[k + 1], t.values[k + 1] / div, st.names[j].clone())).collect();
        }
        let mut s = Series::line(name.clone(), pts, PALETTE[0]);
        s.step = true;
        if *kind == "named" {
            s.colour = PALETTE[colour % PALETTE.len()];
            colour += 1;
        } else {
            // the envelope: best and worst (dashed when heuristic)
            s.colour = if name.contains("best") { PALETTE[3] } else { PALETTE[6] };
            s.dashed = *kind == "heuristic";
        }
        chart.series.push(s);
    }
    let vmax = a.orders.iter().flat_map(|o| o.2.values.iter()).fold(0.0f64, |m, v| m.max(*v)) / div;
    chart.y_range = Some((0.0, if vmax > 0.0 { vmax * 1.08 } else { 1.0 }));
    render(&chart, &dir.join("order_chart.png"))?;
    render(&chart, &dir.join("order_chart.svg"))?;
    // The real trajectory on a calendar axis: the metric as the projects' elements actually opened (projects that
    // have not opened are left out). Only when some project has an opening date.
    let mut dated: Vec<usize> = (0..st.n).filter(|&j| st.opened[j].is_some()).collect();
    dated.sort_by_key(|&j| (st.opened[j], j));
    let wrote_dates = !dated.is_empty();
    if wrote_dates {
        let mut s: Set = 0;
        let mut v = st.value_full(s) / div;
        // from the base scenario's date (one day after it: the base network as it stood)
        let base_year = Scenario::read(&st.file.base).map(|sc| sc.as_of.fractional_year()).unwrap_or_else(|_| st.opened[dated[0]].unwrap().fractional_year() - 0.5);
        let mut pts = vec![(base_year.min(st.opened[dated[0]].unwrap().fractional_year()), v)];
        let mut notes: Vec<(f64, f64, String)> = Vec::new();
        for &j in &dated {
            let x = st.opened[j].unwrap().fractional_year();
            pts.push((x, v));
            s |= 1 << j;
            v = st.value_full(s) / div;
            pts.push((x, v));
            match notes.last_mut() {
                // projects opened the same day share one label
                Some(last) if last.0 == x => {
                    last.1 = v;
                    last.2.push_str(&format!("、{}", st.names[j]));
                }
                _ => notes.push((x, v, st.names[j].clone())),
            }
        }
        let mut c = Chart::new(
            format!("{}: {} as the projects actually opened ({} of {})", st.file.name, metric_desc, dated.len(), st.n),
            "opening date (tick = 1 January)",
            unit,
        );
        c.integer_x = true;
        c.annotations = notes;
        let vmax = pts.iter().fold(0.0f64, |m, p| m.max(p.1));
        c.y_range = Some((0.0, if vmax > 0.0 { vmax * 1.08 } else { 1.0 }));
        c.footnote = format!("Starts at the base scenario's date ({}); each step is a project's opening.", st.file.base.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default());
        let mut line = Series::line("actual", pts, PALETTE[1]);
        line.marker = false;
        c.series.push(line);
        render(&c, &dir.join("actual_by_date.png"))?;
        render(&c, &dir.join("actual_by_date.svg"))?;
    }
    // summary
    let mut t = format!("== {} ({} projects; metric: {}) ==\n", st.file.name, st.n, metric_desc);
    let f0 = a.orders.first().map(|o| o.2.values[0]).unwrap_or(0.0);
    let fall = a.orders.first().map(|o| *o.2.values.last().unwrap()).unwrap_or(0.0);
    t.push_str(&format!("  base {}  →  all projects {}\n", num(f0), num(fall)));
    t.push_str(&format!(
        "  cumulative benefit = area under the gain curve over x ({}; discount {} per unit)\n",
        st.file.axis.as_str(),
        st.file.discount
    ));
    match &a.lattice {
        Some(l) => t.push_str(&format!("  exact search: {} build states evaluated{}\n", l.evaluated, if l.complete { " (every subset)" } else { " (those that respect precedence)" })),
        None => t.push_str(&format!("  HEURISTIC search: {} projects exceed search.exact_max = {}; best/worst are greedy and beam search\n", st.n, st.file.exact_max)),
    }
    let lo = a.orders.iter().find(|o| o.0 == "worst" || o.0 == "beam-worst").map(|o| o.2.benefit());
    let hi = a.orders.iter().find(|o| o.0 == "best" || o.0 == "beam-best").map(|o| o.2.benefit());
    for (name, kind, tr, note) in &a.orders {
        let rel = match (lo, hi) {
            (Some(lo), Some(hi)) if hi > lo => format!(" ({:.0}% of the way from worst to best)", 100.0 * (tr.benefit() - lo) / (hi - lo)),
            _ => String::new(),
        };
        t.push_str(&format!("  {name} [{kind}]: benefit {}{rel}\n    {}\n", num(tr.benefit()), tr.order.iter().map(|&j| st.names[j].as_str()).collect::<Vec<_>>().join(" → ")));
        if !note.is_empty() {
            t.push_str(&format!("    ({note})\n"));
        }
    }
    if fall == f0 {
        t.push_str(&format!("  NOTE: the projects together change nothing ({} stays {}); every order is as good as any other, so the ranking below means nothing. Check the metric, its measure ({}) and the base scenario.\n", metric_desc, num(f0), st.file.measure.as_str()));
    } else if let (Some(lo), Some(hi)) = (lo, hi) {
        if hi == lo {
            t.push_str("  NOTE: best and worst orders have the same benefit: the order does not matter for this metric.\n");
        }
    }
    if !st.precedence_notes.is_empty() {
        t.push_str("  precedence:\n");
        for p in &st.precedence_notes {
            t.push_str(&format!("    {p}\n"));
        }
    }
    t.push_str(&format!("  per project ({} Shapley values; they add up to the total gain {}):\n", a.shapley_method, num(st.gain(fall, f0))));
    for &j in &listed {
        let s = &a.stats[j];
        t.push_str(&format!(
            "    {} first {:>12}  last {:>12}  leave-one-out {:>12}  Shapley {:>14}\n",
            pad(&format!("{} ({})", st.names[j], st.ids[j]), 60),
            num(s.gain_first),
            s.gain_last.map(num).unwrap_or_else(|| "-".into()),
            num(s.leave_one_out),
            num(s.shapley)
        ));
    }
    t.push_str(&format!(
        "  wrote {}/{{orders.csv, projects.csv, order_chart.png, order_chart.svg{}}}\n",
        final_dir.display(),
        if wrote_dates { ", actual_by_date.png, actual_by_date.svg" } else { "" }
    ));
    staged.commit()?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_print_whole_where_they_are_whole_to_four_decimals() {
        assert_eq!(num(1774605.0), "1774605");
        assert_eq!(num(1774605.0 + 2.0e-9), "1774605");
        assert_eq!(num(-1.0e-9), "0");
        assert_eq!(num(1558206.0 + 1.0 / 6.0), "1558206.1667");
        assert_eq!(num(759617.5), "759617.5000");
    }
}
