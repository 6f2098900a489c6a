# mpibatch import dbt with the real dbt (issue 29): Tests/Integration/dbt-jaffle (3 seeds,
# 3 staging views, 2 marts, 20 tests) built by `dbt build` and by mpibatch, on DuckDB and on
# a Postgres the checks start and stop (scripts/postgres-server); the tables must be the
# same. Then the hostile cases: a failing model, a model that passes on its retry, a kill -9
# and --resume, the warehouse down, a manifest of another dbt, profiles.yml missing.
# dbt-core, dbt-duckdb, dbt-postgres and postgresql come from `scripts/install-deps --dbt`.
# Sourced by run-all.

DBT_JAFFLE=$(cd "$HERE/dbt-jaffle" && pwd)
DBT_PG_DIR=
DBT_PG_PORT=

# jaffle_tree DIR: a fresh copy of the project's files in DIR (no database, no target/).
jaffle_tree() {
    rm -rf "${1:?}"
    mkdir -p "$1"
    (cd "$DBT_JAFFLE" && tar cf - --exclude=target --exclude=logs --exclude='*.duckdb*' .) | (cd "$1" && tar xf -)
}

# jaffle_copy NAME [DBT-PARSE-OPTIONS...]: a fresh copy of the project in $WORK/NAME (no
# database) with the manifest that `dbt parse OPTIONS` writes. The project is parsed once per
# set of options, in a copy of its own, and each copy takes that target/manifest.json (what
# mpibatch import reads of it names no path; a copy's own dbt runs parse for themselves): a
# dbt parse costs 4-7 s of CPU on a 2-core machine, and eleven copies each parsed took a minute.
jaffle_copy() {
    local parsed
    parsed=$WORK/jaffle-parsed$(printf '%s' "${*:2}" | tr -c 'A-Za-z0-9' '-')
    if [ ! -s "$parsed/target/manifest.json" ]; then
        jaffle_tree "$parsed" || return 1
        (cd "$parsed" && dbt -q parse --profiles-dir . "${@:2}" >parse.log 2>&1) || { cat "$parsed/parse.log"; return 1; }
    fi
    jaffle_tree "$WORK/$1" && mkdir "$WORK/$1/target" && cp "$parsed/target/manifest.json" "$WORK/$1/target/"
}

# dbt_pg_up: the checks' own Postgres, started once (stopped by pid at the end of this file).
dbt_pg_up() {
    [ -n "$DBT_PG_PORT" ] && return 0
    DBT_PG_DIR=$(mktemp -d /tmp/mpibatch-pg.XXXXXX) && chmod 755 "$DBT_PG_DIR" || return 1   # the user postgres must reach it
    DBT_PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    scripts/postgres-server start "$DBT_PG_DIR" "$DBT_PG_PORT" || { DBT_PG_PORT=; return 1; }
    export JAFFLE_PG_PORT=$DBT_PG_PORT
}

# pg_database NAME: a new, empty database NAME on the checks' server.
pg_database() {
    psql -h 127.0.0.1 -p "$DBT_PG_PORT" -U postgres -X -q -c "drop database if exists $1" -c "create database $1"
}

# since START: the seconds from START (date +%s.%N) to now.
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(date +%s.%N)"; }

# mpibatch_dbt DIR OUT [IMPORT-OPTIONS...]: imports DIR's manifest and runs it on 2 ranks.
mpibatch_dbt() {
    local dir=$1 out=$2
    shift 2
    "$BIN" import dbt "$dir/target/manifest.json" "$@" >"$out.yaml" || return 1
    timeout 900 "${MPIRUN[@]}" -np 2 "$BIN" run "$out.yaml" --out "$out" --quiet
}

