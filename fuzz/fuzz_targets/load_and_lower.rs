//! Fuzz target: any bytes through loading and lowering must give a model or a list
//! of diagnostics, never a panic or a hang (run with `-timeout=10`, so a slow input
//! counts as a failure).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = generator::Config::default();
    let _ = generator::load_and_lower(data, "fuzz", &config);
});
