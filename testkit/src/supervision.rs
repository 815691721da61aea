//! Supervision and quality criteria: checklist templates, visits with their answers and
//! photos, corrective actions.

use reqwest::Method;
use shared::supervision::{
    ActionOwner, AnswerInput, CorrectiveAction, CorrectiveInput, SupervisionTemplate,
    TemplateInput, TemplateSummary, Visit, VisitInput, VisitSummary,
};

use crate::client::if_match;
use crate::{Answer, Client, Resource};

impl Client {
    /// Checklist templates (`publish` and `revisions` are steps).
    pub fn supervision_templates(
        &self,
    ) -> Resource<'_, SupervisionTemplate, TemplateInput, TemplateSummary> {
        Resource::new(self, "supervision-templates")
    }

    /// Supervision visits (`update` reschedules with a `VisitEditInput`: use
    /// `update_from`).
    pub fn supervision_visits(&self) -> Resource<'_, Visit, VisitInput, VisitSummary> {
        Resource::new(self, "supervision-visits")
    }

    /// Corrective actions.
    pub fn corrective_actions(&self) -> Resource<'_, CorrectiveAction, CorrectiveInput> {
        Resource::new(self, "corrective-actions")
    }

    /// `PUT /supervision-visits/{id}/answers/{item}` with `If-Match` when given.
    pub async fn answer_item(
        &self,
        visit_id: i64,
        item_code: &str,
        answer: &AnswerInput,
        etag: Option<&str>,
    ) -> Answer<Visit> {
        self.put(
            &format!(
                "{}/supervision-visits/{visit_id}/answers/{item_code}",
                crate::API
            ),
            answer,
            etag,
        )
        .await
    }

    /// `PUT /supervision-visits/{id}/answers/{item}/photo` with the image's bytes.
    pub async fn attach_photo(
        &self,
        visit_id: i64,
        item_code: &str,
        content_type: &str,
        bytes: Vec<u8>,
        etag: Option<&str>,
    ) -> Answer<Visit> {
        let path = format!(
            "{}/supervision-visits/{visit_id}/answers/{item_code}/photo",
            crate::API
        );
        let request = self
            .request(Method::PUT, &path)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes);
        self.send(if_match(request, etag)).await
    }

    /// `GET /supervision-photos/{id}`: the image (read its bytes).
    pub async fn supervision_photo(&self, photo_id: i64) -> Answer<()> {
        self.get(&format!("{}/supervision-photos/{photo_id}", crate::API))
            .await
    }

    /// `GET /supervision-visits/{id}/owners`.
    pub async fn action_owners(&self, visit_id: i64) -> Answer<Vec<ActionOwner>> {
        self.get(&format!(
            "{}/supervision-visits/{visit_id}/owners",
            crate::API
        ))
        .await
    }
}
