//! One single-source search on the real 中原 graph (asbuilt-2025, door measure: every edge, waits counted),
//! against scipy.sparse.csgraph.dijkstra on the same exported graph. The answer is checked first: ringsim's times
//! (on the filter's plain arrays, on the pruned ones and on their contraction hierarchy) equal a plain binary-heap
//! Dijkstra written here, its trees equal those of the previous kernel (`search::reference`), and its times equal
//! scipy's distances (when scipy is installed). Then the mean time per source over every place is measured (median
//! of rounds) for the hierarchy (with the tree, and times only), the pruned arrays, the plain arrays, the previous
//! kernel, one source repeated, and scipy (times only, its default, and with predecessors, the tree ringsim's
//! searches give), with the ratios and the time the pruning and the hierarchy take; and the rings' onward search
//! (egress and road edges) from 1 to every station, on the pruned arrays and on the hierarchy, which
//! `search::HIERARCHY_SOURCES` is chosen by. The README quotes them.
//!
//! Run with `cargo bench --bench search` (scipy: `pip install scipy`; without it the comparison is skipped with a
//! message).

use criterion::Criterion;
use ringsim::app::load;
use ringsim::graph::{Graph, Node};
use ringsim::units::Seconds;
use std::collections::BinaryHeap;
use std::path::PathBuf;
use std::time::Instant;

/// The reference: a textbook Dijkstra over an edge list.
fn reference(n: usize, edges: &[(usize, usize, u64)], s: usize) -> Vec<u64> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b, w) in edges {
        adj[a].push((b, w));
    }
    let mut d = vec![u64::MAX; n];
    let mut h = BinaryHeap::new();
    d[s] = 0;
    h.push(std::cmp::Reverse((0u64, s)));
    while let Some(std::cmp::Reverse((t, u))) = h.pop() {
        if t > d[u] {
            continue;
        }
        for &(v, w) in &adj[u] {
            if t + w < d[v] {
                d[v] = t + w;
                h.push(std::cmp::Reverse((t + w, v)));
            }
        }
    }
    d
}

const SCIPY: &str = r#"
import sys, time, json
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
n = int(sys.argv[2]); src = [int(x) for x in sys.argv[3].split(',')]
best = {}
for line in open(sys.argv[1]):
    a, b, w = line.split(',')
    k = (int(a), int(b)); w = float(w)
    if k not in best or w < best[k]: best[k] = w
rows = np.array([k[0] for k in best]); cols = np.array([k[1] for k in best])
# zero-weight edges would vanish from a sparse matrix: give them a weight far below one second
vals = np.array([max(best[k], 1e-6) for k in best])
m = csr_matrix((vals, (rows, cols)), shape=(n, n))
check = dijkstra(m, directed=True, indices=src[:20])
reps = []
for _ in range(5):
    t0 = time.perf_counter()
    for s in src:
        dijkstra(m, directed=True, indices=s)
    reps.append((time.perf_counter() - t0) / len(src))
reps_pred = []
for _ in range(5):
    t0 = time.perf_counter()
    for s in src:
        dijkstra(m, directed=True, indices=s, return_predecessors=True)
    reps_pred.append((time.perf_counter() - t0) / len(src))
print(json.dumps({"us_per_source": sorted(reps)[2] * 1e6, "us_per_source_pred": sorted(reps_pred)[2] * 1e6, "check": [[(-1 if np.isinf(x) else round(float(x))) for x in row] for row in check]}))
"#;

/// The median of some measurements.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// The mean time of `f(s)` over `sources`, in µs: the median of `rounds` rounds.
fn per_source(sources: &[usize], rounds: usize, mut f: impl FnMut(usize)) -> f64 {
    median(
        (0..rounds)
            .map(|_| {
                let t0 = Instant::now();
                for &s in sources {
                    f(s);
                }
                t0.elapsed().as_secs_f64() / sources.len() as f64 * 1e6
            })
            .collect(),
    )
}

