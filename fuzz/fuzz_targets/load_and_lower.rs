//! Fuzz target: any bytes through loading and lowering must give a model or a list
//! of diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = generator::load::load(data) else {
        return;
    };
    let config = generator::Config::default();
    let _ = generator::lower::lower(&spec, &config, "fuzz");
});
