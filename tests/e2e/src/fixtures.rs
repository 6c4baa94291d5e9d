//! The repository's export fixtures (tests/fixtures), read independently of the app's importer,
//! and a generated large export.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A fixture file under `<repo>/tests/fixtures`.
pub fn path(name: &str) -> PathBuf {
    crate::repo_root().join("tests/fixtures").join(name)
}

/// A fixture's manifest (`export-*.manifest.json`).
pub fn manifest(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The strings of a JSON array.
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// One user of an export, as a person reading the file sees it.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub status: String,
    pub org_role: String,
    pub groups: BTreeSet<String>,
}

/// The users of a comma-separated export, de-duplicated by trimmed id (first row wins, groups
/// are merged); rows without an id are left out.
pub fn users(file: &Path) -> Vec<User> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(file)
        .unwrap();
    let headers = r.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let (id, name, email, status, role) = (
        col("User id").unwrap(),
        col("User name").unwrap(),
        col("email").unwrap(),
        col("User status").unwrap(),
        col("Org role").unwrap(),
    );
    let group = col("Group name");
    let mut out: Vec<User> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_owned();
        let uid = get(id);
        if uid.is_empty() {
            continue;
        }
        let groups: BTreeSet<String> = group
            .map(|g| {
                get(g)
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(u) = out.iter_mut().find(|u| u.id == uid) {
            u.groups.extend(groups);
            continue;
        }
        out.push(User {
            id: uid,
            name: get(name),
            email: get(email),
            status: get(status),
            org_role: get(role),
            groups,
        });
    }
    out
}

/// The 1-based line of the first line starting with `prefix`.
pub fn line_starting_with(file: &Path, prefix: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?} in {}", file.display()))
        + 1
}

/// The name of the one row of a generated export that a search can find alone.
pub const NEEDLE_NAME: &str = "Quentin Needlework";

/// Writes an export of `n` users in the shape of `export-plain.csv` (same header, its rows
/// repeated in turn) with fresh, unique account ids and emails. Row `n / 2` is renamed
/// [`NEEDLE_NAME`]. Returns the ids in file order.
pub fn write_large_export(n: usize, out: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(path("export-plain.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let templates: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (id, name, email, role) = (
        col("User id"),
        col("User name"),
        col("email"),
        col("Org role"),
    );
    let file = std::io::BufWriter::new(std::fs::File::create(out).unwrap());
    let mut w = csv::Writer::from_writer(file);
    w.write_record(&headers).unwrap();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let t = &templates[i % templates.len()];
        let mut row: Vec<String> = t.iter().map(str::to_owned).collect();
        // 24 hex characters, like Atlassian's older ids; never one of the fixture's.
        row[id] = format!("e2e{i:021x}");
        let local = row[email].split('@').next().unwrap_or("user").to_owned();
        row[email] = format!("{local}.{i}@scale.example.com");
        if i == n / 2 {
            row[name] = NEEDLE_NAME.to_owned();
        }
        // No org admins among generated rows: the whole table is selectable.
        row[role] = String::new();
        ids.push(row[id].clone());
        w.write_record(&row).unwrap();
    }
    w.into_inner().unwrap().flush().unwrap();
    ids
}
