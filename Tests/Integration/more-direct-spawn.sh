# Plain command lines run without bash (issue 27, "the leanest task path"): the same
# results, outputs, exit codes and environment as with MPIBATCH_DIRECT_SPAWN=0 (every line
# in bash), and bash where a line or the environment needs it. Sourced by run-all: uses
# check/expect_status and $BIN, $WORK, $MPIRUN, $HERE. Functions are prefixed ds_.

DS_BIN=$(realpath "$BIN")

# ds_compare ON OFF N: every index's status, exit code, error, stdout and stderr agree
# between the two run directories (MPIBATCH_OUT and the switch itself filtered out).
ds_compare() {
    local i
    for i in $(seq 0 $(($3 - 1))); do
        for stream in --stdout --stderr; do
            diff <("$DS_BIN" logs "$1" "$i" $stream | grep -av '^MPIBATCH_OUT=\|^MPIBATCH_DIRECT_SPAWN=' | sed "s|$1|OUT|g") \
                <("$DS_BIN" logs "$2" "$i" $stream | grep -av '^MPIBATCH_OUT=\|^MPIBATCH_DIRECT_SPAWN=' | sed "s|$2|OUT|g") ||
                { echo "task $i: $stream differs"; return 1; }
        done
    done
    python3 - "$1" "$2" "$3" <<'PY'
import json, sys
def final(d):
    return {l["index"]: l for l in map(json.loads, open(d + "/results.jsonl"))}
on, off, n = final(sys.argv[1]), final(sys.argv[2]), int(sys.argv[3])
assert sorted(on) == sorted(off) == list(range(n)), (sorted(on), sorted(off))
for i in range(n):
    a = {k: on[i].get(k) for k in ("status", "exit_code", "signal", "error", "value")}
    b = {k: off[i].get(k) for k in ("status", "exit_code", "signal", "error", "value")}
    assert a == b, (i, a, b)
PY
}

# ds_traced OUT JOB [ENV...]: runs JOB into OUT with ENV under strace, whose execve calls go to OUT.trace.
ds_traced() {
    local out=$1 job=$2
    shift 2
    env "$@" strace -f -qq -e trace=execve -e signal=none -o "$out.trace" "$DS_BIN" run "$job" --out "$out" --slots 1 --quiet
}

