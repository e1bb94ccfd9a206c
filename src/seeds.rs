//! The project's digest of the planning documents (`seeds/<region>/`): the plan's projects with their status
//! wording and horizon, and the plan's cities with their role. Scenarios name projects by these ids.

use crate::error::{Error, Result};
use crate::table::Table;
use crate::units::Date;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Project {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub mode: String,
    pub status_zh: String,
    pub horizon: String,
    pub opened: Option<Date>,
}

#[derive(Clone, Debug)]
pub struct SeedCity {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    pub province: String,
    /// The plan's role for the city (`core` / `linked` for the 中原 plan; other plans have their own words).
    pub role: String,
}

#[derive(Clone, Debug)]
pub struct Seeds {
    pub dir: PathBuf,
    pub projects_path: PathBuf,
    pub projects: Vec<Project>,
    pub cities: Vec<SeedCity>,
    by_id: HashMap<String, usize>,
}

/// The values a seed may take, as tools/derive/check_seeds.py lists them (MODES, HORIZONS, ROLES): a scenario
/// selects projects by horizon (`projects.add_horizon`) and the outputs print mode and role, so a misspelling would
/// silently select nothing or print a word no reader knows.
const MODES: [&str; 13] = ["airport", "rail-hub", "hsr", "intercity", "trunk-rail", "local-rail", "suburban", "metro", "expressway", "road", "port", "waterway", "hub"];
const HORIZONS: [&str; 5] = ["2020", "2025", "2035", "beyond", "unspecified"];
const ROLES: [&str; 8] = ["core", "linked", "node", "small-city", "metro", "member-2015", "adjacent", "pole"];

/// The value of `field`, which must be one of `allowed`.
fn one_of(r: &crate::table::Row, field: &str, allowed: &[&str]) -> Result<String> {
    let v = r.req(field)?;
    if !allowed.contains(&v) {
        return Err(r.err(field, format!("'{v}' is not one of {}; use one of them (tools/derive/check_seeds.py lists the same)", allowed.join(", "))));
    }
    Ok(v.to_string())
}

impl Seeds {
    pub fn load(dir: &Path) -> Result<Seeds> {
        let projects_path = dir.join("projects.csv");
        let t = Table::read_schema(&projects_path, &crate::schema::SEED_PROJECTS)?;
        let mut projects = Vec::new();
        let mut by_id = HashMap::new();
        for r in t.rows() {
            let id = r.req("project_id")?.to_string();
            if by_id.insert(id.clone(), projects.len()).is_some() {
                return Err(r.err("project_id", format!("duplicate project id '{id}'")));
            }
            r.req("doc")?;
            r.req("section")?;
            let mode = one_of(&r, "mode", &MODES)?;
            let horizon = one_of(&r, "status_horizon", &HORIZONS)?;
            projects.push(Project {
                id,
                name_zh: r.req("name_zh")?.into(),
                name_en: r.get("name_en").into(),
                mode,
                status_zh: r.req("status_zh")?.into(),
                horizon,
                opened: r.opt_date("opened")?,
            });
        }
        let cpath = dir.join("cities.csv");
        let t = Table::read_schema(&cpath, &crate::schema::SEED_CITIES)?;
        let mut cities: Vec<SeedCity> = Vec::new();
        let mut ids = std::collections::HashSet::new();
        for r in t.rows() {
            let id = r.req("city_id")?.to_string();
            if !ids.insert(id.clone()) {
                return Err(r.err("city_id", format!("duplicate city id '{id}'")));
            }
            let role = one_of(&r, "role", &ROLES)?;
            cities.push(SeedCity { id, name_zh: r.req("name_zh")?.into(), name_en: r.get("name_en").into(), province: r.get("province").into(), role });
        }
        if cities.is_empty() {
            return Err(Error::Empty { path: cpath });
        }
        Ok(Seeds { dir: dir.to_path_buf(), projects_path, projects, cities, by_id })
    }

    pub fn has_project(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    pub fn project(&self, id: &str) -> Option<&Project> {
        self.by_id.get(id).map(|&i| &self.projects[i])
    }

    pub fn city(&self, id: &str) -> Option<&SeedCity> {
        self.cities.iter().find(|c| c.id == id)
    }
}

impl Seeds {
    /// The project a user names: its id, its Chinese name (郑济高铁), or its English name (any case). An unknown
    /// key gets an error message with the closest ids and names ("did you mean").
    pub fn resolve_project(&self, key: &str) -> std::result::Result<&Project, String> {
        let k = key.trim();
        if let Some(p) = self.project(k) {
            return Ok(p);
        }
        let by_name: Vec<&Project> = self.projects.iter().filter(|p| p.name_zh == k || (!p.name_en.is_empty() && p.name_en.eq_ignore_ascii_case(k))).collect();
        if by_name.len() == 1 {
            return Ok(by_name[0]);
        }
        if by_name.len() > 1 {
            return Err(format!("'{k}' names {} projects ({}); use the id", by_name.len(), by_name.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")));
        }
        let hint = self.suggest_projects(k, 3);
        let hint = if hint.is_empty() { String::new() } else { format!("; did you mean {}?", hint.join(" or ")) };
        Err(format!("unknown project '{k}'{hint} (`ringsim projects` lists them; ids are in {})", self.projects_path.display()))
    }

    /// Up to `n` projects whose id or Chinese name is closest to `key` (names containing it first, then by edit
    /// distance), as "id (name)".
    pub fn suggest_projects(&self, key: &str, n: usize) -> Vec<String> {
        let lk = key.to_lowercase();
        let mut scored: Vec<(usize, &Project)> = self
            .projects
            .iter()
            .map(|p| {
                let contains = !lk.is_empty() && (p.id.contains(&lk) || p.name_zh.contains(key) || lk.contains(&p.id) || key.contains(&p.name_zh));
                let d = edit_distance(&lk, &p.id).min(edit_distance(key, &p.name_zh)).min(edit_distance(&lk, &p.name_en.to_lowercase()));
                (if contains { 0 } else { d + 1 }, p)
            })
            .collect();
        scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
        let limit = key.chars().count().max(4) / 2 + 1;
        scored.into_iter().filter(|(d, _)| *d <= limit).take(n).map(|(_, p)| format!("'{}' ({})", p.id, p.name_zh)).collect()
    }

    /// The Chinese name of a project id, or the id itself when the seeds do not know it.
    pub fn project_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.project(id).map_or(id, |p| p.name_zh.as_str())
    }
}

/// Levenshtein distance over characters (so a Chinese character counts as one).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + usize::from(ca != cb));
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
