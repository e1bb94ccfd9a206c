//! The fast search against slow references (Floyd–Warshall for times; the plain indexed-heap Dijkstra of
//! `search::reference` for times and trees) on hundreds of random graphs, plain and pruned. A failing graph is
//! printed as Rust code that can be pasted into a test.

mod common;
use common::Rng;
use ringsim::graph::{EdgeKind, Graph, Node};
use ringsim::search::{dijkstra, dijkstra_door, reference};
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

/// A random graph with every edge kind, waits, zero-second edges, parallel edges, self-loops and many ties.
fn random_kinded(rng: &mut Rng) -> (usize, Vec<(u32, u32, u32, u32, EdgeKind)>) {
    let n = 1 + rng.below(40) as usize;
    let m = rng.below((n * n) as u64 / 2 + 2) as usize;
    let ties = rng.chance(0.3);
    let edges = (0..m)
        .map(|_| {
            let a = rng.below(n as u64) as u32;
            let b = rng.below(n as u64) as u32;
            let s = if rng.chance(0.1) { 0 } else if ties { rng.below(6) as u32 } else { rng.below(5000) as u32 };
            let w = if rng.chance(0.5) { 0 } else if ties { rng.below(4) as u32 } else { rng.below(3000) as u32 };
            (a, b, s, w, EdgeKind::ALL[rng.below(EdgeKind::ALL.len() as u64) as usize])
        })
        .collect();
    (n, edges)
}

fn kinded_code(n: usize, edges: &[(u32, u32, u32, u32, EdgeKind)]) -> String {
    format!("let g = Graph::from_kinded_edges({n}, &{:?});", edges)
}

/// Every node's time and tree edge from the fast search equal the plain indexed-heap reference, on random graphs
/// with random edge filters, both measures and several sources: on the base arrays (a graph's first search under a
/// filter), on the filter's own arrays, and on the pruned ones.
#[test]
fn fast_search_equals_reference_trees_on_600_random_graphs() {
    let mut rng = Rng(11);
    for case in 0..600 {
        let (n, edges) = random_kinded(&mut rng);
        let g = Graph::from_kinded_edges(n, &edges);
        let kinds: u16 = if rng.chance(0.3) { u16::MAX } else { rng.below(1 << EdgeKind::ALL.len()) as u16 };
        let allow = move |k: EdgeKind| kinds & (1 << k.bit()) != 0;
        let door = rng.chance(0.5);
        let n_src = 1 + rng.below(3) as usize;
        let srcs = random_sources(&mut rng, n, n_src);
        // the first search runs on the graph's base arrays, the second on the filter's own, then pruned ones
        for pass in ["base", "plain", "pruned"] {
            if pass == "pruned" {
                ringsim::search::prepared(&g, allow, door, true);
            }
            assert_like_reference(&g, &srcs, kinds, door, &format!("case {case} ({pass})"), &kinded_code(n, &edges));
        }
    }
}

/// `k` sources, each at 0 or a random start time.
fn random_sources(rng: &mut Rng, n: usize, k: usize) -> Vec<(Node, Seconds)> {
    (0..k).map(|_| (Node(rng.below(n as u64) as u32), Seconds(if rng.chance(0.5) { 0 } else { rng.below(200) as u32 }))).collect()
}

/// The search of `g` from `srcs` over the kinds in `kinds` (the engine `dijkstra` or `dijkstra_door` picks) gives
/// every node the reference's time and tree edge; a failure names `what` and prints the graph as code.
fn assert_like_reference(g: &Graph, srcs: &[(Node, Seconds)], kinds: u16, door: bool, what: &str, code: &str) {
    let allow = move |k: EdgeKind| kinds & (1 << k.bit()) != 0;
    let fast = if door { dijkstra_door(g, srcs, allow) } else { dijkstra(g, srcs, allow) };
    let want = reference::run(g, srcs, allow, door);
    for (v, w) in want.iter().enumerate() {
        let got = (fast.at(Node(v as u32)), fast.edge_to(Node(v as u32)));
        assert_eq!(got, *w, "{what} (door {door}, kinds {kinds:#x}, sources {srcs:?}): node {v}\n{code}");
        assert_path_adds_up(g, &fast, Node(v as u32), door, &format!("{what} (door {door}, kinds {kinds:#x}, sources {srcs:?})\n{code}"));
    }
}

