//! Why the model is off on an observed pair: the model's train for the pair in its physical parts, and a stated,
//! quantified cause for every pair off by more than [`LARGE_MIN`] minutes.
//!
//! An observed pair's time is the fastest common train's, dwell included ([`crate::calibrate`]). The model answers
//! it with the expected fastest of every pattern's trains serving both stations on one track
//! ([`crate::services::station_secs`]); the cause is stated with the fastest single pattern on that track, whose
//! time is physics in parts ([`crate::services::LegParts`]) and never below the model's. The parts
//! bound what the train can have done:
//! - **model too fast**: the boards cannot show whether a train stops at a station without a board, and the model
//!   charges only a share of a stop there. If a whole stop at some of those stations covers the gap, that is the
//!   stated cause, with how many stops it takes; if even a stop at every one leaves time over, the train stood or
//!   ran slowly somewhere the boards do not show, and the cause says how much is left.
//! - **model too slow**: if the observed time is below the model's *floor* on its route (every section at its limit,
//!   starting and stopping at the fitted rates, one minute at each known stop, no supplement and no share of a stop),
//!   no slack the fit could take away reaches it: the model's route, a track length or a speed limit is wrong, and
//!   the cause gives the speed the train averaged. Otherwise the model's slack (supplement, shares of stops, dwell,
//!   stands, reversals) is more than the train's, and the cause lists it.
//!
//! High-speed and conventional pairs are explained alike (a conventional train stops and stands at many stations
//! without a board).
//! - **changes**: no modelled train serves both stations; the model changes trains (a corridor or service missing).
//! - **scheduled train**: the model's train runs at its time on the boards ([`crate::services::Service::timetable`]),
//!   not by the physics: the observed train is another one, or the timetable changed.
//!
//! [`explain`] fills [`crate::calibrate::PairResult::cause`] for every pair of an evaluation, with the parameters the
//! evaluation was made with (a cross-validation fold's own fit for its held-out pairs).

use crate::calibrate::{Evaluation, PairResult};
use crate::network::StationIx;
use crate::params::Params;
use crate::scenario::Bound;
use crate::services::LegParts;
use std::collections::HashMap;

/// Errors up to this many minutes are not explained: the threshold for a pair that needs a stated cause.
pub const LARGE_MIN: f64 = 10.0;

/// Whether an error (model − observed, minutes) is off by more than [`LARGE_MIN`] as the reports print it, to
/// 0.1 min: a pair shown −10.0 is within, so that its cause kind, the counts and the printed error agree.
pub fn is_large(err: f64) -> bool {
    (err.abs() * 10.0).round() > LARGE_MIN * 10.0
}

/// The least dwell at a known intermediate stop in the floor of a leg: the lower bound of the dwell the fit may
/// give high-speed trains ([`crate::calibrate::KNOBS`], 1 min).
const FLOOR_DWELL_S: f64 = 60.0;

/// The kind of cause, as the CSV's `cause_kind` column gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Off by at most [`LARGE_MIN`].
    Within,
    /// No modelled train serves both stations.
    NoThroughTrain,
    /// Model too fast; stops at stations without a board cover the gap.
    UnboardedStops,
    /// Model too fast even with a stop at every station without a board.
    StandOrSlowRunning,
    /// Model too slow; the observed time is below the model's floor on its route.
    FasterThanTrack,
    /// Model too slow; the model's slack exceeds the train's.
    ModelSlack,
    /// The model's train runs at the boards' time (moved by the scenario's physics): the observed train is another
    /// one, which the model does not run through, or the timetable changed.
    ScheduledTrain,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Within => "within_10_min",
            Kind::NoThroughTrain => "no_through_train",
            Kind::UnboardedStops => "stops_without_board",
            Kind::StandOrSlowRunning => "stand_or_slow_running",
            Kind::FasterThanTrack => "faster_than_track",
            Kind::ModelSlack => "model_slack",
            Kind::ScheduledTrain => "scheduled_train",
        }
    }
}

/// A stated cause: its kind and the sentence that states it with the pair's numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct Cause {
    pub kind: Kind,
    pub text: String,
}

