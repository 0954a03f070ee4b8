//! `add`, `query`, `update` and their assignments and field paths: mirrors `parser::commands`.

use super::*;
use crate::catalog::Member;

impl<'s, 'c> Walker<'s, 'c> {
    /// `field=value` pairs, with optional commas, up to one of `follow` (`where`, `all`).
    pub(super) fn assignments(
        &mut self,
        table: Option<&'c Table>,
        follow: &[&'static str],
        hint: Option<Hint<'c>>,
    ) -> Step {
        let mut assigned: Vec<String> = Vec::new();
        let mut hint = hint;
        let mut first = true;
        loop {
            let hint = hint.take();
            // What follows the assignments may come only after one of them.
            let follow = if first { &[][..] } else { follow };
            self.slot(|| Offer {
                fields: table.map(|table| Fields {
                    table,
                    suffix: "=",
                    dotted: false,
                    exclude: assigned.clone(),
                    related: false,
                }),
                hint,
                ..Offer::keywords(follow)
            })?;
            if self.punct(",") {
                continue;
            }
            if self.peek_keyword(follow).is_some() {
                let after = &self.rest()[ident_len(self.rest())..];
                if !after.trim_start().starts_with('=') {
                    return Some(());
                }
            }
            let (start, name, _) = self.name()?;
            first = false;
            let column = self.field(table, start, &name);
            assigned.extend(column);
            self.slot(Offer::default)?;
            if !self.punct("=") {
                return None;
            }
            self.slot(Offer::values)?;
            self.value()?;
        }
    }

    /// Marks a single field name of `table`; returns its column's name.
    pub(super) fn field(&mut self, table: Option<&'c Table>, start: usize, name: &str) -> Option<String> {
        let table = table?;
        match table.field(&Ident { name: name.to_string(), span: Default::default() }) {
            Ok(field) => {
                self.mark(start, Class::Field);
                Some(field.column().name.clone())
            }
            Err(_) => {
                self.mark(start, Class::UnknownField);
                None
            }
        }
    }

    /// `name`, `user.name`, `album.artist.name`, each part marked as far as it resolves.
    pub(super) fn field_path(&mut self, table: Option<&'c Table>) -> Step {
        // `Some(Some(t))`: parts resolve in `t`; `Some(None)`: the last part had no fields, so
        // the next one is wrong; `None`: unknown, left plain.
        let mut scope = table.map(Some);
        loop {
            let (start, name, _) = self.name()?;
            scope = match scope {
                Some(Some(t)) => match t.field(&Ident { name, span: Default::default() }) {
                    Ok(Field::Reference(fk, _)) => {
                        self.mark(start, Class::Field);
                        self.catalog.table(&fk.ref_table).map(Some)
                    }
                    Ok(Field::Column(_)) => {
                        self.mark(start, Class::Field);
                        Some(None)
                    }
                    Err(_) => {
                        self.mark(start, Class::UnknownField);
                        None
                    }
                },
                Some(None) => {
                    self.mark(start, Class::UnknownField);
                    None
                }
                None => None,
            };
            if !self.rest().starts_with('.') {
                return Some(());
            }
            self.pos += 1;
        }
    }

    pub(super) fn query(&mut self) -> Step {
        let table = self.model()?;
        let mut used: Vec<&'static str> = Vec::new();
        let mut hint = Some(Hint::AfterModel { command: "query", table });
        loop {
            let left = unused(&used);
            let hint = hint.take();
            self.slot(|| Offer { hint, ..Offer::keywords(&left) })?;
            let clause = self.keyword(&["fields", "where", "order", "limit", "offset", "with"])?;
            used.push(if clause == "order" { "order by" } else { clause });
            let follow = unused(&used);
            match clause {
                "fields" => self.path_list(table, &follow, false)?,
                "where" => self.condition(table, &follow)?,
                "order" => {
                    self.slot(|| Offer::keywords(&["by"]))?;
                    self.keyword(&["by"])?;
                    self.path_list(table, &follow, true)?;
                }
                "with" => self.with_list(table, &follow)?,
                _ => {
                    self.slot(Offer::default)?;
                    self.value()?;
                }
            }
        }
    }

    /// `a, b.c` after `fields`, or `a desc, b` after `order by`.
    pub(super) fn path_list(&mut self, table: Option<&'c Table>, follow: &[&'static str], order: bool) -> Step {
        loop {
            self.slot(|| Offer { fields: paths(table), ..Offer::default() })?;
            self.field_path(table)?;
            if order {
                let mut after = vec!["asc", "desc"];
                after.extend(follow);
                self.slot(|| Offer::keywords(&after))?;
                self.keyword(&["asc", "desc"]);
            }
            self.slot(|| Offer::keywords(follow))?;
            if !self.punct(",") {
                return Some(());
            }
        }
    }

