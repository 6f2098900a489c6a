# gpus: and memory: (issue 30, items 1, 2 and 6): a node's GPUs and memory budget are one pool
# shared by its ranks. No GPU is needed: the device lists are faked through the environment.
# Sourced by run-all (uses check, expect_status, $BIN, $WORK, $HERE, MPIRUN).

# resources_job FILE NAME COUNT KEYS: COUNT tasks that print their devices and sleep 0.3 s, with KEYS.
resources_job() {
    printf 'name: %s\nsweep: {repeat: %s}\ntask:\n  shell: '\''echo "dev=$CUDA_VISIBLE_DEVICES gpus=$MPIBATCH_GPUS rocr=$ROCR_VISIBLE_DEVICES"; sleep 0.3'\''\n%s\n' \
        "$2" "$3" "$4" >"$1"
}

gpus_one_per_task() {
    local dir=$WORK/gpus-one
    mkdir -p "$dir"
    resources_job "$dir/job.yaml" gpus-one 16 "  gpus: 1"
    CUDA_VISIBLE_DEVICES=0,1,2,3 ROCR_VISIBLE_DEVICES=7 expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" \
        --slots 4 --out "$dir/out" --quiet || return 1
    "$HERE/resources_check.py" gpus "$dir/out" 16 1 0,1,2,3 --at-once 4 || return 1
    # summary.json: the node's GPU occupancy (16 tasks x 0.3 s on 4 devices: about 1.2 s of a wall of a few seconds).
    python3 -c 'import json, sys
(node,) = json.load(open(sys.argv[1]))["gpu_occupancy"]
assert node["gpus"] == 4 and 4.5 < node["gpu_seconds"] < 8 and 0.1 < node["occupancy"] <= 1, node' "$dir/out/summary.json" || return 1
    grep -q "GPU occupancy on" "$dir/out/report.html" || { echo "report.html says nothing of GPU occupancy"; return 1; }
    # The vendor's variable only: the rank's ROCR_VISIBLE_DEVICES is not passed on.
    ! grep -q "rocr=7" "$dir/out/logs/"rank-*.out || { echo "a CUDA task inherited ROCR_VISIBLE_DEVICES"; return 1; }
}
check "gpus: 1, CUDA_VISIBLE_DEVICES=0,1,2,3, 2 ranks x 4 slots: each task one ID, none shared at once, 4 at once" gpus_one_per_task

gpus_two_per_task() {
    local dir=$WORK/gpus-two
    mkdir -p "$dir"
    resources_job "$dir/job.yaml" gpus-two 6 "  gpus: 2"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --slots 4 --gpus 4,5,6,7 --out "$dir/out" --quiet || return 1
    "$HERE/resources_check.py" gpus "$dir/out" 6 2 4,5,6,7 --at-once 2
}
check "gpus: 2 with --gpus 4,5,6,7: each task two distinct IDs of the list, 2 at once" gpus_two_per_task

memory_budget_packs() {
    local dir=$WORK/memory-pack
    mkdir -p "$dir"
    printf 'name: mem\nsweep: {repeat: 4}\ntask: {shell: "sleep 0.2", memory: 6GiB}\n' >"$dir/job.yaml"
    MPIBATCH_NODE_MEMORY=10GiB expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --slots 2 --out "$dir/out" --quiet \
        || return 1
    "$HERE/resources_check.py" apart "$dir/out"
}
check "memory: 6GiB on a node of 10 GiB (MPIBATCH_NODE_MEMORY), 2 ranks x 2 slots: never two at once" memory_budget_packs

memory_limit_enforced() {
    local dir=$WORK/memory-limit
    mkdir -p "$dir"
    printf 'name: mem\nsweep: {grid: {mb: [10, 400, 20, 30]}}\ntask:\n  command: [python3, -c, "import time; b = b'\''x'\'' * ({mb} << 20); time.sleep(0.5)"]\n  memory: 100MiB\n' \
        >"$dir/job.yaml"
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --slots 2 --out "$dir/out" --quiet || return 1
    python3 - "$dir/out/results.jsonl" <<'PY' || return 1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert sorted(l["index"] for l in lines) == [0, 1, 2, 3], lines
by = {l["params"]["mb"]: l for l in lines}
assert by[400]["status"] == "failed" and "went over its memory: used" in by[400].get("error") and "of its memory: 100 MiB" in by[400].get("error"), by[400]
assert all(by[mb]["status"] == "ok" for mb in (10, 20, 30)), lines
PY
}
check "memory: 100MiB, one task allocates 400 MB: it fails saying memory and by how much, the others ok, exit 1, nothing lost" \
    memory_limit_enforced

