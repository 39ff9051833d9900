//! The REPL's command-line parser on arbitrary lines: a command or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    match engine::parse(line) {
        Ok(command) => {
            let _ = format!("{command:?}");
        }
        Err(e) => {
            let _ = format!("{e:?}");
        }
    }
});
