//! The outbox: a workflow event's notification rows, written inside the event's own
//! transaction (so a rolled-back change notifies no one and a committed one always does).

use chrono::{NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;
use serde_json::json;
use std::collections::HashMap;

use super::events::{handler_role, EventType, Recipient, Route, ROUTES};
use super::rows::DeliveryStatus;
use crate::applications::states::Status;
use crate::auth::Role;
use crate::db::schema::{applications, notifications, users};
use crate::db::DbConn;
use crate::rules::{NoticeTemplate, Profile};

/// The texts of every event type, taken from the rules profile at start.
#[derive(Debug, Clone)]
pub struct Notices {
    templates: HashMap<EventType, NoticeTemplate>,
    /// Off only in benchmarks that measure a transition without its notifications.
    enabled: bool,
}

impl Notices {
    /// The templates of `profile`; every event type of the table must have one.
    pub fn from_profile(profile: &Profile) -> Result<Notices, String> {
        let mut templates = HashMap::new();
        let mut missing = Vec::new();
        for route in ROUTES {
            let name = route.event.as_str();
            match profile.notifications().get(name) {
                Some(t) => {
                    templates.insert(route.event, t.clone());
                }
                None => missing.push(format!("[notifications.{name}]")),
            }
        }
        if !missing.is_empty() {
            return Err(format!(
                "rules profile {} has no notification text for {}",
                profile.id(),
                missing.join(", ")
            ));
        }
        Ok(Notices {
            templates,
            enabled: true,
        })
    }

    /// No notifications at all (for measuring what they cost).
    pub fn off() -> Notices {
        Notices {
            templates: HashMap::new(),
            enabled: false,
        }
    }
}

/// The application an event is about, as it is after the event.
pub struct Subject<'a> {
    pub application_id: &'a str,
    pub merchant_id: &'a str,
    pub shop_name: &'a str,
    /// The contact phone of the application (a merchant's account may have none).
    pub phone: &'a str,
    pub status: Status,
    pub approval_no: Option<&'a str>,
}

impl Subject<'_> {
    /// The short number people quote: the first eight characters of the id, upper-case.
    pub fn reference(&self) -> String {
        self.application_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(8)
            .collect::<String>()
            .to_uppercase()
    }
}

#[derive(Insertable)]
#[diesel(table_name = notifications)]
struct NewNotification {
    id: String,
    event: EventType,
    application_id: String,
    recipient_id: String,
    recipient_role: Role,
    text: String,
    text_mn: Option<String>,
    payload: String,
    created_at: NaiveDateTime,
    status: DeliveryStatus,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
}

/// Who `route` tells about `subject`: (user id, role, phone), each user once.
fn recipients(
    conn: &mut DbConn,
    route: &Route,
    subject: &Subject<'_>,
) -> QueryResult<Vec<(String, Role, Option<String>)>> {
    let mut out: Vec<(String, Role, Option<String>)> = Vec::new();
    for r in route.to {
        let found: Vec<(String, Role, Option<String>)> = match r {
            Recipient::Merchant => users::table
                .filter(users::id.eq(subject.merchant_id))
                .select((users::id, users::role, users::phone))
                .load::<(String, Role, Option<String>)>(conn)?
                .into_iter()
                .map(|(id, role, phone): (String, Role, Option<String>)| {
                    (id, role, phone.or_else(|| Some(subject.phone.to_owned())))
                })
                .collect(),
            Recipient::Handlers => handlers(conn, subject.status)?,
            Recipient::Holder => match holder(conn, subject.application_id)? {
                Some(user) => vec![user],
                None => handlers(conn, subject.status)?,
            },
        };
        for f in found {
            if !out.iter().any(|o| o.0 == f.0) {
                out.push(f);
            }
        }
    }
    Ok(out)
}

type UserContact = (String, Role, Option<String>);

/// The active officials whose turn it is in `status`.
fn handlers(conn: &mut DbConn, status: Status) -> QueryResult<Vec<UserContact>> {
    match handler_role(status) {
        Some(role) => users::table
            .filter(users::role.eq(role))
            .filter(users::disabled.eq(false))
            .order(users::created_at)
            .select((users::id, users::role, users::phone))
            .load(conn),
        None => Ok(Vec::new()),
    }
}

/// The active official holding the application, if anyone does.
fn holder(conn: &mut DbConn, application_id: &str) -> QueryResult<Option<UserContact>> {
    applications::table
        .inner_join(users::table.on(applications::assignee_id.eq(users::id.nullable())))
        .filter(applications::id.eq(application_id))
        .filter(users::disabled.eq(false))
        .select((users::id, users::role, users::phone))
        .first(conn)
        .optional()
}

/// Writes the notification rows of `route` about `subject`, inside the caller's transaction;
/// answers how many. The worker picks them up after the commit.
pub fn enqueue(
    conn: &mut DbConn,
    notices: &Notices,
    route: &Route,
    subject: &Subject<'_>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    if !notices.enabled {
        return Ok(0);
    }
    let Some(template) = notices.templates.get(&route.event) else {
        return Ok(0);
    };
    let reference = subject.reference();
    let (text, text_mn) = template.fill(subject.shop_name, &reference);
    let mut n = 0;
    for (user_id, role, phone) in recipients(conn, route, subject)? {
        let id = uuid::Uuid::new_v4().to_string();
        let payload = json!({
            "type": route.event.webhook_type(),
            "timestamp": Utc.from_utc_datetime(&now).to_rfc3339(),
            "data": {
                "id": id,
                "event": route.event.as_str(),
                "application": {
                    "id": subject.application_id,
                    "reference": reference,
                    "shop_name": subject.shop_name,
                    "status": subject.status.as_str(),
                    "approval_no": subject.approval_no,
                },
                "recipient": {"role": role.as_str(), "user_id": user_id, "phone": phone},
                "text": text,
                "text_mn": text_mn,
            }
        });
        let row = NewNotification {
            id,
            event: route.event,
            application_id: subject.application_id.to_owned(),
            recipient_id: user_id,
            recipient_role: role,
            text: text.clone(),
            text_mn: text_mn.clone(),
            payload: payload.to_string(),
            created_at: now,
            status: DeliveryStatus::Pending,
            attempts: 0,
            // Due at once even when the event's clock is set ahead (tests, a skewed clock).
            next_attempt_at: now.min(Utc::now().naive_utc()),
        };
        diesel::insert_into(notifications::table)
            .values(&row)
            .execute(conn)?;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_profile_has_a_text_for_every_event_and_a_profile_without_them_is_refused() {
        let notices = Notices::from_profile(Profile::nmg()).unwrap();
        assert_eq!(notices.templates.len(), ROUTES.len());
        let nmg = include_str!("../rules/profiles/nmg.toml");
        let cut = nmg.find("[notifications.changes_requested]").unwrap();
        let rest = &nmg[cut..];
        let next = rest[1..].find("\n[").unwrap() + 1;
        let without = format!("{}{}", &nmg[..cut], &rest[next..]);
        let profile = Profile::from_toml_str(&without, "test").unwrap();
        let err = Notices::from_profile(&profile).unwrap_err();
        assert!(
            err.contains("[notifications.changes_requested]") && !err.contains("approved"),
            "{err}"
        );
    }

    #[test]
    fn the_reference_is_the_ids_first_eight_characters_upper_case() {
        let s = Subject {
            application_id: "3f2a9c1e-77aa-4b0c-9d1e-000000000000",
            merchant_id: "m",
            shop_name: "店",
            phone: "",
            status: Status::Approved,
            approval_no: None,
        };
        assert_eq!(s.reference(), "3F2A9C1E");
    }
}
