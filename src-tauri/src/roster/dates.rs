//! Last-seen cells read into days. Exports write `3 Jan 2024`; other exports and spreadsheet
//! re-saves write many other forms. A value that cannot be read for certain is `Unreadable`:
//! a wrong guess could make an active person look long gone.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

/// What a last-seen cell, or all of a user's last-seen cells together, say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeenDate {
    /// Last seen on this day.
    Date(Date),
    /// Never seen (`Never accessed`, an empty cell, or no last-seen column at all).
    #[default]
    Never,
    /// Written in a way that cannot be read for certain.
    Unreadable,
}

impl SeenDate {
    /// The day as `YYYY-MM-DD`; `None` for `Never` and `Unreadable`.
    pub fn iso(&self) -> Option<String> {
        match self {
            SeenDate::Date(d) => Some(format!(
                "{:04}-{:02}-{:02}",
                d.year(),
                u8::from(d.month()),
                d.day()
            )),
            SeenDate::Never | SeenDate::Unreadable => None,
        }
    }

    /// A user's overall value from their cells: `Unreadable` if any cell is, else the latest
    /// day, else `Never` (also when there are no cells).
    pub fn latest_of(cells: impl IntoIterator<Item = SeenDate>) -> SeenDate {
        let mut latest = SeenDate::Never;
        for cell in cells {
            match (cell, latest) {
                // One unreadable cell means we cannot prove the person inactive.
                (SeenDate::Unreadable, _) => return SeenDate::Unreadable,
                (SeenDate::Date(day), SeenDate::Date(known)) if known >= day => {}
                (SeenDate::Date(_), _) => latest = cell,
                (SeenDate::Never, _) => {}
            }
        }
        latest
    }
}

/// Serialized as `"YYYY-MM-DD"`, `"never"` or `"unreadable"`, as the window shows them.
impl Serialize for SeenDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            SeenDate::Never => serializer.serialize_str("never"),
            SeenDate::Unreadable => serializer.serialize_str("unreadable"),
            SeenDate::Date(_) => serializer.serialize_str(&self.iso().unwrap_or_default()),
        }
    }
}

/// Reads what [`Serialize`] writes.
impl<'de> Deserialize<'de> for SeenDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.as_str() {
            "never" => Ok(SeenDate::Never),
            "unreadable" => Ok(SeenDate::Unreadable),
            _ => year_first(&text).map(SeenDate::Date).ok_or_else(|| {
                serde::de::Error::custom(format!("{text:?} is not a YYYY-MM-DD date"))
            }),
        }
    }
}

/// Reads one last-seen cell. Accepted: `3 Jan 2024`, `03 Jan 2024`, `3 January 2024`,
/// `Jan 3, 2024`, `3-Jan-2024`, `03-Jan-24` (two-digit years only beside a month name, as
/// 20yy), `2025-03-02`, `2025/03/02`, either with a time (`2025-03-02T10:15:00Z`,
/// `2025-03-02 10:15`), and day and month in figures (`/`, `.` or `-`) only when the order
/// cannot matter: `13/01/2024` and `01/13/2024` are 13 January, `03/03/2024` is 3 March, but
/// `03/01/2024` is `Unreadable`. `Never accessed`, `Never`, `Never logged in`, `-` and an empty
/// cell are `Never`; anything else is `Unreadable`.
pub fn parse_seen(text: &str) -> SeenDate {
    let text = text.trim();
    if is_never(text) {
        return SeenDate::Never;
    }
    let day = with_month_name(text)
        .or_else(|| in_figures(text))
        .or_else(|| in_figures(without_time(text)?));
    day.map_or(SeenDate::Unreadable, SeenDate::Date)
}

/// The words exports use for "never", ignoring case and repeated spaces.
fn is_never(text: &str) -> bool {
    const NEVER: [&str; 3] = ["never", "never accessed", "never logged in"];
    text.is_empty()
        || text == "-"
        || NEVER.iter().any(|never| {
            let mut words = text.split_whitespace();
            never
                .split(' ')
                .all(|w| words.next().is_some_and(|t| t.eq_ignore_ascii_case(w)))
                && words.next().is_none()
        })
}

