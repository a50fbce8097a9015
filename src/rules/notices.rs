//! The notification texts of a profile: one template per event type, in Chinese short enough
//! for one SMS and optionally in Mongolian. Which event types must have one is the notifier's
//! business (checked when it starts); here each template is checked on its own.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One event type's message.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeTemplate {
    /// Chinese, at most [`SMS_CHARS`] characters once filled.
    pub text: String,
    /// Mongolian where the translators have supplied one (empty: none).
    #[serde(default)]
    pub text_mn: String,
}

/// The most characters of one SMS in Chinese (a UCS-2 message).
pub const SMS_CHARS: usize = 70;

/// The placeholders a template may use, with the most characters each fills: the shop name
/// is cut to fit, the reference is the application's eight-character short id.
pub const NOTICE_PLACEHOLDERS: &[(&str, usize)] = &[("shop", 16), ("ref", 8)];

impl NoticeTemplate {
    /// The Chinese text with its placeholders filled; the shop name is cut to its room.
    pub fn fill(&self, shop: &str, reference: &str) -> (String, Option<String>) {
        let shop = cut(shop, NOTICE_PLACEHOLDERS[0].1);
        let fill = |t: &str| t.replace("{shop}", &shop).replace("{ref}", reference);
        let mn = (!self.text_mn.trim().is_empty()).then(|| fill(&self.text_mn));
        (fill(&self.text), mn)
    }

    /// The longest the Chinese text can be once filled.
    pub fn longest(&self) -> usize {
        let mut n = self.text.chars().count();
        for (name, room) in NOTICE_PLACEHOLDERS {
            let tag = format!("{{{name}}}");
            let times = self.text.matches(&tag).count();
            n = n - times * tag.chars().count() + times * room;
        }
        n
    }
}

/// `s` cut to at most `room` characters, the cut marked with "…".
fn cut(s: &str, room: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= room {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(room.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The `{name}`s of a template (an unclosed `{` names the rest).
fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        out.push(&after[..close]);
        rest = after.get(close + 1..).unwrap_or("");
    }
    out
}

/// Everything wrong with the templates of a profile.
pub(crate) fn notice_problems(map: &BTreeMap<String, NoticeTemplate>, p: &mut Vec<String>) {
    for (event, t) in map {
        if t.text.trim().is_empty() {
            p.push(format!("notifications.{event}.text is empty"));
        }
        if t.longest() > SMS_CHARS {
            p.push(format!(
                "notifications.{event}.text can reach {} characters once filled; an SMS holds {SMS_CHARS}",
                t.longest()
            ));
        }
        for text in [&t.text, &t.text_mn] {
            for ph in placeholders(text) {
                if !NOTICE_PLACEHOLDERS.iter().any(|(name, _)| *name == ph) {
                    p.push(format!(
                        "notifications.{event}: unknown placeholder {{{ph}}} (known: shop, ref)"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> NoticeTemplate {
        NoticeTemplate {
            text: text.into(),
            text_mn: String::new(),
        }
    }

    #[test]
    fn a_long_shop_name_is_cut_to_its_room() {
        let (zh, mn) =
            t("“{shop}”（{ref}）已批准").fill("奈曼旗民族商贸城第一分店东门综合批发部", "AB12CD34");
        assert_eq!(zh, "“奈曼旗民族商贸城第一分店东门综…”（AB12CD34）已批准");
        assert_eq!(mn, None);
    }

    #[test]
    fn the_length_check_counts_placeholders_at_their_room() {
        assert_eq!(t("{shop}{ref}").longest(), 24);
        let mut p = Vec::new();
        let mut map = BTreeMap::new();
        map.insert("approved".to_owned(), t(&"批".repeat(47)));
        map.insert(
            "rejected".to_owned(),
            t(&format!("{}{{shop}}", "批".repeat(55))),
        );
        map.insert("revoked".to_owned(), t("{nope}"));
        notice_problems(&map, &mut p);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p[0].contains("notifications.rejected.text can reach 71"),
            "{p:?}"
        );
        assert!(p[1].contains("unknown placeholder {nope}"), "{p:?}");
    }
}
