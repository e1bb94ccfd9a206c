//! Stage 4 of the pipeline: shortest travel times on a [`Graph`].
//!
//! One multi-source Dijkstra over integer seconds on flat adjacency arrays ([`Csr`]). A graph's first search under
//! a (measure, edge-kind filter) runs on the graph's base arrays and tests each edge's kind; from the second on,
//! the filter has its own arrays, built once and cached on the graph: only the edges it accepts, at that measure's
//! seconds, one edge per ordered node pair (the fastest; ties keep the first), so the inner loop tests no kind bits.
//! Once a graph has been searched [`PRUNE_AFTER`] times under one filter, the arrays are rebuilt without the edges
//! that can never be on a shortest path: an edge `u → v` of `w` seconds is dropped when a bounded search from `u`
//! (a "witness" search, as in contraction hierarchies) finds another path to `v` strictly shorter than `w`. Such
//! an edge can never give a node its final time, nor its predecessor, so every time and every tree is unchanged
//! (on the bundled `asbuilt-2025` graph about half of the door measure's edges go). After [`HIERARCHY_AFTER`]
//! searches the pruned arrays get a contraction hierarchy and each search from at most [`HIERARCHY_SOURCES`] sources
//! becomes an upward search and a linear sweep ([`Phast`], module `phast`), with the same times and the same tree.
//!
//! The queue is a 4-ary heap of `time << 32 | node` keys with lazy deletion (no decrease-key, no position array),
//! reused between searches on a thread; the relaxation loop has no data-dependent branch (the improved targets are
//! collected in a small buffer and pushed afterwards). Ties on time pop the lower node number first, an edge only
//! replaces a predecessor when it is strictly faster, and each node's edges are scanned in a fixed order, so the
//! tree (and the reported mode of each trip) is the same on every run and at every thread count, and the same as
//! the plain indexed-heap search kept in [`reference`] (the tests compare the two on hundreds of random graphs).

use crate::graph::{Edge, EdgeKind, Graph, Node};
use crate::units::Seconds;
use petgraph::graph::EdgeIndex;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

mod phast;
pub use phast::Phast;

/// "Not reached".
const NONE: u32 = u32::MAX;
/// The time half of a packed `time << 32 | edge` word.
const HI: u64 = 0xFFFF_FFFF_0000_0000;

/// Searches of one graph under one filter after which its dominated edges are pruned. On the bundled `asbuilt-2025`
/// graph the pruning costs what it then saves in about 370 (door measure) to 400 (station measure's rail search)
/// searches, so a batch of a few hundred searches (a matrix of the 412 places) never pays for it, and a larger one
/// pays at most about 1.4 times what the better choice made in advance (prune at once, or never) would cost.
pub const PRUNE_AFTER: u32 = 512;

/// Searches of one graph under one filter after which the pruned arrays get a contraction hierarchy ([`Phast`]) and
/// the searches from few sources run on it. On the bundled `asbuilt-2025` door arrays it takes about 40 ms to build
/// and saves about 26 µs a single-source search against the pruned arrays (benches/search.rs), so it pays after some
/// 1,550 more searches; built after 2,048 in all, a larger batch pays at most about twice what the better choice
/// made in advance would cost. Arrays with a zero-second edge never get one.
pub const HIERARCHY_AFTER: u32 = 2048;

/// The most sources a search runs on the hierarchy with. Its upward search starts from every source, so with many
/// (the onward search of the rings starts at every station reached by rail) it does more than the pruned arrays'
/// Dijkstra: on the bundled onward arrays (egress and road edges; benches/search.rs) the hierarchy takes 5.2 µs
/// against 6.5 from 1 station, 7.7 against 7.7 from 32, 8.6 against 8.6 from 64 and 13.7 against 12.2 from all 249.
pub const HIERARCHY_SOURCES: usize = 32;

