//! Trains, not lines: the rail services of a network and their running times from physics.
//!
//! A [`Service`] is one stopping pattern of trains: a route (stations in running order, consecutive ones joined by
//! a rail section of any line, so trains run through from line to line and onto branches), the stations of the
//! route where it stops, a train class (hsr, intercity, suburban, conventional: the physics of its rolling stock),
//! the trains' maximum speed and how many trains a day run it. Services come from three places:
//!
//! - `services.csv` of the network: the as-built patterns derived from the 2021 departure boards by
//!   `tools/derive/services.py` (one row per distinct pattern, with its number of trains);
//! - default services, generated per line from its sections by a rule stated in `params.toml` (`[rail.defaults]`):
//!   a stopping train on every line and, on every line that has a section no as-built service uses (new lines,
//!   projects), an express stopping only at the line's ends, at junctions (stations where rail lines of three or
//!   more directions meet) and at a provincial capital's stations ([`express_stations`]), and a semi-fast
//!   stopping there and at the stations of the plan's cities (`cities.csv`), as the fast trains of a new line serve its prefecture stations (郑州东–濮阳东 on 济郑: 52 min
//!   by the fastest train at opening, which stops at 濮阳东 and skips the county stations). All run in both
//!   directions;
//! - `project_services.csv` of the network (optional): trains that run on across lines, a project's or (no
//!   project) on lines as built, with a stopping pattern of the defaults or the stops a source lists
//!   ([`load_project_services`]), run only while their whole route is open.
//!
//! Running time between two stops of a service ([`leg_parts`]) is physics, with the parameters of the class:
//! every section at `min(section speed limit, train maximum)` with a running-time supplement (`margin`), plus the
//! time lost braking to a stop (`v / 2b`) and accelerating away (`v / 2a`) at each stop at the speed of the
//! section there, plus the dwell (longer at junctions) and the time lost in a junction's station throat where the
//! train stops there. The same parameters apply to every line, so a line without a timetable gets its times from
//! the same physics as one with.
//!
//! Where the boards time a leg of a timetable pattern (a train's departure from one stop and arrival at a later
//! one), the leg runs at the boards' time, moved by what a scenario's physics changes against the network of the
//! boards' date ([`attach_timetable`], [`Service::timetable`]), the fastest train's in whole minutes as a timetable
//! gives a scheduled time ([`LegParts::rounding`]): the physics is the model of everything the boards
//! do not show, and of change; the boards are the as-built timetable. [`physics_only`] takes them off, for the fit.

use crate::error::{Error, Result};
use crate::network::{Network, RailMode, StationIx};
use crate::table::Table;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The highest average speed a train's scheduled time may give over its modelled route: above it the times or the
/// route are wrong (the fastest trains in service run 350 km/h; the same rule as `MAX_LEG_KMH` of
/// tools/derive/services.py, which cuts a train's run where its board times give more).
pub const MAX_SCHEDULED_KMH: f64 = 360.0;

/// The lowest: below it an arrival was mistyped (one a minute before the departure reads as the next day). The
/// slowest leg of the 2021 boards averages 29 km/h (a 邯长 local train, 220 km in 7 h 32); 10 km/h leaves room for
/// long stands and is still far above a mistyped time's few km/h.
pub const MIN_SCHEDULED_KMH: f64 = 10.0;

/// Where a service comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A pattern of the timetable (`services.csv`).
    Timetable,
    /// A default stopping service of a line.
    DefaultStopping,
    /// A default express of a line.
    DefaultExpress,
    /// A default semi-fast of a line (the express's stops and the plan cities' stations).
    DefaultSemifast,
    /// Added by a scenario (`[[services.add]]`).
    Scenario,
    /// A through service across lines (`project_services.csv`: a project's, or on lines as built), run only while every section of
    /// its route is open.
    Project,
}

#[derive(Clone, Debug)]
pub struct Service {
    pub id: String,
    pub class: RailMode,
    /// The trains' maximum speed.
    pub max_kmh: f64,
    pub trains_per_day: f64,
    /// Stations in running order.
    pub route: Vec<StationIx>,
    /// For each hop `route[k] → route[k + 1]`: the section the train runs on ([`stretch_section`]).
    pub hops: Vec<usize>,
    /// Whether the service stops at `route[k]`.
    pub stops: Vec<bool>,
    /// Whether the timetable cannot tell if the service stops at `route[k]` (a station without a board): such a
    /// station is charged a share of a stop ([`fastest_shares`]: each train stops there with probability
    /// `rail.unknown_stop_ratio × stop_rate`, × `rail.county_stop_weight` for an EMU at a station not named after its
    /// city ([`Service::stop_probabilities`]), and the leg takes the fastest of the pattern's trains) where a train could
    /// stop in the scenario (open, and not a project's station, which is only ever a leg's end); trains board and
    /// alight there once it is open.
    pub unknown: Vec<bool>,
    /// The share of the stations with a board that the train passes (between its ends) at which it stops: 1 for a
    /// train that stops at every one, 0 for a non-stop. A train that skips the stations whose boards are known
    /// likely skips the ones without a board too. A timetable service that passes no station with a board takes
    /// the mean over the timetable's trains ([`load`]); services without unknown stations do not use it.
    pub stop_rate: f64,
    /// Whether the trains change ends at `route[k]` by the timetable (`services.csv` column `reverses`: they stand
    /// 15 min or more there), on top of the turns [`reverses`] finds on the map.
    pub reverse: Vec<bool>,
    /// Whether the trains stand long at `route[k]` by the timetable (`services.csv` column `stands`: 8–14 min, to be
    /// overtaken or to wait for a path): charged the class's `stand_s` in place of the dwell.
    pub stand: Vec<bool>,
    pub origin: Origin,
    /// The clock times of each of the pattern's trains on the boards (`services.csv` column `departures`), for
    /// the departure-window search ([`crate::window`]); empty for default and scenario services, which run at
    /// even headways, and for a timetable service whose trains a day a scenario changes.
    pub departures: Vec<Vec<Call>>,
    /// Each of the pattern's trains' arrivals on the boards (`services.csv` column `arrivals`, in the order of
    /// `departures`): with its departures, the train's scheduled time between two board stations.
    pub arrivals: Vec<Vec<(StationIx, crate::units::Clock)>>,
    /// For a leg between two stops (from, to) that the boards time: the boards' time less the physics's at the
    /// boards' date, for the fastest of the pattern's trains and for any one of them (seconds; [`attach_timetable`]).
    /// A scenario's leg takes its physics plus this, so that the timetable's trains run at their scheduled times
    /// and a scenario moves them by what its physics changes (speed limits, stops, trains a day). For a default or
    /// project service, what brings a leg up to the timetable's fastest train of its class over the same stations
    /// ([`charge_stretches`]). Empty for a scenario's own services, and where the boards time no leg.
    pub timetable: BTreeMap<(StationIx, StationIx), Timed>,
}

/// A train of a timetable pattern at a stop at its clock time on the boards: its departure, or, for a train whose
/// boards show a departure at none of its stops but the last, its arrival at a stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub station: StationIx,
    pub at: crate::units::Clock,
    pub arrives: bool,
}

/// For each station of `route`, whether tickets are sold there ([`crate::network::Station::telecode`]).
fn sells(net: &Network, route: &[StationIx]) -> Vec<bool> {
    route.iter().map(|x| net.stations[x.i()].telecode).collect()
}

/// The share of the intermediate stations with a board (those not `unknown`, where tickets are sold: `sells[k]`)
/// at which a service stops, or `None` when it passes none.
fn board_stop_rate(stops: &[bool], unknown: &[bool], sells: &[bool]) -> Option<f64> {
    let n = stops.len();
    let (mut stopped, mut known) = (0usize, 0usize);
    for k in 1..n.saturating_sub(1) {
        if !unknown[k] && sells[k] {
            known += 1;
            stopped += stops[k] as usize;
        }
    }
    (known > 0).then(|| stopped as f64 / known as f64)
}

/// The sections joining each unordered station pair, in file order.
pub fn sections_by_pair(net: &Network) -> BTreeMap<(StationIx, StationIx), Vec<usize>> {
    let mut m: BTreeMap<(StationIx, StationIx), Vec<usize>> = BTreeMap::new();
    for (i, s) in net.sections.iter().enumerate() {
        let k = if s.from < s.to { (s.from, s.to) } else { (s.to, s.from) };
        m.entry(k).or_default().push(i);
    }
    m
}

/// The section a train runs on between two adjacent stations, if any joins them. Where several lines share the
/// stretch it is the section that opened first (the one open at the timetable's date): a fixed choice, so that a
/// scenario never switches a train onto another line's section (opening a line must never slow a trip).
pub fn stretch_section(net: &Network, pairs: &BTreeMap<(StationIx, StationIx), Vec<usize>>, a: StationIx, b: StationIx) -> Option<usize> {
    let k = if a < b { (a, b) } else { (b, a) };
    pairs.get(&k).and_then(|v| v.iter().copied().min_by_key(|&i| (net.sections[i].opened.is_none(), net.sections[i].opened, i)))
}

/// The section of every hop of `route` ([`stretch_section`]), or the first pair of consecutive stations no
/// section joins, for the caller's error ("list every station the train passes").
pub fn route_hops(net: &Network, pairs: &BTreeMap<(StationIx, StationIx), Vec<usize>>, route: &[StationIx]) -> std::result::Result<Vec<usize>, (StationIx, StationIx)> {
    route.windows(2).map(|w| stretch_section(net, pairs, w[0], w[1]).ok_or((w[0], w[1]))).collect()
}

