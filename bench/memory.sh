#!/usr/bin/env bash
# Flat memory and a cheap end of run (issue 27, items 2 and 3): for each size of a noop
# sweep at np=2, the largest process's peak resident memory (GNU time's %M over mpirun:
# the biggest of the ranks it waited for), the run's wall time (launch to exit), and the
# end of the run: from the last journal line's end (its part's started_at + start +
# seconds − the part's start_offset) to the process's exit, in seconds and as a share of
# the wall time, and where that goes: the journal's last write (journal_s), the one pass
# over the journal for the findings and the summary (summary_s, at summary.json's write),
# the timeline and report page (report_s, at report.html's write), all from the last
# task's end. Then the memory per task between the smallest and largest size, which
# flat memory keeps near zero. Then a resume of a sweep cut to half its journal (below).
# `uptime` first: figures under load say little.
#
#   bench/memory.sh        (BIN=path/to/mpibatch, MEMORY_SIZES="1000000 2000000 4000000 8000000", RESUME_CUT=4000000,
#                           NP=2, OUT=a directory on the disk to measure)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build/release/mpibatch}
NP=${NP:-2}
WORK=$(mktemp -d /tmp/mpibatch-memory.XXXXXX)
OUT=${OUT:-runs/bench-memory}
trap 'rm -rf "$WORK" "$OUT"' EXIT
. scripts/mpi-env
uptime
printf '%-10s %10s %10s %10s %10s %10s %10s %10s\n' tasks peak_MB wall_s end_s end_share journal_s summary_s report_s
first_kb=; first_n=; last_kb=; last_n=
for tasks in ${MEMORY_SIZES:-1000000 2000000 4000000 8000000}; do
    printf 'name: memory\nsweep: {grid: {i: {range: [0, %d, 1]}}}\ntask: {kernel: noop}\n' "$tasks" >"$WORK/job.yaml"
    rm -rf "$OUT"
    launched=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$WORK/time" mpirun -np "$NP" "$BIN" run "$WORK/job.yaml" --out "$OUT" --quiet
    exited=$(date +%s.%N)
    kb=$(tail -1 "$WORK/time")
    read -r wall end share journal summary report < <(python3 - "$OUT" "$launched" "$exited" <<'PY'
import json, os, sys
out, launched, exited = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
part = json.load(open(out + "/run.json"))["parts"][-1]
last = 0.0
with open(out + "/results.jsonl", "rb") as journal:
    for line in journal:
        entry = json.loads(line)
        last = max(last, entry["start"] + entry["seconds"])
finished = part["started_at"] + last - part["start_offset"]
end = exited - finished
wall = exited - launched
written = [os.stat(f"{out}/{name}").st_mtime - finished for name in ("results.jsonl", "summary.json", "report.html")]
print(f"{wall:.2f} {end:.2f} {end / wall:.3f} " + " ".join(f"{seconds:.2f}" for seconds in written))
PY
)
    printf '%-10s %10d %10s %10s %10s %10s %10s %10s\n' "$tasks" "$((kb / 1024))" "$wall" "$end" "$share" "$journal" "$summary" "$report"
    [ -z "$first_n" ] && { first_n=$tasks; first_kb=$kb; }
    last_n=$tasks; last_kb=$kb
done
if [ "$last_n" != "$first_n" ]; then
    echo "peak growth $(( (last_kb - first_kb) / 1024 )) MB from $first_n to $last_n tasks:" \
        "$(python3 -c "print(round(($last_kb - $first_kb) * 1024 / ($last_n - $first_n), 1))") bytes a task"
fi

# Resume of a sweep cut short (issue 27's target: under 200 MB, every index once): a noop
# sweep of RESUME_CUT tasks (default 4·10⁶) at np=NP, its journal cut to its first half (the
# lines in the order they were written, as a killed run leaves them), then `--resume`: the
# largest process's peak memory and wall time, and `mpibatch results` must give every
# index exactly once.
cut=${RESUME_CUT:-4000000}
if [ "$cut" -gt 0 ]; then
    printf 'name: memory\nsweep: {grid: {i: {range: [0, %d, 1]}}}\ntask: {kernel: noop}\n' "$cut" >"$WORK/job.yaml"
    rm -rf "$OUT"
    mpirun -np "$NP" "$BIN" run "$WORK/job.yaml" --out "$OUT" --quiet
    [ ! -e "$OUT/journal/shards" ] || { echo "the run wrote shards: cut them, not results.jsonl" >&2; exit 1; }
    head -n $((cut / 2)) "$OUT/results.jsonl" >"$WORK/cut.jsonl"
    mv "$WORK/cut.jsonl" "$OUT/results.jsonl"
    /usr/bin/time -f '%e %M' -o "$WORK/time" mpirun -np "$NP" "$BIN" run "$WORK/job.yaml" --out "$OUT" --resume --quiet
    read -r resume_s resume_kb <"$WORK/time"
    once=$("$BIN" results "$OUT" --format csv | awk -F, -v n="$cut" \
        'NR > 1 { if ($1 != NR - 2) bad++; seen++ } END { print (bad == 0 && seen == n) ? "yes" : "NO (" seen " rows, " bad+0 " out of place)" }')
    printf 'resume of %d tasks cut to their first %d lines: peak %d MB, %s s; every index once: %s\n' \
        "$cut" $((cut / 2)) $((resume_kb / 1024)) "$resume_s" "$once"
fi
