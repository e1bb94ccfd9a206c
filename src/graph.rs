//! Stage 3 of the pipeline: a bound scenario → the weighted directed graph the search runs on.
//!
//! Nodes are the network's places followed by its stations, in file order, so a node's position is fixed by the
//! network files alone (the graph is built once and never has nodes removed, so petgraph's indices stay stable;
//! they stay private to this crate and never reach a file). Edges carry integer seconds and what they are:
//!
//! - rail: for every line, every pair of stations on a run of consecutive open sections, in both directions, with
//!   `sum(length / (operating speed × speed_factor)) + stop_penalty + intermediate_penalty × min(stations passed,
//!   intermediate_cap)`;
//! - road: both directions, `length / class speed`;
//! - access (place → station, adds the boarding penalty) and egress (station → place, adds alighting);
//! - metro / walk between stations (both directions).

use crate::network::{ConnectorKind, Network, NodeRef, PlaceIx, RailMode, RoadClass, StationIx};
use crate::params::Params;
use crate::scenario::Bound;
use crate::units::{Kmh, Seconds};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    Rail(RailMode),
    Road(RoadClass),
    Access,
    Egress,
    Metro,
    Walk,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Rail(m) => m.as_str(),
            EdgeKind::Road(c) => c.as_str(),
            EdgeKind::Access => "access",
            EdgeKind::Egress => "egress",
            EdgeKind::Metro => "metro",
            EdgeKind::Walk => "walk",
        }
    }
    pub fn is_rail(self) -> bool {
        matches!(self, EdgeKind::Rail(_))
    }
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub secs: Seconds,
    pub kind: EdgeKind,
    /// The network element this edge comes from: a line id, road link id or connector description.
    pub label: u32,
}

/// A node of the search graph, by external meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Node(pub u32);

pub struct Graph {
    pub(crate) g: DiGraph<(), Edge, u32>,
    n_places: u32,
    pub labels: Vec<String>,
    /// Stations served by at least one open rail edge in this scenario.
    pub station_open: Vec<bool>,
}

impl Graph {
    pub fn place(&self, p: PlaceIx) -> Node {
        Node(p.0)
    }
    pub fn station(&self, s: StationIx) -> Node {
        Node(self.n_places + s.0)
    }
    pub fn node(&self, r: NodeRef) -> Node {
        match r {
            NodeRef::Place(p) => self.place(p),
            NodeRef::Station(s) => self.station(s),
        }
    }
    pub fn node_ref(&self, n: Node) -> NodeRef {
        if n.0 < self.n_places {
            NodeRef::Place(PlaceIx(n.0))
        } else {
            NodeRef::Station(StationIx(n.0 - self.n_places))
        }
    }
    pub fn node_count(&self) -> usize {
        self.g.node_count()
    }
    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }
    /// Outgoing edges of a node: (target, edge).
    pub fn out(&self, n: Node) -> impl Iterator<Item = (Node, &Edge)> + '_ {
        self.g.edges(NodeIndex::new(n.0 as usize)).map(|e| (Node(e.target().index() as u32), e.weight()))
    }
    /// All edges, in insertion order: (from, to, edge).
    pub fn edges(&self) -> impl Iterator<Item = (Node, Node, &Edge)> + '_ {
        self.g.edge_references().map(|e| (Node(e.source().index() as u32), Node(e.target().index() as u32), e.weight()))
    }
    pub(crate) fn edge(&self, e: EdgeIndex<u32>) -> &Edge {
        &self.g[e]
    }

    /// A graph of `n` places joined by the given directed `(from, to, seconds)` edges (all trunk road), for tests
    /// and benchmarks that need a graph without a network.
    pub fn from_edges(n: usize, edges: &[(u32, u32, u32)]) -> Graph {
        let mut g: DiGraph<(), Edge, u32> = DiGraph::with_capacity(n, edges.len());
        for _ in 0..n {
            g.add_node(());
        }
        for &(a, b, s) in edges {
            g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), Edge { secs: Seconds(s), kind: EdgeKind::Road(RoadClass::Trunk), label: 0 });
        }
        Graph { g, n_places: n as u32, labels: vec!["edge".into()], station_open: Vec::new() }
    }

    /// Builds the graph of a bound scenario.
    pub fn build(b: &Bound) -> Graph {
        build(b.net, &b.params, |opened, project| b.sc.is_open(opened, project), b.sc.as_of)
    }
}

/// Where an edge of the graph comes from, for callers that must know which network elements it needs
/// ([`build_traced`]; the order search derives from it which projects each edge requires).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provenance {
    /// A rail edge between two stopping stations over these sections (indices into `net.sections`).
    Rail { sections: Vec<usize>, from: StationIx, to: StationIx },
    /// A road edge from `net.roads[i]`.
    Road(usize),
    /// A connector edge from `net.connectors[i]`: it exists only while its stations are served by rail.
    Connector(usize),
}

