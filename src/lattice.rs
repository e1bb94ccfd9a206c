//! The metric of a build state, fast: for `ringsim order`, which evaluates up to millions of sets of open
//! projects on one network.
//!
//! The graph is built once with every ordered project open ([`crate::graph::build_traced`]), and each edge gets
//! the bitmask of ordered projects it needs: the projects of the sections of its rail run and of its end stations
//! (a station built by a project is passed without a stop until then), or of its road link. A connector needs its
//! stations to be served by rail, which is an "any of" condition; such an edge is stored once per alternative
//! mask (parallel copies with the same time leave every shortest path unchanged). The graph of a state `S` is
//! then the edges whose mask is a subset of `S`, and equals [`crate::graph::build`] of the base scenario with
//! exactly `S` added (tested in `tests/order.rs`).
//!
//! Travel times only fall when a project opens, so a state's times are computed from its parent's (one project
//! fewer) by a decrease-only Dijkstra seeded from the tails of the newly usable edges; the result equals a full
//! recomputation exactly (integer seconds), also tested. Times above [`Engine::bound`] (the largest time the
//! metric looks at) are not propagated: they cannot change the metric.
//!
//! The two measures mirror [`crate::rings`]: `door` is one search from the origin seat over every edge;
//! `station` is rail (with changes between a city's stations by metro or on foot) from the origin city's open
//! stations, then egress and road from every station reached.

use crate::graph::{EdgeKind, Graph, Node, Provenance};
use crate::network::{NodeRef, PlaceKind, StationIx};
use crate::scenario::{Bound, Measure};
use crate::units::Seconds;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// "Not reached" in a distance array.
pub const UNREACHED: u32 = u32::MAX;

/// A set of ordered projects, bit `i` for internal project `i` (at most 64 projects).
pub type Set = u64;

/// Edges of one search layer in compressed sparse rows, each with the projects it needs.
#[derive(Clone, Debug, Default)]
struct Csr {
    start: Vec<u32>,
    from: Vec<u32>,
    to: Vec<u32>,
    secs: Vec<u32>,
    mask: Vec<Set>,
    /// For each project: the edges that need it.
    by_project: Vec<Vec<u32>>,
}

impl Csr {
    fn new(n_nodes: usize, n_projects: usize, mut edges: Vec<(u32, u32, u32, Set)>) -> Csr {
        edges.sort_by_key(|e| (e.0, e.1, e.2, e.3));
        edges.dedup();
        let mut start = vec![0u32; n_nodes + 1];
        for e in &edges {
            start[e.0 as usize + 1] += 1;
        }
        for i in 0..n_nodes {
            start[i + 1] += start[i];
        }
        let mut by_project = vec![Vec::new(); n_projects];
        for (k, e) in edges.iter().enumerate() {
            for (j, list) in by_project.iter_mut().enumerate() {
                if e.3 >> j & 1 == 1 {
                    list.push(k as u32);
                }
            }
        }
        Csr {
            start,
            from: edges.iter().map(|e| e.0).collect(),
            to: edges.iter().map(|e| e.1).collect(),
            secs: edges.iter().map(|e| e.2).collect(),
            mask: edges.iter().map(|e| e.3).collect(),
            by_project,
        }
    }
}

/// What one place contributes to a metric.
#[derive(Clone, Debug)]
pub struct PlaceSlot {
    pub node: u32,
    pub population: u64,
    /// Outside the plan region: not counted (as in the ring summaries).
    pub outside: bool,
    /// The place's own stations (station measure).
    pub stations: Vec<u32>,
}

/// A plan city other than the origin.
#[derive(Clone, Debug)]
pub struct CitySlot {
    pub seat: u32,
    pub stations: Vec<u32>,
}

/// The travel times of one build state: `door`, or `rail` then `onward` (station measure), back to back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dists(pub Vec<u32>);

