//! One-to-all searches by a contraction hierarchy and a linear sweep (PHAST: Delling, Goldberg, Nowatzyk and
//! Werneck, "PHAST: Hardware-accelerated shortest path trees", 2011), for a graph searched many times under one
//! filter.
//!
//! **Preprocessing** ([`Phast::build`], once per graph and filter). The nodes are contracted one by one, least
//! important first (a lazily updated priority: shortcuts the contraction would add, less the edges it removes, plus
//! the neighbours already contracted; ties by node number, so the order is the same on every run). Contracting `v`
//! adds a shortcut `u → x` for each in-neighbour `u` and out-neighbour `x` still in the graph unless a bounded
//! witness search from `u` that avoids `v` reaches `x` no later than through `v`; a search cut short by its limit
//! adds the shortcut, which costs speed, never correctness. A node's rank is its place in that order; its edges to
//! higher ranks are *upward*, those from higher ranks *downward*.
//!
//! **A search** ([`Phast::search`]): a Dijkstra from the sources over the upward edges only (what a source reaches
//! going up is a small part of the graph), then every node in decreasing rank takes the least of its time and,
//! over its downward in-edges, the tail's time plus the edge: the tails rank higher, so their times are final, and
//! every shortest path of the hierarchy goes up and then down. The sweep is a pass over flat arrays without a queue.
//!
//! **The tree** is then read off the filter's own arrays ([`Csr`]): a node's edge is, among its in-edges that are
//! tight (the tail's time plus the edge equals the node's), the one whose tail has the least (time, node number).
//! That is the edge the Dijkstra kernel of [`super`] keeps: with every edge at least one second, the nodes of one
//! time are all queued before the first of them is settled, so they settle by node number, and a predecessor changes
//! only on a strictly shorter time, so the first settled tight tail stays. A source keeps no edge when its own start
//! is its time. Arrays with a zero-second edge do not get a hierarchy ([`Phast::build`] gives `None`): there a node
//! can be queued by another of its own time after smaller numbers have settled, and the kernel's tree is not this
//! rule's. Times and trees are therefore those of the kernel exactly (tested on random graphs and the bundled one).

use super::{Csr, Tree, NONE};
use crate::graph::Node;
use crate::units::Seconds;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// Settled nodes after which a witness search gives up (and the shortcut is added). On the bundled `asbuilt-2025`
/// door arrays (benches/search.rs): 32 gives 6,300 downward edges in 39 ms, 64 gives 5,900 in 49 ms and 128 5,900
/// in 64 ms, the searches equally fast.
const WITNESS_SETTLED: usize = 32;

/// The hierarchy of one filter's arrays: upward edges by rank, downward in-edges by rank, and the arrays' own
/// in-edges by node for the tree.
#[derive(Debug)]
pub struct Phast {
    /// node → rank
    rank: Vec<u32>,
    /// upward edges of each rank: `up[up_start[r]..up_start[r + 1]]`, each (head rank, seconds)
    up_start: Vec<u32>,
    up: Vec<(u32, u32)>,
    /// downward in-edges of each rank: (tail rank, seconds)
    down_start: Vec<u32>,
    down: Vec<(u32, u32)>,
    /// the arrays' in-edges of each node, by tail node: (tail rank, seconds), and apart their positions in the
    /// arrays
    rev_start: Vec<u32>,
    rev: Vec<(u32, u32)>,
    rev_k: Vec<u32>,
    csr: Arc<Csr>,
}

/// A bounded Dijkstra's reusable memory for the witness searches.
struct Witness {
    dist: Vec<u32>,
    touched: Vec<u32>,
    heap: super::Heap4,
    /// the nodes whose times the caller needs (the out-neighbours of the node being contracted)
    target: Vec<bool>,
}

