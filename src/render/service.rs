//! The service screen (`describe SERVICE`): versions, wiring, health checking, instances.

use engine::ServiceView;

use super::format::{fields, fixed, percent, trimmed};
use super::hosts::host_table;
use super::status::errors_tone;
use super::style::{Style, Tone};

pub(crate) fn service(v: &ServiceView, style: Style) -> String {
    let row = &v.row;
    let serving = if row.serving == 0 && row.instances > 0 {
        Tone::Red
    } else if row.serving < row.instances {
        Tone::Yellow
    } else {
        Tone::Plain
    };
    let mut pairs: Vec<(&str, String, Tone)> = vec![
        ("kind", row.kind.clone(), Tone::Plain),
        ("version", version(v), Tone::Plain),
        (
            "instances",
            format!("{}/{} serving", row.serving, row.instances),
            serving,
        ),
    ];
    if let Some(primary) = &v.primary {
        pairs.push(("primary", primary.clone(), Tone::Plain));
    }
    if let Some(lag) = v.replica_lag {
        pairs.push(("replica lag", lag.to_string(), Tone::Plain));
    }
    if !v.calls.is_empty() {
        let calls: Vec<String> = v
            .calls
            .iter()
            .map(|(name, per)| format!("{name} x{}", trimmed(*per, 2)))
            .collect();
        pairs.push(("calls", calls.join(", "), Tone::Plain));
    }
    if !v.called_by.is_empty() {
        pairs.push(("called by", v.called_by.join(", "), Tone::Plain));
    }
    if let Some(lb) = &v.balanced_by {
        pairs.push(("balanced by", lb.clone(), Tone::Plain));
    }
    if let Some(check) = &v.health_check {
        pairs.push(("health check", check.clone(), Tone::Plain));
    }
    if let Some((max, provision)) = &v.scaling {
        pairs.push((
            "scaling",
            format!("up to {max}, provisioning {provision}"),
            Tone::Plain,
        ));
    }
    let load = format!(
        "now: {} req/s  {}  p99 {} ms\n",
        fixed(row.rps, 1),
        style.paint(
            errors_tone(row.errors_pct),
            &format!("errors {}%", percent(row.errors_pct, 2))
        ),
        fixed(row.p99_ms, 0),
    );

    let mut out = style.paint(Tone::Bold, &format!("service {}", row.name));
    out.push('\n');
    out.push_str(&fields(&pairs, style));
    out.push('\n');
    if v.instances.is_empty() {
        out.push_str("no instances\n");
    } else {
        out.push_str(&host_table(&v.instances, style));
    }
    out.push('\n');
    out.push_str(&load);
    out
}

/// `4.12.0 (earlier 4.11.2, 4.11.1)`, or with `later ...` after a rollback.
fn version(v: &ServiceView) -> String {
    let current = &v.row.version;
    let Some(at) = v.versions.iter().position(|name| name == current) else {
        return current.clone();
    };
    let mut notes = Vec::new();
    if at > 0 {
        notes.push(format!("earlier {}", v.versions[..at].join(", ")));
    }
    if at + 1 < v.versions.len() {
        notes.push(format!("later {}", v.versions[at + 1..].join(", ")));
    }
    if notes.is_empty() {
        current.clone()
    } else {
        format!("{current} ({})", notes.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::super::hosts::row;
    use super::*;
    use engine::ServiceRow;
    use scenarios::Dur;

    fn view() -> ServiceView {
        ServiceView {
            row: ServiceRow {
                name: "app".into(),
                kind: "app".into(),
                version: "4.12.0".into(),
                serving: 2,
                instances: 2,
                rps: 250.0,
                errors_pct: 0.0,
                p99_ms: 120.4,
            },
            versions: vec!["4.11.2".into(), "4.12.0".into()],
            calls: vec![("db".into(), 3.0), ("tax".into(), 0.5)],
            called_by: vec!["lb".into()],
            balanced_by: Some("lb".into()),
            primary: None,
            replica_lag: None,
            scaling: Some((8, Dur::from_mins(3))),
            instances: vec![
                row("app-1", "running", 40.0),
                row("app-2", "starting", 40.0),
            ],
            health_check: Some("every 5s, out after 3 failures, fails above 50% errors".into()),
        }
    }

    #[test]
    fn service_shows_wiring_then_instances() {
        let out = service(&view(), Style::default());
        assert_eq!(
            out,
            "service app\n\
             kind:          app\n\
             version:       4.12.0 (earlier 4.11.2)\n\
             instances:     2/2 serving\n\
             calls:         db x3, tax x0.5\n\
             called by:     lb\n\
             balanced by:   lb\n\
             health check:  every 5s, out after 3 failures, fails above 50% errors\n\
             scaling:       up to 8, provisioning 3m\n\
             \n\
             host   service  state     cpu %  mem %  disk %    rps  err %  p99 ms\n\
             app-1  db       running      12     62    40.0  125.0    0.0       4\n\
             app-2  db       starting     12     62    40.0  125.0    0.0       4\n\
             \n\
             now: 250.0 req/s  errors 0.0%  p99 120 ms\n"
        );
    }

    #[test]
    fn service_version_names_later_releases_after_a_rollback() {
        let mut v = view();
        v.row.version = "4.11.2".into();
        assert_eq!(version(&v), "4.11.2 (later 4.12.0)");
        v.versions = vec!["4.11.2".into()];
        assert_eq!(version(&v), "4.11.2");
    }

    #[test]
    fn service_shows_database_primary_and_lag() {
        let mut v = view();
        v.primary = Some("db-1".into());
        v.replica_lag = Some(Dur::from_secs(30));
        let out = service(&v, Style::default());
        assert!(out.contains("primary:       db-1\n"));
        assert!(out.contains("replica lag:   30s\n"));
    }
}
