//! `creep_latency`: versions with a latency creep need a little more CPU per request every tick,
//! so their latency rises slowly and then, as utilisation nears one, quickly (Erlang C).

use bevy_ecs::prelude::{Query, Res};

use crate::components::ServiceState;
use crate::monitoring::Creeps;
use crate::resources::Clock;

pub fn creep_latency(
    clock: Res<Clock>,
    creeps: Res<Creeps>,
    mut services: Query<&mut ServiceState>,
) {
    let hours = clock.dt_secs() / 3_600.0;
    for &(service, version, base, percent_per_hour) in &creeps.list {
        if let Ok(mut st) = services.get_mut(service)
            && let Some(v) = st.versions.get_mut(version)
        {
            // Linear growth of the work per request: cpu(t) = base x (1 + rate x hours).
            v.cpu_factor += base * percent_per_hour / 100.0 * hours;
        }
    }
}
