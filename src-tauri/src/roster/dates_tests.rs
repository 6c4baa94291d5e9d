use super::*;
use time::macros::date;

#[test]
fn every_form_exports_carry_is_read() {
    for (text, day) in [
        ("3 Jan 2024", date!(2024 - 01 - 03)),
        ("03 Jan 2024", date!(2024 - 01 - 03)),
        (" 3 jan 2024 ", date!(2024 - 01 - 03)),
        ("3 January 2024", date!(2024 - 01 - 03)),
        ("3 Sept 2024", date!(2024 - 09 - 03)),
        ("Jan 3, 2024", date!(2024 - 01 - 03)),
        ("December 25, 2019", date!(2019 - 12 - 25)),
        ("3-Jan-2024", date!(2024 - 01 - 03)),
        ("03-Jan-24", date!(2024 - 01 - 03)),
        ("29 Feb 2024", date!(2024 - 02 - 29)),
        ("2025-03-02", date!(2025 - 03 - 02)),
        ("2025-3-2", date!(2025 - 03 - 02)),
        ("2025-03-02T10:15:00Z", date!(2025 - 03 - 02)),
        ("2025-03-02T23:59:59.123+10:00", date!(2025 - 03 - 02)),
        ("2025-03-02 10:15", date!(2025 - 03 - 02)),
        ("2025/03/02", date!(2025 - 03 - 02)),
        ("13/01/2024", date!(2024 - 01 - 13)),
        ("13.01.2024", date!(2024 - 01 - 13)),
        ("13-01-2024", date!(2024 - 01 - 13)),
        ("01/13/2024", date!(2024 - 01 - 13)),
        ("1/13/2024", date!(2024 - 01 - 13)),
        ("03/03/2024", date!(2024 - 03 - 03)),
        ("13/01/2024 10:15", date!(2024 - 01 - 13)),
    ] {
        assert_eq!(parse_seen(text), SeenDate::Date(day), "{text:?}");
    }
}

#[test]
fn never_words_and_empty_cells_are_never() {
    for text in [
        "Never accessed",
        "never  ACCESSED",
        "Never",
        "never logged in",
        "Never logged in",
        "-",
        "",
        "   ",
    ] {
        assert_eq!(parse_seen(text), SeenDate::Never, "{text:?}");
    }
}

#[test]
fn anything_uncertain_is_unreadable() {
    for text in [
        "yesterday",
        "32 Jan 2024",
        "29 Feb 2023",
        "2024-13-01",
        "2024-00-10",
        // Both first figures could be the month.
        "03/01/2024",
        "03.01.2024",
        "13/13/2024",
        // Two-digit years only beside a month name.
        "13/01/24",
        "Jan 2024",
        "3 Jan",
        "3 Foo 2024",
        "3 Jan 2024 extra",
        "Jan Feb 2024",
        "45292",
        "2025-03-02T25:00",
        "2025-03-02T10:15+1é1",
        "2025-03-02 soon",
        "never ever",
        "--",
        "n/a",
    ] {
        assert_eq!(parse_seen(text), SeenDate::Unreadable, "{text:?}");
    }
}

#[test]
fn latest_of_prefers_unreadable_then_the_latest_day() {
    let a = SeenDate::Date(date!(2024 - 01 - 03));
    let b = SeenDate::Date(date!(2025 - 06 - 30));
    assert_eq!(SeenDate::latest_of([]), SeenDate::Never);
    assert_eq!(
        SeenDate::latest_of([SeenDate::Never, SeenDate::Never]),
        SeenDate::Never
    );
    assert_eq!(SeenDate::latest_of([a, SeenDate::Never, b, a]), b);
    assert_eq!(
        SeenDate::latest_of([b, SeenDate::Unreadable]),
        SeenDate::Unreadable
    );
}

#[test]
fn iso_and_serde_use_the_window_words() {
    let day = SeenDate::Date(date!(2024 - 01 - 03));
    assert_eq!(day.iso().as_deref(), Some("2024-01-03"));
    assert_eq!(
        (SeenDate::Never.iso(), SeenDate::Unreadable.iso()),
        (None, None)
    );
    for (value, json) in [
        (day, "\"2024-01-03\""),
        (SeenDate::Never, "\"never\""),
        (SeenDate::Unreadable, "\"unreadable\""),
    ] {
        assert_eq!(serde_json::to_string(&value).unwrap(), json);
        assert_eq!(serde_json::from_str::<SeenDate>(json).unwrap(), value);
    }
    assert!(serde_json::from_str::<SeenDate>("\"3 Jan 2024\"").is_err());
    assert!(serde_json::from_str::<SeenDate>("\"2024-02-30\"").is_err());
}
