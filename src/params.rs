//! Model parameters (`params.toml` of a network): road speeds by class, rail speed factors and stop penalties by
//! mode, and the door-to-door boarding and alighting penalties. Every group carries a `source`.
//!
//! A scenario may override any value with a `[params]` table of the same shape; the override is merged into the
//! network's file before validation, so an unknown key is an error in either place.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub format: u32,
    pub road: RoadParams,
    pub connector: ConnectorParams,
    pub rail: RailParams,
    pub door: DoorParams,
    /// The derivation's modelling rules (`tools/derive`, networks/README.md): the engine checks their types so that
    /// a typo fails here too, and holds every rail section to `section_max_circuity` when it loads the network.
    #[serde(default)]
    pub derive: Option<DeriveParams>,
}

/// `[derive]`: the rules `tools/derive` builds the network files with (access radius, trunk-road neighbours, the
/// station-position and track-length rules). Changing them has an effect only after re-running the derivation.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeriveParams {
    pub access_radius_km: f64,
    pub trunk_neighbours: u32,
    pub trunk_radius_km: f64,
    pub station_osm_agree_km: f64,
    pub station_city_max_km: f64,
    pub track_snap_km: f64,
    pub track_join_m: f64,
    pub section_max_circuity: f64,
    pub route_to_track: f64,
    pub rail_circuity: f64,
    pub split_published_rest: bool,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RoadParams {
    pub expressway: SpeedGroup,
    pub trunk: SpeedGroup,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConnectorParams {
    pub access: SpeedGroup,
    pub metro: SpeedGroup,
    pub walk: SpeedGroup,
}

/// A speed, the circuity used by the derivation for lengths of this class, and their source.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SpeedGroup {
    pub speed_kmh: f64,
    #[serde(default)]
    pub circuity: Option<f64>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RailParams {
    /// A file written by `ringsim calibrate --write` (relative to this params.toml) whose `[rail.<class>]` values
    /// replace the starting values below; scenario overrides still apply on top.
    #[serde(default)]
    pub calibration: Option<String>,
    /// Minimum time to change from one train to another at the same station.
    pub change_s: f64,
    /// Hours a day trains run, for the door measure's expected wait (half the combined headway of the services worth
    /// taking between two stops, `graph::door_strategy`).
    pub service_hours: f64,
    /// At a station where the timetable cannot tell whether a train stops, each train stops with probability this ×
    /// its stop rate at the stations with a board it passes ([`crate::services::Service::stop_rate`]), at most 1
    /// (fitted); × `county_stop_weight` for an EMU at a station not named after its city.
    pub unknown_stop_ratio: f64,
    /// At a station without a board not named after its city ([`crate::network::Station::city_named`]: a county's,
    /// a town's or a district's, 明港东, 渑池南, 黄河景区), an EMU (hsr, intercity, suburban) train stops with this ×
    /// its probability at one named after its city (许昌东, 鹤壁东), 0–1 (fitted). Conventional trains are the ones
    /// that serve county stations: 1 for them.
    pub county_stop_weight: f64,
    /// The junctions whose stops cost `hub_dwell_s` and `hub_throat_s` are those of the lines open on this date
    /// (`YYYY-MM-DD`): the date of the timetable the dwell was fitted on. A fixed date, so that opening a line never
    /// lengthens a stop; without it every line counts, planned ones included.
    #[serde(default)]
    pub hub_lines_as_of: Option<String>,
    /// Source of `change_s`, `service_hours`, `unknown_stop_ratio`, `county_stop_weight` and `hub_lines_as_of`.
    pub source: String,
    pub defaults: DefaultServices,
    pub hsr: TrainClass,
    pub intercity: TrainClass,
    pub suburban: TrainClass,
    pub conventional: TrainClass,
}

/// The default services every line gets (see [`crate::services`]).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DefaultServices {
    pub stopping_per_day: f64,
    /// Fast trains a day of a line without a timetable: its express, or its express and semi-fast half each.
    pub express_per_day: f64,
    pub source: String,
}

