# mpibatch import dbt (issue 16): a realistic manifest (Tests/Integration/dbt-shop: 4 seeds,
# 20 models with 2 state accumulators, a snapshot, 6 tests, an analysis and a source) as a
# stage graph, run with a stub dbt on the PATH. The real dbt's checks: more-dbt-real.sh.
# Sourced by run-all.

DBT_SHOP=$(cd "$HERE/dbt-shop" && pwd)
# The generated job's stages as Python dicts (the job is plain enough not to need PyYAML).
DBT_JOB_PY='
import re
def load_job(path):
    text = open(path).read()
    stages = []
    for block in text.split("\n  - ")[1:]:
        stage = {}
        for line in block.splitlines():
            key, _, value = line.strip().partition(": ")
            if value.startswith("["):
                stage[key] = [v.strip().strip("\"") for v in value[1:-1].split(",") if v.strip()]
            else:
                stage[key] = True if value == "true" else value.strip("\"")
        stages.append(stage)
    return {"name": re.search(r"^name: \"?([^\"\n]*)", text, re.M).group(1), "stages": stages}
'

dbt_import_graph() {
    "$BIN" import dbt "$DBT_SHOP/manifest.json" --process-per-stage >"$WORK/shop.yaml" || return 1
    expect_status 0 "$BIN" validate "$WORK/shop.yaml" || return 1
    python3 - "$WORK/shop.yaml" "$DBT_JOB_PY" "$DBT_SHOP" <<'PY'
import sys
exec(sys.argv[2])
job = load_job(sys.argv[1])
stages = {s["name"]: s for s in job["stages"]}
# 4 seeds, 20 models, 1 snapshot, 6 tests, the connection check and the parse
assert job["name"] == "shop" and len(stages) == 33, len(stages)
assert "adhoc_revenue" not in stages and "events" not in stages     # analyses and sources run nothing
root = sys.argv[3]
common = f" --project-dir {root} --profiles-dir {root} --target-path \\\"$MPIBATCH_OUT/dbt/"
assert stages["raw_orders"]["shell"].startswith("dbt seed --select fqn:shop.raw_orders" + common + "raw_orders"), stages["raw_orders"]
assert stages["snap_customers"]["shell"].startswith("dbt snapshot --select fqn:shop.snap_customers "), stages["snap_customers"]
assert stages["not_null_fct_orders_amount"]["shell"].startswith("dbt test --select fqn:shop.not_null_fct_orders_amount" + common)
assert all(s["cwd"] == root for s in stages.values())
assert sorted(stages["relationships_fct_orders_customer_id__dim_customers"]["after"]) == ["dim_customers", "fct_orders"]
assert sorted(stages["int_order_items"]["after"]) == ["stg_orders", "stg_products"]
assert stages["stg_events"]["after"] == ["dbt-parse"]                  # its parent is a source
assert stages["dbt-parse"]["after"] == ["dbt-connection"] and "after" not in stages["dbt-connection"]
assert stages["dbt-connection"]["shell"].startswith("dbt debug --connection --project-dir ")
retries = {name: s["retries"] for name, s in stages.items()}
assert retries["snap_customers"] == "0" and retries["dbt-connection"] == "0" and retries["fct_orders"] == "1", retries
assert not [s["name"] for s in job["stages"] if s.get("exclusive")]  # accumulators take a limit, the rest goes on
limited = [s["name"] for s in job["stages"] if s.get("uses") == ["accumulators"]]
assert limited == ["customer_state_accumulator", "revenue_state_accumulator"], limited
assert re.search(r"^limits: \{accumulators: 1\}$", open(sys.argv[1]).read(), re.M)
assert "customer_state_accumulator" in stages["revenue_state_accumulator"]["after"]  # kept in order
PY
}
check "dbt: import makes the expected stages, dependencies, tests, and ordered accumulators under a limit of 1" dbt_import_graph

