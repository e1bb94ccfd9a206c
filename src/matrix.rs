//! All-pairs travel times between the nodes of a set (`ringsim matrix`), and the origin sets the accessibility
//! indicators start from. Sits after [`crate::graph`] and [`crate::rings`] in the pipeline: one
//! [`Targets`](crate::rings::Targets) search per origin, in parallel, so a matrix row is exactly what `ringsim run`
//! would report with that node as its origin (the row of 郑州 equals `run`'s cities.csv).

use crate::error::{Error, Result};
use crate::graph::Graph;
use crate::network::{CityIx, Network, PlaceIx, PlaceKind, StationIx};
use crate::rings::{stations_by_place, Origin, Targets, Times};
use crate::scenario::Measure;
use crate::table::CsvOut;
use crate::units::Seconds;
use rayon::prelude::*;

/// Which nodes a matrix runs between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeSet {
    /// The plan cities (seat and own stations).
    Cities,
    /// The county-level units of the region (districts, counties, development zones; not `outside` places or `point`s).
    Counties,
    /// Every open station.
    Stations,
}

impl NodeSet {
    pub fn parse(s: &str) -> Result<NodeSet> {
        match s {
            "cities" => Ok(NodeSet::Cities),
            "counties" => Ok(NodeSet::Counties),
            "stations" => Ok(NodeSet::Stations),
            other => Err(Error::Usage(format!("--nodes '{other}': expected cities, counties or stations"))),
        }
    }
}

/// One node of a set: its stable id, its name, where searches from it start, and how to read times to it.
#[derive(Clone, Debug)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub population: u64,
    pub origin: Origin,
    target: Target,
}

#[derive(Clone, Copy, Debug)]
enum Target {
    City(CityIx),
    Place(PlaceIx),
    Station(StationIx),
}

impl Member {
    /// This member's times in the result of a search from some origin.
    pub fn times<'t>(&self, t: &'t Targets) -> &'t Times {
        match self.target {
            Target::City(c) => &t.cities[c.i()],
            Target::Place(p) => &t.places[p.i()],
            Target::Station(s) => &t.stations[s.i()],
        }
    }
}

/// A plan city's population in the region: its prefecture's units that are not `outside`, or, for a city that is
/// itself a county-level unit (济源), its seat unit.
pub fn city_population(net: &Network, c: CityIx) -> u64 {
    let city = &net.cities[c.i()];
    let sum: u64 = net.places.iter().filter(|p| p.kind != PlaceKind::Outside && p.prefecture_id == city.id).map(|p| p.population).sum();
    if sum > 0 {
        sum
    } else {
        net.places[city.seat.i()].population
    }
}

/// The members of a node set in file order (cities, places and stations keep the order of the network files).
/// `own`: the open stations of every place ([`stations_by_place`]).
pub fn members(net: &Network, g: &Graph, set: NodeSet, own: &[Vec<crate::graph::Node>]) -> Vec<Member> {
    match set {
        NodeSet::Cities => (0..net.cities.len())
            .map(|i| {
                let c = CityIx(i as u32);
                let city = &net.cities[i];
                Member { id: city.id.clone(), name: city.name.clone(), population: city_population(net, c), origin: Origin::city(net, g, c), target: Target::City(c) }
            })
            .collect(),
        NodeSet::Counties => (0..net.places.len())
            .filter(|&i| net.places[i].kind.is_unit())
            .map(|i| {
                let p = PlaceIx(i as u32);
                let pl = &net.places[i];
                Member { id: pl.id.clone(), name: pl.name.clone(), population: pl.population, origin: Origin::place(g, p, own), target: Target::Place(p) }
            })
            .collect(),
        NodeSet::Stations => (0..net.stations.len())
            .filter(|&i| g.station_open[i])
            .map(|i| {
                let s = StationIx(i as u32);
                let st = &net.stations[i];
                Member { id: st.id.clone(), name: st.name.clone(), population: 0, origin: Origin::station(g, s), target: Target::Station(s) }
            })
            .collect(),
    }
}

/// Times between every ordered pair of a node set: `times[i][j]` from member i to member j (`None`: unreachable).
pub struct Matrix {
    pub members: Vec<Member>,
    pub measure: Measure,
    pub times: Vec<Vec<Option<Seconds>>>,
    pub modes: Vec<Vec<String>>,
}

/// One search per origin, in parallel; the result does not depend on the thread count.
pub fn compute(net: &Network, g: &Graph, set: NodeSet, measure: Measure) -> Matrix {
    let own = stations_by_place(net, g);
    let members = members(net, g, set, &own);
    let rows: Vec<(Vec<Option<Seconds>>, Vec<String>)> = members
        .par_iter()
        .map(|m| {
            let t = Targets::compute(net, g, &m.origin, &own);
            members.iter().map(|d| (d.times(&t).get(measure), d.times(&t).mode(measure).to_string())).unzip()
        })
        .collect();
    let (times, modes) = rows.into_iter().unzip();
    Matrix { members, measure, times, modes }
}

fn mins(t: Option<Seconds>) -> String {
    t.map(|t| t.minutes().to_string()).unwrap_or_default()
}

impl Matrix {
    /// The sub-matrix of the members at `keep` (in that order).
    pub fn select(self, keep: &[usize]) -> Matrix {
        Matrix {
            members: keep.iter().map(|&i| self.members[i].clone()).collect(),
            measure: self.measure,
            times: keep.iter().map(|&i| keep.iter().map(|&j| self.times[i][j]).collect()).collect(),
            modes: keep.iter().map(|&i| keep.iter().map(|&j| self.modes[i][j].clone()).collect()).collect(),
        }
    }

    /// Long format: `from,to,minutes,from_name,to_name,mode`, one row per ordered pair (blank minutes: unreachable).
    pub fn long_csv(&self) -> Vec<u8> {
        let mut w = CsvOut::new(&["from", "to", "minutes", "from_name", "to_name", "mode"]);
        for (i, a) in self.members.iter().enumerate() {
            for (j, b) in self.members.iter().enumerate() {
                w.row([a.id.as_str(), &b.id, &mins(self.times[i][j]), &a.name, &b.name, &self.modes[i][j]]);
            }
        }
        w.into_bytes()
    }

    /// Wide format: `from,name,<id of every member>`, minutes in the cells.
    pub fn wide_csv(&self) -> Vec<u8> {
        let mut header = vec!["from".to_string(), "name".to_string()];
        // "id name" per destination, so a spreadsheet shows whom each column is for
        header.extend(self.members.iter().map(|m| format!("{} {}", m.id, m.name)));
        let h: Vec<&str> = header.iter().map(|s| s.as_str()).collect();
        let mut w = CsvOut::new(&h);
        for (i, a) in self.members.iter().enumerate() {
            let mut row = vec![a.id.clone(), a.name.clone()];
            row.extend(self.times[i].iter().map(|&t| mins(t)));
            w.row(row);
        }
        w.into_bytes()
    }
}
