//! `/referrals/new` and `/referrals/:id/edit`: the slip, in the sections of the official
//! form (Circular 01/2025/TT-BYT, Appendix VI).
//!
//! Every keystroke re-checks the slip with the shared rules: `validate_draft` (formats)
//! until the person asks to send, then `validate_send` (a complete slip). A field's
//! messages show once it has been left or a save was tried; the server's own field
//! messages (`errors` of a `validation_failed` problem) show next to the same fields.

mod binder;
mod icd;
mod sections;
mod slip;
mod view;

use leptos::prelude::*;
use leptos_router::components::A;

use self::view::SlipFormView;
use super::{BASE, InvalidReferralId, may_handle_referrals, referral_href, use_id_param};
use crate::api::{self, use_api};
use crate::components::{Loading, loaded};
use crate::contexts::use_lang;
use crate::i18n::Key;

/// `/referrals/new`.
#[component]
pub fn NewReferralPage() -> impl IntoView {
    let lang = use_lang();
    let may_create = may_handle_referrals();
    move || {
        if may_create() {
            view! { <SlipFormView initial=None /> }.into_any()
        } else {
            view! {
                <section class="page">
                    <p class="breadcrumb">
                        <A href=BASE>{move || lang.t(Key::BackToReferrals)}</A>
                    </p>
                    <div class="notice" role="status">
                        <p>{move || lang.t(Key::CannotCreate)}</p>
                    </div>
                </section>
            }
            .into_any()
        }
    }
}

/// `/referrals/:id/edit`: a draft, loaded, then the same form.
#[component]
pub fn EditReferralPage() -> impl IntoView {
    let id = use_id_param();
    move || match id.get() {
        Some(id) => view! { <EditDraft id /> }.into_any(),
        None => view! { <InvalidReferralId /> }.into_any(),
    }
}

#[component]
fn EditDraft(id: i64) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let referral = LocalResource::new(move || api::referrals::get(api, id));
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                loaded(
                    referral.await,
                    move |referral| {
                        if referral.editable {
                            view! { <SlipFormView initial=Some(referral) /> }.into_any()
                        } else {
                            view! {
                                <section class="page">
                                    <div class="notice" role="status">
                                        <p>{move || lang.t(Key::DraftNotEditable)}</p>
                                        <p>
                                            <A href=referral_href(
                                                id,
                                            )>{move || lang.t(Key::BackToReferral)}</A>
                                        </p>
                                    </div>
                                </section>
                            }
                                .into_any()
                        }
                    },
                )
            })}
        </Transition>
    }
}
