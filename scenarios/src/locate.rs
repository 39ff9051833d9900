//! `Locations`: where each value of a RON document starts, keyed by its field path
//! (`topology.hosts[2].zone`), so semantic errors found after parsing can point at `line:col`.
//!
//! This is a small structural scanner, not a parser: it only runs on text ron has already accepted.

use std::collections::BTreeMap;

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
    Open,
    Close,
    Colon,
    Comma,
    Other,
}

enum Frame {
    Struct(Option<String>),
    List(usize),
}

impl Locations {
    pub fn scan(source: &str) -> Locations {
        let tokens = tokenize(source);
        let mut map = BTreeMap::new();
        let mut frames: Vec<(Frame, bool)> = Vec::new(); // (frame, is_list)
        let mut i = 0;
        while i < tokens.len() {
            let (tok, pos) = &tokens[i];
            match tok {
                Tok::Ident(name) if matches!(tokens.get(i + 1), Some((Tok::Colon, _))) => {
                    if let Some((Frame::Struct(key), _)) = frames.last_mut() {
                        *key = Some(name.clone());
                    }
                    i += 2;
                    continue;
                }
                Tok::Colon => {}
                Tok::Comma => match frames.last_mut() {
                    Some((Frame::List(index), _)) => *index += 1,
                    Some((Frame::Struct(key), _)) => *key = None,
                    None => {}
                },
                Tok::Close => {
                    frames.pop();
                }
                Tok::Open | Tok::Ident(_) | Tok::Other => {
                    map.entry(path_of(&frames)).or_insert(*pos);
                    if *tok == Tok::Open {
                        let is_list = source_char_at(source, pos) == Some('[');
                        let frame = if is_list {
                            Frame::List(0)
                        } else {
                            Frame::Struct(None)
                        };
                        frames.push((frame, is_list));
                    }
                }
            }
            i += 1;
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

fn path_of(frames: &[(Frame, bool)]) -> String {
    let mut path = String::new();
    // The outermost frame is the document's own struct; its fields start the path.
    for (frame, _) in frames {
        match frame {
            Frame::Struct(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Struct(None) => {}
            Frame::List(index) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    path
}

fn source_char_at(source: &str, pos: &Pos) -> Option<char> {
    source.lines().nth(pos.line - 1)?.chars().nth(pos.col - 1)
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

fn tokenize(source: &str) -> Vec<(Tok, Pos)> {
    let mut cur = Cursor {
        chars: source.chars().collect(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut out = Vec::new();
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
            out.push((Tok::Other, Pos { len, ..start }));
        } else if c.is_alphabetic() || c == '_' {
            cur.bump_while(|c| c.is_alphanumeric() || c == '_');
            let word: String = cur.chars[begin..cur.i].iter().collect();
            out.push((
                Tok::Ident(word),
                Pos {
                    len: cur.i - begin,
                    ..start
                },
            ));
        } else {
            let tok = match c {
                '(' | '[' | '{' => Tok::Open,
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
            out.push((
                tok,
                Pos {
                    len: cur.i - begin,
                    ..start
                },
            ));
        }
    }
    out
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
