//! Stage 3 of the pipeline: a bound scenario → the weighted directed graph the search runs on.
//!
//! Nodes are the network's places, then its stations (the platform where a train arrives), then one boarding node
//! per station, in file order, so a node's position is fixed by the network files alone (the graph is built once
//! and never has nodes removed, so petgraph's indices stay stable; they stay private to this crate and never reach
//! a file). Edges carry integer seconds and what they are:
//!
//! - rail: for every train service open in the scenario ([`crate::services`]), from the boarding node of each stop
//!   to the platform of every later stop, with the physical running time of that train ([`crate::services::leg_parts`])
//!   and, for the door measure, the expected wait (half the combined headway of the services a traveller would
//!   take there: `door_strategy`);
//! - change: platform → boarding node of the same station, the minimum connection time (`rail.change_s`): riding
//!   on is free, changing trains is not;
//! - road: both directions, `length / class speed`;
//! - access (place → boarding node, adds the boarding penalty) and egress (platform → place, adds alighting);
//! - metro / walk between the platforms of two stations (both directions).

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
    /// Changing trains at a station (platform → boarding node).
    Change,
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
            EdgeKind::Change => "change",
        }
    }
    /// Every kind, for building masks.
    pub const ALL: [EdgeKind; 11] = [
        EdgeKind::Rail(RailMode::Hsr),
        EdgeKind::Rail(RailMode::Intercity),
        EdgeKind::Rail(RailMode::Suburban),
        EdgeKind::Rail(RailMode::Conventional),
        EdgeKind::Road(RoadClass::Expressway),
        EdgeKind::Road(RoadClass::Trunk),
        EdgeKind::Access,
        EdgeKind::Egress,
        EdgeKind::Metro,
        EdgeKind::Walk,
        EdgeKind::Change,
    ];
    /// The kind's position in [`EdgeKind::ALL`].
    pub fn bit(self) -> u16 {
        EdgeKind::ALL.iter().position(|k| *k == self).expect("every kind is listed") as u16
    }
    pub fn is_rail(self) -> bool {
        matches!(self, EdgeKind::Rail(_))
    }
    /// The edges the station measure's rail search uses: trains, changes, and metro or walking changes between a
    /// city's stations.
    pub fn is_station_measure(self) -> bool {
        matches!(self, EdgeKind::Rail(_) | EdgeKind::Change | EdgeKind::Metro | EdgeKind::Walk)
    }
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub secs: Seconds,
    /// Expected wait before boarding, counted by the door measure only (rail edges; zero elsewhere).
    pub wait: Seconds,
    pub kind: EdgeKind,
    /// The network element this edge comes from: a line id, road link id or connector description.
    pub label: u32,
}

/// A node of the search graph, by external meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Node(pub u32);

