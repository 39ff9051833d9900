//! `advance_clock`: the last system of a tick moves simulated time on by one step (a tick, or a quiet stretch).

use bevy_ecs::prelude::ResMut;
use scenarios::Dur;

use crate::resources::Clock;

pub fn advance_clock(mut clock: ResMut<Clock>) {
    clock.now = Dur(clock.now.ms() + clock.step.ms());
}