/// The physics of a train class: `section length / min(limit, max_kmh) × (1 + margin)` per section, `v / 2·brake`
/// and `v / 2·accel` lost at each stop, dwell (longer at junctions) and the junction throat.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TrainClass {
    /// Maximum speed of the class's trains on default services (timetable services carry their own).
    pub max_kmh: f64,
    /// Mean acceleration from a stop to line speed (m/s²).
    pub accel_ms2: f64,
    /// Mean service braking from line speed to a stop (m/s²).
    pub brake_ms2: f64,
    /// Dwell at an intermediate stop.
    pub dwell_s: f64,
    /// Dwell at a junction (a station where three or more directions meet).
    pub hub_dwell_s: f64,
    /// Time lost in a junction's station throat (slow approach and turnouts) when the train stops there.
    pub hub_throat_s: f64,
    /// Running-time supplement (recovery margin) as a share of the pure running time.
    pub margin: f64,
    /// Extra time at a stop where the train reverses (the driver changes ends).
    pub reverse_s: f64,
    /// Time at a stop where the timetable shows the train standing long (to be overtaken or to wait for its path:
    /// the `stands` of `services.csv`), in place of the dwell (and never shorter than the dwell there).
    pub stand_s: f64,
    pub source: String,
}

/// Plausible bounds of the physical parameters (a value outside is an error; the fit stays inside).
pub const CLASS_BOUNDS: [(&str, f64, f64); 9] = [
    ("max_kmh", 40.0, 450.0),
    ("accel_ms2", 0.05, 1.2),
    ("brake_ms2", 0.1, 1.5),
    ("dwell_s", 0.0, 1200.0),
    ("hub_dwell_s", 0.0, 1800.0),
    ("hub_throat_s", 0.0, 600.0),
    ("margin", 0.0, 0.3),
    ("reverse_s", 0.0, 1800.0),
    ("stand_s", 0.0, 1800.0),
];

impl TrainClass {
    pub fn get(&self, field: &str) -> f64 {
        match field {
            "max_kmh" => self.max_kmh,
            "accel_ms2" => self.accel_ms2,
            "brake_ms2" => self.brake_ms2,
            "dwell_s" => self.dwell_s,
            "hub_dwell_s" => self.hub_dwell_s,
            "hub_throat_s" => self.hub_throat_s,
            "margin" => self.margin,
            "reverse_s" => self.reverse_s,
            "stand_s" => self.stand_s,
            _ => panic!("unknown train class field {field}"),
        }
    }
    pub fn set(&mut self, field: &str, v: f64) {
        let r = match field {
            "max_kmh" => &mut self.max_kmh,
            "accel_ms2" => &mut self.accel_ms2,
            "brake_ms2" => &mut self.brake_ms2,
            "dwell_s" => &mut self.dwell_s,
            "hub_dwell_s" => &mut self.hub_dwell_s,
            "hub_throat_s" => &mut self.hub_throat_s,
            "margin" => &mut self.margin,
            "reverse_s" => &mut self.reverse_s,
            "stand_s" => &mut self.stand_s,
            _ => panic!("unknown train class field {field}"),
        };
        *r = v;
    }
}

