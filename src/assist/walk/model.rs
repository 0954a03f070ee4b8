//! `model` declarations: mirrors `parser::model`.

use super::*;

impl<'s, 'c> Walker<'s, 'c> {
    /// `model Name [table name] { field: type[?] [unique] [primary [key]] [= value], … }`.
    pub(super) fn model_decl(&mut self) -> Step {
        self.slot(|| Offer { hint: Some(Hint::Model), ..Offer::default() })?;
        let (start, model, _) = self.name()?;
        self.mark(start, Class::Model);
        let hint = Some(Hint::AfterModel { command: "model", table: None });
        self.slot(|| Offer { hint, ..Offer::keywords(&["table"]) })?;
        if self.keyword(&["table"]).is_some() {
            self.slot(Offer::default)?;
            self.name()?;
            self.slot(Offer::default)?;
        }
        if !self.punct("{") {
            return None;
        }
        loop {
            self.slot(Offer::default)?;
            if self.punct("}") {
                return Some(());
            }
            if self.punct(",") {
                continue;
            }
            self.field_decl(&model)?;
        }
    }
    /// `phone: text? unique = ""`, in a `model`'s braces or after `alter M add`; `model` is the
    /// model being declared (a reference to it is to a known model).
    pub(super) fn field_decl(&mut self, model: &str) -> Step {
        let (start, _, _) = self.name()?;
        self.mark(start, Class::Field);
        self.slot(Offer::default)?;
        if !self.punct(":") {
            return None;
        }
        self.slot(|| Offer { types: true, ..Offer::default() })?;
        let (start, ty, quoted) = self.name()?;
        let class = if !quoted && FieldType::from_decl(&ty).is_some() {
            Class::Type
        } else if ty.eq_ignore_ascii_case(model) || self.catalog.table_name_for(&ty).is_some() {
            Class::Model
        } else {
            Class::UnknownModel
        };
        self.mark(start, class);
        // Modifiers, up to a newline (which starts the next field), `,` or `}`.
        loop {
            if self.ws()? {
                break;
            }
            self.slot(|| Offer::keywords(&["unique", "primary", "key"]))?;
            if self.punct("?") || self.keyword(&["unique", "primary", "key"]).is_some() {
                continue;
            }
            if self.punct("=") {
                self.slot(Offer::values)?;
                self.value()?;
                continue;
            }
            break;
        }
        Some(())
    }

    /// `alter Model add …|rename f to g|drop f [confirm]|index (f, …)|unique (f, …)`.
    pub(super) fn alter(&mut self) -> Step {
        self.slot(|| Offer { models: true, hint: Some(Hint::Model), ..Offer::default() })?;
        let (start, model, _) = self.name()?;
        let table = self.catalog.find_model(&model);
        // A model whose table is not read yet (the schema read in the background) is a model.
        let known = self.catalog.table_name_for(&model).is_some();
        self.mark(start, if known { Class::Model } else { Class::UnknownModel });
        let hint = Some(Hint::AfterModel { command: "alter", table });
        self.slot(|| Offer { hint, ..Offer::keywords(&AlterChange::WORDS) })?;
        match self.keyword(&AlterChange::WORDS)? {
            "add" => {
                self.slot(Offer::default)?;
                self.field_decl(&model)
            }
            "rename" => {
                self.existing_field(table)?;
                self.slot(|| Offer::keywords(&["to"]))?;
                self.keyword(&["to"])?;
                self.slot(Offer::default)?;
                let (start, _, _) = self.name()?;
                self.mark(start, Class::Field);
                Some(())
            }
            "drop" => {
                self.existing_field(table)?;
                self.slot(|| Offer::words(&["confirm"]))?;
                self.keyword(&["confirm"]).map(drop)
            }
            _ => {
                self.slot(|| Offer::words(&["("]))?;
                if !self.punct("(") {
                    return None;
                }
                loop {
                    self.existing_field(table)?;
                    self.slot(|| Offer::words(&[",", ")"]))?;
                    if !self.punct(",") {
                        self.punct(")");
                        return Some(());
                    }
                }
            }
        }
    }

    /// A field of `table` (not a path), offered and marked known or unknown.
    fn existing_field(&mut self, table: Option<&'c Table>) -> Step {
        let fields =
            table.map(|table| Fields { table, suffix: "", dotted: false, exclude: Vec::new(), related: false });
        self.slot(|| Offer { fields, ..Offer::default() })?;
        let (start, name, _) = self.name()?;
        let known = table.is_some_and(|t| t.find_field(&name).is_some());
        self.mark(start, if known { Class::Field } else { Class::UnknownField });
        Some(())
    }
}
