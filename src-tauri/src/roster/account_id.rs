//! Account-id shape rules (DESIGN.md §4): `712020:` + a UUID, 24 hex characters, or another
//! `digits:value` id such as an app account's `557057:<uuid>`, or a customer's `qm:<uuid>:<uuid>`; at most 128 visible ASCII
//! characters, no whitespace.

use std::fmt;

/// The longest account id Atlassian issues.
pub const MAX_ACCOUNT_ID_LEN: usize = 128;

/// Why a cell is not a usable account id; `Display` gives the admin-facing reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    /// The cell is empty (after trimming).
    Empty,
    /// Whitespace inside the id.
    InnerSpace(String),
    /// Longer than [`MAX_ACCOUNT_ID_LEN`].
    TooLong(String),
    /// A character outside visible ASCII.
    BadCharacter(String),
    /// An email address where the id should be.
    Email(String),
    /// A number a spreadsheet rewrote (e.g. `5.57E+23`).
    SpreadsheetNumber(String),
    /// Visible ASCII, but not any account-id shape.
    Shape(String),
}

impl fmt::Display for IdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdProblem::Empty => write!(f, "the account id cell is empty"),
            IdProblem::InnerSpace(v) => write!(
                f,
                "account id {} has a space inside it; account ids have no spaces",
                shown(v)
            ),
            IdProblem::TooLong(v) => write!(
                f,
                "account id {} is longer than {MAX_ACCOUNT_ID_LEN} characters",
                shown(v)
            ),
            IdProblem::BadCharacter(v) => write!(
                f,
                "account id {} contains characters account ids never have",
                shown(v)
            ),
            IdProblem::Email(v) => write!(f, "{} is an email address, not an account id", shown(v)),
            IdProblem::SpreadsheetNumber(v) => write!(
                f,
                "{} looks like an account id a spreadsheet turned into a number; \
                 export the file again and do not re-save it",
                shown(v)
            ),
            IdProblem::Shape(v) => write!(
                f,
                "{} is not an account id (they look like 712020:<uuid> or \
                 5b10ac8d82e05b22cc7d4ef5)",
                shown(v)
            ),
        }
    }
}

/// Checks one id as written (no trimming: surrounding spaces count as spaces).
pub fn check_account_id(id: &str) -> Result<(), IdProblem> {
    if id.is_empty() {
        return Err(IdProblem::Empty);
    }
    if id.chars().count() > MAX_ACCOUNT_ID_LEN {
        return Err(IdProblem::TooLong(id.to_owned()));
    }
    if id.chars().any(char::is_whitespace) {
        return Err(IdProblem::InnerSpace(id.to_owned()));
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(IdProblem::BadCharacter(id.to_owned()));
    }
    if is_hex24(id) || is_prefixed(id) {
        return Ok(());
    }
    if id.contains('@') {
        return Err(IdProblem::Email(id.to_owned()));
    }
    if looks_like_spreadsheet_number(id) {
        return Err(IdProblem::SpreadsheetNumber(id.to_owned()));
    }
    Err(IdProblem::Shape(id.to_owned()))
}

/// The form ids are compared and stored in: trimmed, and lower-cased when the id is hex
/// (24 hex characters, or `<digits>:` then hex digits and dashes, such as `712020:<uuid>`).
pub fn canonical_account_id(id: &str) -> String {
    let id = id.trim();
    // Only hex ids are case-free: Atlassian prints them lower-case, spreadsheets and people
    // sometimes upper-case them. Any other id keeps its case, as it may matter there.
    if is_hex24(id) || is_prefixed_hex(id) {
        id.to_ascii_lowercase()
    } else {
        id.to_owned()
    }
}

/// `<digits>:` followed by hex digits and dashes only.
fn is_prefixed_hex(id: &str) -> bool {
    id.split_once(':').is_some_and(|(prefix, value)| {
        !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && !value.is_empty()
            && value.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
    })
}

