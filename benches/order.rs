//! `ringsim order` on the real 中原 network: the time per build state (incremental from the parent state, and
//! from scratch), and the whole exact search (every build state + the dynamic programme) for 16, 20 and 22
//! projects: the first n of the bundled HSR/intercity/suburban projects of scenarios/orders/zhongyuan-hsr.toml (17)
//! followed by the 专栏4 expressway projects with roads the base leaves closed. The answer is checked before
//! timing: the exact best order is at least as good as the plan's and the real one.

use criterion::{criterion_group, criterion_main, Criterion};
use ringsim::network::Network;
use ringsim::order::{dp, enumerate, OrdersFile, Study};
use ringsim::scenario::Scenario;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;

/// Expressway projects of 专栏4 (seeds/zhongyuan/projects.csv order) used to pad the bundled set.
const PAD: [&str; 6] = ["exp-g59", "exp-g3511", "exp-g22-taian-liaocheng", "exp-g3-deshang", "exp-g45-puyang-yangxin", "exp-heze-zaozhuang"];

/// The bundled orders file with its project list replaced by the first `n` of (bundled projects, then `PAD`).
fn study(net: &Network, n: usize, dir: &std::path::Path) -> Study {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(repo.join("scenarios/orders/zhongyuan-hsr.toml")).unwrap();
    let base = repo.join("scenarios/base-2016.toml");
    let (a, rest) = text.split_once("projects = [").unwrap();
    let (list, b) = rest.split_once(']').unwrap();
    let mut ids: Vec<String> = list.split(',').map(|x| x.trim().trim_matches('"').to_string()).filter(|x| !x.is_empty()).collect();
    ids.extend(PAD.iter().map(|p| p.to_string()));
    assert!(ids.len() >= n, "only {} projects to choose from", ids.len());
    let chosen: Vec<String> = ids[..n].iter().map(|p| format!("\"{p}\"")).collect();
    let text = format!("{a}projects = [{}]{b}", chosen.join(", ")).replace("base = \"../base-2016.toml\"", &format!("base = \"{}\"", base.display()));
    let path = dir.join(format!("bench-{n}.toml"));
    std::fs::write(&path, text).unwrap();
    let of = OrdersFile::read(&path).unwrap();
    let sc = Scenario::read(&of.base).unwrap();
    Study::with_network(of, sc, net).unwrap()
}

fn exact(st: &Study) -> (Vec<usize>, Vec<usize>) {
    let lat = enumerate(st, &st.preds, &AtomicU64::new(0));
    dp(st, &lat)
}

fn bench(c: &mut Criterion) {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let net = Network::load(&repo.join("networks/zhongyuan")).unwrap();
    let dir = std::env::temp_dir().join(format!("ringsim-bench-order-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let st16 = study(&net, 16, &dir);
    assert_eq!(st16.n, 16);
    // check the answer: the best order beats every named order, the worst is below them
    let f = |s| st16.value_full(s);
    let (b, w) = exact(&st16);
    let (bb, wb) = (st16.trajectory(&b, &f).benefit(), st16.trajectory(&w, &f).benefit());
    for o in &st16.orders {
        let v = st16.trajectory(&o.order, &f).benefit();
        assert!(wb <= v && v <= bb, "{}: {v} outside [{wb}, {bb}]", o.name);
    }
    let all = st16.all();
    let parent = st16.engine.full(all & !1);
    c.bench_function("order: one build state, incremental (16 projects, add 1 to 15)", |x| {
        x.iter(|| {
            let mut d = parent.clone();
            st16.engine.extend(&mut d, all & !1, 0);
            st16.value(&d)
        })
    });
    c.bench_function("order: one build state, from scratch (16 projects, all open)", |x| x.iter(|| st16.value(&st16.engine.full(all))));
    let mut g = c.benchmark_group("order exact search");
    g.sample_size(10);
    for n in [16, 20, 22] {
        let st = study(&net, n, &dir);
        g.bench_function(format!("{} projects: every build state + DP", st.n), |x| x.iter(|| exact(&st)));
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
