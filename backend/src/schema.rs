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
    }
}

diesel::table! {
    facility_capabilities (id) {
        id -> BigInt,
        facility_id -> BigInt,
        kind -> Text,
        code -> Text,
        name -> Text,
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
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        last_login_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
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
        response -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(facility_capabilities -> facilities (facility_id));
diesel::joinable!(departments -> facilities (facility_id));
diesel::joinable!(staff -> facilities (facility_id));
diesel::joinable!(staff -> departments (department_id));
diesel::joinable!(staff_leaves -> staff (staff_id));
diesel::joinable!(users -> facilities (facility_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(api_clients -> facilities (facility_id));

diesel::allow_tables_to_appear_in_same_query!(
    facilities,
    facility_capabilities,
    support_links,
    departments,
    staff,
    staff_leaves,
    users,
    refresh_tokens,
    api_clients,
    audit_events,
    idempotency_keys,
);