/// The classic id: 24 hex characters.
fn is_hex24(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `digits:value`; `712020:` must carry a real UUID, other prefixes (app accounts use
/// `557057:`, `557058:`) a value of letters, digits and dashes.
fn is_prefixed(id: &str) -> bool {
    let Some((prefix, value)) = id.split_once(':') else {
        return false;
    };
    // Jira Service Management customers: `qm:<uuid>:<uuid>`.
    if prefix == "qm" {
        return value
            .split_once(':')
            .is_some_and(|(a, b)| is_uuid(a) && is_uuid(b));
    }
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if prefix == "712020" {
        return is_uuid(value);
    }
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// 8-4-4-4-12 hex digits.
fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `5.57057E+23` and the like: what Excel shows for a long all-digit id.
fn looks_like_spreadsheet_number(s: &str) -> bool {
    let upper = s.to_ascii_uppercase();
    upper.contains("E+") && upper.parse::<f64>().is_ok()
}

/// A cell value quoted for a message: escaped, and cut to 60 characters.
pub fn shown(value: &str) -> String {
    const MAX: usize = 60;
    let mut cut: String = value.chars().take(MAX).collect();
    if value.chars().nth(MAX).is_some() {
        cut.push('…');
    }
    format!("{cut:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_shapes() {
        for id in [
            "712020:76f87a64-0701-4d82-a186-5506aadbf831",
            "5b10ac8d82e05b22cc7d4ef5",
            "5B10AC8D82E05B22CC7D4EF5",
            "557057:085c1d26-e228-4a78-942c-c44d7629e7a5",
            "557058:2456de76-aaad-46b8-95c6-b62bd09e0492",
            "123:abc",
            // A Jira Service Management customer.
            "qm:bf869e44-40a0-4477-b7e7-0bad3f9c17d5:236e57db-f416-4771-8dd1-63de3b6e32d5",
        ] {
            assert_eq!(check_account_id(id), Ok(()), "{id}");
        }
    }

    #[test]
    fn rejects_with_the_right_reason() {
        assert_eq!(check_account_id(""), Err(IdProblem::Empty));
        type Variant = fn(String) -> IdProblem;
        let cases: [(&str, Variant); 11] = [
            ("5ddd5094 eb3435850394b668", IdProblem::InnerSpace),
            (" 5ddd5094eb3435850394b668", IdProblem::InnerSpace),
            ("5ddd5094eb3435850394b66é", IdProblem::BadCharacter),
            ("5ddd\u{0}094eb3435850394b668", IdProblem::BadCharacter),
            ("admin@example.com", IdProblem::Email),
            ("5.57057E+23", IdProblem::SpreadsheetNumber),
            // A 712020 id cut short, a 23-hex id, a non-hex 24-character id, a letter prefix.
            ("712020:76f87a64-0701", IdProblem::Shape),
            ("5b10ac8d82e05b22cc7d4ef", IdProblem::Shape),
            ("5b10ac8d82e05b22cc7d4efz", IdProblem::Shape),
            ("abc:def", IdProblem::Shape),
            ("qm:bf869e44-40a0-4477-b7e7-0bad3f9c17d5", IdProblem::Shape),
        ];
        for (id, problem) in cases {
            assert_eq!(check_account_id(id), Err(problem(id.to_owned())));
        }
    }

    #[test]
    fn canonical_ids_are_trimmed_and_hex_ids_lower_cased() {
        for (raw, canonical) in [
            (" 5B10AC8D82E05B22CC7D4EF5 ", "5b10ac8d82e05b22cc7d4ef5"),
            ("5b10ac8d82e05b22cc7d4ef5", "5b10ac8d82e05b22cc7d4ef5"),
            (
                "\t712020:0B6F3C51-9D0E-4D57-A3F1-1F6F0B9E2A10",
                "712020:0b6f3c51-9d0e-4d57-a3f1-1f6f0b9e2a10",
            ),
            ("557057:ABC-DEF", "557057:abc-def"),
            // Not hex: the case is kept.
            ("123:AbcZ", "123:AbcZ"),
            ("5B10AC8D82E05B22CC7D4EFZ", "5B10AC8D82E05B22CC7D4EFZ"),
            (
                " qm:BF869E44-40A0-4477-B7E7-0BAD3F9C17D5:236E57DB-F416-4771-8DD1-63DE3B6E32D5",
                "qm:BF869E44-40A0-4477-B7E7-0BAD3F9C17D5:236E57DB-F416-4771-8DD1-63DE3B6E32D5",
            ),
            ("ABC:DEF", "ABC:DEF"),
            (":ABC", ":ABC"),
            ("12:", "12:"),
            ("Admin@Example.com ", "Admin@Example.com"),
            ("   ", ""),
        ] {
            assert_eq!(canonical_account_id(raw), canonical, "{raw:?}");
        }
    }

    #[test]
    fn length_limit_is_128_characters() {
        let at_limit = format!("1:{}", "a".repeat(MAX_ACCOUNT_ID_LEN - 2));
        assert_eq!(check_account_id(&at_limit), Ok(()));
        let over = format!("1:{}", "a".repeat(MAX_ACCOUNT_ID_LEN - 1));
        assert!(matches!(
            check_account_id(&over),
            Err(IdProblem::TooLong(_))
        ));
    }

    #[test]
    fn reasons_quote_the_value_and_truncate_long_ones() {
        let long = "x".repeat(5000);
        let reason = check_account_id(&long).unwrap_err().to_string();
        assert!(reason.contains(&"x".repeat(60)));
        assert!(reason.contains('…'));
        assert!(reason.len() < 200, "{reason}");
        let reason = check_account_id("a b").unwrap_err().to_string();
        assert!(reason.contains("\"a b\""), "{reason}");
    }
}
