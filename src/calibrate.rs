//! Comparing the rail model with observed timetables, and fitting its physical parameters.
//!
//! An observed file has `from,to,minutes` (station ids or names) and optionally the fastest train's code.
//! [`evaluate`] gives the model's fastest platform-to-platform time by train for every pair whose stations are
//! open in the scenario, and the error statistics of every matched pair: there is no screening by the model's own
//! error. Pairs are grouped by the observed train: high-speed and intercity (G, D, C) or conventional. [`fit`]
//! tunes the physical parameters of the train classes (acceleration, dwell, junction dwell and throat, running
//! supplement) inside their plausible bounds by coordinate descent on the mean absolute error, and
//! [`cross_validate`] reports the error of k-fold fits on the pairs each fold left out, with folds by pair
//! ([`folds`]) or by line ([`folds_by_line`]: whole lines held out, the test of a physics meant for lines without a
//! timetable). Pairs whose stations are not in the network, or not served in the scenario, are listed, never
//! silently dropped.

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::network::{Network, StationIx};
use crate::od::{resolve_station_first, Endpoint};
use crate::params::Params;
use crate::scenario::Bound;
use crate::table::Table;
use crate::units::Date;

use std::path::Path;

#[derive(Clone, Debug)]
pub struct Observed {
    pub line: u64,
    pub from: String,
    pub to: String,
    pub minutes: f64,
    pub ends: Option<(StationIx, StationIx)>,
    pub why_unmatched: String,
    /// The observed train's class from its code (`G`, `D`, `C` are high-speed; others conventional), if given.
    pub fast_train: Option<bool>,
    /// How many trains a day serve the pair in the observed timetable (`n_trains`), if given.
    pub trains: Option<u64>,
    /// The date the observed time applies to (`as_of`: the timetable's or the report's date), if given: `report`
    /// measures each row on the network as built on that date.
    pub as_of: Option<Date>,
}

/// Reads an observed file; names that are not stations of the network are kept, marked unmatched.
pub fn read_observed(net: &Network, path: &Path) -> Result<Vec<Observed>> {
    let t = Table::read_schema(path, &crate::schema::OBSERVED)?;
    let mut out = Vec::new();
    // a directed pair (by the stations its names resolve to, else by the names) on one date: given once
    let mut seen: std::collections::HashMap<(Result<(StationIx, StationIx), (String, String)>, Option<Date>), u64> = Default::default();
    for r in t.rows() {
        let f = r.req("from")?.to_string();
        let to = r.req("to")?.to_string();
        let minutes = r.positive("minutes")?;
        if f == to {
            return Err(r.err("to", format!("'{to}' is also the `from` station; an observed trip joins two different stations")));
        }
        let (ends, why) = match (resolve_station_first(net, &f), resolve_station_first(net, &to)) {
            (Ok(Endpoint::Station(a)), Ok(Endpoint::Station(b))) => (Some((a, b)), String::new()),
            (Ok(Endpoint::Station(_)), Ok(_)) => (None, format!("'{to}' is not a station")),
            (Ok(Endpoint::Station(_)), Err(_)) => (None, format!("no station '{to}' in the network")),
            (Ok(_), _) => (None, format!("'{f}' is not a station")),
            (Err(_), _) => (None, format!("no station '{f}' in the network")),
        };
        let fast_train = r.get("train_code").chars().next().map(|c| matches!(c, 'G' | 'D' | 'C'));
        let trains = if r.get("n_trains").is_empty() { None } else { Some(r.u64("n_trains")?) };
        let as_of = r.opt_date("as_of")?;
        let key = (ends.ok_or_else(|| (f.clone(), to.clone())), as_of);
        if let Some(first) = seen.insert(key, r.line) {
            let when = as_of.map(|d| format!(" as of {d}")).unwrap_or_default();
            return Err(r.err(
                "to",
                format!("the pair {f} → {to}{when} is already observed on line {first} (the same stations, perhaps under another name or id); give each directed pair once per date (the fastest time), so that no pair counts twice in the error"),
            ));
        }
        out.push(Observed { line: r.line, from: f, to, minutes, ends, why_unmatched: why, fast_train, trains, as_of });
    }
    if out.is_empty() {
        return Err(Error::Csv { path: path.to_path_buf(), line: 1, message: "no observations: the file has a header but no rows".into() });
    }
    Ok(out)
}

