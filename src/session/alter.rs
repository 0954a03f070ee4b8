//! Running `alter`: its guards, then its statements (a SQLite rebuild written from the table's
//! definition as it is read now), and the catalog read again, so that the next command and the
//! editor's completion know the change at once.

use super::{Session, io_error};
use crate::backend::Collect;
use crate::dialect::Sql;
use crate::error::Result;
use crate::plan::alter::{Alter, Steps, Work};
use crate::plan::{COMMAND_SAVEPOINT, Context};
use crate::value::FieldType;

impl Session {
    /// The statements of `alter`, its pending part written from the schema the database has now.
    async fn alter_steps(&mut self, alter: &Alter) -> Result<Steps> {
        match &alter.work {
            Work::Statements(statements) => Ok(Steps { statements: statements.clone(), ..Steps::default() }),
            Work::Pending(pending) => {
                let mut rows = Collect::default();
                let hints = [FieldType::Text, FieldType::Text, FieldType::Text, FieldType::Text, FieldType::Int];
                self.backend.fetch(pending.read(), &hints, &mut rows).await?;
                pending.complete(&rows.rows)
            }
        }
    }

    pub(super) async fn run_alter(&mut self, alter: Alter) -> Result<()> {
        for (sql, error) in &alter.guards {
            if self.finds_a_row(sql).await? {
                return Err(error.clone());
            }
        }
        let steps = self.alter_steps(&alter).await?;
        let result = self.run_steps(&steps).await;
        if result.is_err() {
            // The rebuild's own transaction is rolled back, and foreign keys turned on again.
            for sql in &steps.undo {
                let _ = self.send(sql).await;
            }
        }
        result?;
        self.refresh_catalog().await?;
        self.printer.status(&alter.done).map_err(io_error)
    }

    async fn run_steps(&mut self, steps: &Steps) -> Result<()> {
        for sql in &steps.statements {
            self.send(sql).await?;
        }
        for (sql, error) in &steps.checks {
            if self.finds_a_row(sql).await? {
                return Err(error.clone());
            }
        }
        for sql in &steps.finish {
            self.send(sql).await?;
        }
        Ok(())
    }

    async fn finds_a_row(&mut self, sql: &Sql) -> Result<bool> {
        let mut rows = Collect::default();
        self.backend.fetch(sql, &[], &mut rows).await?;
        Ok(!rows.rows.is_empty())
    }

    /// What `explain alter …` prints: every statement the alter would run, in order (the read
    /// of the table's definition too), the rebuild's written from the table as it is now.
    pub(super) async fn alter_statements(&mut self, alter: &Alter, context: &Context) -> Result<Vec<Sql>> {
        let steps = self.alter_steps(alter).await?;
        let dialect = context.dialect;
        let mut all = Vec::new();
        if context.in_transaction {
            all.push(dialect.savepoint(COMMAND_SAVEPOINT));
        }
        all.extend(alter.guards.iter().map(|(sql, _)| sql.clone()));
        if let Work::Pending(pending) = &alter.work {
            all.push(pending.read().clone());
        }
        all.extend(steps.statements);
        all.extend(steps.checks.into_iter().map(|(sql, _)| sql));
        all.extend(steps.finish);
        if context.in_transaction {
            all.push(dialect.release(COMMAND_SAVEPOINT));
        }
        Ok(all)
    }
}
