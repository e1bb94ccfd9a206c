//! Accessibility indicators of the high-speed-rail literature, per plan city or county, from the same searches as
//! `ringsim matrix` (stage 5 of the pipeline, one search per origin, in parallel):
//!
//! - **WATT**, weighted average travel time: `Σ_j P_j t_ij / Σ_j P_j` over the region's county-level units j other
//!   than the origin's own unit, weighted by 2020 census population (Gutiérrez 2001, J. Transp. Geogr. 9(4):229;
//!   used for this region by Wang et al. 2018, Sustainability 10(4):1270). Units that cannot be reached are left
//!   out and counted in `unreachable` (this only happens under the station measure or in a disconnected network).
//! - **Daily accessibility**: the population of the units reachable within 2, 3 and 4 hours (the thresholds are a
//!   parameter), the origin's own unit included (Gutiérrez 2001; Wang & Zhang 2019, Sustainability 11(9):2583).
//! - **Potential accessibility**: `Σ_j P_j / t_ij^α` over the other units, t in minutes, α configurable (default 1,
//!   the gravity form of Hansen 1959, J. Am. Inst. Planners 25(2):73). Units at time zero have an infinite term and
//!   are left out: the origin's own unit, and under the station measure the units holding one of the origin's
//!   stations (郑州's 金水 or 航空港, say). Their number is reported in `zero_time` so that the omission is visible.
//!
//! Destinations are always the region's county-level units (not `outside` places); origins are the plan cities
//! (their seats and stations) or the units themselves.

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::matrix::{members, NodeSet};
use crate::network::Network;
use crate::rings::{stations_by_place, Targets};
use crate::scenario::Measure;
use crate::table::CsvOut;
use crate::units::Minutes;
use rayon::prelude::*;

/// What to compute.
#[derive(Clone, Debug)]
pub struct Config {
    pub measure: Measure,
    /// Distance-decay exponent of potential accessibility.
    pub alpha: f64,
    /// Daily-accessibility thresholds.
    pub daily: Vec<Minutes>,
}

impl Config {
    /// Checks the values a user gave.
    pub fn new(measure: Measure, alpha: f64, daily: Vec<f64>) -> Result<Config> {
        if !(alpha.is_finite() && alpha > 0.0 && alpha <= 10.0) {
            return Err(Error::Usage(format!("--alpha {alpha}: the decay exponent must be a positive number up to 10 (1 is the usual gravity form)")));
        }
        if daily.is_empty() || daily.iter().any(|d| !(d.is_finite() && *d > 0.0 && *d <= 10_080.0)) {
            return Err(Error::Usage("--daily: give one or more positive thresholds in minutes (at most 10080, a week), e.g. 120,180,240".into()));
        }
        if daily.windows(2).any(|w| w[1] <= w[0]) {
            return Err(Error::Usage(format!("--daily {}: the thresholds must increase strictly (each names an output column); e.g. 120,180,240", daily.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(","))));
        }
        Ok(Config { measure, alpha, daily: daily.into_iter().map(Minutes).collect() })
    }
}

/// The indicators of one origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Indicators {
    pub id: String,
    pub name: String,
    pub population: u64,
    /// Weighted average travel time; `None` when no other unit is reachable.
    pub watt: Option<Minutes>,
    pub unreachable: usize,
    /// Other units at time zero, left out of the potential (see the module header).
    pub zero_time: usize,
    /// Population reachable within each threshold of [`Config::daily`].
    pub daily: Vec<u64>,
    pub potential: f64,
}

