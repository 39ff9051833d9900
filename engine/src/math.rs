//! Transcendental functions from the pure-Rust `libm`, so results are bit-identical on every
//! platform (the standard library defers to the system's libm, whose last bits may differ).

pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

pub fn cos(x: f64) -> f64 {
    libm::cos(x)
}

pub fn powf(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}
