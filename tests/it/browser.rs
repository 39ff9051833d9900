//! The HTML reports in a real browser: headless Chromium (Debian's package, which `.ci/run`
//! installs) loads each page from a file, and the test checks the DOM has the charts and tables,
//! that the page asked the network for nothing, and that it logged no error (a Content Security
//! Policy violation would be one). A screenshot proves it paints.
//!
//! Without /usr/bin/chromium the test says so and passes, except under CI (`CI` set), where a
//! missing browser is a failure.

use std::path::Path;
use std::process::Command;

use crate::support::Scratch;

const CHROMIUM: &str = "/usr/bin/chromium";

/// Flags for a quiet, offline, throw-away browser (as root it needs `--no-sandbox`).
const FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

struct Loaded {
    dom: String,
    /// Requests the page itself started (the browser's own housekeeping is not counted).
    page_requests: usize,
    /// Console messages, CSP violations included.
    console: Vec<String>,
}

/// Loads `page` with every host name unresolvable and the network log on.
fn load(s: &Scratch, page: &Path, name: &str) -> Loaded {
    let net = s.path(&format!("{name}-net.json"));
    let out = Command::new(CHROMIUM)
        .args(FLAGS)
        .arg(format!(
            "--user-data-dir={}",
            s.path(&format!("{name}-profile")).display()
        ))
        .arg("--host-resolver-rules=MAP * ~NOTFOUND")
        .args(["--enable-logging=stderr", "--v=0"])
        .arg(format!("--log-net-log={}", net.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let log = std::fs::read_to_string(&net).expect("chromium wrote its network log");
    Loaded {
        dom: String::from_utf8_lossy(&out.stdout).into_owned(),
        // The page's own requests carry the file page as their top-frame site.
        page_requests: log.matches("\"network_isolation_key\":\"file://").count(),
        console: stderr
            .lines()
            .filter(|l| l.contains(":CONSOLE"))
            .map(str::to_owned)
            .collect(),
    }
}

fn available() -> bool {
    if Path::new(CHROMIUM).is_file() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{CHROMIUM} is missing; .ci/run installs Debian's chromium package before the tests"
    );
    eprintln!("skipped: {CHROMIUM} is not installed (apt-get install chromium)");
    false
}

#[test]
fn html_reports_render_offline_with_their_charts_and_tables() {
    if !available() {
        return;
    }
    let s = Scratch::new("browser");
    let commands = "status\ndescribe db-1\nnote disk filling on db-1\nresolve\nstatus\nresolve\n";
    for c in ["Ada", "Grace <b>Hopper</b>"] {
        let dir = s.path(&format!("sat/{c}"));
        let out = s.run(
            &[
                "assess",
                "--pack",
                "tests/fixtures/packs/two-incidents.ron",
                "--candidate",
                c,
                "--out",
                dir.to_str().unwrap(),
            ],
            commands.as_bytes(),
        );
        out.ok();
    }
    let ranking = s.path("ranking.html");
    s.run(
        &[
            "report",
            s.path("sat/Ada").to_str().unwrap(),
            s.path("sat/Grace <b>Hopper</b>").to_str().unwrap(),
            "--html",
            ranking.to_str().unwrap(),
        ],
        b"",
    )
    .ok();

    let page = load(
        &s,
        &s.path("sat/Grace <b>Hopper</b>/report.html"),
        "candidate",
    );
    assert_eq!(page.page_requests, 0, "the candidate page made requests");
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    let dom = &page.dom;
    assert_eq!(
        dom.matches("<svg class=\"health-chart\"").count(),
        2,
        "{dom}"
    );
    assert_eq!(dom.matches("<table class=\"kpis\"").count(), 2);
    assert!(dom.contains("<table class=\"summary\""));
    assert!(dom.contains("<section class=\"integrity\""));
    assert!(dom.contains("class=\"band\""));
    // The name is text on the page, not markup.
    assert!(dom.contains("Grace &lt;b&gt;Hopper&lt;/b&gt;"));
    assert!(!dom.contains("<b>Hopper</b>"));

    let page = load(&s, &ranking, "ranking");
    assert_eq!(page.page_requests, 0, "the ranking page made requests");
    assert!(page.console.is_empty(), "console: {:?}", page.console);
    assert!(page.dom.contains("<table class=\"ranking\""));
    assert!(page.dom.contains("Ada"));

    // It paints: a PNG of the page's size.
    let png = s.path("candidate.png");
    let status = Command::new(CHROMIUM)
        .args(FLAGS)
        .arg(format!(
            "--user-data-dir={}",
            s.path("shot-profile").display()
        ))
        .arg("--host-resolver-rules=MAP * ~NOTFOUND")
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1280,2000")
        .arg(format!(
            "file://{}",
            s.path("sat/Ada/report.html").display()
        ))
        .output()
        .expect("chromium runs");
    assert!(status.status.success());
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 1280);
    assert!(bytes.len() > 20_000, "a blank page compresses far smaller");
}

/// The check is not blind: a page that loads an image from the network is caught.
#[test]
fn the_offline_check_catches_a_page_that_fetches() {
    if !available() {
        return;
    }
    let s = Scratch::new("browser-negative");
    let page = s.write(
        "fetches.html",
        "<!doctype html><html><head><title>x</title></head><body><img src=\"http://example.invalid/x.png\"></body></html>",
    );
    let loaded = load(&s, &page, "fetches");
    assert!(loaded.page_requests >= 1, "the image request was not seen");
}