#[derive(Clone, Debug)]
pub struct PairResult {
    pub from: String,
    pub to: String,
    pub observed: f64,
    pub model: f64,
    /// The observed fastest train is a high-speed or intercity train (G, D, C), or no code was given.
    pub fast: bool,
    /// The model's fastest trip changes trains.
    pub changes: usize,
    pub ends: (StationIx, StationIx),
    /// The stated cause of the error, once [`crate::cause::explain`] has looked at the model's train.
    pub cause: Option<crate::cause::Cause>,
    /// The model's time for the pair with no stop and with a whole stop at every station without a board its
    /// train passes (minutes; [`crate::cause::explain`] fills it where one train serves both stations): the range
    /// the unknown stops leave open.
    pub stop_range: Option<(f64, f64)>,
    /// The modelled service that answers the pair alone (its id), where one does.
    pub service: Option<String>,
    /// The trains a day the observed file gives for the pair (`n_trains`), if given.
    pub observed_trains: Option<u64>,
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub n: usize,
    pub mae: f64,
    pub bias: f64,
    pub p90: f64,
    pub max: f64,
    pub mape: f64,
    /// Pairs off by more than 10 minutes.
    pub over_10: usize,
}

pub struct Evaluation {
    pub pairs: Vec<PairResult>,
    pub unmatched: Vec<(String, String, String)>,
    /// Statistics over the pairs of high-speed and intercity trains.
    pub fast: Stats,
    /// Statistics over the pairs of conventional trains.
    pub conventional: Stats,
    /// Statistics over every matched pair: what [`fit`] minimises.
    pub all: Stats,
}

pub fn stats(pairs: &[PairResult]) -> Stats {
    if pairs.is_empty() {
        return Stats::default();
    }
    let n = pairs.len() as f64;
    let mut abs: Vec<f64> = pairs.iter().map(|p| (p.model - p.observed).abs()).collect();
    abs.sort_by(|a, b| a.total_cmp(b));
    let p90 = abs[((abs.len() as f64 * 0.9).ceil() as usize).saturating_sub(1).min(abs.len() - 1)];
    Stats {
        n: pairs.len(),
        mae: abs.iter().sum::<f64>() / n,
        bias: pairs.iter().map(|p| p.model - p.observed).sum::<f64>() / n,
        p90,
        max: *abs.last().unwrap(),
        mape: pairs.iter().map(|p| (p.model - p.observed).abs() / p.observed).sum::<f64>() / n * 100.0,
        over_10: abs.iter().filter(|&&a| crate::cause::is_large(a)).count(),
    }
}

/// The bands of observed time the report breaks the G/D/C error down by: (key, label, from, below) minutes.
pub const TIME_BANDS: [(&str, &str, f64, f64); 4] =
    [("under_1h", "under 1 h", 0.0, 60.0), ("1h_2h", "1–2 h", 60.0, 120.0), ("2h_3h20", "2 h – 3 h 20", 120.0, 200.0), ("over_3h20", "3 h 20 and over", 200.0, f64::INFINITY)];

/// The bands of the observed file's trains a day for a pair (`n_trains`) the report breaks the G/D/C error down
/// by: (key, label, least, most). The fastest of many trains is a different kind of train from the only one.
/// The key of the band of pairs for which the observed file gives no trains a day ([`Evaluation::fast_by_trains`]).
pub const TRAINS_NOT_GIVEN: &str = "trains_not_given";