impl Witness {
    /// Times from `src` over the nodes still in the graph except `skip`, up to `limit` seconds and
    /// [`WITNESS_SETTLED`] settled nodes, or until the `left` targets other than `src` are settled; `dist` holds
    /// them (`NONE`: not reached) until the next call.
    fn run(&mut self, out: &[Vec<(u32, u32)>], src: u32, skip: u32, limit: u32, mut left: usize) {
        for &t in &self.touched {
            self.dist[t as usize] = NONE;
        }
        self.touched.clear();
        self.heap.clear();
        self.dist[src as usize] = 0;
        self.touched.push(src);
        self.heap.push(src as u64);
        let mut settled = 0;
        while let Some(key) = self.heap.pop() {
            let (t, u) = ((key >> 32) as u32, key as u32);
            if t != self.dist[u as usize] {
                continue;
            }
            if t > limit || settled == WITNESS_SETTLED {
                break;
            }
            settled += 1;
            if u != src && self.target[u as usize] {
                left -= 1;
                if left == 0 {
                    break;
                }
            }
            for &(v, w) in &out[u as usize] {
                if v == skip {
                    continue;
                }
                let nt = t.saturating_add(w);
                if nt < self.dist[v as usize] {
                    if self.dist[v as usize] == NONE {
                        self.touched.push(v);
                    }
                    self.dist[v as usize] = nt;
                    self.heap.push((nt as u64) << 32 | v as u64);
                }
            }
        }
    }
}

/// The graph while it is being contracted: the edges among the nodes not yet contracted.
struct Remaining {
    out: Vec<Vec<(u32, u32)>>,
    inn: Vec<Vec<(u32, u32)>>,
}

impl Remaining {
    /// Adds `u → x` of `w` seconds, or lowers the edge already there.
    fn add(&mut self, u: u32, x: u32, w: u32) {
        match self.out[u as usize].iter_mut().find(|e| e.0 == x) {
            Some(e) => {
                if w < e.1 {
                    e.1 = w;
                    let back = self.inn[x as usize].iter_mut().find(|e| e.0 == u).expect("in-edge mirrors out-edge");
                    back.1 = w;
                }
            }
            None => {
                self.out[u as usize].push((x, w));
                self.inn[x as usize].push((u, w));
            }
        }
    }

    /// The shortcuts contracting `v` needs: `(u, x, seconds)` for each pair its witness searches cannot avoid.
    fn shortcuts(&self, v: u32, wit: &mut Witness, out: &mut Vec<(u32, u32, u32)>) {
        out.clear();
        let outs = &self.out[v as usize];
        for &(x, _) in outs {
            wit.target[x as usize] = true;
        }
        for &(u, wu) in &self.inn[v as usize] {
            let far = outs.iter().filter(|e| e.0 != u).map(|e| e.1).max();
            let Some(far) = far else { continue };
            let limit = wu.saturating_add(far);
            let left = outs.iter().filter(|e| e.0 != u).count();
            wit.run(&self.out, u, v, limit, left);
            for &(x, wx) in outs {
                if x == u {
                    continue;
                }
                let via = wu.saturating_add(wx);
                if wit.dist[x as usize] > via {
                    out.push((u, x, via));
                }
            }
        }
        for &(x, _) in outs {
            wit.target[x as usize] = false;
        }
    }
}

