//! Drawing, shared by every figure ringsim makes (maps, charts, scatter plots): the embedded Chinese font, PNG or
//! SVG output chosen by the file extension and written atomically, a colour palette, and a general line/scatter
//! chart used by `ringsim chart`, `ringsim order` and `ringsim validate`.
//!
//! Every figure implements [`Figure`]: it draws itself on any plotters backend, and [`render`] picks the backend.
//! No system font is used: [`register_font`] hands plotters the WenQuanYi Micro Hei subset in `assets/fonts`.

use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// The only font ringsim draws with (assets/fonts/README.md: WenQuanYi Micro Hei subset, Apache-2.0).
pub const FONT: &[u8] = include_bytes!("../assets/fonts/wqy-microhei-subset.ttf");
/// The family name the font is registered under; use it in every `TextStyle`.
pub const FAMILY: &str = "sans-serif";

static REGISTER: Once = Once::new();

/// Registers the embedded font with plotters (idempotent; called by [`render`]).
pub fn register_font() {
    REGISTER.call_once(|| {
        // The bytes are a valid TrueType font (tests/font.rs loads them), so registration cannot fail; if a future
        // font file did fail, text would be missing, which the smoke tests catch by checking for glyphs.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
        let _ = plotters::style::register_font(FAMILY, FontStyle::Bold, FONT);
    });
}

/// The output format, from the file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    pub fn from_path(path: &Path) -> Result<Format> {
        Format::of_option("", path)
    }

    /// [`Format::from_path`] for the image an `option` names (`--map`), which the message names with it.
    pub fn of_option(option: &str, path: &Path) -> Result<Format> {
        match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
            Some("png") => Ok(Format::Png),
            Some("svg") => Ok(Format::Svg),
            _ => Err(Error::Usage(format!("{}: unknown image format; end the file name in .png or .svg", crate::outputs::named(option, path)))),
        }
    }
}

/// A figure that can draw itself on any plotters backend.
pub trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// Draws the whole figure; errors are plotters' messages.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String>;
}

/// Turns any displayable plotters error into the message [`Figure::draw`] returns.
pub fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Renders `fig` to `path` (PNG or SVG by extension) through a temporary file and a rename.
pub fn render<F: Figure>(fig: &F, path: &Path) -> Result<()> {
    crate::table::write_atomic(path, &encode(fig, path)?)
}

/// The bytes of `fig` as the file `path` (PNG or SVG by extension) holds them, for a command that writes its
/// figure together with other outputs ([`crate::table::Batch`]).
pub fn encode<F: Figure>(fig: &F, path: &Path) -> Result<Vec<u8>> {
    register_font();
    let format = Format::from_path(path)?;
    let perr = |message: String| Error::Plot { path: path.to_path_buf(), message };
    match format {
        Format::Svg => {
            let svg = svg_string(fig).map_err(perr)?;
            Ok(embed_font(&svg).into_bytes())
        }
        Format::Png => {
            let (w, h) = fig.size();
            let mut buf = vec![0u8; w as usize * h as usize * 3];
            {
                let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
                fig.draw(&root).map_err(perr)?;
                root.present().map_err(|e| perr(e.to_string()))?;
            }
            let mut png = Vec::new();
            encode_png(&buf, w, h, &mut png).map_err(perr)?;
            Ok(png)
        }
    }
}

/// The figure as SVG text, its text in the [`FONT_FACE`] family but without the font (see [`embed_font`]).
pub fn svg_string<F: Figure>(fig: &F) -> std::result::Result<String, String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, fig.size()).into_drawing_area();
        fig.draw(&root)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The CSS family name under which SVG and HTML output embed [`FONT`].
pub const FONT_FACE: &str = "ringsim-wqy";

/// A CSS `@font-face` rule carrying [`FONT`] as a data URI, and a rule that sets every SVG text in it, so Chinese
/// text renders without the viewer's fonts.
pub fn font_css() -> String {
    format!("@font-face{{font-family:'{FONT_FACE}';src:url(data:font/ttf;base64,{}) format('truetype');}}\nsvg text{{font-family:'{FONT_FACE}',sans-serif;}}", base64(FONT))
}

