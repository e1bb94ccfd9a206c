//! `ringsim trip SCENARIO FROM TO`: how the model gets its time between two stations — the fastest single train
//! (its service, stops, track and speed limits, and every part of its running time from [`crate::services::leg_parts`])
//! and the station measure's fastest trip, with changes where they are faster: when that is not the train explained,
//! leg by leg (each train, change, and metro or walk link between stations), read off the rings' own search tree.

use super::{bind_one, load};
use crate::error::{Error, Result};
use crate::graph::{EdgeKind, Graph, Node};
use crate::network::{NodeRef, RailMode, StationIx};
use crate::od::{resolve_station_first, Endpoint};
use crate::search::Tree;
use crate::units::Seconds;
use std::fmt::Write as _;
use std::path::Path;

/// `ringsim trip`.
pub fn trip(scenario: &Path, from: &str, to: &str, physics: bool) -> Result<String> {
    let loaded = load(&[scenario.to_path_buf()])?;
    let mut b = bind_one(&loaded)?;
    if physics {
        crate::services::physics_only(&mut b.services);
    }
    let net = b.net;
    let station = |key: &str, what: &str| -> Result<StationIx> {
        match resolve_station_first(net, key) {
            Ok(Endpoint::Station(s)) => Ok(s),
            Ok(_) => Err(Error::Usage(format!("{what} '{key}' is not a station; trip explains a station-to-station time (use od for places and cities)"))),
            Err(m) => Err(Error::Usage(format!("{what}: {m}"))),
        }
    };
    let (a, z) = (station(from, "FROM")?, station(to, "TO")?);
    if a == z {
        return Err(Error::Usage("FROM and TO are the same station".into()));
    }
    let name = |s: StationIx| net.stations[s.i()].name.clone();
    // the fastest single train: the one `validate` states causes with, and the station measure takes
    let best = crate::cause::fastest_legs(&b, &b.params, &[(a, z)]).pop().flatten();
    let timing = if physics { ", the physics alone" } else { "" };
    let mut t = format!("== {} → {} in {} (as of {}{timing}) ==\n", name(a), name(z), b.sc.name, b.sc.as_of);
    match &best {
        None => t.push_str("no single train serves both stations in this scenario\n"),
        Some(leg) => {
            let (k, sections, p) = (&leg.service_ix, &leg.sections, &leg.parts);
            let secs = p.total().round().max(1.0);
            let svc = &b.services[*k];
            let stops: Vec<String> = svc.route.iter().zip(&svc.stops).filter(|(_, &s)| s).map(|(x, _)| name(*x)).collect();
            let _ = writeln!(t, "fastest single train: service {} ({}, {} km/h trains, {} a day)", svc.id, svc.class.as_str(), svc.max_kmh, svc.trains_per_day);
            let _ = writeln!(t, "  its stops: {}", stops.join(" "));
            let _ = writeln!(t, "  track {:.1} km over {} sections:", p.km, sections.len());
            crate::graph::with_scene(net, &b.params, &|o, pr| b.sc.is_open(o, pr), b.sc.as_of, |scene| {
                // each section in the direction of travel
                let mut at = a;
                for &si in sections {
                    let s = &net.sections[si];
                    let (x, y) = if s.from == at { (s.from, s.to) } else { (s.to, s.from) };
                    at = y;
                    let v = (scene.speed_of)(si).min(svc.max_kmh);
                    let _ = writeln!(t, "    {} – {}: {:.1} km, limit {:.0} km/h ({}, {:.1} min at the limit)", name(x), name(y), s.length.0, v, net.lines[s.line.i()].name_zh, s.length.0 / v * 60.0);
                }
            });
            let c = b.params.rail.class(svc.class);
            let m = |x: f64| x / 60.0;
            let _ = writeln!(t, "  running (limits; lower near stops) {:6.1} min", m(p.running));
            // the percentage as fitted, up to two decimals (9.25 %, not 9 %)
            let label = format!("  supplement ({}% of running)", (c.margin * 10000.0).round() / 100.0);
            let _ = writeln!(t, "{label:<37}{:6.1} min", m(p.supplement));
            let _ = writeln!(t, "  acceleration (a = {:.3} m/s²)      {:6.1} min", c.accel_ms2, m(p.accel));
            let _ = writeln!(t, "  braking (b = {:.3} m/s²)           {:6.1} min", c.brake_ms2, m(p.brake));
            let _ = writeln!(t, "  dwell at {} intermediate stop(s)    {:6.1} min", p.stops - p.stand_stops, m(p.dwell));
            let _ = writeln!(t, "  junction throats                   {:6.1} min", m(p.throat));
            let _ = writeln!(t, "  reversals                          {:6.1} min", m(p.reverse));
            let _ = writeln!(t, "  long stands at {} stop(s)           {:6.1} min", p.stand_stops, m(p.stand));
            let label = format!("  shares of a stop at {} station(s)", p.unknown_stations);
            let _ = writeln!(t, "{label:<37}{:6.1} min", m(p.unknown));
            if p.unknown_stations > 0 {
                let n = crate::services::trains_drawn(svc.trains_per_day);
                let trains = if n == 1 { "its one train a day".to_string() } else { format!("the fastest of its {n} a day") };
                let groups: Vec<String> = leg
                    .unboarded
                    .iter()
                    .zip(["named after its city", "other"])
                    .filter(|((k, _), _)| *k > 0)
                    .map(|((k, p), what)| format!("{k} {what}, probability {p:.3} each"))
                    .collect();
                let fastest = crate::services::fastest_stops(&leg.unboarded, svc.trains_per_day);
                let _ = writeln!(t, "    (a train stops at each: {}; {trains}: {fastest:.2} stops expected, of {})", groups.join("; "), p.unknown_stations);
            }
            if !leg.unknown_names.is_empty() {
                let _ = writeln!(t, "    ({}: the boards cannot tell whether it stops there)", leg.unknown_names.join(" "));
            }
            if let Some(tm) = svc.timetable.get(&(a, z)) {
                // the boards' date of the network (the corrections are measured there, whatever a scenario overrides)
                let date = net.params.hub_lines_as_of().map(|d| d.to_string()).unwrap_or_default();
                if svc.origin == crate::services::Origin::Timetable {
                    let _ = writeln!(t, "  the boards' time less the physics's {:+6.1} min", m(tm.fast));
                    let _ = writeln!(t, "    (the boards time this leg: {:.0} min by the fastest of the pattern's trains on the network of {date}, {:.1} min by the physics there; this scenario's physics moves it from there)", m(tm.boards), m(tm.boards - tm.fast));
                } else {
                    let _ = writeln!(t, "  up to the timetable's fastest       {:+6.1} min", m(tm.fast));
                    let _ = writeln!(t, "    (no faster than the timetable's fastest {} train over the same stations, {:.0} min on the network of {date} by the boards, where the physics gives this service {:.1}; this scenario's physics moves it from there)", svc.class.as_str(), m(tm.boards), m(tm.boards - tm.fast));
                }
            }
            if p.rounding != 0.0 {
                let _ = writeln!(t, "  to the whole minute                 {:+6.2} min ({:+.1} s)", m(p.rounding), p.rounding);
                let _ = writeln!(t, "    (a scheduled time: the boards' minutes moved by this scenario's physics, {:.2} min, rounded as a timetable publishes it)", m(p.total() - p.rounding - p.capped));
            }
            if p.capped != 0.0 {
                let _ = writeln!(t, "  held to the train's timed legs      {:+6.1} min", m(p.capped));
                let _ = writeln!(t, "    (it reaches no stop later than one further on, nor sooner than one before, by the legs the boards time)");
            }
            let _ = writeln!(t, "  total                              {:6.1} min", m(secs));
            if leg.patterns > 1 {
                let _ = writeln!(
                    t,
                    "the fastest of all {} patterns' trains on this track ({} a day; each pattern's stops at stations without a board drawn independently, or its time on the boards): {:.1} min",
                    leg.patterns,
                    leg.trains,
                    m(f64::from(leg.station_secs))
                );
            }
        }
    }
    // the station measure: the fastest trip, changes allowed; the rings' own searches from this station
    // (`StationTrees`, as `rings::Targets` runs them for every station), whose tree gives the trip leg by leg
    let g = super::build_graph(&b)?;
    let trees = crate::rings::StationTrees::compute(&g, &crate::rings::Origin::station(&g, a).stations);
    let zn = g.station(z);
    match trees.best(&g, &[zn], None) {
        (Some(s), mode) => {
            // the seconds too: the rings compare them with the cutoffs (60.0 min shown may be 3601 s, outside the hour)
            let _ = writeln!(t, "station measure (fastest trip, changes at {:.0} min each): {} min ({} s) by {mode}", b.params.rail.change_s / 60.0, s.minutes(), s.0);
            let steps = trip_steps(&b, &g, &trees.rail, zn);
            let explained = best.as_ref().map(|l| l.service.as_str());
            if let [Step::Train { service, .. }] = steps.as_slice() {
                if Some(service.as_str()) == explained {
                    return Ok(t); // the single train explained above
                }
            }
            write_steps(&mut t, &b, &steps, s, explained.is_some());
        }
        // why, as `od` says it: a station not open on the scenario's date (and when it opens), or no way between them
        (None, _) => {
            let why = super::why_no_time(&b, &g, crate::od::Endpoint::Station(a), crate::od::Endpoint::Station(z));
            let _ = writeln!(t, "station measure: unreachable by rail: {why}");
        }
    }
    Ok(t)
}