/// Reads `services.csv` of a network folder, if there is one.
pub fn load(dir: &Path, net: &Network) -> Result<Vec<Service>> {
    let path = dir.join("services.csv");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let t = Table::read_schema(&path, &crate::schema::SERVICES)?;
    let pairs = sections_by_pair(net);
    let mut out = Vec::new();
    let mut ids = BTreeSet::new();
    for r in t.rows() {
        let id = r.req("service_id")?.to_string();
        if !ids.insert(id.clone()) {
            return Err(r.err("service_id", format!("'{id}' appears twice; every service needs its own id")));
        }
        let class = RailMode::parse(r.req("class")?).ok_or_else(|| r.err("class", "unknown train class; use hsr, intercity, suburban or conventional"))?;
        let max_kmh = r.positive("max_kmh")?;
        if !(40.0..=450.0).contains(&max_kmh) {
            return Err(r.err("max_kmh", format!("{max_kmh} km/h is outside 40–450 km/h, the range of passenger trains")));
        }
        let trains_per_day = r.positive("trains_per_day")?;
        if trains_per_day > 500.0 {
            return Err(r.err("trains_per_day", format!("{trains_per_day} trains a day in one pattern is above 500; give trains a day")));
        }
        r.req("source")?;
        let station = |field: &str, key: &str| -> Result<StationIx> {
            net.station(key).ok_or_else(|| r.err(field, format!("no station '{key}' in stations.csv; use station ids")))
        };
        let route: Vec<StationIx> = r.req("route")?.split('|').map(|k| station("route", k.trim())).collect::<Result<_>>()?;
        if route.len() < 2 {
            return Err(r.err("route", "a route needs at least two stations, '|'-separated"));
        }
        let mut seen = BTreeSet::new();
        for s in &route {
            // a junction without passenger business (no telecode: 横店东) is never a stop, so a train may pass it twice
            // (into a terminus and out again after changing ends)
            if !seen.insert(*s) && net.stations[s.i()].telecode {
                return Err(r.err("route", format!("station '{}' appears twice; a service visits a station once (split loops into two services; only a junction without a telecode may be passed twice)", net.stations[s.i()].id)));
            }
        }
        let hops = route_hops(net, &pairs, &route)
            .map_err(|(a, b)| r.err("route", format!("no rail section joins '{}' and '{}'; list every station the train passes", net.stations[a.i()].id, net.stations[b.i()].id)))?;
        let stop_ids: Vec<StationIx> = r.req("stops")?.split('|').map(|k| station("stops", k.trim())).collect::<Result<_>>()?;
        let mut stops = vec![false; route.len()];
        let mut k = 0;
        for s in &stop_ids {
            while k < route.len() && route[k] != *s {
                k += 1;
            }
            if k == route.len() {
                return Err(r.err("stops", format!("stop '{}' is not on the route after the previous stop; list stops in running order", net.stations[s.i()].id)));
            }
            stops[k] = true;
            k += 1;
        }
        if !stops[0] || !stops[route.len() - 1] {
            return Err(r.err("stops", "a service stops at the first and last station of its route"));
        }
        // a station passed twice is passed both times: a train that stopped there would visit it twice
        for (k, x) in route.iter().enumerate() {
            if stops[k] && route.iter().filter(|y| *y == x).count() > 1 {
                return Err(r.err("stops", format!("'{}' is on the route twice and cannot be a stop; a station passed twice is a junction the train runs through both times", net.stations[x.i()].id)));
            }
        }
        let mut unknown = vec![false; route.len()];
        for k in r.get("unknown").split('|').map(str::trim).filter(|k| !k.is_empty()) {
            let s = station("unknown", k)?;
            if !net.stations[s.i()].telecode {
                return Err(r.err("unknown", format!("'{k}' sells no tickets (no telecode in stations.csv): trains pass it, so it is never an unknown stop; leave it out")));
            }
            match route.iter().position(|x| *x == s) {
                Some(p) if unknown[p] => return Err(r.err("unknown", format!("'{k}' is listed twice"))),
                Some(p) if !stops[p] => unknown[p] = true,
                Some(_) => return Err(r.err("unknown", format!("'{k}' is listed as a stop too; a station is either a stop or unknown"))),
                None => return Err(r.err("unknown", format!("'{k}' is not on the route"))),
            }
        }
        let mut reverse = vec![false; route.len()];
        for k in r.get("reverses").split('|').map(str::trim).filter(|k| !k.is_empty()) {
            let s = station("reverses", k)?;
            match route.iter().position(|x| *x == s) {
                Some(p) if reverse[p] => return Err(r.err("reverses", format!("'{k}' is listed twice"))),
                Some(p) if stops[p] && p > 0 && p + 1 < route.len() => reverse[p] = true,
                Some(_) => return Err(r.err("reverses", format!("'{k}' is not an intermediate stop; a train changes ends only where it stops between its ends"))),
                None => return Err(r.err("reverses", format!("'{k}' is not on the route"))),
            }
        }
        let mut stand = vec![false; route.len()];
        for k in r.get("stands").split('|').map(str::trim).filter(|k| !k.is_empty()) {
            let s = station("stands", k)?;
            match route.iter().position(|x| *x == s) {
                Some(p) if stand[p] => return Err(r.err("stands", format!("'{k}' is listed twice"))),
                Some(p) if reverse[p] => return Err(r.err("stands", format!("'{k}' is listed in `reverses` too; a long stop is either a change of ends or a stand"))),
                Some(p) if stops[p] && p > 0 && p + 1 < route.len() => stand[p] = true,
                Some(_) => return Err(r.err("stands", format!("'{k}' is not an intermediate stop; a train stands only where it stops between its ends"))),
                None => return Err(r.err("stands", format!("'{k}' is not on the route"))),
            }
        }
        let mut departures = Vec::new();
        for train in r.get("departures").split_whitespace() {
            let mut calls: Vec<Call> = Vec::new();
            let mut last_pos = None;
            for tok in train.split('/') {
                let bad = || r.err("departures", format!("'{tok}' is not a train's clock time; write dep@STATION=HH:MM (its departure from a stop) or arr@STATION=HH:MM (its arrival at one); a train's times '/'-separated in running order, trains space-separated"));
                let (kind, rest) = tok.split_once('@').ok_or_else(bad)?;
                let (key, at) = rest.split_once('=').ok_or_else(bad)?;
                let arrives = match kind {
                    "dep" => false,
                    "arr" => true,
                    _ => return Err(bad()),
                };
                let st = station("departures", key)?;
                let at = crate::units::Clock::parse(at, false).map_err(|m| r.err("departures", format!("'{tok}': {m}")))?;
                let p = match route.iter().position(|x| *x == st) {
                    Some(p) if stops[p] && !arrives && p + 1 < route.len() => p,
                    Some(p) if stops[p] && arrives && p > 0 => p,
                    _ => {
                        return Err(r.err(
                            "departures",
                            format!("'{tok}': a train departs from a stop before the last and arrives at a stop after the first of the service; '{key}' is not one"),
                        ))
                    }
                };
                if last_pos.is_some_and(|q| p <= q) {
                    return Err(r.err("departures", format!("'{train}': list a train's times in running order, each stop once")));
                }
                last_pos = Some(p);
                calls.push(Call { station: st, at, arrives });
            }
            if calls.len() > 1 && calls.iter().any(|c| c.arrives) {
                return Err(r.err("departures", format!("'{train}': an arrival (arr@) stands alone, for a train with no departure on the boards")));
            }
            departures.push(calls);
        }
        if !departures.is_empty() && departures.len() as f64 != trains_per_day {
            return Err(r.err("departures", format!("{} trains' clock times for {trains_per_day} trains a day; give one group per train, or none", departures.len())));
        }
        let mut arrivals = Vec::new();
        for train in r.get("arrivals").split_whitespace() {
            let mut calls = Vec::new();
            let mut last_pos: Option<usize> = None;
            if train == "-" {
                arrivals.push(calls);
                continue;
            }
            for tok in train.split('/') {
                let bad = || r.err("arrivals", format!("'{tok}' is not a train's arrival; write STATION=HH:MM (its arrival at a stop after the first), a train's arrivals '/'-separated in running order, trains space-separated in the order of `departures`, '-' for a train with none"));
                let (key, at) = tok.split_once('=').ok_or_else(bad)?;
                if key.contains('@') {
                    return Err(bad());
                }
                let st = station("arrivals", key)?;
                let at = crate::units::Clock::parse(at, false).map_err(|m| r.err("arrivals", format!("'{tok}': {m}")))?;
                let p = match route.iter().position(|x| *x == st) {
                    Some(p) if stops[p] && p > 0 => p,
                    _ => return Err(r.err("arrivals", format!("'{tok}': a train arrives at a stop after the first of the service; '{key}' is not one"))),
                };
                if last_pos.is_some_and(|q| p <= q) {
                    return Err(r.err("arrivals", format!("'{train}': list a train's arrivals in running order, each stop once")));
                }
                last_pos = Some(p);
                calls.push((st, at));
            }
            arrivals.push(calls);
        }
        if !arrivals.is_empty() && arrivals.len() != departures.len() {
            return Err(r.err("arrivals", format!("{} trains' arrivals for {} trains' departures; give one group per train in the order of `departures` ('-' for a train with none), or none", arrivals.len(), departures.len())));
        }
        // each train's scheduled time between its departures and later arrivals: a time at all, and one a train
        // could run over the route (a time past midnight wraps: an arrival before the departure is the next day)
        for (deps, arrs) in departures.iter().zip(&arrivals) {
            for ((from, to), (dep, at, secs)) in train_legs(&route, deps, arrs) {
                let p = |x: StationIx| route.iter().position(|y| *y == x).unwrap_or(0);
                let km: f64 = hops[p(from)..p(to)].iter().map(|&si| net.sections[si].length.0).sum();
                let (a, z) = (&net.stations[from.i()].id, &net.stations[to.i()].id);
                if secs == 0.0 {
                    return Err(r.err("arrivals", format!("a train leaves {a} and arrives at {z} at the same minute, {at}; check the two times")));
                }
                let (kmh, min) = (km / (secs / 3600.0), secs / 60.0);
                if kmh < MIN_SCHEDULED_KMH {
                    return Err(r.err("arrivals", format!("a train leaving {a} at {dep} reaches {z} at {at}: {km:.0} km of the route in {min:.0} min, {kmh:.1} km/h, slower than any train ({MIN_SCHEDULED_KMH} km/h; an arrival before the departure is read as the next day); check the times")));
                }
                if kmh > MAX_SCHEDULED_KMH {
                    return Err(r.err("arrivals", format!("a train leaving {a} at {dep} reaches {z} at {at}: {km:.0} km of the route in {min:.0} min, {kmh:.0} km/h, faster than any passenger train ({MAX_SCHEDULED_KMH} km/h); check the times, or the route (a missing corridor makes it too long)")));
                }
            }
        }
        out.push(Service { id, class, max_kmh, trains_per_day, route, hops, stops, unknown, stop_rate: f64::NAN, reverse, stand, origin: Origin::Timetable, departures, arrivals, timetable: BTreeMap::new() });
    }
    // a service that passes no station with a board takes the mean stop rate of the trains (weighted by trains a
    // day, summed in file order: the same bytes every time)
    let rates: Vec<Option<f64>> = out
        .iter()
        .map(|s| board_stop_rate(&s.stops, &s.unknown, &sells(net, &s.route)))
        .collect();
    let (mut num, mut den) = (0.0, 0.0);
    for (s, r) in out.iter().zip(&rates) {
        if let Some(r) = r {
            num += r * s.trains_per_day;
            den += s.trains_per_day;
        }
    }
    let mean = if den > 0.0 { num / den } else { 1.0 };
    for (s, r) in out.iter_mut().zip(rates) {
        s.stop_rate = r.unwrap_or(mean);
    }
    Ok(out)
}

