//! `/registry/networks`: the regional specialty networks (seed 003), each with its member
//! facilities and their part; referrals prefer the nearest capable member. The
//! Department of Health (and admins) set networks up and change their members.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::{FacilityQuery, specialty_label};
use shared::technique::{
    NetworkInput, NetworkMemberInput, NetworkQuery, NetworkRole, SpecialtyNetwork,
};

use super::{NoResults, RegistryTabs, non_blank};
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::filters::{SpecialtyFilter, bind};
use crate::components::form::{
    CheckedSend, ChoiceField, FieldMessages, FormSection, FormText, InlineForm, SelectField,
    input_problems, messages_at,
};
use crate::components::list::CardTable;
use crate::components::{Loading, loaded};
use crate::contexts::{use_lang, use_session};
use crate::i18n::Key;

/// The networks, with "set up" and "edit" for those who keep them.
#[component]
pub fn NetworksPage() -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let session = use_session();
    let networks = LocalResource::new(move || async move {
        api::registry::specialty_networks(api, &NetworkQuery::default()).await
    });
    let changed = Callback::new(move |()| networks.refetch());
    let adding = RwSignal::new(false);
    let manages = move || session.can(Capability::ManageTechniques);
    view! {
        <section class="page">
            <RegistryTabs />
            <p class="muted">{move || lang.t(Key::SpecialtyNetworksSummary)}</p>
            <Show when=manages>
                <div class="page-actions">
                    <button
                        type="button"
                        class="button primary"
                        id="new-network"
                        aria-expanded=move || adding.get().to_string()
                        on:click=move |_| adding.update(|open| *open = !*open)
                    >
                        {move || lang.t(Key::NewNetwork)}
                    </button>
                </div>
                <Show when=move || adding.get()>
                    <NetworkForm
                        existing=None
                        on_saved=Callback::new(move |()| {
                            adding.set(false);
                            changed.run(());
                        })
                        on_close=Callback::new(move |()| adding.set(false))
                    />
                </Show>
            </Show>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    loaded(networks.await, move |networks| {
                        if networks.is_empty() {
                            return view! { <NoResults /> }.into_any();
                        }
                        networks
                            .into_iter()
                            .map(|network| view! { <NetworkCard network editable=manages() changed /> })
                            .collect_view()
                            .into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

/// One network: its specialty, basis and members.
#[component]
fn NetworkCard(network: SpecialtyNetwork, editable: bool, changed: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let editing = RwSignal::new(false);
    let specialty = network.specialty.clone();
    let stored = StoredValue::new(network.clone());
    let rows = network
        .members
        .into_iter()
        .map(|member| {
            let role = member.role;
            let kind = member.facility.kind;
            view! {
                <tr data-facility-code=member.facility.code.clone()>
                    <td>
                        <A href=format!("/registry/facilities/{}", member.facility.id)>{member.facility.name}</A>
                    </td>
                    <td>{move || kind.label(lang.get())}</td>
                    <td>{move || role.label(lang.get())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card network" id=format!("network-{}", network.id) data-specialty=network.specialty.clone()>
            <h2>{network.name}</h2>
            <p class="muted">
                {move || specialty_label(&specialty, lang.get()).to_string()}
                {network.basis.map(|basis| view! { " · " {basis} })}
            </p>
            <CardTable class="members">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t(Key::MemberFacility)}</th>
                        <th scope="col">{move || lang.t(Key::Kind)}</th>
                        <th scope="col">{move || lang.t(Key::NetworkRole)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </CardTable>
            {editable.then(|| view! {
                <button
                    type="button"
                    class="button secondary small edit-network"
                    on:click=move |_| editing.update(|open| *open = !*open)
                >
                    {move || lang.t(Key::EditNetwork)}
                </button>
            })}
            <Show when=move || editing.get()>
                <NetworkForm
                    existing=Some(stored.get_value())
                    on_saved=Callback::new(move |()| {
                        editing.set(false);
                        changed.run(());
                    })
                    on_close=Callback::new(move |()| editing.set(false))
                />
            </Show>
        </section>
    }
}

/// A network's fields as typed; members are chosen from the registry.
#[derive(Debug, Clone, Default, PartialEq)]
struct NetworkDraft {
    name: String,
    specialty: String,
    basis: String,
    /// (facility id, its name, its part)
    members: Vec<(i64, String, NetworkRole)>,
    /// The member being added: facility id and part, as chosen.
    new_facility: String,
    new_role: String,
}

impl NetworkDraft {
    fn of(network: Option<&SpecialtyNetwork>) -> Self {
        let role = NetworkRole::Centre.as_str().to_string();
        match network {
            None => NetworkDraft {
                new_role: role,
                ..NetworkDraft::default()
            },
            Some(n) => NetworkDraft {
                name: n.name.clone(),
                specialty: n.specialty.clone(),
                basis: n.basis.clone().unwrap_or_default(),
                members: n
                    .members
                    .iter()
                    .map(|m| (m.facility.id, m.facility.name.clone(), m.role))
                    .collect(),
                new_facility: String::new(),
                new_role: role,
            },
        }
    }

    fn input(&self) -> (NetworkInput, FieldMessages) {
        let input = NetworkInput {
            name: self.name.trim().to_string(),
            specialty: self.specialty.trim().to_string(),
            basis: non_blank(&self.basis),
            members: self
                .members
                .iter()
                .map(|(facility_id, _, role)| NetworkMemberInput {
                    facility_id: *facility_id,
                    role: *role,
                })
                .collect(),
        };
        (input, FieldMessages::new())
    }
}

/// A new network's form, or an existing one's.
#[component]
fn NetworkForm(
    existing: Option<SpecialtyNetwork>,
    on_saved: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(NetworkDraft::of(existing.as_ref()));
    let current = StoredValue::new(existing.as_ref().map(|n| (n.id, n.version)));
    let facilities = LocalResource::new(move || async move {
        let query = FacilityQuery {
            limit: Some(shared::page::MAX_LIMIT),
            ..Default::default()
        };
        api::registry::facilities(api, &query).await.map(|page| {
            page.items
                .into_iter()
                .filter(|f| f.level.is_some())
                .map(|f| (f.id, f.name))
                .collect::<Vec<_>>()
        })
    });
    let input = move || draft.with(NetworkDraft::input);
    let keys = IdempotencyKeys::<NetworkInput>::new();
    let form = CheckedSend::new(input_problems(lang, input), move |input: NetworkInput| {
        let existing = current.get_value();
        let key = keys.for_body(&input);
        async move {
            match existing {
                Some((id, version)) => {
                    api::registry::update_network(api, id, version, &input).await
                }
                None => api::registry::create_network(api, &input, &key).await,
            }
        }
    })
    .on_success(on_saved);
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    let problem = form.problem_besides(|path| matches!(path, "name" | "basis"));
    let specialty = bind(draft, |d| &d.specialty, |d| &mut d.specialty);
    let new_facility = bind(draft, |d| &d.new_facility, |d| &mut d.new_facility);
    let new_role = bind(draft, |d| &d.new_role, |d| &mut d.new_role);
    let add_member = move |_| {
        let names = facilities
            .get_untracked()
            .and_then(Result::ok)
            .unwrap_or_default();
        draft.update(|d| {
            let (Ok(id), Ok(role)) = (
                d.new_facility.parse::<i64>(),
                d.new_role.parse::<NetworkRole>(),
            ) else {
                return;
            };
            if d.members.iter().any(|(member, _, _)| *member == id) {
                return;
            }
            let name = names
                .iter()
                .find(|(facility, _)| *facility == id)
                .map_or_else(|| id.to_string(), |(_, name)| name.clone());
            d.members.push((id, name, role));
            d.new_facility.clear();
        });
    };
    let members = move || {
        draft.with(|d| {
            d.members
                .iter()
                .cloned()
                .map(|(id, name, role)| {
                    view! {
                        <li data-member=id.to_string()>
                            {name} " · " {move || role.label(lang.get())} " "
                            <button
                                type="button"
                                class="button ghost small"
                                on:click=move |_| draft.update(|d| d.members.retain(|(m, _, _)| *m != id))
                            >
                                {move || lang.t(Key::Remove)}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let label = if existing.is_some() {
        Key::EditNetwork
    } else {
        Key::NewNetwork
    };
    view! {
        <div class="network-form">
            <InlineForm label pending=form.pending() problem on_save on_close save_id="save-network">
                <FormSection legend=label>
                    <div class="form-grid">
                        <FormText form path="name" id="n-name" label=Key::NetworkName field=bind(draft, |d| &d.name, |d| &mut d.name) required=true eager=true />
                        <SpecialtyFilter id="n-specialty" label=Key::Specialty field=specialty />
                        <FormText form path="basis" id="n-basis" label=Key::NetworkBasis field=bind(draft, |d| &d.basis, |d| &mut d.basis) eager=true />
                    </div>
                </FormSection>
                <FormSection legend=Key::NetworkMembers>
                    <ul class="plain-list" id="n-members">{members}</ul>
                    <div class="form-grid">
                        <ChoiceField
                            id="n-new-facility"
                            label=Key::MemberFacility
                            source=facilities
                            choices=|items| items
                            value=new_facility.value
                            on_change=new_facility.set
                            messages=messages_at(form.shown(), || "members".to_string())
                        />
                        <SelectField
                            id="n-new-role"
                            label=Key::NetworkRole
                            values=NetworkRole::all()
                            code=NetworkRole::as_str
                            value=new_role.value
                            on_change=new_role.set
                            messages=Signal::derive(Vec::new)
                        />
                    </div>
                    <button type="button" class="button secondary small" id="n-add-member" on:click=add_member>
                        "+ " {move || lang.t(Key::AddMember)}
                    </button>
                </FormSection>
            </InlineForm>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_draft_sends_its_members_with_their_parts() {
        let mut draft = NetworkDraft::of(None);
        assert_eq!(
            draft.new_role, "centre",
            "a new member is a centre by default"
        );
        draft.name = " Mạng lưới Sản khoa ".into();
        draft.specialty = "san_phu_khoa".into();
        draft.members = vec![
            (3, "Bệnh viện tỉnh".into(), NetworkRole::Provincial),
            (7, "Trung tâm".into(), NetworkRole::Centre),
        ];
        let (input, unreadable) = draft.input();
        assert!(unreadable.is_empty());
        assert_eq!(input.name, "Mạng lưới Sản khoa");
        assert_eq!(input.basis, None);
        assert_eq!(
            input
                .members
                .iter()
                .map(|m| (m.facility_id, m.role))
                .collect::<Vec<_>>(),
            vec![(3, NetworkRole::Provincial), (7, NetworkRole::Centre)]
        );
    }
}
