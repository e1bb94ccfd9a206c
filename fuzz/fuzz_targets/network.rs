//! A network folder with one file fuzzed (the first input byte chooses which of the fourteen files of the tiny
//! network and its seeds; the rest is its content), loaded: a network or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else { return };
    common::with_file(sel, rest, |dir| {
        let _ = ringsim::network::Network::load(&dir.join("tiny"));
    });
});
