//! Pair queries (`ringsim od`, calibration, validation): resolving ids or names to nodes, and the time between
//! two of them under a measure — by default the station measure between two stations, the door measure otherwise —
//! computed by the same [`crate::rings::Targets`] engine as `run` and `matrix`.

use crate::error::{Error, Result};
use crate::graph::{Graph, Node};
use crate::network::{CityIx, Network, PlaceIx, StationIx};
use crate::table::Table;
use crate::units::Seconds;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    Station(StationIx),
    Place(PlaceIx),
    City(CityIx),
}

/// Resolves a key of `ringsim od`'s pairs: as [`resolve_station_first`] (an id, then an exact 12306 station name,
/// so that a pair of station names is a station pair, as timetables and official claims state them: 商丘 is the
/// station 商丘, the city is 商丘市), and a city's English name (Zhengzhou) last. Returns a message saying why not
/// otherwise.
pub fn resolve(net: &Network, key: &str) -> std::result::Result<Endpoint, String> {
    let k = key.trim();
    resolve_station_first(net, k).or_else(|m| net.city_by_key(k).map(Endpoint::City).ok_or(m))
}

/// A station of city `city` named by `key` ([`resolve_station_first`]: an id or an exact 12306 name, also written
/// with 站), as a scenario's `origin_stations` and `validate --rings-from` take the stations of the origin city.
/// Returns a message saying why not, with the city's stations.
pub fn station_of_city(net: &Network, city: CityIx, key: &str) -> std::result::Result<StationIx, String> {
    let c = &net.cities[city.i()];
    let names = || c.stations.iter().map(|s| net.stations[s.i()].name.as_str()).collect::<Vec<_>>().join(", ");
    match resolve_station_first(net, key) {
        Ok(Endpoint::Station(s)) if c.stations.contains(&s) => Ok(s),
        Ok(Endpoint::Station(s)) => Err(format!(
            "'{key}' ({}) is not a station of the scenario's origin city {} ({}); name one of these",
            net.cities.iter().find(|o| o.stations.contains(&s)).map_or_else(|| "a station of no plan city".to_string(), |o| format!("a station of {}", o.name)),
            c.name,
            names()
        )),
        _ => Err(format!("'{key}' is not a station of network '{}'; give a station of the origin city {} ({})", net.name, c.name, names())),
    }
}

/// Resolves a key where names are 12306 station names (observed timetables, `ringsim trip`, and with
/// [`resolve`] `ringsim od`'s pairs): an exact station name wins over a city of the same name (郑州 is the station
/// 郑州); a station name followed by 站 is the station (郑州东站, 郑州站).
pub fn resolve_station_first(net: &Network, key: &str) -> std::result::Result<Endpoint, String> {
    let k = key.trim();
    if let Some(s) = net.station(k) {
        return Ok(Endpoint::Station(s));
    }
    if let Some(p) = net.place(k) {
        return Ok(Endpoint::Place(p));
    }
    if let Some(i) = net.cities.iter().position(|c| c.id == k) {
        return Ok(Endpoint::City(CityIx(i as u32)));
    }
    if let Some(i) = net.stations.iter().position(|s| s.name == k) {
        return Ok(Endpoint::Station(StationIx(i as u32)));
    }
    if let Some(i) = net.cities.iter().position(|c| c.name == k) {
        return Ok(Endpoint::City(CityIx(i as u32)));
    }
    let places: Vec<usize> = (0..net.places.len()).filter(|&i| net.places[i].name == k).collect();
    match places.len() {
        1 => return Ok(Endpoint::Place(PlaceIx(places[0] as u32))),
        0 => {}
        _ => {
            let ids: Vec<String> = places.iter().map(|&i| format!("{} ({})", net.places[i].id, net.places[i].prefecture)).collect();
            return Err(format!("'{k}' names several places: {}; use the place id", ids.join(", ")));
        }
    }
    // a station name written with 站 (station), as news reports and tickets write it: 郑州东站, 郑州站 (after every
    // exact name: a place named so would win)
    if let Some(i) = k.strip_suffix('站').and_then(|n| net.stations.iter().position(|s| s.name == n.trim_end())) {
        return Ok(Endpoint::Station(StationIx(i as u32)));
    }
    if let Some(i) = net.cities.iter().position(|c| c.name.trim_end_matches('市') == k.trim_end_matches('市')) {
        return Ok(Endpoint::City(CityIx(i as u32)));
    }
    Err(format!("'{k}' is not a station, place or city id, nor an exact station, city or place name of network '{}'", net.name))
}

