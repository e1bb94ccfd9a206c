//! A fuzzed orders file (next to the tiny scenarios, so `base = "base.toml"` resolves), parsed and set up on the
//! tiny network (projects, precedence, named orders, memory estimate); when it is small, the whole analysis.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ringsim::network::Network;
use ringsim::order::{analyse, OrdersFile, Study};
use ringsim::scenario::Scenario;
use std::sync::OnceLock;

#[path = "common.rs"]
mod common;

static NET: OnceLock<Network> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let net = NET.get_or_init(|| Network::load(&common::data().join("tiny")).unwrap());
    let path = common::data().join("tiny-scenarios/fuzzed-orders.toml");
    let Ok(file) = OrdersFile::parse(&path, text) else { return };
    let Ok(sc) = Scenario::read(&file.base) else { return };
    if sc.network_dir.canonicalize().ok() != common::data().join("tiny").canonicalize().ok() {
        return;
    }
    let Ok(st) = Study::with_network(file, sc, net) else { return };
    if st.file.shapley_samples <= 5_000 && st.file.beam_width <= 100 {
        let a = analyse(&st);
        for (_, _, t, _) in &a.orders {
            assert!(t.values.iter().all(|v| v.is_finite()), "a metric value is not finite");
        }
    }
});