/// The flat adjacency arrays of one (measure, filter): the out-edges of node `u` are `start[u]..start[u + 1]`,
/// each `(target, seconds)`, with the node it leaves (`src`) and its petgraph edge index (`ix`).
#[derive(Debug)]
pub struct Csr {
    start: Vec<u32>,
    edges: Vec<(u32, u32)>,
    src: Vec<u32>,
    ix: Vec<u32>,
    /// The most out-edges of any node (the size of the relaxation buffer).
    max_degree: usize,
}

impl Csr {
    /// The number of edges.
    pub fn len(&self) -> usize {
        self.edges.len()
    }
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// Arrays from their parts (`start` of length nodes + 1; per edge its target and seconds, source node and
    /// petgraph index).
    pub(crate) fn from_parts(start: Vec<u32>, edges: Vec<(u32, u32)>, src: Vec<u32>, ix: Vec<u32>) -> Csr {
        let max_degree = start.windows(2).map(|w| (w[1] - w[0]) as usize).max().unwrap_or(0);
        Csr { start, edges, src, ix, max_degree }
    }

    /// From the graph's base arrays: the edges whose kind bit is in `kinds`, at running or door seconds, one per
    /// ordered pair (the fastest; the first of equals), self-loops dropped, each node's edges in the base order.
    fn build(g: &Graph, kinds: u16, door: bool) -> Csr {
        let n = g.node_count();
        let base = &g.base[door as usize];
        let mut slot = vec![NONE; n];
        let mut start = Vec::with_capacity(n + 1);
        let (mut edges, mut src, mut ix) = (Vec::new(), Vec::new(), Vec::new());
        start.push(0u32);
        for u in 0..n {
            let first = edges.len();
            for k in base.start[u] as usize..base.start[u + 1] as usize {
                let (v, w) = base.edges[k];
                if g.adj_kind[k] & kinds == 0 || v as usize == u {
                    continue;
                }
                match slot[v as usize] {
                    NONE => {
                        slot[v as usize] = edges.len() as u32;
                        edges.push((v, w));
                        src.push(u as u32);
                        ix.push(base.ix[k]);
                    }
                    s if w < edges[s as usize].1 => {
                        edges[s as usize].1 = w;
                        ix[s as usize] = base.ix[k];
                    }
                    _ => {}
                }
            }
            for &(v, _) in &edges[first..] {
                slot[v as usize] = NONE;
            }
            start.push(edges.len() as u32);
        }
        Csr::from_parts(start, edges, src, ix)
    }

    /// The same arrays without the edges a witness search proves dominated: `u → v` of `w` seconds goes when some
    /// other path from `u` reaches `v` in strictly less than `w`. (Any path through the edge itself takes at least
    /// `w`, and removing such edges keeps every distance, so they can all go at once.)
    fn pruned(&self) -> Csr {
        let n = self.start.len() - 1;
        let mut keep = vec![true; self.edges.len()];
        let mut tp = vec![u64::MAX; n];
        // the out-neighbours of u whose distance from u is not final yet
        let mut open = vec![false; n];
        WORK.with(|w| {
            let mut w = w.borrow_mut();
            let w = &mut *w;
            for u in 0..n {
                let (a, b) = (self.start[u] as usize, self.start[u + 1] as usize);
                if b - a < 2 {
                    continue; // a path from u to v not using the only edge u → v does not exist
                }
                let cutoff = self.edges[a..b].iter().map(|e| e.1).max().unwrap();
                for &(v, _) in &self.edges[a..b] {
                    open[v as usize] = true;
                }
                let mut left = b - a;
                tp.fill(u64::MAX);
                tp[u] = NONE as u64; // time 0, no predecessor
                w.queue.push(u as u64);
                // stop at the cutoff, or once every neighbour's distance is final
                kernel(self, &mut tp, w, cutoff, |_, wt| wt, |x| {
                    if open[x] {
                        open[x] = false;
                        left -= 1;
                    }
                    left == 0
                });
                for k in a..b {
                    let (v, wt) = self.edges[k];
                    open[v as usize] = false;
                    if ((tp[v as usize] >> 32) as u32) < wt {
                        keep[k] = false;
                    }
                }
            }
        });
        let mut start = Vec::with_capacity(n + 1);
        start.push(0u32);
        for u in 0..n {
            let kept = (self.start[u] as usize..self.start[u + 1] as usize).filter(|&k| keep[k]).count();
            start.push(start[u] + kept as u32);
        }
        let pick = |v: &Vec<u32>| v.iter().zip(&keep).filter(|(_, &k)| k).map(|(x, _)| *x).collect();
        let edges = self.edges.iter().zip(&keep).filter(|(_, &k)| k).map(|(e, _)| *e).collect();
        Csr::from_parts(start, edges, pick(&self.src), pick(&self.ix))
    }
}

