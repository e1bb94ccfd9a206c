//! Stage 4 of the pipeline: shortest travel times on a [`Graph`].
//!
//! One multi-source Dijkstra over integer seconds with a binary heap. Ties are broken by node number, and an edge
//! only replaces a predecessor when it is strictly faster, so the tree (and the reported mode of each trip) is the
//! same on every run and at every thread count. An edge filter restricts a search to some edge kinds (the station
//! measure searches rail only, then egress and road).

use crate::graph::{Edge, EdgeKind, Graph, Node};
use crate::units::Seconds;
use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Shortest times from the sources to every node, with the edge each node was reached by.
#[derive(Clone, Debug)]
pub struct Tree {
    pub time: Vec<Option<Seconds>>,
    pred: Vec<Option<EdgeIndex<u32>>>,
    from: Vec<u32>,
}

impl Tree {
    pub fn at(&self, n: Node) -> Option<Seconds> {
        self.time[n.0 as usize]
    }

    /// The edge kinds along the path to `n`, in travel order (consecutive repeats merged).
    pub fn kinds(&self, g: &Graph, n: Node) -> Vec<EdgeKind> {
        let mut out: Vec<EdgeKind> = Vec::new();
        let mut cur = n.0 as usize;
        while let Some(e) = self.pred[cur] {
            let k = g.edge(e).kind;
            if out.last() != Some(&k) {
                out.push(k);
            }
            cur = self.from[cur] as usize;
        }
        out.reverse();
        out
    }
}

/// Dijkstra from several sources (each with a start time) over the edges `allow` accepts, at their running
/// seconds (no waits: the station measure, and road-only searches).
pub fn dijkstra(g: &Graph, sources: &[(Node, Seconds)], allow: impl Fn(EdgeKind) -> bool) -> Tree {
    dijkstra_by(g, sources, |e| if allow(e.kind) { Some(e.secs.0) } else { None })
}

/// The door measure's cost of an edge: its seconds plus the expected wait before boarding a train.
pub fn door_cost(e: &Edge) -> u32 {
    e.secs.0.saturating_add(e.wait.0)
}

/// Dijkstra from several sources over the edges `allow` accepts, under the door measure (waits counted).
pub fn dijkstra_door(g: &Graph, sources: &[(Node, Seconds)], allow: impl Fn(EdgeKind) -> bool) -> Tree {
    dijkstra_by(g, sources, |e| if allow(e.kind) { Some(door_cost(e)) } else { None })
}

/// Dijkstra with an edge cost function (`None`: the edge is not used).
pub fn dijkstra_by(g: &Graph, sources: &[(Node, Seconds)], cost: impl Fn(&Edge) -> Option<u32>) -> Tree {
    let n = g.node_count();
    let mut time: Vec<Option<Seconds>> = vec![None; n];
    let mut pred = vec![None; n];
    let mut from = vec![u32::MAX; n];
    let mut done = vec![false; n];
    let mut heap = BinaryHeap::new();
    for &(s, t) in sources {
        let i = s.0 as usize;
        if time[i].map_or(true, |old| t < old) {
            time[i] = Some(t);
            pred[i] = None;
            heap.push(Reverse((t.0, s.0)));
        }
    }
    while let Some(Reverse((t, u))) = heap.pop() {
        let ui = u as usize;
        if done[ui] {
            continue;
        }
        done[ui] = true;
        for e in g.g.edges(petgraph::graph::NodeIndex::new(ui)) {
            let w = e.weight();
            let Some(c) = cost(w) else {
                continue;
            };
            let v = e.target().index();
            if done[v] {
                continue;
            }
            let nt = t.saturating_add(c);
            if time[v].map_or(true, |old| nt < old.0) {
                time[v] = Some(Seconds(nt));
                pred[v] = Some(e.id());
                from[v] = u;
                heap.push(Reverse((nt, v as u32)));
            }
        }
    }
    Tree { time, pred, from }
}

impl Tree {
    /// The source a node's shortest path starts from.
    pub fn root(&self, n: Node) -> Node {
        let mut cur = n.0 as usize;
        while self.pred[cur].is_some() {
            cur = self.from[cur] as usize;
        }
        Node(cur as u32)
    }
}
