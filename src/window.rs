//! Stage 4b: travel times over a departure window on a timetable (`ringsim od --window 07:00-09:00`).
//!
//! The station measure ([`crate::rings`]) is the fastest platform-to-platform trip with no initial wait: how
//! official claims are stated. A traveller who turns up at the station at a given minute also waits for a train and
//! for connections. This module answers that, as Conveyal R5 does for a departure window: for every minute of the
//! window, the earliest arrival at each destination by the scheduled trains, and percentiles of the travel time
//! (arrival − the minute) over the window.
//!
//! **Trains.** Each service runs its trains at clock times:
//! - a timetable pattern's trains at the clock times of the departure boards (`services.csv` column `departures`:
//!   one clock time per train at one stop); the model's physics times the rest of the train from there, so a train
//!   keeps its board time at that stop and the model's running times elsewhere;
//! - default and scenario services (and a timetable service whose trains a day, stops or sections a scenario
//!   changed) at even headways over the service day: `n = max(1, round(trains a day))` trains leave the first
//!   stop at `SERVICE_START + (k + ½) · service_hours / n`.
//!
//! Every train also runs the day before and the day after (a train that left at 23:00 is still running in the
//! morning window; one whose clock stop is late in its run started the day before).
//!
//! **Times within a train.** A ride from stop `x` to a later stop `y` of a service takes exactly the station
//! measure's time for that leg ([`crate::services::Scene::legs`]): the search differs from the station measure only
//! by waiting. The train leaves `x` at `T(first, y') − T(x, y')` after it left its first stop, `y'` the next stop
//! (a train that left the first stop at 0 reaches `y'` at the same time whether one boarded it at the first stop or
//! at `x`), and never before it arrives there, `T(first, x)`.
//!
//! **Changes** cost `rail.change_s` (platform → boarding, as in the graph), and walking or metro transfers between
//! a city's stations their time in the graph; the first train is boarded without a change.
//!
//! **Search.** For one origin and one departure minute, a time-dependent Dijkstra over platforms and boarding
//! nodes: from a boarding node at time τ, each service that stops there offers its first train leaving at or after
//! τ, and every later stop of that train at its arrival time. Train times of one service at one stop are sorted and
//! rides of one service all take the same time, so waiting never pays (FIFO) and the labels are exact; the tests
//! compare it with a slow fixed-point reference on random timetables.
//!
//! **Percentiles** are nearest-rank over the window's minutes (`t0, t0 + 1 min, …`, end excluded): the p-th is the
//! `⌈p · N / 100⌉`-th smallest travel time; a minute from which the destination is not reached within the three
//! days counts as slower than any other, so a percentile that falls on one is "unreached".

use crate::error::{Error, Result};
use crate::graph::{EdgeKind, Graph};
use crate::network::{NodeRef, StationIx};
use crate::scenario::Bound;
use crate::units::{Clock, Seconds};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// Start of the service day for services without clock times: trains run from about 06:00 to 22:00 (first and last
/// departures on the 郑州东 board, shared:rail-timetable-2021/station_schedules_2021.csv; the same source as
/// `rail.service_hours = 16` in params.toml).
pub const SERVICE_START: Clock = Clock(6 * 3600);

/// A departure window of clock times, `start` included, `end` excluded, one departure a minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: Clock,
    pub end: Clock,
}

impl Window {
    /// `HH:MM-HH:MM` within one day (the end may be 24:00).
    pub fn parse(s: &str) -> std::result::Result<Window, String> {
        let (a, b) = s.split_once('-').ok_or_else(|| format!("'{s}' is not a window; write START-END, e.g. 07:00-09:00"))?;
        let (start, end) = (Clock::parse(a, false)?, Clock::parse(b, true)?);
        if end <= start {
            return Err(format!("'{s}': the window must end after it starts, within one day (e.g. 22:00-24:00)"));
        }
        Ok(Window { start, end })
    }
    /// The departure minutes of the window, in seconds after midnight.
    pub fn minutes(&self) -> Vec<i64> {
        (self.start.0..self.end.0).step_by(60).map(i64::from).collect()
    }
}

