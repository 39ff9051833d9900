use super::model::Report;
pub fn candidate(r: &Report) -> String {
    format!("# {}\n", r.candidate)
}