/// `svg` with [`font_css`] in a `<style>` right after its opening tag: a stand-alone SVG that renders its Chinese
/// labels anywhere.
pub fn embed_font(svg: &str) -> String {
    match svg.find("<svg").and_then(|i| svg[i..].find('>').map(|j| i + j + 1)) {
        Some(k) => format!("{}\n<defs><style type=\"text/css\"><![CDATA[\n{}\n]]></style></defs>{}", &svg[..k], font_css(), &svg[k..]),
        None => svg.to_string(),
    }
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Encodes an RGB8 buffer as PNG (the `image` crate comes with plotters' `bitmap_encoder`).
fn encode_png(rgb: &[u8], w: u32, h: u32, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    PngEncoder::new_with_quality(out, CompressionType::Best, FilterType::Adaptive).write_image(rgb, w, h, image::ColorType::Rgb8).map_err(err)
}

/// The Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008, "Color Universal Design"), black first.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 0, 0),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(240, 228, 66),
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
];

/// The i-th palette colour, skipping the pale yellow that does not show on white.
pub fn colour(i: usize) -> RGBColor {
    const ORDER: [usize; 7] = [5, 6, 3, 1, 7, 2, 0];
    PALETTE[ORDER[i % ORDER.len()]]
}

/// A text style in the embedded font.
pub fn text(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

/// One series of a [`Chart`].
#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub colour: RGBColor,
    /// Join the points with a line.
    pub line: bool,
    /// Dash the line (a planned or heuristic series).
    pub dashed: bool,
    /// Mark each point.
    pub marker: bool,
    /// Draw bars instead: each point as a bar from 0 to y, centred at x + offset, of the given width (x units).
    pub bar: Option<(f64, f64)>,
    /// Join the points as steps (the value holds until the next point, then jumps): a benefit that arrives when
    /// a project opens.
    pub step: bool,
}

impl Series {
    pub fn line(name: impl Into<String>, points: Vec<(f64, f64)>, colour: RGBColor) -> Series {
        Series { name: name.into(), points, colour, line: true, dashed: false, marker: true, bar: None, step: false }
    }
    pub fn scatter(name: impl Into<String>, points: Vec<(f64, f64)>, colour: RGBColor) -> Series {
        Series { name: name.into(), points, colour, line: false, dashed: false, marker: true, bar: None, step: false }
    }
    /// The points of the line drawn: as given, or with the corners of the steps inserted.
    fn path(&self) -> Vec<(f64, f64)> {
        if !self.step {
            return self.points.clone();
        }
        let mut v = Vec::with_capacity(self.points.len() * 2);
        for (k, &p) in self.points.iter().enumerate() {
            if k > 0 {
                v.push((p.0, self.points[k - 1].1));
            }
            v.push(p);
        }
        v
    }
}

/// A line or scatter chart with a legend. Ranges default to the data's, padded by 5%.
#[derive(Clone, Debug)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    pub x_range: Option<(f64, f64)>,
    pub y_range: Option<(f64, f64)>,
    /// Draw the y = x line (model against observed).
    pub diagonal: bool,
    /// Show x tick labels as integers (years, steps).
    pub integer_x: bool,
    /// Category names for integer x positions (grouped bars); replaces the numeric x labels.
    pub categories: Vec<String>,
    pub size: (u32, u32),
    /// Text at data points (x, y, text), e.g. the project completed at each step.
    pub annotations: Vec<(f64, f64, String)>,
    /// A line under the chart (source, notes).
    pub footnote: String,
}

