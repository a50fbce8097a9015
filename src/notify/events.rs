//! The events that notify someone, as ONE table: for each event type, the workflow action that
//! raises it (if any), who is told, and (by its name) the profile template of its text. A new
//! event (a revocation, an extension, the clock's reminders) is one variant and one row here
//! plus one template in the profile.

use serde::Serialize;
use utoipa::ToSchema;

use crate::applications::states::{Action, Status};
use crate::auth::Role;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    ToSchema,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Submitted,
    TranslationSupplied,
    ChangesRequested,
    Resubmitted,
    Approved,
    Rejected,
    Revoked,
    Extended,
    DueSoon,
    Overdue,
}

impl EventType {
    pub const ALL: [EventType; 10] = [
        EventType::Submitted,
        EventType::TranslationSupplied,
        EventType::ChangesRequested,
        EventType::Resubmitted,
        EventType::Approved,
        EventType::Rejected,
        EventType::Revoked,
        EventType::Extended,
        EventType::DueSoon,
        EventType::Overdue,
    ];

    /// The name in the database, the profile (`[notifications.<name>]`) and the inbox.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Submitted => "submitted",
            EventType::TranslationSupplied => "translation_supplied",
            EventType::ChangesRequested => "changes_requested",
            EventType::Resubmitted => "resubmitted",
            EventType::Approved => "approved",
            EventType::Rejected => "rejected",
            EventType::Revoked => "revoked",
            EventType::Extended => "extended",
            EventType::DueSoon => "due_soon",
            EventType::Overdue => "overdue",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The webhook's `type`: `application.approved`.
    pub fn webhook_type(self) -> String {
        format!("application.{}", self.as_str())
    }
}

crate::text_column!(EventType, "notification event");

/// Who is told of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    /// The merchant who applied.
    Merchant,
    /// The officials whose turn it is in the application's new state: translators while it is
    /// translated, reviewers while it is in review.
    Handlers,
    /// The official who holds the case (claimed or assigned); the handlers while nobody does.
    Holder,
}

/// One row of the table.
#[derive(Debug)]
pub struct Route {
    pub event: EventType,
    /// The workflow action that raises the event; `None` for events raised elsewhere.
    pub action: Option<Action>,
    pub to: &'static [Recipient],
}

use Recipient::{Handlers, Holder, Merchant};

/// The table. Confirming a translation and withdrawing tell no one.
pub const ROUTES: &[Route] = &[
    Route {
        event: EventType::Submitted,
        action: Some(Action::Submit),
        to: &[Merchant, Handlers],
    },
    Route {
        event: EventType::TranslationSupplied,
        action: Some(Action::SupplyTranslation),
        to: &[Merchant, Handlers],
    },
    Route {
        event: EventType::ChangesRequested,
        action: Some(Action::RequestChanges),
        to: &[Merchant],
    },
    Route {
        event: EventType::Resubmitted,
        action: Some(Action::Resubmit),
        to: &[Merchant, Handlers],
    },
    Route {
        event: EventType::Approved,
        action: Some(Action::Approve),
        to: &[Merchant],
    },
    Route {
        event: EventType::Rejected,
        action: Some(Action::Reject),
        to: &[Merchant],
    },
    Route {
        event: EventType::Revoked,
        action: Some(Action::Revoke),
        to: &[Merchant],
    },
    Route {
        event: EventType::Extended,
        action: Some(Action::Extend),
        to: &[Merchant],
    },
    Route {
        event: EventType::DueSoon,
        action: None,
        to: &[Holder],
    },
    Route {
        event: EventType::Overdue,
        action: None,
        to: &[Holder],
    },
];

/// The row of the event a workflow action raises, if it raises one.
pub fn for_action(action: Action) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.action == Some(action))
}

/// The row of an event type.
pub fn route(event: EventType) -> Option<&'static Route> {
    ROUTES.iter().find(|r| r.event == event)
}

/// The role whose turn it is in `status`, if anyone's.
pub fn handler_role(status: Status) -> Option<Role> {
    match status {
        Status::Translating => Some(Role::Translator),
        Status::InReview => Some(Role::Reviewer),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_has_exactly_one_row_and_a_round_trip_name() {
        for e in EventType::ALL {
            assert_eq!(ROUTES.iter().filter(|r| r.event == e).count(), 1, "{e:?}");
            assert_eq!(EventType::parse(e.as_str()), Some(e));
        }
        assert_eq!(ROUTES.len(), EventType::ALL.len());
        assert_eq!(
            EventType::ChangesRequested.webhook_type(),
            "application.changes_requested"
        );
    }

    #[test]
    fn no_action_raises_two_events() {
        for a in Action::ALL {
            assert!(ROUTES.iter().filter(|r| r.action == Some(a)).count() <= 1);
        }
        assert!(for_action(Action::Withdraw).is_none());
        assert!(for_action(Action::ConfirmTranslation).is_none());
    }
}