/// The model's fastest single train for a pair: the service (its id and index in the scenario's services), the
/// leg's sections and parts, and the stations without a board it passes where it is charged a share of a stop.
#[derive(Clone, Debug, Default)]
pub struct TrainLeg {
    pub service: String,
    pub service_ix: usize,
    pub sections: Vec<usize>,
    pub parts: LegParts,
    pub unknown_names: Vec<String>,
    /// The stations without a board it is charged a share of a stop at, by group, with one train's probability
    /// of a stop at each ([`crate::services::Leg::unboarded`]).
    pub unboarded: crate::services::Unboarded,
    /// The station measure's seconds on this track: the expected fastest of every pattern's trains over it.
    pub station_secs: u32,
    /// How many patterns, and how many trains a day (as drawn), run the pair on this track.
    pub patterns: usize,
    pub trains: i64,
}

/// A candidate leg: (its whole seconds, its expected wait, the service's index) — the graph's order, so that a tie
/// names the train the station measure takes — then its sections and parts.
type Best = ((u32, u32, usize), Vec<usize>, LegParts, crate::services::Unboarded);

/// Every pattern running one pair over one track: their draws in service order, their trains a day as drawn, and the
/// fastest single pattern among them.
#[derive(Default)]
struct Track {
    draws: Vec<crate::services::Draw>,
    trains: i64,
    best: Option<Best>,
}

/// The model's train for each of `pairs`, with parameters `params` (none where no service serves both): on the
/// track (sections) whose station-measure time, the expected fastest of every pattern's trains over it
/// ([`crate::services::station_secs`]), is lowest — the graph's direct edge for the pair — the fastest single
/// pattern, whose parts explain the time, with the pooled seconds and how many patterns and trains a day run
/// there. Found by running every service's legs once; `ringsim trip` explains the same train.
pub fn fastest_legs(b: &Bound, params: &Params, pairs: &[(StationIx, StationIx)]) -> Vec<Option<TrainLeg>> {
    let want: HashMap<(StationIx, StationIx), usize> = pairs.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let mut tracks: Vec<std::collections::BTreeMap<Vec<usize>, Track>> = (0..pairs.len()).map(|_| Default::default()).collect();
    let mut out: Vec<Option<TrainLeg>> = Vec::new();
    crate::graph::with_scene(b.net, params, &|o, p| b.sc.is_open(o, p), b.sc.as_of, |scene| {
        for (k, svc) in b.services.iter().enumerate() {
            let wait = (params.rail.service_hours * 3600.0 / svc.trains_per_day.max(0.01) / 2.0).round() as u32;
            scene.legs(svc, |leg| {
                if let Some(&i) = want.get(&(leg.from, leg.to)) {
                    let key = (leg.secs(), wait, k);
                    let draw = leg.draw(svc);
                    let t = tracks[i].entry(leg.sections.clone()).or_default();
                    t.draws.push(draw);
                    t.trains += i64::from(draw.n);
                    if t.best.as_ref().is_none_or(|x| key < x.0) {
                        t.best = Some((key, leg.sections, leg.parts, leg.unboarded));
                    }
                }
            });
        }
        out = std::mem::take(&mut tracks)
            .into_iter()
            .map(|ts| {
                // the track the graph's direct edge takes: the lowest station time (ties: the fastest single pattern)
                ts.into_values()
                    .filter_map(|t| {
                        let best = t.best?;
                        let secs = crate::services::station_secs(&t.draws, best.0 .0);
                        Some(((secs, best.0), t.draws.len(), t.trains, best))
                    })
                    .min_by(|x, y| x.0.cmp(&y.0))
                    .map(|((secs, _), patterns, trains, ((_, _, k), sections, parts, unboarded))| {
                        let svc = &b.services[k];
                        TrainLeg { service: svc.id.clone(), service_ix: k, unknown_names: unknown_passed(b, scene, svc, &sections), sections, parts, unboarded, station_secs: secs, patterns, trains }
                    })
            })
            .collect();
    });
    // every index of a pair listed twice gets the same answer
    for (i, p) in pairs.iter().enumerate() {
        let j = want[p];
        if j != i {
            out[i] = out[j].clone();
        }
    }
    out
}

