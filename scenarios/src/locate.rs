//! `Locations`: where each value of a RON document starts, keyed by its field path
//! (`topology.hosts[2].zone`), so semantic errors found after parsing can point at `line:col`.
//!
//! This is a small structural scanner, not a parser: it only runs on text ron has already accepted.

use std::collections::{BTreeMap, BTreeSet};

/// A 1-based line and column (in characters) and the length of the token there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
    pub len: usize,
}

#[derive(Debug, Default)]
pub struct Locations {
    map: BTreeMap<String, Pos>,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Ident(String),
    /// An opening bracket; `true` for `[`, which starts a list.
    Open(bool),
    Close,
    Colon,
    Comma,
    Other,
}

/// One open bracket: a struct (or map) with the field being read, or a list with the index of the
/// item being read. `start` is where the frame's own part of the path begins in the path string.
struct Frame {
    start: usize,
    list: Option<usize>,
}

impl Locations {
    /// Every value's position. Memory grows with the number of values; to locate a few
    /// diagnostics in text that may be large, use [`Locations::scan_for`].
    pub fn scan(source: &str) -> Locations {
        Self::walk(source, |_| true)
    }

    /// The positions of the values at `wanted` paths only: memory stays proportional to what is
    /// asked for, however many values the text holds.
    pub fn scan_for(source: &str, wanted: &BTreeSet<String>) -> Locations {
        Self::walk(source, |path| wanted.contains(path))
    }

    /// One pass over the tokens, keeping the current value's path in one string that grows and
    /// shrinks with the brackets, so each token costs the length of its own part of the path.
    fn walk(source: &str, keep: impl Fn(&str) -> bool) -> Locations {
        let mut map = BTreeMap::new();
        let mut tokens = Tokens::new(source);
        let mut path = String::new();
        let mut frames: Vec<Frame> = Vec::new();
        let mut next = tokens.next();
        while let Some((tok, pos)) = next.take() {
            let after = tokens.next();
            match tok {
                Tok::Ident(name) if matches!(after, Some((Tok::Colon, _))) => {
                    if let Some(frame) = frames.last()
                        && frame.list.is_none()
                    {
                        path.truncate(frame.start);
                        // The outermost frame is the document's own struct; its fields start the path.
                        if frame.start > 0 {
                            path.push('.');
                        }
                        path.push_str(&name);
                    }
                    next = tokens.next();
                    continue;
                }
                Tok::Colon => {}
                Tok::Comma => match frames.last_mut() {
                    Some(Frame {
                        start,
                        list: Some(index),
                    }) => {
                        *index += 1;
                        path.truncate(*start);
                        push_index(&mut path, *index);
                    }
                    Some(Frame { start, list: None }) => path.truncate(*start),
                    None => {}
                },
                Tok::Close => {
                    if let Some(frame) = frames.pop() {
                        // The enclosing frame's part of the path stays until its next comma.
                        path.truncate(frame.start);
                    }
                }
                Tok::Open(_) | Tok::Ident(_) | Tok::Other => {
                    if keep(&path) && !map.contains_key(&path) {
                        map.insert(path.clone(), pos);
                    }
                    if let Tok::Open(is_list) = tok {
                        let start = path.len();
                        if is_list {
                            push_index(&mut path, 0);
                        }
                        frames.push(Frame {
                            start,
                            list: is_list.then_some(0),
                        });
                    }
                }
            }
            next = after;
        }
        Locations { map }
    }

