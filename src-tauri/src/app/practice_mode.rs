//! `offboard --practice`: start the practice site and write its sample export, so the whole
//! flow can be learnt without touching a real site; the site also plays the practice
//! organization (the organization admin API).

use super::state::PracticeMode;
use crate::practice::{write_sample_export, PracticeConfig, PracticeError, PracticeSite};
use crate::session::org::PracticeOrg;
use crate::vault::ApiToken;
use std::path::Path;

/// People on the practice site: the "300 test accounts" an admin typically clears.
const PRACTICE_USERS: usize = 300;
/// Same site every time, so what an admin learnt yesterday still holds.
const PRACTICE_SEED: u64 = 7;
/// Slower than Offboard's default pace, so the window shows how it waits out a rate limit.
const PRACTICE_RATE: f64 = 10.0;
/// In the practice folder: whom the practice site removed, so it holds the same users at the
/// next launch and a practice run cut short can be resumed against it. Deleting the file
/// (with Offboard closed) brings every practice user back.
const PRACTICE_REMOVALS_FILE: &str = "practice-site-removed.txt";

/// The practice organization `site` plays, from the site's own configuration: its API is the
/// site's address. The key stays in Rust: the page is told the org id only.
pub fn practice_org(site: &PracticeSite) -> PracticeOrg {
    PracticeOrg {
        api: site.url(),
        org_id: site.org_id(),
        key: ApiToken::new(site.org_api_key()),
    }
}

/// Starts the site on 127.0.0.1 and writes the sample export under `data_dir/practice`.
pub async fn start(data_dir: &Path) -> Result<PracticeMode, PracticeError> {
    let mut config = PracticeConfig::generated(PRACTICE_USERS, PRACTICE_SEED);
    config.rate_per_sec = Some(PRACTICE_RATE);
    let dir = data_dir.join("practice");
    std::fs::create_dir_all(&dir).map_err(|e| PracticeError::Csv {
        path: dir.display().to_string(),
        reason: e.to_string(),
    })?;
    config.removals_file = Some(dir.join(PRACTICE_REMOVALS_FILE));
    let sample_export = dir.join("practice-export.csv");
    write_sample_export(
        &config.users,
        &config.caller_account_id,
        PRACTICE_SEED,
        &sample_export,
    )?;
    let email = config.admin_email.clone();
    let token = ApiToken::new(config.admin_token.clone());
    let site = PracticeSite::start(config).await?;
    Ok(PracticeMode {
        site,
        email,
        token,
        sample_export,
    })
}
