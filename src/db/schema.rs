//! The one schema of both backends, in portable types: uuid as `Text`, times as naive-UTC
//! `Timestamp`, JSON as `Text`. Keep in step with `migrations/sqlite` and `migrations/postgres`
//! (a test migrates both and runs the whole suite on each). `applications.status`,
//! `events.action`/`from_status`/`to_status` and `revisions.verdict` are `Text` holding the
//! closed names of `applications::states` (checked by the database since migration
//! `2026-11-29-000005_state_checks`, read back as enums). The `applications` columns from
//! `clock_state` on are the projection of the statutory clock (`2026-11-29-000006_clock`).

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        display_name -> Text,
        phone -> Nullable<Text>,
        role -> Text,
        created_at -> Timestamp,
        username_key -> Text,
        disabled -> Bool,
        must_change_password -> Bool,
    }
}

diesel::table! {
    user_events (id) {
        id -> Text,
        user_id -> Text,
        actor_id -> Nullable<Text>,
        kind -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        merchant_id -> Text,
        shop_name -> Text,
        license_no -> Text,
        address -> Text,
        township -> Text,
        phone -> Text,
        status -> Text,
        version -> Integer,
        current_revision -> Integer,
        translation_confirmed -> Bool,
        approval_no -> Nullable<Text>,
        submitted_at -> Timestamp,
        submitted_year -> Integer,
        decided_at -> Nullable<Timestamp>,
        decided_year -> Nullable<Integer>,
        decided_month -> Nullable<Integer>,
        updated_at -> Timestamp,
        idempotency_key -> Nullable<Text>,
        clock_state -> Integer,
        due_on -> Nullable<Date>,
        extended_by -> Integer,
        assignee_id -> Nullable<Text>,
        decided_working_days -> Nullable<Integer>,
        decided_within_limit -> Nullable<Bool>,
        reference -> Text,
        replaces -> Nullable<Text>,
    }
}

diesel::table! {
    revisions (application_id, n) {
        application_id -> Text,
        n -> Integer,
        spec -> Text,
        layout -> Nullable<Text>,
        findings -> Text,
        verdict -> Text,
        profile_id -> Text,
        profile_version -> Text,
        author_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> Text,
        application_id -> Text,
        revision -> Integer,
        position -> Integer,
        sha256 -> Text,
        content_type -> Text,
        original_name -> Text,
        byte_size -> BigInt,
        width -> Integer,
        height -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        application_id -> Text,
        seq -> Integer,
        actor_id -> Text,
        actor_role -> Text,
        action -> Text,
        from_status -> Nullable<Text>,
        to_status -> Text,
        comment -> Nullable<Text>,
        details -> Nullable<Text>,
        revision -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    approval_counters (year) {
        year -> Integer,
        last_seq -> Integer,
    }
}

diesel::table! {
    stat_counts (year, month, township, metric) {
        year -> Integer,
        month -> Integer,
        township -> Text,
        metric -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        event -> Text,
        application_id -> Text,
        recipient_id -> Text,
        recipient_role -> Text,
        text -> Text,
        text_mn -> Nullable<Text>,
        payload -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        claim -> Nullable<Text>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reference_counters (year) {
        year -> Integer,
        last_seq -> Integer,
    }
}

diesel::table! {
    terms (id) {
        id -> Text,
        zh -> Text,
        mn -> Text,
        note -> Text,
        source -> Text,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    term_events (id) {
        id -> Text,
        term_id -> Text,
        actor_id -> Text,
        action -> Text,
        details -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    translation_memory (application_id) {
        application_id -> Text,
        approval_no -> Text,
        zh -> Text,
        mn -> Text,
        approved_at -> Timestamp,
    }
}

diesel::table! {
    approvals (application_id) {
        application_id -> Text,
        approval_no -> Text,
        reference -> Text,
        token -> Text,
        token_hash -> Text,
        revision -> Integer,
        decided_at -> Timestamp,
        decided_year -> Integer,
        shop_name -> Text,
        address -> Text,
        township -> Text,
        licence_masked -> Text,
        text_zh -> Text,
        text_mn -> Text,
        canonical -> Text,
        signature -> Text,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        replaced_by -> Nullable<Text>,
    }
}

diesel::table! {
    term_versions (name) {
        name -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    reminders (application_id, event, due_on) {
        application_id -> Text,
        event -> Text,
        due_on -> Date,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    documents (application_id, kind) {
        application_id -> Text,
        kind -> Text,
        first_issued_at -> Timestamp,
        issued_to -> Text,
    }
}

diesel::joinable!(applications -> users (merchant_id));
diesel::joinable!(revisions -> applications (application_id));
diesel::joinable!(attachments -> applications (application_id));
diesel::joinable!(events -> applications (application_id));
diesel::joinable!(user_events -> users (user_id));
diesel::joinable!(notifications -> applications (application_id));
diesel::joinable!(reminders -> applications (application_id));

diesel::table! {
    decision_days (year, working_days, within_limit) {
        year -> Integer,
        working_days -> Integer,
        within_limit -> Bool,
        n -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    users,
    user_events,
    applications,
    revisions,
    attachments,
    events,
    approval_counters,
    stat_counts,
    notifications,
    reminders,
    terms,
    term_events,
    translation_memory,
    term_versions,
    reference_counters,
    approvals,
    documents,
    decision_days,
);
