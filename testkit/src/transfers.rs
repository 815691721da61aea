//! Technique-transfer agreements.

use shared::transfer::{Agreement, AgreementInput, AgreementSummary};

use crate::{Client, Resource};

impl Client {
    /// The technique-transfer agreements.
    pub fn transfer_agreements(&self) -> Resource<'_, Agreement, AgreementInput, AgreementSummary> {
        Resource::new(self, "transfer-agreements")
    }
}
