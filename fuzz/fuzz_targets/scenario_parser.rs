#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| sessioncore_fuzz::scenario_parser(data));
