//! The evaluation budget: how long policies may evaluate one object before they are stopped.
//!
//! Users' policies (conftest Rego, Gatekeeper templates) can loop or build values without end. Two
//! bounds stop them, and the object gets a `plimsoll/evaluation` error instead of a hang:
//! - the compiled program counts instructions (a fixed ceiling: deterministic on every platform);
//! - every evaluation, compiled or interpreted, has a wall-clock budget per object, which users set
//!   (`evaluation_budget_ms`, `--evaluation-budget-ms`). regorus checks the clock cooperatively, every
//!   few steps of work. wasm32 has no clock the engine can read: there only the instruction count
//!   applies (the wasm package takes no user policies).

use regorus::utils::limits::ExecutionTimerConfig;
use std::num::NonZeroU32;
use std::time::Duration;

/// The default budget per object, in milliseconds: the built-in rules take well under 10 ms on a
/// large object, so only a runaway policy reaches it.
pub const DEFAULT_BUDGET_MS: u64 = 5_000;

/// Steps of work between two clock reads: reading the clock is cheap but not free.
const CHECK_INTERVAL: u32 = 256;

/// The wall-clock limit regorus enforces for one evaluation, where the platform has a clock.
pub(crate) fn timer(budget_ms: u64) -> Option<ExecutionTimerConfig> {
    if cfg!(all(target_arch = "wasm32", target_os = "unknown")) {
        return None;
    }
    let check_interval = NonZeroU32::new(CHECK_INTERVAL)?;
    Some(ExecutionTimerConfig { limit: Duration::from_millis(budget_ms.max(1)), check_interval })
}

/// The reason an evaluation error gives, naming the budget when a limit stopped it.
pub(crate) fn explain(reason: String, budget_ms: u64) -> String {
    let lower = reason.to_ascii_lowercase();
    if lower.contains("time limit") || lower.contains("timelimit") || lower.contains("deadline") {
        format!(
            "evaluation budget exceeded: the policies ran longer than {budget_ms} ms on this object and were \
             stopped (a policy that loops or builds values without end; raise evaluation_budget_ms or \
             --evaluation-budget-ms if it is legitimately slow) [{reason}]"
        )
    } else if lower.contains("instruction") {
        format!(
            "evaluation budget exceeded: the policies took more steps than allowed on this object and were \
             stopped (a policy that loops or builds values without end) [{reason}]"
        )
    } else {
        reason
    }
}