impl Endpoint {
    fn door_node(self, net: &Network, g: &Graph) -> Node {
        match self {
            Endpoint::Station(s) => g.station(s),
            Endpoint::Place(p) => g.place(p),
            Endpoint::City(c) => g.place(net.cities[c.i()].seat),
        }
    }
}

/// One resolved pair with the line it came from.
pub struct Pair {
    pub line: u64,
    pub from_key: String,
    pub to_key: String,
    pub from: Endpoint,
    pub to: Endpoint,
}

/// Reads `from,to` pairs; unknown names are errors naming the line and field.
pub fn read_pairs(net: &Network, path: &Path) -> Result<Vec<Pair>> {
    read_pairs_keeping(net, path, false, "")?.into_iter().map(|p| p.map_err(|u| u.error)).collect()
}

/// A row of a pairs file with a key that names nothing in the network: the error, and each key with what it
/// resolves to, if anything.
pub struct Unknown {
    pub error: Error,
    pub from: (String, Option<Endpoint>),
    pub to: (String, Option<Endpoint>),
}

/// Reads `from,to` pairs, in file order. With `keep_unknown`, a row whose key names nothing in the network is kept
/// as its error (the network cannot answer it: a station beyond the modelled corridors, or a typo); without, the
/// first such row is the error, its message followed by `hint`. A malformed file is an error either way.
pub fn read_pairs_keeping(net: &Network, path: &Path, keep_unknown: bool, hint: &str) -> Result<Vec<std::result::Result<Pair, Unknown>>> {
    let t = Table::read_schema(path, &crate::schema::PAIRS)?;
    let mut out = Vec::new();
    for r in t.rows() {
        let f = r.req("from")?;
        let to = r.req("to")?;
        match (resolve(net, f), resolve(net, to)) {
            (Ok(from), Ok(to_e)) => out.push(Ok(Pair { line: r.line, from_key: f.to_string(), to_key: to.to_string(), from, to: to_e })),
            (a, z) => {
                let error = match (&a, &z) {
                    (Err(m), _) => r.err("from", format!("{m}{hint}")),
                    (_, Err(m)) => r.err("to", format!("{m}{hint}")),
                    _ => unreachable!("one side failed"),
                };
                if !keep_unknown {
                    return Err(error);
                }
                out.push(Err(Unknown { error, from: (f.to_string(), a.ok()), to: (to.to_string(), z.ok()) }));
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Csv { path: path.to_path_buf(), line: 1, message: "no pairs: the file has a header but no rows".into() });
    }
    Ok(out)
}

/// Notes for the keys of `pairs` taken as a station by name that a city also answers to (郑州, 商丘, 焦作: a
/// scenario's `origin = "郑州"` is the city): `od` answers the station; the note says how to name the city.
/// One note per key, in the order the keys first appear.
pub fn city_or_station_notes<'a>(net: &Network, pairs: impl IntoIterator<Item = &'a Pair>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for p in pairs {
        for (key, e) in [(&p.from_key, p.from), (&p.to_key, p.to)] {
            let Endpoint::Station(s) = e else { continue };
            let k = key.trim();
            if net.stations[s.i()].id == k || !seen.insert(k.to_string()) {
                continue;
            }
            if let Some(c) = net.city_by_key(k) {
                let city = &net.cities[c.i()];
                out.push(format!(
                    "'{k}' (first on line {}) is taken as the station {k} ({}); for the city write {} (or its id {})",
                    p.line, net.stations[s.i()].id, city.name, city.id
                ));
            }
        }
    }
    out
}

/// The distinct origins of some pairs, in a fixed order, and each origin's position in that order.
fn distinct_origins(pairs: &[(Endpoint, Endpoint)]) -> (Vec<Endpoint>, BTreeMap<Endpoint, usize>) {
    let mut origins: Vec<Endpoint> = pairs.iter().map(|p| p.0).collect();
    origins.sort();
    origins.dedup();
    let index = origins.iter().enumerate().map(|(i, o)| (*o, i)).collect();
    (origins, index)
}

