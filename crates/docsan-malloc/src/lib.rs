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
//! It also offers [`trim`], which the library calls before it checks a large output.
//!
//! This is the only crate of the workspace with `unsafe` code: calls to `mallopt` and
//! `malloc_trim`, which have no memory-safety preconditions. Elsewhere (other C libraries,
//! other systems) they do nothing.

/// The `mmap` threshold, kept fixed: blocks from this size on are mapped, and returned to
/// the system when freed.
pub const MMAP_THRESHOLD: i32 = 1 << 20;

/// Fixes the allocator's `mmap` threshold (see the crate documentation). Call once, first
/// thing in `main`, before any thread is started. Returns whether the setting was applied.
pub fn fix_mmap_threshold() -> bool {
    imp::fix_mmap_threshold()
}

/// Returns the free memory of every arena to the system (glibc's `malloc_trim`): between the
/// phases of a large document, so that what one phase freed on one thread does not stay in
/// the process while the next allocates on another. Returns whether memory was released.
pub fn trim() -> bool {
    imp::trim()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod imp {
    #[allow(unsafe_code)]
    pub(super) fn trim() -> bool {
        // SAFETY: no arguments beyond an integer, no preconditions.
        unsafe { libc::malloc_trim(0) == 1 }
    }

    #[allow(unsafe_code)]
    pub(super) fn fix_mmap_threshold() -> bool {
        // SAFETY: `mallopt` takes two integers and changes an allocator parameter; it has no
        // pointer arguments and no preconditions (glibc documents it as MT-safe).
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, super::MMAP_THRESHOLD) == 1 }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod imp {
    pub(super) fn trim() -> bool {
        false
    }
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
        // Allocation works as before after it, and after a trim.
        let v = vec![7u8; 1 << 20];
        assert_eq!(v.iter().map(|&b| u64::from(b)).sum::<u64>(), 7 << 20);
        drop(v);
        let _ = super::trim();
        let w = vec![9u8; 1 << 16];
        assert_eq!(w.iter().map(|&b| u64::from(b)).sum::<u64>(), 9 << 16);
    }
}
