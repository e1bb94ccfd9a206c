//! A fuzzed pairs file (`od --pairs`, first byte even) or observed-times file (`--observed`, odd), read against
//! the tiny network; for pairs that resolve, the times are computed.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ringsim::network::Network;
use std::sync::OnceLock;

#[path = "common.rs"]
mod common;

static NET: OnceLock<Network> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    let net = NET.get_or_init(|| Network::load(&common::data().join("tiny")).unwrap());
    let path = common::workdir().join("pairs.csv");
    std::fs::write(&path, rest).unwrap();
    if sel % 2 == 0 {
        if let Ok(ps) = ringsim::od::read_pairs(net, &path) {
            let sc = ringsim::scenario::Scenario::read(&common::data().join("tiny-scenarios/base.toml")).unwrap();
            let b = sc.bind(net).unwrap();
            let g = ringsim::graph::Graph::build(&b);
            let q: Vec<_> = ps.iter().map(|p| (p.from, p.to)).collect();
            let _ = ringsim::od::times(net, &g, &q);
        }
    } else {
        let _ = ringsim::calibrate::read_observed(net, &path);
    }
});
