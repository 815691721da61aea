//! A member of staff's leave on their page: the periods recorded, and for those who
//! manage the staff of that facility, a form that adds one (kind, first and last day,
//! note; checked with the shared validators as it is typed, created once per body) and
//! a confirmed "remove" on each. Either changes the member's version, so the page reads
//! the member again afterwards.

use leptos::prelude::*;
use shared::Labelled;
use shared::auth::Capability;
use shared::registry::{Leave, LeaveInput, LeaveKind, Staff};

use super::may_manage;
use crate::api::{self, IdempotencyKeys, use_api};
use crate::components::ConfirmButton;
use crate::components::filters::bind;
use crate::components::form::{
    CheckedSend, FieldMessages, FormSection, FormText, InlineForm, InputKind, SelectField,
    Unreadable, input_problems,
};
use crate::components::list::{DataTable, Heading};
use crate::contexts::{use_lang, use_session};
use crate::i18n::{Key, format_date};
use crate::pages::query::non_blank;

/// The leave of `staff`; `reload` reads the member again after a change.
#[component]
pub(super) fn LeaveSection(staff: Staff, reload: Callback<()>) -> impl IntoView {
    let lang = use_lang();
    let session = use_session();
    let editable = may_manage(session, Capability::ManageStaff, staff.facility_id);
    let adding = RwSignal::new(false);
    let staff_id = staff.id;
    let mut leaves = staff.leaves;
    leaves.sort_by_key(|leave| std::cmp::Reverse(leave.start_date));
    let list = if leaves.is_empty() {
        view! { <p class="muted" id="no-leaves">{move || lang.t(Key::NoLeaves)}</p> }.into_any()
    } else {
        let rows = leaves
            .into_iter()
            .map(|leave| view! { <LeaveRow leave editable reload /> })
            .collect_view();
        let mut headings = vec![
            Heading::Label(Key::LeaveKindLabel),
            Heading::Label(Key::FromDate),
            Heading::Label(Key::ToDate),
            Heading::Label(Key::Note),
        ];
        if editable {
            headings.push(Heading::Blank);
        }
        view! { <DataTable headings>{rows}</DataTable> }.into_any()
    };
    view! {
        <section id="staff-leaves">
            <h2>{move || lang.t(Key::Leaves)}</h2>
            {list}
            {editable.then(|| view! {
                <button
                    type="button"
                    class="button secondary"
                    id="add-leave"
                    aria-expanded=move || adding.get().to_string()
                    on:click=move |_| adding.update(|open| *open = !*open)
                >
                    {move || lang.t(Key::AddLeave)}
                </button>
                <Show when=move || adding.get()>
                    <NewLeaveForm
                        staff_id
                        on_saved=reload
                        on_close=Callback::new(move |()| adding.set(false))
                    />
                </Show>
            })}
        </section>
    }
}

/// One leave period, with "remove" when `editable`.
#[component]
fn LeaveRow(leave: Leave, editable: bool, reload: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let (staff_id, id) = (leave.staff_id, leave.id);
    let kind = leave.kind;
    let (start, end) = (leave.start_date, leave.end_date);
    view! {
        <tr data-leave-id=id>
            <td>{move || kind.label(lang.get())}</td>
            <td>{move || format_date(lang.get(), start)}</td>
            <td>{move || format_date(lang.get(), end)}</td>
            <td>{leave.note.unwrap_or_default()}</td>
            {editable.then(|| view! {
                <td>
                    <ConfirmButton
                        id=format!("remove-leave-{id}")
                        label=Key::Remove
                        question=Key::RemoveLeaveQuestion
                        send=move || api::registry::delete_leave(api, staff_id, id)
                        on_done=reload
                    />
                </td>
            })}
        </tr>
    }
}

/// A new leave period's fields as typed.
#[derive(Debug, Clone, Default, PartialEq)]
struct LeaveDraft {
    kind: String,
    start_date: String,
    end_date: String,
    note: String,
}

impl LeaveDraft {
    /// The body these fields make, and the fields that cannot be read.
    fn input(&self, lang: shared::Lang) -> (LeaveInput, FieldMessages) {
        let mut unreadable = Unreadable::new(lang);
        let kind = unreadable.choice::<LeaveKind>("kind", &self.kind);
        let start_date = unreadable.date("start_date", &self.start_date);
        let end_date = unreadable.date("end_date", &self.end_date);
        let input = LeaveInput {
            kind: kind.unwrap_or(LeaveKind::Other),
            start_date: start_date.unwrap_or_default(),
            end_date: end_date.unwrap_or_default(),
            note: non_blank(&self.note),
        };
        (input, unreadable.messages)
    }
}

/// The form that adds a leave period to `staff_id`.
#[component]
fn NewLeaveForm(staff_id: i64, on_saved: Callback<()>, on_close: Callback<()>) -> impl IntoView {
    let api = use_api();
    let lang = use_lang();
    let draft = RwSignal::new(LeaveDraft::default());
    let input = move || {
        let lang = lang.get();
        draft.with(|draft| draft.input(lang))
    };
    let problems = input_problems(lang, input);
    let keys = IdempotencyKeys::<LeaveInput>::new();
    let form = CheckedSend::new(problems, move |input: LeaveInput| {
        let key = keys.for_body(&input);
        async move { api::registry::add_leave(api, staff_id, &input, &key).await }
    })
    .on_success(on_saved);
    let on_save = Callback::new(move |()| form.submit(|| untrack(input).0));
    let problem =
        form.problem_besides(|path| matches!(path, "kind" | "start_date" | "end_date" | "note"));
    let kind = bind(draft, |d| &d.kind, |d| &mut d.kind);
    view! {
        <div id="new-leave-form">
            <InlineForm label=Key::AddLeave pending=form.pending() problem on_save on_close save_id="save-leave">
                <FormSection legend=Key::AddLeave>
                    <div class="form-grid">
                        <SelectField
                            id="lv-kind"
                            label=Key::LeaveKindLabel
                            values=LeaveKind::all()
                            code=LeaveKind::as_str
                            value=kind.value
                            on_change=kind.set
                            messages=form.messages("kind")
                            required=true
                        />
                        <FormText form path="start_date" id="lv-start_date" label=Key::FromDate field=bind(draft, |d| &d.start_date, |d| &mut d.start_date) kind=InputKind::Date required=true eager=true />
                        <FormText form path="end_date" id="lv-end_date" label=Key::ToDate field=bind(draft, |d| &d.end_date, |d| &mut d.end_date) kind=InputKind::Date required=true eager=true />
                        <FormText form path="note" id="lv-note" label=Key::Note field=bind(draft, |d| &d.note, |d| &mut d.note) eager=true />
                    </div>
                </FormSection>
            </InlineForm>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use shared::Lang;
    use validator::Validate;

    use super::*;
    use crate::components::form::rule_messages;

    #[test]
    fn an_unreadable_day_is_said_once() {
        let draft = LeaveDraft {
            kind: "annual".into(),
            start_date: "2027-01-04".into(),
            end_date: "4/1".into(),
            note: String::new(),
        };
        let (input, mut messages) = draft.input(Lang::Vi);
        // The unread day falls back to the earliest one, before the first day.
        for (path, list) in rule_messages(input.validate(), Lang::Vi) {
            messages.entry(path).or_insert(list);
        }
        assert_eq!(
            messages["end_date"],
            vec![crate::i18n::t(Lang::Vi, Key::DateRequired)]
        );
    }
}