# each_stage_ran_its_node OUT DIR: every node stage's own run_results.json has exactly its
# node (the fqn selection is unique), and every node of the manifest ran once; the run used
# the persistent dbt workers (their parses under dbt/worker-rank-R-slot-S), each running its
# nodes in its held-open dbt build (its log under dbt/worker-rank-R-slot-S/session).
each_stage_ran_its_node() {
    python3 - "$1" "$2/target/manifest.json" <<'PY'
import glob, json, os, sys
out, manifest = sys.argv[1], json.load(open(sys.argv[2]))
sessions = glob.glob(f"{out}/dbt/worker-rank-*/session/dbt.log")
own = [p for p in glob.glob(f"{out}/dbt/*/dbt.log")   # but dbt debug's and the workers' parses'
       if p.split("/")[-2] != "dbt-connection" and not p.split("/")[-2].startswith("worker-rank-")]
assert sessions and not own, (sessions, own, "a node stage ran its own dbt invocation")
runnable = {i for i, n in manifest["nodes"].items() if n["resource_type"] in ("seed", "model", "test", "snapshot")}
ran = []
for stage in sorted(os.listdir(f"{out}/dbt")):
    path = f"{out}/dbt/{stage}/run_results.json"
    if stage in ("dbt-connection", "dbt-parse") or stage.startswith("worker-rank-"):   # a dbt worker's own parse
        continue
    results = json.load(open(path))["results"]
    assert len(results) == 1, (stage, [r["unique_id"] for r in results])
    assert results[0]["unique_id"].split(".")[2] == stage or stage.endswith(results[0]["unique_id"].split(".")[2]), (stage, results)
    ran.append(results[0]["unique_id"])
assert sorted(ran) == sorted(runnable), set(ran) ^ runnable
PY
}

dbt_duckdb_same_tables() {
    jaffle_copy duck-build && jaffle_copy duck-mpi || return 1
    local start build mpi
    start=$(date +%s.%N)
    (cd "$WORK/duck-build" && dbt -q build --threads 2 --profiles-dir . >build.log 2>&1) || { cat "$WORK/duck-build/build.log"; return 1; }
    build=$(since "$start")
    start=$(date +%s.%N)
    mpibatch_dbt "$WORK/duck-mpi" "$WORK/duck-run" --durations "$WORK/duck-build/target/run_results.json" || return 1
    mpi=$(since "$start")
    [ "$(grep -c '^    estimate: [0-9]*ms$' "$WORK/duck-run.yaml")" -eq 28 ] || { echo "not every node's estimate from --durations"; return 1; }
    grep -q "^# DuckDB lets one process at a time open the database for writing: the first worker" "$WORK/duck-run.yaml" ||
        { head -10 "$WORK/duck-run.yaml"; return 1; }
    # no stage runs alone: one worker holds the database (the only one that imports dbt and
    # parses) and runs the nodes the other sends it, side by side
    ! grep -q '^    exclusive: true' "$WORK/duck-run.yaml" || { echo "a stage made exclusive"; return 1; }
    [ "$(ls -d "$WORK"/duck-run/dbt/worker-rank-* | wc -l)" -eq 1 ] || { ls "$WORK/duck-run/dbt"; echo "not one worker holding the database"; return 1; }
    python3 - "$WORK/duck-run/results.jsonl" <<'PY' || return 1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
spans = sorted((l["started_at"], l["started_at"] + l["seconds"]) for l in lines if l["params"]["stage"] not in ("dbt-connection", "dbt-parse"))
assert {l["rank"] for l in lines} == {0, 1}, "both ranks' slots run stages"
assert any(b[0] < a[1] for a, b in zip(spans, spans[1:])), "no two nodes side by side"
PY
    "$HERE/dbt_tables.py" duckdb "$WORK/duck-build/jaffle.duckdb" >"$WORK/duck-build.tables" || return 1
    "$HERE/dbt_tables.py" duckdb "$WORK/duck-mpi/jaffle.duckdb" >"$WORK/duck-mpi.tables" || return 1
    diff "$WORK/duck-build.tables" "$WORK/duck-mpi.tables" || return 1
    [ "$(wc -l <"$WORK/duck-mpi.tables")" -eq 8 ] || { cat "$WORK/duck-mpi.tables"; return 1; }
    "$HERE/check_results.py" "$WORK/duck-run" 30 || return 1
    each_stage_ran_its_node "$WORK/duck-run" "$WORK/duck-mpi" || return 1
    [ ! -e "$WORK/duck-mpi/target/run_results.json" ] || { echo "a stage wrote the project's own target/"; return 1; }
    echo "measured: DuckDB, under load: dbt build --threads 2 ${build} s, mpibatch -np 2 ${mpi} s (30 stages)"
}
check "dbt (real, DuckDB): import --durations + mpirun -np 2 builds the same tables as dbt build, one worker holding the database, each stage its own node" \
    dbt_duckdb_same_tables

