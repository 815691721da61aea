//! The technique catalogue, the coverage of the facilities' levels and the regional
//! specialty networks.

use shared::technique::{
    FacilityCoverage, NetworkInput, SpecialtyNetwork, Technique, TechniqueInput,
};

use crate::{API, Answer, Client, Resource};

impl Client {
    /// The technique catalogue.
    pub fn techniques(&self) -> Resource<'_, Technique, TechniqueInput> {
        Resource::new(self, "techniques")
    }

    /// The regional specialty networks.
    pub fn specialty_networks(&self) -> Resource<'_, SpecialtyNetwork, NetworkInput> {
        Resource::new(self, "specialty-networks")
    }

    /// The specialty networks matching `query` (`specialty=…`, `facility_id=…`), the
    /// first page.
    pub async fn networks(&self, query: &str) -> Vec<SpecialtyNetwork> {
        self.specialty_networks().list(query).await.ok().items
    }

    /// What facilities perform of their level's catalogue (`kind=…`, `facility_id=…`).
    pub async fn technique_coverage(&self, query: &str) -> Answer<Vec<FacilityCoverage>> {
        self.get(&format!("{API}/technique-coverage?{query}")).await
    }
}
