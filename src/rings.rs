//! Stage 5 of the pipeline: travel times from the origin city to every place, station and plan city under both
//! measures, and the rings (cumulative: a place within 30 minutes is also within 60 and 90).
//!
//! - `door`: from the origin city's seat, over every edge (road, access with boarding, rail, egress, metro).
//! - `station`: rail only from the origin city's open stations (changing between stations of a city by metro or on
//!   foot is allowed, as a passenger would between 汉口 and 武昌). A station's time is its rail time. A place's time
//!   is the best of (a) the rail time to a station in the place and (b) rail to any station then egress and road
//!   to the seat (how a place without a station of its own, like 济源 before 焦平, is reached). A plan city's time
//!   is the best of its own stations' rail times and (b) for its seat. Both terms only fall when links open, so
//!   opening a project never lengthens a time.

use crate::graph::{EdgeKind, Graph, Node};
use crate::network::{CityIx, Network, PlaceKind};
use crate::scenario::{Bound, Measure};
use crate::search::{dijkstra, Tree};
use crate::units::{Minutes, Seconds};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Times {
    pub station: Option<Seconds>,
    pub door: Option<Seconds>,
    pub station_mode: String,
    pub door_mode: String,
}

impl Times {
    pub fn get(&self, m: Measure) -> Option<Seconds> {
        match m {
            Measure::Station => self.station,
            Measure::Door => self.door,
        }
    }
    pub fn mode(&self, m: Measure) -> &str {
        match m {
            Measure::Station => &self.station_mode,
            Measure::Door => &self.door_mode,
        }
    }
}

pub struct Reach {
    pub measure: Measure,
    pub origin: CityIx,
    pub cutoffs: Vec<Minutes>,
    pub places: Vec<Times>,
    pub stations: Vec<Times>,
    pub cities: Vec<Times>,
}

/// Mode label of a path: road-like legs (road, access, egress) are "road", rail legs their mode, merged.
pub fn mode_label(kinds: &[EdgeKind]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for k in kinds {
        let s = match k {
            EdgeKind::Road(_) | EdgeKind::Access | EdgeKind::Egress => "road",
            other => other.as_str(),
        };
        if out.last() != Some(&s) {
            out.push(s);
        }
    }
    if out.is_empty() {
        "origin".to_string()
    } else {
        out.join("+")
    }
}

/// The two searches of the station measure from a set of start stations: rail only, then egress + road.
pub struct StationTrees {
    pub rail: Tree,
    pub onward: Tree,
}

impl StationTrees {
    pub fn compute(g: &Graph, starts: &[Node]) -> StationTrees {
        let src = g.start_at(starts, Seconds::ZERO);
        let rail = dijkstra(g, &src, |k| k.is_station_measure());
        let n = g.node_count();
        let mut src2 = Vec::new();
        for i in 0..n {
            let node = Node(i as u32);
            if let (crate::network::NodeRef::Station(_), false, Some(t)) = (g.node_ref(node), g.is_board(node), rail.at(node)) {
                src2.push((node, t));
            }
        }
        let onward = dijkstra(g, &src2, |k| matches!(k, EdgeKind::Egress | EdgeKind::Road(_)));
        StationTrees { rail, onward }
    }

    /// Best of the rail time at the given stations and the rail-then-road time at `seat`.
    pub fn best(&self, g: &Graph, stations: &[Node], seat: Option<Node>) -> (Option<Seconds>, String) {
        let mut best: Option<(Seconds, String)> = None;
        for &s in stations {
            if let Some(t) = self.rail.at(s) {
                if best.as_ref().is_none_or(|b| t < b.0) {
                    best = Some((t, mode_label(&self.rail.kinds(g, s))));
                }
            }
        }
        if let Some(seat) = seat {
            if let Some(t) = self.onward.at(seat) {
                if best.as_ref().is_none_or(|b| t < b.0) {
                    let st = self.onward.root(seat);
                    let mut kinds = self.rail.kinds(g, st);
                    kinds.extend(self.onward.kinds(g, seat));
                    best = Some((t, mode_label(&kinds)));
                }
            }
        }
        match best {
            Some((t, m)) => (Some(t), m),
            None => (None, String::new()),
        }
    }
}

/// Times from one origin (a door node and a set of start stations) to every place, station and plan city under
/// both measures. [`Reach`] uses it for the scenario's origin city; `ringsim matrix` and the indicators use it for
/// every origin of a node set.
pub struct Targets {
    pub places: Vec<Times>,
    pub stations: Vec<Times>,
    pub cities: Vec<Times>,
}

/// Where a search starts: the door node (a seat or a station) and the open stations the station measure starts from.
#[derive(Clone, Debug)]
pub struct Origin {
    pub door: Node,
    pub stations: Vec<Node>,
}

impl Origin {
    /// A plan city: its seat, and its open stations.
    pub fn city(net: &Network, g: &Graph, c: CityIx) -> Origin {
        let city = &net.cities[c.i()];
        Origin { door: g.place(city.seat), stations: city.stations.iter().filter(|s| g.station_open[s.i()]).map(|&s| g.station(s)).collect() }
    }
    /// A scenario's origin: its city's seat, and the scenario's origin stations that are open.
    pub fn scenario(b: &Bound, g: &Graph) -> Origin {
        let seat = b.net.cities[b.origin.i()].seat;
        Origin { door: g.place(seat), stations: b.origin_stations.iter().filter(|s| g.station_open[s.i()]).map(|&s| g.station(s)).collect() }
    }
    /// A place: its seat, and the open stations inside it (`own` from [`stations_by_place`]).
    pub fn place(g: &Graph, p: crate::network::PlaceIx, own: &[Vec<Node>]) -> Origin {
        Origin { door: g.place(p), stations: own[p.i()].clone() }
    }
    /// A station: itself, if open.
    pub fn station(g: &Graph, s: crate::network::StationIx) -> Origin {
        let n = g.station(s);
        Origin { door: n, stations: if g.station_open[s.i()] { vec![n] } else { Vec::new() } }
    }
}

