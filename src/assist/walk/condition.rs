//! Conditions after `where`: mirrors `parser::condition`.

use super::*;

impl<'s, 'c> Walker<'s, 'c> {
    /// A condition; `follow` are the words that may come after it.
    pub(super) fn condition(&mut self, table: Option<&'c Table>, follow: &[&'static str]) -> Step {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        loop {
            self.operand(table)?;
            let mut after = vec!["and", "or"];
            after.extend(follow);
            self.slot(|| Offer::keywords(&after))?;
            if self.keyword(&["and", "or"]).is_none() {
                self.depth -= 1;
                return Some(());
            }
        }
    }

    /// `not …`, `( … )` or a predicate.
    pub(super) fn operand(&mut self, table: Option<&'c Table>) -> Step {
        loop {
            self.slot(|| Offer { fields: paths(table), words: FUNCTIONS.to_vec(), ..Offer::keywords(&["not"]) })?;
            if self.keyword(&["not"]).is_none() {
                break;
            }
        }
        if self.punct("(") {
            self.condition(table, &[])?;
            self.slot(Offer::default)?;
            return self.punct(")").then_some(());
        }
        self.predicate(table)
    }

    pub(super) fn predicate(&mut self, table: Option<&'c Table>) -> Step {
        const AFTER_NOT: [&str; 4] = ["like", "ilike", "in", "between"];
        self.expr(table)?;
        self.slot(|| Offer::keywords(&["like", "ilike", "in", "between", "is", "not"]))?;
        for op in ["<=", ">=", "!=", "<>", "<", ">", "="] {
            if self.punct(op) {
                self.ws()?;
                // `.user.city`: a field on the right.
                let rest = self.rest();
                let field =
                    rest.strip_prefix('.').is_some_and(|r| r.is_empty() || ident_len(r) > 0 || r.starts_with('`'));
                if field {
                    self.punct(".");
                    self.slot(|| Offer { fields: paths(table), ..Offer::default() })?;
                    return self.field_path(table);
                }
                self.slot(Offer::values)?;
                return self.field_value();
            }
        }
        match self.keyword(&["like", "ilike", "in", "between", "is", "not"])? {
            "like" | "ilike" => self.pattern(),
            "in" => self.value_list(),
            "between" => self.between(),
            "not" => {
                self.slot(|| Offer::keywords(&AFTER_NOT))?;
                match self.keyword(&AFTER_NOT)? {
                    "like" | "ilike" => self.pattern(),
                    "between" => self.between(),
                    _ => self.value_list(),
                }
            }
            _ => {
                self.slot(|| Offer { words: vec!["null"], ..Offer::keywords(&["not"]) })?;
                if self.keyword(&["not"]).is_some() {
                    self.slot(|| Offer::words(&["null"]))?;
                }
                self.keyword(&["null"]).map(drop)
            }
        }
    }

    /// `low and high` after `between`: the `and` is the predicate's own.
    pub(super) fn between(&mut self) -> Step {
        self.slot(Offer::default)?;
        self.value()?;
        self.slot(|| Offer::keywords(&["and"]))?;
        self.keyword(&["and"])?;
        self.slot(Offer::default)?;
        self.value()
    }

    pub(super) fn pattern(&mut self) -> Step {
        self.slot(Offer::default)?;
        self.value()
    }

    /// A field's value: a value, or a list (a PostgreSQL array's elements), as
    /// `parser::literal::field_value`.
    pub(super) fn field_value(&mut self) -> Step {
        if self.rest().starts_with('(') { self.value_list() } else { self.value() }
    }

    /// `(a, b, …)` after `in`, and a list as a field's value (where `()` is the empty array).
    pub(super) fn value_list(&mut self) -> Step {
        self.slot(Offer::default)?;
        if !self.punct("(") {
            return None;
        }
        loop {
            self.slot(Offer::values)?;
            if self.punct(")") {
                return Some(());
            }
            self.value()?;
            self.slot(Offer::default)?;
            if self.punct(")") {
                return Some(());
            }
            if !self.punct(",") {
                return None;
            }
        }
    }
}
