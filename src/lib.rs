//! ringsim: travel-time rings around a city under build-out scenarios of a regional transport plan.
//!
//! The pipeline, one module per stage:
//! [`network`] (files → typed network) → [`scenario`] (build-out file → what is open) → [`graph`] (weighted
//! directed graph) → [`search`] (Dijkstra) → [`rings`] (times and rings) → [`report`] (CSV and text).
//! [`seeds`] reads the planning documents' digest, [`params`] the model parameters, [`units`] holds the typed
//! quantities, [`calibrate`] fits the rail parameters to observed timetables, [`od`] answers pair queries.
//! Beside the rings: [`surface`] (a travel-time grid) → [`contour`] (bands as polygons) → [`map`] and [`plot`]
//! (figures); [`matrix`], [`indicators`] and [`export`] (all-pairs times, accessibility indicators, the graph as
//! CSV); [`order`] compares completion orders of projects, with [`lattice`] evaluating build states fast; [`ringcheck`]
//! checks each plan city's band against its fastest scheduled time; [`window`] times trips over a departure window
//! on the timetable's clock times (percentiles, as Conveyal R5 reports them). [`outputs`] keeps every command's
//! outputs off its inputs.

pub mod app;
pub mod calibrate;
pub mod cause;
pub mod contour;
pub mod error;
pub mod export;
pub mod graph;
pub mod indicators;
pub mod lattice;
pub mod map;
pub mod matrix;
pub mod network;
pub mod od;
pub mod order;
pub mod outputs;
pub mod params;
pub mod plot;
pub mod report;
pub mod ringcheck;
pub mod rings;
pub mod scenario;
pub mod schema;
pub mod search;
pub mod seeds;
pub mod services;
pub mod surface;
pub mod table;
pub mod tomlfile;
pub mod units;
pub mod window;

pub use error::{Error, Result};