memory_finding() {
    local dir=$WORK/memory-finding
    mkdir -p "$dir"
    printf 'name: peaks\nsweep: {repeat: 4}\ntask:\n  command: [python3, -c, "import time; b = b'\''x'\'' * (50 << 20); time.sleep(0.4)"]\n' >"$dir/job.yaml"
    MPIBATCH_NODE_MEMORY=170MiB expect_status 0 "$BIN" run "$dir/job.yaml" --slots 4 --out "$dir/out" --quiet || return 1
    python3 -c 'import json, sys
(f,) = [f for f in json.load(open(sys.argv[1]))["findings"] if f["kind"] == "memory_overcommit"]
assert f["peak_bytes_at_once"] > f["node_memory_bytes"] and "memory:" in f["recommendation"], f' "$dir/out/summary.json" || return 1
    # The same tasks asking for memory: packed two at a time, no finding.
    printf '  memory: 80MiB\n' >>"$dir/job.yaml"
    MPIBATCH_NODE_MEMORY=170MiB expect_status 0 "$BIN" run "$dir/job.yaml" --slots 4 --out "$dir/asked" --quiet || return 1
    ! grep -q memory_overcommit "$dir/asked/summary.json" || { echo "a finding although the tasks ask for memory:"; return 1; }
}
check "finding memory_overcommit: four 50 MB tasks at once on a node of 170 MiB recommend memory:; with memory: none" memory_finding

# refused WANT_TEXT ENV... -- ARGS...: `mpibatch ARGS` exits 2 and says WANT_TEXT.
refused() {
    local want=$1
    shift
    local environment=()
    while [ "$1" != "--" ]; do environment+=("$1"); shift; done
    shift
    expect_status 2 env "${environment[@]}" "$BIN" "$@" 2>"$WORK/refused.err" || { cat "$WORK/refused.err"; return 1; }
    grep -qF -- "$want" "$WORK/refused.err" || { echo "wanted: $want"; cat "$WORK/refused.err"; return 1; }
}

resources_hostile() {
    local dir=$WORK/resources-hostile
    mkdir -p "$dir"
    printf 'name: h\nsweep: {repeat: 2}\ntask:\n  shell: "true"\n  gpus: -1\n' >"$dir/negative.yaml"
    refused "negative.yaml:5:9: gpus must be at least 1, not -1" -- validate "$dir/negative.yaml" || return 1
    printf 'name: h\nsweep: {repeat: 2}\ntask:\n  shell: "true"\n  gpus: 1.5\n' >"$dir/fraction.yaml"
    refused "fraction.yaml:5:9: gpus must be a whole number" -- run "$dir/fraction.yaml" --out "$dir/o1" || return 1
    printf 'name: h\nsweep: {repeat: 2}\ntask:\n  shell: "true"\n  memory: 512K\n' >"$dir/small.yaml"
    refused "small.yaml:5:11: memory '512K' is below 1 MiB" -- run "$dir/small.yaml" --out "$dir/o2" || return 1
    printf 'name: h\nsweep: {repeat: 2}\ntask:\n  shell: "true"\n  gpus: 8\n' >"$dir/eight.yaml"
    refused "eight.yaml:5:9: a task of gpus: 8 does not fit" CUDA_VISIBLE_DEVICES=0,1,2,3 -- run "$dir/eight.yaml" --out "$dir/o3" || return 1
    refused "which has 4 (from CUDA_VISIBLE_DEVICES)" CUDA_VISIBLE_DEVICES=0,1,2,3 -- validate "$dir/eight.yaml" || return 1
    refused "no GPU is visible on" -u CUDA_VISIBLE_DEVICES -u ROCR_VISIBLE_DEVICES PATH=/usr/bin:/bin -- run "$dir/eight.yaml" --out "$dir/o4" \
        || return 1
    grep -qF "looked at --gpus, CUDA_VISIBLE_DEVICES, ROCR_VISIBLE_DEVICES, SLURM_JOB_GPUS, nvidia-smi -L" "$WORK/refused.err" || return 1
    refused "--gpus names device 1 twice" -- run "$dir/eight.yaml" --gpus 0,1,1 --out "$dir/o5" || return 1
    refused "CUDA_VISIBLE_DEVICES names device 3 twice" CUDA_VISIBLE_DEVICES=3,3 -- run "$dir/eight.yaml" --out "$dir/o6" || return 1
    printf 'name: h\nsweep: {repeat: 2}\ntask:\n  shell: "true"\n  memory: 2GiB\n' >"$dir/big.yaml"
    refused "big.yaml:5:11: memory: 2 GiB is more than" MPIBATCH_NODE_MEMORY=1GiB -- run "$dir/big.yaml" --out "$dir/o7" || return 1
    refused "big.yaml:5:11: memory: 2 GiB is more than" MPIBATCH_NODE_MEMORY=1GiB -- validate "$dir/big.yaml" || return 1
    # Nothing ran: no journal line in any refused run.
    ! ls "$dir"/o*/results.jsonl 2>/dev/null | xargs -r cat | grep -q . || { echo "a refused run ran tasks"; return 1; }
}
check "gpus:/memory: hostile: negative, fraction, below 1 MiB, more GPUs than a node, none visible, duplicates, above the node: exit 2" \
    resources_hostile

