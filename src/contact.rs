//! Contact details shared by accounts and applications.

/// A telephone number: 5 to 20 digits, spaces and dashes between them, an optional leading
/// `+`. Kept trimmed, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// The trimmed number, or `None` when it is not one.
    pub fn parse(s: &str) -> Option<Phone> {
        let s = s.trim();
        let digits = s.chars().filter(char::is_ascii_digit).count();
        let shape = s
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '-' || c == ' ' || (c == '+' && i == 0));
        ((5..=20).contains(&digits) && shape).then(|| Phone(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Phone;

    #[test]
    fn numbers_are_parsed_and_trimmed() {
        assert_eq!(
            Phone::parse(" +86 138-0000-0000 ").map(|p| p.as_str().to_owned()),
            Some("+86 138-0000-0000".to_owned())
        );
        assert!(Phone::parse("1234").is_none());
        assert!(Phone::parse("12+345678").is_none());
        assert!(Phone::parse("call me").is_none());
    }
}