pub const TRAIN_BANDS: [(&str, &str, u64, u64); 4] = [("trains_1", "1 train a day", 1, 1), ("trains_2_4", "2–4 trains", 2, 4), ("trains_5_19", "5–19 trains", 5, 19), ("trains_20_up", "20 or more trains", 20, u64::MAX)];

impl Evaluation {
    /// The G/D/C pairs' statistics by band of observed time ([`TIME_BANDS`]): (key, label, statistics).
    pub fn fast_by_time(&self) -> Vec<(&'static str, &'static str, Stats)> {
        TIME_BANDS
            .iter()
            .map(|&(key, label, lo, hi)| {
                let band: Vec<PairResult> = self.pairs.iter().filter(|p| p.fast && p.observed >= lo && p.observed < hi).cloned().collect();
                (key, label, stats(&band))
            })
            .collect()
    }

    /// The G/D/C pairs' statistics by the observed file's trains a day for the pair ([`TRAIN_BANDS`]; the file's
    /// `n_trains` is at least 1), with the pairs for which it gives none last ("not given", only when there are
    /// such pairs).
    pub fn fast_by_trains(&self) -> Vec<(&'static str, &'static str, Stats)> {
        let mut out: Vec<(&'static str, &'static str, Stats)> = TRAIN_BANDS
            .iter()
            .map(|&(key, label, lo, hi)| {
                let band: Vec<PairResult> = self.pairs.iter().filter(|p| p.fast && p.observed_trains.is_some_and(|n| n >= lo && n <= hi)).cloned().collect();
                (key, label, stats(&band))
            })
            .collect();
        let rest: Vec<PairResult> = self.pairs.iter().filter(|p| p.fast && p.observed_trains.is_none()).cloned().collect();
        if !rest.is_empty() {
            out.push((TRAINS_NOT_GIVEN, "trains a day not given", stats(&rest)));
        }
        out
    }

    fn from_pairs(pairs: Vec<PairResult>, unmatched: Vec<(String, String, String)>) -> Evaluation {
        let fast: Vec<PairResult> = pairs.iter().filter(|p| p.fast).cloned().collect();
        let conv: Vec<PairResult> = pairs.iter().filter(|p| !p.fast).cloned().collect();
        Evaluation { fast: stats(&fast), conventional: stats(&conv), all: stats(&pairs), pairs, unmatched }
    }
}

/// The model's time for every observed pair, by the observed pairs' definition: the fastest single train that
/// serves both stations; where no modelled service serves both, the fastest trip with changes (each costing the
/// connection time), flagged by `changes`.
pub fn evaluate(g: &Graph, obs: &[Observed]) -> Evaluation {
    let mut unmatched = Vec::new();
    let mut by_origin: std::collections::BTreeMap<StationIx, Vec<usize>> = Default::default();
    for (i, o) in obs.iter().enumerate() {
        match o.ends {
            None => unmatched.push((o.from.clone(), o.to.clone(), o.why_unmatched.clone())),
            Some((a, b)) => {
                if !g.station_open[a.i()] || !g.station_open[b.i()] {
                    let which = if !g.station_open[a.i()] { &o.from } else { &o.to };
                    unmatched.push((o.from.clone(), o.to.clone(), format!("'{which}' has no open line in this scenario")));
                } else if a == b {
                    unmatched.push((o.from.clone(), o.to.clone(), "from and to are the same station".into()));
                } else {
                    by_origin.entry(a).or_default().push(i);
                }
            }
        }
    }
    let origins: Vec<(StationIx, Vec<usize>)> = by_origin.into_iter().collect();
    use rayon::prelude::*;
    let results: Vec<Vec<(usize, Option<(f64, usize)>)>> = origins
        .par_iter()
        .map(|(a, idx)| {
            let tree = crate::search::dijkstra(g, &g.start_at(&[g.station(*a)], crate::units::Seconds::ZERO), |k| {
                matches!(k, crate::graph::EdgeKind::Rail(_) | crate::graph::EdgeKind::Change)
            });
            // the fastest single train from a to each station (what an observed pair is: the fastest common train)
            let mut direct: std::collections::HashMap<crate::graph::Node, u32> = Default::default();
            for (n, e) in g.out(g.board(*a)) {
                if e.kind.is_rail() {
                    let d = direct.entry(n).or_insert(u32::MAX);
                    *d = (*d).min(e.secs.0);
                }
            }
            idx.iter()
                .map(|&i| {
                    let (_, b) = obs[i].ends.unwrap();
                    let n = g.station(b);
                    let t = match direct.get(&n) {
                        Some(&s) => Some((s as f64 / 60.0, 0)),
                        None => tree.at(n).map(|t| (t.0 as f64 / 60.0, tree.kinds(g, n).iter().filter(|k| **k == crate::graph::EdgeKind::Change).count())),
                    };
                    (i, t)
                })
                .collect()
        })
        .collect();
    let mut flat: Vec<(usize, Option<(f64, usize)>)> = results.into_iter().flatten().collect();
    flat.sort_by_key(|x| x.0);
    let mut pairs = Vec::new();
    for (i, t) in flat {
        let o = &obs[i];
        match t {
            Some((m, changes)) => pairs.push(PairResult { from: o.from.clone(), to: o.to.clone(), observed: o.minutes, model: m, fast: o.fast_train != Some(false), changes, ends: o.ends.unwrap(), cause: None, stop_range: None, service: None, observed_trains: o.trains }),
            None => unmatched.push((o.from.clone(), o.to.clone(), "no rail path in the model".into())),
        }
    }
    Evaluation::from_pairs(pairs, unmatched)
}

