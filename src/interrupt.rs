//! Ctrl-C while a command runs at a terminal: the command runs to its end and is journalled, and
//! the REPL then says it was not cut short, instead of the process dying half-way through a
//! `wait`; a second Ctrl-C during the same command ends the process (the command is then not
//! journalled: it was never acknowledged). At the prompt the line editor takes Ctrl-C itself (it clears the line); with piped
//! input, and outside a command, Ctrl-C ends the process as usual, and the journal keeps every
//! command already acknowledged.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// `seen`: Ctrl-C arrived while a command was held. `fatal`: Ctrl-C takes its default action
/// (ending the process); cleared only while a command runs.
#[derive(Debug)]
struct Flags {
    seen: Arc<AtomicBool>,
    fatal: Arc<AtomicBool>,
}

static FLAGS: OnceLock<Flags> = OnceLock::new();

/// Installs the handler, once per process; a session at a terminal calls it. Without it (piped
/// input, or if the handler cannot be installed) Ctrl-C keeps its default action.
pub fn install() {
    FLAGS.get_or_init(|| {
        let flags = Flags {
            seen: Arc::new(AtomicBool::new(false)),
            fatal: Arc::new(AtomicBool::new(true)),
        };
        #[cfg(unix)]
        {
            use signal_hook::consts::SIGINT;
            // In this order: outside a command, or on a second Ctrl-C within one, the default
            // action ends the process before the flag is set.
            let _ =
                signal_hook::flag::register_conditional_default(SIGINT, Arc::clone(&flags.fatal));
            let _ =
                signal_hook::flag::register_conditional_default(SIGINT, Arc::clone(&flags.seen));
            let _ = signal_hook::flag::register(SIGINT, Arc::clone(&flags.seen));
        }
        flags
    });
}

/// Holds Ctrl-C while one command runs, from `hold()` until it is dropped.
#[derive(Debug)]
pub struct Hold(());

/// Starts holding Ctrl-C (a no-op unless [`install`] ran).
pub fn hold() -> Hold {
    if let Some(f) = FLAGS.get() {
        f.seen.store(false, Ordering::SeqCst);
        f.fatal.store(false, Ordering::SeqCst);
    }
    Hold(())
}

impl Hold {
    /// Whether Ctrl-C was pressed since the hold began.
    pub fn interrupted(&self) -> bool {
        FLAGS.get().is_some_and(|f| f.seen.load(Ordering::SeqCst))
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        if let Some(f) = FLAGS.get() {
            f.fatal.store(true, Ordering::SeqCst);
        }
    }
}
