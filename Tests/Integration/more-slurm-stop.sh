# Sourced by run-all: `slurm/local-cluster stop` stops what `start` started, by
# the pids it recorded, and nothing else. On a machine with a virtual cluster
# (or anyone's Slurm) a stop by name would kill their slurmstepd and daemons too.
# Uses run-all's check and $WORK. Functions are prefixed ls_.

LS_STATE=${MPIBATCH_SLURM_STATE:-/var/lib/mpibatch-slurm}

# ls_running PID...: prints the pids that still run (a zombie, dead and waiting
# for init to reap it, does not count).
ls_running() {
    local pid
    for pid in "$@"; do
        [ -e "/proc/$pid" ] || continue
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && continue
        echo "$pid"
    done
    return 0
}

# ls_job_steps JOB: the slurmstepd of JOB on this machine's network (a virtual
# cluster's nodes, with their own network namespace, number their jobs alike).
ls_job_steps() {
    local proc ours
    ours=$(readlink /proc/self/ns/net)
    for proc in /proc/[0-9]*; do
        [ "$(cat "$proc/comm" 2>/dev/null)" = slurmstepd ] || continue
        [ "$(readlink "$proc/ns/net" 2>/dev/null)" = "$ours" ] || continue
        tr '\0' ' ' <"$proc/cmdline" 2>/dev/null | grep -q "\[$1\." && echo "${proc#/proc/}"
    done
    return 0
}

ls_stop_is_precise() {
    local dir="$WORK/ls-stop" name job waited=0 daemons steps decoys=() left
    mkdir -p "$dir"
    slurm/local-cluster start >"$dir/start.log" 2>&1 || { cat "$dir/start.log"; return 1; }
    # A running job, so that there is a slurmstepd of this cluster's to stop.
    job=$(sbatch --parsable --output=/dev/null --wrap "echo \$\$ >$dir/job.pid; exec sleep 600") || return 1
    while [ ! -s "$dir/job.pid" ] && [ "$waited" -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
    [ -s "$dir/job.pid" ] || { echo "job $job did not start: $(squeue -h -j "$job" -o '%T %r')"; return 1; }
    steps=$(ls_job_steps "$job")
    [ -n "$steps" ] || { echo "no slurmstepd found for job $job"; return 1; }
    # What start recorded: its munged (when it started one), slurmctld, slurmd.
    daemons=$(cat "$LS_STATE/run/slurmctld.pid" "$LS_STATE/run/slurmd.pid") || return 1
    daemons="$daemons $(cat "$LS_STATE/run/munged.pid" 2>/dev/null)"
    # Processes it did not start that bear its daemons' names: copies of sleep.
    for name in slurmstepd slurmd slurmctld munged; do
        cp "$(command -v sleep)" "$dir/$name"
        "$dir/$name" 600 &
        decoys+=($!)
    done
    slurm/local-cluster stop >"$dir/stop.log" 2>&1 || { cat "$dir/stop.log"; kill "${decoys[@]}"; return 1; }
    cat "$dir/stop.log"
    sleep 0.5   # the job's own process ends with its step daemon; give init a moment to reap
    left=$(ls_running "${decoys[@]}")
    kill "${decoys[@]}" 2>/dev/null
    wait "${decoys[@]}" 2>/dev/null
    [ "$(echo $left)" = "${decoys[*]}" ] || { echo "stop killed a process it did not start (decoys ${decoys[*]}, alive: $(echo $left))"; return 1; }
    left=$(ls_running $daemons $steps "$(cat "$dir/job.pid")")
    [ -z "$left" ] || { echo "still running after stop: $(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)")"; return 1; }
}
check "slurm/local-cluster stop: stops its daemons and job steps by pid, spares same-named processes" ls_stop_is_precise

# A munged that was running before start (the machine's own, say) is used, and left running by stop.
ls_stop_spares_foreign_munged() {
    local dir="$WORK/ls-munged" user=root foreign left
    mkdir -p "$dir"
    slurm/local-cluster stop >/dev/null 2>&1
    id munge >/dev/null 2>&1 && user=munge
    runuser -u "$user" -- munged || return 1
    foreign=$(cat /run/munge/munged.pid) || return 1
    slurm/local-cluster start >"$dir/start.log" 2>&1 || { cat "$dir/start.log"; kill "$foreign"; return 1; }
    slurm/local-cluster stop >"$dir/stop.log" 2>&1 || { cat "$dir/stop.log"; kill "$foreign"; return 1; }
    cat "$dir/start.log" "$dir/stop.log"
    left=$(ls_running "$foreign")
    kill "$foreign" 2>/dev/null
    [ -n "$left" ] || { echo "stop killed the munged (pid $foreign) that was running before start"; return 1; }
}
check "slurm/local-cluster stop: leaves a munged it did not start running" ls_stop_spares_foreign_munged
