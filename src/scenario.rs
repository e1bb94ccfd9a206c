//! Stage 2 of the pipeline: a build-out scenario file (TOML) → a validated [`Scenario`].
//!
//! A scenario names a network, an origin city, cutoffs, the ring measure, a date `as_of` (everything opened by
//! that date is in), projects to add or remove, and parameter overrides. Paths inside the file are relative to the
//! file. Every field is checked; an error names the file and the field.

use crate::error::{Error, Result};
use crate::network::{CityIx, Network};
use crate::params::{merge, Params};
use crate::units::{Date, Minutes};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How a destination's time is measured for the rings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// From the origin city's best station to the destination's best station, by rail only (how official
    /// claims are stated). A place without a reachable station of its own: rail to the best station, then road.
    Station,
    /// From the origin city's seat to the destination's seat, door to door, by whatever is fastest.
    Door,
}

impl Measure {
    pub fn parse(s: &str) -> Option<Measure> {
        match s {
            "station" => Some(Measure::Station),
            "door" => Some(Measure::Door),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Station => "station",
            Measure::Door => "door",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    format: u32,
    name: String,
    #[serde(default)]
    description: String,
    network: String,
    origin: Option<String>,
    /// The stations the station measure starts from (ids or exact names); default: the origin city's stations.
    origin_stations: Option<Vec<String>>,
    as_of: String,
    cutoffs: Option<Vec<f64>>,
    measure: Option<String>,
    #[serde(default)]
    projects: RawProjects,
    params: Option<toml::Value>,
    /// Service modifications: remove, add, adjust (see [`crate::services::Modifications`]).
    services: Option<crate::services::Modifications>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProjects {
    #[serde(default)]
    add: Vec<String>,
    #[serde(default)]
    remove: Vec<String>,
    /// Add every project whose plan status wording is one of these (e.g. 建成).
    #[serde(default)]
    add_status: Vec<String>,
    /// Add every project whose plan horizon is one of these (`2020`, `2025`, `beyond`).
    #[serde(default)]
    add_horizon: Vec<String>,
}

/// Project keys listed under `field` (ids, or Chinese or English names) resolved to ids, each once: a project
/// listed twice (by the same key, or by its id and its name) is an error. A scenario's `projects.add` and
/// `projects.remove` and an orders file's `projects` are read by it.
pub fn resolve_projects(net: &Network, path: &Path, field: &str, keys: &[String]) -> Result<Vec<String>> {
    let mut ids: Vec<String> = Vec::new();
    for k in keys {
        let id = net.seeds.resolve_project(k).map(|p| p.id.clone()).map_err(|m| Error::config(path, field, m))?;
        if let Some(j) = ids.iter().position(|x| *x == id) {
            let how = if keys[j].trim() == k.trim() { String::new() } else { format!(" (as '{}' and as '{}')", keys[j].trim(), k.trim()) };
            return Err(Error::config(path, field, format!("project '{id}' is listed twice{how}; list it once")));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// Why opening a project changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpensNothing {
    /// The network has no rail section, station or road of the project (e.g. an airport upgrade of the seeds).
    NotModelled,
    /// Every element of it is already in use (`is_open` says so) without it.
    AlreadyOpen,
}

/// Whether adding project `id` to a network where `is_open(opened, project)` says what is in use would open
/// nothing, and why; `None` when it opens some element. A scenario's `projects.add` and an orders file's
/// `projects` (where `is_open` is the base scenario's) are checked by it.
pub fn opens_nothing(net: &Network, id: &str, is_open: impl Fn(Option<Date>, Option<&str>) -> bool) -> Option<OpensNothing> {
    let openings = net.project_openings(id);
    if openings.is_empty() {
        Some(OpensNothing::NotModelled)
    } else if openings.iter().all(|d| is_open(*d, Some(id))) {
        Some(OpensNothing::AlreadyOpen)
    } else {
        None
    }
}

/// The default cutoffs: the plan's 0.5 h, 1 h and 1.5 h circles around Zhengzhou (seed 001, 第二章第三节).
pub const DEFAULT_CUTOFFS: [f64; 3] = [30.0, 60.0, 90.0];

#[derive(Clone, Debug)]
pub struct Scenario {
    pub path: PathBuf,
    pub name: String,
    pub description: String,
    pub network_dir: PathBuf,
    pub origin_key: String,
    /// Station ids or names the station measure starts from; empty: every station of the origin city.
    pub origin_station_keys: Vec<String>,
    pub as_of: Date,
    pub cutoffs: Vec<Minutes>,
    pub measure: Measure,
    /// Projects in use although not opened by `as_of`.
    pub added: BTreeSet<String>,
    /// Projects taken out although opened by `as_of`.
    pub removed: BTreeSet<String>,
    raw_projects: (Vec<String>, Vec<String>, Vec<String>, Vec<String>),
    params_override: Option<toml::Value>,
    /// Service modifications of the scenario.
    pub services: Option<crate::services::Modifications>,
    /// The keys a command-line option set in place of the file's value (`origin` → `--origin '洛阳'`, `as_of` →
    /// `--as-of 2020-12-31`; [`crate::app::Overrides::apply`]): an error about such a value names the option.
    pub options: std::collections::BTreeMap<&'static str, String>,
}

/// A scenario bound to its loaded network: resolved origin, project set and parameters.
#[derive(Clone)]
pub struct Bound<'n> {
    pub sc: Scenario,
    pub net: &'n Network,
    pub origin: CityIx,
    /// The stations the station measure starts from: `origin_stations` if the scenario gives them (e.g. only
    /// 郑州东, as official claims are stated), else every station of the origin city. Closed ones are skipped.
    pub origin_stations: Vec<crate::network::StationIx>,
    pub params: Params,
    /// The scenario's train services: the network's, every line's defaults, and the scenario's modifications.
    pub services: Vec<crate::services::Service>,
}

impl Scenario {
    /// Reads and checks a scenario file (without loading its network).
    pub fn read(path: &Path) -> Result<Scenario> {
        let text = crate::table::read_text(path)?;
        Scenario::parse(path, &text)
    }

    /// [`Scenario::read`] on text already read (`path` names the file in messages and anchors relative paths).
    pub fn parse(path: &Path, text: &str) -> Result<Scenario> {
        let value = crate::tomlfile::parse(path, text, &crate::schema::SCENARIO_TOML)?;
        // an orders file given where a scenario goes would only get "unknown key `base`"
        if value.get("base").is_some() && value.get("network").is_none() {
            return Err(Error::Toml {
                path: path.to_path_buf(),
                message: "this is an orders file (it has `base`, not `network`); this command takes a scenario file such as scenarios/asbuilt-2025.toml (an orders file goes to `ringsim order`)".into(),
            });
        }
        crate::tomlfile::check(path, text, &value, &crate::schema::SCENARIO_TOML, "")?;
        if let Some(p) = value.get("params") {
            if !p.is_table() {
                return Err(Error::config(path, "params", "must be a table, e.g. [params.road.expressway] speed_kmh = 110"));
            }
            crate::tomlfile::check_present(path, text, p, &crate::schema::PARAMS_TOML, "params")?;
            if p.get("derive").is_some() {
                return Err(Error::config(
                    path,
                    "params.derive",
                    "the derivation's rules shape the network's files and take effect only when the network is derived again (tools/derive); a scenario cannot change them. Remove [params.derive], or change the network's params.toml and derive it again",
                ));
            }
        }
        let raw: RawScenario = value.try_into().map_err(|e| crate::tomlfile::serde_error(path, text, e))?;
        if raw.format != 1 {
            return Err(Error::config(path, "format", format!("unsupported format {}; this ringsim reads format 1", raw.format)));
        }
        let name = raw.name.trim().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c)) || name.starts_with('.') {
            return Err(Error::config(path, "name", format!("'{}' is not a usable name: use letters, digits, '-', '_' or '.' (it becomes a folder name)", raw.name)));
        }
        let as_of = Date::parse(&raw.as_of).map_err(|m| Error::config(path, "as_of", m))?;
        let cutoffs = raw.cutoffs.unwrap_or_else(|| DEFAULT_CUTOFFS.to_vec());
        if cutoffs.is_empty() {
            return Err(Error::config(path, "cutoffs", "is empty; give at least one cutoff in minutes, e.g. [30, 60, 90]"));
        }
        for (i, c) in cutoffs.iter().enumerate() {
            if !(*c > 0.0 && c.is_finite()) {
                return Err(Error::config(path, "cutoffs", format!("cutoff {c} must be a positive number of minutes")));
            }
            if i > 0 && *c <= cutoffs[i - 1] {
                return Err(Error::config(path, "cutoffs", format!("must increase strictly: {} comes after {}", c, cutoffs[i - 1])));
            }
        }
        let measure = match raw.measure.as_deref() {
            None => Measure::Station,
            Some(m) => Measure::parse(m).ok_or_else(|| Error::config(path, "measure", format!("'{m}' is not a measure; use \"station\" or \"door\"")))?,
        };
        let base = path.parent().unwrap_or(Path::new("."));
        let network_dir = base.join(&raw.network);
        if !network_dir.join("network.toml").is_file() {
            return Err(Error::config(
                path,
                "network",
                format!("'{}' is not a network folder ({} has no network.toml); give the folder's path relative to the scenario file, e.g. \"../networks/zhongyuan\"", raw.network, network_dir.display()),
            ));
        }
        let p = raw.projects;
        Ok(Scenario {
            path: path.to_path_buf(),
            name,
            description: raw.description,
            network_dir,
            origin_key: raw.origin.unwrap_or_default(),
            origin_station_keys: raw.origin_stations.unwrap_or_default(),
            as_of,
            cutoffs: cutoffs.into_iter().map(Minutes).collect(),
            measure,
            added: BTreeSet::new(),
            removed: BTreeSet::new(),
            raw_projects: (p.add, p.remove, p.add_status, p.add_horizon),
            params_override: raw.params,
            services: raw.services,
            options: Default::default(),
        })
    }

    /// Resolves the scenario against its network: origin, project ids, statuses and parameter overrides.
    pub fn bind(mut self, net: &Network) -> Result<Bound<'_>> {
        let path = self.path.clone();
        let key = if self.origin_key.is_empty() { net.default_origin.clone() } else { self.origin_key.trim().to_string() };
        let origin = net.city_by_key(&key).ok_or_else(|| {
            let names: Vec<&str> = net.cities.iter().map(|c| c.name.as_str()).collect();
            match self.options.get("origin") {
                Some(opt) => Error::Usage(format!(
                    "{opt}: not a city of network '{}' (the network of {}); use one of: {} (or a city's id, listed in {}, or its English name)",
                    net.name,
                    path.display(),
                    names.join(" "),
                    net.dir.join("cities.csv").display()
                )),
                None => Error::config(&path, "origin", format!("'{key}' is not a city of network '{}'; use one of: {}", net.name, names.join(" "))),
            }
        })?;
        self.origin_key = key;
        let origin_stations = if self.origin_station_keys.is_empty() {
            net.cities[origin.i()].stations.clone()
        } else {
            let mut v = Vec::new();
            for k in &self.origin_station_keys {
                // the check of `validate --rings-from`: a station of the origin city
                let s = crate::od::station_of_city(net, origin, k).map_err(|m| Error::config(&path, "origin_stations", m))?;
                if v.contains(&s) {
                    return Err(Error::config(&path, "origin_stations", format!("'{k}' is listed twice")));
                }
                v.push(s);
            }
            if !v.iter().any(|&s| self.is_open(net.stations[s.i()].opened, net.stations[s.i()].project.as_deref()) && self.serves(net, s)) {
                let names: Vec<&str> = v.iter().map(|s| net.stations[s.i()].name.as_str()).collect();
                let fix = match self.options.get("as_of") {
                    Some(opt) => format!(", the date of {opt}; give a later --as-of (or name a station open then)"),
                    None => "; name a station open at as_of (or change as_of)".to_string(),
                };
                return Err(Error::config(&path, "origin_stations", format!("none of {} is open with a train stopping on {}{fix}", names.join(", "), self.as_of)));
            }
            v
        };
        let (add, remove, add_status, add_horizon) = std::mem::take(&mut self.raw_projects);
        let add_keys = add.clone();
        let add = resolve_projects(net, &path, "projects.add", &add)?;
        let remove_keys = remove.clone();
        let remove = resolve_projects(net, &path, "projects.remove", &remove)?;
        let statuses: BTreeSet<&str> = net.seeds.projects.iter().map(|p| p.status_zh.as_str()).collect();
        for s in &add_status {
            if !statuses.contains(s.as_str()) {
                return Err(Error::config(&path, "projects.add_status", format!("no project has status '{s}'; statuses in use: {}", statuses.iter().copied().collect::<Vec<_>>().join(" "))));
            }
        }
        let horizons: BTreeSet<&str> = net.seeds.projects.iter().map(|p| p.horizon.as_str()).collect();
        for h in &add_horizon {
            if !horizons.contains(h.as_str()) {
                return Err(Error::config(&path, "projects.add_horizon", format!("no project has horizon '{h}'; horizons in use: {}", horizons.iter().copied().collect::<Vec<_>>().join(" "))));
            }
        }
        let mut added: BTreeSet<String> = add.iter().cloned().collect();
        for p in &net.seeds.projects {
            if add_status.contains(&p.status_zh) || add_horizon.contains(&p.horizon) {
                added.insert(p.id.clone());
            }
        }
        self.removed = remove.iter().cloned().collect();
        if let Some(id) = self.removed.iter().find(|id| added.contains(*id)) {
            return Err(Error::config(&path, "projects.remove", format!("project '{id}' is both added and removed")));
        }
        // a project to remove must be open on as_of (some element of it opened by then): else the removal does
        // nothing, which is a mistake in the file (a note when as_of is a command-line option's, for a variant)
        for (key, id) in remove_keys.iter().zip(&remove) {
            let opened = net.project_openings(id);
            if opened.iter().any(|d| d.is_some_and(|d| d <= self.as_of)) {
                continue;
            }
            let named = if key.trim() == id { format!("'{id}'") } else { format!("'{}' ({id})", key.trim()) };
            let first = opened.iter().flatten().min();
            let why = if opened.is_empty() {
                format!("project {named} has no rail section, station or road in network '{}', so there is nothing to remove", net.name)
            } else {
                let when = first.map(|d| format!(" (its first opens {d})")).unwrap_or_else(|| " (none has an opening date)".to_string());
                format!("project {named} is not open on {}: none of its {} sections, stations or roads has opened by then{when}, so there is nothing to remove", self.as_of, opened.len())
            };
            match self.options.get("as_of") {
                Some(opt) => crate::note!("note: {}", Error::config(&path, "projects.remove", format!("{why} on the date of {opt}"))),
                None => {
                    let later = first.map(|d| format!(", or set as_of on or after {d}")).unwrap_or_default();
                    return Err(Error::config(&path, "projects.remove", format!("{why}; take it out of projects.remove{later}")));
                }
            }
        }
        // a project to add must have something modelled (as an orders file's); one already open on as_of changes
        // nothing either, but a plan scenario may list a project that opened before its date: a note
        for (key, id) in add_keys.iter().zip(&add) {
            let named = if key.trim() == id { format!("'{id}'") } else { format!("'{}' ({id})", key.trim()) };
            match opens_nothing(net, id, |d, p| self.is_open(d, p)) {
                None => {}
                Some(OpensNothing::NotModelled) => {
                    return Err(Error::config(&path, "projects.add", format!("project {named} has no rail section, station or road in network '{}', so adding it changes nothing; take it out of projects.add", net.name)));
                }
                Some(OpensNothing::AlreadyOpen) => {
                    let date = match self.options.get("as_of") {
                        Some(opt) => format!("{} (the date of {opt})", self.as_of),
                        None => self.as_of.to_string(),
                    };
                    crate::note!("note: {}", Error::config(&path, "projects.add", format!("project {named} is already open on {date}: every section, station and road of it opened by then, so adding it changes nothing")));
                }
            }
        }
        self.added = added;
        // a date before the network's first railway (a typo such as 1800 for 2018) leaves roads only: said, not
        // silent (a scenario that removes every open railway, or adds one, has chosen what it runs: no note)
        let first = net.sections.iter().filter_map(|s| s.opened).min();
        if first.is_some_and(|d| self.as_of < d) && !net.sections.iter().any(|s| self.is_open(s.opened, s.project.as_deref())) {
            let first = first.map(|d| d.to_string()).unwrap_or_default();
            let what = format!("no rail section of network '{}' is open on {}: the first opens {first}, so every trip is by road; check the date", net.name, self.as_of);
            // a date given on the command line is the option's (one note for every scenario of the network)
            match self.options.get("as_of") {
                Some(opt) => crate::error::note_once(format!("note: {opt}: {what}")),
                None => crate::error::note_once(format!("note: {}", Error::config(&path, "as_of", what))),
            }
        }
        let params = match &self.params_override {
            None => net.params.clone(),
            Some(over) => {
                if !over.is_table() {
                    return Err(Error::config(&path, "params", "must be a table, e.g. [params.road.expressway] speed_kmh = 110"));
                }
                let mut v = net.params_value.clone();
                merge(&mut v, over);
                Params::from_value(v, &path).map_err(|e| match e {
                    Error::Toml { message, .. } => Error::config(&path, "params", message),
                    Error::Key { key, message, .. } if !key.starts_with("params") => Error::config(&path, &format!("params.{key}"), message),
                    other => other,
                })?
            }
        };
        let services = crate::services::scenario_services(net, &params.rail, self.services.as_ref(), &path)?;
        Ok(Bound { sc: self, net, origin, origin_stations, params, services })
    }

    /// The network of this scenario as built on `date`: what had opened by then and the network's own services (no
    /// project added or removed, no service modification: those are the scenario's build-out, not the network of
    /// that date), with the scenario's parameters (its model of speeds and times, which hold at any date), measured
    /// from every station of the origin city. What an observed time of that date is measured against (`report`).
    pub fn as_built_on(&self, date: Date) -> Scenario {
        Scenario {
            path: self.path.clone(),
            name: format!("as built on {date}"),
            description: format!("the network of {} as built on {date}", self.name),
            network_dir: self.network_dir.clone(),
            origin_key: self.origin_key.clone(),
            origin_station_keys: Vec::new(),
            as_of: date,
            cutoffs: self.cutoffs.clone(),
            measure: self.measure,
            added: BTreeSet::new(),
            removed: BTreeSet::new(),
            raw_projects: Default::default(),
            params_override: self.params_override.clone(),
            services: None,
            options: Default::default(),
        }
    }

    /// Does an open rail section of this scenario end at station `s`? (Project additions are not yet resolved
    /// when this is asked for `origin_stations`, so it errs on the side of "served" for added projects.)
    fn serves(&self, net: &Network, s: crate::network::StationIx) -> bool {
        let (add, _, add_status, add_horizon) = &self.raw_projects;
        net.sections.iter().filter(|x| x.from == s || x.to == s).any(|x| {
            self.is_open(x.opened, x.project.as_deref())
                || x.project.as_deref().is_some_and(|p| add.iter().any(|a| a == p) || net.seeds.project(p).is_some_and(|q| add_status.contains(&q.status_zh) || add_horizon.contains(&q.horizon)))
        })
    }

    /// Is an element with this opening date and project in use in this scenario? An element with neither an
    /// opening date nor a project (an ordinary road, an access road) is present at every date.
    pub fn is_open(&self, opened: Option<Date>, project: Option<&str>) -> bool {
        if let Some(p) = project {
            if self.removed.contains(p) {
                return false;
            }
            if self.added.contains(p) {
                return true;
            }
        }
        match opened {
            Some(d) => d <= self.as_of,
            None => project.is_none(),
        }
    }
}
