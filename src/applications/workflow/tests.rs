//! The table's invariants: final states are final, refusals come in order, guards are listed.

use super::*;

const OPEN: Facts = Facts {
    translation_confirmed: false,
    verdict: Verdict::Pass,
    has_mongolian: true,
    extended: false,
};

#[test]
fn final_states_have_no_way_out_but_the_revocation_of_an_approval() {
    for s in Status::ALL.into_iter().filter(|s| s.is_final()) {
        for role in [Merchant, Translator, Reviewer, Admin] {
            let actions: Vec<Action> = available(s, role, &OPEN)
                .into_iter()
                .map(|o| o.action)
                .collect();
            let expected = match (s, role) {
                (Status::Approved, Reviewer | Admin) => vec![Action::Revoke],
                _ => vec![],
            };
            assert_eq!(actions, expected, "{s:?} {role:?}");
        }
    }
}

#[test]
fn role_refusal_comes_before_state_refusal() {
    assert_eq!(
        find(Action::Approve, Translating, Merchant).err(),
        Some(Refusal::Role)
    );
    assert_eq!(
        find(Action::Approve, Translating, Reviewer).err(),
        Some(Refusal::State)
    );
    assert!(find(Action::Approve, InReview, Admin).is_ok());
    assert_eq!(
        find(Action::Submit, InReview, Merchant).err(),
        Some(Refusal::State)
    );
}

#[test]
fn every_available_action_passes_the_table() {
    for s in Status::ALL {
        for role in [Merchant, Translator, Reviewer, Admin] {
            for offer in available(s, role, &OPEN) {
                assert!(find(offer.action, s, role).is_ok(), "{s:?} {role:?}");
            }
        }
    }
}

#[test]
fn approve_lists_what_blocks_it() {
    let facts = Facts {
        translation_confirmed: false,
        verdict: Verdict::Fail,
        has_mongolian: true,
        extended: false,
    };
    let offers = available(InReview, Reviewer, &facts);
    let approve = offers.iter().find(|o| o.action == Action::Approve);
    let codes: Vec<_> = approve
        .map(|o| o.blocked_by.iter().map(|b| b.code.name()).collect())
        .unwrap_or_default();
    assert_eq!(codes, ["translation_unconfirmed", "findings_unresolved"]);
}

#[test]
fn a_confirmed_translation_is_not_offered_for_confirmation_again() {
    let confirmed = Facts {
        translation_confirmed: true,
        ..OPEN
    };
    let actions = |facts| -> Vec<Action> {
        available(InReview, Translator, facts)
            .iter()
            .map(|o| o.action)
            .collect()
    };
    assert_eq!(actions(&confirmed), [Action::Claim]);
    assert_eq!(actions(&OPEN), [Action::ConfirmTranslation, Action::Claim]);
}

#[test]
fn the_limit_is_extended_once_by_reviewers_only() {
    let offered = |facts: &Facts| {
        available(InReview, Reviewer, facts)
            .iter()
            .any(|o| o.action == Action::Extend)
    };
    assert!(offered(&OPEN));
    let extended = Facts {
        extended: true,
        ..OPEN
    };
    assert!(!offered(&extended));
    assert_eq!(
        find(Action::Extend, InReview, Translator).err(),
        Some(Refusal::Role)
    );
    assert_eq!(
        find(Action::Extend, ChangesRequested, Reviewer).err(),
        Some(Refusal::State)
    );
    let t = find(Action::Extend, InReview, Admin).ok();
    let request = RequestFacts {
        extension_days_allowed: true,
        ..RequestFacts::default()
    };
    assert_eq!(
        t.and_then(|t| t.first_failing(&OPEN, &request)),
        Some(Guard::ExtensionReasonGiven)
    );
}
