//! A fuzzed scenario file (next to the tiny network's scenarios, so `network = "../tiny"` resolves), parsed and
//! bound to the tiny network: every input must give a scenario or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use ringsim::network::Network;
use ringsim::scenario::Scenario;
use std::sync::OnceLock;

#[path = "common.rs"]
mod common;

static NET: OnceLock<Network> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let net = NET.get_or_init(|| Network::load(&common::data().join("tiny")).unwrap());
    let path = common::data().join("tiny-scenarios/fuzzed.toml");
    if let Ok(sc) = Scenario::parse(&path, text) {
        let _ = sc.bind(net);
    }
});
