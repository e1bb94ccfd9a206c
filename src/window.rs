//! Stage 4b: travel times over a departure window on a timetable (`ringsim od --window 07:00-09:00`).
//!
//! The station measure ([`crate::rings`]) is the fastest platform-to-platform trip with no initial wait: how
//! official claims are stated. A traveller who turns up at the station at a given minute also waits for a train and
//! for connections. This module answers that, as Conveyal R5 does for a departure window: for every minute of the
//! window, the earliest arrival at each destination by the scheduled trains, and percentiles of the travel time
//! (arrival − the minute) over the window.
//!
//! **Trains.** Each service runs its trains at clock times:
//! - a timetable pattern's trains leave every stop whose board shows them at the board's clock time (`services.csv`
//!   column `departures`), and between those stops they ride as below (from the nearest stop with a board time
//!   before, else after);
//! - default and scenario services, and a timetable service whose trains a day a scenario changes, run at even
//!   headways: `n = max(1, round(trains a day))` trains over the service day from `SERVICE_START`
//!   (`rail.service_hours`), a headway `h` apart, the first at a phase in `[0, h)`. As in Conveyal R5, the phase is
//!   not known, so the search is repeated over `DRAWS` phases drawn per service (a fixed pseudo-random sequence
//!   seeded by the service's id: the same every run) and the percentiles pool the minutes of every draw; without
//!   such services one draw is enough. A timetable pattern cut by a scenario's closed section keeps its board times
//!   on every part that has a stop with a board; a part without one runs at even headways.
//!
//! Every train also runs the day before and the day after (a train that left at 23:00 is still running in the
//! morning window; one whose clock stop is late in its run started the day before).
//!
//! **Times within a train.** A ride from stop `x` to a later stop `y` of a service takes the time of any one of its
//! trains for that leg ([`crate::services::Leg::one`]: charged its own probability of a stop at the stations
//! without a board); where the boards time the leg, a timed train rides its own scheduled time there (its arrival
//! less its departure, moved by the scenario's physics like the pattern's), each timed train a pattern of its own.
//! Never less than the station measure's fastest train: the search differs from the station measure by waiting and
//! by riding the train that comes. Between stops with a board time, the train leaves `x` at `T(first, y') − T(x, y')` after it left its
//! first stop (`y'` the next stop: riding on from the first stop or boarding at `x` reaches `y'` together), and
//! never before it arrives there, `T(first, x)`. Leg times do not add up exactly (a through leg is charged the
//! stops it passes, not the throats twice), so a rider who boards mid-route can reach a stop further on a few
//! minutes later than one who stayed on; never earlier than the station measure.
//!
//! **Changes** cost `rail.change_s` (platform → boarding, as in the graph), and walking or metro transfers between
//! a city's stations their time in the graph; the first train is boarded without a change.
//!
//! **Search.** For one origin, one departure minute and one draw, a time-dependent Dijkstra over platforms and
//! boarding nodes: from a boarding node at time τ, each pattern that stops there (a service at even headways, or one
//! timed train) offers its first train leaving at or after τ, and every later stop of that train at its arrival
//! time. Train times of one pattern at one stop are sorted and its rides all take the same time, so waiting never
//! pays (FIFO) and the labels are exact; the tests compare it with a slow fixed-point reference on random
//! timetables.
//!
//! **Percentiles** are nearest-rank over the window's minutes (`t0, t0 + 1 min, …`, end excluded) and the draws:
//! the p-th is the `⌈p · N / 100⌉`-th smallest of the N travel times; a minute from which the destination is not
//! reached within the three days counts as slower than any other, so a percentile that falls on one is
//! "unreached".

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

/// Percentiles of the travel time (nearest rank), 1–100, in the order given (the columns' order).
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
    Ok(v)
}

