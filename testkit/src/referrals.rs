//! Referrals (chuyển tuyến) and the follow-up visits that close their loop.

use serde_json::Value;
use shared::referral::{FollowUp, Referral, ReferralInput, ReferralSummary};

use crate::{Client, Resource};

impl Client {
    /// Referrals: slips, their state machine and lists.
    pub fn referrals(&self) -> Resource<'_, Referral, ReferralInput, ReferralSummary> {
        Resource::new(self, "referrals")
    }

    /// A referral's follow-up visits at the station.
    pub fn follow_ups(&self) -> Resource<'_, FollowUp, Value> {
        Resource::new(self, "follow-ups")
    }
}