/// `3 Jan 2024`, `Jan 3, 2024`, `03-Jan-24` and the like: the month name makes the order sure.
fn with_month_name(text: &str) -> Option<Date> {
    let mut parts = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
        .filter(|p| !p.is_empty());
    let (a, b, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (day, month) = match (month_named(a), month_named(b)) {
        (None, Some(month)) => (a, month),
        (Some(month), None) => (b, month),
        _ => return None,
    };
    let year = match year.len() {
        4 => number(year)?,
        // Excel's d-mmm-yy; exports start long after 2000.
        2 => 2000 + number(year)?,
        _ => return None,
    };
    calendar(year, month, day_number(day)?)
}

/// Day, month and year all in figures, separated by one of `-` `/` `.`.
fn in_figures(text: &str) -> Option<Date> {
    let separator = text.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(separator, '-' | '/' | '.') {
        return None;
    }
    let mut parts = text.split(separator);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    if a.len() == 4 {
        return calendar(number(a)?, month_number(b)?, day_number(c)?);
    }
    if c.len() != 4 {
        return None;
    }
    let (first, second) = (day_number(a)?, day_number(b)?);
    let (day, month) = if first == second || second > 12 {
        (second, first)
    } else if first > 12 {
        (first, second)
    } else {
        // Both could be the month: 03/01 is 3 January to some and 1 March to others.
        return None;
    };
    calendar(number(c)?, Month::try_from(month).ok()?, day)
}

/// The date in front of a time (`T10:15:00Z`, ` 10:15`), if what follows is a time.
fn without_time(text: &str) -> Option<&str> {
    let at = text.find(['T', 't', ' '])?;
    is_time(text[at + 1..].trim_start()).then_some(&text[..at])
}

/// `HH:MM`, then optional `:SS`, fraction, and `Z` or `±HH:MM` zone.
fn is_time(text: &str) -> bool {
    let two = |s: &str, max: u8| s.len() == 2 && number(s).is_some_and(|n| n <= i32::from(max));
    let (clock, zone) = match text.find(['Z', 'z', '+', '-']) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let (clock, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let fields: Vec<&str> = clock.split(':').collect();
    let clock_ok = matches!(fields.len(), 2 | 3)
        && two(fields[0], 23)
        && two(fields[1], 59)
        && fields.get(2).is_none_or(|s| two(s, 60));
    let fraction_ok = !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit());
    let zone_ok = match zone.as_bytes().first() {
        None => true,
        Some(b'Z' | b'z') => zone.len() == 1,
        Some(_) => {
            let offset = zone[1..].replace(':', "");
            // Digits checked first: slicing inside a multi-byte character would panic.
            offset.len() == 4
                && offset.bytes().all(|b| b.is_ascii_digit())
                && two(&offset[..2], 23)
                && two(&offset[2..], 59)
        }
    };
    clock_ok && fraction_ok && zone_ok
}

/// `YYYY-MM-DD` exactly, as [`SeenDate::iso`] writes it.
fn year_first(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    calendar(
        number(&text[..4])?,
        month_number(&text[5..7])?,
        day_number(&text[8..])?,
    )
}

/// English month names, short or full, any case (`Sept` too).
fn month_named(word: &str) -> Option<Month> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let at = NAMES
        .iter()
        .position(|name| word.eq_ignore_ascii_case(name) || word.eq_ignore_ascii_case(&name[..3]))
        .or_else(|| word.eq_ignore_ascii_case("sept").then_some(8))?;
    Month::try_from(at as u8 + 1).ok()
}

/// A one- or two-digit month number.
fn month_number(text: &str) -> Option<Month> {
    Month::try_from(day_number(text)?).ok()
}

/// A one- or two-digit number (a day, or a month before its range is checked).
fn day_number(text: &str) -> Option<u8> {
    if !(1..=2).contains(&text.len()) {
        return None;
    }
    u8::try_from(number(text)?).ok()
}

/// ASCII digits only (no sign, no spaces).
fn number(text: &str) -> Option<i32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The day, if it exists (no 32 January, no 29 February 2023).
fn calendar(year: i32, month: Month, day: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
#[path = "dates_tests.rs"]
mod tests;