# Rank 0 retires its dbt worker at the end of the run as every rank does (it was killed there
# with SIGTERM at the rank's exit: the worker's held-open build never ended, so DuckDB was not
# closed cleanly and the end of the worker's dbt.log was lost). Without mpirun the run is rank
# 0 alone, whose worker holds the database.
dbt_duckdb_rank0_retires() {
    jaffle_copy duck-rank0 || return 1
    "$BIN" import dbt "$WORK/duck-rank0/target/manifest.json" >"$WORK/duck-rank0-run.yaml" || return 1
    timeout 900 "$BIN" run "$WORK/duck-rank0-run.yaml" --out "$WORK/duck-rank0-run" --quiet || return 1
    local log
    log=$(ls "$WORK"/duck-rank0-run/dbt/worker-rank-0-slot-*/session/dbt.log) || return 1
    grep -q 'Command `cli build` succeeded' "$log" || { tail -n 3 "$log"; echo "rank 0's dbt worker was not retired"; return 1; }
    [ ! -e "$WORK/duck-rank0/jaffle.duckdb.wal" ] || { echo "the database was not closed (its write-ahead log is left)"; return 1; }
    [ "$("$HERE/dbt_tables.py" duckdb "$WORK/duck-rank0/jaffle.duckdb" | wc -l)" -eq 8 ] || return 1
}
check "dbt (real, DuckDB): rank 0 retires its dbt worker as the other ranks do: its build ended, its log complete, the database closed" \
    dbt_duckdb_rank0_retires

dbt_postgres_same_tables() {
    dbt_pg_up && pg_database jaffle_build && pg_database jaffle_mpi || return 1
    jaffle_copy pg-build --target postgres && jaffle_copy pg-mpi --target postgres || return 1
    local start build mpi
    start=$(date +%s.%N)
    (cd "$WORK/pg-build" && JAFFLE_PG_DB=jaffle_build dbt -q build --threads 2 --profiles-dir . --target postgres >build.log 2>&1) ||
        { cat "$WORK/pg-build/build.log"; return 1; }
    build=$(since "$start")
    start=$(date +%s.%N)
    JAFFLE_PG_DB=jaffle_mpi mpibatch_dbt "$WORK/pg-mpi" "$WORK/pg-run" --target postgres || return 1
    mpi=$(since "$start")
    ! grep -q "exclusive: true" "$WORK/pg-run.yaml" || { echo "Postgres stages made exclusive"; return 1; }
    # one host: one worker imports dbt and runs the nodes (the other sends it its own)
    [ "$(ls -d "$WORK"/pg-run/dbt/worker-rank-* | wc -l)" -eq 1 ] || { ls "$WORK/pg-run/dbt"; echo "not one worker per host"; return 1; }
    "$HERE/dbt_tables.py" postgres "$DBT_PG_PORT" jaffle_build >"$WORK/pg-build.tables" || return 1
    "$HERE/dbt_tables.py" postgres "$DBT_PG_PORT" jaffle_mpi >"$WORK/pg-mpi.tables" || return 1
    diff "$WORK/pg-build.tables" "$WORK/pg-mpi.tables" || return 1
    [ "$(wc -l <"$WORK/pg-mpi.tables")" -eq 8 ] || { cat "$WORK/pg-mpi.tables"; return 1; }
    "$HERE/check_results.py" "$WORK/pg-run" 30 || return 1
    each_stage_ran_its_node "$WORK/pg-run" "$WORK/pg-mpi" || return 1
    # the relation cache is kept from node to node, as in dbt build: the schema is listed by
    # the first nodes only (emptied before each node, it was listed again by every one)
    cache_misses pg-run 4 || return 1
    # built again over its own tables (what a user does every day): every node passes on its
    # first try (with the cache emptied before each node, renames raced: "Cache inconsistency")
    JAFFLE_PG_DB=jaffle_mpi timeout 900 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/pg-run.yaml" --out "$WORK/pg-rerun" --quiet || return 1
    ! grep '"status":"failed"' "$WORK/pg-rerun/results.jsonl" || return 1
    cache_misses pg-rerun 4 || return 1
    "$HERE/dbt_tables.py" postgres "$DBT_PG_PORT" jaffle_mpi | diff "$WORK/pg-build.tables" - || return 1
    echo "measured: Postgres, under load: dbt build --threads 2 ${build} s, mpibatch -np 2 ${mpi} s (30 stages)"
}
# cache_misses RUN MOST: the held-open build of $WORK/RUN missed dbt's relation cache (and
# listed the schema) at most MOST times.
cache_misses() {
    local misses
    misses=$(cat "$WORK/$1"/dbt/worker-rank-*/session/dbt.log | grep -c 'cache miss for schema')
    [ "$misses" -le "$2" ] || { echo "$1: $misses relation cache misses, wanted at most $2"; return 1; }
}
check "dbt (real, Postgres): import --target postgres + mpirun -np 2 builds the same tables as dbt build, and again over its own tables, listing the schema only at first" dbt_postgres_same_tables