# The environment, argv and outputs of plain lines match bash's exactly, in a task file
# (the rank's directory, OLDPWD a directory or not, PWD through a symlink, no SHLVL) and in
# a shell: body with placeholders as whole and partial arguments and a templated cwd:.
ds_same_environment() {
    command -v strace >/dev/null || { echo "strace is not installed (make deps-test)"; return 1; }
    local dir="$WORK/ds-env" variant
    mkdir -p "$dir/w0" "$dir/w1" "$dir/w2" "$dir/w3" "$dir/w4" && ln -sfn "$dir" "$dir/link"
    printf '#!/bin/sh\nprintf "<%%s>\\n" "$0" "$@"; /usr/bin/env -0 | sort -z | tr "\\0" "\\n"\n' >"$dir/dump"
    chmod +x "$dir/dump"
    printf '%s\n' "$dir/dump a b=c" "dump x:y" "dump" "true" "false" "dump 'quoted'" "$dir/dump > /dev/stderr" >"$dir/tasks.txt"
    cat >"$dir/job.yaml" <<JOB
name: ds-env
sweep: {grid: {x: ['a b', '\$(touch pwned)', '', 'c*', "it's"]}}
task:
  shell: "dump first {x} --k={x}b {index}"
  cwd: "w{index}"
JOB
    for variant in plain oldpwd-dir oldpwd-gone no-shlvl pwd-link; do
        local env=()
        case $variant in
            oldpwd-dir) env+=(OLDPWD=/tmp) ;;
            oldpwd-gone) env+=(OLDPWD=/nonexistent/dir) ;;
            no-shlvl) env+=(-u SHLVL) ;;
            pwd-link) env+=(PWD="$dir/link") ;;
        esac
        env+=(PATH="$dir:$PATH")
        # A variant's four runs at once (they share nothing but the cores: each has its own --out).
        local runs=()
        for job in tasks.txt job.yaml; do
            (cd "$dir" && ds_traced "$dir/$variant-$job-on" "$dir/$job" "${env[@]}" MPIBATCH_DIRECT_SPAWN=1) &
            runs+=($!)
            (cd "$dir" && ds_traced "$dir/$variant-$job-off" "$dir/$job" "${env[@]}" MPIBATCH_DIRECT_SPAWN=0) &
            runs+=($!)
        done
        wait "${runs[@]}"
        for job in tasks.txt job.yaml; do
            local on="$dir/$variant-$job-on" off="$dir/$variant-$job-off" n
            n=$([ $job = tasks.txt ] && echo 7 || echo 5)
            ds_compare "$on" "$off" "$n" || { echo "variant $variant, $job"; return 1; }
            # Direct: only the lines with bash syntax started bash, beside bash asked once
            # what it passes on (`bash -c 'env -0'`); off: every line did, and no question.
            local bashes_on bashes_off probes
            bashes_on=$(grep 'execve("[^"]*/bash", \["[^"]*bash", "-c"' "$on.trace" | grep -vc '"env -0"')
            bashes_off=$(grep 'execve("[^"]*/bash", \["[^"]*bash", "-c"' "$off.trace" | grep -vc '"env -0"')
            probes=$(grep -c 'execve("[^"]*/bash", \["[^"]*bash", "-c", "env -0"' "$on.trace")
            [ "$probes" -eq 1 ] || { echo "$variant $job: bash asked $probes times"; return 1; }
            ! grep -q '"env -0"' "$off.trace" || { echo "$variant $job: bash asked with the switch off"; return 1; }
            [ "$bashes_off" -eq "$n" ] || { echo "$variant $job: off ran bash $bashes_off times, not $n"; return 1; }
            [ "$bashes_on" -eq "$([ $job = tasks.txt ] && echo 2 || echo 0)" ] ||
                { echo "$variant $job: on ran bash $bashes_on times"; grep execve "$on.trace" | head; return 1; }
        done
    done
    [ ! -e "$dir/pwned" ] && [ ! -e "$dir/w1/pwned" ]
}
check "direct spawn: plain lines get bash's argv and environment (task file, shell: with placeholders and cwd:), bash only for bash syntax" ds_same_environment

# Hostile cases give what bash gives: a word not on PATH (127), a directory named like the
# command before the program, a non-executable file before an executable one, only a
# non-executable file (126), a trailing &, a script without #!, a program that vanished.
# BASH_ENV and an exported function of the command's name keep every line in bash.
ds_hostile() {
    local dir="$WORK/ds-hostile"
    mkdir -p "$dir/a/tool" "$dir/b" "$dir/c"
    printf '#!/bin/sh\necho tool from b "$@"\n' >"$dir/b/tool" && chmod +x "$dir/b/tool"
    printf '#!/bin/sh\necho not me\n' >"$dir/a/tool2" && chmod -x "$dir/a/tool2"
    cp "$dir/b/tool" "$dir/b/tool2"
    printf '#!/bin/sh\necho never\n' >"$dir/c/tool3" && chmod -x "$dir/c/tool3"
    printf 'echo no shebang line "$BASH_VERSION" | cut -c1-22\n' >"$dir/b/noshebang" && chmod +x "$dir/b/noshebang"
    printf '%s\n' "nosuch_command_ds x" "tool 1" "tool2 2" "tool3" "tool 4 &" "noshebang" "$dir/b/vanished" \
        "$dir/a/tool" "./b/tool 8" >"$dir/tasks.txt"
    local path="$dir/a:$dir/b:$dir/c:$PATH"
    (cd "$dir" && env PATH="$path" MPIBATCH_DIRECT_SPAWN=1 "$DS_BIN" run tasks.txt --out "$dir/on" --quiet)
    (cd "$dir" && env PATH="$path" MPIBATCH_DIRECT_SPAWN=0 "$DS_BIN" run tasks.txt --out "$dir/off" --quiet)
    ds_compare "$dir/on" "$dir/off" 9 || return 1
    python3 - "$dir/on" <<'PY' || return 1
import json, sys
lines = {l["index"]: l for l in map(json.loads, open(sys.argv[1] + "/results.jsonl"))}
assert lines[0].get("exit_code") == 127 and "command not found" in lines[0].get("error"), lines[0]
assert lines[3].get("exit_code") == 126 and "Permission denied" in lines[3].get("error"), lines[3]
assert lines[6].get("exit_code") == 127 and "No such file" in lines[6].get("error"), lines[6]
assert lines[7].get("exit_code") == 126 and "Is a directory" in lines[7].get("error"), lines[7]
assert [lines[i]["status"] for i in (1, 2, 4, 5, 8)] == ["ok"] * 5, lines
PY
    "$DS_BIN" logs "$dir/on" 2 --stdout | grep -qx "tool from b 2" || return 1
    "$DS_BIN" logs "$dir/on" 5 --stdout | grep -q "no shebang line 5" || return 1
    # BASH_ENV read by every line; an exported function wins over the program of its name.
    printf 'echo read BASH_ENV >&2\n' >"$dir/env.sh"
    (cd "$dir" && env PATH="$path" BASH_ENV="$dir/env.sh" "$DS_BIN" run tasks.txt --out "$dir/bash-env" --quiet)
    for i in 1 2 8; do "$DS_BIN" logs "$dir/bash-env" "$i" --stderr | grep -qx "read BASH_ENV" || { echo "task $i did not read BASH_ENV"; return 1; }; done
    printf 'tool 1\n' >"$dir/one.txt"
    (cd "$dir" && env PATH="$path" 'BASH_FUNC_tool%%=() {  echo the function "$@"
}' "$DS_BIN" run one.txt --out "$dir/function" --quiet) || return 1
    "$DS_BIN" logs "$dir/function" 0 --stdout | grep -qx "the function 1"
}
check "direct spawn: hostile lines (not on PATH, a directory or a non-executable file first, &, no #!, BASH_ENV, an exported function) as in bash" ds_hostile

