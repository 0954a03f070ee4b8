//! PostgreSQL's text-search types, from their binary form to the text the server itself would
//! show (`'a':1 'cat':3`, `'fat' & !'rat' <-> 'cat':*`): raw `sql` reads them so, rather than
//! ask for its whole result as text for their sake.

/// The type OIDs decoded here.
pub(super) const TSVECTOR: u32 = 3614;
pub(super) const TSQUERY: u32 = 3615;

/// The value of type `oid` as the server writes it, or None for another type or bad bytes.
pub(super) fn decode(oid: u32, bytes: &[u8]) -> Option<String> {
    match oid {
        TSVECTOR => tsvector(bytes),
        TSQUERY => tsquery(bytes),
        _ => None,
    }
}

/// A tsvector: a count, then per lexeme its text (NUL-ended), a count of positions and each
/// position (weight in the top two bits).
fn tsvector(bytes: &[u8]) -> Option<String> {
    let count = usize::try_from(i32::from_be_bytes(bytes.get(..4)?.try_into().ok()?)).ok()?;
    let mut rest = &bytes[4..];
    let mut out = String::new();
    for i in 0..count {
        let end = rest.iter().position(|&b| b == 0)?;
        let lexeme = std::str::from_utf8(&rest[..end]).ok()?;
        rest = &rest[end + 1..];
        let positions = usize::from(u16::from_be_bytes(rest.get(..2)?.try_into().ok()?));
        rest = &rest[2..];
        if i > 0 {
            out.push(' ');
        }
        out.push('\'');
        for c in lexeme.chars() {
            if matches!(c, '\'' | '\\') {
                out.push(c);
            }
            out.push(c);
        }
        out.push('\'');
        for p in 0..positions {
            let pos = u16::from_be_bytes(rest.get(..2)?.try_into().ok()?);
            rest = &rest[2..];
            out.push(if p == 0 { ':' } else { ',' });
            out.push_str(&(pos & 0x3fff).to_string());
            match pos >> 14 {
                3 => out.push('A'),
                2 => out.push('B'),
                1 => out.push('C'),
                _ => {}
            }
        }
    }
    rest.is_empty().then_some(out)
}

/// A tsquery's operators (`oper` of tsquery.c's QueryOperator) and their priorities, by which
/// the server decides where its text needs parentheses.
const OP_NOT: u8 = 1;
const OP_AND: u8 = 2;
const OP_OR: u8 = 3;
const OP_PHRASE: u8 = 4;

fn priority(op: u8) -> i32 {
    match op {
        OP_NOT => 4,
        OP_AND => 2,
        OP_OR => 1,
        _ => 3,
    }
}

/// How deep a tsquery's operators may nest for ormsh to show it.
const TSQUERY_DEPTH: usize = 1000;

/// One item of a tsquery, as `tsquerysend` writes it: a lexeme (weights as bits D=1 … A=8, and
/// whether it is a prefix) or an operator (a phrase's with its distance).
enum TsItem {
    Lexeme { text: String, weight: u8, prefix: bool },
    Operator { op: u8, distance: i16 },
}

/// A tsquery: a count of items, then the items in the server's own order (an operator, then its
/// right operand, then its left one), shown as `tsqueryout` writes them.
fn tsquery(bytes: &[u8]) -> Option<String> {
    let count = usize::try_from(i32::from_be_bytes(bytes.get(..4)?.try_into().ok()?)).ok()?;
    let mut rest = &bytes[4..];
    let mut items = Vec::with_capacity(count.min(rest.len()));
    for _ in 0..count {
        let (&kind, tail) = rest.split_first()?;
        rest = tail;
        items.push(match kind {
            1 => {
                let (&weight, tail) = rest.split_first()?;
                let (&prefix, tail) = tail.split_first()?;
                let end = tail.iter().position(|&b| b == 0)?;
                let text = std::str::from_utf8(&tail[..end]).ok()?.to_string();
                rest = &tail[end + 1..];
                TsItem::Lexeme { text, weight, prefix: prefix != 0 }
            }
            2 => {
                let (&op, tail) = rest.split_first()?;
                rest = tail;
                let distance = if op == OP_PHRASE {
                    let d = i16::from_be_bytes(rest.get(..2)?.try_into().ok()?);
                    rest = &rest[2..];
                    d
                } else {
                    0
                };
                if !(OP_NOT..=OP_PHRASE).contains(&op) {
                    return None;
                }
                TsItem::Operator { op, distance }
            }
            _ => return None,
        });
    }
    if !rest.is_empty() {
        return None;
    }
    if items.is_empty() {
        return Some(String::new());
    }
    let mut at = 0;
    let text = tsquery_infix(&items, &mut at, 0, -1, false)?;
    (at == items.len()).then_some(text)
}

