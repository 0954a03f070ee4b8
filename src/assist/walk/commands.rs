//! `add`, `query`, `update` and their assignments and field paths: mirrors `parser::commands`.

use super::*;

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
                let after = after.trim_start();
                if !after.starts_with('=') && !["+=", "-=", "*=", "/="].iter().any(|op| after.starts_with(op)) {
                    return Some(());
                }
            }
            first = false;
            let rest = self.rest();
            // The column the value is for, so that only the words that fit it are offered.
            let value_of = if rest[ident_len(rest)..].starts_with('.') {
                // `user.email=…`: a reference, then a field of the row it points at.
                self.field_path(table)?;
                None
            } else {
                let (start, name, _) = self.name()?;
                let column = self.field(table, start, &name);
                assigned.extend(column);
                table
                    .and_then(|t| t.field(&Ident { name: name.to_string(), span: Default::default() }).ok())
                    .map(|field| field.column())
            };
            self.slot(Offer::default)?;
            // `+=` and the like are the parser's to refuse outside `update … set`.
            let compound = ["+=", "-=", "*=", "/="].iter().any(|op| self.punct(op));
            if !compound && !self.punct("=") {
                return None;
            }
            self.slot(|| Offer::value_for(value_of))?;
            self.field_value()?;
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

    /// `name`, `user.name`, `orders.total`, each part marked as far as it resolves: a column
    /// ends the path, a reference or a relation leads on to its table.
    pub(super) fn field_path(&mut self, table: Option<&'c Table>) -> Step {
        // `Some(Some(t))`: parts resolve in `t`; `Some(None)`: the last part had no fields, so
        // the next one is wrong; `None`: unknown, left plain.
        let mut scope = table.map(Some);
        loop {
            let (start, name, _) = self.name()?;
            scope = match scope {
                Some(Some(t)) => match self.catalog.member(t, &Ident { name, span: Default::default() }) {
                    Ok(Member::Reference(fk, _)) => {
                        self.mark(start, Class::Field);
                        self.catalog.table(&fk.ref_table).map(Some)
                    }
                    Ok(Member::Relation(relation)) => {
                        self.mark(start, Class::Field);
                        self.catalog.table(relation.target()).map(Some)
                    }
                    Ok(Member::Column(_)) => {
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

    /// A field, an aggregate (`count`, `sum(total)`, `count(distinct status)`) or a date part
    /// (`year(created_at)`): mirrors `parser::expr`.
    pub(super) fn expr(&mut self, table: Option<&'c Table>) -> Step {
        let rest = self.rest();
        let word = &rest[..ident_len(rest)];
        let opens = rest[word.len()..].trim_start().starts_with('(');
        let aggregate = AggFunc::from_name(word).is_some();
        if opens && (aggregate || DatePart::from_name(word).is_some()) {
            let start = self.pos;
            self.pos += word.len();
            self.mark(start, Class::Keyword);
            self.ws()?;
            self.punct("(");
            if aggregate {
                self.slot(|| Offer { fields: paths(table), ..Offer::keywords(&["distinct"]) })?;
                self.keyword(&["distinct"]);
            }
            self.slot(|| Offer { fields: paths(table), ..Offer::default() })?;
            self.field_path(table)?;
            self.slot(|| Offer::words(&[")"]))?;
            return self.punct(")").then_some(());
        }
        if word.eq_ignore_ascii_case("count") && !rest[word.len()..].starts_with('.') {
            return self.keyword(&["count"]).map(drop);
        }
        self.field_path(table)
    }

    pub(super) fn query(&mut self) -> Step {
        let table = self.model()?;
        let mut used: Vec<&'static str> = Vec::new();
        let mut hint = Some(Hint::AfterModel { command: "query", table });
        loop {
            let left = unused(&used);
            let hint = hint.take();
            self.slot(|| Offer { hint, ..Offer::keywords(&left) })?;
            let clause = self.keyword(&["fields", "where", "by", "having", "order", "limit", "offset", "with"])?;
            used.push(if clause == "order" { "order by" } else { clause });
            let follow = unused(&used);
            match clause {
                "fields" => {
                    self.slot(|| Offer {
                        fields: paths(table),
                        words: FUNCTIONS.to_vec(),
                        ..Offer::keywords(&["distinct"])
                    })?;
                    self.keyword(&["distinct"]);
                    self.path_list(table, &follow, false)?
                }
                "by" => self.path_list(table, &follow, false)?,
                "where" | "having" => self.condition(table, &follow)?,
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

    /// `a, b.c, sum(d)` after `fields` or `by`, or `a desc, count` after `order by`.
    pub(super) fn path_list(&mut self, table: Option<&'c Table>, follow: &[&'static str], order: bool) -> Step {
        loop {
            self.slot(|| Offer { fields: paths(table), words: FUNCTIONS.to_vec(), ..Offer::default() })?;
            self.expr(table)?;
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

/// The aggregates and date parts, as offered where a field may be.
pub(crate) const FUNCTIONS: [&str; 9] = ["count", "sum(", "avg(", "min(", "max(", "year(", "month(", "day(", "date("];

/// The clauses of `query` not given yet; `having`, which tests the groups of `by`, only after it.
pub(super) fn unused(used: &[&'static str]) -> Vec<&'static str> {
    // `with` loads the related records of rows, and a summary's rows are groups.
    let grouped = used.contains(&"by");
    let loaded = used.contains(&"with");
    let fits = |c: &&str| match *c {
        "having" => grouped,
        "by" => !loaded,
        "with" => !grouped,
        _ => true,
    };
    QUERY_CLAUSES.into_iter().filter(|c| !used.contains(c) && fits(c)).collect()
}