/// The path `Tree::path` reads off the tree to `n` (what `ringsim trip` prints leg by leg) runs edge to edge from a
/// source to `n`, over edges the tree holds, and its edges' seconds under the measure add up to `n`'s time less the
/// source's start time.
fn assert_path_adds_up(g: &Graph, tree: &ringsim::search::Tree, n: Node, door: bool, what: &str) {
    let path = tree.path(g, n);
    let Some(t) = tree.at(n) else {
        assert!(path.is_empty(), "{what}: a path to unreached node {n:?}");
        return;
    };
    let root = path.first().map_or(n, |p| p.0);
    assert_eq!(root, tree.root(n), "{what}: node {n:?}");
    let mut at = root;
    let mut sum = u64::from(tree.at(root).expect("a path's start is reached").0);
    for &(from, to, e) in &path {
        assert_eq!(from, at, "{what}: the path to {n:?} is not edge to edge");
        assert_eq!(tree.edge_to(to).map(|x| x.0), Some(from), "{what}: node {to:?}");
        sum += u64::from(if door { ringsim::search::door_cost(e) } else { e.secs.0 });
        at = to;
    }
    assert_eq!(at, n, "{what}");
    assert_eq!(sum, u64::from(t.0), "{what}: the path to {n:?} adds up to {sum} s, the tree says {t:?}");
}

/// A random graph as [`random_kinded`] gives, without zero-second edges under the measure (the hierarchy's
/// condition): every edge at least one second, many ties.
fn random_positive(rng: &mut Rng, door: bool) -> (usize, Vec<(u32, u32, u32, u32, EdgeKind)>) {
    let (n, mut edges) = random_kinded(rng);
    for e in &mut edges {
        if door && e.2 + e.3 == 0 || !door && e.2 == 0 {
            e.2 = 1 + rng.below(3) as u32;
        }
    }
    (n, edges)
}

/// The hierarchy's search ([`ringsim::search::Phast`]) gives every node the time and tree edge of the plain
/// indexed-heap reference, on random graphs without zero-second edges (many ties, random filters, both measures,
/// several sources with start times); on graphs with one, no hierarchy is built and the search stays exact.
#[test]
fn hierarchy_search_equals_reference_trees_on_600_random_graphs() {
    let mut rng = Rng(2011);
    let mut built = 0;
    for case in 0..600 {
        let door = rng.chance(0.5);
        let zero = rng.chance(0.1);
        let (n, edges) = if zero { random_kinded(&mut rng) } else { random_positive(&mut rng, door) };
        let g = Graph::from_kinded_edges(n, &edges);
        let kinds: u16 = if rng.chance(0.3) { u16::MAX } else { rng.below(1 << EdgeKind::ALL.len()) as u16 };
        let allow = move |k: EdgeKind| kinds & (1 << k.bit()) != 0;
        let h = ringsim::search::prepared_phast(&g, allow, door);
        built += h.is_some() as usize;
        for _ in 0..3 {
            let n_src = 1 + rng.below(3) as usize;
            let srcs = random_sources(&mut rng, n, n_src);
            assert_like_reference(&g, &srcs, kinds, door, &format!("case {case} (hierarchy {})", h.is_some()), &kinded_code(n, &edges));
        }
    }
    // most graphs get a hierarchy (the test tests it, not only the fallback)
    assert!(built > 450, "only {built} of 600 random graphs got a hierarchy");
}

/// The hierarchy's search from many sources (up to three times the nodes, duplicates with other start times among
/// them) equals the reference, called directly (the searches of a graph take it only up to `HIERARCHY_SOURCES`
/// sources), and through `dijkstra` on either side of that bound.
#[test]
fn hierarchy_search_from_many_sources_equals_reference() {
    let mut rng = Rng(4242);
    for case in 0..300 {
        let door = rng.chance(0.5);
        let (n, edges) = random_positive(&mut rng, door);
        let g = Graph::from_kinded_edges(n, &edges);
        let Some(h) = ringsim::search::prepared_phast(&g, |_| true, door) else { continue };
        let k = [1, ringsim::search::HIERARCHY_SOURCES, ringsim::search::HIERARCHY_SOURCES + 1, 3 * n][rng.below(4) as usize];
        let srcs: Vec<(Node, Seconds)> = (0..k).map(|_| (Node(rng.below(n as u64) as u32), Seconds(rng.below(50) as u32))).collect();
        let want = reference::run(&g, &srcs, |_| true, door);
        let direct = h.search(&srcs);
        let via = if door { dijkstra_door(&g, &srcs, |_| true) } else { dijkstra(&g, &srcs, |_| true) };
        for v in 0..n {
            let x = Node(v as u32);
            assert_eq!((direct.at(x), direct.edge_to(x)), want[v], "case {case} ({k} sources {srcs:?}, door {door}): node {v}\n{}", kinded_code(n, &edges));
            assert_eq!((via.at(x), via.edge_to(x)), want[v], "case {case} ({k} sources, door {door}), dijkstra: node {v}\n{}", kinded_code(n, &edges));
        }
    }
}

