use super::model::Report;
pub fn candidate(r: &Report) -> String {
    format!("<h1>{}</h1>", r.candidate)
}
pub fn comparison(r: &[Report]) -> String {
    format!("<p>{}</p>", r.len())
}
