//! libpq's host lists: `postgres://u@h1:5461,h2:5462/db?target_session_attrs=read-write` names
//! several servers, tried in order, and the first one that connects and is of the kind asked for
//! is kept (a primary, a standby, …), as psql does. Each server is asked what it is
//! (`pg_is_in_recovery()`, `transaction_read_only`); the answer is kept for the prompt.
//!
//! The URL's own parameters that sqlx does not know are taken out here: `target_session_attrs`,
//! and ormsh's `statement_cache=off` (for connection poolers, see `PgLink::pooled`).

use crate::error::{Error, ErrorKind, Result};
use crate::redact::redact_url;

/// What a server is, as it says itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerRole {
    /// Takes writes.
    Primary,
    /// A hot standby (in recovery): answers reads, refuses writes.
    Standby,
    /// Not a standby, but its transactions are read-only (`default_transaction_read_only`).
    ReadOnly,
}

impl ServerRole {
    /// From `pg_is_in_recovery()` and `transaction_read_only`.
    pub fn from_answers(in_recovery: bool, read_only: bool) -> ServerRole {
        match (in_recovery, read_only) {
            (true, _) => ServerRole::Standby,
            (false, true) => ServerRole::ReadOnly,
            (false, false) => ServerRole::Primary,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ServerRole::Primary => "a read-write primary",
            ServerRole::Standby => "a standby",
            ServerRole::ReadOnly => "read-only",
        }
    }
}

/// libpq's `target_session_attrs`: which of the listed servers to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetSessionAttrs {
    Any,
    ReadWrite,
    ReadOnly,
    Primary,
    Standby,
    /// A standby if any of the list is one, else any server.
    PreferStandby,
}

impl TargetSessionAttrs {
    const VALUES: &'static str = "any, read-write, read-only, primary, standby or prefer-standby";

    fn parse(value: &str) -> Option<TargetSessionAttrs> {
        Some(match value {
            "any" => TargetSessionAttrs::Any,
            "read-write" => TargetSessionAttrs::ReadWrite,
            "read-only" => TargetSessionAttrs::ReadOnly,
            "primary" => TargetSessionAttrs::Primary,
            "standby" => TargetSessionAttrs::Standby,
            "prefer-standby" => TargetSessionAttrs::PreferStandby,
            _ => return None,
        })
    }

    /// Whether a server of this role will do. `PreferStandby` takes only standbys here: the
    /// caller walks the list a second time, taking any, when none was found.
    pub fn accepts(self, role: ServerRole) -> bool {
        match self {
            TargetSessionAttrs::Any => true,
            TargetSessionAttrs::ReadWrite => role == ServerRole::Primary,
            TargetSessionAttrs::ReadOnly => role != ServerRole::Primary,
            TargetSessionAttrs::Primary => role != ServerRole::Standby,
            TargetSessionAttrs::Standby | TargetSessionAttrs::PreferStandby => role == ServerRole::Standby,
        }
    }

    fn wanted(self) -> &'static str {
        match self {
            TargetSessionAttrs::Any => "reachable",
            TargetSessionAttrs::ReadWrite => "read-write",
            TargetSessionAttrs::ReadOnly => "read-only",
            TargetSessionAttrs::Primary => "a primary",
            TargetSessionAttrs::Standby | TargetSessionAttrs::PreferStandby => "a standby",
        }
    }
}

/// A PostgreSQL URL taken apart: one URL per listed host (for sqlx, which takes one host), and
/// what to ask of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostList {
    /// The URL of each host, in the order given, without the parameters below.
    pub urls: Vec<String>,
    pub target: TargetSessionAttrs,
    /// `statement_cache=off`: no named prepared statement outlives a transaction.
    pub pooled: bool,
}

