//! `savepoint`, `rollback to`, `release` and `set`: mirrors `parser::shell`.

use super::*;

impl<'s, 'c> Walker<'s, 'c> {
    /// `[savepoint] name` after `rollback to` and `release`, or the name after `savepoint`.
    pub(super) fn savepoint_name(&mut self, keyword: bool) -> Step {
        if keyword {
            self.slot(|| Offer::keywords(&["savepoint"]))?;
            self.keyword(&["savepoint"]);
        }
        self.slot(Offer::default)?;
        self.name().map(drop)
    }

    pub(super) fn setting(&mut self) -> Step {
        self.slot(|| Offer::keywords(&["format", "timing", "limit", "pager"]))?;
        match self.keyword(&["format", "timing", "limit", "pager"])? {
            "format" => {
                self.slot(|| Offer::words(&Format::NAMES))?;
                self.keyword(&Format::NAMES).map(drop)
            }
            "timing" | "pager" => {
                self.slot(|| Offer::words(&["on", "off"]))?;
                self.keyword(&["on", "off"]).map(drop)
            }
            _ => {
                self.slot(|| Offer::words(&["off"]))?;
                if self.keyword(&["off"]).is_some() { Some(()) } else { self.value() }
            }
        }
    }
}
