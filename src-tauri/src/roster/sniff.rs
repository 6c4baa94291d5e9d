//! Finds the header line and the delimiter before the CSV parser runs.
//!
//! The delimiter is the candidate (`,` `;` tab) that occurs most often in the header line
//! outside quotes. Why that works: every export has at least six columns and no column name
//! contains a delimiter, while a spreadsheet re-saves a file with one delimiter throughout; so
//! the real delimiter splits the header into the most cells. Ties (including none at all) go to
//! the comma, the export's own delimiter. Excel's `sep=;` first line, when present, decides.

use super::RosterError;

/// The delimiters we sniff for, in tie-break order.
const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];

/// Where the CSV starts and how it is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// The delimiter byte.
    pub delimiter: u8,
    /// Bytes to skip before parsing (an Excel `sep=` line).
    pub skip: usize,
}

/// Looks at the text's first non-blank line and decides the layout.
pub fn sniff(text: &str) -> Result<Layout, RosterError> {
    if let Some(layout) = excel_sep_line(text) {
        return Ok(layout);
    }
    let header = header_line(text).ok_or(RosterError::NoHeader)?;
    let mut counts = [0usize; CANDIDATES.len()];
    let mut in_quotes = false;
    for c in header.chars() {
        if c.is_control() && !matches!(c, '\t' | '\r' | '\n') {
            return Err(RosterError::NotText);
        }
        if c == '"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            if let Some(i) = CANDIDATES.iter().position(|&d| d as char == c) {
                counts[i] += 1;
            }
        }
    }
    // First maximum wins, which is the tie-break order above.
    let best =
        (0..CANDIDATES.len()).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    Ok(Layout {
        delimiter: CANDIDATES[best],
        skip: 0,
    })
}

/// The first line with something other than whitespace in it, up to its end outside quotes.
fn header_line(text: &str) -> Option<&str> {
    let start = text
        .split_inclusive(['\r', '\n'])
        .scan(0usize, |offset, line| {
            let here = *offset;
            *offset += line.len();
            Some((here, line))
        })
        .find(|(_, line)| !line.trim().is_empty())?
        .0;
    let rest = &text[start..];
    let mut in_quotes = false;
    let end = rest
        .char_indices()
        .find(|&(_, c)| {
            if c == '"' {
                in_quotes = !in_quotes;
            }
            !in_quotes && (c == '\n' || c == '\r')
        })
        .map_or(rest.len(), |(i, _)| i);
    Some(&rest[..end])
}

/// Excel's `sep=X` hint line, which it writes and honours on open.
fn excel_sep_line(text: &str) -> Option<Layout> {
    let line_len = text.find(['\r', '\n']).unwrap_or(text.len());
    let line = &text[..line_len];
    let value = line
        .get(..4)?
        .eq_ignore_ascii_case("sep=")
        .then(|| &line[4..])?;
    let delimiter = match value.as_bytes() {
        [b'\t'] => b'\t',
        [d] if d.is_ascii_punctuation() && *d != b'"' => *d,
        _ => return None,
    };
    let rest = &text[line_len..];
    let line_break = if rest.starts_with("\r\n") {
        2
    } else {
        rest.len().min(1)
    };
    Some(Layout {
        delimiter,
        skip: line_len + line_break,
    })
}

/// A name for the delimiter that an admin understands.
pub fn delimiter_name(delimiter: u8) -> String {
    match delimiter {
        b',' => "comma".into(),
        b';' => "semicolon".into(),
        b'\t' => "tab".into(),
        other => format!("{:?}", other as char),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delimiter(text: &str) -> u8 {
        sniff(text).unwrap().delimiter
    }

    #[test]
    fn picks_the_delimiter_that_splits_the_header_most() {
        assert_eq!(delimiter("User id,User name,email\n"), b',');
        assert_eq!(delimiter("User id;User name;email\r\n1;2;3"), b';');
        assert_eq!(delimiter("User id\tUser name\temail\n"), b'\t');
        // Commas inside a tab-delimited header's names do not outvote the tabs.
        assert_eq!(delimiter("User id\tJira - a, b\tConfluence\tx\n"), b'\t');
    }

    #[test]
    fn delimiters_inside_quotes_do_not_count() {
        assert_eq!(delimiter("\"a;b;c;d\",User id,x\n"), b',');
        // A quoted header cell with a line break is still one header line.
        assert_eq!(delimiter("\"User\nid\";b;c\nx,y,z,w,v\n"), b';');
    }

    #[test]
    fn ties_and_single_columns_fall_back_to_comma() {
        assert_eq!(delimiter("User id\n"), b',');
        assert_eq!(delimiter("a,b;c\n"), b',');
    }

    #[test]
    fn leading_blank_lines_are_skipped() {
        assert_eq!(delimiter("\n  \r\n\nUser id;Name\n"), b';');
        assert_eq!(delimiter("\r\rUser id;Name\ra;b\r"), b';');
    }

    #[test]
    fn excel_sep_line_decides_and_is_skipped() {
        let text = "sep=;\r\nUser id,a;b\n";
        let layout = sniff(text).unwrap();
        assert_eq!(layout.delimiter, b';');
        assert_eq!(&text[layout.skip..], "User id,a;b\n");
        assert_eq!(delimiter("SEP=\t\nUser id\tx\n"), b'\t');
        let old_mac = "sep=;\rUser id;x\r";
        assert_eq!(&old_mac[sniff(old_mac).unwrap().skip..], "User id;x\r");
        assert_eq!(sniff("sep=;").unwrap().skip, 5);
        // Not a sep line: sniffed as usual.
        assert_eq!(sniff("sep=abc,x\n").unwrap().skip, 0);
    }

    #[test]
    fn blank_text_has_no_header_and_control_characters_are_not_text() {
        assert!(matches!(sniff(" \n\r\n"), Err(RosterError::NoHeader)));
        assert!(matches!(
            sniff("User id,\u{1}\u{2}\n"),
            Err(RosterError::NotText)
        ));
    }
}