/// The cached arrays of one (measure, filter) on a graph: none for the first search (it runs on the graph's base
/// arrays, testing each edge's kind), plain from the second, pruned after [`PRUNE_AFTER`] searches, and their
/// hierarchy after [`HIERARCHY_AFTER`].
#[derive(Debug)]
pub(crate) struct Masked {
    key: u32,
    plain: OnceLock<Arc<Csr>>,
    pruned: OnceLock<Arc<Csr>>,
    /// the hierarchy of the pruned arrays (`None` when they have a zero-second edge)
    phast: OnceLock<Option<Arc<Phast>>>,
    uses: AtomicU32,
}

impl Masked {
    fn plain(&self, g: &Graph) -> &Arc<Csr> {
        self.plain.get_or_init(|| Arc::new(Csr::build(g, (self.key & 0xFFFF) as u16, self.key >> 16 != 0)))
    }
    fn pruned(&self, g: &Graph) -> &Arc<Csr> {
        self.pruned.get_or_init(|| Arc::new(self.plain(g).pruned()))
    }
    fn phast(&self, g: &Graph) -> &Option<Arc<Phast>> {
        self.phast.get_or_init(|| Phast::build(self.pruned(g)).map(Arc::new))
    }
}

/// The cache of [`Masked`] arrays a graph carries (one entry per measure and filter searched so far).
#[derive(Debug, Default)]
pub(crate) struct Cache(std::sync::Mutex<Vec<Arc<Masked>>>);

/// The cache entry of (`kinds`, measure) on `g`.
fn entry(g: &Graph, kinds: u16, door: bool) -> Arc<Masked> {
    let key = (door as u32) << 16 | kinds as u32;
    let mut c = g.search_cache.0.lock().unwrap_or_else(|e| e.into_inner());
    match c.iter().find(|m| m.key == key) {
        Some(m) => m.clone(),
        None => {
            let m = Arc::new(Masked { key, plain: OnceLock::new(), pruned: OnceLock::new(), phast: OnceLock::new(), uses: AtomicU32::new(0) });
            c.push(m.clone());
            m
        }
    }
}

/// What to search `g` with under `kinds` and the measure from `sources` sources: the base arrays (each edge's kind
/// tested) for the first search, so a graph searched once per filter (`ringsim run`) builds nothing; the plain
/// arrays from the second; the pruned ones once the [`PRUNE_AFTER`]th search has built them; the hierarchy once the
/// [`HIERARCHY_AFTER`]th has, for a search from at most [`HIERARCHY_SOURCES`] sources. Each is built by the search
/// that reaches its count; searches meanwhile keep to what is there (every engine gives the same answer).
fn arrays(g: &Graph, kinds: u16, door: bool, sources: usize) -> Engine {
    let m = entry(g, kinds, door);
    let uses = m.uses.fetch_add(1, Ordering::Relaxed).saturating_add(1);
    if uses == HIERARCHY_AFTER {
        m.phast(g);
    }
    if sources <= HIERARCHY_SOURCES {
        if let Some(Some(h)) = m.phast.get() {
            return Engine::Phast(h.clone());
        }
    }
    if uses == PRUNE_AFTER {
        m.pruned(g);
    }
    if let Some(p) = m.pruned.get() {
        Engine::Arrays(p.clone(), false)
    } else if uses == 1 && m.plain.get().is_none() {
        Engine::Arrays(g.base[door as usize].clone(), true)
    } else {
        Engine::Arrays(m.plain(g).clone(), false)
    }
}

