//! 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters of the 31-symbol
//! alphabet below, the last one a check character over the first 17.

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters, or `None` if one is not in the alphabet.
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

/// Why a code is not valid, in words for the merchant; `None` when it is valid.
pub fn problem(code: &str) -> Option<&'static str> {
    let bytes = code.as_bytes();
    if code.chars().count() != 18 {
        return Some("统一社会信用代码应为 18 位");
    }
    if !bytes.iter().all(|&c| value(c).is_some()) {
        return Some("统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）");
    }
    match check_char(&bytes[..17]) {
        Some(c) if c as u8 == bytes[17] => None,
        _ => Some("统一社会信用代码校验位不正确，请核对营业执照"),
    }
}

/// A unified social credit code that passed [`problem`]: the only way to make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceNo(String);

impl LicenceNo {
    /// The trimmed code, or why it is not valid.
    pub fn parse(code: &str) -> Result<LicenceNo, &'static str> {
        let code = code.trim();
        match problem(code) {
            None => Ok(LicenceNo(code.to_owned())),
            Some(p) => Err(p),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // Codes printed on public business licences.
        for code in [
            "91350100M000100Y43",
            "914403001922038216",
            "91110000802100433B",
        ] {
            let expected = check_char(&code.as_bytes()[..17]);
            assert_eq!(
                problem(code),
                None,
                "{code}: check char {expected:?}, given {}",
                &code[17..]
            );
        }
    }

    #[test]
    fn rejects_bad_length_alphabet_and_check_char() {
        assert!(problem("91350100M000100Y4").is_some());
        assert!(problem("91350100M000100Y4I").is_some());
        assert!(problem("91350100M000100Y44").is_some());
        assert!(problem("91350100m000100y43").is_some());
        assert_eq!(
            LicenceNo::parse(" 91350100M000100Y43 ").map(|l| l.as_str().to_owned()),
            Ok("91350100M000100Y43".to_owned())
        );
        assert!(LicenceNo::parse("91350100M000100Y44").is_err());
    }
}