/// The parameters `fit` tunes: (class, field, first step). Bounds are [`crate::params::CLASS_BOUNDS`]. Braking is
/// not fitted: at a stop it only adds to acceleration (`v/2a + v/2b`), so the two cannot be told apart; it stays
/// at its sourced value and acceleration absorbs the rest.
#[allow(non_upper_case_globals)]
pub const KNOBS: [(Option<crate::network::RailMode>, &str, f64, f64, f64); 16] = {
    // (class, field, first step, lower bound, upper bound). The bounds are the physically plausible range of
    // each class, tighter than what params.toml accepts:
    // - acceleration, mean from a stop to line speed: 350 km/h EMUs reach 300 km/h in roughly 4–6 min (0.23–0.35
    //   m/s², shared notes/service-model.md), allowed 0.2–0.35 (with the long stands of 2026-11 the fit went to
    //   0.475, beyond that range, making the trains of lines without a timetable 1–3 min too fast against their
    //   reported times: README "Lines opened after 2021"); locomotive-hauled trains 0.05–0.4;
    // - running-time supplement: 0–12% for EMUs on high-speed lines, 0–30% on conventional lines (shared track
    //   with freight);
    // - dwell 1–5 min at intermediate stops of EMUs (the G656 capture shows 2 min), up to 15 min for conventional
    //   trains; at junctions up to 15 (EMU) and 30 min (conventional: engine and crew changes);
    // - throat up to 5 min (EMU) and 10 min; reversal up to 30 min; a long stand, in place of the dwell, 8–14 min
    //   (the range of the boards' stands it stands for: `stands` of services.csv);
    // - a county's station without a board is a stop of an EMU at most as often as a city's (`county_stop_weight`
    //   0–1).
    // The intercity class is fitted with the hsr one ([`TIED`]).
    const Hsr: Option<crate::network::RailMode> = Some(crate::network::RailMode::Hsr);
    const Conventional: Option<crate::network::RailMode> = Some(crate::network::RailMode::Conventional);
    [
        (None, "unknown_stop_ratio", 0.1, 0.0, 3.0),
        (None, "county_stop_weight", 0.1, 0.0, 1.0),
        (Hsr, "margin", 0.02, 0.0, 0.12),
        (Hsr, "accel_ms2", 0.05, 0.2, 0.35),
        (Hsr, "dwell_s", 30.0, 60.0, 300.0),
        (Hsr, "hub_dwell_s", 30.0, 60.0, 900.0),
        (Hsr, "hub_throat_s", 30.0, 0.0, 300.0),
        (Hsr, "reverse_s", 60.0, 0.0, 1800.0),
        (Hsr, "stand_s", 60.0, 480.0, 840.0),
        (Conventional, "margin", 0.02, 0.0, 0.3),
        (Conventional, "accel_ms2", 0.05, 0.05, 0.4),
        (Conventional, "dwell_s", 30.0, 60.0, 900.0),
        (Conventional, "hub_dwell_s", 30.0, 60.0, 1800.0),
        (Conventional, "hub_throat_s", 30.0, 0.0, 600.0),
        (Conventional, "reverse_s", 60.0, 0.0, 1800.0),
        (Conventional, "stand_s", 60.0, 480.0, 840.0),
    ]
};