/// What a search runs on: flat arrays (and whether each edge's kind must be tested), or a hierarchy.
enum Engine {
    Arrays(Arc<Csr>, bool),
    Phast(Arc<Phast>),
}

/// The hierarchy of `g`'s pruned arrays for the kinds `allow` accepts under the door measure (`door`) or running
/// seconds (`None` when those arrays have a zero-second edge); later searches under that filter use it at once.
/// For benchmarks and tests.
pub fn prepared_phast(g: &Graph, allow: impl Fn(EdgeKind) -> bool, door: bool) -> Option<Arc<Phast>> {
    entry(g, mask(allow), door).phast(g).clone()
}

/// The arrays of `g` for the kinds `allow` accepts under the door measure (`door`) or running seconds, pruned
/// if `prune` (then later searches use the pruned ones at once). For benchmarks and tests: [`Csr::len`] tells
/// how many edges a search relaxes.
pub fn prepared(g: &Graph, allow: impl Fn(EdgeKind) -> bool, door: bool, prune: bool) -> Arc<Csr> {
    let m = entry(g, mask(allow), door);
    if prune {
        m.pruned(g).clone()
    } else {
        m.plain(g).clone()
    }
}

/// Shortest times from the sources to every node, with the edge each node was reached by.
#[derive(Clone, Debug)]
pub struct Tree {
    /// per node: `time << 32 | position in csr of the edge it was reached by` (`NONE` halves: unreached, source)
    tp: Vec<u64>,
    csr: Arc<Csr>,
}

impl Tree {
    pub fn at(&self, n: Node) -> Option<Seconds> {
        match (self.tp[n.0 as usize] >> 32) as u32 {
            NONE => None,
            t => Some(Seconds(t)),
        }
    }

    /// The edge a node was reached by: the node it leaves and its petgraph index (`None` for sources and
    /// unreached nodes).
    pub fn edge_to(&self, n: Node) -> Option<(Node, u32)> {
        match self.tp[n.0 as usize] as u32 {
            NONE => None,
            k => Some((Node(self.csr.src[k as usize]), self.csr.ix[k as usize])),
        }
    }

    /// The path the search found to `n`, edge by edge in travel order: each `(from, to, edge)`, from a source to
    /// `n` (empty for a source or an unreached node). Read off the predecessor tree, so it is the path behind
    /// [`Tree::at`] and [`Tree::kinds`]: its edges' seconds under the searched measure ([`Edge::secs`] for
    /// [`dijkstra`], [`door_cost`] for [`dijkstra_door`]) add up to `at(n)` less the source's start time.
    pub fn path<'g>(&self, g: &'g Graph, n: Node) -> Vec<(Node, Node, &'g Edge)> {
        let mut out = Vec::new();
        let mut cur = n;
        while let Some((from, e)) = self.edge_to(cur) {
            out.push((from, cur, g.edge(EdgeIndex::new(e as usize))));
            cur = from;
        }
        out.reverse();
        out
    }

    /// The edge kinds along the path to `n`, in travel order (consecutive repeats merged).
    pub fn kinds(&self, g: &Graph, n: Node) -> Vec<EdgeKind> {
        let mut out: Vec<EdgeKind> = Vec::new();
        for (_, _, e) in self.path(g, n) {
            if out.last() != Some(&e.kind) {
                out.push(e.kind);
            }
        }
        out
    }

    /// The source a node's shortest path starts from.
    pub fn root(&self, n: Node) -> Node {
        let mut cur = n;
        while let Some((from, _)) = self.edge_to(cur) {
            cur = from;
        }
        cur
    }
}

/// A 4-ary min-heap of `time << 32 | node` keys with lazy deletion (a node whose time falls is pushed again and
/// its old key skipped when popped). Keys are unique within a search, so the pop order is fixed: the least time,
/// then the lower node number. A pop moves the hole down to a leaf along the least children (chosen without
/// branches), then sifts the last key up from there.
struct Heap4 {
    h: Vec<u64>,
}

