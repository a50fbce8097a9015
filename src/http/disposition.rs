//! The `Content-Disposition` of a served attachment: shown inline, under the name it was
//! uploaded with, made safe for the header.

/// Longest file name sent back, in characters.
const MAX_NAME_CHARS: usize = 120;

/// `inline; filename="…"` for an attachment uploaded as `original` and served as `ext`: the
/// last path component of the name, without quotes, backslashes, control characters (CR and
/// LF included) or path separators, its extension replaced by the served one. A name with
/// non-ASCII characters also travels as `filename*=UTF-8''…` (RFC 8187), with `_` in their
/// place in the plain `filename`.
pub fn inline_disposition(original: &str, ext: &str) -> String {
    let name = safe_name(original, ext);
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii() { c } else { '_' })
        .collect();
    if ascii == name {
        format!("inline; filename=\"{name}\"")
    } else {
        format!(
            "inline; filename=\"{ascii}\"; filename*=UTF-8''{}",
            percent_encode(&name)
        )
    }
}

fn safe_name(original: &str, ext: &str) -> String {
    let last = original.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/'))
        .filter(|c| !is_invisible(*c))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, _)) => stem.trim_end(),
        None => cleaned,
    };
    let stem: String = stem.chars().take(MAX_NAME_CHARS).collect();
    let stem = if stem.is_empty() { "design" } else { &stem };
    format!("{stem}.{ext}")
}

/// Format characters that reorder or hide text (bidi overrides, zero-width marks).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// RFC 8187 `value-chars`: attr-char as is, every other byte as `%XX`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        let attr_char = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if attr_char {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_keep_their_stem_and_take_the_served_extension() {
        assert_eq!(
            inline_disposition("shop front.webp", "png"),
            "inline; filename=\"shop front.png\""
        );
        assert_eq!(
            inline_disposition("photo.JPG", "jpg"),
            "inline; filename=\"photo.jpg\""
        );
    }

    #[test]
    fn quotes_breaks_paths_and_controls_are_removed() {
        assert_eq!(
            inline_disposition(
                "..\\..\\etc/x\"; filename=\"evil.html\r\nSet-Cookie: a=b.png",
                "png"
            ),
            "inline; filename=\"x; filename=evil.htmlSet-Cookie: a=b.png\""
        );
        assert_eq!(
            inline_disposition("\u{202E}gnp.exe\u{0}.jpg", "jpg"),
            "inline; filename=\"gnp.exe.jpg\""
        );
        assert_eq!(
            inline_disposition("", "png"),
            "inline; filename=\"design.png\""
        );
        assert_eq!(
            inline_disposition("..", "png"),
            "inline; filename=\"design.png\""
        );
    }

    #[test]
    fn non_ascii_names_are_percent_encoded() {
        assert_eq!(
            inline_disposition("牌匾 设计.png", "png"),
            "inline; filename=\"__ __.png\"; filename*=UTF-8''%E7%89%8C%E5%8C%BE%20%E8%AE%BE%E8%AE%A1.png"
        );
    }
}
