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
            projects.push(Project {
                id,
                name_zh: r.req("name_zh")?.into(),
                name_en: r.get("name_en").into(),
                mode: r.req("mode")?.into(),
                status_zh: r.req("status_zh")?.into(),
                horizon: r.req("status_horizon")?.into(),
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
            cities.push(SeedCity { id, name_zh: r.req("name_zh")?.into(), name_en: r.get("name_en").into(), province: r.get("province").into(), role: r.req("role")?.into() });
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
