//! The scenario and pack loaders on arbitrary text: every variant loaded, every error rendered.
//! Nothing may panic, and each input must finish well inside libFuzzer's `-timeout`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if scenarios::is_pack(text) {
        if let Err(e) = scenarios::load_pack("fuzz.ron", text) {
            let _ = e.to_string();
        }
        return;
    }
    match scenarios::load_every_variant("fuzz.ron", text) {
        Ok(variants) => assert!(!variants.is_empty(), "a loaded scenario has a variant"),
        Err(e) => {
            assert!(!e.diagnostics.is_empty(), "a refusal says why");
            let _ = e.to_string();
        }
    }
});
