//! Stage 4 of the pipeline: shortest travel times on a [`Graph`].
//!
//! One multi-source Dijkstra over integer seconds, on the graph's flat adjacency arrays with a radix heap (keys
//! are integer seconds and never fall below the last one popped). An edge only replaces a predecessor when it is
//! strictly faster and edges are scanned in a fixed order, so the tree (and the reported mode of each trip) is the
//! same on every run and at every thread count. An edge filter restricts a search to some edge kinds (the station
//! measure searches rail only, then egress and road).

use crate::graph::{Edge, EdgeKind, Graph, Node};
use crate::units::Seconds;
use petgraph::graph::EdgeIndex;

/// "Not reached".
const NONE: u32 = u32::MAX;

/// Shortest times from the sources to every node, with the edge each node was reached by.
#[derive(Clone, Debug)]
pub struct Tree {
    time: Vec<u32>,
    /// petgraph index of the edge a node was reached by (`NONE` for sources and unreached nodes)
    pred: Vec<u32>,
    from: Vec<u32>,
}

impl Tree {
    pub fn at(&self, n: Node) -> Option<Seconds> {
        match self.time[n.0 as usize] {
            NONE => None,
            t => Some(Seconds(t)),
        }
    }

    /// The edge kinds along the path to `n`, in travel order (consecutive repeats merged).
    pub fn kinds(&self, g: &Graph, n: Node) -> Vec<EdgeKind> {
        let mut out: Vec<EdgeKind> = Vec::new();
        let mut cur = n.0 as usize;
        while self.pred[cur] != NONE {
            let k = g.edge(EdgeIndex::new(self.pred[cur] as usize)).kind;
            if out.last() != Some(&k) {
                out.push(k);
            }
            cur = self.from[cur] as usize;
        }
        out.reverse();
        out
    }

    /// The source a node's shortest path starts from.
    pub fn root(&self, n: Node) -> Node {
        let mut cur = n.0 as usize;
        while self.pred[cur] != NONE {
            cur = self.from[cur] as usize;
        }
        Node(cur as u32)
    }
}

/// A radix heap: a priority queue for monotone integer keys (Dijkstra never pushes a key below the last one
/// popped). Keys live in buckets by the highest bit in which they differ from the last popped key, so a pop costs
/// amortised O(log C) bit operations instead of a binary heap's comparisons.
struct RadixHeap {
    last: u32,
    buckets: [Vec<(u32, u32)>; 33],
}

impl RadixHeap {
    fn new() -> RadixHeap {
        RadixHeap { last: 0, buckets: std::array::from_fn(|_| Vec::new()) }
    }
    fn bucket(k: u32, last: u32) -> usize {
        (32 - (k ^ last).leading_zeros()) as usize
    }
    fn push(&mut self, k: u32, v: u32) {
        debug_assert!(k >= self.last, "radix heap keys must not fall below the last popped key");
        self.buckets[Self::bucket(k, self.last)].push((k, v));
    }
    fn pop(&mut self) -> Option<(u32, u32)> {
        if self.buckets[0].is_empty() {
            let i = (1..33).find(|&i| !self.buckets[i].is_empty())?;
            let items = std::mem::take(&mut self.buckets[i]);
            self.last = items.iter().map(|x| x.0).min().unwrap();
            for (k, v) in items {
                self.buckets[Self::bucket(k, self.last)].push((k, v));
            }
        }
        self.buckets[0].pop()
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

/// Dijkstra with an edge cost function (`None`: the edge is not used), over the graph's flat adjacency arrays
/// with a radix heap. Deterministic: one thread, a fixed edge order, and a node's predecessor changes only on a
/// strictly shorter time.
pub fn dijkstra_by(g: &Graph, sources: &[(Node, Seconds)], cost: impl Fn(&Edge) -> Option<u32>) -> Tree {
    let n = g.node_count();
    let mut time = vec![NONE; n];
    let mut pred = vec![NONE; n];
    let mut from = vec![NONE; n];
    let mut heap = RadixHeap::new();
    let mut srcs: Vec<(u32, u32)> = sources.iter().map(|&(s, t)| (t.0, s.0)).collect();
    srcs.sort();
    for (t, s) in srcs {
        let i = s as usize;
        if t < time[i] {
            time[i] = t;
            heap.push(t, s);
        }
    }
    while let Some((t, u)) = heap.pop() {
        let ui = u as usize;
        if t != time[ui] {
            continue;
        }
        let (a, b) = (g.adj_start[ui] as usize, g.adj_start[ui + 1] as usize);
        for k in a..b {
            let Some(c) = cost(&g.adj_edge[k]) else {
                continue;
            };
            let v = g.adj_to[k] as usize;
            let nt = t.saturating_add(c);
            if nt < time[v] {
                time[v] = nt;
                pred[v] = g.adj_ix[k];
                from[v] = u;
                heap.push(nt, v as u32);
            }
        }
    }
    Tree { time, pred, from }
}
