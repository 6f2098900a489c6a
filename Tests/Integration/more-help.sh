# Help text (issue 24, defect 6): the argument parser wraps help to the terminal, so a
# help string wrapped by hand is wrapped twice and shows short, broken lines. Every
# subcommand's --help at COLUMNS=80 and COLUMNS=200 must have no line broken early: no
# line followed by more of its paragraph when the next word would have fit. Sourced by run-all.

help_is_wrapped_once() {
    local width command
    for width in 80 200; do
        for command in "" run validate plan report results logs import "import dbt" scale cancel; do
            # shellcheck disable=SC2086
            COLUMNS=$width "$BIN" $command --help >"$WORK/help.txt" 2>&1 || { echo "mpibatch $command --help failed"; return 1; }
            python3 - "$WORK/help.txt" "$width" "mpibatch $command" <<'PY' || return 1
import re, sys
lines = open(sys.argv[1]).read().split("\n")
width, name = int(sys.argv[2]), sys.argv[3]
def indent(line):
    return len(line) - len(line.lstrip(" "))
def is_entry(line):                               # an option's or argument's own line
    return indent(line) <= 4 and line.lstrip().startswith(("-", "<"))
broken = []
for here, after in zip(lines, lines[1:]):
    if not here.strip() or not after.strip() or re.match(r"[A-Z][A-Z ]*:", after) or is_entry(after):
        continue
    paragraph = indent(here) == 0 and indent(after) == 0 and not re.match(r"[A-Z][A-Z ]*:", here)
    described = (is_entry(here) and re.match(r"\s*\S.*?\s{2,}\S", here)) or indent(here) >= 10
    if not (paragraph or (described and indent(after) >= 10)):
        continue
    word = after.split()[0]
    if len(here.rstrip()) + 1 + len(word) < width:  # the parser fills lines to width - 1
        broken.append(f"{here!r} / {after!r}")
if broken:
    print(f"{name} --help at COLUMNS={width}: lines broken early:\n  " + "\n  ".join(broken))
    sys.exit(1)
PY
        done
    done
}
check "help: every subcommand's --help is wrapped once (no early line breaks at COLUMNS 80 or 200)" help_is_wrapped_once
