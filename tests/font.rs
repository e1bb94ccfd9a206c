//! The embedded font (assets/fonts) has a glyph for every character ringsim draws from the bundled data: place,
//! station and city names of every network, and the names in the seeds. A missing glyph would draw as a box.

mod common;
use ab_glyph::Font;
use common::repo;

#[test]
fn every_bundled_name_has_a_glyph() {
    let font = ab_glyph::FontRef::try_from_slice(ringsim::plot::FONT).expect("assets/fonts/wqy-microhei-subset.ttf is a valid font");
    let mut missing = std::collections::BTreeMap::new();
    let mut checked = 0;
    let mut files = Vec::new();
    for net in std::fs::read_dir(repo().join("networks")).unwrap() {
        let dir = net.unwrap().path();
        for f in ["places.csv", "stations.csv", "cities.csv"] {
            if dir.join(f).exists() {
                files.push((dir.join(f), "name"));
            }
        }
    }
    for seeds in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let dir = seeds.unwrap().path();
        if dir.join("cities.csv").exists() {
            files.push((dir.join("cities.csv"), "name_zh"));
        }
    }
    assert!(files.len() >= 16, "four networks and four seed folders");
    for (path, col) in &files {
        let mut r = csv::Reader::from_path(path).unwrap();
        let i = r.headers().unwrap().iter().position(|h| h == *col).unwrap_or_else(|| panic!("{} has no {col}", path.display()));
        for rec in r.records() {
            let name = rec.unwrap()[i].to_string();
            for ch in name.chars() {
                checked += 1;
                if font.glyph_id(ch).0 == 0 {
                    missing.entry(ch).or_insert_with(|| format!("{} ({})", name, path.display()));
                }
            }
        }
    }
    // the words the figures print
    for ch in "到郑州时间节省规划城市车站高速铁路城际普速市域公路未开通 ≤≥–·×→0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ".chars() {
        if !ch.is_whitespace() && font.glyph_id(ch).0 == 0 {
            missing.entry(ch).or_insert_with(|| "figure text".into());
        }
    }
    assert!(checked > 3_000, "only {checked} characters checked");
    assert!(missing.is_empty(), "characters without a glyph (re-run tools/fonts/subset.py): {missing:?}");
}