impl Phast {
    /// The hierarchy of `csr`, or `None` when it has an edge of zero seconds (see the module's note on trees).
    pub fn build(csr: &Arc<Csr>) -> Option<Phast> {
        if csr.edges.iter().any(|e| e.1 == 0) {
            return None;
        }
        let n = csr.start.len() - 1;
        // the arrays hold one edge per ordered pair and no self-loop ([`Csr::build`]); contraction relies on it
        debug_assert!((0..n).all(|u| {
            let out = &csr.edges[csr.start[u] as usize..csr.start[u + 1] as usize];
            out.iter().all(|e| e.0 as usize != u) && out.iter().enumerate().all(|(i, e)| out[..i].iter().all(|f| f.0 != e.0))
        }));
        let mut g = Remaining { out: vec![Vec::new(); n], inn: vec![Vec::new(); n] };
        for u in 0..n {
            for &(v, w) in &csr.edges[csr.start[u] as usize..csr.start[u + 1] as usize] {
                g.out[u].push((v, w));
                g.inn[v as usize].push((u as u32, w));
            }
        }
        let mut wit = Witness { dist: vec![NONE; n], touched: Vec::new(), heap: super::Heap4::new(), target: vec![false; n] };
        let mut sc = Vec::new();
        let mut deleted = vec![0i64; n];
        // a node's priority: the shortcuts its contraction adds less the edges it removes, plus its neighbours
        // already contracted; `sc` then holds the shortcuts
        let prio = |g: &Remaining, v: u32, deleted: &[i64], wit: &mut Witness, sc: &mut Vec<(u32, u32, u32)>| {
            g.shortcuts(v, wit, sc);
            sc.len() as i64 - (g.out[v as usize].len() + g.inn[v as usize].len()) as i64 + deleted[v as usize]
        };
        let mut queue: BinaryHeap<Reverse<(i64, u32)>> = (0..n as u32).map(|v| Reverse((prio(&g, v, &deleted, &mut wit, &mut sc), v))).collect();
        let mut order = Vec::with_capacity(n);
        // per node, at its contraction: its edges up (to nodes contracted later) and down (from them)
        let mut ups: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        let mut downs: Vec<Vec<(u32, u32)>> = vec![Vec::new(); n];
        while let Some(Reverse((p, v))) = queue.pop() {
            // lazy update: contract v only if its priority, recomputed, is still the least
            let now = prio(&g, v, &deleted, &mut wit, &mut sc);
            if now > p {
                if let Some(Reverse(next)) = queue.peek() {
                    if (now, v) > *next {
                        queue.push(Reverse((now, v)));
                        continue;
                    }
                }
            }
            // sc holds v's shortcuts (computed by the last priority)
            let shortcuts = std::mem::take(&mut sc);
            ups[v as usize] = std::mem::take(&mut g.out[v as usize]);
            downs[v as usize] = std::mem::take(&mut g.inn[v as usize]);
            for &(x, _) in &ups[v as usize] {
                g.inn[x as usize].retain(|e| e.0 != v);
                deleted[x as usize] += 1;
            }
            for &(u, _) in &downs[v as usize] {
                g.out[u as usize].retain(|e| e.0 != v);
                deleted[u as usize] += 1;
            }
            for &(u, x, w) in &shortcuts {
                g.add(u, x, w);
            }
            sc = shortcuts;
            order.push(v);
        }
        let mut rank = vec![0u32; n];
        for (r, &v) in order.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        let flat = |lists: &Vec<Vec<(u32, u32)>>| {
            let mut start = Vec::with_capacity(n + 1);
            let mut all = Vec::new();
            start.push(0u32);
            for &v in &order {
                let mut l: Vec<(u32, u32)> = lists[v as usize].iter().map(|&(x, w)| (rank[x as usize], w)).collect();
                l.sort_unstable();
                all.extend(l);
                start.push(all.len() as u32);
            }
            (start, all)
        };
        let (up_start, up) = flat(&ups);
        let (down_start, down) = flat(&downs);
        // in-edges by tail node (the arrays list each node's out-edges in node order, one per pair), so that among
        // tails of equal time the earlier entry is the lower node
        let mut rev_lists: Vec<Vec<(u32, u32, u32)>> = vec![Vec::new(); n];
        for u in 0..n {
            for k in csr.start[u] as usize..csr.start[u + 1] as usize {
                let (v, w) = csr.edges[k];
                rev_lists[v as usize].push((rank[u], w, k as u32));
            }
        }
        let mut rev_start = Vec::with_capacity(n + 1);
        let (mut rev, mut rev_k) = (Vec::new(), Vec::new());
        rev_start.push(0u32);
        for l in rev_lists {
            rev.extend(l.iter().map(|&(r, w, _)| (r, w)));
            rev_k.extend(l.iter().map(|&(_, _, k)| k));
            rev_start.push(rev.len() as u32);
        }
        Some(Phast { rank, up_start, up, down_start, down, rev_start, rev, rev_k, csr: csr.clone() })
    }

