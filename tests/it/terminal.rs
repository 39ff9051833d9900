//! The REPL at a terminal (a pseudo-terminal, as a person's would be): Ctrl-C at the prompt and
//! while a long command runs, Ctrl-D mid-line and on an empty line, bytes that are not UTF-8, a
//! line over 4 KiB and window resizes. Each has its defined behaviour (docs/reliability.md); none
//! panics, and no command is lost.

use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{Winsize, tcsetwinsize};

use crate::support::{OK_FIXTURES, ROOT, Scratch, journal_lines};

/// How long to wait for expected output before failing (the machine may be busy).
const PATIENCE: Duration = Duration::from_secs(60);

/// `gameday` on the slave side of a pseudo-terminal that is its controlling terminal (so Ctrl-C
/// raises SIGINT and a resize SIGWINCH, as in a real one); the test types on the master side.
struct Tty {
    master: File,
    child: Child,
    screen: Arc<Mutex<Vec<u8>>>,
    /// How much of the screen earlier expectations consumed.
    seen: usize,
    reader: Option<JoinHandle<()>>,
}

fn size(rows: u16, cols: u16) -> Winsize {
    Winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

impl Tty {
    fn spawn(s: &Scratch, args: &[&str]) -> Tty {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)
            .expect("a pseudo-terminal");
        grantpt(&master).expect("grantpt");
        unlockpt(&master).expect("unlockpt");
        let name = ptsname(&master, Vec::new()).expect("ptsname");
        tcsetwinsize(&master, size(30, 120)).expect("window size");
        let slave = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(rustix::fs::OFlags::NOCTTY.bits() as i32)
            .open(Path::new(OsStr::from_bytes(name.as_bytes())))
            .expect("open the terminal");
        // `setsid -c` (util-linux) starts a session whose controlling terminal is its stdin.
        let child = Command::new("setsid")
            .arg("-c")
            .arg(env!("CARGO_BIN_EXE_gameday"))
            .args(["--color", "never"])
            .args(args)
            .current_dir(ROOT)
            .env("GAMEDAY_HISTFILE", "")
            .env("GAMEDAY_DATA_DIR", s.path("data"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .stdin(slave.try_clone().expect("dup"))
            .stdout(slave.try_clone().expect("dup"))
            .stderr(slave)
            .spawn()
            .expect("setsid and gameday run");
        let master = File::from(master);
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut from = master.try_clone().expect("dup");
        let into = Arc::clone(&screen);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends with EIO once the program and its terminal are gone.
            while let Ok(n @ 1..) = from.read(&mut buf) {
                into.lock().expect("screen").extend_from_slice(&buf[..n]);
            }
        });
        Tty {
            master,
            child,
            screen,
            seen: 0,
            reader: Some(reader),
        }
    }

    fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.master.write_all(bytes.as_ref()).expect("type");
        self.master.flush().expect("flush");
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.screen.lock().expect("screen")).into_owned()
    }

    /// Waits until `text` appears after what earlier expectations consumed, and consumes it.
    #[track_caller]
    #[allow(
        clippy::disallowed_types,
        reason = "a test's patience with a busy machine is wall time"
    )]
    fn expect(&mut self, text: &str) {
        let start = std::time::Instant::now();
        loop {
            {
                let screen = self.screen.lock().expect("screen");
                let rest = &screen[self.seen..];
                if let Some(i) = rest.windows(text.len()).position(|w| w == text.as_bytes()) {
                    self.seen += i + text.len();
                    return;
                }
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!(
                    "`{text}` did not appear; the terminal shows:\n{:?}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        tcsetwinsize(&self.master, size(rows, cols)).expect("resize");
    }

    /// Waits for the program to exit; returns how, and everything it showed.
    #[allow(
        clippy::disallowed_types,
        reason = "a test's patience with a busy machine is wall time"
    )]
    fn finish(mut self) -> (ExitStatus, String) {
        let start = std::time::Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if start.elapsed() > PATIENCE {
                let _ = self.child.kill();
                panic!("gameday did not exit; it shows:\n{:?}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        drop(self.master);
        if let Some(r) = self.reader.take() {
            r.join().expect("reader");
        }
        let screen = String::from_utf8_lossy(&self.screen.lock().expect("screen")).into_owned();
        assert!(!screen.contains("panicked"), "{screen}");
        (status, screen)
    }
}

const PROMPT: &str = "db-disk-full> ";

fn play(s: &Scratch, journal: &Path) -> Tty {
    let path = journal.to_str().expect("UTF-8 path");
    let mut tty = Tty::spawn(s, &["play", "db-disk-full", "--journal", path]);
    tty.expect("Type `help` for commands.");
    tty.expect(PROMPT);
    tty
}

fn commands(journal: &Path) -> Vec<String> {
    journal_lines(journal)[1..]
        .iter()
        .map(|e| e["line"].as_str().expect("line").to_owned())
        .collect()
}

/// `quit`, confirmed: the session ends cleanly, saved.
fn quit(mut tty: Tty) -> String {
    tty.send("quit\r");
    tty.expect("Leave anyway? Your commands are saved. [y/N] ");
    tty.send("y\r");
    tty.expect("Left at ");
    let (status, screen) = tty.finish();
    assert!(status.success(), "{status:?}\n{screen}");
    screen
}

#[test]
fn terminal_ctrl_c_at_the_prompt_drops_the_line_and_stays() {
    let s = Scratch::new("tty-ctrl-c");
    let journal = s.path("j.jsonl");
    let mut tty = play(&s, &journal);
    tty.send("kill db-1 pg_debug_log");
    tty.send("\x03");
    tty.expect("^C (type `quit` to leave)");
    tty.expect(PROMPT);
    tty.send("status\r");
    tty.expect("alerts firing: 1");
    tty.expect(PROMPT);
    quit(tty);
    assert_eq!(commands(&journal), ["status"], "the dropped line never ran");
}

/// A command that keeps the simulation busy for seconds of wall time: six simulated hours of
/// [`busy_estate`] (a few seconds on the 2-core test machine).
const LONG: &str = "wait 6h";
const LONG_PROMPT: &str = "tiny-runaway-cpu> ";

/// The tiny fixture grown to 600 app hosts and a day of simulated time, with the database's
/// disk full, written to `s`.
fn busy_estate(s: &Scratch) -> std::path::PathBuf {
    let text = std::fs::read_to_string(
        Path::new(ROOT)
            .join(OK_FIXTURES)
            .join("tiny-runaway-cpu.ron"),
    )
    .expect("the fixture");
    let host = |i: usize| {
        format!(
            "            (id: \"app-{i}\", zone: \"dc-1-a\", cores: 4, memory_gb: 8.0, disk_gb: 50.0, disk_used_gb: 20.0),\n"
        )
    };
    let names: Vec<String> = (1..=600).map(|i| format!("\"app-{i}\"")).collect();
    let grown = text
        .replacen(
            &(host(1) + &host(2)),
            &(1..=600).map(host).collect::<String>(),
            1,
        )
        .replacen(
            r#"hosts: ["app-1", "app-2"]"#,
            &format!("hosts: [{}]", names.join(", ")),
            1,
        )
        .replacen(r#"time_limit: "30m""#, r#"time_limit: "24h""#, 1)
        .replacen("base_rps: 200.0", "base_rps: 20000.0", 1)
        // A full disk keeps the database crash-looping, so no stretch is quiet enough for the
        // engine to coast through: every simulated second is a tick.
        .replacen(
            "disk_gb: 200.0, disk_used_gb: 80.0",
            "disk_gb: 200.0, disk_used_gb: 200.0",
            1,
        );
    assert!(
        grown.contains("\"app-600\", zone")
            && grown.contains("24h")
            && grown.contains("disk_used_gb: 200.0"),
        "the fixture changed"
    );
    s.write("busy.ron", grown)
}

fn play_long(s: &Scratch, journal: &Path) -> Tty {
    let estate = busy_estate(s);
    let path = journal.to_str().expect("UTF-8 path");
    let mut tty = Tty::spawn(
        s,
        &[
            "play",
            estate.to_str().expect("UTF-8 path"),
            "--journal",
            path,
        ],
    );
    tty.expect("Type `help` for commands.");
    tty.expect(LONG_PROMPT);
    tty
}

#[test]
fn terminal_ctrl_c_during_a_long_command_lets_it_finish() {
    let s = Scratch::new("tty-ctrl-c-wait");
    let journal = s.path("j.jsonl");
    let mut tty = play_long(&s, &journal);
    tty.send(format!("{LONG}\r"));
    std::thread::sleep(Duration::from_millis(500));
    tty.send("\x03");
    tty.expect("waited 6h");
    tty.expect(&format!(
        "^C: `{LONG}` was already running and ran to its end (a command is never cut short); type `quit` to leave"
    ));
    tty.expect(LONG_PROMPT);
    tty.send("quit\r");
    tty.expect("[y/N] ");
    tty.send("y\r");
    tty.expect("Left at ");
    let (status, screen) = tty.finish();
    assert!(status.success(), "{status:?}\n{screen}");
    assert_eq!(commands(&journal), [LONG]);
}

#[test]
fn terminal_second_ctrl_c_during_a_command_ends_the_process_and_keeps_the_journal() {
    let s = Scratch::new("tty-ctrl-c-twice");
    let journal = s.path("j.jsonl");
    let mut tty = play_long(&s, &journal);
    tty.send("status\r");
    tty.expect(LONG_PROMPT);
    tty.send(format!("{LONG}\r"));
    std::thread::sleep(Duration::from_millis(500));
    tty.send("\x03");
    std::thread::sleep(Duration::from_millis(50));
    tty.send("\x03");
    let (status, screen) = tty.finish();
    assert_eq!(
        status.signal(),
        Some(2),
        "ended by SIGINT: {status:?}\n{screen}"
    );
    assert!(!screen.contains("waited 6h"), "{screen}");
    // The interrupted command was never acknowledged; the one before it was.
    assert_eq!(commands(&journal), ["status"]);
    let out = s.run(
        &["play", "--resume", journal.to_str().expect("UTF-8 path")],
        b"",
    );
    assert!(
        out.ok().contains("Resumed: 1 command replayed"),
        "{}",
        out.both()
    );
}

#[test]
fn terminal_ctrl_d_mid_line_edits_and_on_an_empty_line_asks_before_leaving() {
    let s = Scratch::new("tty-ctrl-d");
    let journal = s.path("j.jsonl");
    let mut tty = play(&s, &journal);
    // Mid-line, Ctrl-D deletes the character under the cursor (none at the end): the line stays.
    tty.send("sta\x04tus\r");
    tty.expect("alerts firing: 1");
    tty.expect(PROMPT);
    // On an empty line it asks; no stays.
    tty.send("\x04");
    tty.expect("Leave anyway? Your commands are saved. [y/N] ");
    tty.send("n\r");
    tty.expect(PROMPT);
    // Ctrl-D at the question too (or a terminal that is gone): the session stops, saved.
    tty.send("\x04");
    tty.expect("[y/N] ");
    tty.send("\x04");
    tty.expect("Left at 02:14 without resolving.");
    let (status, screen) = tty.finish();
    assert!(status.success(), "{status:?}\n{screen}");
    assert!(screen.contains("gameday play --resume "), "{screen}");
    assert_eq!(commands(&journal), ["status"]);
}

#[test]
fn terminal_refuses_bytes_that_are_not_utf8_and_lines_over_4_kib() {
    let s = Scratch::new("tty-bytes");
    let journal = s.path("j.jsonl");
    let mut tty = play(&s, &journal);
    tty.send(b"st\xff");
    tty.expect("error: the terminal sent bytes that are not UTF-8; the line was discarded");
    tty.expect(PROMPT);
    let long = format!("note \"{}\"", "x".repeat(5_000));
    tty.send(format!("{long}\r"));
    tty.expect("error: that line is 5007 bytes; commands are at most 4096");
    tty.expect(PROMPT);
    tty.send("status\r");
    tty.expect("alerts firing: 1");
    tty.expect(PROMPT);
    quit(tty);
    assert_eq!(commands(&journal), ["status"]);
}

#[test]
fn terminal_window_resizes_at_the_prompt_and_during_a_command_change_nothing() {
    let s = Scratch::new("tty-resize");
    let journal = s.path("j.jsonl");
    let mut tty = play(&s, &journal);
    tty.send("sta");
    tty.resize(12, 40);
    std::thread::sleep(Duration::from_millis(100));
    tty.send("tus\r");
    tty.expect("alerts firing: 1");
    tty.expect(PROMPT);
    tty.send("wait 30m\r");
    tty.resize(50, 200);
    tty.expect("waited 30m");
    tty.expect(PROMPT);
    tty.resize(24, 80);
    tty.send("describe db-1\r");
    tty.expect("disk write GB/h");
    tty.expect(PROMPT);
    quit(tty);
    assert_eq!(commands(&journal), ["status", "wait 30m", "describe db-1"]);
}
