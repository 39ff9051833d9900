//! Number and time formatting shared by the evidence lines.

use scenarios::Dur;

use crate::scorecard::round1;

/// Minutes from `from` to `to`; zero if `to` comes first.
pub(crate) fn mins_between(from: Dur, to: Dur) -> f64 {
    Dur(to.ms().saturating_sub(from.ms())).mins_f64()
}

/// `7.0` → `"7 min"`, `7.25` → `"7.3 min"`.
pub(crate) fn minutes(m: f64) -> String {
    format!("{} min", decimal(m))
}

/// One decimal place at most, none when the number is whole: `99.9`, `15`.
pub(crate) fn decimal(x: f64) -> String {
    format!("{}", round1(x))
}

/// `4812.4` → `"4,812"`: rounded to a whole number, thousands separated by commas.
pub(crate) fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.round().abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if x.round() < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `"1 action"`, `"3 actions"`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
