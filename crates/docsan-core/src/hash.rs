//! A fast hasher for the large in-memory sets of one document's values.

/// A multiplicative hasher for sets and maps of short strings and numbers that hold hundreds of
/// thousands of them (a sheet's values, its column headers), where SipHash cost more than the
/// rest of the work. For membership and lookups only: nothing may depend on the order of a
/// table hashed with it. (Keys come from the file; a file crafted to collide costs time, which
/// the time limit bounds.)
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // Spread every bit over the low ones the table indexes by (a multiply only carries
        // upwards).
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut a = [0u8; 8];
            a.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(a)).wrapping_mul(K);
        }
        let mut a = [0u8; 8];
        let rest = chunks.remainder();
        a[..rest.len()].copy_from_slice(rest);
        self.0 =
            (self.0.rotate_left(5) ^ u64::from_le_bytes(a) ^ bytes.len() as u64).wrapping_mul(K);
    }
}

/// A hash set with [`FastHasher`].
pub type FastSet<T> = std::collections::HashSet<T, std::hash::BuildHasherDefault<FastHasher>>;

/// A hash map with [`FastHasher`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;
