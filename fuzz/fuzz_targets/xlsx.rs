#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| docsan_fuzz::run("xlsx", data));
