//! Helpers of the organization-mode suites: a practice site whose organization has `n`
//! directories, the org commands as the page sends them, and readers of their replies.

use super::*;

/// A generated practice site (seed 7) whose organization has `directories` directories.
pub(super) fn org_config(users: usize, directories: usize) -> PracticeConfig {
    PracticeConfig {
        org_directories: directories,
        ..PracticeConfig::generated(users, 7)
    }
}

/// Sends `cmd` from the app's own page through `webview` (usable from another thread).
pub(super) fn call_on(
    webview: &WebviewWindow<MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|b| b.deserialize::<Value>().unwrap())
}

impl Window {
    /// `org_connect` to the practice organization through the site's address, with `key`
    /// (`None`: the saved one).
    pub(super) fn org_connect(&self, key: Option<&str>, save_key: bool) -> Result<Value, Value> {
        self.call(
            "org_connect",
            json!({"api": self.site.url(), "org": self.config.org_id,
                   "key": key, "saveKey": save_key}),
        )
    }

    /// Connects with the practice organization's key, without saving it.
    pub(super) fn org_connect_ok(&self) -> Value {
        self.org_connect(Some(&self.config.org_api_key), false)
            .unwrap()
    }

    /// Loads the directory's users; the rows.
    pub(super) fn org_load(&self) -> Vec<Value> {
        let loaded = self.call("org_load_users", json!({})).unwrap();
        rows_of(&loaded["users"])
    }

    /// `org_prepare` of `action` for `ids`.
    pub(super) fn org_plan(
        &self,
        action: &str,
        ids: &[String],
        from_run: Option<&str>,
    ) -> Result<Value, Value> {
        self.call(
            "org_prepare",
            json!({"action": action, "ids": ids, "unlocked": [], "unlockAdmins": false,
                   "fromRun": from_run}),
        )
    }

    /// Starts `plan` with its own phrase; the run id.
    pub(super) fn start_own(&self, plan: &Value) -> String {
        let started = self.start(plan, plan["phrase"].as_str().unwrap()).unwrap();
        started["runId"].as_str().unwrap().to_owned()
    }
}

/// `OrgUsers.users` (one array per column, statuses and role sets numbered) as one object per
/// person: `accountId`, `name`, `email`, `status`, `membershipStatus`, `adminRoles`, `managed`,
/// `synced`, `noMembership`, `lastActiveJira`, `lastActiveConfluence`, `addedToOrg`.
pub(super) fn rows_of(cols: &Value) -> Vec<Value> {
    let n = cols["id"].as_array().expect("an id column").len();
    for column in ["name", "email", "status", "membership", "roles", "flags"] {
        assert_eq!(cols[column].as_array().unwrap().len(), n, "{column}");
    }
    let word =
        |column: &str, i: usize| cols["words"][cols[column][i].as_u64().unwrap() as usize].clone();
    let flag = |i: usize, bit: u64| cols["flags"][i].as_u64().unwrap() & bit != 0;
    (0..n)
        .map(|i| {
            json!({
                "accountId": cols["id"][i], "name": cols["name"][i], "email": cols["email"][i],
                "status": word("status", i), "membershipStatus": word("membership", i),
                "adminRoles": cols["roleSets"][cols["roles"][i].as_u64().unwrap() as usize],
                "managed": flag(i, 1), "synced": flag(i, 2), "noMembership": flag(i, 4),
                "lastActiveJira": cols["lastActiveJira"][i],
                "lastActiveConfluence": cols["lastActiveConfluence"][i],
                "addedToOrg": cols["addedToOrg"][i],
            })
        })
        .collect()
}

/// The account ids of `rows`.
pub(super) fn row_ids<'a>(rows: impl IntoIterator<Item = &'a Value>) -> Vec<String> {
    rows.into_iter()
        .map(|r| r["accountId"].as_str().unwrap().to_owned())
        .collect()
}

/// True when the organization's guards skip this row for suspend or remove: an admin role
/// (none unlocked), provisioned by an identity provider, or no membership.
pub(super) fn guarded(row: &Value) -> bool {
    !row["adminRoles"].as_array().unwrap().is_empty()
        || row["synced"] == true
        || row["noMembership"] == true
}

/// The membership status the practice organization reports for `id` now.
pub(super) fn membership(w: &Window, id: &str) -> String {
    w.site
        .org_user(id)
        .map(|u| u.membership_status)
        .unwrap_or_default()
}
