//! Storage screens: `backup list` (the catalogue, locations, schedules, restores) and the data
//! volume lines of `describe HOST`.

use engine::{BackupsView, VolumeView};

use super::format::{fixed, trimmed};
use super::style::{Style, Tone};
use super::table::{Cell, render};

pub(crate) fn backups(v: &BackupsView, style: Style) -> String {
    let title = match &v.target {
        Some(t) => format!("backups of {t}, newest first"),
        None => "backups, newest first".to_string(),
    };
    let mut out = style.paint(Tone::Bold, &title);
    out.push('\n');
    if v.backups.is_empty() {
        out.push_str("no backups\n");
    } else {
        let rows: Vec<Vec<Cell>> = v
            .backups
            .iter()
            .map(|b| {
                let verified = match b.verified.as_str() {
                    "yes" => Tone::Green,
                    "CORRUPT" => Tone::Red,
                    _ => Tone::Yellow,
                };
                let state = if b.state.starts_with("LOST") {
                    Tone::Red
                } else if b.state == "ready" {
                    Tone::Plain
                } else {
                    Tone::Yellow
                };
                vec![
                    Cell::plain(b.id.as_str()),
                    Cell::plain(b.target.as_str()),
                    Cell::plain(b.point.as_str()),
                    Cell::plain(format!("{} ago", b.age)),
                    Cell::plain(b.location.as_str()),
                    Cell::plain(b.location_kind.as_str()),
                    Cell::plain(fixed(b.size_gb, 0)),
                    Cell::new(b.verified.as_str(), verified),
                    Cell::plain(b.restore_time.to_string()),
                    Cell::new(b.state.as_str(), state),
                ]
            })
            .collect();
        out.push_str(&render(
            &[
                "id", "of", "taken", "age", "location", "kind", "GB", "verified", "restore",
                "state",
            ],
            &rows,
            style,
        ));
    }
    if !v.locations.is_empty() {
        out.push('\n');
        let rows: Vec<Vec<Cell>> = v
            .locations
            .iter()
            .map(|l| {
                let tone = if l.state == "ok" {
                    Tone::Plain
                } else {
                    Tone::Red
                };
                vec![
                    Cell::plain(l.id.as_str()),
                    Cell::plain(l.kind.as_str()),
                    Cell::plain(l.site.as_str()),
                    Cell::plain(trimmed(l.mb_per_s, 1)),
                    Cell::plain(if l.lead_time.ms() == 0 {
                        "-".to_string()
                    } else {
                        l.lead_time.to_string()
                    }),
                    Cell::new(l.state.as_str(), tone),
                ]
            })
            .collect();
        out.push_str(&render(
            &["location", "kind", "site", "MB/s", "retrieval", "state"],
            &rows,
            style,
        ));
    }
    if !v.schedules.is_empty() {
        out.push('\n');
        for s in &v.schedules {
            out.push_str(&format!(
                "schedule: {} every {} to {}, next at {}\n",
                s.target, s.every, s.location, s.next
            ));
        }
    }
    for r in &v.restores {
        out.push_str(&style.paint(Tone::Yellow, r));
        out.push('\n');
    }
    out.push_str(
        "restore time = retrieval + size / throughput; a backup is unproven until verified\n",
    );
    out
}

/// The `volume:` field of `describe HOST`: its IOPS and how busy it is, or that it is lost.
pub(crate) fn volume(v: &VolumeView) -> (String, Tone) {
    if let Some((id, done)) = &v.restoring {
        return (
            format!("being restored from backup {id}, done {done}"),
            Tone::Yellow,
        );
    }
    if let Some(why) = &v.lost {
        return (format!("LOST ({why})"), Tone::Red);
    }
    let mut parts = Vec::new();
    if let Some(limit) = v.iops_limit {
        let busy = v.iops_now / limit * 100.0;
        parts.push(format!(
            "{} / {} IOPS ({}%), I/O {} ms",
            fixed(v.iops_now, 0),
            fixed(limit, 0),
            fixed(busy, 0),
            fixed(v.io_wait_ms.unwrap_or(0.0), 2)
        ));
    }
    if v.fill_gb_per_hour > 0.0 {
        parts.push(format!(
            "data grows {} GB/h",
            trimmed(v.fill_gb_per_hour, 2)
        ));
    }
    let tone = match v.iops_limit {
        Some(limit) if v.iops_now >= 0.9 * limit => Tone::Red,
        Some(limit) if v.iops_now >= 0.8 * limit => Tone::Yellow,
        _ => Tone::Plain,
    };
    (parts.join(", "), tone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::{BackupRow, LocationRow};
    use scenarios::Dur;

    #[test]
    fn backup_list_shows_points_locations_and_restore_times() {
        let v = BackupsView {
            target: Some("db".into()),
            backups: vec![BackupRow {
                id: "7f3a9c21".into(),
                target: "db".into(),
                location: "nas-1".into(),
                location_kind: "same site".into(),
                point: "01:00".into(),
                age: Dur::from_mins(75),
                size_gb: 200.0,
                verified: "CORRUPT".into(),
                state: "ready".into(),
                restore_time: Dur::from_secs(410),
            }],
            locations: vec![LocationRow {
                id: "nas-1".into(),
                kind: "same site".into(),
                site: "dc-1".into(),
                mb_per_s: 500.0,
                lead_time: Dur::ZERO,
                state: "ok".into(),
            }],
            schedules: vec![],
            restores: vec![],
        };
        let out = backups(&v, Style::default());
        assert_eq!(
            out,
            "backups of db, newest first\n\
             id        of  taken  age        location  kind        GB  verified  restore  state\n\
             7f3a9c21  db  01:00  1h15m ago  nas-1     same site  200  CORRUPT   6m50s    ready\n\
             \n\
             location  kind       site  MB/s  retrieval  state\n\
             nas-1     same site  dc-1   500  -          ok\n\
             restore time = retrieval + size / throughput; a backup is unproven until verified\n"
        );
    }
}