# A thread of the dbt worker keeps its Postgres connection from one node to its next (dbt
# closes it after every node): on one slot, leak_set leaves a setting and a temporary table
# in its session and leak_check, on the same connection, must see neither; then a plain
# stage keeps the worker idle longer than the database's idle_session_timeout, so the server
# ends the kept connection, and after_idle must pass on its first try on a new one.
dbt_postgres_kept_connection() {
    dbt_pg_up && pg_database jaffle_keep || return 1
    psql -h 127.0.0.1 -p "$DBT_PG_PORT" -U postgres -X -q -c "alter database jaffle_keep set idle_session_timeout = '3s'" || return 1
    jaffle_copy pg-keep --target postgres || return 1
    local dir=$WORK/pg-keep out=$WORK/pg-keep-run
    cat >"$dir/models/leak_set.sql" <<'SQL'
{{ config(materialized='table', pre_hook=["set mpibatch.leak = 'leaked'", "create temporary table leak_temp as select 1 as x"]) }}
select 1 as id
SQL
    cat >"$dir/models/leak_check.sql" <<'SQL'
-- depends_on: {{ ref('leak_set') }}
{{ config(materialized='table') }}
select coalesce(current_setting('mpibatch.leak', true), '') as setting, to_regclass('pg_temp.leak_temp') is not null as temp_table
SQL
    cat >"$dir/models/after_idle.sql" <<'SQL'
-- depends_on: {{ ref('leak_check') }}
{{ config(materialized='table') }}
select 1 as id
SQL
    (cd "$dir" && dbt -q parse --profiles-dir . --target postgres >parse.log 2>&1) || { cat "$dir/parse.log"; return 1; }
    "$BIN" import dbt "$dir/target/manifest.json" --target postgres --select leak_set --select leak_check --select after_idle >"$out.yaml" || return 1
    grep -q '^    after: \["leak_check"\]$' "$out.yaml" || { cat "$out.yaml"; return 1; }
    sed -i 's/^    after: \["leak_check"\]$/    after: ["idle"]/' "$out.yaml"
    printf '  - name: "idle"\n    command: [sleep, "5"]\n    after: ["leak_check"]\n' >>"$out.yaml"
    JAFFLE_PG_DB=jaffle_keep timeout 300 "${MPIRUN[@]}" -np 1 "$BIN" run "$out.yaml" --out "$out" --slots 1 --quiet || return 1
    ! grep '"status":"failed"' "$out/results.jsonl" || return 1
    grep -q "formerly model.jaffle.leak_set, now model.jaffle.leak_check" "$out"/dbt/worker-rank-0-slot-0/session/dbt.log ||
        { echo "leak_check did not run on leak_set's connection"; return 1; }
    [ "$(psql -h 127.0.0.1 -p "$DBT_PG_PORT" -U postgres -X -q -t -A -d jaffle_keep -c "select setting || ',' || temp_table from leak_check")" = ",false" ] ||
        { echo "leak_check saw leak_set's session: $(psql -h 127.0.0.1 -p "$DBT_PG_PORT" -U postgres -X -t -A -d jaffle_keep -c 'select * from leak_check')"; return 1; }
    grep -q "terminating connection due to idle-session timeout" "$DBT_PG_DIR/server.log" ||
        { echo "the server ended no idle connection"; return 1; }
}
check "dbt (real, Postgres): a connection kept from node to node carries no session state over; one the server ended meanwhile is opened again, no try failed" \
    dbt_postgres_kept_connection

