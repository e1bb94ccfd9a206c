//! Comparing the rail model with observed timetables, and fitting its parameters.
//!
//! An observed file has `from,to,minutes` (station ids or names). [`evaluate`] gives the model's station-measure
//! time for every pair whose stations are open in the scenario and the error statistics; [`fit`] tunes the rail
//! parameters (speed factor, stop penalty, intermediate penalty, per mode) by coordinate descent on the mean
//! absolute error. Pairs whose stations are not in the network, or not served in the scenario, are listed, never
//! silently dropped.

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::network::{Network, StationIx};
use crate::od::{resolve, Endpoint};
use crate::params::Params;
use crate::scenario::Bound;
use crate::table::Table;

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
    /// Cleared by [`screen`] for pairs whose model time is outside 0.6–1.6 times the observed time under the
    /// network's own parameters: a network without the direct corridor (合蚌, 石太, 孟平 ...) or an observed slow
    /// through train where a fast change exists. Such pairs are reported but not fitted.
    pub in_band: bool,
}

/// The band of model/observed ratios inside which a pair is used to fit (see [`Observed::in_band`]).
pub const FIT_BAND: (f64, f64) = (0.6, 1.6);

/// Marks the observations outside [`FIT_BAND`] under the graph's parameters; returns how many.
pub fn screen(g: &Graph, obs: &mut [Observed]) -> usize {
    let e = evaluate(g, obs);
    let mut n = 0;
    for o in obs.iter_mut() {
        if let Some(p) = e.pairs.iter().find(|p| p.from == o.from && p.to == o.to) {
            let r = p.model / p.observed;
            if r < FIT_BAND.0 || r > FIT_BAND.1 {
                o.in_band = false;
                n += 1;
            }
        }
    }
    n
}

/// Reads an observed file; names that are not stations of the network are kept, marked unmatched.
pub fn read_observed(net: &Network, path: &Path) -> Result<Vec<Observed>> {
    let t = Table::read_schema(path, &crate::schema::OBSERVED)?;
    let mut out = Vec::new();
    for r in t.rows() {
        let f = r.req("from")?.to_string();
        let to = r.req("to")?.to_string();
        let minutes = r.positive("minutes")?;
        if f == to {
            return Err(r.err("to", format!("'{to}' is also the `from` station; an observed trip joins two different stations")));
        }
        let (ends, why) = match (resolve(net, &f), resolve(net, &to)) {
            (Ok(Endpoint::Station(a)), Ok(Endpoint::Station(b))) => (Some((a, b)), String::new()),
            (Ok(Endpoint::Station(_)), Ok(_)) => (None, format!("'{to}' is not a station")),
            (Ok(Endpoint::Station(_)), Err(_)) => (None, format!("no station '{to}' in the network")),
            (Ok(_), _) => (None, format!("'{f}' is not a station")),
            (Err(_), _) => (None, format!("no station '{f}' in the network")),
        };
        let fast_train = match r.get("train_code").chars().next() {
            None => None,
            Some(c) => Some(matches!(c, 'G' | 'D' | 'C')),
        };
        out.push(Observed { line: r.line, from: f, to, minutes, ends, why_unmatched: why, fast_train, in_band: true });
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
    /// The model's fastest path is of the same kind as the observed train (high-speed lines only for a G/D/C
    /// train, conventional lines only for another train). Only such pairs are used to fit: a pair served only by
    /// a slow through train, while the model changes to a fast line, says nothing about either line's speed.
    pub comparable: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub n: usize,
    pub mae: f64,
    pub bias: f64,
    pub p90: f64,
    pub max: f64,
    pub mape: f64,
}

pub struct Evaluation {
    pub pairs: Vec<PairResult>,
    pub unmatched: Vec<(String, String, String)>,
    /// Statistics over the comparable pairs (see [`PairResult::comparable`]); these are what `fit` minimises.
    pub stats: Stats,
    /// Statistics over every matched pair.
    pub all: Stats,
}


pub fn stats(pairs: &[PairResult]) -> Stats {
    if pairs.is_empty() {
        return Stats::default();
    }
    let n = pairs.len() as f64;
    let mut abs: Vec<f64> = pairs.iter().map(|p| (p.model - p.observed).abs()).collect();
    abs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let p90 = abs[((abs.len() as f64 * 0.9).ceil() as usize).saturating_sub(1).min(abs.len() - 1)];
    Stats {
        n: pairs.len(),
        mae: abs.iter().sum::<f64>() / n,
        bias: pairs.iter().map(|p| p.model - p.observed).sum::<f64>() / n,
        p90,
        max: *abs.last().unwrap(),
        mape: pairs.iter().map(|p| (p.model - p.observed).abs() / p.observed).sum::<f64>() / n * 100.0,
    }
}

/// Model against observed for one graph.
pub fn evaluate(g: &Graph, obs: &[Observed]) -> Evaluation {
    let mut unmatched = Vec::new();
    let mut q = Vec::new();
    let mut idx = Vec::new();
    for (i, o) in obs.iter().enumerate() {
        match o.ends {
            None => unmatched.push((o.from.clone(), o.to.clone(), o.why_unmatched.clone())),
            Some((a, b)) => {
                if !g.station_open[a.i()] || !g.station_open[b.i()] {
                    let which = if !g.station_open[a.i()] { &o.from } else { &o.to };
                    unmatched.push((o.from.clone(), o.to.clone(), format!("'{which}' has no open line in this scenario")));
                } else {
                    q.push((Endpoint::Station(a), Endpoint::Station(b)));
                    idx.push(i);
                }
            }
        }
    }
    let ts = crate::od::times_with_modes(g, &q);
    let mut pairs = Vec::new();
    for (k, t) in ts.into_iter().enumerate() {
        let o = &obs[idx[k]];
        match t {
            Some((t, modes)) => {
                let fast = modes.iter().all(|m| matches!(m, crate::network::RailMode::Hsr | crate::network::RailMode::Intercity));
                let slow = modes.iter().all(|m| *m == crate::network::RailMode::Conventional);
                let comparable = o.in_band
                    && match o.fast_train {
                        Some(true) => fast,
                        Some(false) => slow,
                        None => true,
                    };
                pairs.push(PairResult { from: o.from.clone(), to: o.to.clone(), observed: o.minutes, model: t.minutes().0, comparable })
            }
            None => unmatched.push((o.from.clone(), o.to.clone(), "no rail path in the model".into())),
        }
    }
    let comparable: Vec<PairResult> = pairs.iter().filter(|p| p.comparable).cloned().collect();
    let all = stats(&pairs);
    let stats = stats(&comparable);
    Evaluation { pairs, unmatched, stats, all }
}

/// The parameters `fit` tunes: (mode, field) pairs.
const KNOBS: [(&str, &str, f64, f64, f64); 15] = [
    // mode, field, step, min, max
    ("hsr", "speed_factor", 0.02, 0.5, 1.1),
    ("hsr", "stop_penalty_s", 30.0, 0.0, 1200.0),
    ("hsr", "intermediate_penalty_s", 15.0, 0.0, 900.0),
    ("hsr", "intermediate_cap", 1.0, 0.0, 30.0),
    ("intercity", "speed_factor", 0.02, 0.5, 1.1),
    ("intercity", "stop_penalty_s", 30.0, 0.0, 1200.0),
    ("intercity", "intermediate_penalty_s", 15.0, 0.0, 900.0),
    ("intercity", "intermediate_cap", 1.0, 0.0, 30.0),
    ("conventional", "speed_factor", 0.02, 0.3, 1.1),
    ("conventional", "stop_penalty_s", 30.0, 0.0, 1800.0),
    ("conventional", "intermediate_penalty_s", 15.0, 0.0, 900.0),
    ("conventional", "intermediate_cap", 1.0, 0.0, 30.0),
    ("suburban", "speed_factor", 0.02, 0.3, 1.1),
    ("suburban", "stop_penalty_s", 30.0, 0.0, 1200.0),
    ("suburban", "intermediate_penalty_s", 15.0, 0.0, 900.0),
];

/// Reads a knob's value.
fn get(p: &Params, mode: &str, field: &str) -> f64 {
    let mut q = p.clone();
    if field == "intermediate_cap" {
        return *cap(&mut q, mode) as f64;
    }
    *knob(&mut q, mode, field)
}

/// Sets a knob's value (caps are whole stations).
fn set(p: &mut Params, mode: &str, field: &str, v: f64) {
    if field == "intermediate_cap" {
        *cap(p, mode) = v.round() as u32;
    } else {
        *knob(p, mode, field) = (v * 1e6).round() / 1e6;
    }
}

fn cap<'a>(p: &'a mut Params, mode: &str) -> &'a mut u32 {
    match mode {
        "hsr" => &mut p.rail.hsr.intermediate_cap,
        "intercity" => &mut p.rail.intercity.intermediate_cap,
        "suburban" => &mut p.rail.suburban.intermediate_cap,
        _ => &mut p.rail.conventional.intermediate_cap,
    }
}