/// The same on the bundled network: every place as the source of a door search, and the station measure's rail
/// search from every station, before and after pruning, and on the hierarchy.
#[test]
fn fast_search_equals_reference_trees_on_asbuilt_2025() {
    let path = common::repo().join("scenarios/asbuilt-2025.toml");
    let loaded = ringsim::app::load(&[path]).unwrap();
    let b = loaded.bind_all().unwrap().remove(0);
    let g = Graph::build(&b);
    let rail = |k: EdgeKind| k.is_station_measure();
    for pass in ["plain", "pruned", "hierarchy"] {
        if pass == "pruned" {
            ringsim::search::prepared(&g, |_| true, true, true);
            ringsim::search::prepared(&g, rail, false, true);
        }
        if pass == "hierarchy" {
            assert!(ringsim::search::prepared_phast(&g, |_| true, true).is_some(), "the door measure's arrays have no zero-second edge");
            assert!(ringsim::search::prepared_phast(&g, rail, false).is_some(), "the station measure's arrays have no zero-second edge");
        }
        for p in (0..b.net.places.len()).step_by(5) {
            let src = [(Node(p as u32), Seconds::ZERO)];
            let fast = dijkstra_door(&g, &src, |_| true);
            let want = reference::run(&g, &src, |_| true, true);
            for v in 0..g.node_count() {
                assert_eq!((fast.at(Node(v as u32)), fast.edge_to(Node(v as u32))), want[v], "{pass}: door from place {p}, node {v}");
            }
        }
        for s in (0..b.net.stations.len()).step_by(3) {
            let src = g.start_at(&[g.station(ringsim::network::StationIx(s as u32))], Seconds::ZERO);
            let fast = dijkstra(&g, &src, rail);
            let want = reference::run(&g, &src, rail, false);
            for v in 0..g.node_count() {
                assert_eq!((fast.at(Node(v as u32)), fast.edge_to(Node(v as u32))), want[v], "{pass}: station measure from station {s}, node {v}");
                assert_path_adds_up(&g, &fast, Node(v as u32), false, &format!("{pass}: station measure from station {s}"));
            }
        }
        // the rings' onward search (egress and road) from every station reached by rail, at its rail time, on the
        // hierarchy itself
        let onward = |k: EdgeKind| matches!(k, EdgeKind::Egress | EdgeKind::Road(_));
        let from = g.start_at(&[g.station(ringsim::network::StationIx(0))], Seconds::ZERO);
        let rail_tree = dijkstra(&g, &from, rail);
        let src: Vec<(Node, Seconds)> = (0..g.node_count() as u32)
            .map(Node)
            .filter(|&x| matches!(g.node_ref(x), ringsim::network::NodeRef::Station(_)) && !g.is_board(x))
            .filter_map(|x| rail_tree.at(x).map(|t| (x, t)))
            .collect();
        assert!(src.len() > 100, "the onward search starts from many stations");
        let want = reference::run(&g, &src, onward, false);
        let h = ringsim::search::prepared_phast(&g, onward, false).expect("the onward arrays have no zero-second edge");
        for got in [h.search(&src), dijkstra(&g, &src, onward)] {
            for v in 0..g.node_count() {
                assert_eq!((got.at(Node(v as u32)), got.edge_to(Node(v as u32))), want[v], "{pass}: onward from {} stations, node {v}", src.len());
            }
        }
    }
}

/// A graph searched more than `PRUNE_AFTER` times switches to its pruned arrays by itself, and after
/// `HIERARCHY_AFTER` to a contraction hierarchy (where no edge is of zero seconds); every answer on the way, before
/// and after each switch, equals the reference.
#[test]
fn automatic_pruning_and_hierarchy_keep_every_answer() {
    let mut rng = Rng(99);
    for case in 0..6 {
        let door = case % 2 == 0;
        let (n, edges) = if case < 2 { random_kinded(&mut rng) } else { random_positive(&mut rng, door) };
        let g = Graph::from_kinded_edges(n, &edges);
        for i in 0..ringsim::search::HIERARCHY_AFTER + 40 {
            let srcs = [(Node(rng.below(n as u64) as u32), Seconds(rng.below(100) as u32))];
            let fast = if door { dijkstra_door(&g, &srcs, |_| true) } else { dijkstra(&g, &srcs, |_| true) };
            let want = reference::run(&g, &srcs, |_| true, door);
            for v in 0..n {
                assert_eq!((fast.at(Node(v as u32)), fast.edge_to(Node(v as u32))), want[v], "case {case}, search {i}, node {v}\n{}", kinded_code(n, &edges));
            }
        }
    }
}