/// One run of a service with its trains: the stops where one can board or alight, in order.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub stations: Vec<StationIx>,
    /// `ride[k][m]`: seconds from leaving stop `k` to arriving at stop `k + 1 + m`.
    pub ride: Vec<Vec<u32>>,
    /// `deps[k]`: the times (seconds after midnight of the window's day; negative or beyond a day for the trains
    /// of the day before and after) at which the trains leave stop `k`, sorted (the last stop's list empty).
    pub deps: Vec<Vec<i64>>,
}

/// The number of phase draws for services at even headways (R5 draws random schedules for frequency-based
/// routes in the same way). Assumption: 10, a cost choice (a 2-hour window from 郑州东 to every station takes
/// about 0.3 s, benches/window.rs); how much a percentile still moves with the draws was not measured.
pub const DRAWS: u32 = 10;

/// A run of a service before its trains are placed: stops, rides and the offsets of its departures.
struct Run {
    stations: Vec<StationIx>,
    ride: Vec<Vec<u32>>,
    /// Seconds after the train left the first stop at which it leaves stop `k`.
    depart: Vec<i64>,
    trains: Trains,
}

enum Trains {
    /// Each train's departure (seconds after midnight, the train's own day) from each stop but the last, and its
    /// own rides (`ride` of [`Pattern`]) where the boards time them.
    Timed(Vec<Vec<i64>>, Vec<Vec<Vec<u32>>>),
    /// `n` trains a headway apart from the service day's start, the phase drawn from `seed`.
    Even { n: i64, headway: i64, seed: u64 },
}

/// The trains of a scenario before the phases of the services at even headways are drawn.
pub struct Schedules {
    n: usize,
    change_s: u32,
    runs: Vec<Run>,
    transfers: Vec<Vec<(StationIx, u32)>>,
}

