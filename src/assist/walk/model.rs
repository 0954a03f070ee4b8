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
            } else if ty.eq_ignore_ascii_case(&model) || self.catalog.table_name_for(&ty).is_some() {
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
        }
    }
}
