//! Turns the file's bytes into text: UTF-8 (with or without BOM), UTF-16 LE/BE, and the
//! Windows-1252 that Excel's plain "CSV" save writes on many Windows machines.

use std::borrow::Cow;

use super::RosterError;

/// How many leading bytes are checked for NUL, the mark of a binary file.
const SNIFF_LEN: usize = 8 * 1024;

/// Decoded text plus a human name for the encoding it was read as.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, BOM removed.
    pub text: Cow<'a, str>,
    /// e.g. `UTF-8`, `UTF-16 LE`.
    pub encoding: &'static str,
}

/// Decodes `bytes`, or says why they are not a text export.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, RosterError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(RosterError::Spreadsheet);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, encoding_rs::UTF_16LE, "UTF-16 LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, encoding_rs::UTF_16BE, "UTF-16 BE");
    }
    // Excel always writes a BOM for UTF-16, but other tools may not: ASCII header text in
    // UTF-16 has a NUL in every other byte, which no real CSV has.
    if let [a, 0, b, 0, ..] = bytes {
        if *a != 0 && *b != 0 {
            return utf16(bytes, encoding_rs::UTF_16LE, "UTF-16 LE (no BOM)");
        }
    }
    if let [0, a, 0, b, ..] = bytes {
        if *a != 0 && *b != 0 {
            return utf16(bytes, encoding_rs::UTF_16BE, "UTF-16 BE (no BOM)");
        }
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        // The BOM declares UTF-8: a stray bad byte becomes U+FFFD instead of guessing again.
        reject_binary(rest)?;
        return Ok(Decoded {
            text: String::from_utf8_lossy(rest),
            encoding: "UTF-8 with BOM",
        });
    }
    reject_binary(bytes)?;
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: "UTF-8",
        }),
        // Not UTF-8: Excel's "CSV (Comma delimited)" writes the Windows ANSI code page.
        // Account ids are ASCII, so they survive even if the guess is wrong for names.
        Err(_) => Ok(Decoded {
            text: encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0,
            encoding: "Windows-1252",
        }),
    }
}

fn utf16<'a>(
    bytes: &'a [u8],
    encoding: &'static encoding_rs::Encoding,
    name: &'static str,
) -> Result<Decoded<'a>, RosterError> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Decoded {
            text: Cow::Owned(text.into_owned()),
            encoding: name,
        }),
        None => Err(RosterError::InvalidUtf16 { encoding: name }),
    }
}

/// NUL bytes near the start mean a binary file (an image, an archive), not a CSV.
fn reject_binary(bytes: &[u8]) -> Result<(), RosterError> {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    if head.contains(&0) {
        return Err(RosterError::NotText);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    fn utf16be(s: &str) -> Vec<u8> {
        let mut out = vec![0xFE, 0xFF];
        out.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        out
    }

    #[test]
    fn utf8_plain_is_borrowed_and_bom_is_removed() {
        let plain = decode("User id,Ä\n".as_bytes()).unwrap();
        assert!(matches!(plain.text, Cow::Borrowed("User id,Ä\n")));
        assert_eq!(plain.encoding, "UTF-8");
        let bom = decode(b"\xEF\xBB\xBFUser id\n").unwrap();
        assert_eq!(bom.text, "User id\n");
        assert_eq!(bom.encoding, "UTF-8 with BOM");
    }

    #[test]
    fn utf16_both_orders_with_and_without_bom() {
        let text = "User id\tName\nÅsa 日本\n";
        for (bytes, name) in [
            (utf16le(text, true), "UTF-16 LE"),
            (utf16be(text), "UTF-16 BE"),
            (utf16le(text, false), "UTF-16 LE (no BOM)"),
        ] {
            let decoded = decode(&bytes).unwrap();
            assert_eq!(decoded.text, text);
            assert_eq!(decoded.encoding, name);
        }
    }

    #[test]
    fn truncated_or_broken_utf16_is_an_error() {
        let mut odd = utf16le("User id\n", true);
        odd.pop();
        assert!(matches!(
            decode(&odd),
            Err(RosterError::InvalidUtf16 { .. })
        ));
        // A lone high surrogate.
        let lone = [0xFF, 0xFE, b'A', 0, 0x00, 0xD8, b'B', 0];
        assert!(matches!(
            decode(&lone),
            Err(RosterError::InvalidUtf16 { .. })
        ));
    }

    #[test]
    fn windows_1252_fallback_keeps_names() {
        let decoded = decode(b"User id,Name\n5b10ac8d82e05b22cc7d4ef5,J\xF6rg\n").unwrap();
        assert_eq!(decoded.encoding, "Windows-1252");
        assert!(decoded.text.contains("Jörg"));
    }

    #[test]
    fn binary_and_workbooks_are_refused() {
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(RosterError::NotText)
        ));
        assert!(matches!(
            decode(b"PK\x03\x04\x14\0\x06\0"),
            Err(RosterError::Spreadsheet)
        ));
        assert!(matches!(
            decode(b"\xEF\xBB\xBFUser id\0,x"),
            Err(RosterError::NotText)
        ));
    }
}