/// Junctions: stations with rail sections towards three or more distinct neighbours (on any line, open or planned,
/// so that the set does not change with the scenario and opening a line never adds a stop to an existing express).
pub fn junctions(net: &Network) -> Vec<bool> {
    junctions_of(net, |_| true)
}

/// The stations where a default express stops besides its ends: the junctions, and the stations of a provincial
/// capital among the plan cities (a prefecture code `xx0100`, GB/T 2260: 郑州 410100, 武汉 420100, 长沙 430100, 南昌
/// 360100). A capital's stations are stops of every fast train the 2021 boards show there (郑州东, 武汉, 长沙南, 南昌西);
/// an assumption for the defaults, which would otherwise run through 南昌西, on 沪昆 neither an end nor a junction.
pub fn express_stations(net: &Network) -> Vec<bool> {
    let mut out = junctions(net);
    for c in net.cities.iter().filter(|c| is_capital_code(&c.id)) {
        for s in &c.stations {
            out[s.i()] = true;
        }
    }
    out
}

/// Whether a 6-digit prefecture code is a provincial capital's: `xx0100` with `xx` a province's code (GB/T 2260; the
/// first prefecture of each province and autonomous region is its capital, 石家庄 130100 … 乌鲁木齐 650100). The
/// municipalities (北京 11, 天津 12, 上海 31, 重庆 50) are not listed: their `xx0100` is the city's districts.
fn is_capital_code(id: &str) -> bool {
    const PROVINCES: [&str; 27] = ["13", "14", "15", "21", "22", "23", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "51", "52", "53", "54", "61", "62", "63", "64", "65"];
    id.len() == 6 && id.ends_with("0100") && PROVINCES.contains(&&id[..2])
}

/// Junctions over the sections `count` selects.
pub fn junctions_of(net: &Network, count: impl Fn(&crate::network::Section) -> bool) -> Vec<bool> {
    let mut nb: Vec<BTreeSet<StationIx>> = vec![BTreeSet::new(); net.stations.len()];
    for s in net.sections.iter().filter(|s| count(s)) {
        nb[s.from.i()].insert(s.to);
        nb[s.to.i()].insert(s.from);
    }
    nb.iter().map(|n| n.len() >= 3).collect()
}

/// The stopping patterns of default and project services.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Every station of the route.
    Stopping,
    /// The ends, the junctions and a provincial capital's stations ([`express_stations`]).
    Express,
    /// The express's stops and the plan cities' stations (`cities.csv`).
    Semifast,
}

impl Pattern {
    pub fn parse(s: &str) -> Option<Pattern> {
        match s {
            "stopping" => Some(Pattern::Stopping),
            "express" => Some(Pattern::Express),
            "semifast" => Some(Pattern::Semifast),
            _ => None,
        }
    }
}

/// Whether a service of `pattern` stops at each station of `route` (`hub`: [`express_stations`], `city`: the plan
/// cities' stations, both by station index).
pub fn pattern_stops(route: &[StationIx], pattern: Pattern, hub: &[bool], city: &[bool]) -> Vec<bool> {
    let n = route.len();
    (0..n)
        .map(|k| {
            let end_or_hub = k == 0 || k == n - 1 || hub[route[k].i()];
            match pattern {
                Pattern::Stopping => true,
                Pattern::Express => end_or_hub,
                Pattern::Semifast => end_or_hub || city[route[k].i()],
            }
        })
        .collect()
}

/// Whether each station is a plan city's (`cities.csv`).
fn city_stations(net: &Network) -> Vec<bool> {
    let mut city = vec![false; net.stations.len()];
    for c in &net.cities {
        for s in &c.stations {
            city[s.i()] = true;
        }
    }
    city
}

/// The through services (`project_services.csv`, optional): trains that run from one line onto another, which a
/// line's own defaults, ending at its ends, cannot express: a project's, as the railway runs them once it opens
/// (日兰's trains to 郑州东 over 郑徐 from 兰考南), or, with no `project_id`, trains through between lines as built
/// in a network without a timetable (汉十's trains from 汉口 over 汉孝城际). Each row is a route (every station the
/// train passes, consecutive ones joined by a section; at least one of them the project's, or none a project's), a
/// stopping pattern of the defaults (`stopping`, `express`, `semifast`) or `listed` with the stops of column `stops`
/// (as a source gives them), and trains a day each way; both directions run (`<id>` and `<id>:rev`). A scenario
/// runs one only while every section of its route is open ([`Scene::legs`]).
pub fn load_project_services(dir: &Path, net: &Network) -> Result<Vec<Service>> {
    let path = dir.join("project_services.csv");
    if !path.exists() {
        return Ok(Vec::new());
    }
    let t = Table::read_schema(&path, &crate::schema::PROJECT_SERVICES)?;
    let pairs = sections_by_pair(net);
    let hub = express_stations(net);
    let city = city_stations(net);
    let mut out: Vec<Service> = Vec::new();
    for r in t.rows() {
        let id = r.req("service_id")?.to_string();
        if id.contains(':') {
            return Err(r.err("service_id", format!("'{id}' contains ':', which the default services' ids (`<line>:express:1`) and the reverse direction (`:rev`) use; give an id without it")));
        }
        if net.services.iter().chain(&out).any(|s| s.id == id) {
            return Err(r.err("service_id", format!("'{id}' is already a service id; give every service its own id")));
        }
        // empty: a through service of lines as built (汉十's trains from 汉口 over 汉孝城际), run while its route is open
        let project = Some(r.get("project_id")).filter(|p| !p.is_empty());
        if let Some(project) = project {
            if !net.sections.iter().any(|s| s.project.as_deref() == Some(project)) {
                return Err(r.err("project_id", format!("no section of rail_sections.csv belongs to project '{project}'; use the project_id of the project's sections, or leave it empty for a through service of lines as built")));
            }
        }
        let class = RailMode::parse(r.req("class")?).ok_or_else(|| r.err("class", "unknown train class; use hsr, intercity, suburban or conventional"))?;
        // the stops: a pattern of the defaults, or (pattern `listed`) the stations of column `stops`, as a source
        // gives them (G4022 武汉–黄梅东 stopping only at 黄冈东)
        let pattern_name = r.req("pattern")?;
        let listed = pattern_name == "listed";
        let pattern = if listed { None } else { Some(Pattern::parse(pattern_name).ok_or_else(|| r.err("pattern", "unknown stopping pattern; use stopping, express or semifast, or listed with the stops in column `stops`"))?) };
        if !listed && !r.get("stops").is_empty() {
            return Err(r.err("stops", format!("stops are given but the pattern is '{}', which sets them; write pattern `listed` to stop where `stops` says, or leave `stops` empty", pattern_name)));
        }
        let trains_per_day = r.positive("trains_per_day")?;
        r.req("source")?;
        let route: Vec<StationIx> = r
            .req("route")?
            .split('|')
            .map(|k| net.station(k.trim()).ok_or_else(|| r.err("route", format!("no station '{}' in stations.csv; use station ids, '|'-separated", k.trim()))))
            .collect::<Result<_>>()?;
        if route.len() < 2 || route.iter().collect::<BTreeSet<_>>().len() != route.len() {
            return Err(r.err("route", "a route needs two or more stations, each once, '|'-separated"));
        }
        let mut hops = route_hops(net, &pairs, &route)
            .map_err(|(a, b)| r.err("route", format!("no rail section joins '{}' and '{}'; list every station the train passes", net.stations[a.i()].id, net.stations[b.i()].id)))?;
        // a project's trains run on its own track where another line shares the stretch (郑州东–郑州航空港: 郑渝's
        // section and 郑阜's), so that they need that project only, at its speed; a fixed choice, as stretch_section's
        if let Some(project) = project {
            for (h, w) in hops.iter_mut().zip(route.windows(2)) {
                let k = if w[0] < w[1] { (w[0], w[1]) } else { (w[1], w[0]) };
                if let Some(&own) = pairs.get(&k).and_then(|v| v.iter().find(|&&i| net.sections[i].project.as_deref() == Some(project))) {
                    *h = own;
                }
            }
        }
        match project {
            Some(project) if !hops.iter().any(|&si| net.sections[si].project.as_deref() == Some(project)) => {
                return Err(r.err("route", format!("the route uses no section of project '{project}'; a project's service runs on its line")));
            }
            None => {
                if let Some(&si) = hops.iter().find(|&&si| net.sections[si].project.is_some()) {
                    let sec = &net.sections[si];
                    return Err(r.err("route", format!("section '{}' of the route belongs to project '{}': give that project_id (a service of lines as built runs on built lines only)", sec.id, sec.project.as_deref().unwrap_or(""))));
                }
            }
            _ => {}
        }
        let stops = match pattern {
            Some(pattern) => pattern_stops(&route, pattern, &hub, &city),
            None => {
                let mut stops = vec![false; route.len()];
                let mut last: Option<usize> = None;
                if r.get("stops").is_empty() {
                    return Err(r.err("stops", "pattern `listed` stops where this column says: give the stops' station ids, '|'-separated, in running order, both ends included"));
                }
                for k in r.get("stops").split('|').map(str::trim) {
                    let at = net.station(k).and_then(|x| route.iter().position(|y| *y == x));
                    let Some(p) = at else {
                        return Err(r.err("stops", format!("'{k}' is not a station of the route; list the stops by station id, '|'-separated, in running order")));
                    };
                    if last.is_some_and(|q| p <= q) {
                        return Err(r.err("stops", format!("'{k}' is out of order or listed twice; list the stops in running order, each once")));
                    }
                    last = Some(p);
                    stops[p] = true;
                }
                if !stops[0] || !stops[route.len() - 1] {
                    return Err(r.err("stops", "list the route's first and last stations among the stops: the trains start and end there"));
                }
                stops
            }
        };
        if let Some(k) = (0..route.len()).find(|&k| stops[k] && !net.stations[route[k].i()].telecode) {
            let st = &net.stations[route[k].i()];
            if listed {
                return Err(r.err("stops", format!("'{}' sells no tickets (no telecode in stations.csv), so no train stops there; remove it from the stops", st.id)));
            }
            return Err(r.err("route", format!("the {} pattern would stop at '{}', which sells no tickets (no telecode in stations.csv); end the route elsewhere or use a pattern that passes it", pattern_name, st.id)));
        }
        let n = route.len();
        let s = Service {
            id,
            class,
            max_kmh: net.params.rail.class(class).max_kmh,
            trains_per_day,
            route,
            hops,
            stops,
            unknown: vec![false; n],
            stop_rate: 1.0,
            reverse: vec![false; n],
            stand: vec![false; n],
            origin: Origin::Project,
            departures: Vec::new(),
            arrivals: Vec::new(),
            timetable: BTreeMap::new(),
        };
        let rev = s.reversed();
        out.push(s);
        out.push(rev);
    }
    Ok(out)
}

