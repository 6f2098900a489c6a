/// `mpibatch_dbt`, the dbt worker shipped inside mpibatch (`python: "mpibatch_dbt:node"`, the
/// stages `mpibatch import dbt` writes): loaded by the Python worker as its module, it imports
/// dbt and parses the project once, at the worker's start-up (so the parse is the worker's
/// start-up, not a task's time), and runs each node it is sent with `dbtRunner` on that parse.
enum DbtWorkerScript {
    /// The module's source.
    static let source = #"""
"""mpibatch's dbt worker (shipped inside mpibatch; `mpibatch import dbt` jobs name it).

At start-up: imports dbt (dbt 1.5 or later: dbtRunner) and parses the project once with the
arguments in $MPIBATCH_DBT_PROJECT (a JSON list: --project-dir, --profiles-dir, --target,
--vars), writing its files under RUN/dbt/worker-rank-R-slot-S. Then node(command, select,
stage, exclude) runs `dbt COMMAND --select SELECT [--exclude ...]` on that parse, with the
arguments in $MPIBATCH_DBT_ARGS (a JSON list, --dbt-arg) after the project's, its files and
dbt.log under RUN/dbt/STAGE as a stage run as a process writes them. Its value is dbt's
status, timing and message for the node; a node that fails raises dbt's own message."""
import json
import os
import re

from dbt.cli.main import dbtRunner

_PROJECT = json.loads(os.environ["MPIBATCH_DBT_PROJECT"])
_EXTRA = json.loads(os.environ.get("MPIBATCH_DBT_ARGS", "[]"))
_STAGES = os.environ.get("MPIBATCH_STAGES_DIR")
_RUN = os.path.dirname(_STAGES) if _STAGES else os.environ.get("MPIBATCH_OUT", ".")


def _place(name):
    return os.path.join(_RUN, "dbt", name)


def _files(place):
    return ["--target-path", place, "--log-path", place, "--quiet", "--no-use-colors"]


def _one_line(text):
    """dbt's message on one line (the journal keeps a failure's last lines)."""
    return " | ".join(line.strip() for line in str(text).splitlines() if line.strip(" ^~\t"))


def _parse():
    place = _place("worker-rank-%s-slot-%s" % (os.environ.get("MPIBATCH_RANK", "0"), os.environ.get("MPIBATCH_SLOT", "0")))
    parsed = dbtRunner().invoke(["parse"] + _PROJECT + _files(place))
    if not parsed.success:
        raise RuntimeError("dbt parse failed: %s" % _one_line(parsed.exception or "see %s/dbt.log" % place))
    return parsed.result


_RUNNER = dbtRunner(manifest=_parse())


def _release():
    """Closes dbt-duckdb's database, which it keeps open in the process between invocations:
    DuckDB lets one process at a time open a database file, and the next stage may run in
    another worker."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
        DuckDBConnectionManager.close_all_connections()


def _invoke(runner, arguments):
    try:
        return runner.invoke(arguments)
    finally:
        _release()


def node(command, select="", stage="dbt", exclude=""):
    """Runs `dbt COMMAND --select SELECT [--exclude NAME ...]` (one node; `exclude` is
    space-separated) on the worker's parse. COMMAND `debug` checks the warehouse's connection
    (`dbt debug --connection`); `parse` says what the worker's parse found."""
    place = _place(stage)
    if command == "debug":
        return _check_connection(place)
    if command == "parse":
        return {"status": "success", "message": "parsed at the worker's start-up", "nodes": len(_RUNNER.manifest.nodes)}
    arguments = [command, "--select", select]
    for name in exclude.split():
        arguments += ["--exclude", name]
    outcome = _invoke(_RUNNER, arguments + _PROJECT + _EXTRA + _files(place))
    results = list(getattr(outcome.result, "results", None) or [])
    if outcome.exception is not None:
        raise RuntimeError(_one_line(outcome.exception))
    if not outcome.success:
        raise RuntimeError(" | ".join("%s %s: %s" % (r.node.name, r.status, _one_line(r.message)) for r in results)
                           or "dbt %s failed: see %s/dbt.log" % (command, place))
    if len(results) != 1:
        raise RuntimeError("--select %s ran %d nodes, not 1" % (select, len(results)))
    result = results[0]
    return {"status": str(result.status), "seconds": result.execution_time, "message": result.message,
            "node": result.node.unique_id}


def _check_connection(place):
    """`dbt debug --connection`: raises what dbt says when the warehouse cannot be reached."""
    said = []

    def collect(event):
        if event.info.name == "DebugCmdResult":
            said.append(re.sub(r"\x1b\[[0-9;]*m", "", str(event.info.msg)))

    outcome = _invoke(dbtRunner(callbacks=[collect]), ["debug", "--connection"] + _PROJECT + ["--log-path", place, "--no-use-colors"])
    if outcome.exception is not None:
        raise RuntimeError(_one_line(outcome.exception))
    if not outcome.success:
        raise RuntimeError(_one_line("\n".join(said)) or "dbt debug --connection failed: see %s/dbt.log" % place)
    return {"status": "success", "message": "the warehouse answers"}
"""#
}