# kill -9 of every rank in the middle of a task file of plain lines, then --resume: every index once.
ds_kill_resume() {
    local dir="$WORK/ds-kill" out="$WORK/ds-kill/run" status
    mkdir -p "$dir"
    for i in $(seq 0 599); do echo "sleep 0.01"; done >"$dir/tasks.txt"
    "${MPIRUN[@]}" -np 2 "$DS_BIN" run "$dir/tasks.txt" --out "$out" --quiet >"$dir/log" 2>&1 &
    local launcher=$!
    sleep 1.5
    local ranks
    mapfile -t ranks < <(pgrep -P "$launcher")
    [ ${#ranks[@]} -eq 2 ] || { echo "ranks: ${ranks[*]}"; return 1; }
    kill -9 "${ranks[@]}"
    timeout 60 tail --pid=$launcher -f /dev/null || { kill -9 $launcher; return 1; }
    wait $launcher
    [ "$(wc -l <"$out/results.jsonl")" -lt 600 ] || { echo "finished before the kill"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$DS_BIN" run "$dir/tasks.txt" --out "$out" --resume --quiet || return 1
    "$HERE/journal_check.py" "$out" 600
}
check "direct spawn: kill -9 of both ranks mid-run, then --resume: every index once" ds_kill_resume

# The rank's per-task system calls cut with it: no getcwd/stat for a relative --out and no
# thread CPU clock read (CLOCK_THREAD_CPUTIME_ID) per command task; cpu_seconds still there.
ds_rank_syscalls() {
    command -v strace >/dev/null || { echo "strace is not installed (make deps-test)"; return 1; }
    local dir="$WORK/ds-syscalls"
    mkdir -p "$dir"
    for i in $(seq 0 399); do echo true; done >"$dir/tasks.txt"
    (cd "$dir" && strace -f -qq -e trace=getcwd,clock_gettime -e signal=none -o trace "$DS_BIN" run tasks.txt --out run --slots 1 --quiet) || return 1
    local getcwd clock
    getcwd=$(grep -c 'getcwd(' "$dir/trace")
    clock=$(grep -c 'CLOCK_THREAD_CPUTIME_ID' "$dir/trace")
    echo "measured: 400 tasks: $getcwd getcwd, $clock thread CPU clock reads"
    [ "$getcwd" -lt 40 ] && [ "$clock" -lt 40 ] || return 1
    "$HERE/journal_check.py" "$dir/run" 400 &&
        python3 -c "
import json
lines = [json.loads(l) for l in open('$dir/run/results.jsonl')]
assert all(isinstance(l['cpu_seconds'], float) and l.get('max_rss_bytes') > 0 for l in lines), lines[0]"
}
check "direct spawn: no getcwd and no thread CPU clock read per command task (relative --out)" ds_rank_syscalls