/// One step of the station measure's trip, by stable ids and names (never graph indices).
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// A train: the service the graph's edge takes (the fastest pattern over the leg), its class, between stops.
    Train { service: String, class: RailMode, from: String, to: String, secs: u32, pair: (StationIx, StationIx) },
    /// A change of trains at a station (platform → boarding), the minimum connection time.
    Change { at: String, secs: u32 },
    /// Metro or walk between two stations (of one city), by a sourced connector.
    Link { kind: EdgeKind, from: String, to: String, secs: u32 },
}

impl Step {
    fn secs(&self) -> u32 {
        match self {
            Step::Train { secs, .. } | Step::Change { secs, .. } | Step::Link { secs, .. } => *secs,
        }
    }
}

/// The station measure's trip to node `z`, step by step, read off the rail search's predecessor tree: the same
/// search, the same edges, so the steps' seconds add up to the tree's time (asserted).
fn trip_steps(b: &crate::scenario::Bound, g: &Graph, rail: &Tree, z: Node) -> Vec<Step> {
    let net = b.net;
    let name = |n: Node| match g.node_ref(n) {
        NodeRef::Station(s) => net.stations[s.i()].name.clone(),
        NodeRef::Place(p) => net.places[p.i()].name.clone(),
    };
    let steps: Vec<Step> = rail
        .path(g, z)
        .into_iter()
        .map(|(x, y, e)| match e.kind {
            EdgeKind::Rail(class) => {
                let pair = match (g.node_ref(x), g.node_ref(y)) {
                    (NodeRef::Station(p), NodeRef::Station(q)) => (p, q),
                    _ => unreachable!("a rail edge joins two stations"),
                };
                Step::Train { service: g.labels[e.label as usize].clone(), class, from: name(x), to: name(y), secs: e.secs.0, pair }
            }
            EdgeKind::Change => Step::Change { at: name(x), secs: e.secs.0 },
            EdgeKind::Metro | EdgeKind::Walk => Step::Link { kind: e.kind, from: name(x), to: name(y), secs: e.secs.0 },
            k => unreachable!("the station measure's search takes no {} edge", k.as_str()),
        })
        .collect();
    let sum: u64 = steps.iter().map(|s| u64::from(s.secs())).sum();
    assert_eq!(Some(sum), rail.at(z).map(|t| u64::from(t.0)), "the station measure's steps {steps:?} do not add up to its time");
    steps
}