impl Chart {
    pub fn new(title: impl Into<String>, x_label: impl Into<String>, y_label: impl Into<String>) -> Chart {
        Chart {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            x_range: None,
            y_range: None,
            diagonal: false,
            integer_x: false,
            categories: Vec::new(),
            size: (1200, 800),
            annotations: Vec::new(),
            footnote: String::new(),
        }
    }

    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let pts = self.series.iter().flat_map(|s| s.points.iter().copied());
        let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for (x, y) in pts {
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        if !x0.is_finite() {
            (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
        }
        if self.series.iter().any(|s| s.bar.is_some()) {
            y0 = y0.min(0.0);
        }
        if self.diagonal {
            // a model-against-observed plot starts at zero on both axes (times are never negative)
            let lo = 0.0;
            let hi = x1.max(y1);
            (x0, x1, y0, y1) = (lo, hi, lo, hi);
        }
        let pad = |a: f64, b: f64| {
            let d = if b > a { (b - a) * 0.05 } else { 1.0 };
            (if a >= 0.0 { (a - d).max(0.0) } else { a - d }, b + d)
        };
        (self.x_range.unwrap_or_else(|| pad(x0, x1)), self.y_range.unwrap_or_else(|| pad(y0, y1)))
    }
}

impl Figure for Chart {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let ((x0, x1), (y0, y1)) = self.ranges();
        let (x0, x1) = if self.categories.is_empty() { (x0, x1) } else { (-0.5, self.categories.len() as f64 - 0.5) };
        // a long title is set smaller rather than clipped
        let ems: f64 = self.title.chars().map(|c| if (c as u32) >= 0x2E80 { 1.0 } else { 0.55 }).sum();
        let title_px = (24.0f64).min((self.size.0 as f64 - 60.0) / ems.max(1.0)).max(12.0);
        let area = if self.footnote.is_empty() {
            root.clone()
        } else {
            let (w, h) = root.dim_in_pixel();
            root.draw(&Text::new(self.footnote.clone(), (20, h as i32 - 26), text(15.0).color(&RGBColor(80, 80, 80)))).map_err(err)?;
            root.clone().shrink((0, 0), (w, h.saturating_sub(30)))
        };
        let mut chart = ChartBuilder::on(&area)
            .caption(&self.title, text(title_px))
            .margin(20)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        let integer_x = self.integer_x;
        let cats = self.categories.clone();
        let xfmt = move |x: &f64| if !cats.is_empty() {
            let k = x.round();
            if (x - k).abs() < 1e-6 && k >= 0.0 && (k as usize) < cats.len() { cats[k as usize].clone() } else { String::new() }
        } else if integer_x {
            // only whole values: a tick at 2022.5 would print a second "2022"
            if (x - x.round()).abs() < 1e-6 { format!("{}", x.round() as i64) } else { String::new() }
        } else {
            tick(*x, x1 - x0)
        };
        let yfmt = move |y: &f64| tick(*y, y1 - y0);
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .label_style(text(18.0))
            .axis_desc_style(text(20.0))
            .x_labels(if !self.categories.is_empty() {
                self.categories.len() * 2 + 1
            } else if integer_x {
                ((x1 - x0).ceil() as usize + 1).clamp(2, 12)
            } else {
                10
            })
            .x_label_formatter(&xfmt)
            .y_label_formatter(&yfmt)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        if self.diagonal {
            let lo = x0.max(y0);
            let hi = x1.min(y1);
            chart
                .draw_series(LineSeries::new(vec![(lo, lo), (hi, hi)], RGBColor(150, 150, 150).stroke_width(2)))
                .map_err(err)?
                .label("y = x")
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RGBColor(150, 150, 150)));
        }
        for s in &self.series {
            let c = s.colour;
            if let Some((offset, width)) = s.bar {
                chart
                    .draw_series(s.points.iter().map(|&(x, y)| Rectangle::new([(x + offset - width / 2.0, 0.0), (x + offset + width / 2.0, y)], c.filled())))
                    .map_err(err)?
                    .label(&s.name)
                    .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], c.filled()));
                continue;
            }
            let style = c.stroke_width(3);
            let mut legend_done = false;
            if s.line && s.points.len() > 1 {
                if s.dashed {
                    chart.draw_series(DashedLineSeries::new(s.path(), 10, 6, style)).map_err(err)?;
                } else {
                    chart
                        .draw_series(LineSeries::new(s.path(), style))
                        .map_err(err)?
                        .label(&s.name)
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3)));
                    legend_done = true;
                }
            }
            if s.marker || !legend_done {
                let ann = chart
                    .draw_series(s.points.iter().map(|&(x, y)| Circle::new((x, y), 4, c.filled())))
                    .map_err(err)?;
                if !legend_done {
                    ann.label(&s.name).legend(move |(x, y)| Circle::new((x + 10, y), 5, c.filled()));
                }
            }
        }
        for (k, (x, y, t)) in self.annotations.iter().enumerate() {
            // alternate above and below the point, so neighbouring names do not run into each other; near the
            // right edge the name ends at the point instead of starting there
            let dy = if k % 2 == 0 { -26 } else { 10 };
            let w: i32 = t.chars().map(|c| if (c as u32) >= 0x2E80 { 15 } else { 8 }).sum();
            let dx = if *x > x0 + 0.8 * (x1 - x0) { -w - 4 } else { 4 };
            chart
                .draw_series(std::iter::once(EmptyElement::at((*x, *y)) + Text::new(t.clone(), (dx, dy), text(15.0).color(&RGBColor(40, 40, 40)))))
                .map_err(err)?;
        }
        chart
            .configure_series_labels()
            .label_font(text(18.0))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(err)?;
        Ok(())
    }
}