pub struct Graph {
    pub(crate) g: DiGraph<(), Edge, u32>,
    /// The edges in compressed sparse rows (flat arrays for the search), at running seconds (`base[0]`, station
    /// measure) and at seconds plus the expected wait (`base[1]`, door measure): every kind, parallel edges of one
    /// kind reduced to the fastest under each measure, each node's edges in insertion order.
    pub(crate) base: [std::sync::Arc<crate::search::Csr>; 2],
    /// The bit of each base edge's kind ([`EdgeKind::bit`]).
    pub(crate) adj_kind: Vec<u16>,
    n_places: u32,
    n_stations: u32,
    pub labels: Vec<String>,
    /// Stations served by at least one open rail edge in this scenario.
    pub station_open: Vec<bool>,
    /// The search's arrays per measure and edge filter, built on first use ([`crate::search`]).
    pub(crate) search_cache: crate::search::Cache,
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
    /// The boarding node of a station: where trains depart from; a trip that starts at the station starts here
    /// too (no connection time), one that arrives by train reaches it through a change edge.
    pub fn board(&self, s: StationIx) -> Node {
        Node(self.n_places + self.n_stations + s.0)
    }
    /// Whether a node is a boarding node.
    pub fn is_board(&self, n: Node) -> bool {
        n.0 >= self.n_places + self.n_stations
    }
    /// The network element of a node (a boarding node maps to its station).
    pub fn node_ref(&self, n: Node) -> NodeRef {
        if n.0 < self.n_places {
            NodeRef::Place(PlaceIx(n.0))
        } else if n.0 < self.n_places + self.n_stations {
            NodeRef::Station(StationIx(n.0 - self.n_places))
        } else {
            NodeRef::Station(StationIx(n.0 - self.n_places - self.n_stations))
        }
    }
    /// The sources of a trip that starts at the given platforms: each platform and its boarding node at `t`.
    pub fn start_at(&self, starts: &[Node], t: Seconds) -> Vec<(Node, Seconds)> {
        let mut v = Vec::with_capacity(starts.len() * 2);
        for &n in starts {
            v.push((n, t));
            if n.0 >= self.n_places && !self.is_board(n) {
                v.push((Node(n.0 + self.n_stations), t));
            }
        }
        v
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

    fn with_adjacency(g: DiGraph<(), Edge, u32>, n_places: u32, n_stations: u32, labels: Vec<String>, station_open: Vec<bool>) -> Graph {
        let n = g.node_count();
        // Parallel edges of one kind between the same two nodes: only the fastest under each measure can be on a
        // shortest path, so the search arrays keep those (petgraph keeps every edge, with its provenance).
        let mut best: std::collections::HashMap<(u32, u32, u16), (u32, u32, usize, usize)> = Default::default();
        for (k, e) in g.raw_edges().iter().enumerate() {
            let key = (e.source().index() as u32, e.target().index() as u32, e.weight.kind.bit());
            let (s, d) = (e.weight.secs.0, e.weight.secs.0.saturating_add(e.weight.wait.0));
            let b = best.entry(key).or_insert((s, d, k, k));
            if s < b.0 {
                b.0 = s;
                b.2 = k;
            }
            if d < b.1 {
                b.1 = d;
                b.3 = k;
            }
        }
        let keep: Vec<bool> = {
            let mut v = vec![false; g.edge_count()];
            for b in best.values() {
                v[b.2] = true;
                v[b.3] = true;
            }
            v
        };
        let mut start = vec![0u32; n + 1];
        for (k, e) in g.raw_edges().iter().enumerate() {
            if keep[k] {
                start[e.source().index() + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let m = start[n] as usize;
        let mut fill = start.clone();
        let (mut to, mut ix, mut secs, mut door, mut kind) = (vec![0u32; m], vec![0u32; m], vec![0u32; m], vec![0u32; m], vec![0u16; m]);
        // in insertion order within each node, so the search is the same on every build
        for (k, e) in g.raw_edges().iter().enumerate() {
            if !keep[k] {
                continue;
            }
            let a = e.source().index();
            let p = fill[a] as usize;
            fill[a] += 1;
            to[p] = e.target().index() as u32;
            ix[p] = k as u32;
            secs[p] = e.weight.secs.0;
            door[p] = e.weight.secs.0.saturating_add(e.weight.wait.0);
            kind[p] = 1u16 << e.weight.kind.bit();
        }
        let mut src = vec![0u32; m];
        for u in 0..n {
            src[start[u] as usize..start[u + 1] as usize].fill(u as u32);
        }
        let pairs = |w: &[u32]| to.iter().zip(w).map(|(&t, &w)| (t, w)).collect::<Vec<_>>();
        let base = [
            std::sync::Arc::new(crate::search::Csr::from_parts(start.clone(), pairs(&secs), src.clone(), ix.clone())),
            std::sync::Arc::new(crate::search::Csr::from_parts(start, pairs(&door), src, ix)),
        ];
        Graph { g, base, adj_kind: kind, n_places, n_stations, labels, station_open, search_cache: Default::default() }
    }

    /// A graph of `n` places joined by the given directed `(from, to, seconds)` edges (all trunk road), for tests
    /// and benchmarks that need a graph without a network.
    pub fn from_edges(n: usize, edges: &[(u32, u32, u32)]) -> Graph {
        let mut g: DiGraph<(), Edge, u32> = DiGraph::with_capacity(n, edges.len());
        for _ in 0..n {
            g.add_node(());
        }
        for &(a, b, s) in edges {
            g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), Edge { secs: Seconds(s), wait: Seconds::ZERO, kind: EdgeKind::Road(RoadClass::Trunk), label: 0 });
        }
        Graph::with_adjacency(g, n as u32, 0, vec!["edge".into()], Vec::new())
    }

    /// A graph of `n` places joined by the given directed `(from, to, seconds, wait, kind)` edges, for tests that
    /// exercise edge filters and the door measure without a network.
    pub fn from_kinded_edges(n: usize, edges: &[(u32, u32, u32, u32, EdgeKind)]) -> Graph {
        let mut g: DiGraph<(), Edge, u32> = DiGraph::with_capacity(n, edges.len());
        for _ in 0..n {
            g.add_node(());
        }
        for &(a, b, s, w, kind) in edges {
            g.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), Edge { secs: Seconds(s), wait: Seconds(w), kind, label: 0 });
        }
        Graph::with_adjacency(g, n as u32, 0, vec!["edge".into()], Vec::new())
    }