/// Percentiles of the travel time (nearest rank), 1–100.
pub fn parse_percentiles(s: &str) -> std::result::Result<Vec<u32>, String> {
    let mut v = Vec::new();
    for p in s.split(',') {
        let x: u32 = p.trim().parse().map_err(|_| format!("'{}' is not a whole percentile; write e.g. 5,25,50,75,95", p.trim()))?;
        if !(1..=100).contains(&x) {
            return Err(format!("{x} is not a percentile between 1 and 100"));
        }
        if v.contains(&x) {
            return Err(format!("{x} is listed twice"));
        }
        v.push(x);
    }
    v.sort_unstable();
    Ok(v)
}

/// One run of a service with its trains: the stops where one can board or alight, in order.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub stations: Vec<StationIx>,
    /// Seconds after the train left the first stop at which it leaves stop `k` (the last entry unused).
    pub depart: Vec<i64>,
    /// `ride[k][m]`: seconds from leaving stop `k` to arriving at stop `k + 1 + m`.
    pub ride: Vec<Vec<u32>>,
    /// Times (seconds after midnight of the window's day, possibly negative or beyond a day) at which the trains
    /// leave the first stop, sorted.
    pub starts: Vec<i64>,
    /// Whether the trains run at the boards' clock times (else at even headways).
    pub timed: bool,
}

/// The trains of a scenario, indexed for the search.
pub struct Timetable {
    n: usize,
    change_s: i64,
    patterns: Vec<Pattern>,
    /// Per station: (pattern, stop position) where a train can be boarded.
    boarding: Vec<Vec<(u32, u32)>>,
    /// Per station: walking or metro transfers to other stations' platforms (station, seconds).
    transfers: Vec<Vec<(StationIx, u32)>>,
}

impl Timetable {
    /// A timetable from its parts (also for tests): `n` stations, the change time, the patterns and transfers.
    pub fn from_parts(n: usize, change_s: u32, patterns: Vec<Pattern>, transfers: Vec<Vec<(StationIx, u32)>>) -> Timetable {
        let mut boarding = vec![Vec::new(); n];
        for (pi, p) in patterns.iter().enumerate() {
            for (k, s) in p.stations.iter().enumerate().take(p.stations.len().saturating_sub(1)) {
                boarding[s.i()].push((pi as u32, k as u32));
            }
        }
        let mut transfers = transfers;
        transfers.resize(n, Vec::new());
        Timetable { n, change_s: i64::from(change_s), patterns, boarding, transfers }
    }

    /// The trains of a bound scenario: every open service's runs, timed from the boards or at even headways, and
    /// the graph's walking and metro transfers.
    pub fn build(b: &Bound, g: &Graph) -> Timetable {
        let net = b.net;
        let mut patterns = Vec::new();
        crate::graph::with_scene(net, &b.params, &|o, p| b.sc.is_open(o, p), b.sc.as_of, |scene| {
            for svc in &b.services {
                let mut legs: BTreeMap<(StationIx, StationIx), u32> = BTreeMap::new();
                scene.legs(svc, |leg| {
                    // the graph's rounding of the same leg (crate::graph::build_traced)
                    legs.insert((leg.from, leg.to), leg.parts.total().round().max(1.0) as u32);
                });
                patterns.extend(runs(svc, &legs, b.params.rail.service_hours));
            }
        });
        let mut transfers = vec![Vec::new(); net.stations.len()];
        for (a, z, e) in g.edges() {
            if matches!(e.kind, EdgeKind::Metro | EdgeKind::Walk) {
                if let (NodeRef::Station(x), NodeRef::Station(y)) = (g.node_ref(a), g.node_ref(z)) {
                    if !g.is_board(a) && !g.is_board(z) {
                        transfers[x.i()].push((y, e.secs.0));
                    }
                }
            }
        }
        Timetable::from_parts(net.stations.len(), b.params.rail.change_s.round() as u32, patterns, transfers)
    }

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Earliest arrival (seconds after midnight) at every station's platform, leaving `origin` at `t`; stops once
    /// every station of `targets` (when given) is settled.
    pub fn earliest(&self, origin: StationIx, t: i64, targets: Option<&[StationIx]>) -> Vec<Option<i64>> {
        let n = self.n;
        // nodes: platform s, boarding node n + s
        let mut best = vec![i64::MAX; 2 * n];
        let mut done = vec![false; 2 * n];
        let mut heap = BinaryHeap::new();
        for v in [origin.i(), n + origin.i()] {
            best[v] = t;
            heap.push(Reverse((t, v)));
        }
        let mut left = targets.map(|ts| {
            let mut w = vec![false; n];
            for s in ts {
                w[s.i()] = true;
            }
            (w, ts.iter().collect::<std::collections::BTreeSet<_>>().len())
        });
        let relax = |best: &mut Vec<i64>, heap: &mut BinaryHeap<Reverse<(i64, usize)>>, v: usize, at: i64| {
            if at < best[v] {
                best[v] = at;
                heap.push(Reverse((at, v)));
            }
        };
        while let Some(Reverse((tau, v))) = heap.pop() {
            if done[v] || tau > best[v] {
                continue;
            }
            done[v] = true;
            if v < n {
                if let Some((want, count)) = left.as_mut() {
                    if want[v] {
                        want[v] = false;
                        *count -= 1;
                        if *count == 0 {
                            break;
                        }
                    }
                }
                relax(&mut best, &mut heap, n + v, tau + self.change_s);
                for &(y, secs) in &self.transfers[v] {
                    relax(&mut best, &mut heap, y.i(), tau + i64::from(secs));
                }
            } else {
                for &(pi, k) in &self.boarding[v - n] {
                    let p = &self.patterns[pi as usize];
                    let k = k as usize;
                    // the first train leaving stop k at or after tau
                    let off = p.depart[k];
                    let i = p.starts.partition_point(|&s| s + off < tau);
                    let Some(&s) = p.starts.get(i) else { continue };
                    let dep = s + off;
                    for (m, &r) in p.ride[k].iter().enumerate() {
                        relax(&mut best, &mut heap, p.stations[k + 1 + m].i(), dep + i64::from(r));
                    }
                }
            }
        }
        (0..n).map(|s| (best[s] != i64::MAX).then_some(best[s])).collect()
    }
}