/// The names of the stations without a board that a leg over `sections` of `svc` passes where a train could stop
/// in the scene (those the leg's `unknown` share is charged at).
fn unknown_passed(b: &Bound, scene: &crate::services::Scene, svc: &crate::services::Service, sections: &[usize]) -> Vec<String> {
    let n = sections.len();
    let net = b.net;
    let at = (0..svc.hops.len().saturating_sub(n - 1)).find(|&a| svc.hops[a..a + n] == *sections);
    debug_assert!(at.is_some(), "a leg of {} over sections it does not run", svc.id);
    at.map(|a| {
        ((a + 1)..(a + n))
            .filter(|&k| {
                let x = svc.route[k];
                svc.unknown[k] && !svc.stops[k] && net.stations[x.i()].project.is_none() && (scene.stops_at)(x)
            })
            .map(|k| net.stations[svc.route[k].i()].name.clone())
            .collect()
    })
    .unwrap_or_default()
}

/// The cause of pair `p`'s error, given the model's train for it (`None`: no single train serves both).
pub fn cause(p: &PairResult, leg: Option<&TrainLeg>) -> Cause {
    let err = p.model - p.observed;
    let m = |s: f64| s / 60.0;
    if !is_large(err) {
        return Cause { kind: Kind::Within, text: format!("within {LARGE_MIN:.0} min") };
    }
    let leg = match (p.changes, leg) {
        (c, _) if c > 0 && err > 0.0 => {
            return Cause {
                kind: Kind::NoThroughTrain,
                text: format!("no modelled train serves both stations: the model changes trains {c} time(s) and is {err:.1} min slower; the through train's corridor or service is missing from the network"),
            }
        }
        (c, _) if c > 0 => {
            return Cause {
                kind: Kind::NoThroughTrain,
                text: format!("no modelled train serves both stations: changing trains {c} time(s), the model is {:.1} min faster than the fastest through train on the boards (a slow train, or the model's changes are too quick)", -err),
            }
        }
        (_, Some(l)) => l,
        (_, None) => {
            // evaluate found a single train (no change) where fastest_legs finds none: the two disagree
            debug_assert!(false, "{} → {}: no change in the model's trip but no single train", p.from, p.to);
            return Cause { kind: Kind::NoThroughTrain, text: "no modelled train serves both stations".into() };
        }
    };
    let q = &leg.parts;
    if q.scheduled {
        // the physics does not set this time: the boards do
        return Cause {
            kind: Kind::ScheduledTrain,
            text: format!(
                "the model's train, {}, is timed by the boards here (its own time on them, or for a default or project service the timetable's fastest over the same stations: {:+.1} min against the physics, moved by what the scenario changes); the observed train is another one, which the model does not run between the two stations (a train cut where the network cannot carry a leg), or the timetable has changed",
                leg.service,
                m(q.timetable)
            ),
        };
    }
    let names = |v: &[String]| {
        let mut s = v.iter().take(5).cloned().collect::<Vec<_>>().join(" ");
        if v.len() > 5 {
            s.push_str(&format!(" … ({} in all)", v.len()));
        }
        s
    };
    if err < 0.0 {
        let gap = -err;
        // the charged share replaced by whole stops: what stopping at every station without a board would add
        let more = m(q.unknown_full - q.unknown);
        if q.unknown_stations > 0 && more >= gap {
            let each = m(q.unknown_full) / q.unknown_stations as f64;
            let k = ((gap + m(q.unknown)) / each).ceil().min(q.unknown_stations as f64) as usize;
            return Cause {
                kind: Kind::UnboardedStops,
                text: format!(
                    "stops the boards cannot show: {} passes {} station(s) without a board ({}), charged {:.1} min as a share of a stop there; whole stops at about {k} of the {} ({:.1} min, {each:.1} min each) cover the {gap:.1} min",
                    leg.service,
                    q.unknown_stations,
                    names(&leg.unknown_names),
                    m(q.unknown),
                    q.unknown_stations,
                    k as f64 * each,
                ),
            };
        }
        let rest = gap - more;
        let stops = if q.unknown_stations > 0 { format!("even with a whole stop at all {} station(s) without a board ({}), ", q.unknown_stations, names(&leg.unknown_names)) } else { String::new() };
        return Cause {
            kind: Kind::StandOrSlowRunning,
            text: format!(
                "{stops}{rest:.1} min of the train's time is unexplained: a long stand or slow running the boards do not show, on {:.0} km of {}",
                q.km, leg.service
            ),
        };
    }
    // the model is too slow: its floor on this route (limits, starting and stopping, one minute a known stop, no
    // supplement, no share of a stop)
    let floor = m(q.running + q.accel + q.brake + q.stops as f64 * FLOOR_DWELL_S);
    if p.observed < floor {
        return Cause {
            kind: Kind::FasterThanTrack,
            text: format!(
                "faster than the model's track allows: {} needs {floor:.1} min at the speed limits over {:.1} km without supplement, dwell beyond a minute or shares of stops, the train took {:.0} ({:.0} km/h on average): the route, a track length or a speed limit is wrong",
                leg.service,
                q.km,
                p.observed,
                q.km / (p.observed / 60.0)
            ),
        };
    }
    Cause {
        kind: Kind::ModelSlack,
        text: format!(
            "the model's slack exceeds the train's by {err:.1} min: supplement {:.1}, shares of stops at {} station(s) without a board {:.1}, dwell {:.1}, throats {:.1}, stands {:.1}, reversals {:.1} min on {}",
            m(q.supplement),
            q.unknown_stations,
            m(q.unknown),
            m(q.dwell),
            m(q.throat),
            m(q.stand),
            m(q.reverse),
            leg.service
        ),
    }
}

