#!/usr/bin/env bash
# dbt projects: `mpibatch import dbt` + `mpirun -np 2 mpibatch run` against `dbt build`
# (issue 29), in one run of this script on one machine:
#
# 1. Tests/Integration/dbt-jaffle (3 seeds, 5 models, 20 tests) on DuckDB and on Postgres:
#    dbt build --threads 2 against mpibatch -np 2 (target: wall <= 1.2x dbt build's).
# 2. bench/dbt-sim (state accumulators in year order, 40 lognormal models, four chains; costs
#    are pg_sleep) on Postgres: dbt build --threads 4 against mpibatch -np 2 --slots 2 with
#    --durations from that build's run_results.json (target: >= 1.25x faster), and without
#    them (every estimate equal: what ordering by real costs gains); the result tables must be
#    identical to dbt build's and the accumulators must have run in year order.
#
#   bench/dbt.sh     (BIN=path/to/mpibatch; TIME_SCALE=0.05 runs the simulation's costs 20x
#                     shorter, to check that the script works; ROUNDS=3 runs each side of the
#                     jaffle comparison 3 times, interleaved, and gives each round's ratio and
#                     the ratio of the medians; PARTS="jaffle" or PARTS="sim" runs one part)
#
# Needs scripts/install-deps --dbt. Starts its own Postgres (scripts/postgres-server) on a
# free port and stops it, by its pid, at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mpibatch}
SCALE=${TIME_SCALE:-1}
ROUNDS=${ROUNDS:-1}
PARTS=${PARTS:-jaffle sim}
[ -x "$BIN" ] || swift build -c release
. scripts/mpi-env
MPIRUN=(mpirun --oversubscribe)
work=$(mktemp -d /tmp/mpibatch-bench-dbt.XXXXXX)
chmod 755 "$work"  # the user postgres reaches its data directory inside
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
scripts/postgres-server start "$work/pg" "$port" >/dev/null
trap 'scripts/postgres-server stop "$work/pg"; rm -rf "$work"' EXIT
export JAFFLE_PG_PORT=$port DBT_SIM_PG_PORT=$port

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
database() { psql -h 127.0.0.1 -p "$port" -U postgres -X -q -c "create database $1"; }
copy() {  # copy SOURCE NAME ARGS...: a fresh copy of a project, parsed with ARGS... (and the
    # caller's environment: the database it will build), as after a user's earlier run, so that
    # dbt build and mpibatch's dbt worker both start from its partial parse (parsed under another
    # profile or other vars, each parsed the whole project again: "profile has changed")
    mkdir -p "$work/$2"
    (cd "$1" && tar cf - --exclude=target --exclude=logs --exclude='*.duckdb*' .) | (cd "$work/$2" && tar xf -)
    (cd "$work/$2" && dbt -q parse --profiles-dir . "${@:3}" >/dev/null)
}
tables() { Tests/Integration/dbt_tables.py "$@"; }
same() { [ "$1" = "$2" ] && echo "same tables" || echo "TABLES DIFFER"; }  # same LISTING-A LISTING-B

echo "dbt benchmark (TIME_SCALE=$SCALE), $(dbt --version 2>/dev/null | sed -n 's/.*installed: *//p' | head -n 1)"
printf '%-58s %10s %10s %8s %s\n' "project" "dbt build" "mpibatch" "ratio" "tables"

# 1. the small public-style project, ROUNDS times each side, interleaved (a fresh copy and
#    database each time)
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }
jaffle() {  # jaffle WAREHOUSE
    local warehouse=$1 round builds=() mpis=() ratios=() tables=same
    for round in $(seq 1 "$ROUNDS"); do
        local build_dir=jaffle-$warehouse-build-$round mpi_dir=jaffle-$warehouse-mpi-$round
        JAFFLE_PG_DB=jaffle_build_$round copy Tests/Integration/dbt-jaffle "$build_dir" --target "$warehouse"
        JAFFLE_PG_DB=jaffle_mpi_$round copy Tests/Integration/dbt-jaffle "$mpi_dir" --target "$warehouse"
        if [ "$warehouse" = postgres ]; then database "jaffle_build_$round"; database "jaffle_mpi_$round"; fi
        start=$(now)
        (cd "$work/$build_dir" && JAFFLE_PG_DB=jaffle_build_$round dbt -q build --threads 2 --profiles-dir . --target "$warehouse" >/dev/null)
        builds+=("$(since "$start")")
        start=$(now)
        "$BIN" import dbt "$work/$mpi_dir/target/manifest.json" --target "$warehouse" >"$work/$mpi_dir.yaml"
        JAFFLE_PG_DB=jaffle_mpi_$round "${MPIRUN[@]}" -np 2 "$BIN" run "$work/$mpi_dir.yaml" --out "$work/$mpi_dir-run" --quiet
        mpis+=("$(since "$start")")
        ratios+=("$(ratio "${mpis[-1]}" "${builds[-1]}")")
        if [ "$warehouse" = duckdb ]; then
            [ "$(same "$(tables duckdb "$work/$build_dir/jaffle.duckdb")" "$(tables duckdb "$work/$mpi_dir/jaffle.duckdb")")" = "same tables" ] || tables=DIFFER
        else
            [ "$(same "$(tables postgres "$port" "jaffle_build_$round")" "$(tables postgres "$port" "jaffle_mpi_$round")")" = "same tables" ] || tables=DIFFER
        fi
    done
    local build mpi
    build=$(median "${builds[@]}")
    mpi=$(median "${mpis[@]}")
    printf '%-58s %9ss %9ss %7sx %s\n' "jaffle on $warehouse (--threads 2 / -np 2, import included)" "$build" "$mpi" "$(ratio "$mpi" "$build")" \
        "$([ "$tables" = same ] && echo "same tables" || echo "TABLES DIFFER")"
    [ "$ROUNDS" -eq 1 ] || echo "    $ROUNDS rounds (medians above): dbt build ${builds[*]} s; mpibatch ${mpis[*]} s; ratios ${ratios[*]}"
}
if [[ " $PARTS " == *" jaffle "* ]]; then
    for warehouse in duckdb postgres; do jaffle "$warehouse"; done