impl Heap4 {
    fn new() -> Heap4 {
        Heap4 { h: Vec::new() }
    }
    #[inline]
    fn push(&mut self, k: u64) {
        let i = self.h.len();
        self.h.push(k);
        Self::sift_up(&mut self.h, i, k);
    }
    /// Puts `k` at the hole `i` or above it, moving larger parents down.
    #[inline]
    fn sift_up(h: &mut [u64], mut i: usize, k: u64) {
        while i > 0 {
            let p = (i - 1) / 4;
            if h[p] <= k {
                break;
            }
            h[i] = h[p];
            i = p;
        }
        h[i] = k;
    }
    #[inline]
    fn pop(&mut self) -> Option<u64> {
        let h = &mut self.h;
        let top = *h.first()?;
        let last = h.pop().unwrap();
        let n = h.len();
        if n == 0 {
            return Some(top);
        }
        // move the hole at the root down to a leaf, always to the least child
        let mut i = 0;
        loop {
            let c = 4 * i + 1;
            if c + 3 < n {
                let (x0, x1, x2, x3) = (h[c], h[c + 1], h[c + 2], h[c + 3]);
                let (a, av) = if x1 < x0 { (c + 1, x1) } else { (c, x0) };
                let (b, bv) = if x3 < x2 { (c + 3, x3) } else { (c + 2, x2) };
                let best = if bv < av { b } else { a };
                h[i] = h[best];
                i = best;
            } else if c < n {
                let mut best = c;
                for j in c + 1..n {
                    if h[j] < h[best] {
                        best = j;
                    }
                }
                h[i] = h[best];
                i = best;
            } else {
                break;
            }
        }
        // then sift the last key up from the leaf
        Self::sift_up(h, i, last);
        Some(top)
    }
    fn clear(&mut self) {
        self.h.clear();
    }
}

/// A thread's reusable search memory: the queue and the relaxation buffer.
struct Work {
    queue: Heap4,
    stage: Vec<u32>,
    /// the hierarchy's times by rank ([`Phast`])
    times: Vec<u32>,
}

thread_local! {
    static WORK: RefCell<Work> = RefCell::new(Work { queue: Heap4::new(), stage: Vec::new(), times: Vec::new() });
}

