//! Time to evaluate one build state on the real 中原 network: graph build, the door and station searches and
//! the rings. The answer is checked before timing (郑州's own ring and the census total).

use criterion::{criterion_group, criterion_main, Criterion};
use ringsim::app::load;
use ringsim::graph::Graph;
use ringsim::rings::Reach;
use std::path::PathBuf;

fn bench(c: &mut Criterion) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/asbuilt-2025.toml");
    let loaded = load(&[path]).expect("bundled scenario loads");
    let b = loaded.bind_all().expect("binds").remove(0);
    // check the answer first
    let g = Graph::build(&b);
    let r = Reach::compute(&b, &g);
    let rings = r.summaries(b.net);
    assert_eq!(rings.len(), 3);
    assert!(rings[2].population > rings[0].population && rings[2].population <= 164_576_876);
    c.bench_function("graph build (asbuilt-2025)", |x| x.iter(|| Graph::build(&b)));
    c.bench_function("reach: door + station searches (asbuilt-2025)", |x| x.iter(|| Reach::compute(&b, &g)));
}

criterion_group!(benches, bench);
criterion_main!(benches);
