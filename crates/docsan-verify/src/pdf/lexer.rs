//! A PDF tokenizer and object parser of our own, used for file objects, content streams and
//! CMaps alike.
//!
//! It is lenient (damaged syntax yields what can be read, never an error that hides the rest) and
//! bounded (nesting of arrays and dictionaries is capped, every loop advances).

/// A parsed PDF object, or a bare keyword (content-stream operator, `R`, `obj`, `stream`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Vec<(Vec<u8>, Obj)>),
    Ref(u32, u16),
    Op(Vec<u8>),
}

impl Obj {
    /// Looks up a key of a dictionary.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Obj> {
        match self {
            Obj::Dict(d) => d.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    pub(crate) fn num(&self) -> Option<f64> {
        match self {
            Obj::Num(n) => Some(*n),
            _ => None,
        }
    }
    pub(crate) fn name(&self) -> Option<&[u8]> {
        match self {
            Obj::Name(n) => Some(n),
            _ => None,
        }
    }
    pub(crate) fn is_name(&self, n: &[u8]) -> bool {
        self.name() == Some(n)
    }
}

/// Nesting cap for arrays and dictionaries.
const MAX_NEST: u32 = 64;

pub(crate) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

pub(crate) fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

pub(crate) struct Lexer<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(b: &'a [u8], pos: usize) -> Self {
        Lexer { b, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    pub(crate) fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if is_ws(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Reads the next object (numbers followed by `G R` become references).
    pub(crate) fn next(&mut self) -> Option<Obj> {
        self.next_nested(0)
    }

    fn next_nested(&mut self, depth: u32) -> Option<Obj> {
        self.skip_ws();
        let c = self.peek()?;
        match c {
            b'/' => {
                self.pos += 1;
                Some(Obj::Name(self.name()))
            }
            b'(' => {
                self.pos += 1;
                Some(Obj::Str(self.literal()))
            }
            b'<' => {
                if self.b.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    Some(self.dict(depth))
                } else {
                    self.pos += 1;
                    Some(Obj::Str(self.hex()))
                }
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        None => break,
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        _ => {}
                    }
                    if depth >= MAX_NEST {
                        self.pos += 1;
                        continue;
                    }
                    let before = self.pos;
                    match self.next_nested(depth + 1) {
                        Some(Obj::Op(op)) if op == b"endobj" || op == b"stream" => {
                            self.pos = before;
                            break;
                        }
                        Some(o) => items.push(o),
                        None => break,
                    }
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
                Some(Obj::Array(items))
            }
            b'>' | b']' | b')' | b'{' | b'}' => {
                self.pos += 1;
                Some(Obj::Op(vec![c]))
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                let n = self.number();
                // `N G R` is a reference.
                if n >= 0.0 && n.fract() == 0.0 {
                    let save = self.pos;
                    self.skip_ws();
                    let gstart = self.pos;
                    while matches!(self.peek(), Some(b'0'..=b'9')) {
                        self.pos += 1;
                    }
                    if self.pos > gstart {
                        let g = std::str::from_utf8(&self.b[gstart..self.pos])
                            .ok()
                            .and_then(|s| s.parse::<u16>().ok());
                        self.skip_ws();
                        if let Some(g) = g
                            && self.peek() == Some(b'R')
                            && self
                                .b
                                .get(self.pos + 1)
                                .is_none_or(|&c| is_ws(c) || is_delim(c))
                        {
                            self.pos += 1;
                            return Some(Obj::Ref(n as u32, g));
                        }
                    }
                    self.pos = save;
                }
                Some(Obj::Num(n))
            }
            _ => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if is_ws(c) || is_delim(c) {
                        break;
                    }
                    self.pos += 1;
                }
                if self.pos == start {
                    self.pos += 1;
                }
                let word = &self.b[start..self.pos];
                Some(match word {
                    b"true" => Obj::Bool(true),
                    b"false" => Obj::Bool(false),
                    b"null" => Obj::Null,
                    _ => Obj::Op(word.to_vec()),
                })
            }
        }
    }

    fn dict(&mut self, depth: u32) -> Obj {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            match self.peek() {
                None => break,
                Some(b'>') => {
                    self.pos += 1;
                    if self.peek() == Some(b'>') {
                        self.pos += 1;
                    }
                    break;
                }
                Some(b'/') => {
                    self.pos += 1;
                    let key = self.name();
                    if depth >= MAX_NEST {
                        continue;
                    }
                    let before = self.pos;
                    match self.next_nested(depth + 1) {
                        Some(Obj::Op(op)) if op == b"endobj" || op == b"stream" || op == b">" => {
                            self.pos = before;
                            items.push((key, Obj::Null));
                        }
                        Some(v) => items.push((key, v)),
                        None => break,
                    }
                }
                Some(_) => {
                    // A value without a key: read and drop it, stop at object ends.
                    let before = self.pos;
                    match self.next_nested(depth + 1) {
                        Some(Obj::Op(op)) if op == b"endobj" || op == b"stream" => {
                            self.pos = before;
                            break;
                        }
                        None => break,
                        _ => {}
                    }
                    if self.pos == before {
                        self.pos += 1;
                    }
                }
            }
        }
        Obj::Dict(items)
    }

    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if is_ws(c) || is_delim(c) {
                break;
            }
            if c == b'#'
                && let Some(h) = self.b.get(self.pos + 1..self.pos + 3)
                && let Ok(s) = std::str::from_utf8(h)
                && let Ok(v) = u8::from_str_radix(s, 16)
            {
                out.push(v);
                self.pos += 3;
                continue;
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn number(&mut self) -> f64 {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || c == b'.' || c == b'-' || c == b'+' || c == b'E' || c == b'e' {
                self.pos += 1;
            } else {
                break;
            }
        }
        let s = std::str::from_utf8(&self.b[start..self.pos]).unwrap_or("0");
        if let Ok(v) = s.parse::<f64>() {
            return v;
        }
        // Lenient: `--5`, `5-`, `1.2.3`: keep the leading valid part.
        let cleaned: String = s
            .trim_start_matches(['+', '-'])
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let v = cleaned.parse::<f64>().unwrap_or(0.0);
        if s.starts_with('-') { -v } else { v }
    }

    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1u32;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn hex(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            let v = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => continue,
            };
            match hi.take() {
                Some(h) => out.push(h << 4 | v),
                None => hi = Some(v),
            }
        }
        if let Some(h) = hi {
            out.push(h << 4);
        }
        out
    }

    /// Skips an inline image's data after `ID`, up to and including `EI`.
    pub(crate) fn skip_inline_image(&mut self) {
        // One whitespace byte follows `ID`.
        self.pos += 1;
        while self.pos + 2 <= self.b.len() {
            if &self.b[self.pos..self.pos + 2] == b"EI"
                && self.pos > 0
                && is_ws(self.b[self.pos - 1])
                && self.b.get(self.pos + 2).is_none_or(|&c| is_ws(c))
            {
                self.pos += 2;
                return;
            }
            self.pos += 1;
        }
        self.pos = self.b.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_objects_leniently() {
        let mut l = Lexer::new(
            b"<< /A 1 0 R /B [(a\\(b\\)) <4E2d>] /C#20D -.5 /E << /F true >> >> BT",
            0,
        );
        let d = l.next().unwrap();
        assert_eq!(d.get(b"A"), Some(&Obj::Ref(1, 0)));
        assert_eq!(
            d.get(b"B"),
            Some(&Obj::Array(vec![
                Obj::Str(b"a(b)".to_vec()),
                Obj::Str(vec![0x4E, 0x2D])
            ]))
        );
        assert_eq!(d.get(b"C D"), Some(&Obj::Num(-0.5)));
        assert_eq!(l.next(), Some(Obj::Op(b"BT".to_vec())));
        // Unbalanced input ends without looping.
        let mut l = Lexer::new(b"[[[[<< /X (abc", 0);
        while l.next().is_some() {}
    }
}
