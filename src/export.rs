//! `ringsim graph`: the weighted directed graph a scenario's searches run on, as CSV for other tools (networkx,
//! igraph, QGIS). Nodes are named by their stable external ids (place codes, station ids), never by graph indices,
//! so the files join with the network's own `places.csv` and `stations.csv`.
//!
//! Every station has two nodes: its platform (`<id>`, where trains arrive) and its boarding node (`<id>:board`,
//! where trains depart; `change` edges join the two with the connection time). A plain Dijkstra over `edges.csv`
//! with `seconds + wait_seconds` from the origin's seat gives `ringsim run`'s door times. With `seconds`, restricted
//! to the rail modes (`hsr`, `intercity`, `suburban`, `conventional`), `change` and the in-city changes (`metro`,
//! `walk`) from the origin's stations (platform and boarding node), then to `egress` and the road classes, it gives
//! the station measure (see `crate::rings`). `tests/outputs.rs` checks both. Between two stops a leg has up to two
//! rail edges: the station measure's (the expected fastest of every pattern's trains, whose `wait_seconds` is set so
//! that its door cost is never below the other's) and the door measure's (the trains a traveller boards, with the
//! expected wait).

use crate::graph::Graph;
use crate::network::{Network, NodeRef};
use crate::table::CsvOut;

/// The external id of a graph node: a place or station id, `<station id>:board` for a boarding node.
pub fn node_name(net: &Network, g: &Graph, n: crate::graph::Node) -> String {
    let id = crate::graph::node_id(net, g.node_ref(n));
    if g.is_board(n) {
        format!("{id}:board")
    } else {
        id.to_string()
    }
}

/// `from,to,seconds,wait_seconds,mode,link_id`, one row per directed edge, in the graph's build order; `link_id`
/// is the service, road link or connector the edge comes from; a door-measure edge that pools the services worth
/// taking between two stops (`graph::door_strategy`) is `<fastest service> (door strategy: with N more services)`,
/// its `seconds` their mean ride.
pub fn edges_csv(net: &Network, g: &Graph) -> Vec<u8> {
    let mut w = CsvOut::new(&["from", "to", "seconds", "wait_seconds", "mode", "link_id"]);
    for (a, b, e) in g.edges() {
        w.row([node_name(net, g, a), node_name(net, g, b), e.secs.0.to_string(), e.wait.0.to_string(), e.kind.as_str().to_string(), g.labels[e.label as usize].clone()]);
    }
    w.into_bytes()
}

/// `node_id,kind,name,lon,lat,population,open`: every node (places, then station platforms, then boarding nodes), with WGS84 coordinates so the
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
                let (id, kind) = if g.is_board(n) { (format!("{}:board", st.id), "board") } else { (st.id.clone(), "station") };
                w.row([id.as_str(), kind, &st.name, &format!("{:.6}", st.lon), &format!("{:.6}", st.lat), "", &g.station_open[s.i()].to_string()]);
            }
        }
    }
    w.into_bytes()
}
