//! The fast search against a slow reference (Floyd–Warshall) on hundreds of random graphs. A failing graph is
//! printed as Rust code that can be pasted into a test.

mod common;
use common::Rng;
use ringsim::graph::{Graph, Node};
use ringsim::search::dijkstra;
use ringsim::units::Seconds;

const INF: u64 = u64::MAX / 4;

fn floyd_warshall(n: usize, edges: &[(u32, u32, u32)]) -> Vec<Vec<u64>> {
    let mut d = vec![vec![INF; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0;
    }
    for &(a, b, w) in edges {
        let (a, b) = (a as usize, b as usize);
        d[a][b] = d[a][b].min(w as u64);
    }
    for k in 0..n {
        for i in 0..n {
            if d[i][k] == INF {
                continue;
            }
            for j in 0..n {
                let via = d[i][k] + d[k][j];
                if via < d[i][j] {
                    d[i][j] = via;
                }
            }
        }
    }
    d
}

fn as_code(n: usize, edges: &[(u32, u32, u32)]) -> String {
    format!("let g = Graph::from_edges({n}, &{:?});", edges)
}

#[test]
fn dijkstra_matches_floyd_warshall_on_500_random_graphs() {
    let mut rng = Rng(20161228);
    for case in 0..500 {
        let n = 1 + rng.below(30) as usize;
        let m = rng.below((n * n) as u64 / 2 + 1) as usize;
        let mut edges = Vec::new();
        for _ in 0..m {
            let a = rng.below(n as u64) as u32;
            let b = rng.below(n as u64) as u32;
            // zero weights, parallel edges and self loops are all allowed
            let w = if rng.chance(0.1) { 0 } else { rng.below(5000) as u32 };
            edges.push((a, b, w));
        }
        let g = Graph::from_edges(n, &edges);
        let reference = floyd_warshall(n, &edges);
        for s in 0..n {
            let tree = dijkstra(&g, &[(Node(s as u32), Seconds::ZERO)], |_| true);
            for t in 0..n {
                let fast = tree.at(Node(t as u32)).map(|x| x.0 as u64).unwrap_or(INF);
                assert_eq!(fast, reference[s][t], "case {case}: from {s} to {t}\n{}", as_code(n, &edges));
            }
        }
    }
}

#[test]
fn multi_source_equals_min_over_single_sources() {
    let mut rng = Rng(7);
    for case in 0..200 {
        let n = 2 + rng.below(25) as usize;
        let edges: Vec<(u32, u32, u32)> =
            (0..n * 3).map(|_| (rng.below(n as u64) as u32, rng.below(n as u64) as u32, rng.below(900) as u32)).collect();
        let g = Graph::from_edges(n, &edges);
        let srcs: Vec<(Node, Seconds)> = (0..3).map(|_| (Node(rng.below(n as u64) as u32), Seconds(rng.below(300) as u32))).collect();
        let multi = dijkstra(&g, &srcs, |_| true);
        let singles: Vec<_> = srcs.iter().map(|&s| dijkstra(&g, &[s], |_| true)).collect();
        for t in 0..n {
            let best = singles.iter().filter_map(|tr| tr.at(Node(t as u32))).min();
            assert_eq!(multi.at(Node(t as u32)), best, "case {case} node {t}\n{}", as_code(n, &edges));
        }
    }
}
