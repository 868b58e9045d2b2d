#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sessioncore_fuzz::engine_ops(data));
