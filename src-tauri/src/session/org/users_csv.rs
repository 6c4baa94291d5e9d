//! The organization's users as a CSV (`offboard org users --csv-out`), shaped like Atlassian's
//! export so it can be opened again as one, and an export matched to the directory.

use super::super::SessionError;
use super::connect::OrgConnection;
use crate::atlassian::org::OrgUser;
use crate::roster::{canonical_account_id, Roster, RosterUser};
use crate::sweep::{neutralise, UTF8_BOM};
use std::collections::HashMap;
use std::path::Path;

/// The columns of the users file: the export's first three, then the directory's facts.
pub const USERS_HEADER: [&str; 10] = [
    "User id",
    "User name",
    "email",
    "status",
    "admin roles",
    "managed",
    "provisioned by identity provider",
    "last active in Jira",
    "last active in Confluence",
    "added to org",
];

/// Writes `users` to `path` (UTF-8 with a byte-order mark, for Excel), via a temporary file.
pub fn write_users_csv(path: &Path, users: &[OrgUser]) -> Result<(), SessionError> {
    let failed = |e: &dyn std::fmt::Display| SessionError::UsersFile {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let tmp = path.with_extension("csv.tmp");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(|e| failed(&e))?);
    std::io::Write::write_all(&mut file, UTF8_BOM).map_err(|e| failed(&e))?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record(USERS_HEADER).map_err(|e| failed(&e))?;
    for u in users {
        let day = |t: Option<&str>| {
            t.map(|t| t.get(..10).unwrap_or(t).to_owned())
                .unwrap_or_default()
        };
        let roles = u
            .admin_roles()
            .iter()
            .map(|r| r.trim_start_matches("atlassian/").to_owned())
            .collect::<Vec<_>>()
            .join(" ");
        w.write_record([
            neutralise(&u.account_id).as_ref(),
            neutralise(&u.name).as_ref(),
            neutralise(u.email.as_deref().unwrap_or("")).as_ref(),
            u.status.as_str(),
            roles.as_str(),
            if u.is_managed() { "yes" } else { "no" },
            if u.is_synced() { "yes" } else { "no" },
            day(u.last_active_in("jira")).as_str(),
            day(u.last_active_in("confluence")).as_str(),
            day(u.added_to_org.as_deref()).as_str(),
        ])
        .map_err(|e| failed(&e))?;
    }
    let file = w.into_inner().map_err(|e| failed(&e))?;
    file.into_inner()
        .map_err(|e| failed(&e))?
        .sync_all()
        .map_err(|e| failed(&e))?;
    std::fs::rename(&tmp, path).map_err(|e| failed(&e))?;
    Ok(())
}

/// An export matched to the directory by account id.
#[derive(Debug, Clone, Default)]
pub struct ExportMatch {
    /// The export's people found in the directory, in file order, as the directory says.
    pub users: Vec<OrgUser>,
    /// The export's people the directory does not hold (listed for the admin, never planned).
    pub not_in_directory: Vec<RosterUser>,
}

/// Reads the export's people from the chosen directory (in batches) and splits them into
/// those found and those not in it.
pub async fn match_export(
    conn: &OrgConnection,
    roster: &Roster,
) -> Result<ExportMatch, SessionError> {
    let ids: Vec<String> = roster.users.iter().map(|u| u.account_id.clone()).collect();
    let (users, missing) = read_people(conn, &ids).await?;
    let missing: std::collections::HashSet<String> =
        missing.iter().map(|id| canonical_account_id(id)).collect();
    let not_in_directory = roster
        .users
        .iter()
        .filter(|p| missing.contains(&canonical_account_id(&p.account_id)))
        .cloned()
        .collect();
    Ok(ExportMatch {
        users,
        not_in_directory,
    })
}

/// Reads `ids` from the chosen directory: the people found, in the order of `ids` (each once),
/// and the ids it does not hold.
pub async fn read_people(
    conn: &OrgConnection,
    ids: &[String],
) -> Result<(Vec<OrgUser>, Vec<String>), SessionError> {
    let directory = conn.directory()?.directory_id.clone();
    let found = conn
        .client
        .users_by_id(&directory, ids)
        .await
        .map_err(unread)?;
    let mut by_id: HashMap<String, OrgUser> = found
        .into_iter()
        .map(|u| (canonical_account_id(&u.account_id), u))
        .collect();
    let (mut users, mut missing) = (Vec::new(), Vec::new());
    for id in ids {
        match by_id.remove(&canonical_account_id(id)) {
            Some(user) => users.push(user),
            None => missing.push(id.clone()),
        }
    }
    Ok((users, missing))
}

/// A failed read of the directory: refused credentials keep their own words (and the command
/// line's exit code 3); anything else says the directory could not be read.
fn unread(e: crate::atlassian::org::OrgError) -> SessionError {
    if e.credentials_refused() {
        SessionError::Org(e)
    } else {
        SessionError::DirectoryUnread(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlassian::org::OrgError;

    #[test]
    fn a_refused_key_keeps_its_words_and_anything_else_is_an_unread_directory() {
        assert!(matches!(
            unread(OrgError::Unauthorized),
            SessionError::Org(OrgError::Unauthorized)
        ));
        assert!(matches!(
            unread(OrgError::Network("reset".into())),
            SessionError::DirectoryUnread(_)
        ));
    }
}