# One run for three of dbt's semantics (each run of the real dbt costs seconds per stage):
# a model that always fails (orders) fails alone with dbt's own error and its descendant
# (customers) is skipped and named; a model that fails on its first try (stg_customers)
# passes on its retry; --select/--exclude are resolved by dbt ls.
dbt_failing_and_flaky_models() {
    dbt_pg_up && pg_database jaffle_fail || return 1
    jaffle_copy pg-fail --target postgres || return 1
    JAFFLE_PG_DB=jaffle_fail mpibatch_dbt "$WORK/pg-fail" "$WORK/pg-fail-run" --target postgres \
        --vars '{fail_models: [orders], flaky_models: [stg_customers]}' --select +customers --exclude 'test_type:data'
    local status=$?
    [ $status -eq 1 ] || { echo "exit $status, wanted 1"; return 1; }
    python3 - "$WORK/pg-fail-run/summary.json" "$WORK/pg-fail-run/results.jsonl" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
failed, skipped = s["stages_failed"], s["stages_skipped"]
assert failed == ["orders"], failed
assert skipped == ["customers"], skipped     # orders' descendant, as dbt build skips it
error = [f for f in s["failures"] if f.get("stage", "orders") == "orders"][0]["error"]
assert "this_relation_does_not_exist_orders" in error, error   # dbt's own message
lines = [json.loads(l) for l in open(sys.argv[2])]
flaky = [l for l in lines if l["params"]["stage"] == "stg_customers"]
assert [(l["attempt"], l["status"]) for l in flaky] == [(1, "failed"), (2, "ok")], flaky
assert "first attempt fails" in flaky[0].get("error"), flaky[0].get("error")
stages = sorted({l["params"]["stage"] for l in lines})
assert stages == sorted(["dbt-connection", "dbt-parse", "raw_customers", "raw_orders", "raw_payments", "stg_customers",
                         "stg_orders", "stg_payments", "orders"]), stages   # dbt ls chose them (customers skipped)
PY
    "$BIN" report "$WORK/pg-fail-run" 2>&1 | grep -q "customers" || { "$BIN" report "$WORK/pg-fail-run"; return 1; }
}
check "dbt (real): a failing model fails alone (dbt's error kept), its descendants skipped and named; a model failing its first try passes on its retry; --select/--exclude by dbt ls" \
    dbt_failing_and_flaky_models