impl Schedules {
    /// The trains of a bound scenario: every open service's runs, timed from the boards or at even headways, and
    /// the graph's walking and metro transfers.
    pub fn build(b: &Bound, g: &Graph) -> Schedules {
        let net = b.net;
        let mut runs = Vec::new();
        crate::graph::with_scene(net, &b.params, &|o, p| b.sc.is_open(o, p), b.sc.as_of, |scene| {
            for svc in &b.services {
                let mut legs: BTreeMap<(StationIx, StationIx), RideSecs> = BTreeMap::new();
                scene.legs(svc, |leg| {
                    // each run is one train: its own expected stops at stations without a board, not the fastest's
                    // (and the fastest's, below which no train of the pattern rides)
                    legs.insert((leg.from, leg.to), RideSecs { fast: leg.secs(), one: leg.secs_one(), raised: leg.one_raised });
                });
                runs.extend(service_runs(svc, &legs, b.params.rail.service_hours));
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
        Schedules { n: net.stations.len(), change_s: b.params.rail.change().0, runs, transfers }
    }

    /// How many draws the percentiles need: [`DRAWS`] when some service runs at even headways, else one.
    pub fn draws(&self) -> u32 {
        if self.runs.iter().any(|r| matches!(r.trains, Trains::Even { .. })) {
            DRAWS
        } else {
            1
        }
    }

    /// Runs at even headways, and trains a day on them, against all (for the report).
    pub fn even_share(&self) -> (usize, usize) {
        (self.runs.iter().filter(|r| matches!(r.trains, Trains::Even { .. })).count(), self.runs.len())
    }

    /// The timetable of draw `d`: every train placed, with the trains of the day before and after.
    pub fn timetable(&self, d: u32) -> Timetable {
        let day = i64::from(Clock::DAY);
        let mut patterns = Vec::new();
        for r in &self.runs {
            let m = r.stations.len();
            let days = |t: i64| [t - day, t, t + day];
            match &r.trains {
                // a timed train is a pattern of its own (itself the day before, that day and the day after), so
                // that it rides its own times and one service's trains all take the same time (FIFO)
                Trains::Timed(trains, rides) => {
                    for (t, ride) in trains.iter().zip(rides) {
                        let deps = (0..m).map(|k| if k + 1 < m { days(t[k]).to_vec() } else { Vec::new() }).collect();
                        patterns.push(Pattern { stations: r.stations.clone(), ride: ride.clone(), deps });
                    }
                }
                Trains::Even { n, headway, seed } => {
                    let phase = (splitmix(seed ^ u64::from(d)) % (*headway as u64)) as i64;
                    let mut deps: Vec<Vec<i64>> = vec![Vec::new(); m];
                    for j in 0..*n {
                        let s = i64::from(SERVICE_START.0) + phase + j * headway;
                        for (k, dk) in deps.iter_mut().enumerate().take(m - 1) {
                            dk.extend(days(s + r.depart[k]));
                        }
                    }
                    for dk in deps.iter_mut() {
                        dk.sort_unstable();
                    }
                    patterns.push(Pattern { stations: r.stations.clone(), ride: r.ride.clone(), deps });
                }
            }
        }
        Timetable::from_parts(self.n, self.change_s, patterns, self.transfers.clone())
    }
}

/// SplitMix64: a fixed pseudo-random sequence (the phases of the draws), the same on every machine.
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a of a service's id and run: the seed of its phases.
fn seed_of(id: &str, run: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes().chain((run as u64).to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
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

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The slow reference [`Timetable::earliest`] is tested against (tests/window.rs on random timetables,
    /// benches/window.rs on the real one): labels lowered over every train of every pattern, every change and
    /// every transfer, until nothing changes. Written apart from the search on purpose: no queue, no first-train
    /// lookup, no early stop.
    pub fn earliest_reference(&self, origin: StationIx, t: i64) -> Vec<Option<i64>> {
        let (n, inf) = (self.n, i64::MAX);
        let (mut plat, mut board) = (vec![inf; n], vec![inf; n]);
        plat[origin.i()] = t;
        board[origin.i()] = t;
        loop {
            let mut changed = false;
            let mut lower = |v: &mut i64, x: i64| {
                if x < *v {
                    *v = x;
                    changed = true;
                }
            };
            for s in 0..n {
                if plat[s] < inf {
                    let x = plat[s] + self.change_s;
                    lower(&mut board[s], x);
                    for &(y, secs) in &self.transfers[s] {
                        let x = plat[s] + i64::from(secs);
                        lower(&mut plat[y.i()], x);
                    }
                }
            }
            for p in &self.patterns {
                for k in 0..p.stations.len() - 1 {
                    let b = board[p.stations[k].i()];
                    if b == inf {
                        continue;
                    }
                    for &d in p.deps[k].iter().filter(|&&d| d >= b) {
                        for (m, &r) in p.ride[k].iter().enumerate() {
                            lower(&mut plat[p.stations[k + 1 + m].i()], d + i64::from(r));
                        }
                    }
                }
            }
            if !changed {
                return plat.iter().map(|&x| (x < inf).then_some(x)).collect();
            }
        }
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
                    let i = p.deps[k].partition_point(|&d| d < tau);
                    let Some(&dep) = p.deps[k].get(i) else { continue };
                    for (m, &r) in p.ride[k].iter().enumerate() {
                        relax(&mut best, &mut heap, p.stations[k + 1 + m].i(), dep + i64::from(r));
                    }
                }
            }
        }
        (0..n).map(|s| (best[s] != i64::MAX).then_some(best[s])).collect()
    }
}

/// A leg's seconds for the window: the fastest train's, any one train's, and what the latter was raised by to be
/// no faster than the former ([`crate::services::Leg::one_raised`]).
#[derive(Clone, Copy)]
struct RideSecs {
    fast: u32,
    one: u32,
    raised: f64,
}

/// The runs of one service in a scenario (its parts joined by open sections), with their trains.
fn service_runs(svc: &crate::services::Service, legs: &BTreeMap<(StationIx, StationIx), RideSecs>, service_hours: f64) -> Vec<Run> {
    // the stops of the legs, in route order; two consecutive ones belong to the same run when a leg joins them
    // (`Scene::legs` gives a leg between every two stops of a part joined by open sections, so every pair of a
    // run has one)
    let pos: BTreeMap<StationIx, usize> = svc.route.iter().enumerate().map(|(k, s)| (*s, k)).collect();
    let mut stops: Vec<StationIx> = legs.keys().flat_map(|(a, z)| [*a, *z]).collect();
    stops.sort_by_key(|s| pos.get(s).copied().unwrap_or(usize::MAX));
    stops.dedup();
    let mut parts: Vec<Vec<StationIx>> = Vec::new();
    for s in stops {
        match parts.last_mut() {
            Some(run) if run.last().is_some_and(|&last| legs.contains_key(&(last, s))) => run.push(s),
            _ => parts.push(vec![s]),
        }
    }
    parts.into_iter().enumerate().filter(|(_, p)| p.len() >= 2).filter_map(|(ri, p)| run(svc, ri, p, legs, service_hours)).collect()
}

fn run(svc: &crate::services::Service, ri: usize, st: Vec<StationIx>, legs: &BTreeMap<(StationIx, StationIx), RideSecs>, service_hours: f64) -> Option<Run> {
    let m = st.len();
    let mut ride: Vec<Vec<u32>> = vec![Vec::new(); m];
    for k in 0..m {
        for z in (k + 1)..m {
            // every pair of a run has a leg (see `service_runs`); a run that broke that rule is left out
            ride[k].push(legs.get(&(st[k], st[z]))?.one);
        }
    }
    let t = |a: usize, z: usize| i64::from(ride[a][z - a - 1]);
    let mut depart = vec![0i64; m];
    for (k, d) in depart.iter_mut().enumerate().take(m - 1).skip(1) {
        *d = (t(0, k + 1) - t(k, k + 1)).max(t(0, k));
    }
    // the boards' times of every train at this run's stops; a train without one here puts the run at even headways
    let timed: Option<Vec<Vec<i64>>> = (!svc.departures.is_empty() && svc.departures.len() as f64 == svc.trains_per_day)
        .then(|| svc.departures.iter().map(|calls| train_times(calls, &st, &depart, &t)).collect::<Option<Vec<_>>>())
        .flatten();
    let trains = match timed {
        Some(v) => {
            let rides = train_rides(svc, &st, &ride, legs);
            Trains::Timed(v, rides)
        }
        None => {
            let n = svc.trains_per_day.round().max(1.0) as i64;
            Trains::Even { n, headway: ((service_hours * 3600.0).round() as i64 / n).max(1), seed: seed_of(&svc.id, ri) }
        }
    };
    Some(Run { stations: st, ride, depart, trains })
}

/// Each train's own rides over a run: where the boards time a leg for the scenario's service (it has a correction,
/// [`crate::services::Service::timetable`]) and the train has both times there, the pattern's ride (its mean train,
/// moved by the scenario's physics) plus the train's own scheduled time less the pattern's mean, never below the
/// pattern's fastest; elsewhere the pattern's ride.
fn train_rides(svc: &crate::services::Service, st: &[StationIx], ride: &[Vec<u32>], legs: &BTreeMap<(StationIx, StationIx), RideSecs>) -> Vec<Vec<Vec<u32>>> {
    let sched = svc.scheduled_legs();
    svc.departures
        .iter()
        .enumerate()
        .map(|(i, deps)| {
            let own = svc.arrivals.get(i).map(|arrs| crate::services::train_legs(&svc.route, deps, arrs)).unwrap_or_default();
            let mut r = ride.to_vec();
            for k in 0..st.len() {
                for z in (k + 1)..st.len() {
                    let key = (st[k], st[z]);
                    if let (true, Some(&(_, _, o)), Some(&(_, mean)), Some(l)) = (svc.timetable.contains_key(&key), own.get(&key), sched.get(&key), legs.get(&key)) {
                        // the pattern's one-train ride as the scenario moves it, before it was raised to the
                        // fastest's (that floor is applied to each train below), shifted to this train's own time
                        // in whole minutes, as the boards give it: a train's moved board time is a scheduled time
                        // (services::LegParts::rounding; a round is monotone, so no scenario makes it later)
                        let x = f64::from(r[k][z - k - 1]) - l.raised + o - mean;
                        r[k][z - k - 1] = (((x / 60.0).round() * 60.0).max(0.0) as u32).max(l.fast);
                    }
                }
            }
            r
        })
        .collect()
}

/// One train's departure from each stop of a run but the last: the board's time where it has one, the physics
/// offsets from the nearest such stop before (else after) elsewhere; None when it has no board time in the run.
fn train_times(calls: &[crate::services::Call], st: &[StationIx], depart: &[i64], t: &dyn Fn(usize, usize) -> i64) -> Option<Vec<i64>> {
    let m = st.len();
    let mut known: Vec<Option<i64>> = vec![None; m];
    let mut last = i64::MIN;
    for c in calls {
        let Some(k) = st.iter().position(|s| *s == c.station) else { continue };
        // the time the train leaves this run's first stop, or this stop, on a clock unwrapped over midnight
        let (k, mut at) = if c.arrives {
            if k == 0 {
                continue;
            }
            (0, i64::from(c.at.0) - t(0, k))
        } else if k + 1 < m {
            (k, i64::from(c.at.0))
        } else {
            continue;
        };
        while at < last {
            at += i64::from(Clock::DAY);
        }
        last = at;
        known[k] = Some(at);
    }
    let first_known = known.iter().position(|x| x.is_some())?;
    let mut out = vec![0i64; m - 1];
    let mut anchor = (first_known, known[first_known].unwrap_or_default());
    for k in 0..m - 1 {
        if let Some(at) = known[k] {
            anchor = (k, at);
        }
        out[k] = anchor.1 + depart[k] - depart[anchor.0];
    }
    Some(out)
}

/// Travel times from one origin over a window, in seconds, per departure minute of each draw (None: not reached).
pub fn profile(tts: &[Timetable], origin: StationIx, dests: &[StationIx], w: &Window) -> Vec<Vec<Option<u32>>> {
    let mins = w.minutes();
    let mut out = vec![Vec::with_capacity(mins.len() * tts.len()); dests.len()];
    for tt in tts {
        for &t in &mins {
            let arr = tt.earliest(origin, t, Some(dests));
            for (i, d) in dests.iter().enumerate() {
                out[i].push(arr[d.i()].map(|a| (a - t) as u32));
            }
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
    /// Departure minutes (of every draw) from which the destination is reached, and all of them.
    pub reached: usize,
    pub minutes: usize,
}

/// Percentiles for station pairs over the window and the draws: one profile per distinct origin, in parallel;
/// results in pair order.
pub fn pairs(sch: &Schedules, pairs: &[(StationIx, StationIx)], w: &Window, ps: &[u32]) -> Vec<PairProfile> {
    let tts: Vec<Timetable> = (0..sch.draws()).map(|d| sch.timetable(d)).collect();
    let mut by_origin: BTreeMap<StationIx, Vec<StationIx>> = BTreeMap::new();
    for (a, z) in pairs {
        let v = by_origin.entry(*a).or_default();
        if !v.contains(z) {
            v.push(*z);
        }
    }
    let origins: Vec<(StationIx, Vec<StationIx>)> = by_origin.into_iter().collect();
    let profiles: Vec<Vec<Vec<Option<u32>>>> = origins.par_iter().map(|(o, ds)| profile(&tts, *o, ds, w)).collect();
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
    use crate::od::Endpoint;
    // the pairs file's keys are resolved station first ([`crate::od::resolve`]): a name that is a station's as
    // well as a city's (郑州) is already the station
    let station = |e: Endpoint| match e {
        Endpoint::Station(s) => Some(s),
        _ => None,
    };
    ps.iter()
        .map(|p| match (station(p.from), station(p.to)) {
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