    /// Builds the graph of a bound scenario.
    pub fn build(b: &Bound) -> Graph {
        build(b.net, &b.params, &b.services, |opened, project| b.sc.is_open(opened, project), b.sc.as_of)
    }
}

/// Calls `f` with the [`crate::services::Scene`] of the elements `open` selects at date `as_of`: open sections,
/// their speed limits (speed changes in force; a change applies to sections open when it took effect), the
/// stations open for stops (a station with its own opening, e.g. 郑州航空港, only once open) and the junctions.
pub fn with_scene<R>(
    net: &Network,
    params: &Params,
    open: &dyn Fn(Option<crate::units::Date>, Option<&str>) -> bool,
    as_of: crate::units::Date,
    f: impl FnOnce(&crate::services::Scene) -> R,
) -> R {
    // junctions of the lines open on `rail.hub_lines_as_of` (every line without it): a fixed set, whatever the scenario
    let hub = match params.hub_lines_as_of() {
        Some(cut) => crate::services::junctions_of(net, |s| s.opened.is_some_and(|o| o <= cut)),
        None => crate::services::junctions(net),
    };
    // a station opens with its project, or, when it opened later than every section through it (郑州西, a passing
    // loop of 郑西 until 2015-12-18: facts/station_openings.csv), on its own date; before that trains pass it
    let mut first_section: Vec<Option<crate::units::Date>> = vec![None; net.stations.len()];
    for sec in &net.sections {
        for x in [sec.from, sec.to] {
            let f = &mut first_section[x.i()];
            *f = match (*f, sec.opened) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
    let stops_at = |x: StationIx| {
        let s = &net.stations[x.i()];
        match (&s.project, s.opened, first_section[x.i()]) {
            (Some(_), _, _) => open(s.opened, s.project.as_deref()),
            (None, Some(own), Some(line)) if own > line => own <= as_of,
            _ => true,
        }
    };
    let speed_of = |si: usize| -> f64 {
        let s = &net.sections[si];
        let mut v = s.operating_speed.0;
        if let Some(c) = net.speed_changes.iter().rfind(|c| c.line == s.line && c.effective <= as_of) {
            if s.opened.is_some_and(|o| o <= c.effective) {
                v = c.speed.0;
            }
        }
        v.min(s.design_speed.0)
    };
    let section_open: Vec<bool> = net.sections.iter().map(|s| open(s.opened, s.project.as_deref())).collect();
    f(&crate::services::Scene { net, rail: &params.rail, section_open: &section_open, speed_of: &speed_of, stops_at: &stops_at, hub: &hub })
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
    /// A change of trains at a station: it exists only while the station is served by rail.
    Change(StationIx),
}

/// Builds the graph for the elements `open(opened, project)` selects, at date `as_of` (for speed changes), with
/// the scenario's `services` (see [`crate::services::scenario_services`]).
pub fn build(
    net: &Network,
    params: &Params,
    services: &[crate::services::Service],
    open: impl Fn(Option<crate::units::Date>, Option<&str>) -> bool,
    as_of: crate::units::Date,
) -> Graph {
    build_traced(net, params, services, open, as_of, None)
}

/// The door measure's edge for the services `cands` (ride seconds, single-service wait, class, label, trains a day;
/// sorted by ride time) joining one stop to a later one over the same sections: a traveller at the platform boards
/// the first train of an *attractive set* of them, the frequency-based optimal strategy of Spiess & Florian (1989,
/// *Transp. Res. B* 23(2):83–102): the set is the fastest services taken in order while a service's ride is
/// shorter than the expected time of the set so far, the expected wait is half the combined headway over the
/// service day (`day_s`), the expected ride the frequency-weighted mean. One service alone gives its own ride and
/// half its own headway; a further service never raises the expected time, so adding one never slows a trip. The
/// edge holds the rounded mean ride as `secs` and the rest of the rounded expected time as `wait` (so the door
/// weight is the rounded expected time); its class and label are those of the first of `cands` (the service with
/// the shortest one-train ride, as the graph passes them), and the last value is how many services it pools.
fn door_strategy(cands: &[(u32, u32, RailMode, u32, f64)], day_s: f64) -> (u32, u32, RailMode, u32, usize) {
    let (mut n, mut ride) = (0.0f64, 0.0f64);
    let mut expected = f64::INFINITY;
    let mut pooled = 0;
    for c in cands {
        if (c.0 as f64) >= expected {
            break;
        }
        n += c.4;
        ride += c.4 * c.0 as f64;
        expected = (day_s / 2.0 + ride) / n;
        pooled += 1;
    }
    let secs = (ride / n).round().max(1.0);
    let total = expected.round().max(secs);
    (secs as u32, (total - secs) as u32, cands[0].2, cands[0].3, pooled)
}

/// A rail leg of the graph: boarding station, arrival station, the sections between them.
type LegKey = (StationIx, StationIx, Vec<usize>);

/// One service's candidate for a leg: (fastest train's secs, single-service wait, class, label, trains a day, one
/// train's secs, its trains as a random time, and for a project's through service its index in `services`: it
/// runs only while every section of its route is open, not only the leg's).
type Candidate = (u32, u32, RailMode, u32, f64, u32, crate::services::Draw, Option<usize>);

/// [`build`], also pushing onto `trace` (when given) the [`Provenance`] of every edge, in edge order.
pub fn build_traced(
    net: &Network,
    params: &Params,
    services: &[crate::services::Service],
    open: impl Fn(Option<crate::units::Date>, Option<&str>) -> bool,
    as_of: crate::units::Date,
    mut trace: Option<&mut Vec<Provenance>>,
) -> Graph {
    let n_places = net.places.len() as u32;
    let n_stations = net.stations.len() as u32;
    let mut g: DiGraph<(), Edge, u32> = DiGraph::with_capacity(net.places.len() + 2 * net.stations.len(), 0);
    for _ in 0..(net.places.len() + 2 * net.stations.len()) {
        g.add_node(());
    }
    let mut labels: Vec<String> = Vec::new();
    let mut station_open = vec![false; net.stations.len()];
    let st = |s: StationIx| NodeIndex::new((n_places + s.0) as usize);
    let board = |s: StationIx| NodeIndex::new((n_places + n_stations + s.0) as usize);
    let pl = |p: PlaceIx| NodeIndex::new(p.0 as usize);

    // Rail: every open service, from each stop to every later stop.
    // (boarding station, arrival station, sections) → every service's [`Candidate`]: the fastest train's time for the
    // station measure, any one train's for the door measure's ride, and its trains as a draw for the pooled fastest
    let mut legs: std::collections::BTreeMap<LegKey, Vec<Candidate>> = Default::default();
    with_scene(net, params, &open, as_of, |scene| {
        for (si, svc) in services.iter().enumerate() {
            let per_day = svc.trains_per_day.max(0.01);
            let wait = (params.rail.service_hours * 3600.0 / per_day / 2.0).round() as u32;
            let label = labels.len() as u32;
            labels.push(svc.id.clone());
            // a project's through service (one on lines as built is always open with them: pooled like any other)
            let through = (svc.origin == crate::services::Origin::Project && svc.hops.iter().any(|&h| net.sections[h].project.is_some())).then_some(si);
            scene.legs(svc, |leg| {
                let (secs, one) = (leg.secs(), leg.secs_one());
                let draw = leg.draw(svc);
                legs.entry((leg.from, leg.to, leg.sections)).or_default().push((secs, wait, svc.class, label, per_day, one, draw, through));
            });
        }
    });
    let day_s = params.rail.service_hours * 3600.0;
    // Traced for the order search, a leg that a project's through service shares with other services is pooled
    // once without the through services and once for every set of them, each edge requiring the sections of the
    // through services it pools: the order search opens an edge by the sections it needs, and a through service
    // needs its whole route (in one scenario, `build` pools whatever runs).
    let mut pools: Vec<(LegKey, Vec<Candidate>)> = Vec::new();
    for ((from, to, sections), cands) in legs {
        let mut through: Vec<usize> = cands.iter().filter_map(|c| c.7).collect();
        through.sort_unstable();
        through.dedup();
        if trace.is_none() || through.is_empty() {
            pools.push(((from, to, sections), cands));
            continue;
        }
        // project_services.csv holds at most 8 rows (schema::PROJECT_SERVICES), one direction each per leg
        debug_assert!(through.len() <= 8);
        let free: Vec<Candidate> = cands.iter().filter(|c| c.7.is_none()).cloned().collect();
        if !free.is_empty() {
            pools.push(((from, to, sections.clone()), free));
        }
        for set in 1u32..(1 << through.len()) {
            let chosen: Vec<usize> = (0..through.len()).filter(|j| set >> j & 1 == 1).map(|j| through[j]).collect();
            let pool: Vec<Candidate> = cands.iter().filter(|c| c.7.is_none_or(|i| chosen.contains(&i))).cloned().collect();
            let mut needs = sections.clone();
            for &i in &chosen {
                needs.extend(services[i].hops.iter().copied());
            }
            needs.sort_unstable();
            needs.dedup();
            pools.push(((from, to, needs), pool));
        }
    }
    for ((from, to, sections), mut cands) in pools {
        // the fastest of every train over the leg (each pattern's stops at stations without a board drawn
        // independently, in service order), never above the fastest pattern's own
        let draws: Vec<crate::services::Draw> = cands.iter().map(|c| c.6).collect();
        // the station measure takes the fastest train (ties: the shortest wait); the door measure the best strategy
        cands.sort_by_key(|x| (x.0, x.1, x.3));
        let fastest = crate::services::station_secs(&draws, cands[0].0);
        let first = (fastest, cands[0].1, cands[0].2, cands[0].3);
        // the door measure rides whichever train comes: each service at its one-train time, in that order
        let mut door_cands: Vec<(u32, u32, RailMode, u32, f64)> = cands.iter().map(|c| (c.5, c.1, c.2, c.3, c.4)).collect();
        door_cands.sort_by_key(|x| (x.0, x.1, x.3));
        let (secs, wait, mode, label, pooled) = door_strategy(&door_cands, day_s);
        // the station edge (the fastest train) must never be the door measure's cheaper way: a door traveller takes
        // whichever train comes, so its wait is raised until its door cost is at least the strategy's (the station
        // measure does not count waits); otherwise one more service could make a door trip slower
        let first = (first.0, first.1.max((secs + wait).saturating_sub(first.0)), first.2, first.3);
        // an edge that pools several services is labelled as such (its ride is their mean, not one service's)
        let label = if pooled > 1 {
            labels.push(format!("{} (door strategy: with {} more service{})", labels[label as usize], pooled - 1, if pooled > 2 { "s" } else { "" }));
            labels.len() as u32 - 1
        } else {
            label
        };
        let door = (secs, wait, mode, label);
        let keep = if door != first { vec![first, door] } else { vec![first] };
        station_open[from.i()] = true;
        station_open[to.i()] = true;
        for (secs, wait, mode, label) in keep {
            g.add_edge(board(from), st(to), Edge { secs: Seconds(secs), wait: Seconds(wait), kind: EdgeKind::Rail(mode), label });
            if let Some(tr) = trace.as_deref_mut() {
                tr.push(Provenance::Rail { sections: sections.clone(), from, to });
            }
        }
    }
    // Changes of train at every served station.
    let change = params.rail.change();
    let change_label = labels.len() as u32;
    labels.push("change".into());
    for i in 0..net.stations.len() {
        if station_open[i] {
            let s = StationIx(i as u32);
            g.add_edge(st(s), board(s), Edge { secs: change, wait: Seconds::ZERO, kind: EdgeKind::Change, label: change_label });
            if let Some(tr) = trace.as_deref_mut() {
                tr.push(Provenance::Change(s));
            }
        }
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
        g.add_edge(pl(r.from), pl(r.to), Edge { secs, wait: Seconds::ZERO, kind: EdgeKind::Road(r.class), label });
        g.add_edge(pl(r.to), pl(r.from), Edge { secs, wait: Seconds::ZERO, kind: EdgeKind::Road(r.class), label });
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
                let board_t = base + Seconds(params.door.boarding_s.round() as u32);
                let alight = base + Seconds(params.door.alighting_s.round() as u32);
                g.add_edge(pl(p), board(s), Edge { secs: board_t, wait: Seconds::ZERO, kind: EdgeKind::Access, label });
                g.add_edge(st(s), pl(p), Edge { secs: alight, wait: Seconds::ZERO, kind: EdgeKind::Egress, label });
            }
            ConnectorKind::Metro | ConnectorKind::Walk => {
                let kind = if c.kind == ConnectorKind::Metro { EdgeKind::Metro } else { EdgeKind::Walk };
                g.add_edge(node(c.from), node(c.to), Edge { secs: base, wait: Seconds::ZERO, kind, label });
                g.add_edge(node(c.to), node(c.from), Edge { secs: base, wait: Seconds::ZERO, kind, label });
            }
        }
        if let Some(tr) = trace.as_deref_mut() {
            tr.extend([Provenance::Connector(ci), Provenance::Connector(ci)]);
        }
    }
    Graph::with_adjacency(g, n_places, n_stations, labels, station_open)
}