dbt_import_options() {
    local bin
    bin=$(realpath "$BIN")
    (cd "$DBT_SHOP" && "$bin" import dbt manifest.json --process-per-stage --no-tests --target ci --vars '{day: 3}' --dbt-arg=--full-refresh \
        --exclusive 'revenue_*' --retries 4) >"$WORK/shop-fct.yaml" || return 1
    python3 - "$WORK/shop-fct.yaml" "$DBT_JOB_PY" <<'PY' || return 1
import sys
exec(sys.argv[2])
job = load_job(sys.argv[1])
assert len(job["stages"]) == 27, len(job["stages"])   # no tests
fct = [s for s in job["stages"] if s["name"] == "fct_orders"][0]
assert " --target ci --vars '{{day: 3}}' --full-refresh --target-path " in fct["shell"], fct
assert fct["retries"] == "4", fct
assert [s["name"] for s in job["stages"] if s.get("uses") == ["accumulators"]] == ["revenue_state_accumulator"]
PY
    echo '{"nodes": {"model.x.a": {"name": "a"}}}' >"$WORK/bad-manifest.json"
    expect_status 2 "$BIN" import dbt "$WORK/bad-manifest.json" 2>"$WORK/dbt-bad.log" || return 1
    grep -q 'missing "resource_type"' "$WORK/dbt-bad.log" || { cat "$WORK/dbt-bad.log"; return 1; }
    expect_status 2 "$BIN" import dbt "$WORK/none.json"
}
check "dbt: --no-tests, --target, --vars, --dbt-arg, --exclusive, --retries; bad manifests: exit 2" dbt_import_options

dbt_run_with_stub() {
    "$BIN" import dbt "$DBT_SHOP/manifest.json" --process-per-stage >"$WORK/shop.yaml" || return 1
    local log=$WORK/dbt-calls.log out=$WORK/shop-run
    rm -f "$log"
    (
        export PATH=$DBT_SHOP:$PATH DBT_STUB_LOG=$log DBT_STUB_SECONDS=0.3
        expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/shop.yaml" --out "$out" --slots 3 --quiet
    ) || return 1
    python3 - "$log" "$WORK/shop.yaml" "$out/summary.json" "$DBT_JOB_PY" <<'PY'
import json, sys
exec(sys.argv[4])
calls, job, summary = sys.argv[1], load_job(sys.argv[2]), json.load(open(sys.argv[3]))
spans = {}
for line in open(calls):
    when, edge, kind, _, name = line.split()[:5]
    name = {"debug": "dbt-connection", "parse": "dbt-parse"}.get(kind, name.split(".")[-1])
    spans.setdefault(name, {})[edge] = float(when)
stages = {s["name"]: s for s in job["stages"]}
assert sorted(spans) == sorted(stages), set(stages) ^ set(spans)
for name, stage in stages.items():
    for parent in stage.get("after", []):
        assert spans[parent]["end"] <= spans[name]["start"], (parent, name)
accumulators = ("customer_state_accumulator", "revenue_state_accumulator")
beside = 0
for name in accumulators:  # one accumulator at a time (uses: [accumulators]), the other nodes going on
    mine = spans[name]
    overlapping = [n for n, s in spans.items() if n != name and s["start"] < mine["end"] and s["end"] > mine["start"]]
    assert not set(overlapping) & set(accumulators), (name, overlapping)
    beside += len(overlapping)
print(f"{beside} nodes ran beside an accumulator")
one_by_one = sum(s["end"] - s["start"] for s in spans.values())
wall = max(s["end"] for s in spans.values()) - min(s["start"] for s in spans.values())
print(f"33 dbt calls: one by one {one_by_one:.2f} s, as a graph on 2 ranks x 3 slots {wall:.2f} s: {one_by_one / wall:.2f}x")
assert one_by_one / wall > 1.5, "no faster than one by one"
PY
}
check "dbt: the imported graph runs with a stub dbt: each node once, parents first, accumulators one at a time, faster than one by one" dbt_run_with_stub