dbt_kill_and_resume() {
    dbt_pg_up && pg_database jaffle_kill || return 1
    jaffle_copy pg-kill --target postgres || return 1
    local out=$WORK/pg-kill-run launcher
    "$BIN" import dbt "$WORK/pg-kill/target/manifest.json" --target postgres >"$out.yaml" || return 1
    JAFFLE_PG_DB=jaffle_kill "${MPIRUN[@]}" -np 2 "$BIN" run "$out.yaml" --out "$out" --quiet >"$out.log" 2>&1 &
    launcher=$!
    local finished
    for _ in $(seq 1 1500); do   # until some node stages have finished
        finished=$(cat "$out/results.jsonl" 2>/dev/null | grep -c '"status":"ok"')
        [ "$finished" -ge 8 ] && break
        sleep 0.2
    done
    local rank
    for rank in $(pgrep -P $launcher); do kill -9 "$rank"; done
    wait $launcher
    local done_before
    done_before=$(grep -c '"status":"ok"' "$out/results.jsonl")
    [ "$done_before" -lt 30 ] || { echo "finished before the kill"; return 1; }
    JAFFLE_PG_DB=jaffle_kill timeout 900 "${MPIRUN[@]}" -np 2 "$BIN" run "$out.yaml" --out "$out" --resume --quiet || return 1
    "$HERE/journal_check.py" "$out" 30 || return 1
    "$HERE/dbt_tables.py" postgres "$DBT_PG_PORT" jaffle_kill >"$WORK/pg-kill.tables" || return 1
    diff "$WORK/pg-build.tables" "$WORK/pg-kill.tables" || return 1
    echo "killed after $done_before of 30 stages"
}
check "dbt (real): kill -9 of the ranks mid-graph, then --resume: each stage once, the same tables as dbt build (the Postgres check's)" \
    dbt_kill_and_resume

# A dbt worker killed -9 in the middle of a model (a DuckDB Python model that SIGKILLs its own
# process on its first attempt: dbt-duckdb runs Python models inside the worker, the one that
# holds the database) fails that stage's attempt (and that of any node the holder was running
# for the other worker); the retry runs on a worker that holds the database anew, and passes.
# The project has an on-run-start hook, so its workers run one dbtRunner call per node (a
# held-open build would run the hook once): each stage's dbt.log is its own, and the hook
# ran once per node.
dbt_worker_killed_mid_model() {
    jaffle_copy duck-kill || return 1
    printf 'on-run-start: ["create table if not exists hook_runs (n int)", "insert into hook_runs values (1)"]\n' >>"$WORK/duck-kill/dbt_project.yml"
    cat >"$WORK/duck-kill/models/worker_killer.py" <<'PY'
import os

def model(dbt, session):
    mark = os.path.join(os.environ["DBT_KILL_MARK"], "killed")
    if not os.path.exists(mark):
        with open(mark, "w") as file:
            file.write(str(os.getpid()))
        os.kill(os.getpid(), 9)
    return session.sql("select 1 as id")
PY
    (cd "$WORK/duck-kill" && dbt -q parse --profiles-dir . >parse.log 2>&1) || { cat "$WORK/duck-kill/parse.log"; return 1; }
    local out=$WORK/duck-kill-run
    DBT_KILL_MARK=$WORK/duck-kill mpibatch_dbt "$WORK/duck-kill" "$out" --select raw_customers --select stg_customers --select worker_killer || return 1
    grep -q 'python: "mpibatch_dbt:node"' "$out.yaml" || { echo "not the worker form"; head -12 "$out.yaml"; return 1; }
    ! kill -0 "$(cat "$WORK/duck-kill/killed")" 2>/dev/null || { echo "the killed worker lives"; return 1; }
    python3 - "$out/results.jsonl" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
killer = [l for l in lines if l["params"]["stage"] == "worker_killer"]
assert [(l["attempt"], l["status"]) for l in killer] == [(1, "failed"), (2, "ok")], killer
# killed in its own worker, or in the holder it was sent to
died = ("its worker died (killed by signal 9", "the dbt worker this node was sent to")
assert any(d in killer[0].get("error") for d in died), killer[0].get("error")
assert killer[1].get("value")["status"] == "success" and killer[1].get("value")["node"] == "model.jaffle.worker_killer", killer[1]
others = [l for l in lines if l["params"]["stage"] != "worker_killer"]
assert {"dbt-connection", "dbt-parse", "raw_customers", "stg_customers"} <= {l["params"]["stage"] for l in others}, others
last = {l["params"]["stage"]: l for l in others}
assert all(l["status"] == "ok" for l in last.values()), others
assert all(any(d in l.get("error") for d in died) for l in others if l["status"] != "ok"), others   # only the holder's death
PY
    for stage in raw_customers stg_customers worker_killer; do
        [ -s "$out/dbt/$stage/dbt.log" ] || { echo "$stage: no dbt.log of its own (not one dbtRunner call per node)"; return 1; }
    done
    ! ls "$out"/dbt/worker-rank-*/session >/dev/null 2>&1 || { echo "a held-open build in a project with hooks"; return 1; }
    # the hook ran around each dbtRunner call: the three nodes' (the killed attempt's died with its worker) and the parse's
    python3 -c "import duckdb, sys; n = duckdb.connect(sys.argv[1], read_only=True).execute('select count(*) from hook_runs').fetchall()[0][0]; assert n >= 3, n" \
        "$WORK/duck-kill/jaffle.duckdb" || return 1
}
check "dbt (real, DuckDB): the dbt worker holding the database killed -9 mid-model fails only the attempts it ran; the retries run on a new holder" \
    dbt_worker_killed_mid_model

