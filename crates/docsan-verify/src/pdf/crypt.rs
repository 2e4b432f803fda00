//! PDF standard security handler, for files encrypted with an empty user password.
//!
//! Many published PDFs are encrypted only to restrict printing or copying: anyone can open them,
//! and so anyone can read what they hold. The verifier must read them too, or it would have to
//! give up on exactly the files most likely to be published. Revisions 2 to 4 (RC4 and AES-128)
//! and 5 to 6 (AES-256) are supported; a file that needs a real password is refused.

use super::lexer::Obj;
use aes::cipher::{Array, BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use docsan_core::Error;
use md5::{Digest, Md5};
use sha2::{Sha256, Sha384, Sha512};

const PAD: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

/// How strings and streams are encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    None,
    Rc4,
    Aes128,
    Aes256,
}

/// The file key and methods of one encrypted file.
#[derive(Debug, Clone)]
pub(crate) struct Crypt {
    key: Vec<u8>,
    strings: Method,
    streams: Method,
    pub(crate) encrypt_metadata: bool,
}

fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    if key.is_empty() {
        return data.to_vec();
    }
    let mut j: u8 = 0;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            let k = s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))];
            b ^ k
        })
        .collect()
}

fn md5(parts: &[&[u8]]) -> [u8; 16] {
    let mut h = Md5::new();
    for p in parts {
        h.update(p);
    }
    let out = h.finalize();
    let mut a = [0u8; 16];
    a.copy_from_slice(out.as_slice());
    a
}

/// AES-CBC decryption with the IV in the first block; padding removed when valid.
fn aes_cbc_decrypt(key: &[u8], data: &[u8], has_iv: bool, unpad: bool) -> Vec<u8> {
    let (iv, body) = if has_iv {
        if data.len() < 16 {
            return Vec::new();
        }
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&data[..16]);
        (iv, &data[16..])
    } else {
        ([0u8; 16], data)
    };
    let mut out = Vec::with_capacity(body.len());
    let mut prev = iv;
    let decrypt = |block: &mut [u8; 16]| match key.len() {
        16 => {
            if let Ok(c) = aes::Aes128::new_from_slice(key) {
                let mut b = Array::from(*block);
                c.decrypt_block(&mut b);
                block.copy_from_slice(b.as_slice());
            }
        }
        _ => {
            if let Ok(c) = aes::Aes256::new_from_slice(key) {
                let mut b = Array::from(*block);
                c.decrypt_block(&mut b);
                block.copy_from_slice(b.as_slice());
            }
        }
    };
    for chunk in body.chunks_exact(16) {
        let mut block = [0u8; 16];
        block.copy_from_slice(chunk);
        let cipher = block;
        decrypt(&mut block);
        for k in 0..16 {
            block[k] ^= prev[k];
        }
        out.extend_from_slice(&block);
        prev = cipher;
    }
    if unpad && let Some(&p) = out.last() {
        let p = usize::from(p);
        if (1..=16).contains(&p) && p <= out.len() {
            out.truncate(out.len() - p);
        }
    }
    out
}

fn aes128_cbc_encrypt(key: &[u8], iv: &[u8], data: &[u8]) -> Vec<u8> {
    let Ok(c) = aes::Aes128::new_from_slice(key) else {
        return Vec::new();
    };
    let mut prev = [0u8; 16];
    prev.copy_from_slice(iv.get(..16).unwrap_or(&[0u8; 16]));
    let mut out = Vec::with_capacity(data.len());
    for chunk in data.chunks_exact(16) {
        let mut b = [0u8; 16];
        for k in 0..16 {
            b[k] = chunk[k] ^ prev[k];
        }
        let mut a = Array::from(b);
        c.encrypt_block(&mut a);
        prev.copy_from_slice(a.as_slice());
        out.extend_from_slice(a.as_slice());
    }
    out
}

/// Hash of revision 5 and 6 (ISO 32000-2 algorithm 2.B), for an empty password.
fn hash_r6(password: &[u8], salt: &[u8], udata: &[u8], r6: bool) -> Vec<u8> {
    let mut k: Vec<u8> = Sha256::digest([password, salt, udata].concat()).to_vec();
    if !r6 {
        return k;
    }
    let mut round = 0u32;
    loop {
        let mut k1 = Vec::with_capacity(64 * (password.len() + k.len() + udata.len()));
        for _ in 0..64 {
            k1.extend_from_slice(password);
            k1.extend_from_slice(&k);
            k1.extend_from_slice(udata);
        }
        let (Some(key), Some(iv)) = (k.get(..16), k.get(16..32)) else {
            return k;
        };
        let e = aes128_cbc_encrypt(key, iv, &k1);
        let sum: u32 = e.iter().take(16).map(|&b| u32::from(b)).sum();
        k = match sum % 3 {
            0 => Sha256::digest(&e).to_vec(),
            1 => Sha384::digest(&e).to_vec(),
            _ => Sha512::digest(&e).to_vec(),
        };
        round += 1;
        if round >= 64 && e.last().is_some_and(|&l| u32::from(l) <= round - 32) {
            break;
        }
        if round > 1000 {
            break;
        }
    }
    k.truncate(32);
    k
}

fn method_of(encrypt: &Obj, resolve: &dyn Fn(&Obj) -> Obj, key: &[u8]) -> Method {
    let name = match encrypt.get(key) {
        Some(Obj::Name(n)) => n.clone(),
        _ => return Method::None,
    };
    if name == b"Identity" {
        return Method::None;
    }
    let cf = resolve(encrypt.get(b"CF").unwrap_or(&Obj::Null));
    let filter = resolve(cf.get(&name).unwrap_or(&Obj::Null));
    match filter.get(b"CFM").and_then(Obj::name) {
        Some(b"AESV2") => Method::Aes128,
        Some(b"AESV3") => Method::Aes256,
        Some(b"V2") => Method::Rc4,
        _ => Method::None,
    }
}

