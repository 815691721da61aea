//! Rotations (luân phiên): quarterly plans, stations' demands, postings and generator runs.

use serde_json::Value;
use shared::rotation::{
    AssignmentInput, CalendarFeed, ConfirmMonthInput, DemandInput, FeedInput, GenerateInput,
    Generation, RotationAssignment, RotationDemand, RotationPlan, RotationPlanInput,
};

use crate::{Answer, Client, Resource};

impl Client {
    /// Rotation plans (a quarter of postings), generation and publication.
    pub fn rotation_plans(&self) -> Resource<'_, RotationPlan, RotationPlanInput> {
        Resource::new(self, "rotation-plans")
    }

    /// What stations need from a rotation plan.
    pub fn rotation_demands(&self) -> Resource<'_, RotationDemand, DemandInput> {
        Resource::new(self, "rotation-demands")
    }

    /// Postings of staff to stations.
    pub fn rotation_assignments(&self) -> Resource<'_, RotationAssignment, AssignmentInput> {
        Resource::new(self, "rotation-assignments")
    }

    /// `POST /rotation-assignments/confirm-month`: confirms one's own published visits
    /// of a month, today or later; the answer lists those confirmed now.
    pub async fn confirm_month(&self, year: i32, month: u32) -> Answer<Vec<RotationAssignment>> {
        let body = ConfirmMonthInput { year, month };
        self.post(
            &format!("{}/rotation-assignments/confirm-month", crate::API),
            &body,
        )
        .await
    }

    /// Runs of the rotation generator.
    pub fn rotation_generations(&self) -> Resource<'_, Generation, Value> {
        Resource::new(self, "rotation-generations")
    }

    /// Calendar subscriptions (a person's or a station's visits as iCalendar).
    pub fn calendar_feeds(&self) -> Resource<'_, CalendarFeed, FeedInput> {
        Resource::new(self, "calendar-feeds")
    }
}

/// The paths under one rotation plan, `/rotation-plans/{id}/…`.
impl Resource<'_, RotationPlan, RotationPlanInput> {
    /// `POST /rotation-plans/{id}/generate`: starts the generator (202, the run).
    pub async fn generate(&self, id: i64, input: &GenerateInput) -> Answer<Generation> {
        self.sub_post(id, "generate", input).await
    }
}