/// A knob's value: a class's physical parameter, or (class `None`) a parameter of `[rail]`.
pub fn knob_get(p: &Params, class: Option<crate::network::RailMode>, field: &str) -> f64 {
    match class {
        Some(c) => p.rail.class(c).get(field),
        None if field == "county_stop_weight" => p.rail.county_stop_weight,
        None => p.rail.unknown_stop_ratio,
    }
}

/// Classes fitted as one: the intercity class takes the hsr class's fitted values. C trains are the same 200–250
/// km/h EMU types as D trains (CRH2/CRH6, CRH1/2/5), and the 2021 boards hold 5 intercity pairs, too few to fit
/// six values alone (fitted alone they all went to a bound: a 5-min dwell at every 郑开 stop).
pub const TIED: [(crate::network::RailMode, crate::network::RailMode); 1] = [(crate::network::RailMode::Intercity, crate::network::RailMode::Hsr)];

fn knob_set(p: &mut Params, class: Option<crate::network::RailMode>, field: &str, v: f64) {
    match class {
        Some(c) => {
            p.rail.class_mut(c).set(field, v);
            for &(tied, to) in TIED.iter() {
                if to == c {
                    p.rail.class_mut(tied).set(field, v);
                }
            }
        }
        None if field == "county_stop_weight" => p.rail.county_stop_weight = v,
        None => p.rail.unknown_stop_ratio = v,
    }
}

/// The parameters a fit starts from: params.toml's starting values of the fitted knobs (not a previous fit: the
/// result must not depend on the calibration file it replaces), inside their bounds.
pub fn start_params(b: &Bound) -> Params {
    let mut params = b.params.clone();
    for &(class, field, _, lo, hi) in KNOBS.iter() {
        knob_set(&mut params, class, field, knob_get(&b.net.params_start, class, field).clamp(lo, hi));
    }
    params
}