fi

# 2. the state-accumulating simulation
if [[ " $PARTS " == *" sim "* ]]; then
    vars="{time_scale: $SCALE}"
    for name in build mpi flat; do
        DBT_SIM_PG_DB=dbt_sim_$name copy bench/dbt-sim "sim-$name" --vars "$vars"
        database "dbt_sim_$name"
    done
    start=$(now)
    (cd "$work/sim-build" && DBT_SIM_PG_DB=dbt_sim_build dbt -q build --threads 4 --profiles-dir . --vars "$vars" >/dev/null)
    build=$(since "$start")
    sim_run() {  # sim_run NAME [IMPORT OPTIONS]: import and run at 2 ranks x 2 slots; prints the run's wall seconds
        "$BIN" import dbt "$work/sim-$1/target/manifest.json" --vars "$vars" "${@:2}" >"$work/sim-$1.yaml"
        local start
        start=$(now)
        DBT_SIM_PG_DB=dbt_sim_$1 "${MPIRUN[@]}" -np 2 "$BIN" run "$work/sim-$1.yaml" --out "$work/sim-$1-run" --slots 2 --quiet
        since "$start"
    }
    mpi=$(sim_run mpi --durations "$work/sim-build/target/run_results.json")
    flat=$(sim_run flat)
    in_order=$(python3 - "$work/sim-mpi-run/results.jsonl" <<'PY'
import json, sys
spans = {}
for line in open(sys.argv[1]):
    entry = json.loads(line)
    if entry["status"] == "ok":
        spans[entry["params"]["stage"]] = (entry["started_at"], entry["started_at"] + entry["seconds"])
years = [spans["y%d_state_accumulator" % y] for y in (2021, 2022, 2023)]
print("in year order" if all(a[1] <= b[0] for a, b in zip(years, years[1:])) else "OUT OF ORDER")
PY
    )
    printf '%-58s %9ss %9ss %7sx %s\n' "dbt-sim (--threads 4 / -np 2 --slots 2, --durations)" "$build" "$mpi" "$(ratio "$build" "$mpi")" \
        "$(same "$(tables postgres "$port" dbt_sim_build)" "$(tables postgres "$port" dbt_sim_mpi)"), accumulators $in_order"
    printf '%-58s %9ss %9ss %7sx %s\n' "dbt-sim, no --durations (every estimate equal)" "$build" "$flat" "$(ratio "$build" "$flat")" \
        "$(same "$(tables postgres "$port" dbt_sim_build)" "$(tables postgres "$port" dbt_sim_flat)")"
    # where the time goes: the start-up before the first node, when the accumulators' chain
    # starts and ends (dbt's queue goes by graph generation, so it starts them late), and
    # the nodes' own seconds over the slots (the bound once the chain starts early)
    python3 - "$work/sim-build/target/run_results.json" "$work/sim-mpi-run/results.jsonl" "$build" "$mpi" <<'PY'
import datetime, json, sys
def stamp(text):
    return datetime.datetime.fromisoformat(text.rstrip("Z")).replace(tzinfo=datetime.timezone.utc).timestamp()
def execute(result):
    return next(t for t in result["timing"] if t["name"] == "execute")
build = json.load(open(sys.argv[1]))["results"]
built = {r["unique_id"].split(".")[-1]: (stamp(execute(r)["started_at"]), stamp(execute(r)["completed_at"])) for r in build}
mpi = [json.loads(line) for line in open(sys.argv[2])]
ran = {e["params"]["stage"]: (e["started_at"], e["started_at"] + e["seconds"]) for e in mpi if e["status"] == "ok"}
nodes = sum(r["execution_time"] for r in build)
for name, spans, wall in (("dbt build", built, float(sys.argv[3])), ("mpibatch", {k: v for k, v in ran.items() if not k.startswith("dbt-")}, float(sys.argv[4]))):
    first = min(start for start, _ in spans.values())
    end = max(stop for _, stop in spans.values())
    chain = [spans["y%d_state_accumulator" % y] for y in (2021, 2022, 2023)]
    print(f"    {name}: start-up and end {wall - (end - first):.2f} s, nodes {end - first:.2f} s; accumulators "
          f"{chain[0][0] - first:.2f}-{chain[-1][1] - first:.2f} s after the first node; nodes' seconds / 4 slots {nodes / 4:.2f} s")
PY
fi
echo "(jaffle: ratio = mpibatch / dbt build, target <= 1.2; dbt-sim: ratio = dbt build / mpibatch, target >= 1.25)"