# A DuckDB database held by a dbt worker of another host (the run directory on a shared file
# system, the job run across nodes): the stages fail at once, naming the holder's host.
dbt_duckdb_held_elsewhere() {
    jaffle_copy duck-elsewhere || return 1
    local out=$WORK/duck-elsewhere-run lock status
    mkdir -p "$out"
    { flock -x 9 && echo '{"host": "127.0.0.1", "hostname": "elsewhere", "port": 1, "pid": 99, "worker": "worker-rank-0-slot-0", "secret": "x"}' >&9 && sleep 120; } \
        9>"$out/dbt-database.lock" &
    lock=$!
    sleep 0.5
    mpibatch_dbt "$WORK/duck-elsewhere" "$out"
    status=$?
    kill "$lock"
    [ $status -eq 1 ] || { echo "exit $status, wanted 1"; return 1; }
    python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert sorted(s["stages_failed"]) == ["dbt-connection", "dbt-parse"] and len(s["stages_skipped"]) == 28, s
assert "held by a dbt worker on host elsewhere" in s["failures"][0]["error"], s["failures"][0]
assert s["wall_seconds"] < 30, s["wall_seconds"]
PY
}
check "dbt (real, DuckDB): a database held by a worker on another host fails the first stages at once, naming the host" dbt_duckdb_held_elsewhere

dbt_warehouse_down() {
    jaffle_copy pg-down --target postgres || return 1
    local port out=$WORK/pg-down-run
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    JAFFLE_PG_PORT=$port mpibatch_dbt "$WORK/pg-down" "$out" --target postgres
    local status=$?
    [ $status -eq 1 ] || { echo "exit $status, wanted 1"; return 1; }
    python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["stages_failed"] == ["dbt-connection"], s["stages_failed"]
# every node skipped; the parse (a worker's start-up, beside the connection check) needs no warehouse
assert s["tasks_failed"] == 1 and len(s["stages_skipped"]) == 28 and "dbt-parse" not in s["stages_skipped"], (s["tasks_failed"], s["stages_skipped"])
assert "Connection refused" in s["failures"][0]["error"] or "connection" in s["failures"][0]["error"].lower(), s["failures"][0]
PY
}
check "dbt (real): the warehouse down at start is one failure (the connection check), every other stage skipped" dbt_warehouse_down

# The project broken after its import (a model's Jinja no longer parses): the dbt worker's
# load as it starts (dbt's import and parse, Python's collector paused) fails, and so does
# the first stages' load again, with dbt's own error naming the model; every node is skipped.
dbt_broken_after_import() {
    jaffle_copy broken || return 1
    local dir=$WORK/broken out=$WORK/broken-run status
    "$BIN" import dbt "$dir/target/manifest.json" >"$out.yaml" || return 1
    echo "select {{ ref( }}" >"$dir/models/staging/stg_orders.sql"
    timeout 300 "${MPIRUN[@]}" -np 2 "$BIN" run "$out.yaml" --out "$out" --quiet
    status=$?
    [ $status -eq 1 ] || { echo "exit $status, wanted 1"; return 1; }
    python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert sorted(s["stages_failed"]) == ["dbt-connection", "dbt-parse"] and len(s["stages_skipped"]) == 28, s
assert all("stg_orders" in f["error"] for f in s["failures"]), s["failures"]
PY
}
check "dbt (real): a model broken after the import fails the workers' parse: the first stages fail with dbt's error naming it, every node skipped" \
    dbt_broken_after_import

