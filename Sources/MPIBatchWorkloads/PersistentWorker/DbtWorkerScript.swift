/// `mpibatch_dbt`, the dbt worker shipped inside mpibatch (`python: "mpibatch_dbt:node"`, the
/// stages `mpibatch import dbt` writes): loaded by the Python worker as its module, it imports
/// dbt and parses the project once, at the worker's start-up (so the parse is the worker's
/// start-up, not a task's time), reading the project's own partial parse when there is one,
/// and runs each node it is sent on that parse: in one long `dbt build` invocation that it
/// holds open (a "session"), so a node costs what dbt spends on it inside a build, not a
/// whole invocation's set-up (the profile, the adapter, the graph, the artifacts).
enum DbtWorkerScript {
    /// The module's source.
    static let source = #"""
"""mpibatch's dbt worker (shipped inside mpibatch; `mpibatch import dbt` jobs name it).

At start-up: imports dbt (dbt 1.5 or later: dbtRunner) and parses the project once with the
arguments in $MPIBATCH_DBT_PROJECT (a JSON list: --project-dir, --profiles-dir, --target,
--vars), writing its files under RUN/dbt/worker-rank-R-slot-S, where it first copies the
project's partial parse ($MPIBATCH_DBT_PARTIAL_PARSE, when there is one: dbt checks it and
parses again only what changed). Then node(command, select, stage, exclude, node) runs one
node on that parse, with the arguments in $MPIBATCH_DBT_ARGS (a JSON list, --dbt-arg) after
the project's. Given its unique id (`node`), the node runs in the worker's session: one
`dbt build` invocation held open, whose task runs each node it is sent as the build would
(its runner, its status, its message) with the relation cache emptied first, so a relation
another worker made is seen; its run_results.json goes to RUN/dbt/STAGE, the session's
dbt.log to RUN/dbt/worker-rank-R-slot-S/session. Without the id, or in a project with
on-run-start or on-run-end hooks (a session would run them once, not per node), the node
runs as `dbt COMMAND --select SELECT [--exclude ...]`, its files and dbt.log under
RUN/dbt/STAGE. Its value is dbt's status, timing and message for the node; a node that fails
raises dbt's own message."""
import atexit
import json
import os
import queue
import re
import shutil
import threading
import time

from dbt.cli.main import dbtRunner

_PROJECT = json.loads(os.environ["MPIBATCH_DBT_PROJECT"])
_EXTRA = json.loads(os.environ.get("MPIBATCH_DBT_ARGS", "[]"))
_STAGES = os.environ.get("MPIBATCH_STAGES_DIR")
_RUN = os.path.dirname(_STAGES) if _STAGES else os.environ.get("MPIBATCH_OUT", ".")
_WORKER = "worker-rank-%s-slot-%s" % (os.environ.get("MPIBATCH_RANK", "0"), os.environ.get("MPIBATCH_SLOT", "0"))
# The statuses under which dbt counts a node as failed (dbt's interpret_results).
_FAILED = ("error", "fail", "runtime error", "skipped", "partial success")


def _place(name):
    return os.path.join(_RUN, "dbt", name)


def _files(place):
    return ["--target-path", place, "--log-path", place, "--quiet", "--no-use-colors"]


def _one_line(text):
    """dbt's message on one line (the journal keeps a failure's last lines)."""
    return " | ".join(line.strip() for line in str(text).splitlines() if line.strip(" ^~\t"))


def _parse():
    place = _place(_WORKER)
    partial = os.environ.get("MPIBATCH_DBT_PARTIAL_PARSE")
    if partial and os.path.isfile(partial):
        os.makedirs(place, exist_ok=True)
        shutil.copyfile(partial, os.path.join(place, "partial_parse.msgpack"))
    parsed = dbtRunner().invoke(["parse"] + _PROJECT + _files(place))
    if not parsed.success:
        raise RuntimeError("dbt parse failed: %s" % _one_line(parsed.exception or "see %s/dbt.log" % place))
    return parsed.result


_MANIFEST = _parse()
_RUNNER = dbtRunner(manifest=_MANIFEST)


def _release(adapter=None):
    """Closes dbt-duckdb's database, which it keeps open in the process between nodes (and
    `adapter`'s connections to it): DuckDB lets one process at a time open a database file,
    and the next stage may run in another worker."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:
        return
    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        if adapter is not None:
            adapter.cleanup_connections()
        environment.close()
        DuckDBConnectionManager.close_all_connections()


def _invoke(runner, arguments):
    try:
        return runner.invoke(arguments)
    finally:
        _release()


class _Session:
    """One `dbt build` invocation held open on the worker's parse: its task, instead of running
    the build's queue, runs the nodes it is sent, one at a time, until the worker ends."""

