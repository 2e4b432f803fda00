//! Allocator settings for the `docsan` command.
//!
//! glibc's malloc serves large blocks with `mmap` and returns them to the system when they are
//! freed, but by default it raises that threshold to the size of each large block freed (up
//! to 32 MiB). After the first few vectors of a large document are freed, later ones of
//! megabytes come from the heap instead, whose freed middle is never returned: the process
//! then holds memory it no longer uses. Fixing the threshold keeps it from sliding. At glibc's
//! own default (128 KiB) the many small files of a bulk run paid for it: every block from
//! 128 KiB on was mapped and unmapped again, 15% more time on two cores. At 1 MiB, measured on
//! the bench: the 100k-row sheet peaks at 101 MB instead of 108, the 200-page PDF at 48 MB
//! instead of 99, and the 1,040-file corpus takes the time it took without the setting.
//!
//! This is the only crate of the workspace with `unsafe` code: one call to `mallopt`, which
//! has no memory-safety preconditions. Elsewhere (other C libraries, other systems) it does
//! nothing.

/// The `mmap` threshold, kept fixed: blocks from this size on are mapped, and returned to
/// the system when freed.
pub const MMAP_THRESHOLD: i32 = 1 << 20;

/// Fixes the allocator's `mmap` threshold (see the crate documentation). Call once, first
/// thing in `main`, before any thread is started. Returns whether the setting was applied.
pub fn fix_mmap_threshold() -> bool {
    imp::fix_mmap_threshold()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    #[allow(unsafe_code)]
    pub(super) fn fix_mmap_threshold() -> bool {
        // SAFETY: `mallopt` takes two integers and changes an allocator parameter; it has no
        // pointer arguments and no preconditions (glibc documents it as MT-safe).
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, super::MMAP_THRESHOLD) == 1 }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub(super) fn fix_mmap_threshold() -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_setting_is_accepted_where_it_exists() {
        let applied = super::fix_mmap_threshold();
        assert_eq!(
            applied,
            cfg!(all(target_os = "linux", target_env = "gnu")),
            "mallopt refused the threshold"
        );
        // Allocation works as before after it.
        let v = vec![7u8; 1 << 20];
        assert_eq!(v.iter().map(|&b| u64::from(b)).sum::<u64>(), 7 << 20);
    }
}