/// Builds the graph for the elements `open(opened, project)` selects, at date `as_of` (for speed changes).
pub fn build(
    net: &Network,
    params: &Params,
    open: impl Fn(Option<crate::units::Date>, Option<&str>) -> bool,
    as_of: crate::units::Date,
) -> Graph {
    build_traced(net, params, open, as_of, None)
}

/// [`build`], also pushing onto `trace` (when given) the [`Provenance`] of every edge, in edge order.
pub fn build_traced(
    net: &Network,
    params: &Params,
    open: impl Fn(Option<crate::units::Date>, Option<&str>) -> bool,
    as_of: crate::units::Date,
    mut trace: Option<&mut Vec<Provenance>>,
) -> Graph {
    let n_places = net.places.len() as u32;
    let mut g: DiGraph<(), Edge, u32> = DiGraph::with_capacity(net.places.len() + net.stations.len(), 0);
    for _ in 0..(net.places.len() + net.stations.len()) {
        g.add_node(());
    }
    let mut labels: Vec<String> = Vec::new();
    let mut station_open = vec![false; net.stations.len()];
    let st = |s: StationIx| NodeIndex::new((n_places + s.0) as usize);
    let pl = |p: PlaceIx| NodeIndex::new(p.0 as usize);

    // Rail: per line, runs of consecutive open sections in seq order.
    for (li, line) in net.lines.iter().enumerate() {
        let mut secs: Vec<(usize, &crate::network::Section)> =
            net.sections.iter().enumerate().filter(|(_, s)| s.line.i() == li && open(s.opened, s.project.as_deref())).collect();
        secs.sort_by_key(|s| s.1.seq);
        let change = net
            .speed_changes
            .iter()
            .filter(|c| c.line.i() == li && c.effective <= as_of)
            .last();
        let mode = params_mode(params, line.mode);
        let label = labels.len() as u32;
        labels.push(line.id.clone());
        // A station whose own opening is later than the section's is passed without a stop.
        let stops = |x: StationIx| {
            let st = &net.stations[x.i()];
            // `opened` alone is informational (the first section through the station); a station-level opening
            // comes with the project that built the station (e.g. 郑州航空港, hub-zhengzhounan).
            st.project.is_none() || open(st.opened, st.project.as_deref())
        };
        // station, running seconds (f64) from run start, position in the run before stations are dropped
        let mut run: Vec<(StationIx, f64, usize)> = Vec::new();
        // the sections of the run, in order (section k joins positions k and k + 1)
        let mut run_secs: Vec<usize> = Vec::new();
        let flush = |run: &mut Vec<(StationIx, f64, usize)>,
                     run_secs: &mut Vec<usize>,
                     g: &mut DiGraph<(), Edge, u32>,
                     station_open: &mut Vec<bool>,
                     trace: &mut Option<&mut Vec<Provenance>>| {
            // stations not yet open are passed without a stop: their running times stay in the cumulative sums
            run.retain(|x| stops(x.0));
            // Stations passed count towards the intermediate penalty, except those with a station-level opening
            // (built on an open line): trains that stopped nowhere there before keep their times, so opening such
            // a station never slows a trip through it.
            let mut passed = vec![0usize; run.len() + 1];
            for (k, x) in run.iter().enumerate() {
                passed[k + 1] = passed[k] + usize::from(net.stations[x.0.i()].project.is_none());
            }
            for i in 0..run.len() {
                station_open[run[i].0.i()] |= run.len() > 1;
                for j in (i + 1)..run.len() {
                    let between = passed[j] - passed[i + 1];
                    let t = run[j].1 - run[i].1 + mode.stop_penalty_s + mode.intermediate_penalty_s * between.min(mode.intermediate_cap as usize) as f64;
                    let secs = Seconds(t.round().max(1.0) as u32);
                    g.add_edge(st(run[i].0), st(run[j].0), Edge { secs, kind: EdgeKind::Rail(line.mode), label });
                    g.add_edge(st(run[j].0), st(run[i].0), Edge { secs, kind: EdgeKind::Rail(line.mode), label });
                    if let Some(tr) = trace.as_deref_mut() {
                        let sections = run_secs[run[i].2..run[j].2].to_vec();
                        tr.push(Provenance::Rail { sections: sections.clone(), from: run[i].0, to: run[j].0 });
                        tr.push(Provenance::Rail { sections, from: run[j].0, to: run[i].0 });
                    }
                }
            }
            run.clear();
            run_secs.clear();
        };
        let mut last_end: Option<StationIx> = None;
        for (si, s) in secs {
            if last_end != Some(s.from) {
                flush(&mut run, &mut run_secs, &mut g, &mut station_open, &mut trace);
                run.push((s.from, 0.0, 0));
            }
            last_end = Some(s.to);
            let mut v = s.operating_speed.0;
            if let Some(c) = change {
                // A speed change applies to sections open when it took effect (later sections keep their own).
                if s.opened.map_or(false, |o| o <= c.effective) {
                    v = c.speed.0;
                }
            }
            let v = v.min(s.design_speed.0) * mode.speed_factor;
            let t = s.length.0 / v * 3600.0;
            let t0 = run.last().unwrap().1;
            run.push((s.to, t0 + t, run.len()));
            run_secs.push(si);
        }
        flush(&mut run, &mut run_secs, &mut g, &mut station_open, &mut trace);
    }

    // Roads.
    for (ri, r) in net.roads.iter().enumerate() {
        if !open(r.opened, r.project.as_deref()) {
            continue;
        }
        let v = match r.class {
            RoadClass::Expressway => Kmh(params.road.expressway.speed_kmh),
            RoadClass::Trunk => Kmh(params.road.trunk.speed_kmh),
        };
        let secs = Seconds::travel(r.length, r.speed.unwrap_or(v));
        let label = labels.len() as u32;
        labels.push(r.id.clone());
        g.add_edge(pl(r.from), pl(r.to), Edge { secs, kind: EdgeKind::Road(r.class), label });
        g.add_edge(pl(r.to), pl(r.from), Edge { secs, kind: EdgeKind::Road(r.class), label });
        if let Some(tr) = trace.as_deref_mut() {
            tr.extend([Provenance::Road(ri), Provenance::Road(ri)]);
        }
    }

    // Connectors.
    for (ci, c) in net.connectors.iter().enumerate() {
        if !open(c.opened, None) {
            continue;
        }
        let touches_closed = |n: NodeRef| matches!(n, NodeRef::Station(s) if !station_open[s.i()]);
        if touches_closed(c.from) || touches_closed(c.to) {
            continue;
        }
        let speed = match c.kind {
            ConnectorKind::Access => params.connector.access.speed_kmh,
            ConnectorKind::Metro => params.connector.metro.speed_kmh,
            ConnectorKind::Walk => params.connector.walk.speed_kmh,
        };
        let base = match c.minutes {
            Some(m) => Seconds::from_minutes_f64(m),
            None => Seconds::travel(c.length, Kmh(speed)),
        };
        let label = labels.len() as u32;
        labels.push(format!("{}:{}-{}", c.kind.as_str(), node_id(net, c.from), node_id(net, c.to)));
        let node = |r: NodeRef| match r {
            NodeRef::Place(p) => pl(p),
            NodeRef::Station(s) => st(s),
        };
        match c.kind {
            ConnectorKind::Access => {
                let (p, s) = match (c.from, c.to) {
                    (NodeRef::Place(p), NodeRef::Station(s)) | (NodeRef::Station(s), NodeRef::Place(p)) => (p, s),
                    _ => unreachable!("checked on load: access joins a place and a station"),
                };
                let board = base + Seconds(params.door.boarding_s.round() as u32);
                let alight = base + Seconds(params.door.alighting_s.round() as u32);
                g.add_edge(pl(p), st(s), Edge { secs: board, kind: EdgeKind::Access, label });
                g.add_edge(st(s), pl(p), Edge { secs: alight, kind: EdgeKind::Egress, label });
            }
            ConnectorKind::Metro | ConnectorKind::Walk => {
                let kind = if c.kind == ConnectorKind::Metro { EdgeKind::Metro } else { EdgeKind::Walk };
                g.add_edge(node(c.from), node(c.to), Edge { secs: base, kind, label });
                g.add_edge(node(c.to), node(c.from), Edge { secs: base, kind, label });
            }
        }
        if let Some(tr) = trace.as_deref_mut() {
            tr.extend([Provenance::Connector(ci), Provenance::Connector(ci)]);
        }
    }
    Graph { g, n_places, labels, station_open }
}

fn params_mode(p: &Params, m: RailMode) -> &crate::params::RailMode {
    match m {
        RailMode::Hsr => &p.rail.hsr,
        RailMode::Intercity => &p.rail.intercity,
        RailMode::Suburban => &p.rail.suburban,
        RailMode::Conventional => &p.rail.conventional,
    }
}

/// The external id of a node reference (place id or station id).
pub fn node_id(net: &Network, r: NodeRef) -> &str {
    match r {
        NodeRef::Place(p) => &net.places[p.i()].id,
        NodeRef::Station(s) => &net.stations[s.i()].id,
    }
}
