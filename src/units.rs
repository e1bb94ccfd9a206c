//! Typed quantities shared by every pipeline stage: travel time ([`Seconds`]), typed minutes ([`Minutes`]),
//! distance ([`Km`]), speed ([`Kmh`]), calendar dates ([`Date`]) and clock times of day ([`Clock`]).
//!
//! Times are integer seconds inside the engine so that sums are exact and results are the same bytes on every
//! machine; they become [`Minutes`] only at the edges (scenario cutoffs, reports, plots).

use std::fmt;

/// A travel time in whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Seconds(pub u32);

impl Seconds {
    pub const ZERO: Seconds = Seconds(0);
    /// Travel time over `dist` at `speed`, rounded to the nearest second (never zero for a positive distance).
    pub fn travel(dist: Km, speed: Kmh) -> Seconds {
        let s = (dist.0 / speed.0 * 3600.0).round();
        let s = if dist.0 > 0.0 { s.max(1.0) } else { s };
        Seconds(s as u32)
    }
    pub fn from_minutes_f64(m: f64) -> Seconds {
        Seconds((m * 60.0).round().max(0.0) as u32)
    }
    pub fn minutes(self) -> Minutes {
        Minutes(self.0 as f64 / 60.0)
    }
    pub fn saturating_add(self, o: Seconds) -> Seconds {
        Seconds(self.0.saturating_add(o.0))
    }
}

impl std::ops::Add for Seconds {
    type Output = Seconds;
    /// Saturating: a sum never wraps round to a short time (results at the saturated value are refused by
    /// `app::check_reach`).
    fn add(self, o: Seconds) -> Seconds {
        Seconds(self.0.saturating_add(o.0))
    }
}

/// Minutes, as used in cutoffs and reports. Printed with one decimal.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Minutes(pub f64);

impl Minutes {
    pub fn seconds(self) -> Seconds {
        Seconds::from_minutes_f64(self.0)
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1}", self.0)
    }
}

/// A distance in kilometres.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Km(pub f64);

/// A speed in km/h.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Kmh(pub f64);

/// Mean Earth radius (IUGG mean radius R1 = 6371.0088 km; Moritz 2000, "Geodetic Reference System 1980",
/// Journal of Geodesy 74:128–133).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle (haversine) distance between two WGS84 lon/lat points.
pub fn great_circle(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> Km {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    Km(2.0 * EARTH_RADIUS_KM * a.sqrt().asin())
}

/// A calendar date. Parsed from `YYYY-MM-DD` or `YYYY-MM`; a month-only date means "some day in that month" and
/// is taken as the month's last day, so an item never counts as open before it really was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }
    pub fn parse(s: &str) -> Result<Date, String> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let bad = || format!("'{s}' is not a date: write YYYY-MM-DD (or YYYY-MM when only the month is known)");
        let num = |p: &str, len: usize| -> Result<u32, String> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse::<u32>().map_err(|_| bad())
        };
        match parts.as_slice() {
            [y, m] => {
                let (y, m) = (num(y, 4)? as i32, num(m, 2)?);
                if !(1..=12).contains(&m) {
                    return Err(bad());
                }
                Ok(Date::new(y, m, days_in_month(y, m)))
            }
            [y, m, d] => {
                let (y, m, d) = (num(y, 4)? as i32, num(m, 2)?, num(d, 2)?);
                if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
                    return Err(bad());
                }
                Ok(Date::new(y, m, d))
            }
            _ => Err(bad()),
        }
    }
    /// Days since 1970-01-01 (proleptic Gregorian), for fractional years in charts.
    /// The date as a fractional year (2016-12-31 ≈ 2016.997), for time axes.
    pub fn fractional_year(self) -> f64 {
        let start = Date::new(self.year, 1, 1).days_from_epoch();
        let end = Date::new(self.year + 1, 1, 1).days_from_epoch();
        self.year as f64 + (self.days_from_epoch() - start) as f64 / (end - start) as f64
    }

    pub fn days_from_epoch(self) -> i64 {
        let y = if self.month <= 2 { self.year - 1 } else { self.year } as i64;
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A clock time of day in seconds after midnight, 00:00 to 24:00 (24:00 only as the end of a window).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Clock(pub u32);

impl Clock {
    pub const DAY: u32 = 86_400;
    /// `HH:MM`, 00:00–23:59, or 24:00 when `allow_24` (the end of a window that runs to midnight).
    pub fn parse(s: &str, allow_24: bool) -> Result<Clock, String> {
        let bad = || format!("'{s}' is not a clock time; write HH:MM, e.g. 07:30");
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if m > 59 || h > 24 || (h == 24 && (m > 0 || !allow_24)) {
            return Err(format!("'{s}' is not a time of day (00:00–{})", if allow_24 { "24:00" } else { "23:59" }));
        }
        Ok(Clock(h * 3600 + m * 60))
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 3600, self.0 % 3600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn dates() {
        assert_eq!(Date::parse("2016-12").unwrap(), Date::new(2016, 12, 31));
        assert_eq!(Date::parse("2024-02").unwrap(), Date::new(2024, 2, 29));
        assert!(Date::parse("2016-13-01").is_err());
        assert!(Date::parse("2016-02-30").is_err());
        assert!(Date::parse("16-02-03").is_err());
        assert_eq!(Date::new(1970, 1, 1).days_from_epoch(), 0);
        assert_eq!(Date::new(2000, 3, 1).days_from_epoch(), 11017);
    }
    #[test]
    fn clocks() {
        assert_eq!(Clock::parse("07:30", false), Ok(Clock(27_000)));
        assert_eq!(Clock::parse("00:00", false), Ok(Clock(0)));
        assert_eq!(Clock::parse("24:00", true), Ok(Clock(86_400)));
        assert!(Clock::parse("24:00", false).is_err());
        for bad in ["7:30", "07:60", "25:00", "24:01", "0730", "ab:cd", "", "07:30:00", "+7:00", "07:+5"] {
            assert!(Clock::parse(bad, true).is_err(), "{bad}");
        }
        assert_eq!(Clock(27_000).to_string(), "07:30");
    }
    #[test]
    fn travel_time() {
        assert_eq!(Seconds::travel(Km(100.0), Kmh(100.0)), Seconds(3600));
        // 郑州东–开封北 is about 50 km on 郑徐 (lines.csv); at 300 km/h that is 10 minutes.
        assert_eq!(Seconds::travel(Km(50.0), Kmh(300.0)), Seconds(600));
        // Zhengzhou to Beijing is about 620 km as the crow flies.
        let d = great_circle(113.625, 34.746, 116.407, 39.904);
        assert!((d.0 - 622.0).abs() < 10.0, "{d:?}");
    }
}