/// The default services of every line (see the module documentation), given the as-built ones.
pub fn defaults(net: &Network, timetable: &[Service], p: &crate::params::RailParams) -> Vec<Service> {
    let hub = express_stations(net);
    let city = city_stations(net);
    // a section counts as used when a timetable service runs between its two stations, on whichever line's
    // section of that stretch it was assigned to (lines sharing a stretch share its trains)
    let mut used = vec![false; net.sections.len()];
    let by_pair = sections_by_pair(net);
    for s in timetable {
        for w in s.route.windows(2) {
            let k = if w[0] < w[1] { (w[0], w[1]) } else { (w[1], w[0]) };
            for &i in by_pair.get(&k).map(|v| v.as_slice()).unwrap_or(&[]) {
                used[i] = true;
            }
        }
    }
    let mut out = Vec::new();
    for (li, line) in net.lines.iter().enumerate() {
        // chains of sections joined end to start, in seq order (a break starts a new chain: a branch)
        let chains = crate::network::line_runs(&net.sections, crate::network::LineIx(li as u32));
        let class = line.mode;
        let cp = p.class(class);
        let express = chains.iter().flatten().any(|&i| !used[i]);
        for (ci, chain) in chains.iter().enumerate() {
            let mut route = vec![net.sections[chain[0]].from];
            route.extend(chain.iter().map(|&i| net.sections[i].to));
            let hops: Vec<usize> = chain.clone();
            let n = route.len();
            let mut variants = vec![(Origin::DefaultStopping, "stopping", pattern_stops(&route, Pattern::Stopping, &hub, &city), p.defaults.stopping_per_day)];
            if express && class != RailMode::Suburban {
                let st = pattern_stops(&route, Pattern::Express, &hub, &city);
                let semi = pattern_stops(&route, Pattern::Semifast, &hub, &city);
                // neither where it would stop everywhere (that is the stopping train), nor the semi-fast where it
                // is the express; the line's `express_per_day` fast trains are shared between the two
                let with_express = st.iter().any(|x| !x);
                let with_semi = semi != st && semi.iter().any(|x| !x);
                let share = if with_express && with_semi { 2.0 } else { 1.0 };
                if with_semi {
                    variants.push((Origin::DefaultSemifast, "semifast", semi, p.defaults.express_per_day / share));
                }
                if with_express {
                    variants.push((Origin::DefaultExpress, "express", st, p.defaults.express_per_day / share));
                }
            }
            for (origin, name, stops, per_day) in variants {
                let id = format!("{}:{}:{}", line.id, name, ci + 1);
                let s = Service { id, class, max_kmh: cp.max_kmh, trains_per_day: per_day, route: route.clone(), hops: hops.clone(), stops, unknown: vec![false; n], stop_rate: 1.0, reverse: vec![false; n], stand: vec![false; n], origin, departures: Vec::new(), arrivals: Vec::new(), timetable: BTreeMap::new() };
                let rev = s.reversed();
                out.push(s);
                out.push(rev);
            }
        }
    }
    out
}

/// One hop of a service in a scenario: its length, its speed limit for this train (m/s) and the section used.
#[derive(Clone, Copy, Debug)]
pub struct Hop {
    pub section: usize,
    pub km: f64,
    pub v: f64,
}

/// The parts of a leg's time (seconds); [`LegParts::total`] adds them up.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LegParts {
    /// Every hop at its speed limit.
    pub running: f64,
    /// The running-time supplement (`margin` × running).
    pub supplement: f64,
    /// Acceleration losses (`v/2a`) at the first stop and after every intermediate stop.
    pub accel: f64,
    /// Braking losses (`v/2b`) before every intermediate stop and at the last.
    pub brake: f64,
    /// Dwell at intermediate stops (longer at junctions).
    pub dwell: f64,
    /// Junction throats at stops.
    pub throat: f64,
    /// Changing ends where the train reverses.
    pub reverse: f64,
    /// Long stands (to be overtaken) where the timetable shows them.
    pub stand: f64,
    /// The share of a stop charged at stations where the timetable cannot tell.
    pub unknown: f64,
    /// Track length of the leg.
    pub km: f64,
    /// Intermediate stops, and those of them that are long stands.
    pub stops: usize,
    pub stand_stops: usize,
    /// Stations passed where the timetable cannot tell whether the train stops, and what a whole stop at every one
    /// of them would cost (braking, dwell, acceleration at the speeds there): `unknown` is the charged share of it.
    pub unknown_stations: usize,
    pub unknown_full: f64,
    /// For a leg the boards time: the boards' time less the physics's at the boards' date ([`Service::timetable`]),
    /// so that the total is the scheduled time moved by what the scenario changes; 0 elsewhere.
    pub timetable: f64,
    /// Whether the boards time this leg (`timetable` applies, whatever its value).
    pub scheduled: bool,
    /// For a leg the boards time, what rounds the fastest train's moved time to the whole minute: a timetable
    /// publishes whole minutes, and the boards' time, moved by what the scenario's physics changes, is the
    /// scenario's scheduled time (郑州东 → 信阳东 in 2025: 66 min on the 2021 boards, 3601.3 s at 350 km/h, 60 min).
    /// 0 at the boards' date (the boards' own minutes) and elsewhere.
    pub rounding: f64,
    /// What the leg is moved by so that, where the boards time the train's other legs, it reaches no stop later
    /// than a stop further on nor sooner than one before, and a rider boarding further on arrives no later than one
    /// who boarded before, nor one boarding before sooner than one boarding after (through stops every train makes).
    pub capped: f64,
}

impl LegParts {
    pub fn total(&self) -> f64 {
        self.running + self.supplement + self.accel + self.brake + self.dwell + self.throat + self.reverse + self.stand + self.unknown + self.timetable + self.rounding + self.capped
    }
}

/// The time from a stop at route position `i` to a stop at `j > i`, in its parts, for a train of class parameters
/// `c` whose stops are `stops` (intermediate stops add braking, dwell and acceleration), over `hops` (route
/// positions k → k + 1); `hub[k]` tells whether route position `k` is a junction; a position where `unknown[k]` is
/// charged `unknown_share[k]` of an intermediate stop; `reverse[k]` marks a stop where the train leaves the way it
/// came (it changes ends: `reverse_s` more) and `stand[k]` one where it stands long (`stand_s` in place of the
/// dwell).
/// [`LegParts::total`] is the leg's time.
///
/// Between two consecutive stops `D` metres apart the train runs every hop at its limit, but never faster than
/// the peak speed it can reach between them, `v_p = √(2D·ab/(a + b))` (`× (1 + margin)` for the supplement), and
/// loses `v/2a` accelerating from a stop and `v/2b` braking to one, at the speed of the hop there, which is also
/// capped at what the hop's length allows. For one hop this is the exact time of an accelerate–cruise–brake
/// profile (`2D/v_p`, a triangle, when the hop is too short to reach the limit), and raising any speed limit
/// never lengthens the time (tested against the profile formula and for monotonicity on random legs).
#[allow(clippy::too_many_arguments)]
pub fn leg_parts(c: &crate::params::TrainClass, hops: &[Hop], stops: &[bool], unknown: &[bool], unknown_share: &[f64], hub: &[bool], reverse: &[bool], stand: &[bool], i: usize, j: usize) -> LegParts {
    let (a, b) = (c.accel_ms2, c.brake_ms2);
    let len = |k: usize| hops[k].km * 1000.0;
    let mut p = LegParts::default();
    // The time is separable by hop: hop k costs L_k/v + coef_k·v, where coef_k gathers the acceleration (1/2a)
    // and braking (1/2b) losses charged at its speed (whole at stops, the unknown share at stations where the
    // timetable cannot tell). With v capped at √(L_k/coef_k) — the speed the train can reach and lose within the
    // hop — and at the peak speed between the two stops around it, each hop's cost falls as its limit rises.
    // the leg's own ends are stops (a train boarded or left at a station the timetable cannot tell about stops there)
    let share = |k: usize| if k == i || k == j || stops[k] { 1.0 } else if unknown[k] { unknown_share[k] } else { 0.0 };
    let mut v_eff = vec![0.0; j];
    let mut seg = i;
    for q in (i + 1)..=j {
        if q < j && !stops[q] {
            continue;
        }
        let d: f64 = (seg..q).map(len).sum();
        // the highest speed the train can reach between the two stops (accelerate, then brake at once)
        let peak = (2.0 * d * a * b / (a + b)).sqrt();
        for k in seg..q {
            let coef = share(k) / (2.0 * a) + share(k + 1) / (2.0 * b);
            let mut v = hops[k].v.min(peak);
            if coef > 0.0 {
                v = v.min((len(k) / coef).sqrt());
            }
            v_eff[k] = v;
            p.running += len(k) / v;
            p.km += hops[k].km;
        }
        p.accel += v_eff[seg] / (2.0 * a);
        p.brake += v_eff[q - 1] / (2.0 * b);
        seg = q;
    }
    p.supplement = p.running * c.margin;
    let throat = |k: usize| if hub[k] { c.hub_throat_s } else { 0.0 };
    p.throat += throat(i) + throat(j);
    for k in (i + 1)..j {
        if stops[k] {
            p.stops += 1;
            // a long stand is the whole time standing there, in place of the dwell, and never shorter than the
            // dwell the stop would have (a conventional train's junction dwell can exceed its fitted stand)
            let dwell = if hub[k] { c.hub_dwell_s } else { c.dwell_s };
            if stand[k] {
                p.stand += c.stand_s.max(dwell);
                p.stand_stops += 1;
            } else {
                p.dwell += dwell;
            }
            p.throat += throat(k);
            if reverse[k] {
                p.reverse += c.reverse_s;
            }
        } else if unknown[k] {
            let full = v_eff[k - 1] / (2.0 * b) + v_eff[k] / (2.0 * a) + if hub[k] { c.hub_dwell_s + c.hub_throat_s } else { c.dwell_s };
            p.unknown_stations += 1;
            p.unknown_full += full;
            p.unknown += unknown_share[k] * full;
        }
    }
    p
}

/// Service modifications of a scenario (`[services]`), in the spirit of Conveyal's add-trips, remove-trips and
/// adjust-frequency/speed/stops modifications: applied to the network's services (timetable and defaults). The
/// keys are checked before serde sees them by [`crate::schema::SCENARIO_TOML`] (line and key path in errors).
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Modifications {
    /// Ids of services to take out (timetable ids from services.csv, or default ids such as
    /// `jingguang-hsr:stopping:1` and `jingguang-hsr:stopping:1:rev`; `jizheng-hsr:express:1` on a line with a
    /// section no timetable service uses).
    #[serde(default)]
    pub remove: Vec<String>,
    #[serde(default)]
    pub add: Vec<NewService>,
    #[serde(default)]
    pub adjust: Vec<Adjust>,
}