/// Runs Dijkstra on `csr` from what `w.queue` holds (times and predecessors already in `tp`), settling nodes below
/// `cutoff` seconds (all of them for `NONE`) until `settled(node)` says stop; leaves the queue empty. `weight`
/// gives an edge's seconds from its position and stored seconds (`NONE` leaves it out).
fn kernel(csr: &Csr, tp: &mut [u64], w: &mut Work, cutoff: u32, weight: impl Fn(usize, u32) -> u32, mut settled: impl FnMut(usize) -> bool) {
    if w.stage.len() < csr.max_degree {
        w.stage.resize(csr.max_degree, 0);
    }
    let Work { queue, stage, .. } = w;
    while let Some(key) = queue.pop() {
        let t = (key >> 32) as u32;
        let u = key as u32 as usize;
        if (tp[u] >> 32) as u32 != t {
            continue; // stale: u was reached faster after this key was pushed
        }
        if t >= cutoff || settled(u) {
            queue.clear();
            break;
        }
        let (a, b) = (csr.start[u] as usize, csr.start[u + 1] as usize);
        let mut len = 0;
        for (k, &(v, wt)) in (a..b).zip(&csr.edges[a..b]) {
            let cand = (t.saturating_add(weight(k, wt)) as u64) << 32 | k as u64;
            let cur = tp[v as usize];
            // strictly faster only: a tie keeps the earlier predecessor
            let better = cand < (cur & HI);
            tp[v as usize] = if better { cand } else { cur };
            stage[len] = v;
            len += better as usize;
        }
        // (on the base arrays a node can be here twice, through parallel edges: its second key is a duplicate
        // whose turn changes nothing)
        for &v in &stage[..len] {
            queue.push((tp[v as usize] & HI) | v as u64);
        }
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

/// The search on the cached arrays of (`kinds`, measure). Deterministic: one thread, a fixed edge order, ties
/// popped by node number, and a node's predecessor changes only on a strictly shorter time.
fn run(g: &Graph, sources: &[(Node, Seconds)], kinds: u16, door: bool) -> Tree {
    let (csr, test) = match arrays(g, kinds, door, sources.len()) {
        Engine::Phast(h) => return h.search(sources),
        Engine::Arrays(csr, test) => (csr, test),
    };
    if test {
        let kind = &g.adj_kind;
        search_with(&csr, sources, |k, w| if kind[k] & kinds != 0 { w } else { NONE })
    } else {
        search_with(&csr, sources, |_, w| w)
    }
}

/// The search on given arrays (from [`prepared`]), for benchmarks that time plain and pruned arrays apart.
pub fn search_on(csr: &Arc<Csr>, sources: &[(Node, Seconds)]) -> Tree {
    search_with(csr, sources, |_, w| w)
}

fn search_with(csr: &Arc<Csr>, sources: &[(Node, Seconds)], weight: impl Fn(usize, u32) -> u32) -> Tree {
    let mut tp = vec![u64::MAX; csr.start.len() - 1];
    WORK.with(|w| {
        let mut w = w.borrow_mut();
        for &(s, t) in sources {
            let i = s.0 as usize;
            if t.0 < (tp[i] >> 32) as u32 {
                tp[i] = (t.0 as u64) << 32 | NONE as u64;
                w.queue.push((t.0 as u64) << 32 | s.0 as u64);
            }
        }
        kernel(csr, &mut tp, &mut w, NONE, weight, |_| false);
    });
    Tree { tp, csr: csr.clone() }
}

/// The plain search the fast one must equal, kept for the tests and the benchmark: Dijkstra with an indexed 4-ary
/// heap and decrease-key, straight on the graph's base arrays with a kind test per edge.
pub mod reference {
    use super::*;

    /// Per node: its time and the edge it was reached by (the node it leaves and the petgraph edge index).
    pub type Result = Vec<(Option<Seconds>, Option<(Node, u32)>)>;

    struct NodeHeap {
        heap: Vec<u32>,
        pos: Vec<u32>,
    }

    impl NodeHeap {
        fn less(time: &[u32], a: u32, b: u32) -> bool {
            (time[a as usize], a) < (time[b as usize], b)
        }
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

    /// Dijkstra from `sources` over the edges `allow` accepts, under the door measure if `door`.
    pub fn run(g: &Graph, sources: &[(Node, Seconds)], allow: impl Fn(EdgeKind) -> bool, door: bool) -> Result {
        let kinds = mask(allow);
        let n = g.node_count();
        let mut time = vec![NONE; n];
        let mut pred = vec![NONE; n];
        let mut from = vec![NONE; n];
        let mut heap = NodeHeap { heap: Vec::with_capacity(n), pos: vec![NONE; n] };
        for &(s, t) in sources {
            let i = s.0 as usize;
            if t.0 < time[i] {
                time[i] = t.0;
                heap.push_or_decrease(&time, s.0);
            }
        }
        let b = &g.base[door as usize];
        while let Some(u) = heap.pop(&time) {
            let ui = u as usize;
            let t = time[ui];
            for k in b.start[ui] as usize..b.start[ui + 1] as usize {
                if g.adj_kind[k] & kinds == 0 {
                    continue;
                }
                let v = b.edges[k].0 as usize;
                let nt = t.saturating_add(b.edges[k].1);
                if nt < time[v] {
                    time[v] = nt;
                    pred[v] = b.ix[k];
                    from[v] = u;
                    heap.push_or_decrease(&time, v as u32);
                }
            }
        }
        (0..n)
            .map(|i| {
                let t = (time[i] != NONE).then(|| Seconds(time[i]));
                let e = (pred[i] != NONE).then(|| (Node(from[i]), pred[i]));
                (t, e)
            })
            .collect()
    }
}