/// Coordinate descent on the MAE over the matched pairs of `obs` that a modelled train serves (those whose index
/// `use_pair` accepts), from [`start_params`]; returns the fitted parameters and how many pairs they were fitted on.
/// With none, nothing identifies the physics and the starting values come back: the caller must say so (0 pairs).
/// Deterministic: fixed knob order, fixed steps, ties keep the current value.
pub fn fit(b: &Bound, obs: &[Observed], use_pair: impl Fn(usize) -> bool + Sync, mut progress: impl FnMut(&str)) -> (Params, usize) {
    // Physics is identified only where the model runs a train serving both stations: a pair that needs a change
    // in the model (a corridor or service the network lacks) says nothing about acceleration or dwell. Such pairs
    // are still predicted and reported by `evaluate` and `cross_validate`.
    let mut params = start_params(b);
    let base = evaluate(&crate::graph::build(b.net, &params, &b.services, |o, pr| b.sc.is_open(o, pr), b.sc.as_of), obs);
    let direct: std::collections::BTreeSet<(String, String)> = base.pairs.iter().filter(|p| p.changes == 0).map(|p| (p.from.clone(), p.to.clone())).collect();
    let sub: Vec<Observed> =
        obs.iter().enumerate().filter(|(i, o)| use_pair(*i) && direct.contains(&(o.from.clone(), o.to.clone()))).map(|(_, o)| o.clone()).collect();
    let eval_with = |p: &Params| {
        let g = crate::graph::build(b.net, p, &b.services, |o, pr| b.sc.is_open(o, pr), b.sc.as_of);
        evaluate(&g, &sub).all
    };
    let mut best = eval_with(&params);
    for round in 0..6 {
        let mut improved = false;
        for &(class, field, step, lo, hi) in KNOBS.iter() {
            let st = step / (1u32 << round.min(3)) as f64;
            for dir in [1.0, -1.0] {
                loop {
                    let mut trial = params.clone();
                    let v = knob_get(&trial, class, field);
                    let nv = ((v + dir * st).clamp(lo, hi) * 1e6).round() / 1e6;
                    if (nv - v).abs() < 1e-12 {
                        break;
                    }
                    knob_set(&mut trial, class, field, nv);
                    let e = eval_with(&trial);
                    if e.mae + 1e-9 < best.mae && e.n == best.n {
                        params = trial;
                        best = e;
                        improved = true;
                    } else {
                        break;
                    }
                }
            }
        }
        progress(&format!("round {}: MAE {:.2} min over {} pairs", round + 1, best.mae, best.n));
        if !improved {
            break;
        }
    }
    (params, sub.len())
}

/// The fold (0..k) of every observed pair: unordered station pairs are dealt round-robin in the order they first
/// appear, so A→B and B→A (nearly the same physics) always fall in the same fold and a held-out pair never has its
/// mirror in the training folds.
pub fn folds(obs: &[Observed], k: usize) -> Vec<usize> {
    let mut id: std::collections::HashMap<(&str, &str), usize> = Default::default();
    obs.iter()
        .map(|o| {
            let n = id.len();
            *id.entry(unordered(o)).or_insert(n) % k
        })
        .collect()
}

/// The line that carries most of each observed pair's modelled train: the line with the most track km on the legs
/// of the model's fastest single train between the two stations at `params`, counted over both directions where
/// the file has both (the fastest trains of A→B and B→A can run different ways; summed, the two share one line and
/// so a fold, as in [`folds`], whatever the order of the rows), ties to the lower line id; `None` where no single
/// modelled train serves the pair either way, or its stations are not in the network.
pub fn main_lines(b: &Bound, params: &Params, obs: &[Observed]) -> Vec<Option<String>> {
    let pairs: Vec<(StationIx, StationIx)> = obs.iter().filter_map(|o| o.ends).collect();
    let mut legs = crate::cause::fastest_legs(b, params, &pairs).into_iter();
    let mut km: std::collections::HashMap<(&str, &str), std::collections::BTreeMap<&str, f64>> = Default::default();
    for o in obs {
        // one leg per row with stations, in order
        let Some(leg) = o.ends.and_then(|_| legs.next()).flatten() else { continue };
        let of_pair = km.entry(unordered(o)).or_default();
        for &s in &leg.sections {
            let sec = &b.net.sections[s];
            *of_pair.entry(b.net.lines[sec.line.i()].id.as_str()).or_default() += sec.length.0;
        }
    }
    obs.iter().map(|o| km.get(&unordered(o)).and_then(|m| heaviest(m)).map(str::to_string)).collect()
}

/// The key with the largest value; among equals the lowest key.
pub fn heaviest<'a>(km: &std::collections::BTreeMap<&'a str, f64>) -> Option<&'a str> {
    // the map's order, kept by a strict comparison
    km.iter().fold(None::<(&'a str, f64)>, |best, (&id, &k)| match best {
        Some((_, bk)) if bk >= k => best,
        _ => Some((id, k)),
    })
    .map(|(id, _)| id)
}

/// The pair's stations as given, the lesser name first: A→B and B→A alike.
fn unordered(o: &Observed) -> (&str, &str) {
    if o.from <= o.to {
        (o.from.as_str(), o.to.as_str())
    } else {
        (o.to.as_str(), o.from.as_str())
    }
}

