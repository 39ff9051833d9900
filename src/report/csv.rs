use super::model::Report;
pub fn comparison(r: &[Report]) -> String {
    format!("{}", r.len())
}
