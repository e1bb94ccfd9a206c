//! `ringsim projects [NETWORK|SCENARIO]`: every project of a network's seeds with its id, Chinese and English
//! name, mode, the plan's status wording and horizon, its real opening date, and what it is from a base: open,
//! closed (taken out by the scenario), orderable (modelled and not open, so an orders file can list it), partly
//! open, or not modelled (no rail section, station or road of the network belongs to it).

use crate::error::{Error, Result};
use crate::network::Network;
use crate::scenario::Scenario;
use crate::table::{write_atomic, CsvOut};
use crate::units::Date;
use std::path::{Path, PathBuf};

/// What a project is from a base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Open,
    PartlyOpen,
    Closed,
    Orderable,
    NotModelled,
    /// No base given: the project has elements in the network.
    Modelled,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::PartlyOpen => "partly open",
            State::Closed => "closed (removed)",
            State::Orderable => "orderable",
            State::NotModelled => "not modelled",
            State::Modelled => "modelled",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            State::Open => "已开通",
            State::PartlyOpen => "部分开通",
            State::Closed => "已移除",
            State::Orderable => "可排序",
            State::NotModelled => "未建模",
            State::Modelled => "已建模",
        }
    }
}

/// One row of the list.
pub struct Row {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub mode: String,
    pub status_zh: String,
    pub horizon: String,
    pub opened: String,
    pub elements: usize,
    pub state: State,
}

/// The projects of `net`, and their state in `base` (a scenario, or a date with nothing added or removed).
pub fn rows(net: &Network, base: Option<&Scenario>, as_of: Option<Date>) -> Vec<Row> {
    net.seeds
        .projects
        .iter()
        .map(|p| {
            let mut open = Vec::new();
            let is_open = |opened: Option<Date>| -> Option<bool> {
                match (base, as_of) {
                    (Some(sc), _) => Some(sc.is_open(opened, Some(&p.id))),
                    (None, Some(d)) => Some(opened.is_some_and(|o| o <= d)),
                    (None, None) => None,
                }
            };
            open.extend(net.project_openings(&p.id).into_iter().map(is_open));
            let state = if base.is_some_and(|sc| sc.removed.contains(&p.id)) {
                State::Closed
            } else if open.is_empty() {
                State::NotModelled
            } else if open.iter().all(|o| o.is_none()) {
                State::Modelled
            } else if open.iter().all(|o| *o == Some(true)) {
                State::Open
            } else if open.contains(&Some(true)) {
                State::PartlyOpen
            } else {
                State::Orderable
            };
            Row {
                id: p.id.clone(),
                name_zh: p.name_zh.clone(),
                name_en: p.name_en.clone(),
                mode: p.mode.clone(),
                status_zh: p.status_zh.clone(),
                horizon: p.horizon.clone(),
                opened: p.opened.map(|d| d.to_string()).unwrap_or_default(),
                elements: open.len(),
                state,
            }
        })
        .collect()
}

fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The networks a bare `ringsim projects` lists: every folder of `./networks` with a network.toml.
fn default_networks() -> Result<Vec<PathBuf>> {
    let dir = Path::new("networks");
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("network.toml").is_file()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    if v.is_empty() {
        return Err(Error::Usage("no ./networks folder here: give a network folder or a scenario file, e.g. ringsim projects scenarios/asbuilt-2025.toml".into()));
    }
    Ok(v)
}

/// `ringsim projects`: the table on screen (and as CSV with `out`).
pub fn projects(target: Option<&Path>, as_of: Option<&str>, out: Option<&Path>) -> Result<String> {
    let as_of = match as_of {
        None => None,
        Some(s) => Some(crate::table::check_date(s).map_err(|m| Error::Usage(format!("--as-of '{s}': {m}")))?),
    };
    let targets = match target {
        Some(t) => vec![t.to_path_buf()],
        None => default_networks()?,
    };
    if out.is_some() && targets.len() != 1 {
        return Err(Error::Usage("--out writes one network's list: name the network or scenario".into()));
    }
    let mut text = String::new();
    let mut w = CsvOut::new(&["project_id", "name_zh", "name_en", "mode", "status_zh", "horizon", "opened", "elements", "state"]);
    for t in &targets {
        let (net, sc) = if t.is_dir() {
            (Network::load(t)?, None)
        } else if t.file_name().is_some_and(|f| f == "network.toml") {
            (Network::load(t.parent().unwrap_or(Path::new(".")))?, None)
        } else {
            let sc = Scenario::read(t).map_err(|e| e.for_arg("the network folder or scenario file", t))?;
            let net = Network::load(&sc.network_dir)?;
            let b = sc.bind(&net)?.sc;
            (net, Some(b))
        };
        net.register_input(&t.display().to_string());
        if sc.is_some() && as_of.is_some() {
            return Err(Error::Usage("--as-of is for a network; a scenario has its own as_of (use --as-of with `run` to change it)".into()));
        }
        let rs = rows(&net, sc.as_ref(), as_of);
        let base = match (&sc, as_of) {
            (Some(sc), _) => format!("from scenario '{}' (as of {}; open = in use there, orderable = modelled but not open, so an orders file on this base can list it)", sc.name, sc.as_of),
            (None, Some(d)) => format!("as of {d}, nothing added or removed"),
            (None, None) => "no base given: name a scenario or add --as-of DATE to see what is open".into(),
        };
        let seeds = std::fs::canonicalize(&net.seeds.projects_path).unwrap_or_else(|_| net.seeds.projects_path.clone());
        text.push_str(&format!("== projects of network '{}' ({}), {} ==\n", net.name, seeds.display(), base));
        let wid = rs.iter().map(|r| r.id.len()).max().unwrap_or(2).max(2);
        let wname = rs.iter().map(|r| width(&r.name_zh)).max().unwrap_or(4).clamp(4, 40);
        text.push_str(&format!("  {} {} {:<11} {} {:<7} {:<10} {}\n", pad("id", wid), pad("名称 name", wname), "mode", pad("规划表述 status", 16), "horizon", "opened", "state"));
        for r in &rs {
            text.push_str(&format!(
                "  {} {} {:<11} {} {:<7} {:<10} {}\n",
                pad(&r.id, wid),
                pad(&r.name_zh, wname),
                r.mode,
                pad(&r.status_zh, 16),
                r.horizon,
                if r.opened.is_empty() { "-" } else { &r.opened },
                r.state.as_str()
            ));
            w.row([&r.id, &r.name_zh, &r.name_en, &r.mode, &r.status_zh, &r.horizon, &r.opened, &r.elements.to_string(), r.state.as_str()]);
        }
        let mut counts = std::collections::BTreeMap::new();
        for r in &rs {
            *counts.entry(r.state.as_str()).or_insert(0) += 1;
        }
        text.push_str(&format!("  {} projects: {}\n", rs.len(), counts.iter().map(|(k, v)| format!("{v} {k}")).collect::<Vec<_>>().join(", ")));
        text.push_str("  a project is named by its id or its Chinese name in scenarios (projects.add/remove) and orders files\n");
    }
    if let Some(o) = out {
        write_atomic(o, &w.into_bytes())?;
        text.push_str(&format!("wrote {}\n", o.display()));
    }
    Ok(text)
}