/// The fold (0..k) of every observed pair when whole lines are held out (k-fold by line; `lines` from
/// [`main_lines`]): the lines are taken by decreasing number of pairs (ties: the line's id) and each is dealt, with
/// all its pairs, to the fold that holds the fewest pairs so far (ties: the lower fold). A→B and B→A have one line
/// ([`main_lines`]), so they share a fold as in [`folds`]. A pair without a line (no single modelled train serves
/// it) takes no part in any fit ([`fit`] uses only the pairs a modelled train serves) and keeps its fold of
/// [`folds`] among the folds the lines use. With `k` at least the number of lines, each line is a fold of its own
/// (leave one line out).
pub fn folds_by_line(obs: &[Observed], lines: &[Option<String>], k: usize) -> Vec<usize> {
    assert_eq!(obs.len(), lines.len(), "one line (or none) per observed pair");
    let mut count: std::collections::BTreeMap<&str, usize> = Default::default();
    for l in lines.iter().flatten() {
        *count.entry(l.as_str()).or_default() += 1;
    }
    let mut order: Vec<(&str, usize)> = count.into_iter().collect();
    order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut load = vec![0usize; k.max(1)];
    let mut fold_of: std::collections::HashMap<&str, usize> = Default::default();
    for (l, n) in order {
        let f = (0..load.len()).min_by_key(|&f| (load[f], f)).unwrap_or(0);
        load[f] += n;
        fold_of.insert(l, f);
    }
    // the pairs without a line among the folds the lines use (more folds than lines: one line each)
    let by_pair = folds(obs, k.min(fold_of.len()).max(1));
    lines.iter().zip(by_pair).map(|(l, f)| l.as_deref().map_or(f, |l| fold_of[l])).collect()
}

/// Cross-validation over the given folds (`fold[i]` is pair `i`'s, 0..k; [`folds`] or [`folds_by_line`]): for
/// each fold, fit on the other folds and evaluate the fold's pairs with those parameters (a fold with no pair is
/// skipped). Returns the held-out evaluation of every pair (each pair predicted by the fit that did not see it),
/// each pair's cause stated with its fold's parameters. Where the other folds hold no pair a modelled train
/// serves, nothing was fitted for the fold: its pairs are listed unmatched with that reason, never predicted by
/// the starting values as if cross-validated.
pub fn cross_validate(b: &Bound, obs: &[Observed], fold: &[usize], mut progress: impl FnMut(&str)) -> Evaluation {
    assert_eq!(obs.len(), fold.len(), "one fold per observed pair");
    let mut pairs = Vec::new();
    let mut unmatched = Vec::new();
    let k = fold.iter().max().map_or(0, |m| m + 1);
    for f in 0..k {
        if !fold.contains(&f) {
            continue;
        }
        let (p, fitted_on) = fit(b, obs, |i| fold[i] != f, |m| progress(&format!("fold {}/{k}: {m}", f + 1)));
        let held: Vec<Observed> = obs.iter().enumerate().filter(|(i, _)| fold[*i] == f).map(|(_, o)| o.clone()).collect();
        let g = crate::graph::build(b.net, &p, &b.services, |o, pr| b.sc.is_open(o, pr), b.sc.as_of);
        let mut e = evaluate(&g, &held);
        // a pair the model cannot answer keeps its own reason; one it can is not predicted by a fit of nothing
        unmatched.append(&mut e.unmatched);
        if fitted_on == 0 {
            let why = format!("not cross-validated: fold {}/{k}'s fit had no pair a modelled train serves outside the fold (use fewer folds or more pairs)", f + 1);
            unmatched.extend(e.pairs.iter().map(|q| (q.from.clone(), q.to.clone(), why.clone())));
            continue;
        }
        crate::cause::explain(b, &p, &mut e);
        pairs.extend(e.pairs);
    }
    Evaluation::from_pairs(pairs, unmatched)
}
