//! The wall-clock countdown of an assessment: a thread that prints a warning above the prompt
//! while the candidate types, at five minutes and one minute left and when time is up. The REPL
//! enforces the deadline itself; this only makes it visible.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use rustyline::ExternalPrinter;

use crate::repl::Deadline;

/// Warnings are printed when this many ms are left.
const WARN_AT_MS: [u64; 2] = [5 * 60_000, 60_000];

/// Stops its thread when dropped.
pub struct Countdown {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Countdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Countdown")
    }
}

impl Countdown {
    pub fn start<P: ExternalPrinter + Send + 'static>(
        mut printer: P,
        deadline: Deadline,
    ) -> Countdown {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let mut warnings: Vec<u64> = WARN_AT_MS
                .into_iter()
                .filter(|&w| deadline.remaining_ms() > w)
                .collect();
            loop {
                let left = deadline.remaining_ms();
                let next = warnings.first().copied().unwrap_or(0);
                let wait = Duration::from_millis(left.saturating_sub(next).max(1));
                match stopped.recv_timeout(wait) {
                    Err(RecvTimeoutError::Timeout) => {}
                    _ => return,
                }
                if deadline.remaining_ms() > next {
                    continue;
                }
                let text = if next == 0 {
                    "\n*** Time is up: this scenario is closed and graded as it stands. Press Enter to go on. ***\n".to_owned()
                } else {
                    format!(
                        "\n*** {} left for this scenario ***\n",
                        if next >= 60_000 {
                            format!("{} min", next / 60_000)
                        } else {
                            format!("{} s", next / 1_000)
                        }
                    )
                };
                let _ = printer.print(text);
                if next == 0 {
                    return;
                }
                warnings.remove(0);
            }
        });
        Countdown {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Countdown {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
