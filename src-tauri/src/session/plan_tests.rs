//! The flags a plan carries for the history and for resuming: rehearsal, and practice site.

use super::*;
use crate::atlassian::{ClientConfig, Myself, Site, SiteClient};
use crate::roster::import_bytes;
use crate::session::SiteAdmins;
use crate::vault::ApiToken;

const ME: &str = "5b10ac8d82e05b22cc7d4ef5";
const PLAIN: &str = "5c9e2a41b3f0d2001f6e8a04";

fn conn(practice: bool) -> Connection {
    let site = Site::parse("http://127.0.0.1:9").unwrap();
    Connection {
        client: SiteClient::new(
            site,
            "me@example.com",
            ApiToken::new("t"),
            ClientConfig::default(),
        )
        .unwrap(),
        me: Myself {
            account_id: ME.to_owned(),
            email_address: None,
            display_name: "Me".into(),
            active: true,
            account_type: "atlassian".into(),
        },
        email: "me@example.com".into(),
        practice,
        site_admins: SiteAdmins::default(),
        admin_warning: None,
    }
}

#[test]
fn a_plan_says_whether_it_is_a_rehearsal_and_whether_it_is_on_the_practice_site() {
    let csv = format!(
        "User id,User name,email,Org role\n{ME},Me,me@example.com,\n{PLAIN},P,p@example.com,\n"
    );
    let roster = import_bytes(csv.as_bytes()).unwrap();
    let ids = [PLAIN.to_owned()];
    for (rehearsal, practice) in [(false, false), (true, false), (false, true), (true, true)] {
        let prepared = prepare(
            &conn(practice),
            &roster,
            Path::new("x.csv"),
            Selection::Ids(&ids),
            &[],
            false,
            rehearsal,
            &[],
        )
        .unwrap();
        assert_eq!(prepared.plan.rehearsal, rehearsal);
        assert_eq!(prepared.plan.practice, practice);
    }
}
