//! Diesel table definitions, written for both dialects (see `migrations/`).

diesel::table! {
    facilities (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        level -> Nullable<Text>,
        supervising_id -> Nullable<BigInt>,
        province -> Text,
        ward -> Nullable<Text>,
        address -> Nullable<Text>,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        phone -> Nullable<Text>,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        name_search -> Nullable<Text>,
    }
}

diesel::table! {
    facility_capabilities (id) {
        id -> BigInt,
        facility_id -> BigInt,
        kind -> Text,
        code -> Text,
        name -> Text,
        status -> Text,
        source -> Text,
    }
}

diesel::table! {
    support_links (id) {
        id -> BigInt,
        supporter_id -> BigInt,
        supported_id -> BigInt,
        since -> Nullable<Date>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    departments (id) {
        id -> BigInt,
        facility_id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        min_on_site -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    staff (id) {
        id -> BigInt,
        facility_id -> BigInt,
        department_id -> Nullable<BigInt>,
        code -> Nullable<Text>,
        full_name -> Text,
        profession -> Text,
        title -> Nullable<Text>,
        licence_number -> Nullable<Text>,
        licence_valid_from -> Nullable<Date>,
        licence_valid_until -> Nullable<Date>,
        specialties -> Text,
        monthly_rotation_day_limit -> Integer,
        rotation_exemption -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        citizen_id -> Nullable<Text>,
        name_search -> Nullable<Text>,
    }
}

diesel::table! {
    staff_leaves (id) {
        id -> BigInt,
        staff_id -> BigInt,
        kind -> Text,
        start_date -> Date,
        end_date -> Date,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        full_name -> Text,
        role -> Text,
        facility_id -> BigInt,
        staff_id -> Nullable<BigInt>,
        active -> Bool,
        last_login_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        must_change_password -> Bool,
        name_search -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        family_started_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> BigInt,
        name -> Text,
        facility_id -> BigInt,
        scopes -> Text,
        token_hash -> Text,
        token_prefix -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor_client_id -> Nullable<BigInt>,
        actor -> Text,
        entity -> Text,
        entity_id -> Text,
        action -> Text,
        facility_id -> Nullable<BigInt>,
        changes -> Text,
        request_id -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        principal -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status -> Integer,
        response -> Nullable<Text>,
        created_at -> Timestamp,
        record_id -> Nullable<BigInt>,
        location -> Nullable<Text>,
    }
}

diesel::table! {
    slip_counters (facility_id, year) {
        facility_id -> BigInt,
        year -> Integer,
        last_seq -> BigInt,
    }
}

diesel::table! {
    referrals (id) {
        id -> BigInt,
        slip_number -> Text,
        slip_year -> Integer,
        slip_seq -> BigInt,
        status -> Text,
        from_facility_id -> BigInt,
        to_facility_id -> BigInt,
        direction -> Text,
        urgency -> Text,
        reason -> Text,
        reason_text -> Nullable<Text>,
        patient_name -> Text,
        patient -> Text,
        clinical -> Text,
        details -> Text,
        signed_on -> Nullable<Date>,
        valid_until -> Nullable<Date>,
        long_validity -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        answer_due_at -> Nullable<Timestamp>,
        answered_at -> Nullable<Timestamp>,
        arrived_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        status_reason -> Nullable<Text>,
        outcome -> Nullable<Text>,
        discharge -> Nullable<Text>,
        origin_id -> Nullable<BigInt>,
        origin_kind -> Nullable<Text>,
        version -> BigInt,
    }
}

diesel::table! {
    referral_events (id) {
        id -> BigInt,
        referral_id -> BigInt,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor -> Text,
        actor_user_id -> Nullable<BigInt>,
        actor_role -> Nullable<Text>,
        facility_id -> BigInt,
        at -> Timestamp,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    follow_ups (id) {
        id -> BigInt,
        referral_id -> BigInt,
        back_referral_id -> Nullable<BigInt>,
        facility_id -> BigInt,
        due_on -> Date,
        instructions -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    follow_up_visits (id) {
        id -> BigInt,
        follow_up_id -> BigInt,
        visited_on -> Date,
        notes -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    app_settings (key) {
        key -> Text,
        value -> Text,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(facility_capabilities -> facilities (facility_id));
diesel::table! {
    techniques (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        name_search -> Text,
        specialty -> Text,
        level -> Text,
        active -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    specialty_networks (id) {
        id -> BigInt,
        name -> Text,
        specialty -> Text,
        basis -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    specialty_network_members (id) {
        id -> BigInt,
        network_id -> BigInt,
        facility_id -> BigInt,
        role -> Text,
    }
}

diesel::joinable!(specialty_network_members -> specialty_networks (network_id));
diesel::joinable!(specialty_network_members -> facilities (facility_id));
diesel::table! {
    rotation_plans (id) {
        id -> BigInt,
        facility_id -> BigInt,
        title -> Text,
        start_date -> Date,
        end_date -> Date,
        settings -> Text,
        published_at -> Nullable<Timestamp>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rotation_demands (id) {
        id -> BigInt,
        plan_id -> BigInt,
        station_id -> BigInt,
        profession -> Text,
        specialty -> Nullable<Text>,
        count -> Integer,
        pattern -> Text,
        start_date -> Date,
        end_date -> Date,
        weekdays -> Integer,
        plan_activity_id -> Nullable<BigInt>,
        note -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        status -> Text,
        proposed_by -> Nullable<Text>,
        proposed_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decline_reason -> Nullable<Text>,
    }
}

diesel::table! {
    rotation_assignments (id) {
        id -> BigInt,
        plan_id -> BigInt,
        demand_id -> Nullable<BigInt>,
        staff_id -> BigInt,
        station_id -> BigInt,
        start_date -> Date,
        end_date -> Date,
        weekdays -> Integer,
        status -> Text,
        source -> Text,
        swaps -> Text,
        feedback -> Nullable<Text>,
        attendance_note -> Nullable<Text>,
        created_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rotation_preferences (id) {
        id -> BigInt,
        staff_id -> BigInt,
        station_id -> BigInt,
    }
}

diesel::table! {
    rotation_avoidances (staff_id) {
        staff_id -> BigInt,
        weekdays -> Integer,
        months -> Integer,
    }
}

diesel::table! {
    rotation_generations (id) {
        id -> BigInt,
        plan_id -> BigInt,
        status -> Text,
        progress -> Integer,
        seed -> BigInt,
        replan_published -> Bool,
        result -> Nullable<Text>,
        error -> Nullable<Text>,
        started_by -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        cancel_requested -> Bool,
        attempts -> Integer,
        started_by_user_id -> Nullable<BigInt>,
        started_by_client_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> BigInt,
        subject -> Text,
        subject_id -> BigInt,
        token_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consultation_sessions (id) {
        id -> BigInt,
        series_id -> Nullable<Text>,
        host_facility_id -> BigInt,
        title -> Text,
        specialty -> Nullable<Text>,
        mode -> Text,
        meeting_url -> Nullable<Text>,
        location_facility_id -> Nullable<BigInt>,
        starts_at -> Timestamp,
        duration_minutes -> Integer,
        participants -> Text,
        note -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consultation_cases (id) {
        id -> BigInt,
        session_id -> Nullable<BigInt>,
        requesting_facility_id -> BigInt,
        consulting_facility_id -> BigInt,
        patient -> Text,
        summary -> Text,
        question -> Text,
        specialty -> Nullable<Text>,
        urgency -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        conclusion -> Nullable<Text>,
        conclusion_note -> Nullable<Text>,
        concluded_by -> Nullable<Text>,
        concluded_at -> Nullable<Timestamp>,
        referral_id -> Nullable<BigInt>,
        outcome -> Nullable<Text>,
        outcome_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plan_facilities (plan_id, facility_id) {
        plan_id -> BigInt,
        facility_id -> BigInt,
    }
}

diesel::table! {
    plans (id) {
        id -> BigInt,
        series_id -> Text,
        version_number -> Integer,
        previous_version_id -> Nullable<BigInt>,
        superseded_by_id -> Nullable<BigInt>,
        code -> Text,
        title -> Text,
        issuing_facility_id -> BigInt,
        network -> Bool,
        start_date -> Date,
        end_date -> Date,
        phases -> Text,
        supported_facility_ids -> Text,
        document -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        approved_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plan_activities (id) {
        id -> BigInt,
        plan_id -> BigInt,
        group_position -> Integer,
        group_title -> Text,
        position -> Integer,
        title -> Text,
        kind -> Text,
        responsible_department_id -> Nullable<BigInt>,
        responsible_unit -> Text,
        facility_ids -> Text,
        start_date -> Date,
        end_date -> Date,
        description -> Text,
        status -> Text,
        progress_note -> Nullable<Text>,
        delivered_on -> Nullable<Date>,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    activity_feedback (id) {
        id -> BigInt,
        activity_id -> BigInt,
        facility_id -> BigInt,
        rating -> Integer,
        comment -> Nullable<Text>,
        rated_by -> Text,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    plan_indicators (id) {
        id -> BigInt,
        plan_id -> BigInt,
        position -> Integer,
        code -> Text,
        name -> Text,
        unit -> Text,
        kind -> Text,
        direction -> Text,
        source -> Text,
        metric -> Nullable<Text>,
        basis_code -> Nullable<Text>,
        threshold -> Nullable<Double>,
        targets -> Text,
    }
}

diesel::table! {
    indicator_values (id) {
        id -> BigInt,
        series_id -> Text,
        indicator_code -> Text,
        facility_id -> BigInt,
        period -> Text,
        value -> Double,
        note -> Nullable<Text>,
        reported_by -> Text,
        reported_at -> Timestamp,
    }
}

diesel::table! {
    value_approvals (id) {
        id -> BigInt,
        series_id -> Text,
        facility_id -> BigInt,
        period -> Text,
        approved -> Bool,
        reason -> Nullable<Text>,
        snapshot -> Nullable<Text>,
        decided_by -> Text,
        decided_at -> Timestamp,
    }
}

diesel::table! {
    evaluations (id) {
        id -> BigInt,
        plan_id -> BigInt,
        kind -> Text,
        period -> Text,
        status -> Text,
        summary -> Text,
        rows -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    support_requests (id) {
        id -> BigInt,
        station_id -> BigInt,
        topic -> Text,
        specialty -> Nullable<Text>,
        urgency -> Text,
        details -> Text,
        status -> Text,
        activity_id -> Nullable<BigInt>,
        decline_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        answered_by -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        version -> BigInt,
    }
}

diesel::table! {
    login_throttles (key) {
        key -> Text,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(departments -> facilities (facility_id));
diesel::joinable!(staff -> facilities (facility_id));
diesel::joinable!(staff -> departments (department_id));
diesel::joinable!(staff_leaves -> staff (staff_id));
diesel::joinable!(users -> facilities (facility_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_clients -> facilities (facility_id));
diesel::joinable!(referral_events -> referrals (referral_id));
diesel::joinable!(follow_ups -> facilities (facility_id));
diesel::joinable!(follow_up_visits -> follow_ups (follow_up_id));
diesel::joinable!(rotation_demands -> rotation_plans (plan_id));
diesel::joinable!(rotation_assignments -> staff (staff_id));
diesel::joinable!(rotation_generations -> rotation_plans (plan_id));
diesel::joinable!(consultation_cases -> consultation_sessions (session_id));
diesel::joinable!(plan_activities -> plans (plan_id));
diesel::joinable!(plan_indicators -> plans (plan_id));
diesel::joinable!(activity_feedback -> plan_activities (activity_id));
diesel::joinable!(evaluations -> plans (plan_id));
diesel::table! {
    referral_search (referral_id) {
        referral_id -> BigInt,
        patient_name_search -> Text,
    }
}

diesel::joinable!(referral_search -> referrals (referral_id));

diesel::allow_tables_to_appear_in_same_query!(
    facilities,
    facility_capabilities,
    techniques,
    specialty_networks,
    specialty_network_members,
    support_links,
    departments,
    staff,
    staff_leaves,
    users,
    refresh_tokens,
    login_throttles,
    api_clients,
    audit_events,
    idempotency_keys,
    slip_counters,
    referrals,
    referral_search,
    referral_events,
    follow_ups,
    follow_up_visits,
    app_settings,
    rotation_plans,
    rotation_demands,
    rotation_assignments,
    rotation_preferences,
    rotation_avoidances,
    rotation_generations,
    calendar_feeds,
    consultation_sessions,
    consultation_cases,
    plans,
    plan_facilities,
    plan_activities,
    activity_feedback,
    plan_indicators,
    indicator_values,
    value_approvals,
    evaluations,
    support_requests,
);

// Supervision and quality criteria (migration 000019).

diesel::table! {
    supervision_templates (id) {
        id -> BigInt,
        code -> Text,
        revision -> Integer,
        owner_facility_id -> BigInt,
        title -> Text,
        area -> Text,
        description -> Nullable<Text>,
        pass_threshold -> Integer,
        sections -> Text,
        item_count -> Integer,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    supervision_visits (id) {
        id -> BigInt,
        template_id -> BigInt,
        facility_id -> BigInt,
        supervising_facility_id -> BigInt,
        planned_on -> Date,
        visitors -> Text,
        follow_up_of -> Nullable<BigInt>,
        note -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        conclusion -> Nullable<Text>,
        score_percent -> Nullable<Double>,
        passed -> Nullable<Bool>,
        started_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    supervision_photos (id) {
        id -> BigInt,
        visit_id -> BigInt,
        item_code -> Text,
        content_type -> Text,
        byte_size -> BigInt,
        bytes -> Binary,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    supervision_answers (id) {
        id -> BigInt,
        visit_id -> BigInt,
        item_code -> Text,
        choice -> Nullable<Text>,
        points -> Nullable<Integer>,
        note -> Nullable<Text>,
        photo_id -> Nullable<BigInt>,
        answered_by -> Text,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    corrective_actions (id) {
        id -> BigInt,
        visit_id -> BigInt,
        facility_id -> BigInt,
        supervising_facility_id -> BigInt,
        item_code -> Nullable<Text>,
        description -> Text,
        owner_user_id -> BigInt,
        due_on -> Date,
        status -> Text,
        response -> Nullable<Text>,
        answered_by -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        closed_in_visit_id -> Nullable<BigInt>,
        close_note -> Nullable<Text>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        reopen_reason -> Nullable<Text>,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    supervision_templates,
    supervision_visits,
    supervision_photos,
    supervision_answers,
    corrective_actions,
);

// Technique transfer agreements (migration 000020).

diesel::table! {
    transfer_agreements (id) {
        id -> BigInt,
        title -> Text,
        giving_facility_id -> BigInt,
        receiving_facility_id -> BigInt,
        techniques -> Text,
        giving_lead_id -> BigInt,
        receiving_lead_id -> BigInt,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        note -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        giving_signed_by -> Nullable<Text>,
        giving_signed_at -> Nullable<Timestamp>,
        receiving_signed_by -> Nullable<Text>,
        receiving_signed_at -> Nullable<Timestamp>,
        giving_signed_off_by -> Nullable<Text>,
        giving_signed_off_at -> Nullable<Timestamp>,
        receiving_signed_off_by -> Nullable<Text>,
        receiving_signed_off_at -> Nullable<Timestamp>,
        signed_off_on -> Nullable<Date>,
        version -> BigInt,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    transfer_trainees (id) {
        id -> BigInt,
        agreement_id -> BigInt,
        staff_id -> BigInt,
        certified -> Bool,
        left_on -> Nullable<Date>,
        departure_kind -> Nullable<Text>,
        departure_note -> Nullable<Text>,
        departure_recorded_by -> Nullable<Text>,
    }
}

diesel::table! {
    transfer_sessions (id) {
        id -> BigInt,
        agreement_id -> BigInt,
        held_on -> Date,
        topic -> Text,
        hours -> Integer,
        attended -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    transfer_readiness (id) {
        id -> BigInt,
        agreement_id -> BigInt,
        kind -> Text,
        state -> Text,
        evidence -> Nullable<Text>,
        confirmed_by -> Nullable<Text>,
        confirmed_side -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    transfer_reviews (id) {
        id -> BigInt,
        agreement_id -> BigInt,
        reviewed_on -> Date,
        cases_performed -> Integer,
        issues -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    transfer_agreements,
    transfer_trainees,
    transfer_sessions,
    transfer_readiness,
    transfer_reviews,
    staff,
);