/// A service a scenario adds.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewService {
    pub id: String,
    /// hsr, intercity, suburban or conventional: the physics of the trains.
    pub class: String,
    /// Default: the class's `max_kmh`.
    pub max_kmh: Option<f64>,
    pub trains_per_day: f64,
    /// Every station the train passes, in order (ids or exact names); consecutive ones must share a section.
    pub route: Vec<String>,
    /// The stations where it stops (default: every station of the route).
    #[serde(default)]
    pub stops: Vec<String>,
    /// Also run the reverse direction (default true).
    #[serde(default = "yes")]
    pub both_directions: bool,
    pub source: String,
}

fn yes() -> bool {
    true
}

/// A change to existing services.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjust {
    /// The services changed (ids).
    pub services: Vec<String>,
    pub trains_per_day: Option<f64>,
    pub max_kmh: Option<f64>,
    /// Stations of the route where the trains now stop too.
    #[serde(default)]
    pub add_stops: Vec<String>,
    /// Stations where the trains no longer stop (not the first or last).
    #[serde(default)]
    pub remove_stops: Vec<String>,
    pub source: String,
}

/// The services of a scenario: the network's timetable services and every line's defaults (from `params`), with
/// the scenario's modifications applied. Errors name the scenario file and the key.
pub fn scenario_services(net: &Network, params: &crate::params::RailParams, mods: Option<&Modifications>, path: &Path) -> Result<Vec<Service>> {
    let mut all = modified_services(net, params, mods, path)?;
    for s in &mut all {
        charge_stretches(net, s);
    }
    Ok(all)
}

fn modified_services(net: &Network, params: &crate::params::RailParams, mods: Option<&Modifications>, path: &Path) -> Result<Vec<Service>> {
    let mut all: Vec<Service> = net.services.clone();
    all.extend(defaults(net, &net.services, params));
    // the projects' through services, at their class's maximum speed (as the defaults)
    all.extend(net.project_services.iter().map(|s| Service { max_kmh: params.class(s.class).max_kmh, ..s.clone() }));
    let Some(m) = mods else {
        return Ok(all);
    };
    let station = |key: &str, field: &str| -> Result<StationIx> {
        net.station(key)
            .or_else(|| net.stations.iter().position(|s| s.name == key).map(|i| StationIx(i as u32)))
            .ok_or_else(|| Error::config(path, field, format!("'{key}' is not a station id or exact station name of network '{}'", net.name)))
    };
    let find = |all: &[Service], id: &str, field: &str| -> Result<usize> {
        all.iter().position(|s| s.id == id).ok_or_else(|| {
            let near: Vec<&str> = all.iter().map(|s| s.id.as_str()).filter(|s| s.split(':').next() == id.split(':').next()).take(6).collect();
            Error::config(
                path,
                field,
                format!("no service '{id}' in this network{}; services are the ids of services.csv and project_services.csv (`<id>:rev` the other way) and `<line>:stopping|express|semifast:<n>[:rev]`", if near.is_empty() { String::new() } else { format!(" (similar: {})", near.join(", ")) }),
            )
        })
    };
    // an id listed twice, an adjustment of a removed service, one that changes nothing: mistakes in the file, said
    // as such (not "no service" nor silently nothing)
    let twice = |ids: &[String], field: &str| -> Result<()> {
        match ids.iter().enumerate().find(|(i, id)| ids[..*i].contains(id)) {
            Some((_, id)) => Err(Error::config(path, field, format!("'{id}' is listed twice; list each service once"))),
            None => Ok(()),
        }
    };
    twice(&m.remove, "services.remove")?;
    for (k, a) in m.adjust.iter().enumerate() {
        let f = |x: &str| format!("services.adjust[{k}].{x}");
        twice(&a.services, &f("services"))?;
        if let Some(id) = a.services.iter().find(|id| m.remove.contains(id)) {
            return Err(Error::config(path, &f("services"), format!("'{id}' is also in services.remove, so this adjustment would change nothing; take it out of services.remove or of this entry")));
        }
        if a.trains_per_day.is_none() && a.max_kmh.is_none() && a.add_stops.is_empty() && a.remove_stops.is_empty() {
            return Err(Error::config(path, &format!("services.adjust[{k}]"), "changes nothing; give trains_per_day, max_kmh, add_stops or remove_stops (or remove the entry)"));
        }
        // two entries may change one service in different ways, not set one value twice (the last would win)
        for (j, b) in m.adjust[..k].iter().enumerate() {
            let Some(id) = a.services.iter().find(|id| b.services.contains(id)) else { continue };
            let both = [("trains_per_day", a.trains_per_day.is_some() && b.trains_per_day.is_some()), ("max_kmh", a.max_kmh.is_some() && b.max_kmh.is_some())];
            if let Some((key, _)) = both.iter().find(|(_, x)| *x) {
                return Err(Error::config(path, &f(key), format!("'{id}' also has its {key} set in services.adjust[{j}], and only one value can hold; set it once")));
            }
            let stop_keys = |x: &Adjust| x.add_stops.iter().chain(&x.remove_stops).cloned().collect::<BTreeSet<String>>();
            if let Some(st) = stop_keys(a).intersection(&stop_keys(b)).next() {
                return Err(Error::config(path, &f(if a.add_stops.contains(st) { "add_stops" } else { "remove_stops" }), format!("'{id}' also has its stop at '{st}' changed in services.adjust[{j}], and only one change can hold; change it once")));
            }
        }
    }
    for (k, a) in m.adjust.iter().enumerate() {
        let f = |x: &str| format!("services.adjust[{k}].{x}");
        if a.source.trim().is_empty() {
            return Err(Error::config(path, &f("source"), "is empty; say where the change comes from or why it is assumed"));
        }
        if let Some(t) = a.trains_per_day {
            if !(0.01..=500.0).contains(&t) {
                return Err(Error::config(path, &f("trains_per_day"), format!("{t} is outside 0.01–500 trains a day")));
            }
        }
        if let Some(v) = a.max_kmh {
            if !(40.0..=450.0).contains(&v) {
                return Err(Error::config(path, &f("max_kmh"), format!("{v} is outside 40–450 km/h")));
            }
        }
        for id in &a.services {
            let i = find(&all, id, &f("services"))?;
            let s = &mut all[i];
            if let Some(t) = a.trains_per_day {
                s.trains_per_day = t;
                // other trains than the boards': they run at even headways in the departure-window search
                s.departures.clear();
            }
            if let Some(v) = a.max_kmh {
                s.max_kmh = v;
            }
            for (list, on, name) in [(&a.add_stops, true, "add_stops"), (&a.remove_stops, false, "remove_stops")] {
                for key in list {
                    let st = station(key, &f(name))?;
                    let p = s.route.iter().position(|x| *x == st).ok_or_else(|| Error::config(path, &f(name), format!("'{key}' is not on the route of '{id}'")))?;
                    if s.route.iter().filter(|x| **x == st).count() > 1 {
                        return Err(Error::config(path, &f(name), format!("'{key}' is on the route of '{id}' twice, a junction the train runs through both times; it cannot be made a stop")));
                    }
                    if on && !net.stations[st.i()].telecode {
                        return Err(Error::config(path, &f(name), format!("'{key}' sells no tickets (no telecode in stations.csv); a train cannot stop there for passengers")));
                    }
                    if !on && (p == 0 || p + 1 == s.route.len()) {
                        return Err(Error::config(path, &f(name), format!("'{key}' is an end of '{id}'; a service stops at both ends")));
                    }
                    s.stops[p] = on;
                    s.unknown[p] = false;
                    if !on {
                        s.reverse[p] = false;
                        s.stand[p] = false;
                    }
                }
            }
            // a train keeps its board times at the stops that remain; one left with none runs, with the others,
            // at even headways
            let stops_now = s.stops.clone();
            let route_now = s.route.clone();
            let still = |c: &Call| route_now.iter().position(|x| *x == c.station).is_some_and(|p| stops_now[p]);
            for t in s.departures.iter_mut() {
                t.retain(still);
            }
            if s.departures.iter().any(|t| t.is_empty()) {
                s.departures.clear();
            }
            // the pattern's stop rate follows its new stops (kept when it now passes no station with a board)
            if let Some(rate) = board_stop_rate(&s.stops, &s.unknown, &sells(net, &s.route)) {
                s.stop_rate = rate;
            }
        }
    }
    for id in &m.remove {
        let i = find(&all, id, "services.remove")?;
        all.remove(i);
    }
    let pairs = sections_by_pair(net);
    for (k, a) in m.add.iter().enumerate() {
        let f = |x: &str| format!("services.add[{k}].{x}");
        if a.id.trim().is_empty() || all.iter().any(|s| s.id == a.id || s.id == format!("{}:rev", a.id)) {
            return Err(Error::config(path, &f("id"), format!("'{}' is empty or already a service id; give the new service its own id", a.id)));
        }
        let class = RailMode::parse(&a.class).ok_or_else(|| Error::config(path, &f("class"), "use hsr, intercity, suburban or conventional"))?;
        let max_kmh = a.max_kmh.unwrap_or(params.class(class).max_kmh);
        if !(40.0..=450.0).contains(&max_kmh) {
            return Err(Error::config(path, &f("max_kmh"), format!("{max_kmh} is outside 40–450 km/h")));
        }
        if !(a.trains_per_day >= 0.01 && a.trains_per_day <= 500.0) {
            return Err(Error::config(path, &f("trains_per_day"), format!("{} is outside 0.01–500 trains a day", a.trains_per_day)));
        }
        if a.source.trim().is_empty() {
            return Err(Error::config(path, &f("source"), "is empty; say where the service comes from or why it is assumed"));
        }
        let route: Vec<StationIx> = a.route.iter().map(|x| station(x, &f("route"))).collect::<Result<_>>()?;
        if route.len() < 2 || route.iter().collect::<BTreeSet<_>>().len() != route.len() {
            return Err(Error::config(path, &f("route"), "needs two or more stations, each once"));
        }
        let hops = route_hops(net, &pairs, &route).map_err(|(a, b)| {
            Error::config(path, &f("route"), format!("no rail section joins '{}' and '{}'; list every station the train passes", net.stations[a.i()].name, net.stations[b.i()].name))
        })?;
        let mut stops = vec![a.stops.is_empty(); route.len()];
        for key in &a.stops {
            let st = station(key, &f("stops"))?;
            let p = route.iter().position(|x| *x == st).ok_or_else(|| Error::config(path, &f("stops"), format!("'{key}' is not on the route")))?;
            stops[p] = true;
        }
        if !stops[0] || !stops[route.len() - 1] {
            return Err(Error::config(path, &f("stops"), "a service stops at the first and last station of its route"));
        }
        let unknown = vec![false; route.len()];
        let reverse = vec![false; route.len()];
        let stand = vec![false; route.len()];
        let s = Service { id: a.id.clone(), class, max_kmh, trains_per_day: a.trains_per_day, route, hops, stops, unknown, stop_rate: 1.0, reverse, stand, origin: Origin::Scenario, departures: Vec::new(), arrivals: Vec::new(), timetable: BTreeMap::new() };
        if a.both_directions {
            let r = s.reversed();
            all.push(s);
            all.push(r);
        } else {
            all.push(s);
        }
    }
    Ok(all)
}