/// The item at `*at` and its operands as infix text (tsquery.c's `infix`), moving `*at` past
/// them. A query nested deeper than [`TSQUERY_DEPTH`] is not read (None), so that no value can
/// exhaust the stack.
fn tsquery_infix(items: &[TsItem], at: &mut usize, depth: usize, parent: i32, right_of_phrase: bool) -> Option<String> {
    if depth > TSQUERY_DEPTH {
        return None;
    }
    let item = items.get(*at)?;
    *at += 1;
    match item {
        TsItem::Lexeme { text, weight, prefix } => {
            let mut out = String::from("'");
            for c in text.chars() {
                if matches!(c, '\'' | '\\') {
                    out.push(c);
                }
                out.push(c);
            }
            out.push('\'');
            if *prefix || *weight != 0 {
                out.push(':');
                if *prefix {
                    out.push('*');
                }
                for (bit, letter) in [(8, 'A'), (4, 'B'), (2, 'C'), (1, 'D')] {
                    if weight & bit != 0 {
                        out.push(letter);
                    }
                }
            }
            Some(out)
        }
        TsItem::Operator { op: OP_NOT, .. } => {
            let own = priority(OP_NOT);
            let operand = tsquery_infix(items, at, depth + 1, own, false)?;
            Some(if own < parent { format!("( !{operand} )") } else { format!("!{operand}") })
        }
        TsItem::Operator { op, distance } => {
            let own = priority(*op);
            let right = tsquery_infix(items, at, depth + 1, own, *op == OP_PHRASE)?;
            let left = tsquery_infix(items, at, depth + 1, own, false)?;
            let word = match *op {
                OP_AND => " & ".to_string(),
                OP_OR => " | ".to_string(),
                _ if *distance == 1 => " <-> ".to_string(),
                _ => format!(" <{distance}> "),
            };
            let bracket = own < parent || (*op == OP_PHRASE && right_of_phrase);
            Some(if bracket { format!("( {left}{word}{right} )") } else { format!("{left}{word}{right}") })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tsvector_is_the_servers_text() {
        // 'a' 'cat':3A,4 'it''s':1
        let mut b = 3i32.to_be_bytes().to_vec();
        b.extend(b"a\0");
        b.extend(0u16.to_be_bytes());
        b.extend(b"cat\0");
        b.extend(2u16.to_be_bytes());
        b.extend((3u16 | 0xc000).to_be_bytes());
        b.extend(4u16.to_be_bytes());
        b.extend(b"it's\0");
        b.extend(1u16.to_be_bytes());
        b.extend(1u16.to_be_bytes());
        assert_eq!(decode(TSVECTOR, &b).unwrap(), "'a' 'cat':3A,4 'it''s':1");
    }

    /// A tsquery's bytes: `items` as (lexeme) or (operator, distance).
    fn tsquery_bytes(items: &[Result<&str, (u8, i16)>]) -> Vec<u8> {
        let mut b = i32::try_from(items.len()).unwrap().to_be_bytes().to_vec();
        for item in items {
            match item {
                Ok(lexeme) => {
                    b.extend([1, 0, 0]);
                    b.extend(lexeme.as_bytes());
                    b.push(0);
                }
                Err((op, distance)) => {
                    b.extend([2, *op]);
                    if *op == OP_PHRASE {
                        b.extend(distance.to_be_bytes());
                    }
                }
            }
        }
        b
    }

    #[test]
    fn a_tsquery_is_read_in_the_servers_order_and_bad_bytes_are_none() {
        // 'a' <2> 'b': the operator, its right operand, its left one.
        let phrase = tsquery_bytes(&[Err((OP_PHRASE, 2)), Ok("b"), Ok("a")]);
        assert_eq!(decode(TSQUERY, &phrase).unwrap(), "'a' <2> 'b'");
        assert_eq!(decode(TSQUERY, &0i32.to_be_bytes()).unwrap(), "");
        assert_eq!(decode(TSQUERY, &phrase[..phrase.len() - 1]), None, "cut short");
        assert_eq!(decode(TSQUERY, &tsquery_bytes(&[Err((OP_AND, 0)), Ok("b")])), None, "an operand missing");
        assert_eq!(decode(TSQUERY, &tsquery_bytes(&[Err((9, 0)), Ok("b"), Ok("a")])), None, "no such operator");
        // A query nested past the bound is not read, and the stack is not exhausted.
        let mut deep = vec![Err((OP_NOT, 0)); 100_000];
        deep.push(Ok("a"));
        assert_eq!(decode(TSQUERY, &tsquery_bytes(&deep)), None);
    }
}
