//! PostgreSQL's geometric types, from their binary form to the text the server itself would
//! show (`{1,2,3}`, `(3,4),(1,2)`): raw `sql` reads them so, rather than ask for its whole result
//! as text for their sake.

/// The type OIDs decoded here.
pub(super) const LSEG: u32 = 601;
pub(super) const PATH: u32 = 602;
pub(super) const BOX: u32 = 603;
pub(super) const POLYGON: u32 = 604;
pub(super) const LINE: u32 = 628;
pub(super) const CIRCLE: u32 = 718;

/// The value of type `oid` as the server writes it, or None for another type or bad bytes.
pub(super) fn decode(oid: u32, bytes: &[u8]) -> Option<String> {
    let mut r = Floats(bytes);
    let text = match oid {
        LINE => format!("{{{},{},{}}}", r.f()?, r.f()?, r.f()?),
        LSEG => format!("[{},{}]", r.point()?, r.point()?),
        BOX => format!("{},{}", r.point()?, r.point()?),
        CIRCLE => format!("<{},{}>", r.point()?, r.f()?),
        PATH => {
            let closed = *bytes.first()? != 0;
            r.0 = &bytes[1..];
            let points = r.points()?;
            if closed { format!("({points})") } else { format!("[{points}]") }
        }
        POLYGON => format!("({})", r.points()?),
        _ => return None,
    };
    r.0.is_empty().then_some(text)
}

/// Big-endian float8 fields off the front of a value.
struct Floats<'a>(&'a [u8]);

impl Floats<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let head = self.0.get(..N)?.try_into().ok()?;
        self.0 = &self.0[N..];
        Some(head)
    }

    fn f(&mut self) -> Option<String> {
        Some(float(f64::from_be_bytes(self.take()?)))
    }

    fn point(&mut self) -> Option<String> {
        Some(format!("({},{})", self.f()?, self.f()?))
    }

    /// A count, then that many points, comma-separated.
    fn points(&mut self) -> Option<String> {
        let n = usize::try_from(i32::from_be_bytes(self.take()?)).ok()?;
        let points: Option<Vec<String>> = (0..n).map(|_| self.point()).collect();
        Some(points?.join(","))
    }
}

/// A float8 as PostgreSQL writes one (shortest exact digits; its own words for the specials).
fn float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity".into() } else { "-Infinity".into() }
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn floats(values: &[f64]) -> Vec<u8> {
        values.iter().flat_map(|f| f.to_be_bytes()).collect()
    }

    #[test]
    fn geometric_values_are_the_servers_text() {
        assert_eq!(decode(LINE, &floats(&[1.0, 2.0, 3.5])).unwrap(), "{1,2,3.5}");
        assert_eq!(decode(BOX, &floats(&[3.0, 4.0, 1.0, 2.0])).unwrap(), "(3,4),(1,2)");
        assert_eq!(decode(LSEG, &floats(&[0.0, 0.0, 1.0, 1.0])).unwrap(), "[(0,0),(1,1)]");
        assert_eq!(decode(CIRCLE, &floats(&[1.0, 2.0, f64::INFINITY])).unwrap(), "<(1,2),Infinity>");
        let mut polygon = 2i32.to_be_bytes().to_vec();
        polygon.extend(floats(&[0.0, 0.0, 1.0, -1.5]));
        assert_eq!(decode(POLYGON, &polygon).unwrap(), "((0,0),(1,-1.5))");
        let mut path = vec![0u8];
        path.extend(&polygon);
        assert_eq!(decode(PATH, &path).unwrap(), "[(0,0),(1,-1.5)]");
        path[0] = 1;
        assert_eq!(decode(PATH, &path).unwrap(), "((0,0),(1,-1.5))");
        assert_eq!(decode(LINE, &floats(&[1.0, 2.0])), None);
    }
}