# mpirun -np 1 binds the rank to one core by default, while its slots default to the node's
# cores: the rank then runs on the CPUs mpirun may use, as do its tasks. With --slots 1 it keeps
# its core; with a binding the user asked for (--bind-to core) it keeps it too, and rank 0 says
# its tasks share that core and how to launch instead; unbound, there is nothing to say.
crowded_slots_widened() {
    local cores ours
    cores=$(getconf _NPROCESSORS_ONLN)
    ours=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status)
    printf 'name: crowded\nsweep: {repeat: 2}\ntask: {shell: "sed -n s/^Cpus_allowed_list:[[:space:]]*//p /proc/self/status"}\n' \
        >"$WORK/crowded.yaml"
    # crowded_run NAME 'MPIRUN OPTIONS' [RUN OPTIONS...]: runs the job at np=1 into $WORK/crowded-NAME,
    # stderr in crowded.err.
    crowded_run() {
        local name=$1 launch
        read -ra launch <<<"$2"
        shift 2
        expect_status 0 "${MPIRUN[@]}" -np 1 "${launch[@]}" "$BIN" run "$WORK/crowded.yaml" --out "$WORK/crowded-$name" --quiet "$@" \
            2>"$WORK/crowded.err"
    }
    if [ "$cores" -lt 2 ] || ! "${MPIRUN[@]}" -np 1 grep -q '^Cpus_allowed_list:[[:space:]]*[0-9]*$' /proc/self/status; then
        echo "measured: mpirun does not bind a lone rank to one core here: nothing to widen"
        return 0
    fi
    crowded_run default "" || return 1
    ! grep -q "its tasks share" "$WORK/crowded.err" || { echo "warned, though the rank was widened:"; cat "$WORK/crowded.err"; return 1; }
    [ "$("$BIN" logs "$WORK/crowded-default" 0 --stdout)" = "$ours" ] || { echo "a task ran on $("$BIN" logs "$WORK/crowded-default" 0 --stdout), not $ours"; return 1; }
    crowded_run slots "" --slots 1 || return 1
    ! grep -q "its tasks share" "$WORK/crowded.err" || { echo "warned with --slots 1"; return 1; }
    grep -qx '[0-9]*' <("$BIN" logs "$WORK/crowded-slots" 0 --stdout) || { echo "--slots 1 did not keep the rank's core"; return 1; }
    crowded_run core "--bind-to core" || return 1
    grep -q "rank 0 may run only on CPU [0-9]* (its affinity, as the launcher bound it) but has $cores slots: its tasks share that CPU" \
        "$WORK/crowded.err" || { echo "no warning for --bind-to core:"; cat "$WORK/crowded.err"; return 1; }
    grep -qx '[0-9]*' <("$BIN" logs "$WORK/crowded-core" 1 --stdout) || { echo "--bind-to core was widened"; return 1; }
    crowded_run none "--bind-to none" || return 1
    ! grep -q "its tasks share" "$WORK/crowded.err" || { echo "warned unbound"; return 1; }
}
check "slots: mpirun -np 1 binds the rank to one core by default: it runs on mpirun's CPUs instead; --slots 1 and --bind-to core keep the core (the latter warned)" \
    crowded_slots_widened

# A job whose ranks all share one node: each rank asks Open MPI for its shared-memory layer
# (OMPI_MCA_pml=ob1) instead of letting MPI_Init probe network libraries (its pml cm, which
# opens libfabric's and PSM's); tasks never inherit that choice. A user's own choice (here
# `--mca pml ^monitoring`) is kept, for the ranks and their tasks alike.
one_node_transport() {
    printf 'name: pml\nsweep: {repeat: 2}\ntask: {shell: "echo pml=$(printenv OMPI_MCA_pml || echo unset)"}\n' >"$WORK/pml.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 -x OMPI_MCA_pml_base_verbose=10 "$BIN" run "$WORK/pml.yaml" --out "$WORK/pml-1" --quiet \
        2>"$WORK/pml-1.err" || return 1
    [ "$(grep -c 'select: component ob1 selected' "$WORK/pml-1.err")" = 2 ] || { echo "ob1 not selected on both ranks:"; cat "$WORK/pml-1.err"; return 1; }
    ! grep -q 'found loaded component cm' "$WORK/pml-1.err" || { echo "MPI_Init still opened pml cm"; return 1; }
    for index in 0 1; do
        [ "$("$BIN" logs "$WORK/pml-1" "$index" --stdout)" = pml=unset ] || { echo "task $index inherited the ranks' choice"; return 1; }
    done
    expect_status 0 "${MPIRUN[@]}" -np 2 --mca pml ^monitoring -x OMPI_MCA_pml_base_verbose=10 "$BIN" run "$WORK/pml.yaml" \
        --out "$WORK/pml-2" --quiet 2>"$WORK/pml-2.err" || return 1
    grep -q 'found loaded component cm' "$WORK/pml-2.err" || { echo "the user's choice was overridden"; return 1; }
    [ "$("$BIN" logs "$WORK/pml-2" 0 --stdout)" = "pml=^monitoring" ] || { echo "a task lost the user's OMPI_MCA_pml"; return 1; }
}
check "one node: the ranks ask Open MPI for its shared-memory layer (no network probe at MPI_Init), tasks do not inherit it; a user's --mca pml wins" \
    one_node_transport