/// What a scenario makes of services: which sections are open, their speed limits, which stations trains may stop
/// at, and the junctions.
pub struct Scene<'a> {
    pub net: &'a Network,
    pub rail: &'a crate::params::RailParams,
    pub section_open: &'a [bool],
    /// A section's speed limit (km/h) at the scenario's date.
    pub speed_of: &'a dyn Fn(usize) -> f64,
    /// Whether a station is open for stops (a station with its own opening only once open).
    pub stops_at: &'a dyn Fn(StationIx) -> bool,
    pub hub: &'a [bool],
}

impl Service {
    /// The same trains the other way (`<id>:rev`): route, hops and every per-station flag reversed. Only for services
    /// without clock times (defaults, project and scenario services), whose trains run at even headways.
    pub fn reversed(&self) -> Service {
        debug_assert!(self.departures.is_empty());
        let mut r = self.clone();
        r.id = format!("{}:rev", self.id);
        r.route.reverse();
        r.hops.reverse();
        r.stops.reverse();
        r.unknown.reverse();
        r.reverse.reverse();
        r.stand.reverse();
        r
    }

    /// The probability that one of this service's trains stops at a station without a board named after its
    /// city: `ratio` (the fitted `rail.unknown_stop_ratio`) × its stop rate at the stations with a board, at most 1.
    pub fn stop_probability(&self, ratio: f64) -> f64 {
        (ratio * self.stop_rate).min(1.0)
    }

    /// The probabilities that one of this service's trains stops at a station without a board named after its
    /// city ([`Service::stop_probability`]) and at one that is not (× `rail.county_stop_weight` for EMU classes;
    /// the same for conventional trains, which are the ones that serve county stations): the two groups of
    /// [`Unboarded`].
    pub fn stop_probabilities(&self, rail: &crate::params::RailParams) -> (f64, f64) {
        let city = self.stop_probability(rail.unknown_stop_ratio);
        let w = if self.class == RailMode::Conventional { 1.0 } else { rail.county_stop_weight };
        (city, (city * w).clamp(0.0, 1.0))
    }
}

/// The stations without a board a leg passes (where a train could stop), in two groups, each `(count, probability
/// that one train stops at each)`: those named after their city and the others ([`crate::network::Station::city_named`]).
pub type Unboarded = [(usize, f64); 2];

/// The pmf of `Bin(k, p)`, in log space (no overflow of the binomial coefficient, no underflow of `(1 − p)^k` for
/// long legs).
fn binomial_pmf(p: f64, k: usize) -> Vec<f64> {
    let mut pmf = vec![0.0; k + 1];
    if p.is_nan() || p <= 0.0 {
        pmf[0] = 1.0;
        return pmf;
    }
    if p >= 1.0 {
        pmf[k] = 1.0;
        return pmf;
    }
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let mut log_c = 0.0f64;
    for (m, x) in pmf.iter_mut().enumerate() {
        if m > 0 {
            log_c += ((k - m + 1) as f64).ln() - (m as f64).ln();
        }
        *x = (log_c + m as f64 * lp + (k - m) as f64 * lq).exp();
    }
    pmf
}

/// The distribution of the least number of stops that `n` trains make at stations without a board when each
/// train stops at each station of group `g` with probability `groups[g].1`, independently: `P(min ≥ m) = P(X ≥
/// m)^n`, `X` the sum of the groups' `Bin(k_g, p_g)`, for `m = 0..=Σ k_g`.
fn least_stops_tail(groups: &[(usize, f64)], n: i32) -> Vec<f64> {
    // the pmf of the sum: the groups' binomials convolved
    let mut pmf = vec![1.0];
    for &(k, p) in groups {
        let b = binomial_pmf(p, k);
        let mut next = vec![0.0; pmf.len() + k];
        for (x, &px) in pmf.iter().enumerate() {
            if px == 0.0 {
                continue;
            }
            for (y, &py) in b.iter().enumerate() {
                next[x + y] += px * py;
            }
        }
        pmf = next;
    }
    // P(X ≥ m) summed from the top (no cancellation when the probabilities are small)
    let mut out = vec![1.0; pmf.len()];
    let mut tail = 0.0;
    for m in (1..pmf.len()).rev() {
        tail += pmf[m];
        out[m] = tail.min(1.0).powi(n);
    }
    out
}

/// The number of trains a day a pattern's fastest train is the fastest of: `trains_per_day` rounded, at least one.
pub fn trains_drawn(trains_per_day: f64) -> i32 {
    if trains_per_day.is_nan() {
        return 1;
    }
    trains_per_day.round().clamp(1.0, 1000.0) as i32
}

/// The stops the fastest of a pattern's `trains` trains a day makes on average at a leg's stations without a
/// board, when each train stops at each station of a group with the group's probability, independently: the
/// expected least number of stops among the trains, `E[min X_t] = Σ_{m≥1} P(X ≥ m)^n`, `X` the sum of the
/// groups' `Bin(k, p)`.
pub fn fastest_stops(groups: &Unboarded, trains: f64) -> f64 {
    least_stops_tail(groups, trains_drawn(trains)).iter().skip(1).sum()
}

/// The share of a stop to charge at one station of each group of [`Unboarded`] for the fastest of `trains` trains:
/// the stops the fastest train makes in the group on average, over the group's stations. The fastest train is one
/// that makes the least stops, `m`; given that, its stops split between the groups as any one train's do given `m`
/// stops in all (the trains are independent), so `E[X_g of the fastest] = Σ_m P(min = m) · E[X_g | X = m]`. The
/// two shares × counts add up to [`fastest_stops`] (one train: each group's own probability). A group without a
/// station, or of probability 0 (or NaN, taken as 0 as [`fastest_stops`] does), is charged 0.
pub fn fastest_shares(groups: &Unboarded, trains: f64) -> [f64; 2] {
    let [(kc, pc), (kk, pk)] = *groups;
    let (bc, bk) = (binomial_pmf(pc, kc), binomial_pmf(pk, kk));
    let tail = least_stops_tail(groups, trains_drawn(trains));
    let mut city = 0.0;
    let mut all = 0.0;
    for m in 1..tail.len() {
        // P(min = m) = P(min ≥ m) − P(min ≥ m + 1)
        let at = tail[m] - tail.get(m + 1).copied().unwrap_or(0.0);
        if at <= 0.0 {
            continue;
        }
        // P(X = m) and Σ_j j · P(X_city = j) · P(X_other = m − j), over the j the groups allow
        let (mut pm, mut jm) = (0.0, 0.0);
        for j in m.saturating_sub(kk)..=m.min(kc) {
            let x = bc[j] * bk[m - j];
            pm += x;
            jm += j as f64 * x;
        }
        if pm > 0.0 {
            city += at * jm / pm;
        }
        all += at * m as f64;
    }
    let share = |stops: f64, k: usize| if k == 0 { 0.0 } else { (stops / k as f64).clamp(0.0, 1.0) };
    [share(city, kc), share((all - city).max(0.0), kk)]
}

/// One pattern's trains over a leg as a random time: `base` seconds (the leg without a stop at its stations without
/// a board) plus `cost` seconds for each stop its fastest train makes at them, the least over `n` trains of the
/// stops one train makes there, `Bin(k, p)` summed over the two groups of `stations` ([`Leg::draw`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Draw {
    pub base: f64,
    pub cost: f64,
    pub stations: Unboarded,
    pub n: i32,
}

/// The station measure's seconds for a leg that the patterns of `draws` run (in service order) and whose fastest
/// single pattern takes `fastest_single` seconds: the expected fastest of all their trains, rounded, never above
/// the fastest single pattern's own. The graph's station edge and [`crate::cause::fastest_legs`] both use it.
pub fn station_secs(draws: &[Draw], fastest_single: u32) -> u32 {
    let pooled = expected_fastest(draws).unwrap_or(f64::INFINITY);
    (pooled.round().max(1.0) as u32).min(fastest_single)
}

/// The expected time of the fastest train among several patterns' trains over the same leg, the patterns' stops at
/// stations without a board drawn independently: `E[min_c T_c] = t0 + ∫ Π_c P(T_c > t) dt`, exactly, over the
/// step distributions of the `T_c` ([`Draw`]). The fastest scheduled train between two stations is the fastest of
/// every train that serves both, not of one pattern's; one more pattern never raises it. `None` for no draw.
pub fn expected_fastest(draws: &[Draw]) -> Option<f64> {
    // no pattern with a stop left to draw (no station without a board, a probability of 0, a free stop): the least
    // of the fixed times
    let fixed = |d: &Draw| d.stations.iter().all(|&(k, p)| k == 0 || p.is_nan() || p <= 0.0) || d.cost <= 0.0;
    if draws.iter().all(fixed) {
        return draws.iter().map(|d| d.base).min_by(|a, b| a.total_cmp(b));
    }
    // each pattern's time takes the values base + cost·m, m = 0..=k, with P(T_c ≥ base + cost·m) = tail[m]; sweep
    // the values in order, keeping P(T_c > t) per pattern and their product; once one pattern's time is certain to
    // be exceeded, so is the minimum's, and the integral ends
    let tails: Vec<Vec<f64>> = draws.iter().map(|d| if fixed(d) { vec![1.0] } else { least_stops_tail(&d.stations, d.n) }).collect();
    let mut events: Vec<(f64, usize, usize)> = draws.iter().zip(&tails).enumerate().flat_map(|(c, (d, t))| (0..t.len()).map(move |m| (d.base + d.cost * m as f64, c, m))).collect();
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let t0 = events.first()?.0;
    let mut factor = vec![1.0f64; draws.len()];
    let mut prod = 1.0f64;
    let (mut e, mut prev) = (t0, t0);
    for &(v, c, m) in &events {
        e += prod * (v - prev);
        prev = v;
        // above this value, P(T_c > t) is the tail one step further (0 past the last)
        let new = tails[c].get(m + 1).copied().unwrap_or(0.0);
        if new <= 0.0 {
            // this pattern's time is certainly at most v, so is the minimum: nothing more to add
            break;
        }
        // factors only fall, and a zero ends the sweep, so the old one is never zero
        prod = prod / factor[c] * new;
        factor[c] = new;
    }
    Some(e)
}

