//! Usernames: what may be chosen, and the key that makes look-alikes collide.
//!
//! A name is compared by its key — Unicode NFKC, lower-cased, NFKC again — so `Admin`,
//! `ADMIN` and the fullwidth `ａｄｍｉｎ` are all `admin`. A name is stored as typed after
//! NFKC (fullwidth letters become ASCII), must be 3–32 ASCII letters, digits, `_`, `-` or `.`,
//! and must begin and end with a letter or digit (so `admin.` and `.admin` are refused rather
//! than silently trimmed into someone else's name).

use unicode_normalization::UnicodeNormalization;

/// Names nobody may register for themselves (officials are created by an admin).
pub const RESERVED: &[&str] = &[
    "admin",
    "root",
    "system",
    "administrator",
    "translator",
    "reviewer",
    "official",
    "signboard",
];

pub const RULE: &str = "用户名须为 3–32 位字母、数字、下划线、点或连字符，且以字母或数字开头和结尾";

/// A username that passed its rules, with its comparison key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username {
    name: String,
    key: String,
}

impl Username {
    /// The name as the user typed it (trimmed, NFKC), or `None` when it breaks the rules.
    pub fn parse(raw: &str) -> Option<Username> {
        let name: String = raw.trim().nfkc().collect();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        let ends_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !(3..=32).contains(&name.chars().count()) || !name.chars().all(allowed) || !ends_ok {
            return None;
        }
        let key = key_of(&name)?;
        Some(Username { name, key })
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Whether registration must refuse this name.
    pub fn is_reserved(&self) -> bool {
        RESERVED.contains(&self.key.as_str())
    }
}

/// A name typed at login (or a stored name, looked up again): any text a stored name could
/// match, with its comparison key. Only [`LoginName::parse`] makes one, so every lookup
/// compares by the same key as registration.
/// No stored name is longer (registration allows 32; NFKC may expand a little).
const MAX_LOGIN_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginName {
    typed: String,
    key: String,
}

impl LoginName {
    /// `None` for text no stored name can match (control characters, nothing, or longer than
    /// any name can be — which also keeps the login limiter's keys small).
    pub fn parse(raw: &str) -> Option<LoginName> {
        if raw.trim().chars().count() > MAX_LOGIN_CHARS {
            return None;
        }
        let key = key_of(raw)?;
        Some(LoginName {
            typed: raw.trim().to_owned(),
            key,
        })
    }

    /// The name as typed, trimmed (an exact match wins over a key match).
    pub fn as_str(&self) -> &str {
        &self.typed
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

/// The comparison key of any login name; `None` for text no stored name can match (control
/// characters, which PostgreSQL would also refuse to compare). The one place case is decided.
fn key_of(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.chars().any(char::is_control) {
        return None;
    }
    let folded: String = raw.nfkc().collect::<String>().to_lowercase();
    Some(folded.nfkc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_name_longer_than_any_stored_name_is_refused() {
        assert!(LoginName::parse(&"a".repeat(64)).is_some());
        assert!(LoginName::parse(&"a".repeat(65)).is_none());
        assert!(LoginName::parse(&"ａ".repeat(1_000_000)).is_none());
    }

    #[test]
    fn look_alikes_share_a_key() {
        for raw in [
            "admin",
            "Admin",
            "ADMIN",
            " admin ",
            "ａｄｍｉｎ",
            "ＡＤＭＩＮ",
        ] {
            let name = Username::parse(raw).unwrap_or_else(|| panic!("{raw:?} refused"));
            assert_eq!(name.key(), "admin", "{raw:?}");
            assert!(name.is_reserved(), "{raw:?}");
        }
        assert_eq!(Username::parse("ａｄｍｉｎ").unwrap().as_str(), "admin");
        assert_eq!(Username::parse("Shop_1").unwrap().as_str(), "Shop_1");
        assert_eq!(key_of("ＳＨＯＰ_1").as_deref(), Some("shop_1"));
    }

    #[test]
    fn refuses_edges_other_scripts_and_control_characters() {
        for raw in [
            "admin.",
            ".admin",
            "-admin",
            "admin_",
            "ab",
            "a b c",
            "шоп1",
            "管理员",
            "adm\0in",
            "",
        ] {
            assert_eq!(Username::parse(raw), None, "{raw:?}");
        }
        assert_eq!(key_of("adm\0in"), None);
        assert_eq!(LoginName::parse("adm\0in"), None);
        let login = LoginName::parse(" ＳＨＯＰ_1 ").unwrap();
        assert_eq!((login.as_str(), login.key()), ("ＳＨＯＰ_1", "shop_1"));
        assert!(Username::parse("a.b-c_d").is_some());
        assert!(!Username::parse("shop1").unwrap().is_reserved());
    }
}