/// The external id of a node reference (place id or station id).
pub fn node_id(net: &Network, r: NodeRef) -> &str {
    match r {
        NodeRef::Place(p) => &net.places[p.i()].id,
        NodeRef::Station(s) => &net.stations[s.i()].id,
    }
}

#[cfg(test)]
mod door_strategy_tests {
    use super::door_strategy;
    use crate::network::RailMode;

    fn c(t: u32, n: f64, label: u32) -> (u32, u32, RailMode, u32, f64) {
        (t, 0, RailMode::Hsr, label, n)
    }

    #[test]
    fn by_hand() {
        // a 16 h service day: half the combined headway is 28,800 s / trains a day
        let day = 16.0 * 3600.0;
        // one service, 8 trains: a 3,600 s wait
        assert_eq!(door_strategy(&[c(1000, 8.0, 0)], day), (1000, 3600, RailMode::Hsr, 0, 1));
        // a second one 200 s slower, 8 trains: E = (28800 + 8·1000) / 8 = 4600 > 1200, so it joins:
        // (28800 + 8·1000 + 8·1200) / 16 = 2900 = 1100 ride + 1800 wait
        assert_eq!(door_strategy(&[c(1000, 8.0, 0), c(1200, 8.0, 1)], day), (1100, 1800, RailMode::Hsr, 0, 2));
        // 100 trains of the fast one: E = (28800 + 100000) / 100 = 1288 < 1300, the slow one stays out
        assert_eq!(door_strategy(&[c(1000, 100.0, 0), c(1300, 8.0, 1)], day), (1000, 288, RailMode::Hsr, 0, 1));
    }

    #[test]
    fn another_service_never_raises_the_expected_time() {
        let mut x: u64 = 2026_11_26;
        let mut next = |m: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        for _ in 0..500 {
            let day = (1 + next(24)) as f64 * 3600.0;
            let mut cands = Vec::new();
            let mut prev = u32::MAX;
            for k in 0..(1 + next(8)) {
                cands.push(c(60 + next(20_000) as u32, 0.01 + next(200) as f64 / 3.0, k as u32));
                cands.sort_by_key(|a| (a.0, a.3));
                let (s, w, _, _, _) = door_strategy(&cands, day);
                let e = s + w;
                assert!(e <= prev, "{cands:?}: {e} > {prev}");
                // never worse than the best single service
                let single = cands.iter().map(|q| (day / 2.0 / q.4 + q.0 as f64).round() as u32).min().unwrap();
                assert!(e <= single, "{cands:?}: {e} > {single}");
                assert!(s >= cands[0].0, "the mean ride is at least the fastest ride");
                prev = e;
            }
        }
    }
}