fn main() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/asbuilt-2025.toml");
    let loaded = load(&[path]).expect("bundled scenario loads");
    let b = loaded.bind_all().expect("binds").remove(0);
    let g = Graph::build(&b);
    let n = g.node_count();
    let edges: Vec<(usize, usize, u64)> = g.edges().map(|(a, c, e)| (a.0 as usize, c.0 as usize, ringsim::search::door_cost(e) as u64)).collect();
    let sources: Vec<usize> = (0..b.net.places.len()).collect();
    // the search's arrays for the door measure over every edge: plain (one edge per node pair), then pruned of the
    // edges a witness search proves dominated (what the searches of a graph use after the first PRUNE_AFTER)
    let plain = ringsim::search::prepared(&g, |_| true, true, false);
    // the time of one step of preparing a fresh graph's arrays, the steps before it done first: median of 5, ms
    let step_ms = |before: &dyn Fn(&Graph), step: &dyn Fn(&Graph)| {
        median(
            (0..5)
                .map(|_| {
                    let g2 = Graph::build(&b);
                    before(&g2);
                    let t0 = Instant::now();
                    step(&g2);
                    t0.elapsed().as_secs_f64() * 1e3
                })
                .collect(),
        )
    };
    let prune_ms = step_ms(
        &|g2| {
            ringsim::search::prepared(g2, |_| true, true, false);
        },
        &|g2| {
            std::hint::black_box(ringsim::search::prepared(g2, |_| true, true, true));
        },
    );
    let pruned = ringsim::search::prepared(&g, |_| true, true, true);
    // the contraction hierarchy of the pruned arrays (what the searches of a graph from few sources use after the
    // first HIERARCHY_AFTER)
    let hier_ms = step_ms(
        &|g2| {
            ringsim::search::prepared(g2, |_| true, true, true);
        },
        &|g2| {
            std::hint::black_box(ringsim::search::prepared_phast(g2, |_| true, true));
        },
    );
    let hier = ringsim::search::prepared_phast(&g, |_| true, true).expect("the door measure's arrays have no zero-second edge");
    let src = |s: usize| [(Node(s as u32), Seconds::ZERO)];
    // check the answer first: both arrays, the hierarchy and the previous kernel, against the textbook Dijkstra
    for &s in sources.iter().step_by(7) {
        let r = reference(n, &edges, s);
        let old = ringsim::search::reference::run(&g, &src(s), |_| true, true);
        for t in [ringsim::search::search_on(&plain, &src(s)), ringsim::search::search_on(&pruned, &src(s)), hier.search(&src(s))] {
            for v in 0..n {
                let mine = t.at(Node(v as u32)).map_or(u64::MAX, |x| x.0 as u64);
                assert_eq!(mine, r[v], "source {s}, node {v}: ringsim and the reference Dijkstra differ");
                assert_eq!((t.at(Node(v as u32)), t.edge_to(Node(v as u32))), old[v], "source {s}, node {v}: the tree differs from the previous kernel's");
            }
        }
        let times = hier.times_only(&src(s));
        for v in 0..n {
            assert_eq!(if times[v] == u32::MAX { u64::MAX } else { times[v] as u64 }, r[v], "source {s}, node {v}: the hierarchy's times differ");
        }
    }
    // time: the mean over every place as the source, median of 11 rounds
    let rounds = 11;
    let hier_us = per_source(&sources, rounds, |s| {
        std::hint::black_box(hier.search(&src(s)));
    });
    let hier_times_us = per_source(&sources, rounds, |s| {
        std::hint::black_box(hier.times_only(&src(s)));
    });
    let ours_us = per_source(&sources, rounds, |s| {
        std::hint::black_box(ringsim::search::search_on(&pruned, &src(s)));
    });
    let plain_us = per_source(&sources, rounds, |s| {
        std::hint::black_box(ringsim::search::search_on(&plain, &src(s)));
    });
    let old_us = per_source(&sources, 5, |s| {
        std::hint::black_box(ringsim::search::reference::run(&g, &src(s), |_| true, true));
    });
    // many sources: the rings' onward search (egress and road edges) from the first k stations, each at a start
    // time, on the pruned arrays' Dijkstra and on the hierarchy (what HIERARCHY_SOURCES is chosen by)
    let onward = |k: ringsim::graph::EdgeKind| matches!(k, ringsim::graph::EdgeKind::Egress | ringsim::graph::EdgeKind::Road(_));
    let on_pruned = ringsim::search::prepared(&g, onward, false, true);
    let on_hier = ringsim::search::prepared_phast(&g, onward, false).expect("the onward arrays have no zero-second edge");
    let stations: Vec<Node> = (0..n as u32).map(Node).filter(|&x| matches!(g.node_ref(x), ringsim::network::NodeRef::Station(_)) && !g.is_board(x)).collect();
    let mut many = Vec::new();
    for k in [1usize, 8, 32, 64, 128, stations.len()] {
        let src_k: Vec<(Node, Seconds)> = stations.iter().take(k).enumerate().map(|(i, &x)| (x, Seconds(600 + (i as u32 * 97) % 3600))).collect();
        let (a, b) = (ringsim::search::search_on(&on_pruned, &src_k), on_hier.search(&src_k));
        for v in 0..n {
            assert_eq!((a.at(Node(v as u32)), a.edge_to(Node(v as u32))), (b.at(Node(v as u32)), b.edge_to(Node(v as u32))), "onward from {k} stations, node {v}");
        }
        let reps = vec![0usize; 200];
        let tk = per_source(&reps, rounds, |_| {
            std::hint::black_box(ringsim::search::search_on(&on_pruned, &src_k));
        });
        let th = per_source(&reps, rounds, |_| {
            std::hint::black_box(on_hier.search(&src_k));
        });
        many.push((src_k.len(), tk, th));
    }
    let same = vec![0usize; sources.len()];
    let same_us = per_source(&same, rounds, |s| {
        std::hint::black_box(ringsim::search::search_on(&pruned, &src(s)));
    });
    println!("graph: {n} nodes, {} edges (asbuilt-2025, door measure); searched: {} (one per node pair), {} after pruning", edges.len(), plain.len(), pruned.len());
    println!("pruning (once per graph and edge filter): {prune_ms:.1} ms");
    let (up, down) = hier.edge_counts();
    println!("contraction hierarchy of the pruned arrays (once per graph and edge filter): {hier_ms:.1} ms; {up} upward and {down} downward edges, shortcuts included");
    println!("ringsim, hierarchy (upward search, sweep, tree): {hier_us:.1} µs per single-source search");
    println!("ringsim, hierarchy, times only (no tree): {hier_times_us:.1} µs");
    println!("ringsim, pruned arrays: {ours_us:.1} µs per single-source search (mean over {} sources, median of {rounds} rounds)", sources.len());
    println!("ringsim, plain arrays: {plain_us:.1} µs");
    println!("previous kernel (indexed 4-ary heap, kind test per edge; search::reference): {old_us:.1} µs");
    println!("ringsim, pruned arrays, source 0 again and again: {same_us:.1} µs");
    for (k, tk, th) in &many {
        println!("onward search (egress and road) from {k} stations: pruned arrays {tk:.1} µs, hierarchy {th:.1} µs");
    }
    // scipy on the same graph
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("edges.csv");
    let text: String = edges.iter().map(|(a, c, w)| format!("{a},{c},{w}\n")).collect();
    std::fs::write(&csv, text).unwrap();
    let src_arg: Vec<String> = sources.iter().map(|s| s.to_string()).collect();
    let out = std::process::Command::new("python3").args(["-c", SCIPY, csv.to_str().unwrap(), &n.to_string(), &src_arg.join(",")]).output();
    match out {
        Ok(o) if o.status.success() => {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("scipy script prints JSON");
            let check = v["check"].as_array().unwrap();
            for (k, row) in check.iter().enumerate() {
                let t = ringsim::search::dijkstra_door(&g, &src(sources[k]), |_| true);
                for (node, x) in row.as_array().unwrap().iter().enumerate() {
                    let want = x.as_i64().unwrap();
                    let mine = t.at(Node(node as u32)).map_or(-1, |x| x.0 as i64);
                    assert_eq!(mine, want, "source {}, node {node}: ringsim and scipy differ", sources[k]);
                }
            }
            let sp = v["us_per_source"].as_f64().unwrap();
            let spp = v["us_per_source_pred"].as_f64().unwrap();
            println!("scipy.sparse.csgraph.dijkstra: {sp:.1} µs per single-source search (times only, its default; same graph, answers equal; median of 5 rounds)");
            println!("scipy.sparse.csgraph.dijkstra(return_predecessors=True): {spp:.1} µs (times and the tree, as ringsim's searches give)");
            println!("ratio, times only: ringsim's hierarchy is {:.1}x faster than scipy", sp / hier_times_us);
            println!("ratio, with the tree (against scipy with predecessors): {:.1}x (hierarchy), {:.1}x (pruned arrays), {:.1}x (plain arrays), {:.1}x (pruned arrays, same source again and again)", spp / hier_us, spp / ours_us, spp / plain_us, spp / same_us);
            println!("ratio, ringsim with the tree against scipy's times only: {:.1}x (hierarchy), {:.1}x (pruned arrays)", sp / hier_us, sp / ours_us);
        }
        Ok(o) => println!("scipy comparison skipped: {}", String::from_utf8_lossy(&o.stderr).lines().last().unwrap_or("python3 failed")),
        Err(e) => println!("scipy comparison skipped: python3 not runnable ({e})"),
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c, &g);
    c.final_summary();
}

fn bench(c: &mut Criterion, g: &Graph) {
    c.bench_function("single-source door search (asbuilt-2025)", |x| x.iter(|| ringsim::search::dijkstra_door(g, &[(Node(0), Seconds::ZERO)], |_| true)));
}

