//! Shared by the fuzz targets: a private copy of the tiny network (tests/data) in a temporary folder, into which
//! a fuzzed file is written before each run.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data")
}

/// The files of a network folder (and its seeds) a fuzz input may replace, by the input's first byte (the last two
/// are optional: the tiny network has none, and the fuzzed one is removed again after the run).
pub const FILES: [&str; 14] = [
    "tiny/network.toml",
    "tiny/params.toml",
    "tiny/places.csv",
    "tiny/stations.csv",
    "tiny/rail_lines.csv",
    "tiny/rail_sections.csv",
    "tiny/speed_changes.csv",
    "tiny/road_links.csv",
    "tiny/connectors.csv",
    "tiny/cities.csv",
    "tiny-seeds/projects.csv",
    "tiny-seeds/cities.csv",
    "tiny/services.csv",
    "tiny/project_services.csv",
];

/// A fresh copy of tests/data/{tiny,tiny-seeds,tiny-scenarios} under /dev/shm (or the temp dir), one per process:
/// made anew on the process's first call, so that a folder left by an earlier process with the same id (one that
/// crashed before restoring its file) is never reused.
pub fn workdir() -> PathBuf {
    static FRESH: std::sync::Once = std::sync::Once::new();
    let base = if Path::new("/dev/shm").is_dir() { PathBuf::from("/dev/shm") } else { std::env::temp_dir() };
    let dir = base.join(format!("ringsim-fuzz-{}", std::process::id()));
    FRESH.call_once(|| {
        let _ = std::fs::remove_dir_all(&dir);
    });
    if !dir.exists() {
        for sub in ["tiny", "tiny-seeds", "tiny-scenarios"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
            for e in std::fs::read_dir(data().join(sub)).unwrap() {
                let e = e.unwrap();
                std::fs::copy(e.path(), dir.join(sub).join(e.file_name())).unwrap();
            }
        }
    }
    dir
}

/// Writes `bytes` over one file of the work copy (chosen by `sel`), runs `f`, and restores the file.
pub fn with_file<T>(sel: u8, bytes: &[u8], f: impl FnOnce(&Path) -> T) -> T {
    let dir = workdir();
    let name = FILES[sel as usize % FILES.len()];
    let target = dir.join(name);
    std::fs::write(&target, bytes).unwrap();
    let out = f(&dir);
    let original = data().join(name);
    if original.exists() {
        std::fs::copy(original, &target).unwrap();
    } else {
        std::fs::remove_file(&target).unwrap();
    }
    out
}
