//! `ringsim graph`: the weighted directed graph a scenario's searches run on, as CSV for other tools (networkx,
//! igraph, QGIS). Nodes are named by their stable external ids (place codes, station ids), never by graph indices,
//! so the files join with the network's own `places.csv` and `stations.csv`.
//!
//! A plain Dijkstra over `edges.csv` from the origin's seat gives `ringsim run`'s door times. Restricted to the rail
//! modes (`hsr`, `intercity`, `suburban`, `conventional`) and the in-city changes (`metro`, `walk`) from the
//! origin's stations, then to `egress` and the road classes, it gives the station measure (see `crate::rings`).
//! `tests/outputs.rs` checks both.

use crate::graph::Graph;
use crate::network::{Network, NodeRef};
use crate::table::CsvOut;

/// `from,to,seconds,mode,link_id`, one row per directed edge, in the graph's build order.
pub fn edges_csv(net: &Network, g: &Graph) -> Vec<u8> {
    let mut w = CsvOut::new(&["from", "to", "seconds", "mode", "link_id"]);
    for (a, b, e) in g.edges() {
        w.row([
            crate::graph::node_id(net, g.node_ref(a)),
            crate::graph::node_id(net, g.node_ref(b)),
            &e.secs.0.to_string(),
            e.kind.as_str(),
            &g.labels[e.label as usize],
        ]);
    }
    w.into_bytes()
}

/// `node_id,kind,name,lon,lat,population,open`: every node (places then stations), with WGS84 coordinates so the
/// edges can be drawn in QGIS. `open` says whether a station is served in the scenario (places are always open).
pub fn nodes_csv(net: &Network, g: &Graph) -> Vec<u8> {
    let mut w = CsvOut::new(&["node_id", "kind", "name", "lon", "lat", "population", "open"]);
    for i in 0..g.node_count() {
        let n = crate::graph::Node(i as u32);
        match g.node_ref(n) {
            NodeRef::Place(p) => {
                let pl = &net.places[p.i()];
                w.row([pl.id.as_str(), pl.kind.as_str(), &pl.name, &format!("{:.6}", pl.lon), &format!("{:.6}", pl.lat), &pl.population.to_string(), "true"]);
            }
            NodeRef::Station(s) => {
                let st = &net.stations[s.i()];
                w.row([st.id.as_str(), "station", &st.name, &format!("{:.6}", st.lon), &format!("{:.6}", st.lat), "", &g.station_open[s.i()].to_string()]);
            }
        }
    }
    w.into_bytes()
}