    /// Upward and downward edges of the hierarchy (shortcuts included), for benchmarks.
    pub fn edge_counts(&self) -> (usize, usize) {
        (self.up.len(), self.down.len())
    }

    /// Times only, by rank, into `d` (the upward search and the sweep).
    fn times(&self, sources: &[(Node, Seconds)], d: &mut Vec<u32>, heap: &mut super::Heap4) {
        let n = self.rank.len();
        d.clear();
        d.resize(n, NONE);
        heap.clear();
        for &(s, t) in sources {
            let r = self.rank[s.0 as usize] as usize;
            if t.0 < d[r] {
                d[r] = t.0;
                heap.push((t.0 as u64) << 32 | r as u64);
            }
        }
        while let Some(key) = heap.pop() {
            let t = (key >> 32) as u32;
            let r = key as u32 as usize;
            if d[r] != t {
                continue;
            }
            for &(x, w) in &self.up[self.up_start[r] as usize..self.up_start[r + 1] as usize] {
                let nt = t.saturating_add(w);
                if nt < d[x as usize] {
                    d[x as usize] = nt;
                    heap.push((nt as u64) << 32 | x as u64);
                }
            }
        }
        for r in (0..n).rev() {
            let mut best = d[r];
            for &(u, w) in &self.down[self.down_start[r] as usize..self.down_start[r + 1] as usize] {
                best = best.min(d[u as usize].saturating_add(w));
            }
            d[r] = best;
        }
    }

    /// The shortest times from the sources, with the edge each node is reached by: the same [`Tree`] as the
    /// Dijkstra kernel on the same arrays.
    pub fn search(&self, sources: &[(Node, Seconds)]) -> Tree {
        let n = self.rank.len();
        let mut tp = vec![u64::MAX; n];
        super::WORK.with(|w| {
            let mut w = w.borrow_mut();
            let w = &mut *w;
            let d = &mut w.times;
            self.times(sources, d, &mut w.queue);
            for (v, slot) in tp.iter_mut().enumerate() {
                let dv = d[self.rank[v] as usize];
                if dv == NONE {
                    continue;
                }
                // the tight in-edge whose tail has the least (time, node): the least (time, entry) over the tight
                // ones, the entries being in tail order; without a branch
                let a = self.rev_start[v] as usize;
                let mut best = u64::MAX;
                for (i, &(ur, w)) in self.rev[a..self.rev_start[v + 1] as usize].iter().enumerate() {
                    // (an unreached tail, NONE, plus a second or more is above any time in 64 bits)
                    let du = d[ur as usize] as u64;
                    let key = du << 32 | i as u64;
                    best = best.min(if du + w as u64 == dv as u64 { key } else { u64::MAX });
                }
                // none tight: a source at its own start (set below)
                let edge = if best == u64::MAX { NONE } else { self.rev_k[a + (best as u32) as usize] };
                *slot = (dv as u64) << 32 | edge as u64;
            }
            // a source reached at its own start keeps no edge (its time is at most its least start, so it equals a
            // start of its only if it equals the least)
            for &(s, t) in sources {
                let i = s.0 as usize;
                if (tp[i] >> 32) as u32 == t.0 {
                    tp[i] |= NONE as u64;
                }
            }
        });
        Tree { tp, csr: self.csr.clone() }
    }

    /// Times only (no tree), for benchmarks that compare with a distance-only search.
    pub fn times_only(&self, sources: &[(Node, Seconds)]) -> Vec<u32> {
        let mut out = Vec::new();
        super::WORK.with(|w| {
            let mut w = w.borrow_mut();
            let w = &mut *w;
            self.times(sources, &mut w.times, &mut w.queue);
            out = self.rank.iter().map(|&r| w.times[r as usize]).collect();
        });
        out
    }
}
