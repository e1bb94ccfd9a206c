//! A whole `run` on a fuzzed network (one file replaced, as in the `network` target): load, bind the base
//! scenario, build the graph, search, and write the three CSV files in memory. Never a panic, never a time that
//! wrapped round.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    common::with_file(sel, rest, |dir| {
        let Ok(net) = ringsim::network::Network::load(&dir.join("tiny")) else { return };
        for sc in ["base.toml", "full.toml"] {
            let Ok(sc) = ringsim::scenario::Scenario::read(&dir.join("tiny-scenarios").join(sc)) else { continue };
            let Ok(b) = sc.bind(&net) else { continue };
            if let Ok(o) = ringsim::app::run_one(&b) {
                assert!(!o.reach.is_empty() && !o.rings.is_empty() && !o.cities.is_empty());
            }
        }
    });
});