/// One leg of a service in a scenario: from one stop to a later one, over these sections, with its time's parts.
pub struct Leg {
    pub from: StationIx,
    pub to: StationIx,
    pub sections: Vec<usize>,
    /// The time of the fastest of the pattern's trains ([`fastest_shares`]): what the station measure takes.
    pub parts: LegParts,
    /// The time of any one of its trains (each charged its own probability of a stop at the stations without a
    /// board): what a traveller who takes the next train rides, in the door measure and the departure window.
    pub one: LegParts,
    /// The stations without a board the leg is charged a share of a stop at, by group, with one train's
    /// probability of a stop at each.
    pub unboarded: Unboarded,
    /// Whether the boards time this leg ([`Service::timetable`]): its fastest train is then known, not drawn.
    pub scheduled: bool,
    /// What `one` was raised by to be no faster than the fastest train (seconds, at least 0).
    pub one_raised: f64,
}

impl Leg {
    /// This leg's trains as a [`Draw`]: any one train's time without its share of a stop at the stations without a
    /// board, the mean cost of a whole stop at one of them, and the probabilities of a stop there.
    pub fn draw(&self, svc: &Service) -> Draw {
        if self.scheduled || self.parts.capped != 0.0 {
            // the boards give the fastest train's time, or bound it: nothing left to draw
            return Draw { base: self.parts.total(), cost: 0.0, stations: [(0, 0.0), (0, 0.0)], n: trains_drawn(svc.trains_per_day) };
        }
        let q = &self.one;
        let k = q.unknown_stations;
        Draw { base: q.total() - q.unknown, cost: if k > 0 { q.unknown_full / k as f64 } else { 0.0 }, stations: self.unboarded, n: trains_drawn(svc.trains_per_day) }
    }

    /// The fastest train's time in whole seconds (at least one), as the station measure uses it.
    pub fn secs(&self) -> u32 {
        self.parts.total().round().max(1.0) as u32
    }

    /// Any one train's time in whole seconds (at least one), as the door measure and the departure window use it.
    pub fn secs_one(&self) -> u32 {
        self.one.total().round().max(1.0) as u32
    }
}

impl Scene<'_> {
    /// Every leg of `svc` in the scenario, to `f`. A service cut by a closed section runs on each open part; a
    /// station with a station-level opening is only ever a leg's end (once open), never an intermediate stop, so
    /// that opening a station on an open line never slows the trains that run through it; trains board and alight
    /// at stops and at stations where the timetable cannot tell (through legs are charged the unknown share there).
    pub fn legs(&self, svc: &Service, mut f: impl FnMut(Leg)) {
        let net = self.net;
        let c = self.rail.class(svc.class);
        let hops: Vec<Option<Hop>> = svc
            .hops
            .iter()
            .map(|&si| self.section_open[si].then(|| Hop { section: si, km: net.sections[si].length.0, v: (self.speed_of)(si).min(svc.max_kmh) / 3.6 }))
            .collect();
        // a project's through service runs whole or not at all: cut by a closed section it would run its open
        // parts on lines that have their own trains, before the project opens
        if svc.origin == Origin::Project && hops.iter().any(|h| h.is_none()) {
            return;
        }
        debug_assert_eq!(svc.reverse.len(), svc.route.len());
        let reverse: Vec<bool> = reverses(net, &svc.route).into_iter().zip(&svc.reverse).map(|(g, &t)| g || t).collect();
        // Intermediate stops are the pattern's stops at stations without a station-level opening; a station built
        // by a project on an open line (郑州航空港) is only ever a leg's end, once open, so opening it adds legs and
        // never slows a train that runs through it. A station that opened on its own date, later than its line,
        // without a project (郑州西 on 郑西), is passed until that date and a stop like any other after it.
        let open_stop: Vec<bool> = svc.route.iter().map(|x| net.stations[x.i()].project.is_none() && (self.stops_at)(*x)).collect();
        // one train's probabilities of a stop at a station without a board (named after its city, or not), and the
        // fastest train's shares for a leg past k_city and k_county such stations, which depend only on those counts
        // for this service: computed once each
        let (p_city, p_county) = svc.stop_probabilities(self.rail);
        let mut shares: BTreeMap<(usize, usize), [f64; 2]> = BTreeMap::new();
        let base: Vec<bool> = svc.stops.iter().zip(&open_stop).map(|(&s, &o)| s && o).collect();
        let mut a = 0;
        while a < svc.route.len() - 1 {
            if hops[a].is_none() {
                a += 1;
                continue;
            }
            let mut b = a;
            while b < svc.route.len() - 1 && hops[b].is_some() {
                b += 1;
            }
            // route positions a..=b are joined by open hops a..b
            let run_hops: Vec<Hop> = hops[a..b].iter().map(|h| h.unwrap()).collect();
            let run_hub: Vec<bool> = svc.route[a..=b].iter().map(|x| self.hub[x.i()]).collect();
            // a station without a board is charged a share of a stop only where a train could stop: open, and not
            // a project's station (郑州航空港 before 2022-06-20 had no platform in use; once open it is a leg's end)
            let run_unknown: Vec<bool> = (a..=b).map(|k| svc.unknown[k] && open_stop[k]).collect();
            let run_city: Vec<bool> = svc.route[a..=b].iter().map(|x| net.stations[x.i()].city_named).collect();
            let one_train: Vec<f64> = run_city.iter().map(|&c| if c { p_city } else { p_county }).collect();
            // the fastest train's share at each position, refilled per leg (one buffer per run, not per leg)
            let mut fastest = vec![0.0; run_city.len()];
            let run_reverse = &reverse[a..=b];
            // a stand where the map already finds a reversal is charged as the reversal only
            let run_stand: Vec<bool> = (a..=b).map(|k| svc.stand[k] && !reverse[k]).collect();
            let run_stops = &base[a..=b];
            let pos: Vec<usize> = (0..run_stops.len())
                .filter(|&k| {
                    let x = svc.route[a + k];
                    (self.stops_at)(x) && (run_stops[k] || svc.stops[a + k] || svc.unknown[a + k])
                })
                .collect();
            // the run's legs, (x, y) over the positions `pos`: collected first where the boards time some of them,
            // so that the others are made consistent with them (below)
            let consistent = !svc.timetable.is_empty();
            let mut run_legs: Vec<(usize, usize, Leg)> = Vec::new();
            for (x, &i) in pos.iter().enumerate() {
                for (y, &j) in pos.iter().enumerate().skip(x + 1) {
                    let charged = ((i + 1)..j).filter(|&q| run_unknown[q] && !run_stops[q]);
                    let k_city = charged.clone().filter(|&q| run_city[q]).count();
                    let k = charged.count();
                    let unboarded: Unboarded = [(k_city, p_city), (k - k_city, p_county)];
                    let [s_city, s_county] = *shares.entry((k_city, k - k_city)).or_insert_with(|| fastest_shares(&unboarded, svc.trains_per_day));
                    for (s, &c) in fastest.iter_mut().zip(&run_city) {
                        *s = if c { s_city } else { s_county };
                    }
                    let parts = leg_parts(c, &run_hops, run_stops, &run_unknown, &fastest, &run_hub, run_reverse, &run_stand, i, j);
                    // one train's time differs only where a group the leg passes is charged other than its probability
                    let same = unboarded.iter().zip([s_city, s_county]).all(|(&(kg, pg), s)| kg == 0 || s == pg);
                    let one = if same { parts.clone() } else { leg_parts(c, &run_hops, run_stops, &run_unknown, &one_train, &run_hub, run_reverse, &run_stand, i, j) };
                    let sections: Vec<usize> = run_hops[i..j].iter().map(|h| h.section).collect();
                    let (from, to) = (svc.route[a + i], svc.route[a + j]);
                    let (mut parts, mut one) = (parts, one);
                    let mut one_raised = 0.0;
                    let scheduled = match svc.timetable.get(&(from, to)) {
                        Some(t) => {
                            parts.timetable = t.fast;
                            one.timetable = t.one;
                            parts.scheduled = true;
                            one.scheduled = true;
                            // the fastest train's moved time in whole minutes (a round is monotone, so a scenario
                            // whose physics is no slower still gives no later a time); any one train's is a mean
                            let total = parts.total();
                            let r = (total / 60.0).round() * 60.0 - total;
                            // at the boards' date the total is the boards' minutes up to float error: no rounding
                            parts.rounding = if r.abs() < 1e-6 { 0.0 } else { r };
                            // any one train is never faster than the fastest (the two corrections are measured at
                            // the boards' date; a scenario's physics moves their shares of a stop apart)
                            let gap = parts.total() - one.total();
                            if gap > 0.0 {
                                one.timetable += gap;
                                one_raised = gap;
                            }
                            true
                        }
                        None => false,
                    };
                    let leg = Leg { from, to, sections, parts, one, unboarded, scheduled, one_raised };
                    if consistent {
                        run_legs.push((x, y, leg));
                    } else {
                        f(leg);
                    }
                }
            }
            if consistent {
                // A train reaches a stop no later than a stop further on, and a rider who boards it further on
                // arrives no later than one who boarded before: where the boards time some legs and the physics
                // the others (legs to and from stations without a board, legs cut from the boards' date), each
                // leg is held between the timed legs of the same train that bound it, the fastest's and any one's
                // apart (`capped`). The bounds are timed legs, whose times only fall as projects open (their
                // physics does), so opening a project or adding a service still never slows a trip.
                let n = pos.len();
                let at = |x: usize, y: usize| x * n + y;
                // only through a stop every train makes: at a station without a board the fastest train further on
                // may be one that does not stop there
                let every = |x: usize| run_stops[pos[x]];
                // the bound of each leg from the legs the boards time (never from the physics's own: that would
                // carry its error onto the boards' times): the least over the timed legs boarded no later (through
                // stops every train makes) and left no earlier
                // the timed legs' totals (the fastest's and any one's), `fill` elsewhere
                let timed = |fill: f64| {
                    let (mut fast, mut any) = (vec![fill; n * n], vec![fill; n * n]);
                    for (x, y, leg) in run_legs.iter().filter(|l| l.2.scheduled) {
                        fast[at(*x, *y)] = leg.parts.total();
                        any[at(*x, *y)] = leg.one.total();
                    }
                    (fast, any)
                };
                let (mut fast, mut any) = timed(f64::INFINITY);
                for x in 0..n {
                    for y in ((x + 1)..n).rev() {
                        for t in [&mut fast, &mut any] {
                            let mut v = t[at(x, y)];
                            if y + 1 < n && every(y) {
                                v = v.min(t[at(x, y + 1)]);
                            }
                            if x > 0 && every(x) {
                                v = v.min(t[at(x - 1, y)]);
                            }
                            t[at(x, y)] = v;
                        }
                    }
                }
                // and the floor: a train reaches a stop no sooner than the stops before it, and a rider boarding it
                // before arrives no sooner than one boarding after (again from the timed legs only)
                let (mut fast_lo, mut any_lo) = timed(f64::NEG_INFINITY);
                for x in (0..n).rev() {
                    for y in (x + 1)..n {
                        for t in [&mut fast_lo, &mut any_lo] {
                            let mut v = t[at(x, y)];
                            if y > x + 1 && every(y - 1) {
                                v = v.max(t[at(x, y - 1)]);
                            }
                            if x + 1 < y && every(x + 1) {
                                v = v.max(t[at(x + 1, y)]);
                            }
                            t[at(x, y)] = v;
                        }
                    }
                }
                for (x, y, mut leg) in run_legs {
                    // the bound from below first, then from above (which the boards' own legs always meet)
                    for (p, lo, hi) in [(&mut leg.parts, fast_lo[at(x, y)], fast[at(x, y)]), (&mut leg.one, any_lo[at(x, y)], any[at(x, y)])] {
                        let t = p.total();
                        p.capped = t.max(lo).min(hi) - t;
                    }
                    f(leg);
                }
            }
            a = b;
        }
    }
}