/// Writes the station measure's trip step by step, and its total (the steps' seconds add up to `total`).
fn write_steps(t: &mut String, b: &crate::scenario::Bound, steps: &[Step], total: Seconds, single_above: bool) {
    let m = |s: u32| format!("{:.1} min ({s} s)", f64::from(s) / 60.0);
    let trains = steps.iter().filter(|s| matches!(s, Step::Train { .. })).count();
    let changes: Vec<&str> = steps.iter().filter_map(|s| if let Step::Change { at, .. } = s { Some(at.as_str()) } else { None }).collect();
    let links = steps.iter().filter(|s| matches!(s, Step::Link { .. })).count();
    let why = match (changes.is_empty() && links == 0, links == 0) {
        (true, _) if single_above => "another train than the one above",
        (true, _) => "one train",
        (false, true) => "it changes trains",
        (false, false) => "it changes between stations",
    };
    let _ = writeln!(t, "  its trip, leg by leg ({why}):");
    // each train's leg as the graph's edge takes it: the fastest of every pattern's trains on its track
    let pairs: Vec<(StationIx, StationIx)> = steps.iter().filter_map(|s| if let Step::Train { pair, .. } = s { Some(*pair) } else { None }).collect();
    let mut legs = crate::cause::fastest_legs(b, &b.params, &pairs).into_iter();
    let mut k = 0;
    for s in steps {
        match s {
            Step::Train { service, class, from, to, secs, .. } => {
                k += 1;
                let svc = b.services.iter().find(|x| &x.id == service);
                let mut about = match svc {
                    Some(x) => format!("service {service} ({}, {} km/h trains, {} a day)", x.class.as_str(), x.max_kmh, x.trains_per_day),
                    None => format!("{service} ({})", class.as_str()),
                };
                if let Some(Some(l)) = legs.next() {
                    if l.service == *service && l.station_secs == *secs && l.patterns > 1 {
                        let _ = write!(about, "; the fastest of all {} patterns' trains on this track, {} a day", l.patterns, l.trains);
                    }
                }
                let _ = writeln!(t, "    train {k}: {from} → {to}, {}, {about}", m(*secs));
            }
            Step::Change { at, secs } => {
                let _ = writeln!(t, "    change at {at}: {}, from one train to another (the minimum connection time)", m(*secs));
            }
            Step::Link { kind, from, to, secs } => {
                let _ = writeln!(t, "    {} {from} → {to}: {}, between stations, no train", kind.as_str(), m(*secs));
            }
        }
    }
    let sum: u32 = steps.iter().map(Step::secs).sum();
    assert_eq!(sum, total.0, "the station measure's trip {steps:?} does not add up to its {} s", total.0);
    let plural = |n: usize, one: &str, many: &str| if n == 1 { one.to_string() } else { format!("{n} {many}") };
    let change_list = match changes.len() {
        0 => String::new(),
        1 => format!(", a change at {}", changes[0]),
        _ => format!(", changes at {}", changes.join(", ")),
    };
    let link_list = if links == 0 { String::new() } else { format!(", {}", plural(links, "a metro or walk link", "metro or walk links")) };
    let _ = writeln!(t, "    total {}: {}{change_list}{link_list}", m(sum), plural(trains, "1 train", "trains"));
}