    def __init__(self):
        from dbt.task.runnable import GraphRunnableTask
        self.requests = queue.Queue()
        self.thread = None
        self.ended = None
        original = GraphRunnableTask.execute_nodes
        session = self

        def execute_nodes(task):
            return session._serve(task) if threading.current_thread() is session.thread else original(task)

        GraphRunnableTask.execute_nodes = execute_nodes
        atexit.register(self.close)

    @staticmethod
    def usable():
        """Whether nodes may run in a session: this dbt has the task the session serves from,
        and the project has no on-run-start or on-run-end hook (a session would run them once)."""
        try:
            from dbt.task.runnable import GraphRunnableTask
        except ImportError:
            return False
        hooks = any(node.resource_type == "operation" for node in _MANIFEST.nodes.values())
        return not hooks and all(hasattr(GraphRunnableTask, name) for name in ("execute_nodes", "get_runner", "call_runner", "get_result"))

    def run(self, unique_id, place):
        """dbt's RunResult for node `unique_id`, its run_results.json written to `place`."""
        if self.thread is None:
            self._start()
        reply = queue.Queue()
        self.requests.put((unique_id, place, reply))
        while True:
            try:
                outcome = reply.get(timeout=0.2)
                break
            except queue.Empty:
                if not self.thread.is_alive():  # the build ended before it served (a warehouse down)
                    self.thread = None
                    raise RuntimeError(_one_line(self.ended or "dbt build ended before it ran %s" % unique_id))
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def close(self):
        """Ends the build (at the worker's exit: a thread left in it would end inside dbt's adapter)."""
        if self.thread is not None:
            self.requests.put(None)
            self.thread.join(timeout=10)

    def _start(self):
        self.requests = queue.Queue()  # none of a session that ended is served by the next
        self.ended = None
        place = os.path.join(_place(_WORKER), "session")

        def build():
            try:
                outcome = _RUNNER.invoke(["build", "--no-write-json", "--no-populate-cache"] + _PROJECT + _EXTRA + _files(place))
                self.ended = outcome.exception or "dbt build ended"
            except BaseException as error:
                self.ended = error
            finally:
                _release()

        self.thread = threading.Thread(target=build, name="mpibatch-dbt-session", daemon=True)
        self.thread.start()

    def _serve(self, task):
        from dbt.adapters.factory import get_adapter
        adapter = get_adapter(task.config)
        while True:
            request = self.requests.get()
            if request is None:
                return []
            unique_id, place, reply = request
            try:
                adapter.cache.clear()  # another worker may have made or dropped a relation since
                started = time.time()
                outcome = task.call_runner(task.get_runner(task.manifest.nodes[unique_id]))
                os.makedirs(place, exist_ok=True)
                task.get_result(results=[outcome], elapsed_time=time.time() - started,
                                generated_at=_utc_now()).write(os.path.join(place, "run_results.json"))
            except BaseException as error:
                outcome = error
            try:
                _release(adapter)  # before the answer: the next node may go to another worker at once
            except BaseException as error:
                outcome = error
            reply.put(outcome)


def _utc_now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).replace(tzinfo=None)


_SESSION = _Session() if _Session.usable() else None


def node(command, select="", stage="dbt", exclude="", node=""):
    """Runs one node: `node` (its unique id) in the worker's session, or without a session
    `dbt COMMAND --select SELECT [--exclude NAME ...]` (`exclude` is space-separated) on the
    worker's parse. COMMAND `debug` checks the warehouse's connection (`dbt debug
    --connection`); `parse` says what the worker's parse found."""
    place = _place(stage)
    if command == "debug":
        return _check_connection(place)
    if command == "parse":
        return {"status": "success", "message": "parsed at the worker's start-up", "nodes": len(_MANIFEST.nodes)}
    if node and _SESSION is not None:
        if node not in _MANIFEST.nodes:
            raise RuntimeError("node %s is not in the project dbt parsed (parse again and import again)" % node)
        results = [_SESSION.run(node, place)]
    else:
        arguments = [command, "--select", select]
        for name in exclude.split():
            arguments += ["--exclude", name]
        outcome = _invoke(_RUNNER, arguments + _PROJECT + _EXTRA + _files(place))
        results = list(getattr(outcome.result, "results", None) or [])
        if outcome.exception is not None:
            raise RuntimeError(_one_line(outcome.exception))
        if not outcome.success and not results:
            raise RuntimeError("dbt %s failed: see %s/dbt.log" % (command, place))
    failed = [r for r in results if str(r.status) in _FAILED]
    if failed:
        raise RuntimeError(" | ".join("%s %s: %s" % (r.node.name, r.status, _one_line(r.message)) for r in failed))
    ran = [r for r in results if r.node.resource_type != "operation"]  # on-run-start/end hooks have results too
    if len(ran) != 1:
        raise RuntimeError("--select %s ran %d nodes, not 1" % (select, len(ran)))
    result = ran[0]
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
