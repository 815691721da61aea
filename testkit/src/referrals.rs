//! Referrals (chuyển tuyến) and the follow-up visits that close their loop.

use serde_json::Value;
use shared::referral::{FollowUp, Referral, ReferralInput, ReferralRules, ReferralSummary};

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

    /// `GET /referral-rules`: the network's referral rules and their version.
    pub async fn referral_rules(&self) -> Answer<ReferralRules> {
        self.get(&format!("{API}/referral-rules")).await
    }
}
