//! Shared helpers: running the real `gameday` binary with piped input, each test in a private
//! scratch folder, and reading what it wrote.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The workspace root: `gameday` runs here, so relative paths in its output are stable.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Where the small valid fixture scenarios live, relative to [`ROOT`].
pub const OK_FIXTURES: &str = "tests/fixtures/scenarios/ok";

/// What a finished `gameday` process left behind.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts a clean exit and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success; stderr:\n{}", self.stderr);
        &self.stdout
    }

    /// The stderr and stdout together, as a person at a terminal sees a failure.
    pub fn both(&self) -> String {
        format!(
            "exit code: {}\n--- stderr\n{}--- stdout\n{}",
            self.code, self.stderr, self.stdout
        )
    }
}

/// Runs `gameday` with exactly `args` (no `--color never` added), feeding `stdin`.
pub fn raw(args: &[&str], stdin: &[u8], data_dir: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gameday"))
        .args(args)
        .current_dir(ROOT)
        .env("GAMEDAY_HISTFILE", "")
        .env("GAMEDAY_DATA_DIR", data_dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gameday binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    let input = stdin.to_vec();
    // Written from another thread so a long transcript cannot fill stdout while stdin blocks.
    let writer = std::thread::spawn(move || {
        // The process may leave (resolve, quit) before reading everything: that is not an error.
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("gameday finishes");
    writer.join().expect("stdin writer");
    let output = Output {
        code: out
            .status
            .code()
            .expect("gameday exits, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !output.stderr.contains("panicked"),
        "gameday panicked:\n{}",
        output.stderr
    );
    output
}

/// Runs `gameday --color never ARGS` with nothing on stdin, outside any scratch folder.
pub fn gameday(args: &[&str]) -> Output {
    let unused = std::env::temp_dir().join(format!("gameday-it-{}-unused", std::process::id()));
    let mut all = vec!["--color", "never"];
    all.extend_from_slice(args);
    raw(&all, b"", &unused)
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A private folder for one test under the system temp dir, removed when dropped.
#[derive(Debug)]
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("gameday-it-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch folder");
        Scratch { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes a file in the scratch folder and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).expect("write scratch file");
        p
    }

    /// `text` with the scratch folder's path replaced by `[TMP]`, so snapshots are stable.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.dir.display().to_string(), "[TMP]")
    }

    /// Runs `gameday --color never ARGS` with `stdin`, keeping its data inside this folder.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut all = vec!["--color", "never"];
        all.extend_from_slice(args);
        raw(&all, stdin, &self.path("data"))
    }

    /// Plays a session: `gameday play PLAY_ARGS --journal <journal>` with `script` on stdin.
    /// Returns the output and the journal's path.
    pub fn play(&self, journal: &str, play_args: &[&str], script: &str) -> (Output, PathBuf) {
        let path = self.path(journal);
        let path_text = path.to_str().expect("temp paths are UTF-8").to_owned();
        let mut args = vec!["play"];
        args.extend_from_slice(play_args);
        args.extend_from_slice(&["--journal", &path_text]);
        let out = self.run(&args, script.as_bytes());
        (out, path)
    }

    /// `gameday grade JOURNAL [--json]`.
    pub fn grade(&self, journal: &Path, json: bool) -> Output {
        let path = journal.to_str().expect("temp paths are UTF-8");
        let mut args = vec!["grade", path];
        if json {
            args.push("--json");
        }
        self.run(&args, b"")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The total a finished `play` printed on its scorecard's title line (`… total 97.0 / 100`).
pub fn printed_total(stdout: &str) -> f64 {
    let line = stdout
        .lines()
        .find(|l| l.contains("  total ") && l.ends_with(" / 100"))
        .unwrap_or_else(|| panic!("no scorecard title line in:\n{stdout}"));
    let after = line.rsplit_once("  total ").expect("total").1;
    after
        .trim_end_matches(" / 100")
        .parse()
        .unwrap_or_else(|e| panic!("total in `{line}`: {e}"))
}

/// A journal's lines as JSON values.
pub fn journal_lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("journal exists")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each journal line is JSON"))
        .collect()
}

/// Every scenario file under `dir` (`.ron` files that are not assessment packs), sorted.
pub fn ron_files(dir: &Path) -> Vec<PathBuf> {
    all_ron_files(dir)
        .into_iter()
        .filter(|p| !std::fs::read_to_string(p).is_ok_and(|t| scenarios::is_pack(&t)))
        .collect()
}

/// Every `.ron` file under `dir`, scenarios and packs, sorted.
pub fn all_ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "ron") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