impl Targets {
    /// `own`: the open stations of every place ([`stations_by_place`]), computed once per graph by the caller.
    pub fn compute(net: &Network, g: &Graph, o: &Origin, own: &[Vec<Node>]) -> Targets {
        let door = crate::search::dijkstra_door(g, &g.start_at(&[o.door], Seconds::ZERO), |_| true);
        let st = StationTrees::compute(g, &o.stations);
        let door_of = |n: Node| (door.at(n), door.at(n).map(|_| mode_label(&door.kinds(g, n))).unwrap_or_default());
        // a station is reached door to door at its platform (by train) or at its boarding node (by road access)
        let door_station = |s: crate::network::StationIx| {
            let (p, b) = (g.station(s), g.board(s));
            match (door.at(p), door.at(b)) {
                (Some(tp), Some(tb)) if tb < tp => door_of(b),
                (None, Some(_)) => door_of(b),
                _ => door_of(p),
            }
        };
        let places = (0..net.places.len())
            .map(|i| {
                let n = g.place(crate::network::PlaceIx(i as u32));
                let (station, station_mode) = st.best(g, &own[i], Some(n));
                let (dt, door_mode) = door_of(n);
                Times { station, door: dt, station_mode, door_mode }
            })
            .collect();
        let stations = (0..net.stations.len())
            .map(|i| {
                let n = g.station(crate::network::StationIx(i as u32));
                let (station, station_mode) = st.best(g, &[n], None);
                let (dt, door_mode) = door_station(crate::network::StationIx(i as u32));
                Times { station, door: dt, station_mode, door_mode }
            })
            .collect();
        let cities = net
            .cities
            .iter()
            .map(|c| {
                let sts: Vec<Node> = c.stations.iter().map(|&s| g.station(s)).collect();
                let seat = g.place(c.seat);
                let (station, station_mode) = st.best(g, &sts, Some(seat));
                let (dt, door_mode) = door_of(seat);
                Times { station, door: dt, station_mode, door_mode }
            })
            .collect();
        Targets { places, stations, cities }
    }
}

impl Reach {
    pub fn compute(b: &Bound, g: &Graph) -> Reach {
        let own = stations_by_place(b.net, g);
        let t = Targets::compute(b.net, g, &Origin::scenario(b, g), &own);
        Reach { measure: b.sc.measure, origin: b.origin, cutoffs: b.sc.cutoffs.clone(), places: t.places, stations: t.stations, cities: t.cities }
    }

    /// Index of the smallest cutoff containing `t`, if any.
    pub fn ring_of(&self, t: Option<Seconds>) -> Option<usize> {
        let k = band_index(&self.cutoffs, t?);
        (k < self.cutoffs.len()).then_some(k)
    }

    pub fn ring_label(&self, t: Option<Seconds>) -> String {
        match self.ring_of(t) {
            Some(i) => fmt_cutoff(self.cutoffs[i]),
            None => "none".to_string(),
        }
    }

    /// Per cutoff: the cumulative ring summary.
    pub fn summaries(&self, net: &Network) -> Vec<RingSummary> {
        self.cutoffs
            .iter()
            .map(|c| {
                let lim = c.seconds();
                let within = |t: Option<Seconds>| t.is_some_and(|t| t <= lim);
                let mut s = RingSummary { cutoff: *c, ..Default::default() };
                for (p, t) in net.places.iter().zip(&self.places) {
                    if !p.kind.is_unit() || !within(t.get(self.measure)) {
                        continue;
                    }
                    s.population += p.population;
                    s.area_km2 += p.area_km2;
                    if p.kind != PlaceKind::Devzone {
                        s.counties += 1;
                    }
                }
                for (i, (c, t)) in net.cities.iter().zip(&self.cities).enumerate() {
                    if i != self.origin.i() && within(t.get(self.measure)) {
                        s.cities.push(c.name.clone());
                    }
                }
                s
            })
            .collect()
    }
}

#[derive(Clone, Debug, Default)]
pub struct RingSummary {
    pub cutoff: Minutes,
    /// Plan cities other than the origin within the cutoff.
    pub cities: Vec<String>,
    /// County-level units (districts and counties; development zones are not counted) within the cutoff.
    pub counties: usize,
    pub population: u64,
    pub area_km2: f64,
}

/// The band a time falls in: 0 for "within the first cutoff" (a time equal to a cutoff is within it), `k` for
/// between cutoffs `k-1` and `k`, `cutoffs.len()` for beyond the last. The one rule behind [`Reach::ring_of`],
/// [`crate::report::band_label`] and the plan-city ring check.
pub fn band_index(cutoffs: &[Minutes], t: Seconds) -> usize {
    cutoffs.iter().position(|c| t <= c.seconds()).unwrap_or(cutoffs.len())
}

pub fn fmt_cutoff(c: Minutes) -> String {
    if c.0.fract() == 0.0 {
        format!("{}", c.0 as i64)
    } else {
        format!("{}", c.0)
    }
}

/// For each place, the graph nodes of the open stations inside it.
pub fn stations_by_place(net: &Network, g: &Graph) -> Vec<Vec<Node>> {
    let mut v = vec![Vec::new(); net.places.len()];
    for (i, s) in net.stations.iter().enumerate() {
        if g.station_open[i] {
            v[s.place.i()].push(g.station(crate::network::StationIx(i as u32)));
        }
    }
    v
}