/// Fills `cause` of every pair of `e`, with parameters `params` (those `e` was evaluated with).
pub fn explain(b: &Bound, params: &Params, e: &mut Evaluation) {
    let pairs: Vec<(StationIx, StationIx)> = e.pairs.iter().map(|p| p.ends).collect();
    let legs = fastest_legs(b, params, &pairs);
    for (p, leg) in e.pairs.iter_mut().zip(&legs) {
        p.cause = Some(cause(p, leg.as_ref()));
        (p.stop_range, p.service) = match leg {
            Some(l) if p.changes == 0 => (Some(stop_range(&l.parts)), Some(l.service.clone())),
            _ => (None, None),
        };
    }
}

/// A leg's time (minutes) with no stop and with a whole stop at every station without a board it passes, in
/// place of the charged share: the range within which knowing the train's stops there could move it. Approximate:
/// the charged share is replaced at the speeds the leg was computed at (with the share), so where short hops cap
/// the speed near a station both ends are slightly high; on the long hops of high-speed lines it is exact.
pub fn stop_range(q: &LegParts) -> (f64, f64) {
    let none = (q.total() - q.unknown) / 60.0;
    (none, none + q.unknown_full / 60.0)
}

/// Over `pairs`: the mean of [`outside_stop_range`] (minutes) and how many pairs lie outside their range — the
/// mean absolute error the model could at best reach if it knew where each fastest train stops among the stations
/// without a board, everything else unchanged. `None` where no pair has been explained.
pub fn unknown_stops_bound<'a>(pairs: impl Iterator<Item = &'a PairResult>) -> Option<(f64, usize, usize)> {
    let mut n = 0;
    let mut outside = 0;
    let mut sum = 0.0;
    let mut explained = false;
    for p in pairs {
        explained |= p.cause.is_some();
        let d = outside_stop_range(p);
        n += 1;
        sum += d;
        if d > 0.0 {
            outside += 1;
        }
    }
    (explained && n > 0).then(|| (sum / n as f64, outside, n))
}

/// How far a pair's observed time lies outside its [`stop_range`] (0 inside it; the whole error where no single
/// train serves the pair): the error no choice of stops at the stations without a board could remove.
pub fn outside_stop_range(p: &PairResult) -> f64 {
    match p.stop_range {
        Some((lo, _)) if p.observed < lo => lo - p.observed,
        Some((_, hi)) if p.observed > hi => p.observed - hi,
        Some(_) => 0.0,
        None => (p.model - p.observed).abs(),
    }
}