impl Crypt {
    /// Derives the file key for the empty user password, or refuses the file.
    pub(crate) fn new(
        encrypt: &Obj,
        id0: &[u8],
        resolve: &dyn Fn(&Obj) -> Obj,
    ) -> Result<Crypt, Error> {
        let num = |k: &[u8]| resolve(encrypt.get(k).unwrap_or(&Obj::Null)).num();
        let bytes = |k: &[u8]| match resolve(encrypt.get(k).unwrap_or(&Obj::Null)) {
            Obj::Str(s) => s,
            _ => Vec::new(),
        };
        if encrypt.get(b"Filter").and_then(Obj::name) != Some(b"Standard") {
            return Err(Error::encrypted("pdf uses a non-standard security handler"));
        }
        let v = num(b"V").unwrap_or(0.0) as u32;
        let r = num(b"R").unwrap_or(0.0) as u32;
        let encrypt_metadata = !matches!(encrypt.get(b"EncryptMetadata"), Some(Obj::Bool(false)));
        let (o, u) = (bytes(b"O"), bytes(b"U"));
        let p = num(b"P").unwrap_or(0.0) as i64 as i32;
        if r >= 5 {
            let (Some(hash), Some(vsalt), Some(ksalt)) =
                (u.get(..32), u.get(32..40), u.get(40..48))
            else {
                return Err(Error::encrypted("pdf encryption dictionary is damaged"));
            };
            if hash_r6(b"", vsalt, b"", r == 6).get(..32) != Some(hash) {
                return Err(Error::encrypted("pdf needs a password to open"));
            }
            let ik = hash_r6(b"", ksalt, b"", r == 6);
            let ue = bytes(b"UE");
            let key = aes_cbc_decrypt(&ik, ue.get(..32).unwrap_or_default(), false, false);
            if key.len() != 32 {
                return Err(Error::encrypted("pdf encryption dictionary is damaged"));
            }
            return Ok(Crypt {
                key,
                strings: method_of(encrypt, resolve, b"StrF"),
                streams: method_of(encrypt, resolve, b"StmF"),
                encrypt_metadata,
            });
        }
        let n = if r == 2 {
            5
        } else {
            (num(b"Length").unwrap_or(40.0) as usize / 8).clamp(5, 16)
        };
        let mut h = Md5::new();
        h.update(PAD);
        h.update(o.get(..32).unwrap_or(&o));
        h.update(p.to_le_bytes());
        h.update(id0);
        if r >= 4 && !encrypt_metadata {
            h.update([0xFF; 4]);
        }
        let mut key = h.finalize().as_slice().to_vec();
        if r >= 3 {
            for _ in 0..50 {
                key = md5(&[key.get(..n).unwrap_or(&key)]).to_vec();
            }
        }
        key.truncate(n);
        // Check the empty user password against U.
        let ok = if r == 2 {
            rc4(&key, &PAD) == u.get(..32).unwrap_or(&u)
        } else {
            let mut x = rc4(&key, &md5(&[&PAD, id0]));
            for i in 1..=19u8 {
                let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
                x = rc4(&k, &x);
            }
            u.get(..16) == Some(x.as_slice())
        };
        if !ok {
            return Err(Error::encrypted("pdf needs a password to open"));
        }
        let (strings, streams) = if v >= 4 {
            (
                method_of(encrypt, resolve, b"StrF"),
                method_of(encrypt, resolve, b"StmF"),
            )
        } else {
            (Method::Rc4, Method::Rc4)
        };
        Ok(Crypt {
            key,
            strings,
            streams,
            encrypt_metadata,
        })
    }

    fn object_key(&self, num: u32, generation: u16, aes: bool) -> Vec<u8> {
        let n = num.to_le_bytes();
        let g = generation.to_le_bytes();
        let salt: &[u8] = if aes { b"sAlT" } else { b"" };
        let h = md5(&[&self.key, &n[..3], &g, salt]);
        h[..(self.key.len() + 5).min(16)].to_vec()
    }

    fn apply(&self, m: Method, num: u32, generation: u16, data: &[u8]) -> Vec<u8> {
        match m {
            Method::None => data.to_vec(),
            Method::Rc4 => rc4(&self.object_key(num, generation, false), data),
            Method::Aes128 => {
                aes_cbc_decrypt(&self.object_key(num, generation, true), data, true, true)
            }
            Method::Aes256 => aes_cbc_decrypt(&self.key, data, true, true),
        }
    }

    pub(crate) fn stream(&self, num: u32, generation: u16, data: &[u8]) -> Vec<u8> {
        self.apply(self.streams, num, generation, data)
    }

    /// Decrypts every string inside an object, in place.
    pub(crate) fn strings(&self, num: u32, generation: u16, o: &mut Obj, depth: u32) {
        if depth > 64 {
            return;
        }
        match o {
            Obj::Str(s) => *s = self.apply(self.strings, num, generation, s),
            Obj::Array(a) => {
                for v in a {
                    self.strings(num, generation, v, depth + 1);
                }
            }
            Obj::Dict(d) => {
                for (_, v) in d {
                    self.strings(num, generation, v, depth + 1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc4_matches_a_known_vector() {
        // RFC 6229 style check: key "Key", plaintext "Plaintext".
        assert_eq!(
            rc4(b"Key", b"Plaintext"),
            vec![0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3]
        );
    }
}
