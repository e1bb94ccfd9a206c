//! Stage 4 of the pipeline: shortest travel times on a [`Graph`].
//!
//! One multi-source Dijkstra over integer seconds, on the graph's flat adjacency arrays (compressed sparse rows,
//! parallel edges reduced to the fastest per measure) with an indexed 4-ary heap with decrease-key. Ties pop the
//! lower node number first, an edge only replaces a predecessor when it is strictly faster, and edges are scanned
//! in a fixed order, so the tree (and the reported mode of each trip) is the same on every run and at every thread
//! count. An edge filter restricts a search to some edge kinds (the station
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

/// An indexed 4-ary min-heap of nodes keyed by their tentative time, with decrease-key: every node is in the heap
/// at most once, so the heap never holds more than the graph's nodes and stale entries never need popping. Ties
/// on time pop the lower node number first, so the search order is fixed.
struct NodeHeap {
    heap: Vec<u32>,
    pos: Vec<u32>,
}

impl NodeHeap {
    fn new(n: usize) -> NodeHeap {
        NodeHeap { heap: Vec::with_capacity(n), pos: vec![NONE; n] }
    }
    #[inline]
    fn less(time: &[u32], a: u32, b: u32) -> bool {
        (time[a as usize], a) < (time[b as usize], b)
    }
    /// Inserts `v`, or moves it up after its time fell.
    fn push_or_decrease(&mut self, time: &[u32], v: u32) {
        let mut i = match self.pos[v as usize] {
            NONE => {
                self.heap.push(v);
                self.heap.len() - 1
            }
            p => p as usize,
        };
        while i > 0 {
            let parent = (i - 1) / 4;
            let p = self.heap[parent];
            if !Self::less(time, v, p) {
                break;
            }
            self.heap[i] = p;
            self.pos[p as usize] = i as u32;
            i = parent;
        }
        self.heap[i] = v;
        self.pos[v as usize] = i as u32;
    }
    fn pop(&mut self, time: &[u32]) -> Option<u32> {
        let top = *self.heap.first()?;
        let last = self.heap.pop().unwrap();
        self.pos[top as usize] = NONE;
        if !self.heap.is_empty() {
            let n = self.heap.len();
            let mut i = 0;
            loop {
                let c0 = 4 * i + 1;
                if c0 >= n {
                    break;
                }
                let mut best = c0;
                for c in c0 + 1..(c0 + 4).min(n) {
                    if Self::less(time, self.heap[c], self.heap[best]) {
                        best = c;
                    }
                }
                if !Self::less(time, self.heap[best], last) {
                    break;
                }
                self.heap[i] = self.heap[best];
                self.pos[self.heap[i] as usize] = i as u32;
                i = best;
            }
            self.heap[i] = last;
            self.pos[last as usize] = i as u32;
        }
        Some(top)
    }
}

/// Dijkstra from several sources (each with a start time) over the edges `allow` accepts, at their running
/// seconds (no waits: the station measure, and road-only searches).
pub fn dijkstra(g: &Graph, sources: &[(Node, Seconds)], allow: impl Fn(EdgeKind) -> bool) -> Tree {
    run(g, sources, mask(allow), false)
}

/// The door measure's cost of an edge: its seconds plus the expected wait before boarding a train.
pub fn door_cost(e: &Edge) -> u32 {
    e.secs.0.saturating_add(e.wait.0)
}

/// Dijkstra from several sources over the edges `allow` accepts, under the door measure (waits counted).
pub fn dijkstra_door(g: &Graph, sources: &[(Node, Seconds)], allow: impl Fn(EdgeKind) -> bool) -> Tree {
    run(g, sources, mask(allow), true)
}

/// The bit mask of the kinds `allow` accepts.
fn mask(allow: impl Fn(EdgeKind) -> bool) -> u16 {
    EdgeKind::ALL.iter().filter(|k| allow(**k)).fold(0u16, |m, k| m | 1 << k.bit())
}

/// The search: Dijkstra over the graph's flat adjacency arrays (the edges whose kind bit is in `kinds`, at their
/// running or door seconds) with the indexed heap. Deterministic: one thread, a fixed edge order, and a node's
/// predecessor changes only on a strictly shorter time.
fn run(g: &Graph, sources: &[(Node, Seconds)], kinds: u16, door: bool) -> Tree {
    let n = g.node_count();
    let mut time = vec![NONE; n];
    let mut pred = vec![NONE; n];
    let mut from = vec![NONE; n];
    let mut heap = NodeHeap::new(n);
    for &(s, t) in sources {
        let i = s.0 as usize;
        if t.0 < time[i] {
            time[i] = t.0;
            heap.push_or_decrease(&time, s.0);
        }
    }
    let w = if door { &g.adj_door } else { &g.adj_secs };
    while let Some(u) = heap.pop(&time) {
        let ui = u as usize;
        let t = time[ui];
        let (a, b) = (g.adj_start[ui] as usize, g.adj_start[ui + 1] as usize);
        for k in a..b {
            if g.adj_kind[k] & kinds == 0 {
                continue;
            }
            let v = g.adj_to[k] as usize;
            let nt = t.saturating_add(w[k]);
            if nt < time[v] {
                time[v] = nt;
                pred[v] = g.adj_ix[k];
                from[v] = u;
                heap.push_or_decrease(&time, v as u32);
            }
        }
    }
    Tree { time, pred, from }
}