/// Door-to-door times by one family of modes (the `--by-mode` columns of `ringsim od`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modes {
    /// Road links only (expressway and trunk, and per-link-speed streets): driving from seat to seat.
    Road,
    /// Everything but road links: access and egress, rail, metro and walking transfers (public transport).
    Transit,
}

impl Modes {
    pub fn allows(self, k: crate::graph::EdgeKind) -> bool {
        match self {
            Modes::Road => matches!(k, crate::graph::EdgeKind::Road(_)),
            Modes::Transit => !matches!(k, crate::graph::EdgeKind::Road(_)),
        }
    }
}

/// Door-to-door times for many pairs using only `modes`: one search per distinct origin, in parallel.
pub fn times_by(net: &Network, g: &Graph, pairs: &[(Endpoint, Endpoint)], modes: Modes) -> Vec<Option<Seconds>> {
    let (origins, index) = distinct_origins(pairs);
    let trees: Vec<crate::search::Tree> =
        origins.par_iter().map(|&o| crate::search::dijkstra_door(g, &g.start_at(&[o.door_node(net, g)], Seconds::ZERO), |k| modes.allows(k))).collect();
    pairs.iter().map(|(f, t)| trees[index[f]].at(t.door_node(net, g))).collect()
}

/// The measure `od` uses for a pair when none is asked for: the station measure between two stations (the
/// fastest platform-to-platform trip), the door measure otherwise.
pub fn default_measure(from: Endpoint, to: Endpoint) -> crate::scenario::Measure {
    match (from, to) {
        (Endpoint::Station(_), Endpoint::Station(_)) => crate::scenario::Measure::Station,
        _ => crate::scenario::Measure::Door,
    }
}

/// Times for many pairs under `measure` (or each pair's [`default_measure`]): one [`crate::rings::Targets`] per
/// distinct origin — the engine `run`, `matrix` and `indicators` use — in parallel; the result is in pair order,
/// with the measure used.
pub fn times_measured(net: &Network, g: &Graph, pairs: &[(Endpoint, Endpoint)], measure: Option<crate::scenario::Measure>) -> Vec<(Option<Seconds>, crate::scenario::Measure)> {
    times_with_modes(net, g, pairs, measure).into_iter().map(|t| (t.0, t.1)).collect()
}

/// As [`times_measured`], with each pair's path as `reach.csv`'s `mode` gives it (`hsr+change+hsr`: the legs in
/// order, a change of trains between two trains; empty where there is no time).
pub fn times_with_modes(net: &Network, g: &Graph, pairs: &[(Endpoint, Endpoint)], measure: Option<crate::scenario::Measure>) -> Vec<(Option<Seconds>, crate::scenario::Measure, String)> {
    use crate::rings::{Origin, Targets};
    let own = crate::rings::stations_by_place(net, g);
    let (origins, index) = distinct_origins(pairs);
    let targets: Vec<Targets> = origins
        .par_iter()
        .map(|&o| {
            let origin = match o {
                Endpoint::Station(s) => Origin::station(g, s),
                Endpoint::Place(p) => Origin::place(g, p, &own),
                Endpoint::City(c) => Origin::city(net, g, c),
            };
            Targets::compute(net, g, &origin, &own)
        })
        .collect();
    pairs
        .iter()
        .map(|(f, t)| {
            let m = measure.unwrap_or_else(|| default_measure(*f, *t));
            let tg = &targets[index[f]];
            let times = match t {
                Endpoint::Station(s) => &tg.stations[s.i()],
                Endpoint::Place(p) => &tg.places[p.i()],
                Endpoint::City(c) => &tg.cities[c.i()],
            };
            let t = times.get(m);
            (t, m, if t.is_some() { times.mode(m).to_string() } else { String::new() })
        })
        .collect()
}

/// Times for many pairs under each pair's [`default_measure`].
pub fn times(net: &Network, g: &Graph, pairs: &[(Endpoint, Endpoint)]) -> Vec<Option<Seconds>> {
    times_measured(net, g, pairs, None).into_iter().map(|x| x.0).collect()
}

/// The name of an endpoint and what it is.
pub fn describe(net: &Network, e: Endpoint) -> (String, &'static str) {
    match e {
        Endpoint::Station(s) => (net.stations[s.i()].name.clone(), "station"),
        Endpoint::Place(p) => (net.places[p.i()].name.clone(), "place"),
        Endpoint::City(c) => (net.cities[c.i()].name.clone(), "city"),
    }
}