impl HostList {
    pub fn parse(url: &str) -> Result<HostList> {
        let bad = |message: String| Error::new(ErrorKind::Usage, message);
        let (scheme, rest) =
            url.split_once("://").ok_or_else(|| bad(format!("`{}` is not a PostgreSQL URL", redact_url(url))))?;
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        // The password may hold an `@`: the host list starts after the last one.
        let (userinfo, hosts) = match authority.rsplit_once('@') {
            Some((user, hosts)) => (Some(user), hosts),
            None => (None, authority),
        };
        let (path, query) = match tail.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (tail, None),
        };
        let mut target = TargetSessionAttrs::Any;
        let mut pooled = false;
        let mut kept = Vec::new();
        for pair in query.into_iter().flat_map(|q| q.split('&')).filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "target_session_attrs" => {
                    target = TargetSessionAttrs::parse(value).ok_or_else(|| {
                        bad(format!("`target_session_attrs={value}` is not one of libpq's values"))
                            .with_help(format!("use {}", TargetSessionAttrs::VALUES))
                    })?
                }
                "statement_cache" => {
                    pooled = match value {
                        "off" => true,
                        "on" => false,
                        _ => {
                            return Err(bad(format!("`statement_cache={value}` is neither on nor off"))
                                .with_help("write statement_cache=off behind a pooler such as pgbouncer"));
                        }
                    }
                }
                _ => kept.push(pair),
            }
        }
        let query = if kept.is_empty() { String::new() } else { format!("?{}", kept.join("&")) };
        let userinfo = userinfo.map(|u| format!("{u}@")).unwrap_or_default();
        let urls = hosts.split(',').map(|host| format!("{scheme}://{userinfo}{host}{path}{query}")).collect::<Vec<_>>();
        if hosts.split(',').any(str::is_empty) && hosts.contains(',') {
            return Err(bad(format!("`{}` has an empty host in its list", redact_url(url))));
        }
        Ok(HostList { urls, target, pooled })
    }

    /// The error when no server of the list would do: each host, and why it was passed over.
    pub fn none_found(&self, url: &str, tried: &[(String, std::result::Result<ServerRole, String>)]) -> Error {
        let reasons: Vec<String> = tried
            .iter()
            .map(|(host_url, outcome)| {
                let host = host_of(host_url);
                match outcome {
                    Ok(role) => format!("{host} is {}", role.describe()),
                    Err(why) => format!("{host}: {why}"),
                }
            })
            .collect();
        Error::new(
            ErrorKind::Connection,
            format!(
                "cannot connect to {}: no server in the list is {} ({})",
                redact_url(url),
                self.target.wanted(),
                reasons.join("; ")
            ),
        )
    }
}

/// `host:port` of a one-host URL, for messages.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    authority.rsplit_once('@').map_or(authority, |(_, host)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_list_becomes_one_url_per_host() {
        let list =
            HostList::parse("postgres://bob:p@ss@h1:5461,h2:5462/db?target_session_attrs=read-write&sslmode=disable")
                .unwrap();
        assert_eq!(
            list.urls,
            ["postgres://bob:p@ss@h1:5461/db?sslmode=disable", "postgres://bob:p@ss@h2:5462/db?sslmode=disable"]
        );
        assert_eq!(list.target, TargetSessionAttrs::ReadWrite);
        assert!(!list.pooled);
        let one = HostList::parse("postgresql://h/db?statement_cache=off").unwrap();
        assert_eq!(one.urls, ["postgresql://h/db"]);
        assert!(one.pooled);
        assert_eq!(one.target, TargetSessionAttrs::Any);
    }

    #[test]
    fn unknown_values_are_refused_with_the_list_of_good_ones() {
        let err = HostList::parse("postgres://h/db?target_session_attrs=primary-ish").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Usage);
        assert!(err.help.as_deref().unwrap_or("").contains("prefer-standby"), "{err:?}");
        assert!(HostList::parse("postgres://h/db?statement_cache=maybe").is_err());
        assert!(HostList::parse("postgres://h1,,h2/db").is_err());
    }

    #[test]
    fn each_target_takes_the_roles_libpq_takes() {
        use ServerRole::*;
        use TargetSessionAttrs as T;
        let takes = |t: T| [Primary, Standby, ReadOnly].into_iter().filter(|r| t.accepts(*r)).collect::<Vec<_>>();
        assert_eq!(takes(T::Any), [Primary, Standby, ReadOnly]);
        assert_eq!(takes(T::ReadWrite), [Primary]);
        assert_eq!(takes(T::ReadOnly), [Standby, ReadOnly]);
        assert_eq!(takes(T::Primary), [Primary, ReadOnly]);
        assert_eq!(takes(T::Standby), [Standby]);
        assert_eq!(takes(T::PreferStandby), [Standby]);
        assert_eq!(ServerRole::from_answers(true, true), Standby);
        assert_eq!(ServerRole::from_answers(false, true), ReadOnly);
    }

    #[test]
    fn messages_name_each_host_without_its_password() {
        let list = HostList::parse("postgres://u:secret@a:1,b:2/db?target_session_attrs=primary").unwrap();
        let tried =
            vec![(list.urls[0].clone(), Ok(ServerRole::Standby)), (list.urls[1].clone(), Err("refused".into()))];
        let text = list.none_found("postgres://u:secret@a:1,b:2/db", &tried).message;
        assert_eq!(
            text,
            "cannot connect to postgres://u:********@a:1,b:2/db: no server in the list is a primary (a:1 is a standby; b:2: refused)"
        );
    }
}