impl RailParams {
    /// The minimum connection time in whole seconds, as the graph's change edges and the departure-window search
    /// charge it.
    pub fn change(&self) -> crate::units::Seconds {
        crate::units::Seconds(self.change_s.round() as u32)
    }
    pub fn class(&self, m: crate::network::RailMode) -> &TrainClass {
        match m {
            crate::network::RailMode::Hsr => &self.hsr,
            crate::network::RailMode::Intercity => &self.intercity,
            crate::network::RailMode::Suburban => &self.suburban,
            crate::network::RailMode::Conventional => &self.conventional,
        }
    }
    pub fn class_mut(&mut self, m: crate::network::RailMode) -> &mut TrainClass {
        match m {
            crate::network::RailMode::Hsr => &mut self.hsr,
            crate::network::RailMode::Intercity => &mut self.intercity,
            crate::network::RailMode::Suburban => &mut self.suburban,
            crate::network::RailMode::Conventional => &mut self.conventional,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DoorParams {
    /// From arriving at a station to the train's departure (entry, security check, platform, waiting).
    pub boarding_s: f64,
    /// From the train's arrival to leaving the station.
    pub alighting_s: f64,
    pub source: String,
}

impl Params {
    /// Parses a params table (the network's, with any scenario overrides merged in) and checks every value.
    pub fn from_value(v: toml::Value, path: &Path) -> Result<Params> {
        let p: Params = v.try_into().map_err(|e: toml::de::Error| Error::Toml {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })?;
        p.validate(path)?;
        Ok(p)
    }

    /// Reads a params.toml with its calibration file merged in; also returns the merged table (for scenario
    /// overrides) and the parameters without the calibration (the starting values of a fit).
    pub fn load(path: &Path) -> Result<(Params, toml::Value, Params)> {
        Params::load_with(path, false).map(|(p, v, s, _)| (p, v, s))
    }

    /// [`Params::load`]; with `for_fit`, a calibration file from before a fitted parameter was added is read
    /// without the values it lacks (they stay params.toml's) rather than an error, and what it lacks is returned:
    /// `ringsim calibrate` starts from the values of params.toml anyway, and must be able to regenerate such a
    /// file. Any other fault of the file is an error.
    pub fn load_with(path: &Path, for_fit: bool) -> Result<(Params, toml::Value, Params, Option<String>)> {
        let text = crate::table::read_text(path)?;
        // [derive] (the derivation's rules) is parsed too, so that a typo there fails here as well
        let mut v = crate::tomlfile::read(path, &text, &crate::schema::PARAMS_TOML)?;
        let key_err = |e: Error| match e {
            Error::Toml { message, .. } => crate::tomlfile::key_error(path, &text, "", message),
            other => other,
        };
        let start = Params::from_value(v.clone(), path).map_err(key_err)?;
        let cal = v.get("rail").and_then(|r| r.get("calibration")).and_then(|c| c.as_str()).map(str::to_string);
        let mut ignored = None;
        if let Some(c) = cal {
            let cpath = path.parent().unwrap_or(Path::new(".")).join(&c);
            let fitted = if for_fit {
                let (fitted, missing) = read_calibration_lenient(&cpath)?;
                if !missing.is_empty() {
                    ignored = Some(format!("{} lacks {} (it predates the parameter): params.toml's starting value is used", cpath.display(), missing.join(", ")));
                }
                fitted
            } else {
                read_calibration(&cpath)?
            };
            merge(&mut v, &fitted);
        }
        let p = Params::from_value(v.clone(), path).map_err(key_err)?;
        Ok((p, v, start, ignored))
    }

    fn validate(&self, path: &Path) -> Result<()> {
        if self.format != 1 {
            return Err(Error::config(path, "format", format!("unsupported format {}; this ringsim reads format 1", self.format)));
        }
        let speed = |name: &str, g: &SpeedGroup| -> Result<()> {
            // the schema's range and message (every value has passed it; this guards a value merged in unchecked)
            let (lo, hi) = plausible_speed(name);
            if let Some(m) = crate::tomlfile::out_of_range(g.speed_kmh, lo, hi, "km/h") {
                return Err(Error::config(path, &format!("{name}.speed_kmh"), format!("{m}; correct the value")));
            }
            if let Some(c) = g.circuity {
                if !(1.0..=3.0).contains(&c) {
                    return Err(Error::config(path, &format!("{name}.circuity"), format!("must be between 1 and 3, found {c}")));
                }
            }
            if g.source.trim().is_empty() {
                return Err(Error::config(path, &format!("{name}.source"), "is empty; cite where the value comes from"));
            }
            Ok(())
        };
        speed("road.expressway", &self.road.expressway)?;
        speed("road.trunk", &self.road.trunk)?;
        speed("connector.access", &self.connector.access)?;
        speed("connector.metro", &self.connector.metro)?;
        speed("connector.walk", &self.connector.walk)?;
        for (name, m) in self.rail_modes() {
            let f = format!("rail.{name}");
            for (k, lo, hi) in CLASS_BOUNDS {
                let v = m.get(k);
                if !(v.is_finite() && v >= lo && v <= hi) {
                    return Err(Error::config(path, &format!("{f}.{k}"), format!("{v} is outside the plausible range {lo}–{hi}")));
                }
            }
            if m.source.trim().is_empty() {
                return Err(Error::config(path, &format!("{f}.source"), "is empty; cite where the value comes from"));
            }
        }
        for (k, v, lo, hi) in [
            ("rail.change_s", self.rail.change_s, 0.0, 3600.0),
            ("rail.service_hours", self.rail.service_hours, 1.0, 24.0),
            ("rail.unknown_stop_ratio", self.rail.unknown_stop_ratio, 0.0, 3.0),
            ("rail.county_stop_weight", self.rail.county_stop_weight, 0.0, 1.0),
            ("rail.defaults.stopping_per_day", self.rail.defaults.stopping_per_day, 0.1, 500.0),
            ("rail.defaults.express_per_day", self.rail.defaults.express_per_day, 0.1, 500.0),
        ] {
            if !(v.is_finite() && v >= lo && v <= hi) {
                return Err(Error::config(path, k, format!("{v} is outside the plausible range {lo}–{hi}")));
            }
        }
        if let Some(d) = &self.derive {
            // the engine holds every section to this cap (network.rs), so it must be a real bound: a track can be
            // no shorter than the straight line, so a cap of 1 or less would refuse every curve; 10 (assumption: a
            // plausibility limit, far above the 1.6 of the bundled networks) catches a cap typed in other units
            let c = d.section_max_circuity;
            if !(c.is_finite() && c > 1.0 && c <= 10.0) {
                return Err(Error::config(path, "derive.section_max_circuity", format!("{c} is not a usable cap on track length over the straight line: give a number above 1 and up to 10 (1.6 in the bundled networks)")));
            }
        }
        if let Some(d) = &self.rail.hub_lines_as_of {
            crate::units::Date::parse(d).map_err(|e| Error::config(path, "rail.hub_lines_as_of", e))?;
        }
        for (k, v) in [("door.boarding_s", self.door.boarding_s), ("door.alighting_s", self.door.alighting_s)] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(Error::config(path, k, format!("must be zero or more seconds, found {v}")));
            }
            if v > MAX_PENALTY_S {
                return Err(Error::config(path, k, format!("{v} s is not plausible; use 0 to {MAX_PENALTY_S} seconds")));
            }
        }
        Ok(())
    }

    /// The date of `rail.hub_lines_as_of` (checked when the parameters are read).
    pub fn hub_lines_as_of(&self) -> Option<crate::units::Date> {
        self.rail.hub_lines_as_of.as_deref().and_then(|d| crate::units::Date::parse(d).ok())
    }

    pub fn rail_modes(&self) -> [(&'static str, &TrainClass); 4] {
        [
            ("hsr", &self.rail.hsr),
            ("intercity", &self.rail.intercity),
            ("suburban", &self.rail.suburban),
            ("conventional", &self.rail.conventional),
        ]
    }
}

/// The `[rail.<class>]` tables of a calibration file written by `ringsim calibrate --write`, as a params overlay
/// (`{ rail = { hsr = {...}, ... } }`); the file's other tables (provenance, fit figures) are information only.
pub fn read_calibration(path: &Path) -> Result<toml::Value> {
    let (v, missing) = read_calibration_lenient(path)?;
    match missing.first() {
        Some(key) => Err(Error::config(path, key, "is missing: the file predates this parameter; regenerate it with ringsim calibrate --write")),
        None => Ok(v),
    }
}

/// [`read_calibration`], but a fitted value the file lacks (a file from before the parameter was added) is not an
/// error: its key is returned, and the value stays params.toml's. Only `ringsim calibrate` reads a file this way,
/// so that it can regenerate it; anything else wrong with the file is still an error.
///
/// Every value the file supplies is checked here, against the range params.toml's schema gives it, so that an
/// error names this file, its line and key (not params.toml, into which the values are merged): a key the fit
/// does not write is an error too.
pub fn read_calibration_lenient(path: &Path) -> Result<(toml::Value, Vec<String>)> {
    let mut missing = Vec::new();
    let text = crate::table::read_text(path)?;
    let v: toml::Value = text.parse().map_err(|e: toml::de::Error| Error::Toml { path: path.into(), message: e.to_string() })?;
    // how to fix a value: the file is the fit's output, so regenerate it (with the command it was written by)
    let rerun = match v.get("provenance").and_then(|p| p.get("command")).and_then(|c| c.as_str()) {
        Some(c) => format!("`{}` (the command in its [provenance])", c.replace("<this file>", &path.display().to_string())),
        None => format!("`ringsim calibrate SCENARIO --observed FILE --write {}`", path.display()),
    };
    // `calibrate` reads this file too (its values are the fit's start), so it cannot regenerate a file that does
    // not load: the fix is in the file first
    let regenerate = format!("correct the value in this file (or restore the file, e.g. with git); once it loads, {rerun} regenerates it");
    let not_fitted = format!("remove it from this file (set it in params.toml instead); once it loads, {rerun} regenerates the file");
    let check = |key: &str, x: &toml::Value| -> Result<()> {
        let Some(crate::tomlfile::TKind::Num { min, max, unit }) = crate::tomlfile::kind_of(&crate::schema::PARAMS_TOML, key) else {
            unreachable!("every fitted value is a number of params.toml's schema: {key}")
        };
        let m = match crate::tomlfile::num(x) {
            None => format!("must be a number in {unit}, found {}", x.type_str()),
            Some(n) => match crate::tomlfile::out_of_range(n, min, max, unit) {
                Some(m) => m,
                None => return Ok(()),
            },
        };
        Err(Error::config(path, key, format!("{m}; {regenerate}")))
    };
    let rail = v.get("rail").and_then(|r| r.as_table()).ok_or_else(|| Error::config(path, "rail", "missing: a calibration file holds [rail.<class>] tables; regenerate it with ringsim calibrate --write"))?;
    let mut out = toml::map::Map::new();
    let mut r = toml::map::Map::new();
    // the class whose fitted values a class takes (intercity is fitted with hsr)
    let fitted = |c: crate::network::RailMode| crate::calibrate::TIED.iter().find(|(tied, _)| *tied == c).map_or(c, |(_, to)| *to);
    let knobs_of = |c: Option<crate::network::RailMode>| crate::calibrate::KNOBS.iter().filter(move |(kc, ..)| *kc == c).map(|(_, field, ..)| *field);
    for (k, t) in rail {
        if k == "unknown_stop_share" {
            return Err(Error::config(path, "rail.unknown_stop_share", "was renamed rail.unknown_stop_ratio (a ratio to the train's stop rate, no longer a share of a stop): regenerate this file with ringsim calibrate --write"));
        }
        if knobs_of(None).any(|field| field == k) {
            check(&format!("rail.{k}"), t)?;
            r.insert(k.clone(), t.clone());
            continue;
        }
        let Some(class) = crate::network::RailMode::parse(k) else {
            if t.is_table() {
                return Err(Error::config(path, &format!("rail.{k}"), "unknown train class; use hsr, intercity, suburban or conventional"));
            }
            return Err(Error::config(
                path,
                &format!("rail.{k}"),
                format!("is not a value ringsim calibrate fits (in [rail] it fits {}); {not_fitted}", knobs_of(None).collect::<Vec<_>>().join(", ")),
            ));
        };
        let Some(tt) = t.as_table() else {
            return Err(Error::config(path, &format!("rail.{k}"), format!("must be a table ([rail.{k}]), found {}; {regenerate}", t.type_str())));
        };
        let fields: Vec<&str> = knobs_of(Some(fitted(class))).collect();
        for (field, x) in tt {
            let key = format!("rail.{k}.{field}");
            if !fields.contains(&field.as_str()) {
                let fits = if fields.is_empty() { format!("it fits nothing of [rail.{k}]") } else { format!("in [rail.{k}] it fits {}", fields.join(", ")) };
                return Err(Error::config(path, &key, format!("is not a value ringsim calibrate fits ({fits}); {not_fitted}")));
            }
            check(&key, x)?;
        }
        // every value the fit writes for this class (or the class it is fitted with) must be there: a file from
        // before a parameter was added would silently run with the unfitted starting value
        for field in &fields {
            if !tt.contains_key(*field) {
                missing.push(format!("rail.{k}.{field}"));
            }
        }
        r.insert(k.clone(), t.clone());
    }
    // the fit's values of `[rail]` itself must be there too (a file from before `county_stop_weight`)
    for field in knobs_of(None) {
        if !r.contains_key(field) {
            missing.push(format!("rail.{field}"));
        }
    }
    out.insert("rail".into(), toml::Value::Table(r));
    Ok((toml::Value::Table(out), missing))
}

/// The plausible range of a road speed, km/h (`[road.expressway]` and `[road.trunk]` `speed_kmh` of params.toml or
/// a scenario's `[params]`, and the `speed_kmh` column of road_links.csv): 5 to 200. The legal maximum is 120 km/h
/// on expressways (道路交通安全法实施条例 第78条); 200 leaves room for any mean speed, and below 5 a road is slower
/// than walking: outside the range a value is a typo or a unit mistake, and an error. README "Parameters" states it.
pub const ROAD_SPEED_KMH: (f64, f64) = (5.0, 200.0);
/// The plausible range of an urban access or metro speed (`[connector.access]`, `[connector.metro]`), km/h: 5 to 150.
pub const ACCESS_SPEED_KMH: (f64, f64) = (5.0, 150.0);
/// The plausible range of a walking speed (`[connector.walk]`), km/h: 1 to 10.
pub const WALK_SPEED_KMH: (f64, f64) = (1.0, 10.0);

/// The plausible range of a speed group ([`ROAD_SPEED_KMH`], [`ACCESS_SPEED_KMH`], [`WALK_SPEED_KMH`]), as
/// params.toml's schema declares it ([`crate::schema::PARAMS_TOML`]).
pub fn plausible_speed(group: &str) -> (f64, f64) {
    match group {
        "connector.walk" => WALK_SPEED_KMH,
        "connector.access" | "connector.metro" => ACCESS_SPEED_KMH,
        _ => ROAD_SPEED_KMH,
    }
}

/// The largest plausible stop, intermediate, boarding or alighting penalty: two hours.
pub const MAX_PENALTY_S: f64 = 7200.0;

/// Deep-merges `over` into `base` (tables merge key by key; anything else replaces).
pub fn merge(base: &mut toml::Value, over: &toml::Value) {
    match (base, over) {
        (toml::Value::Table(b), toml::Value::Table(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(bv) if bv.is_table() && v.is_table() => merge(bv, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}
