//! The CSV records of the file with the physical line each starts on.
//!
//! The csv crate's `Position::line()` is taken before it skips blank lines and the `\n` of a
//! CRLF, so it runs behind the real line. Instead we take the record's byte offset, step over
//! those line breaks, and count breaks (`\n`, `\r\n`, or a lone `\r`) up to there ourselves.

use super::SkippedRow;

/// Reads records one by one into [`Rows::record`].
pub struct Rows<'t> {
    reader: csv::Reader<&'t [u8]>,
    /// The record last read.
    pub record: csv::StringRecord,
    text: &'t [u8],
    skip: usize,
    cursor: usize,
    line: u64,
}

impl<'t> Rows<'t> {
    /// Parses `text` from byte `skip` on with `delimiter`.
    pub fn new(text: &'t str, delimiter: u8, skip: usize) -> Self {
        let text = text.as_bytes();
        let skip = skip.min(text.len());
        Rows {
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(&text[skip..]),
            record: csv::StringRecord::new(),
            text,
            skip,
            cursor: 0,
            line: 1,
        }
    }

    /// Reads the next record with a non-blank cell and returns its line; `None` at the end.
    /// A row of only delimiters (a spreadsheet's blank row) counts as blank.
    pub fn next_non_blank(&mut self) -> Option<Result<u64, SkippedRow>> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) if self.record.iter().all(|c| c.trim().is_empty()) => continue,
                Ok(true) => {
                    let byte = self.record.position().map_or(0, |p| p.byte());
                    return Some(Ok(self.line_at(byte)));
                }
                Err(e) => {
                    let byte = e.position().map_or(0, |p| p.byte());
                    return Some(Err(SkippedRow {
                        line: self.line_at(byte),
                        reason: format!("the rest of the file from here could not be read ({e})"),
                    }));
                }
            }
        }
    }

    /// The line of the record the parser placed at `byte`; calls must not go backwards.
    fn line_at(&mut self, byte: u64) -> u64 {
        let text = self.text;
        let mut start = usize::try_from(byte)
            .map_or(text.len(), |b| b.saturating_add(self.skip))
            .min(text.len());
        while matches!(text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        for i in self.cursor..start.max(self.cursor) {
            let lone_cr = text[i] == b'\r' && text.get(i + 1) != Some(&b'\n');
            if text[i] == b'\n' || lone_cr {
                self.line += 1;
            }
        }
        self.cursor = self.cursor.max(start);
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (first cell, line) of every non-blank record.
    fn lines(text: &str, skip: usize) -> Vec<(String, u64)> {
        let mut rows = Rows::new(text, b',', skip);
        let mut out = vec![];
        while let Some(line) = rows.next_non_blank() {
            out.push((rows.record[0].to_owned(), line.unwrap()));
        }
        out
    }

    #[test]
    fn lines_are_physical_for_every_line_ending() {
        let want = |pairs: &[(&str, u64)]| -> Vec<(String, u64)> {
            pairs.iter().map(|(c, l)| (c.to_string(), *l)).collect()
        };
        let expected = want(&[("h", 3), ("a", 5), ("c", 7)]);
        assert_eq!(lines("\n\nh\n\na,\"b\nx\"\nc,d", 0), expected);
        assert_eq!(
            lines("\r\n\r\nh\r\n\r\na,\"b\r\nx\"\r\nc,d\r\n", 0),
            expected
        );
        assert_eq!(lines("\r\rh\r\ra,\"b\rx\"\rc,d\r", 0), expected);
    }

    #[test]
    fn blank_and_delimiter_only_rows_are_skipped_and_skip_keeps_line_numbers() {
        let text = "sep=,\nh\n,,,\n  \na\n";
        assert_eq!(lines(text, 6), [("h".to_owned(), 2), ("a".to_owned(), 5)]);
    }
}
