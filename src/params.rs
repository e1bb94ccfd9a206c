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
    /// Route length over great-circle length, used by the derivation where a line's length is not published.
    pub circuity: f64,
    pub circuity_source: String,
    pub hsr: RailMode,
    pub intercity: RailMode,
    pub suburban: RailMode,
    pub conventional: RailMode,
}

/// How a train of one mode turns section lengths into a station-to-station time:
/// `sum(length / (operating speed * speed_factor)) + stop_penalty_s + intermediate_penalty_s * min(stations passed, intermediate_cap)`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RailMode {
    /// Mean running speed between stops as a share of the section's operating (maximum) speed.
    pub speed_factor: f64,
    /// Time lost once per trip leg: acceleration at the start, braking at the end.
    pub stop_penalty_s: f64,
    /// Expected time lost per intermediate station (share of trains stopping × (dwell + acceleration + braking)).
    pub intermediate_penalty_s: f64,
    /// At most this many intermediate stations are charged: the fastest train of a long trip skips most stops.
    pub intermediate_cap: u32,
    pub source: String,
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
            message: format!("{}", e.message()),
        })?;
        p.validate(path)?;
        Ok(p)
    }

    pub fn load(path: &Path) -> Result<(Params, toml::Value)> {
        let text = crate::table::read_text(path)?;
        let mut v = crate::tomlfile::read(path, &text, &crate::schema::PARAMS_TOML)?;
        let p = Params::from_value(strip_derive(&v), path).map_err(|e| match e {
            Error::Toml { message, .. } => crate::tomlfile::key_error(path, &text, "", message),
            other => other,
        })?;
        // the tools' own [derive] table is not a model parameter
        if let Some(t) = v.as_table_mut() {
            t.remove("derive");
        }
        Ok((p, v))
    }

    fn validate(&self, path: &Path) -> Result<()> {
        if self.format != 1 {
            return Err(Error::config(path, "format", format!("unsupported format {}; this ringsim reads format 1", self.format)));
        }
        let speed = |name: &str, g: &SpeedGroup| -> Result<()> {
            if !(g.speed_kmh > 0.0 && g.speed_kmh.is_finite()) {
                return Err(Error::config(path, &format!("{name}.speed_kmh"), format!("must be a positive speed, found {}", g.speed_kmh)));
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
            if !(m.speed_factor > 0.0 && m.speed_factor <= 1.5) {
                return Err(Error::config(path, &format!("{f}.speed_factor"), format!("must be in (0, 1.5], found {}", m.speed_factor)));
            }
            for (k, v) in [("stop_penalty_s", m.stop_penalty_s), ("intermediate_penalty_s", m.intermediate_penalty_s)] {
                if !(v >= 0.0 && v.is_finite()) {
                    return Err(Error::config(path, &format!("{f}.{k}"), format!("must be zero or more seconds, found {v}")));
                }
            }
            if m.source.trim().is_empty() {
                return Err(Error::config(path, &format!("{f}.source"), "is empty; cite where the value comes from"));
            }
        }
        if !(1.0..=3.0).contains(&self.rail.circuity) {
            return Err(Error::config(path, "rail.circuity", "must be between 1 and 3"));
        }
        for (k, v) in [("door.boarding_s", self.door.boarding_s), ("door.alighting_s", self.door.alighting_s)] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(Error::config(path, k, format!("must be zero or more seconds, found {v}")));
            }
        }
        Ok(())
    }

    pub fn rail_modes(&self) -> [(&'static str, &RailMode); 4] {
        [
            ("hsr", &self.rail.hsr),
            ("intercity", &self.rail.intercity),
            ("suburban", &self.rail.suburban),
            ("conventional", &self.rail.conventional),
        ]
    }
}

/// The params table without the derivation tools' optional `[derive]` table.
fn strip_derive(v: &toml::Value) -> toml::Value {
    let mut v = v.clone();
    if let Some(t) = v.as_table_mut() {
        t.remove("derive");
    }
    v
}

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
