//! When `myself` finds no Jira: asking Confluence who we are tells a Confluence-only site from
//! an address that is not an Atlassian site at all (credential_signals.rs, assumption 3).

use super::json::bad_reply;
use super::SiteClient;
use crate::atlassian::credential_signals::{
    read_confluence_probe, ConfluenceProbe, CONFLUENCE_CURRENT_USER,
};
use crate::atlassian::transport::Reply;
use crate::atlassian::AtlassianError;
use reqwest::Method;

impl SiteClient {
    /// `GET /wiki/rest/api/user/current`: whether Confluence answers with the signed-in
    /// caller. No reply at all counts as [`ConfluenceProbe::Nothing`].
    pub async fn confluence_probe(&self) -> ConfluenceProbe {
        let url = self.inner.site.endpoint(CONFLUENCE_CURRENT_USER, &[]);
        match self.fetch(Method::GET, url).await {
            Ok(reply) => read_confluence_probe(reply.status, &reply.headers, &reply.body),
            Err(_) => ConfluenceProbe::Nothing,
        }
    }

    /// The error for a `myself` that found no Jira (`reply`, a 404): a Confluence-only site,
    /// Confluence's refusal of the credentials, or an address to check.
    pub(super) async fn without_jira(&self, reply: Reply) -> AtlassianError {
        match self.confluence_probe().await {
            ConfluenceProbe::Caller => AtlassianError::NoJira,
            ConfluenceProbe::Refused(refusal) => refusal.into(),
            ConfluenceProbe::Nothing => bad_reply(
                reply.status,
                "no Jira at this address, so it does not look like an Atlassian site with Jira",
                &reply.body,
            ),
        }
    }
}