/// A tick label with as many decimals as the axis range needs: none from a range of 20 on, one from 2, else two.
fn tick(v: f64, range: f64) -> String {
    if range >= 20.0 {
        format!("{}", v.round() as i64)
    } else if range >= 2.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Charts stacked top to bottom on one canvas.
pub struct Stack {
    pub charts: Vec<Chart>,
    pub size: (u32, u32),
}

impl Figure for Stack {
    fn size(&self) -> (u32, u32) {
        self.size
    }
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        let areas = root.split_evenly((self.charts.len().max(1), 1));
        for (c, a) in self.charts.iter().zip(&areas) {
            c.draw(a)?;
        }
        Ok(())
    }
}

/// A pair matrix: rows and columns are places, each cell coloured by its time in minutes (blank when unreachable),
/// with the time printed in the cell and the pairs over `limit` in warm colours.
pub struct Heatmap {
    pub title: String,
    pub labels: Vec<String>,
    pub cells: Vec<Vec<Option<f64>>>,
    /// The target: cells within it are blue, over it orange to red.
    pub limit: f64,
}

impl Heatmap {
    const CELL: i32 = 30;
    const MARGIN: i32 = 150;
    const TOP: i32 = 200;

    /// The fill of a cell: four blues up to the limit (by quarter), then orange up to 1.5 × and red beyond
    /// (ColorBrewer Blues and OrRd).
    pub fn fill(&self, m: Option<f64>) -> RGBColor {
        let Some(m) = m else { return RGBColor(255, 255, 255) };
        let r = m / self.limit;
        if r <= 0.25 {
            RGBColor(8, 69, 148)
        } else if r <= 0.5 {
            RGBColor(33, 113, 181)
        } else if r <= 0.75 {
            RGBColor(107, 174, 214)
        } else if r <= 1.0 {
            RGBColor(198, 219, 239)
        } else if r <= 1.5 {
            RGBColor(253, 174, 97)
        } else {
            RGBColor(215, 48, 39)
        }
    }
}

impl Figure for Heatmap {
    fn size(&self) -> (u32, u32) {
        let n = self.labels.len() as i32;
        ((Self::MARGIN + n * Self::CELL + 40).max(960) as u32, (Self::TOP + n * Self::CELL + 120) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> std::result::Result<(), String> {
        root.fill(&WHITE).map_err(err)?;
        root.draw(&Text::new(self.title.clone(), (20, 15), text(24.0))).map_err(err)?;
        let (x0, y0, c) = (Self::MARGIN, Self::TOP, Self::CELL);
        for (k, l) in self.labels.iter().enumerate() {
            let k = k as i32;
            root.draw(&Text::new(l.clone(), (10, y0 + k * c + 6), text(16.0))).map_err(err)?;
            // column labels, written top to bottom one character per line, so Chinese names read naturally
            for (q, ch) in l.chars().take(6).enumerate() {
                root.draw(&Text::new(ch.to_string(), (x0 + k * c + 7, y0 - 100 + q as i32 * 16), text(15.0))).map_err(err)?;
            }
        }
        for (i, row) in self.cells.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                let (x, y) = (x0 + j as i32 * c, y0 + i as i32 * c);
                root.draw(&Rectangle::new([(x, y), (x + c, y + c)], self.fill(*v).filled())).map_err(err)?;
                root.draw(&Rectangle::new([(x, y), (x + c, y + c)], RGBColor(255, 255, 255).stroke_width(1))).map_err(err)?;
                if let Some(m) = v {
                    if i != j {
                        let light = (*m / self.limit) <= 0.5 || (*m / self.limit) > 1.5;
                        let colour = if light { WHITE } else { BLACK };
                        root.draw(&Text::new(format!("{}", m.round() as i64), (x + 3, y + 9), text(12.0).color(&colour))).map_err(err)?;
                    }
                }
            }
        }
        let ly = y0 + self.labels.len() as i32 * c + 30;
        let steps = [(0.2, "≤ 0.25"), (0.4, "0.25–0.5"), (0.7, "0.5–0.75"), (0.9, "0.75–1"), (1.2, "1–1.5"), (2.0, "> 1.5")];
        let mut x = 20;
        root.draw(&Text::new(format!("× target ({} min):", self.limit.round() as i64), (x, ly + 4), text(16.0))).map_err(err)?;
        x += 190;
        for (r, label) in steps {
            root.draw(&Rectangle::new([(x, ly), (x + 24, ly + 24)], self.fill(Some(r * self.limit)).filled())).map_err(err)?;
            root.draw(&Text::new(label.to_string(), (x + 30, ly + 4), text(16.0))).map_err(err)?;
            x += 120;
        }
        root.draw(&Text::new("minutes, row → column; blank: unreachable".to_string(), (20, ly + 40), text(16.0))).map_err(err)?;
        Ok(())
    }
}
