//! Numbers written as decimal text without `core::fmt`, whose machinery
//! cost about 3 700 instructions per event for the entity's two indexes and
//! its timestamp (scripts/profile-track.sh), a tenth of a tracked event.

/// `value` in decimal, left-padded with zeros to at least `width` digits.
pub fn push_decimal(text: &mut String, value: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut rest = value;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = start.min(digits.len().saturating_sub(width));
    text.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(value: u64, width: usize) -> String {
        let mut text = String::from(">");
        push_decimal(&mut text, value, width);
        text
    }

    #[test]
    fn writes_what_format_writes() {
        for (value, width) in [
            (0, 1),
            (7, 1),
            (7, 3),
            (42, 2),
            (2_147_483_647, 1),
            (9999, 4),
            (12, 4),
            (u64::MAX, 1),
        ] {
            assert_eq!(decimal(value, width), format!(">{value:0width$}"));
        }
    }
}
