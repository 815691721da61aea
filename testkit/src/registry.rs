//! The registry: facilities, departments, staff, and the audit trail of every change.

use shared::audit::AuditEvent;
use shared::page::Page;
use shared::registry::{
    Department, DepartmentInput, Facility, FacilityInput, Leave, LeaveInput, Staff, StaffInput,
    SupportLink, SupportLinkInput,
};

use crate::client::with_query;
use crate::{API, Answer, Client, Resource};

impl Client {
    /// Facilities of the registry.
    pub fn facilities(&self) -> Resource<'_, Facility, FacilityInput> {
        Resource::new(self, "facilities")
    }

    /// Which facility supports which (`GET` answers a plain array).
    pub fn support_links(&self) -> Resource<'_, SupportLink, SupportLinkInput> {
        Resource::new(self, "support-links")
    }

    /// Departments of facilities.
    pub fn departments(&self) -> Resource<'_, Department, DepartmentInput> {
        Resource::new(self, "departments")
    }

    /// Staff of facilities.
    pub fn staff(&self) -> Resource<'_, Staff, StaffInput> {
        Resource::new(self, "staff")
    }

    /// The id of the facility with `code`, as this client finds it (fails when none).
    pub async fn facility_id(&self, code: &str) -> i64 {
        let page = self.facilities().list(&format!("q={code}")).await.ok();
        page.items
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("facility {code} not listed"))
            .id
    }

    /// `GET /audit-events?query`.
    pub async fn audit_events(&self, query: &str) -> Answer<Page<AuditEvent>> {
        self.get(&with_query(&format!("{API}/audit-events"), query))
            .await
    }
}

/// The paths under one member of staff, `/staff/{id}/…`.
impl Resource<'_, Staff, StaffInput> {
    /// `POST /staff/{id}/leaves`: a leave of absence.
    pub async fn add_leave(&self, id: i64, leave: &LeaveInput) -> Answer<Leave> {
        self.sub_post(id, "leaves", leave).await
    }
}