    /// The position of the value at `path`, or of its nearest enclosing value that has one.
    pub fn find(&self, path: &str) -> Option<Pos> {
        let mut path = path;
        loop {
            if let Some(pos) = self.map.get(path) {
                return Some(*pos);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

/// `path` and every path enclosing it (`a.b[2].c`, `a.b[2]`, `a.b`, `a`): what
/// [`Locations::find`] may look up for it.
pub(crate) fn with_parents(path: &str, out: &mut BTreeSet<String>) {
    let mut path = path;
    loop {
        out.insert(path.to_owned());
        let Some(cut) = path.rfind(['.', '[']) else {
            out.insert(String::new());
            return;
        };
        path = &path[..cut];
    }
}

fn push_index(path: &mut String, index: usize) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(path, "[{index}]");
}

struct Cursor {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
}

impl Cursor {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek(0) {
            self.i += 1;
            if c == '\n' {
                self.line += 1;
                self.col = 1;
            } else {
                self.col += 1;
            }
        }
    }

    fn bump_while(&mut self, keep: impl Fn(char) -> bool) {
        while self.peek(0).is_some_and(&keep) {
            self.bump();
        }
    }
}

/// The tokens of RON text, one at a time (comments and whitespace skipped).
struct Tokens {
    cur: Cursor,
}

impl Tokens {
    fn new(source: &str) -> Tokens {
        Tokens {
            cur: Cursor {
                chars: source.chars().collect(),
                i: 0,
                line: 1,
                col: 1,
            },
        }
    }
}

impl Iterator for Tokens {
    type Item = (Tok, Pos);

    fn next(&mut self) -> Option<(Tok, Pos)> {
        let cur = &mut self.cur;
        while let Some(c) = cur.peek(0) {
            let start = Pos {
                line: cur.line,
                col: cur.col,
                len: 1,
            };
            let begin = cur.i;
            if c.is_whitespace() {
                cur.bump();
            } else if c == '/' && cur.peek(1) == Some('/') {
                cur.bump_while(|c| c != '\n');
            } else if c == '/' && cur.peek(1) == Some('*') {
                let mut depth = 0usize;
                while let Some(c) = cur.peek(0) {
                    if c == '/' && cur.peek(1) == Some('*') {
                        depth += 1;
                        cur.bump();
                    } else if c == '*' && cur.peek(1) == Some('/') {
                        depth -= 1;
                        cur.bump();
                        cur.bump();
                        if depth == 0 {
                            break;
                        }
                        continue;
                    }
                    cur.bump();
                }
            } else if c == '"' || (c == 'r' && matches!(cur.peek(1), Some('"' | '#'))) {
                if c == 'r' {
                    cur.bump();
                    let mut hashes = 0;
                    while cur.peek(0) == Some('#') {
                        hashes += 1;
                        cur.bump();
                    }
                    cur.bump(); // opening quote
                    loop {
                        match cur.peek(0) {
                            None => break,
                            Some('"') if (1..=hashes).all(|k| cur.peek(k) == Some('#')) => {
                                for _ in 0..=hashes {
                                    cur.bump();
                                }
                                break;
                            }
                            Some(_) => cur.bump(),
                        }
                    }
                } else {
                    cur.bump();
                    while let Some(c) = cur.peek(0) {
                        cur.bump();
                        if c == '\\' {
                            cur.bump();
                        } else if c == '"' {
                            break;
                        }
                    }
                }
                let len = if cur.line == start.line {
                    cur.i - begin
                } else {
                    1
                };
                return Some((Tok::Other, Pos { len, ..start }));
            } else if c.is_alphabetic() || c == '_' {
                cur.bump_while(|c| c.is_alphanumeric() || c == '_');
                let word: String = cur.chars[begin..cur.i].iter().collect();
                return Some((
                    Tok::Ident(word),
                    Pos {
                        len: cur.i - begin,
                        ..start
                    },
                ));
            } else {
                let tok = match c {
                    '[' => Tok::Open(true),
                    '(' | '{' => Tok::Open(false),
                    ')' | ']' | '}' => Tok::Close,
                    ':' => Tok::Colon,
                    ',' => Tok::Comma,
                    _ => Tok::Other,
                };
                cur.bump();
                if tok == Tok::Other {
                    // A number or other literal: swallow the rest of it.
                    cur.bump_while(|c| {
                        !c.is_whitespace()
                            && !matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ':' | ',' | '"')
                    });
                }
                return Some((
                    tok,
                    Pos {
                        len: cur.i - begin,
                        ..start
                    },
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"Scenario(
    id: "x", // a comment with ( and [
    topology: (
        hosts: [
            (id: "a", zone: "z1"),
            (id: "b", zone: "z2"),
        ],
    ),
    faults: [(at: "1m", kind: DiskFill(host: "b", gb_per_hour: 2.5))],
)"#;

    #[test]
    fn scan_finds_nested_fields_and_list_items() {
        let loc = Locations::scan(DOC);
        assert_eq!(
            loc.find("id"),
            Some(Pos {
                line: 2,
                col: 9,
                len: 3
            })
        );
        assert_eq!(
            loc.find("topology.hosts[1].zone"),
            Some(Pos {
                line: 6,
                col: 29,
                len: 4
            })
        );
        assert_eq!(
            loc.find("faults[0].kind.host").map(|p| (p.line, p.col)),
            Some((9, 46))
        );
        assert_eq!(
            loc.find("faults[0].kind.gb_per_hour").map(|p| p.len),
            Some(3)
        );
    }

    #[test]
    fn find_falls_back_to_the_enclosing_value() {
        let loc = Locations::scan(DOC);
        assert_eq!(
            loc.find("topology.hosts[1].cores"),
            loc.find("topology.hosts[1]")
        );
    }
}
