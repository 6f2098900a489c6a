#!/usr/bin/env bash
# Rank 0 at 10^5 ranks by discrete-event simulation (issue 27 item 6): the real coordinator
# and wire messages, simulated nodes and clock (mpibatch-bench simulate; see bench/README.md,
# "Rank 0 at 10^5 ranks, simulated"). Prints one line per setup: rank 0's CPU per task, the
# cores it would need (rank0_core_share; the target is below 0.5 at 6.4e7 tasks/s of demand),
# the messages it receives per second. The 10^4-node rows take minutes (2 s and 20 s of work a
# slot: about 2 and 9 on this machine): FULL=1 runs them.
#
#   bench/rank0-sim.sh            (BENCH=path/to/mpibatch-bench to override)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-.build/release/mpibatch-bench}
[ -x "$BENCH" ] || swift build -c release --product mpibatch-bench
echo "uptime before: $(uptime)"
setups=("100 8 8 10 2" "1000 8 8 10 2" "1000 8 8 10 10" "1000 8 8 100 20")
[ "${FULL:-0}" = 1 ] && setups+=("10000 8 8 10 2" "10000 8 8 10 20")
for setup in "${setups[@]}"; do
    # shellcheck disable=SC2086
    "$BENCH" simulate $setup auto
done
echo "uptime after: $(uptime)"