/// The turn (degrees between the direction in and the direction out, station to station on the map) above which a
/// train is taken to reverse at a stop: it leaves towards where it came from. A modelling rule; the time it costs
/// (`reverse_s`) is fitted. (A 75° threshold, which would also count right-angle changes of line such as 徐兰 to
/// 京广 south at 郑州东, left the cross-validated error unchanged: 15.8 min.)
pub const REVERSAL_TURN_DEG: f64 = 120.0;

/// Whether a train on `route` reverses at position `k`: it turns by more than [`REVERSAL_TURN_DEG`].
pub fn reverses(net: &Network, route: &[StationIx]) -> Vec<bool> {
    // the direction from one station to the next on a local plane: east scaled by the cosine of their mean
    // latitude (scaling each point's longitude by its own latitude's cosine would shift a station 0.5° further north
    // by 50 km to the west at 114° E, and turn a right angle into a reversal)
    let dir = |a: StationIx, b: StationIx| {
        let (p, q) = (&net.stations[a.i()], &net.stations[b.i()]);
        ((q.lon - p.lon) * ((p.lat + q.lat) / 2.0).to_radians().cos(), q.lat - p.lat)
    };
    (0..route.len())
        .map(|k| {
            if k == 0 || k + 1 == route.len() {
                return false;
            }
            let (u, v) = (dir(route[k - 1], route[k]), dir(route[k], route[k + 1]));
            let (nu, nv) = ((u.0 * u.0 + u.1 * u.1).sqrt(), (v.0 * v.0 + v.1 * v.1).sqrt());
            nu > 0.0 && nv > 0.0 && (u.0 * v.0 + u.1 * v.1) / (nu * nv) < (REVERSAL_TURN_DEG).to_radians().cos()
        })
        .collect()
}

impl Service {
    /// The boards' times of this pattern's legs between two board stations: for each `(from, to)` that some train
    /// leaves `from` and reaches `to` by the boards (`departures` and `arrivals`), the fastest train's time and the
    /// mean over the trains the boards time there (seconds; a time past midnight wraps, as the observed pairs do).
    pub fn scheduled_legs(&self) -> BTreeMap<(StationIx, StationIx), (f64, f64)> {
        let mut acc: BTreeMap<(StationIx, StationIx), (f64, f64, u32)> = BTreeMap::new();
        for (deps, arrs) in self.departures.iter().zip(&self.arrivals) {
            for (key, (_, _, t)) in train_legs(&self.route, deps, arrs) {
                let e = acc.entry(key).or_insert((f64::INFINITY, 0.0, 0));
                e.0 = e.0.min(t);
                e.1 += t;
                e.2 += 1;
            }
        }
        // every entry has a train (and, `load` refuses a leg of no time, a positive one)
        acc.into_iter().map(|(k, (min, sum, n))| (k, (min, sum / f64::from(n)))).collect()
    }
}

/// One train's scheduled legs: from each of its departures (`deps`) to each later arrival (`arrs`) on `route`, the
/// departure, the arrival and the seconds between (a time past midnight wraps: an arrival before the departure is
/// the next day). What `services.csv` is checked with and the timetable's times are taken from.
pub fn train_legs(route: &[StationIx], deps: &[Call], arrs: &[(StationIx, crate::units::Clock)]) -> BTreeMap<(StationIx, StationIx), (crate::units::Clock, crate::units::Clock, f64)> {
    let pos = |x: StationIx| route.iter().position(|y| *y == x);
    let mut out = BTreeMap::new();
    for d in deps.iter().filter(|c| !c.arrives) {
        let Some(pd) = pos(d.station) else { continue };
        for &(st, at) in arrs {
            if pos(st).is_some_and(|pa| pa > pd) {
                out.insert((d.station, st), (d.at, at, (at.0 as i64 - d.at.0 as i64).rem_euclid(86_400) as f64));
            }
        }
    }
    out
}

/// Gives every timetable service of `net` its [`Service::timetable`]: for each leg the boards time, the boards'
/// time less the physics's on the network as it was at the boards' date (`rail.hub_lines_as_of`, the date of the
/// departure boards), with the network's fitted parameters. A scenario then runs the timetable's trains at their
/// scheduled times, moved by what its own physics changes against that date (a speed limit raised, a stop added or
/// removed, more or fewer trains, other parameters), and everything else (the legs to and from stations without a
/// board, the lines without a timetable) by the physics alone. Nothing without a date of the boards.
pub fn attach_timetable(net: &mut Network) {
    let Some(date) = net.params.hub_lines_as_of() else {
        return;
    };
    let open = |opened: Option<crate::units::Date>, project: Option<&str>| match opened {
        Some(d) => d <= date,
        None => project.is_none(),
    };
    // the fastest scheduled time of a stretch (from, to, the stations between) over the timetable's trains of a
    // class: a default hsr train is compared with the G/D trains there, not with a Z train routed over the same
    // stations
    let mut stretches: BTreeMap<(RailMode, StationIx, StationIx, Vec<StationIx>), f64> = BTreeMap::new();
    // a project's through service runs whole or not at all in a scenario, but on the network of the boards' date
    // only its parts on lines already open can meet a board: measured on those (郑州东 → 开封北 of 日兰's trains)
    let others: Vec<Service> = defaults(net, &net.services, &net.params.rail)
        .into_iter()
        .chain(net.project_services.iter().map(|s| Service { origin: Origin::Scenario, ..s.clone() }))
        .collect();
    let mut below_floor = 0;
    type Map = BTreeMap<(StationIx, StationIx), Timed>;
    let (corrections, others): (Vec<Map>, BTreeMap<String, Map>) = crate::graph::with_scene(net, &net.params, &open, date, |scene| {
        let corrections = net
            .services
            .iter()
            .map(|svc| {
                let sched = svc.scheduled_legs();
                let mut m = BTreeMap::new();
                if !sched.is_empty() {
                    let mut stations = Vec::new();
                    scene.legs(svc, |leg| {
                        if let Some(&(fast, any)) = sched.get(&(leg.from, leg.to)) {
                            // faster than running every section of the modelled route at its limit: the train does not
                            // run that route (the network lacks its way), so its time says nothing about this one
                            if fast < leg.parts.running {
                                below_floor += 1;
                                return;
                            }
                            m.insert((leg.from, leg.to), Timed { fast: fast - leg.parts.total(), one: any - leg.one.total(), boards: fast });
                            stretch_stations(svc, leg.from, leg.to, &mut stations);
                            let e = stretches.entry((svc.class, leg.from, leg.to, stations.clone())).or_insert(fast);
                            *e = e.min(fast);
                        }
                    });
                }
                m
            })
            .collect();
        // a default or project service is no faster on such a stretch than the timetable's fastest train of its
        // class, at the boards' date; slower, it keeps its own time
        let mut others_c = BTreeMap::new();
        for svc in &others {
            let mut m = BTreeMap::new();
            let mut stations = Vec::new();
            scene.legs(svc, |leg| {
                stretch_stations(svc, leg.from, leg.to, &mut stations);
                if let Some(&fast) = stretches.get(&(svc.class, leg.from, leg.to, stations.clone())) {
                    let c = fast - leg.parts.total();
                    if c > 0.0 {
                        m.insert((leg.from, leg.to), Timed { fast: c, one: (fast - leg.one.total()).max(0.0), boards: fast });
                    }
                }
            });
            if !m.is_empty() {
                others_c.insert(svc.id.clone(), m);
            }
        }
        (corrections, others_c)
    });
    for (s, c) in net.services.iter_mut().zip(corrections) {
        s.timetable = c;
    }
    net.timetable_others = others;
    net.timetable_below_floor = below_floor;
}

/// What the boards say about one leg of a service ([`Service::timetable`]), seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timed {
    /// Charged the fastest train on top of its physics: the boards' fastest time less the physics's at the boards'
    /// date (for a default or project service, what brings it up to the timetable's fastest train there).
    pub fast: f64,
    /// The same for any one train (the mean of the pattern's trains on the boards), for the door measure.
    pub one: f64,
    /// The boards' fastest time of the leg (for a default or project service, of the timetable's trains of its
    /// class over the same stations).
    pub boards: f64,
}

/// The stations of `svc`'s route from `from` to `to`, both included, into `out`.
fn stretch_stations(svc: &Service, from: StationIx, to: StationIx, out: &mut Vec<StationIx>) {
    out.clear();
    let i = svc.route.iter().position(|x| *x == from).unwrap_or(0);
    let j = svc.route[i..].iter().position(|x| *x == to).map_or(i, |d| i + d);
    out.extend_from_slice(&svc.route[i..=j]);
}

/// Gives a default or project service the corrections [`attach_timetable`] found for it
/// ([`Network::timetable_others`]): where it runs a stretch the boards time, it is no faster there than the
/// timetable's fastest train (the boards' 24 trains take 20 min 郑州东 → 开封北, where a default stopping train
/// would take 16.4). Elsewhere (new lines, projects' own track) the physics alone; a scenario's own services too.
fn charge_stretches(net: &Network, svc: &mut Service) {
    if svc.origin == Origin::Timetable || svc.origin == Origin::Scenario {
        return;
    }
    if let Some(m) = net.timetable_others.get(&svc.id) {
        svc.timetable = m.clone();
    }
}

/// Takes the boards' times off every service ([`Service::timetable`]), so that each leg is timed by the physics
/// alone: what `ringsim calibrate` fits and cross-validates, and `ringsim validate --physics` reports (also what
/// [`charge_stretches`] gave the default and project services).
pub fn physics_only(services: &mut [Service]) {
    for s in services {
        s.timetable.clear();
    }
}