/// The runs of one service in a scenario (its parts joined by open sections) as patterns with their trains.
fn runs(svc: &crate::services::Service, legs: &BTreeMap<(StationIx, StationIx), u32>, service_hours: f64) -> Vec<Pattern> {
    // the stops of the legs, in route order; two consecutive ones belong to the same run when a leg joins them
    let pos: BTreeMap<StationIx, usize> = svc.route.iter().enumerate().map(|(k, s)| (*s, k)).collect();
    let mut stops: Vec<StationIx> = legs.keys().flat_map(|(a, z)| [*a, *z]).collect();
    stops.sort_by_key(|s| pos[s]);
    stops.dedup();
    let mut out = Vec::new();
    let mut run: Vec<StationIx> = Vec::new();
    let mut flush = |run: &mut Vec<StationIx>| {
        if run.len() >= 2 {
            out.push(pattern(svc, run, legs, service_hours));
        }
        run.clear();
    };
    for s in stops {
        if let Some(&last) = run.last() {
            if !legs.contains_key(&(last, s)) {
                flush(&mut run);
            }
        }
        run.push(s);
    }
    flush(&mut run);
    out
}

fn pattern(svc: &crate::services::Service, st: &[StationIx], legs: &BTreeMap<(StationIx, StationIx), u32>, service_hours: f64) -> Pattern {
    let t = |a: usize, z: usize| i64::from(legs[&(st[a], st[z])]);
    let m = st.len();
    let mut depart = vec![0i64; m];
    for (k, d) in depart.iter_mut().enumerate().take(m - 1).skip(1) {
        *d = (t(0, k + 1) - t(k, k + 1)).max(t(0, k));
    }
    let ride: Vec<Vec<u32>> = (0..m).map(|k| ((k + 1)..m).map(|z| legs[&(st[k], st[z])]).collect()).collect();
    // the boards' clock times, when every train's clock stop is in this run
    let anchored: Option<Vec<i64>> = (!svc.departures.is_empty() && svc.departures.len() as f64 == svc.trains_per_day)
        .then(|| {
            svc.departures
                .iter()
                .map(|d| {
                    let k = st.iter().position(|s| *s == d.station)?;
                    let at = i64::from(d.at.0);
                    match (d.arrives, k) {
                        (false, k) if k + 1 < m => Some(at - depart[k]),
                        (true, k) if k > 0 => Some(at - t(0, k)),
                        _ => None,
                    }
                })
                .collect::<Option<Vec<i64>>>()
        })
        .flatten();
    let timed = anchored.is_some();
    let base = anchored.unwrap_or_else(|| {
        let n = svc.trains_per_day.round().max(1.0) as i64;
        let day = (service_hours * 3600.0).round() as i64;
        (0..n).map(|k| i64::from(SERVICE_START.0) + ((2 * k + 1) * day) / (2 * n)).collect()
    });
    let day = i64::from(Clock::DAY);
    let mut starts: Vec<i64> = base.iter().flat_map(|&s| [s - day, s, s + day]).collect();
    starts.sort_unstable();
    Pattern { stations: st.to_vec(), depart, ride, starts, timed }
}

