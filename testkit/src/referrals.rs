//! Referrals (chuyển tuyến) and the follow-up visits that close their loop.

use serde_json::Value;
use shared::code_list::CodeEntry;
use shared::page::Page;
use shared::referral::{
    FollowUp, Referral, ReferralInput, ReferralRules, ReferralRulesSetting, ReferralSummary,
};

use crate::{API, Answer, Client, Resource};

impl Client {
    /// Referrals: slips, their state machine and lists.
    pub fn referrals(&self) -> Resource<'_, Referral, ReferralInput, ReferralSummary> {
        Resource::new(self, "referrals")
    }

    /// A referral's follow-up visits at the station.
    pub fn follow_ups(&self) -> Resource<'_, FollowUp, Value> {
        Resource::new(self, "follow-ups")
    }

    /// `GET /code-lists/icd10?{query}`: a page of the ICD-10 list (`q`, `limit`,
    /// `cursor`; the query string is sent as given).
    pub async fn icd10(&self, query: &str) -> Answer<Page<CodeEntry>> {
        self.get(&format!("{API}/code-lists/icd10?{query}")).await
    }

    /// `GET /referral-rules`: the network's referral rules, their version and the
    /// years missing a holiday list.
    pub async fn referral_rules(&self) -> Answer<ReferralRulesSetting> {
        self.get(&rules_path()).await
    }

    /// `PUT /referral-rules` at the version read (`If-Match: "version"`).
    pub async fn store_referral_rules(
        &self,
        rules: &ReferralRules,
        version: i64,
    ) -> Answer<ReferralRulesSetting> {
        let etag = format!("\"{version}\"");
        self.put(&rules_path(), rules, Some(&etag)).await
    }
}

fn rules_path() -> String {
    format!("{API}/referral-rules")
}