# A table of hostile manifests: each is refused (exit 2, naming the node or nodes) or
# imported into a job that validates; never a broken job with exit 0 (issue 23, item 12).
dbt_hostile_manifests() {
    local dir=$WORK/dbt-hostile
    mkdir -p "$dir"
    python3 - "$dir" <<'PY' || return 1
import json, sys
def node(uid, name, after=(), kind="model"):
    return uid, {"resource_type": kind, "name": name, "package_name": "p", "depends_on": {"nodes": list(after)}}
cases = {
    # name: (nodes, expected: "ok" or text the error must hold)
    "cycle-beside-healthy": ([node("model.p.a", "a"), node("model.p.b", "b", ["model.p.c", "model.p.a"]),
                              node("model.p.c", "c", ["model.p.b"]), node("model.p.d", "d", ["model.p.c"])],
                             "dependency cycle: model.p."),
    "only-a-cycle": ([node("model.p.a", "a", ["model.p.b"]), node("model.p.b", "b", ["model.p.a"])], "dependency cycle: model.p."),
    "self-cycle": ([node("model.p.a", "a", ["model.p.a"])], "dependency cycle: model.p.a -> model.p.a"),
    "space": ([node("model.p.x1", "a b"), node("model.p.x3", "a_b")], 'node model.p.x1 is named "a b"'),
    "dot": ([node("model.p.x2", "a.b"), node("model.p.x3", "a_b")], 'node model.p.x2 is named "a.b"'),
    "dash": ([node("model.p.dash", "-")], 'node model.p.dash is named "-"'),
    "leading-dash": ([node("model.p.opt", "--full-refresh")], 'node model.p.opt is named "--full-refresh"'),
    "empty": ([node("model.p.empty", "")], 'node model.p.empty is named ""'),
    "line-break": ([node("model.p.nl", "a\nb")], 'node model.p.nl is named "a\\nb"'),
    "braces": ([node("model.p.br", "a{b}")], 'node model.p.br is named "a{b}"'),
    "versions": ([node("model.p.dim.v1", "dim"), node("model.p.dim.v2", "dim")],
                 "nodes model.p.dim.v1 and model.p.dim.v2 would both be the stage 'model-dim'"),
    "kind-clash": ([node("model.p.o", "orders"), node("seed.p.o", "orders", kind="seed"), node("model.p.so", "seed-orders")],
                   "would both be the stage 'seed-orders'"),
    "yaml-words": ([node("model.p.n", "null"), node("model.p.t", "true", ["model.p.n"]), node("model.p.i", "123", ["model.p.t"])],
                   "ok"),
}
for name, (nodes, expected) in cases.items():
    manifest = {"metadata": {"project_name": "hostile"}, "nodes": dict(nodes)}
    json.dump(manifest, open(f"{sys.argv[1]}/{name}.json", "w"))
    open(f"{sys.argv[1]}/{name}.expected", "w").write(expected)
PY
    local manifest name expected status project=$dir/$'dir {x}\nwith "quotes"'
    mkdir -p "$project" && touch "$project/dbt_project.yml"
    for manifest in "$dir"/*.json; do
        name=${manifest%.json}
        expected=$(cat "$name.expected")
        timeout 60 "$BIN" import dbt "$manifest" --process-per-stage --project-dir "$project" --profiles-dir "$DBT_SHOP" \
            --dbt-arg='--vars={"k": "v\w"}' --dbt-arg=$'two\nlines' >"$name.yaml" 2>"$name.err"
        status=$?
        if [ "$expected" = ok ]; then
            [ "$status" -eq 0 ] || { echo "$name: exit $status: $(cat "$name.err")"; return 1; }
            expect_status 0 "$BIN" validate "$name.yaml" || { echo "$name: the job does not validate"; cat "$name.yaml"; return 1; }
            grep -q -- '--vars={{\\"k\\": \\"v\\\\w\\"}}' "$name.yaml" || { echo "$name: --dbt-arg changed"; cat "$name.yaml"; return 1; }
        else
            [ "$status" -eq 2 ] || { echo "$name: exit $status, wanted 2"; cat "$name.yaml"; return 1; }
            [ ! -s "$name.yaml" ] || { echo "$name: a job was written"; return 1; }
            grep -qF -- "$expected" "$name.err" || { echo "$name: wanted '$expected' in: $(cat "$name.err")"; return 1; }
            [ "$(wc -l <"$name.err")" -eq 1 ] || { echo "$name: not one line: $(cat "$name.err")"; return 1; }
        fi
    done
    # The argv dbt receives is exactly what was given, line break and braces included.
    "$BIN" plan "$dir/yaml-words.yaml" >"$dir/plan.out" 2>&1 || { cat "$dir/plan.out"; return 1; }
}
check "dbt: hostile manifests (cycles, names that collide or break YAML or --select) are refused with the node named, or validate" dbt_hostile_manifests