fn knob<'a>(p: &'a mut Params, mode: &str, field: &str) -> &'a mut f64 {
    let m = match mode {
        "hsr" => &mut p.rail.hsr,
        "intercity" => &mut p.rail.intercity,
        "suburban" => &mut p.rail.suburban,
        _ => &mut p.rail.conventional,
    };
    match field {
        "speed_factor" => &mut m.speed_factor,
        "stop_penalty_s" => &mut m.stop_penalty_s,
        _ => &mut m.intermediate_penalty_s,
    }
}

/// Coordinate descent on the MAE over the rail parameters; returns the fitted parameters and their evaluation.
/// Deterministic: fixed knob order, fixed steps, ties keep the current value.
pub fn fit(b: &Bound, obs: &[Observed], mut progress: impl FnMut(&str)) -> (Params, Evaluation) {
    let mut params = b.params.clone();
    let eval_with = |p: &Params| {
        let g = crate::graph::build(b.net, p, |o, pr| b.sc.is_open(o, pr), b.sc.as_of);
        evaluate(&g, obs)
    };
    let mut best = eval_with(&params);
    for round in 0..8 {
        let mut improved = false;
        for &(mode, field, step, lo, hi) in KNOBS.iter() {
            for dir in [1.0, -1.0] {
                loop {
                    let mut trial = params.clone();
                    let v = get(&trial, mode, field);
                    let st = if field == "intermediate_cap" { step } else { step / (1u32 << round.min(3)) as f64 };
                    let nv = (v + dir * st).clamp(lo, hi);
                    if (nv - v).abs() < 1e-12 {
                        break;
                    }
                    set(&mut trial, mode, field, nv);
                    let e = eval_with(&trial);
                    if e.stats.mae + 1e-9 < best.stats.mae && e.stats.n * 10 >= best.stats.n * 9 {
                        params = trial;
                        best = e;
                        improved = true;
                    } else {
                        break;
                    }
                }
            }
        }
        progress(&format!("round {}: MAE {:.2} min over {} pairs", round + 1, best.stats.mae, best.stats.n));
        if !improved && round >= 3 {
            break;
        }
    }
    (params, best)
}