dbt_bad_projects() {
    jaffle_copy bad || return 1
    local dir=$WORK/bad
    # a manifest another dbt major version wrote
    python3 -c "
import json, sys
m = json.load(open('$dir/target/manifest.json'))
m['metadata']['dbt_version'] = '2.0.0-preview.45'
m['metadata']['dbt_schema_version'] = 'https://schemas.getdbt.com/dbt/manifest/v20.json'
json.dump(m, open('$dir/other.json', 'w'))"
    expect_status 2 "$BIN" import dbt "$dir/other.json" --project-dir "$dir" 2>"$dir/err" || return 1
    grep -q "written by dbt 2.0.0-preview.45 (manifest schema v20); mpibatch imports manifests of dbt 1.x" "$dir/err" || { cat "$dir/err"; return 1; }
    # profiles.yml nowhere dbt would look
    mv "$dir/profiles.yml" "$dir/elsewhere.yml"
    HOME=$dir DBT_PROFILES_DIR='' expect_status 2 "$BIN" import dbt "$dir/target/manifest.json" 2>"$dir/err" || return 1
    grep -q "no profiles.yml in $dir (the project), $dir/.dbt (~/.dbt): dbt could not connect; give --profiles-dir" "$dir/err" ||
        { cat "$dir/err"; return 1; }
    expect_status 2 "$BIN" import dbt "$dir/target/manifest.json" --profiles-dir "$dir/nowhere" 2>"$dir/err" || return 1
    grep -q "no profiles.yml in $dir/nowhere (--profiles-dir)" "$dir/err" || { cat "$dir/err"; return 1; }
    mv "$dir/elsewhere.yml" "$dir/profiles.yml"
    # a selection dbt refuses, and one that selects nothing
    expect_status 2 "$BIN" import dbt "$dir/target/manifest.json" --selector nosuch 2>"$dir/err" || return 1
    grep -q "dbt refused the selection: .*Could not find selector named nosuch" "$dir/err" || { cat "$dir/err"; return 1; }
    expect_status 2 "$BIN" import dbt "$dir/target/manifest.json" --select no_such_model 2>"$dir/err" || return 1
    grep -q "nothing to run: dbt ls selects no model" "$dir/err" || { cat "$dir/err"; return 1; }
    expect_status 2 "$BIN" import dbt "$dir/target/manifest.json" --retries -1 2>"$dir/err" || return 1
    expect_status 2 "$BIN" import dbt "$dir/target/manifest.json" --durations "$dir/target/manifest.json" 2>"$dir/err" || return 1
    grep -q -- "--durations: not a dbt run_results.json" "$dir/err" || { cat "$dir/err"; return 1; }
}
check "dbt (real): another dbt's manifest, profiles.yml missing, selections dbt refuses: exit 2 with one clear line" dbt_bad_projects

dbt_pg_stopped() {
    local pid
    pid=$(head -n 1 "$DBT_PG_DIR/data/postmaster.pid")
    scripts/postgres-server stop "$DBT_PG_DIR" || return 1
    ! kill -0 "$pid" 2>/dev/null && rm -rf "$DBT_PG_DIR"
}
if [ -n "$DBT_PG_PORT" ]; then
    check "dbt (real): the checks stop the Postgres they started, by its pid" dbt_pg_stopped
fi
# Also when ONLY= left the check above out: the server never outlives the checks.
if [ -n "$DBT_PG_DIR" ] && [ -d "$DBT_PG_DIR" ]; then
    scripts/postgres-server stop "$DBT_PG_DIR" >/dev/null 2>&1
    rm -rf "$DBT_PG_DIR"
fi