/// Travel times from one origin over a window, in seconds, per departure minute (None: not reached).
pub fn profile(tt: &Timetable, origin: StationIx, dests: &[StationIx], w: &Window) -> Vec<Vec<Option<u32>>> {
    let mins = w.minutes();
    let mut out = vec![Vec::with_capacity(mins.len()); dests.len()];
    for &t in &mins {
        let arr = tt.earliest(origin, t, Some(dests));
        for (i, d) in dests.iter().enumerate() {
            out[i].push(arr[d.i()].map(|a| (a - t) as u32));
        }
    }
    out
}

/// The `p`-th percentile (nearest rank) of travel times, unreached ones slowest; None when it falls on one.
pub fn percentile(times: &[Option<u32>], p: u32) -> Option<u32> {
    let mut v: Vec<u32> = times.iter().map(|t| t.unwrap_or(u32::MAX)).collect();
    v.sort_unstable();
    let rank = (u64::from(p) * v.len() as u64).div_ceil(100).max(1) as usize;
    v.get(rank - 1).copied().filter(|&x| x != u32::MAX)
}

/// One station pair's result over the window.
pub struct PairProfile {
    pub percentiles: Vec<Option<u32>>,
    /// Departure minutes from which the destination is reached.
    pub reached: usize,
    pub minutes: usize,
}

/// Percentiles for station pairs: one profile per distinct origin, in parallel; results in pair order.
pub fn pairs(tt: &Timetable, pairs: &[(StationIx, StationIx)], w: &Window, ps: &[u32]) -> Vec<PairProfile> {
    let mut by_origin: BTreeMap<StationIx, Vec<StationIx>> = BTreeMap::new();
    for (a, z) in pairs {
        let v = by_origin.entry(*a).or_default();
        if !v.contains(z) {
            v.push(*z);
        }
    }
    let origins: Vec<(StationIx, Vec<StationIx>)> = by_origin.into_iter().collect();
    let profiles: Vec<Vec<Vec<Option<u32>>>> = origins.par_iter().map(|(o, ds)| profile(tt, *o, ds, w)).collect();
    pairs
        .iter()
        .map(|(a, z)| {
            let oi = origins.iter().position(|(o, _)| o == a).expect("every origin was searched");
            let di = origins[oi].1.iter().position(|d| d == z).expect("every destination was searched");
            let times = &profiles[oi][di];
            PairProfile { percentiles: ps.iter().map(|&p| percentile(times, p)).collect(), reached: times.iter().filter(|t| t.is_some()).count(), minutes: times.len() }
        })
        .collect()
}

/// Resolves `od --window` pairs: both ends must be stations.
pub fn station_pairs(b: &Bound, ps: &[crate::od::Pair], file: &std::path::Path) -> Result<Vec<(StationIx, StationIx)>> {
    use crate::od::{resolve_station_first, Endpoint};
    // a name that is a station's as well as a city's or place's (郑州) is the station here
    let station = |e: Endpoint, key: &str| match e {
        Endpoint::Station(s) => Some(s),
        _ => match resolve_station_first(b.net, key) {
            Ok(Endpoint::Station(s)) => Some(s),
            _ => None,
        },
    };
    ps.iter()
        .map(|p| match (station(p.from, &p.from_key), station(p.to, &p.to_key)) {
            (Some(a), Some(z)) => Ok((a, z)),
            _ => Err(Error::Csv {
                path: file.to_path_buf(),
                line: p.line,
                message: format!(
                    "'{}' → '{}': --window times trains between stations (the station measure); give two station ids or names of network '{}'",
                    p.from_key, p.to_key, b.net.name
                ),
            }),
        })
        .collect()
}

/// Seconds to the report's minutes.
pub fn minutes(t: Option<u32>) -> String {
    t.map(|t| Seconds(t).minutes().to_string()).unwrap_or_default()
}