/// The indicators of every origin of `set` (cities or counties), in file order.
pub fn compute(net: &Network, g: &Graph, set: NodeSet, cfg: &Config) -> Result<Vec<Indicators>> {
    if set == NodeSet::Stations {
        return Err(Error::Usage("indicators are per city or county: use --nodes cities or --nodes counties".into()));
    }
    let own = stations_by_place(net, g);
    let dest: Vec<usize> = (0..net.places.len()).filter(|&i| net.places[i].kind.is_unit()).collect();
    let origins = members(net, g, set, &own);
    Ok(origins
        .par_iter()
        .map(|m| {
            let t = Targets::compute(net, g, &m.origin, &own);
            let home = match g.node_ref(m.origin.door) {
                crate::network::NodeRef::Place(p) => Some(p.i()),
                crate::network::NodeRef::Station(s) => Some(net.stations[s.i()].place.i()),
            };
            let (mut wsum, mut psum, mut unreachable, mut zero_time, mut potential) = (0.0, 0u64, 0usize, 0usize, 0.0);
            let mut daily = vec![0u64; cfg.daily.len()];
            for &j in &dest {
                let pop = net.places[j].population;
                let Some(secs) = t.places[j].get(cfg.measure) else {
                    if Some(j) != home {
                        unreachable += 1;
                    }
                    continue;
                };
                for (k, d) in cfg.daily.iter().enumerate() {
                    if secs <= d.seconds() {
                        daily[k] += pop;
                    }
                }
                if Some(j) == home {
                    continue;
                }
                let minutes = secs.0 as f64 / 60.0;
                wsum += pop as f64 * minutes;
                psum += pop;
                if minutes > 0.0 {
                    potential += pop as f64 / minutes.powf(cfg.alpha);
                } else {
                    zero_time += 1;
                }
            }
            let watt = if psum > 0 { Some(Minutes(wsum / psum as f64)) } else { None };
            Indicators { id: m.id.clone(), name: m.name.clone(), population: m.population, watt, unreachable, zero_time, daily, potential }
        })
        .collect())
}

fn opt(v: Option<Minutes>) -> String {
    v.map(|m| format!("{:.1}", m.0)).unwrap_or_default()
}

/// `id,name,population,watt_min,unreachable,daily_<T>,…,potential,zero_time`, and with `other` (a second scenario, same
/// order) the same columns suffixed `_other` and the changes (`other − this`; a negative WATT change is a gain).
pub fn csv(cfg: &Config, rows: &[Indicators], other: Option<&[Indicators]>) -> Vec<u8> {
    let mut cols: Vec<String> = vec!["id".into(), "name".into(), "population".into(), "watt_min".into(), "unreachable".into()];
    let dnames: Vec<String> = cfg.daily.iter().map(|d| format!("daily_{}", crate::rings::fmt_cutoff(*d))).collect();
    cols.extend(dnames.iter().cloned());
    cols.push("potential".into());
    cols.push("zero_time".into());
    if other.is_some() {
        for c in ["watt_min", "unreachable"].iter().map(|s| s.to_string()).chain(dnames.iter().cloned()).chain(["potential".to_string()]) {
            cols.push(format!("{c}_other"));
        }
        cols.push("watt_change_min".into());
        cols.extend(dnames.iter().map(|d| format!("{d}_change")));
        cols.push("potential_change_pct".into());
    }
    let h: Vec<&str> = cols.iter().map(|s| s.as_str()).collect();
    let mut w = CsvOut::new(&h);
    for (i, r) in rows.iter().enumerate() {
        let mut row = vec![r.id.clone(), r.name.clone(), r.population.to_string(), opt(r.watt), r.unreachable.to_string()];
        row.extend(r.daily.iter().map(|d| d.to_string()));
        row.push(format!("{:.1}", r.potential));
        row.push(r.zero_time.to_string());
        if let Some(o) = other.map(|o| &o[i]) {
            row.push(opt(o.watt));
            row.push(o.unreachable.to_string());
            row.extend(o.daily.iter().map(|d| d.to_string()));
            row.push(format!("{:.1}", o.potential));
            row.push(match (r.watt, o.watt) {
                (Some(a), Some(b)) => format!("{:+.1}", b.0 - a.0),
                _ => String::new(),
            });
            row.extend(r.daily.iter().zip(&o.daily).map(|(a, b)| format!("{:+}", *b as i64 - *a as i64)));
            row.push(if r.potential > 0.0 { format!("{:+.1}", 100.0 * (o.potential - r.potential) / r.potential) } else { String::new() });
        }
        w.row(row);
    }
    w.into_bytes()
}