/// The evaluator of build states for one base scenario, ordered project list and measure.
pub struct Engine {
    pub measure: Measure,
    pub n_projects: usize,
    n_nodes: usize,
    /// door: `[all]`; station: `[rail, onward]`.
    layers: Vec<Csr>,
    origin_seat: u32,
    /// The origin city's stations with the alternative masks under which each is served by rail.
    origin_stations: Vec<(u32, Vec<Set>)>,
    is_station: Vec<bool>,
    /// Every station's (platform, boarding) nodes, in station order ([`Engine::station_times`]).
    station_nodes: Vec<(u32, u32)>,
    pub places: Vec<PlaceSlot>,
    pub cities: Vec<CitySlot>,
    /// Times above this are not propagated (the metric does not look at them). `UNREACHED - 1` for none.
    pub bound: u32,
}

/// Keeps the minimal masks of a list (drops duplicates and supersets).
fn minimal(mut v: Vec<Set>) -> Vec<Set> {
    v.sort_by_key(|m| (m.count_ones(), *m));
    let mut out: Vec<Set> = Vec::new();
    for m in v {
        if !out.iter().any(|o| o & m == *o) {
            out.push(m);
        }
    }
    out
}

impl Engine {
    /// The engine for `all` (the base scenario with every ordered project added) and its graph's provenance.
    /// `project_bit(id)` is the bit of an ordered project that is not open in the base, `None` otherwise.
    pub fn new(all: &Bound, project_bit: &dyn Fn(Option<&str>, Option<crate::units::Date>) -> Option<usize>, n_projects: usize, measure: Measure) -> Engine {
        let net = all.net;
        let mut trace = Vec::new();
        let g: Graph = crate::graph::build_traced(net, &all.params, &all.services, |o, p| all.sc.is_open(o, p), all.sc.as_of, Some(&mut trace));
        let bit = |p: Option<&str>, d| project_bit(p, d).map_or(0, |b| 1u64 << b);
        let st_req = |s: StationIx| bit(net.stations[s.i()].project.as_deref(), net.stations[s.i()].opened);
        // the door measure counts the expected wait before each train; the station measure does not
        let edges: Vec<(Node, Node, EdgeKind, u32)> =
            g.edges().map(|(a, b, e)| (a, b, e.kind, if measure == Measure::Door { e.secs.0.saturating_add(e.wait.0) } else { e.secs.0 })).collect();
        let mut masks: Vec<Set> = vec![0; edges.len()];
        // rail and road first; a station is served under any of the masks of its rail edges
        let mut served: Vec<Vec<Set>> = vec![Vec::new(); net.stations.len()];
        for (k, p) in trace.iter().enumerate() {
            match p {
                Provenance::Rail { sections, from, to } => {
                    let mut m = st_req(*from) | st_req(*to);
                    for &si in sections {
                        let s = &net.sections[si];
                        m |= bit(s.project.as_deref(), s.opened);
                    }
                    masks[k] = m;
                    served[from.i()].push(m);
                    served[to.i()].push(m);
                }
                Provenance::Road(ri) => {
                    let r = &net.roads[*ri];
                    masks[k] = bit(r.project.as_deref(), r.opened);
                }
                Provenance::Connector(_) | Provenance::Change(_) => {}
            }
        }
        let served: Vec<Vec<Set>> = served.into_iter().map(minimal).collect();
        let alts_of = |r: NodeRef| match r {
            NodeRef::Place(_) => vec![0],
            NodeRef::Station(s) => served[s.i()].clone(),
        };
        let n_nodes = g.node_count();
        let mut all_edges: Vec<Vec<(u32, u32, u32, Set)>> = vec![Vec::new(); if measure == Measure::Door { 1 } else { 2 }];
        for (k, (a, b, kind, secs)) in edges.iter().enumerate() {
            let alts: Vec<Set> = match &trace[k] {
                Provenance::Connector(ci) => {
                    let c = &net.connectors[*ci];
                    let (x, y) = (alts_of(c.from), alts_of(c.to));
                    minimal(x.iter().flat_map(|m| y.iter().map(move |n| m | n)).collect())
                }
                Provenance::Change(s) => served[s.i()].clone(),
                _ => vec![masks[k]],
            };
            let layer = match measure {
                Measure::Door => Some(0),
                Measure::Station => match kind {
                    EdgeKind::Rail(_) | EdgeKind::Change | EdgeKind::Metro | EdgeKind::Walk => Some(0),
                    EdgeKind::Egress | EdgeKind::Road(_) => Some(1),
                    _ => None,
                },
            };
            if let Some(l) = layer {
                for m in alts {
                    all_edges[l].push((a.0, b.0, *secs, m));
                }
            }
        }
        let layers = all_edges.into_iter().map(|e| Csr::new(n_nodes, n_projects, e)).collect();
        let origin = &net.cities[all.origin.i()];
        // a trip starts on the platform and at the boarding node of each origin station (no connection time)
        let origin_stations = all
            .origin_stations
            .iter()
            .flat_map(|&s| [(g.station(s).0, served[s.i()].clone()), (g.board(s).0, served[s.i()].clone())])
            .collect();
        let station_nodes: Vec<(u32, u32)> = (0..net.stations.len()).map(|i| (g.station(StationIx(i as u32)).0, g.board(StationIx(i as u32)).0)).collect();
        let mut is_station = vec![false; n_nodes];
        for &(p, _) in &station_nodes {
            is_station[p as usize] = true;
        }
        let mut own: Vec<Vec<u32>> = vec![Vec::new(); net.places.len()];
        for (i, s) in net.stations.iter().enumerate() {
            own[s.place.i()].push(g.station(StationIx(i as u32)).0);
        }
        let places = net
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| PlaceSlot { node: g.place(crate::network::PlaceIx(i as u32)).0, population: p.population, outside: p.kind == PlaceKind::Outside, stations: own[i].clone() })
            .collect();
        let cities = net
            .cities
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != all.origin.i())
            .map(|(_, c)| CitySlot { seat: g.place(c.seat).0, stations: c.stations.iter().map(|&s| g.station(s).0).collect() })
            .collect();
        Engine {
            measure,
            n_projects,
            n_nodes,
            layers,
            origin_seat: g.place(origin.seat).0,
            origin_stations,
            is_station,
            station_nodes,
            places,
            cities,
            bound: UNREACHED - 1,
        }
    }

    /// Number of directed edges (with alternative copies) over all layers.
    pub fn edge_count(&self) -> usize {
        self.layers.iter().map(|l| l.to.len()).sum()
    }

    fn open_station(alts: &[Set], s: Set) -> bool {
        alts.iter().any(|m| m & s == *m)
    }

    /// Decrease-only Dijkstra on layer `l` over the edges open in `s`, from what is on the heap.
    fn settle(&self, l: usize, d: &mut [u32], heap: &mut BinaryHeap<Reverse<(u32, u32)>>, s: Set, mut changed: Option<&mut Vec<u32>>) {
        let c = &self.layers[l];
        while let Some(Reverse((t, u))) = heap.pop() {
            if t > d[u as usize] {
                continue;
            }
            if let Some(ch) = changed.as_deref_mut() {
                ch.push(u);
            }
            for e in c.start[u as usize] as usize..c.start[u as usize + 1] as usize {
                if c.mask[e] & s != c.mask[e] {
                    continue;
                }
                let nt = t.saturating_add(c.secs[e]);
                let v = c.to[e] as usize;
                if nt < d[v] && nt <= self.bound {
                    d[v] = nt;
                    heap.push(Reverse((nt, v as u32)));
                }
            }
        }
    }

    fn push(&self, d: &mut [u32], heap: &mut BinaryHeap<Reverse<(u32, u32)>>, v: u32, t: u32) {
        if t < d[v as usize] && t <= self.bound {
            d[v as usize] = t;
            heap.push(Reverse((t, v)));
        }
    }

    /// The times of state `s`, from scratch.
    pub fn full(&self, s: Set) -> Dists {
        let n = self.n_nodes;
        let mut heap = BinaryHeap::new();
        match self.measure {
            Measure::Door => {
                let mut d = vec![UNREACHED; n];
                self.push(&mut d, &mut heap, self.origin_seat, 0);
                self.settle(0, &mut d, &mut heap, s, None);
                Dists(d)
            }
            Measure::Station => {
                let mut d = vec![UNREACHED; 2 * n];
                let (rail, onward) = d.split_at_mut(n);
                for (st, alts) in &self.origin_stations {
                    if Self::open_station(alts, s) {
                        self.push(rail, &mut heap, *st, 0);
                    }
                }
                self.settle(0, rail, &mut heap, s, None);
                for v in 0..n {
                    if self.is_station[v] && rail[v] != UNREACHED {
                        self.push(onward, &mut heap, v as u32, rail[v]);
                    }
                }
                self.settle(1, onward, &mut heap, s, None);
                Dists(d)
            }
        }
    }

    /// Relaxes the edges of layer `l` that need project `j` and are open in `s2` (lowered times are real path
    /// lengths, so reading them while seeding is safe).
    fn seed(&self, l: usize, j: usize, d: &mut [u32], heap: &mut BinaryHeap<Reverse<(u32, u32)>>, s2: Set) {
        let c = &self.layers[l];
        for &e in &c.by_project[j] {
            let e = e as usize;
            if c.mask[e] & s2 == c.mask[e] {
                let t = d[c.from[e] as usize];
                if t != UNREACHED {
                    self.push(d, heap, c.to[e], t.saturating_add(c.secs[e]));
                }
            }
        }
    }

    /// Turns the times of state `s` (without project `j`) into those of `s ∪ {j}`, updating only what falls.
    pub fn extend(&self, dists: &mut Dists, s: Set, j: usize) {
        let s2 = s | 1 << j;
        let n = self.n_nodes;
        let mut heap = BinaryHeap::new();
        match self.measure {
            Measure::Door => {
                let d = &mut dists.0[..];
                self.seed(0, j, d, &mut heap, s2);
                self.settle(0, d, &mut heap, s2, None);
            }
            Measure::Station => {
                let (rail, onward) = dists.0.split_at_mut(n);
                for (st, alts) in &self.origin_stations {
                    if Self::open_station(alts, s2) {
                        self.push(rail, &mut heap, *st, 0);
                    }
                }
                self.seed(0, j, rail, &mut heap, s2);
                let mut changed = Vec::new();
                self.settle(0, rail, &mut heap, s2, Some(&mut changed));
                for v in changed {
                    if self.is_station[v as usize] {
                        let t = rail[v as usize];
                        self.push(onward, &mut heap, v, t);
                    }
                }
                self.seed(1, j, onward, &mut heap, s2);
                self.settle(1, onward, &mut heap, s2, None);
            }
        }
    }

    /// Per place (in network order), its time under the engine's measure, as [`crate::rings::Reach`] gives it.
    pub fn place_times(&self, d: &Dists) -> Vec<Option<Seconds>> {
        self.places.iter().map(|p| self.time_at(d, p.node, &p.stations)).map(wrap).collect()
    }

    /// The time of every station as `run` reports it: the station measure's by rail at its platform; door to door
    /// at its platform or, by road access, its boarding node, whichever is sooner.
    pub fn station_times(&self, d: &Dists) -> Vec<Option<Seconds>> {
        self.station_nodes
            .iter()
            .map(|&(p, b)| match self.measure {
                Measure::Station => d.0[p as usize],
                Measure::Door => d.0[p as usize].min(d.0[b as usize]),
            })
            .map(wrap)
            .collect()
    }

    /// The time of a place node (and its own stations, for the station measure).
    #[inline]
    pub fn time_at(&self, d: &Dists, node: u32, stations: &[u32]) -> u32 {
        match self.measure {
            Measure::Door => d.0[node as usize],
            Measure::Station => {
                let n = self.n_nodes;
                let mut t = d.0[n + node as usize];
                for &s in stations {
                    t = t.min(d.0[s as usize]);
                }
                t
            }
        }
    }
}

fn wrap(t: u32) -> Option<Seconds> {
    (t != UNREACHED).then_some(Seconds(t))
}