    /// `orders.order_items, address` after `with`: paths of relations and references.
    pub(super) fn with_list(&mut self, table: Option<&'c Table>, follow: &[&'static str]) -> Step {
        loop {
            self.slot(|| Offer { fields: related_paths(table), ..Offer::default() })?;
            self.related_path(table)?;
            self.slot(|| Offer::keywords(follow))?;
            if !self.punct(",") {
                return Some(());
            }
        }
    }

    /// `orders.order_items.product`: each part marked as a field while it names a relation or
    /// a reference (as `with` resolves it), unknown from the first that does not.
    fn related_path(&mut self, table: Option<&'c Table>) -> Step {
        let mut scope = table;
        loop {
            let (start, name, _) = self.name()?;
            let ident = Ident { name, span: Default::default() };
            let next = scope.and_then(|t| match self.catalog.member(t, &ident) {
                Ok(Member::Relation(relation)) => self.catalog.table(relation.target()),
                Ok(Member::Reference(fk, _)) => self.catalog.table(&fk.ref_table),
                Ok(Member::Column(_)) | Err(_) => None,
            });
            match (scope, next) {
                (Some(_), Some(_)) => self.mark(start, Class::Field),
                (Some(_), None) => self.mark(start, Class::UnknownField),
                (None, _) => {}
            }
            scope = next;
            if !self.rest().starts_with('.') {
                return Some(());
            }
            self.pos += 1;
        }
    }

    pub(super) fn update(&mut self) -> Step {
        let table = self.model()?;
        let (mut target, mut set) = (false, false);
        let mut hint = Some(Hint::AfterModel { command: "update", table });
        loop {
            let mut offer = Vec::new();
            if !target {
                offer.extend(["where", "all"]);
            }
            if !set {
                offer.push("set");
            }
            let hint = hint.take();
            self.slot(|| Offer { hint, ..Offer::keywords(&offer) })?;
            match self.keyword(&["where", "all", "set"])? {
                "where" => {
                    target = true;
                    self.condition(table, if set { &[] } else { &["set"] })?;
                }
                "all" => target = true,
                _ => {
                    set = true;
                    self.assignments(table, if target { &[] } else { &["where", "all"] }, None)?;
                }
            }
        }
    }
}

/// Field paths of `table`, as offered in conditions, `fields` and `order by`.
pub(super) fn paths(table: Option<&Table>) -> Option<Fields<'_>> {
    table.map(|table| Fields { table, suffix: "", dotted: true, exclude: Vec::new(), related: false })
}

/// The relations and references of `table`, as offered after `with`.
pub(super) fn related_paths(table: Option<&Table>) -> Option<Fields<'_>> {
    table.map(|table| Fields { table, suffix: "", dotted: true, exclude: Vec::new(), related: true })
}

pub(super) fn unused(used: &[&'static str]) -> Vec<&'static str> {
    QUERY_CLAUSES.into_iter().filter(|c| !used.contains(c)).collect()
}
