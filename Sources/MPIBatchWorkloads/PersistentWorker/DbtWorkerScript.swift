/// `mpibatch_dbt`, the dbt worker shipped inside mpibatch (`python: "mpibatch_dbt:node"`, the
/// stages `mpibatch import dbt` writes): loaded by the Python worker as its module. One
/// worker per host (one per run on a single-writer warehouse: DuckDB, SQLite), the first sent
/// a stage, imports dbt and parses the project once, reading the project's own partial parse
/// when there is one, and runs each node on that parse, its own and those the other workers
/// send it, side by side, in one long `dbt build` invocation that it holds open (a
/// "session"), as `dbt build --threads N` does in its one process: a node costs what dbt
/// spends on it inside a build, not a whole invocation's set-up (the profile, the adapter,
/// the graph, the artifacts), and dbt's start-up is paid once per host, not once per slot.
enum DbtWorkerScript {
    /// The module's source.
    static let source = #"""
"""mpibatch's dbt worker (shipped inside mpibatch; `mpibatch import dbt` jobs name it).

One worker per host runs the nodes, the "holder": the first worker there to start (mpibatch
starts them before the run's first stage, while MPI starts) takes an flock on RUN/dbt-worker-HOST.lock (on a single-writer warehouse,
$MPIBATCH_DBT_SINGLE_WRITER naming the adapter, DuckDB or SQLite, whose database one process
at a time may open: RUN/dbt-database.lock, one holder for the run) and writes there its
address (a TCP port of 127.0.0.1) and a secret; every worker sends it its stages (one JSON
line each way, over one connection kept for the worker's life), and it runs them, several
at once, as `dbt build --threads N` runs its threads in one process. So dbt is imported and the project parsed once per host, not once
per slot (the other workers import no dbt), and a DuckDB database stays open from one node
to the next. A holder that ends frees the lock with its process: the nodes it was running
fail (and are retried), and the next worker to be sent a stage holds the lock.

The holder imports dbt (dbt 1.5 or later: dbtRunner) and parses the project once, as it starts
(on a thread, so the first stage finds it done or under way; if that fails, the first stage
loads again and fails with dbt's message), with the
arguments in $MPIBATCH_DBT_PROJECT (a JSON list: --project-dir, --profiles-dir, --target,
--vars), writing its files under RUN/dbt/worker-rank-R-slot-S, where it first copies the
project's partial parse ($MPIBATCH_DBT_PARTIAL_PARSE, when there is one: dbt checks it and
parses again only what changed). node(command, select, stage, exclude, node) runs one node
on that parse, with the arguments in $MPIBATCH_DBT_ARGS (a JSON list, --dbt-arg) after the
project's. Given its unique id (`node`), the node runs in the holder's session: one `dbt
build` invocation held open, whose task's runner runs each node as the build would (its
runner, its status, its message) in the thread that asks for it (the holder's own slot, or
the one answering another worker's connection), set up as the build's pool threads are (its
invocation context), with no hand-off between threads (each a wait for the interpreter
lock while the nodes beside it render their SQL); a retry first asks the warehouse again for
the node's own relations (an earlier try may have run on another host); its run_results.json goes to RUN/dbt/STAGE, the session's
dbt.log to RUN/dbt/worker-rank-R-slot-S/session. Without the id, or in a project with
on-run-start or on-run-end hooks (a session would run them once, not per node), the node
runs as `dbt COMMAND --select SELECT [--exclude ...]`, one at a time, its files and dbt.log
under RUN/dbt/STAGE. Its value is dbt's status, timing and message for the node; a node
that fails raises dbt's own message."""
import atexit
import contextlib
import fcntl
import gc
import json
import os
import re
import secrets
import select
import shutil
import socket
import sys
import threading
import time


def _exit_at_once():
    """The worker's last exit function (registered before dbt is imported, so dbt's, logging's
    and the holder's own run first: the session ended, the database closed, the logs written):
    ends the process without the interpreter's teardown of dbt's modules, which takes longer
    than all of that while the rank waits for the worker to go. A worker ending on an uncaught
    exception (Python set sys.last_value) keeps its status 1."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(1 if hasattr(sys, "last_value") else 0)


atexit.register(_exit_at_once)

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
    from dbt.cli.main import dbtRunner
    place = _place(_WORKER)
    partial = os.environ.get("MPIBATCH_DBT_PARTIAL_PARSE")
    if partial and os.path.isfile(partial):
        os.makedirs(place, exist_ok=True)
        shutil.copyfile(partial, os.path.join(place, "partial_parse.msgpack"))
    parsed = dbtRunner().invoke(["parse", "--no-write-json"] + _PROJECT + _files(place))  # no manifest.json: nothing reads it
    if not parsed.success:
        raise RuntimeError("dbt parse failed: %s" % _one_line(parsed.exception or "see %s/dbt.log" % place))
    return parsed.result


# One process at a time may open the database (the import says so: DuckDB, SQLite; see _Holder).
_SINGLE_WRITER = bool(os.environ.get("MPIBATCH_DBT_SINGLE_WRITER"))
_LOADING = threading.Lock()
_MANIFEST = _RUNNER = _SESSION = None


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off for the block (unless it is off already: a caller
    paused it): dbt's import makes some 200,000 objects and its parse more, nearly none of them
    garbage, and each full collection on the way walks them all again (some 15 % of the
    holder's CPU from its start to its first node)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _load():
    """Imports dbt and parses the project, once, in the holder, at the first stage it runs
    (the other workers only send it their nodes, and need no dbt of their own). What dbt's
    import made (its modules, classes, functions: there for the process's life) is frozen
    out of the collector's walks (gc.freeze); the parse's objects are not (a parse of a
    changed project leaves garbage that a collection must free)."""
    global _MANIFEST, _RUNNER, _SESSION
    with _LOADING:
        if _MANIFEST is None:
            with _collector_paused():
                imported = "dbt.cli.main" in sys.modules  # by a load that failed
                from dbt.cli.main import dbtRunner
                if not imported:
                    gc.freeze()
                manifest = _parse()
                _RUNNER = dbtRunner(manifest=manifest)
                _MANIFEST = manifest
                _SESSION = _Session() if _Session.usable() else None


def _release(adapter=None, ending=False):
    """Closes dbt-duckdb's database, which it keeps open in the process between nodes (and
    `adapter`'s connections to it): DuckDB lets one process at a time open a database file,
    and the next stage may run in another worker. A holder (see _Holder) keeps it open
    until it ends (`ending`)."""
    if _HOLDER.holds() and not ending:
        return
    connections = sys.modules.get("dbt.adapters.duckdb.connections")
    if connections is None:
        return  # dbt-duckdb never loaded here, so no database is open (importing it took 0.2 s of a Postgres run's end)
    manager = connections.DuckDBConnectionManager
    environment = manager._ENV
    if environment is not None:
        if adapter is not None:
            adapter.cleanup_connections()
        environment.close()
        manager.close_all_connections()


def _invoke(runner, arguments):
    try:
        return runner.invoke(arguments)
    finally:
        _release()


class _Session:
    """One `dbt build` invocation held open on the worker's parse: its task, instead of running
    the build's queue, waits while the nodes it is sent run, each in the thread that asks for it
    (set up as one of the build's pool threads), until the worker ends."""

    def __init__(self):
        from dbt.task.runnable import GraphRunnableTask
        self.thread = None
        self.ended = None
        self.build = None  # the serving build's (task, adapter, invocation context)
        self.starting = threading.Lock()
        self.serving = threading.Event()
        self.closing = threading.Event()
        self.running = threading.Condition()  # counts the nodes running, which the build's end waits for
        self.busy = 0
        original = GraphRunnableTask.execute_nodes
        session = self

        def execute_nodes(task):
            return session._serve(task) if threading.current_thread() is session.thread else original(task)

        GraphRunnableTask.execute_nodes = execute_nodes
        _keep_connections()
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
        return not hooks and all(hasattr(GraphRunnableTask, name) for name in
                                 ("execute_nodes", "get_runner", "call_runner", "get_result", "_pool_thread_initializer"))

    def check(self):
        """The connection check: the session's build set up (it connects to the warehouse to
        make the schemas, as `dbt build` does before any node), or its error (a warehouse down)."""
        self._serving()
        return {"status": "success", "message": "the warehouse answers (dbt build's set-up made the schemas)"}

    def run(self, unique_id, place, attempt):
        """dbt's RunResult for node `unique_id` (try `attempt`), its run_results.json written to
        `place`, run in this thread as the build's pool would run it: no hand-off to another
        thread, each of which waits for the interpreter lock while the nodes beside it render."""
        task, adapter, context = self._serving()
        with self.running:
            self.busy += 1
        try:
            task._pool_thread_initializer(context)
            _KEEPING.on = True
            _close_if_gone(adapter)
            node = task.manifest.nodes[unique_id]
            if attempt > 1 and not _SINGLE_WRITER:
                _refresh(adapter, node)
            started = time.time()
            outcome = task.call_runner(task.get_runner(node))
            os.makedirs(place, exist_ok=True)
            task.get_result(results=[outcome], elapsed_time=time.time() - started,
                            generated_at=_utc_now()).write(os.path.join(place, "run_results.json"))
            return outcome
        finally:
            try:
                _release(adapter)  # before the answer: the next node may go to another worker at once
            finally:
                with self.running:
                    self.busy -= 1
                    self.running.notify_all()

    def let_go(self):
        """Closes the connection this thread kept (see _keep_connections): its worker has ended."""
        if self.build is not None and getattr(_KEEPING, "on", False):
            _KEEPING.on = False
            self.build[1].release_connection()

    def close(self):
        """Ends the build (at the worker's exit: a thread left in it would end inside dbt's adapter)."""
        if self.thread is not None:
            self.closing.set()
            self.thread.join(timeout=10)

    def _serving(self):
        """The serving build's (task, adapter, invocation context), its set-up waited for (the
        build started if none runs); raises the build's error if it ended before it served."""
        thread = self._started()
        while not self.serving.wait(timeout=0.2):
            if not thread.is_alive():
                self._ended(thread)
                raise RuntimeError(_one_line(self.ended or "dbt build ended before it ran a node"))
        return self.build

    def _started(self):
        """The session's build thread, started if there is none."""
        with self.starting:
            if self.thread is None:
                self._start()
            return self.thread

    def _ended(self, thread):
        with self.starting:
            if self.thread is thread:
                self.thread = None

    def _start(self):
        self.ended = self.build = None
        self.serving.clear()
        self.closing.clear()
        place = os.path.join(_place(_WORKER), "session")

        def build():
            try:
                outcome = _RUNNER.invoke(["build", "--no-write-json", "--no-populate-cache"] + _PROJECT + _EXTRA + _files(place))
                self.ended = outcome.exception or "dbt build ended"
            except BaseException as error:
                self.ended = error
            finally:
                _release(ending=True)

        self.thread = threading.Thread(target=build, name="mpibatch-dbt-session", daemon=True)
        self.thread.start()

    def _serve(self, task):
        """The build's loop: makes the build's adapter and invocation context the nodes' (each
        runs in the thread that asks for it, see run), then waits for the worker's end and for
        the nodes still running (their warehouse connections are the build's)."""
        from dbt.adapters.factory import get_adapter
        from dbt_common.context import get_invocation_context
        self.build = (task, get_adapter(task.config), get_invocation_context())
        self.serving.set()
        self.closing.wait()
        with self.running:
            while self.busy:
                self.running.wait()
        return []


_KEEPING = threading.local()  # .on in the threads that run the session's nodes


def _keep_connections():
    """Makes a thread that runs the session's nodes keep its Postgres connection (psycopg2's)
    from one node to its next, where dbt closes it at every node's end (then a node's first
    query waits for a new connection and a new server process, which starts with cold caches).
    At a node's end the connection is reset as a new one starts: its transaction rolled back,
    DISCARD ALL (the settings, temporary tables, prepared statements, locks and role a node
    left), the profile's role set again, as dbt-postgres sets it when it connects; a connection
    that cannot be reset is closed as dbt closes it. dbt's release is unchanged elsewhere
    (other adapters, the build's own thread, nodes run outside a session)."""
    from dbt.adapters.base.connections import BaseConnectionManager
    release = BaseConnectionManager.release

    def release_or_keep(manager):
        connection = manager.get_if_exists()
        if connection is None or not getattr(_KEEPING, "on", False) or manager.TYPE != "postgres" or not _reset(connection):
            release(manager)

    BaseConnectionManager.release = release_or_keep


def _reset(connection):
    """Whether `connection`, open, was reset for the next node (see _keep_connections)."""
    if connection.state != "open" or connection.handle.closed:
        return False
    handle = connection.handle
    try:
        handle.rollback()  # psycopg2 counts a transaction open from dbt's BEGIN on, whatever dbt sent since
        connection.transaction_open = False
        handle.autocommit = True  # DISCARD ALL runs outside a transaction
        with handle.cursor() as cursor:
            cursor.execute("discard all")
            role = getattr(connection.credentials, "role", None)
            if role:
                cursor.execute("set role {}".format(role))
        handle.autocommit = False
        return True
    except Exception:
        return False


def _close_if_gone(adapter):
    """Closes this thread's kept connection if the server ended it while it waited for its next
    node (it has something to read: the server's farewell, or the end of the stream), so that
    dbt opens a new one for the node, as it would have anyway."""
    connection = adapter.connections.get_if_exists()
    if connection is not None and connection.state == "open" and adapter.connections.TYPE == "postgres":
        handle = connection.handle
        if handle.closed or select.select([handle.fileno()], [], [], 0)[0]:
            adapter.connections.close(connection)


def _refresh(adapter, node):
    """Makes what the relation cache says of `node`'s own relations (its table or view, and the
    __dbt_tmp and __dbt_backup ones its materialization makes and drops) what the warehouse has
    now, before a retry: the earlier try may have run in another host's holder, or ended midway.
    Only the node's own names are touched, so the nodes running beside it (which a cleared cache
    would have racing to list the schema as they rename their relations) are left alone; no other
    node looks up these names, and this session's cache is the only one that changes them here."""
    relation = adapter.Relation.create_from(adapter.config, node)
    if (relation.database, relation.schema) not in adapter.cache:
        return  # not listed yet: the node's first look-up lists the schema
    names = {relation.identifier.lower() + suffix for suffix in ("", "__dbt_tmp", "__dbt_backup")}
    with adapter.connection_named("mpibatch-refresh-%s" % node.unique_id):
        present = adapter.list_relations_without_caching(relation.without_identifier())
    for cached in adapter.cache.get_relations(relation.database, relation.schema):
        if cached.identifier.lower() in names:
            adapter.cache.drop(cached)
    for found in present:
        if found.identifier.lower() in names:
            adapter.cache.add(found)


def _utc_now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc).replace(tzinfo=None)


class _Holder:
    """Which worker runs the nodes: this one once it has taken the lock (RUN/dbt-database.lock
    on a single-writer warehouse, else RUN/dbt-worker-HOST.lock, one per host), serving the
    other workers' requests on a TCP port of this host, its address and a secret written in
    the lock file, readable by the user alone; the others send it theirs, one JSON line each way,
    each over one connection kept from node to node (the holder answers it on one thread)."""

    def __init__(self):
        self.path = os.path.join(_RUN, "dbt-database.lock" if _SINGLE_WRITER else "dbt-worker-%s.lock" % socket.gethostname())
        self.file = None
        self.serial = threading.Lock()  # the nodes run outside a session: one dbtRunner call at a time
        self.link = None  # (holder's address, socket, stream): this worker's connection to the holder

    def holds(self):
        return self.file is not None

    def prepare(self):
        """As the worker starts (mpibatch starts them before the run's first stage, while MPI
        starts): if it takes the lock, it imports dbt, parses the project and opens its
        session on a thread now, so the first stage finds them done or under way. What fails
        here is left to the first stage, which loads again and says why."""
        if self._take():
            threading.Thread(target=self._prepared, name="mpibatch-dbt-prepare", daemon=True).start()

    @staticmethod
    def _prepared():
        try:
            with _collector_paused():  # the session's set-up too (the build's thread, waited for here)
                _load()
                if _SESSION is not None:
                    _SESSION.check()
        except BaseException:
            pass

    def call(self, request):
        """The value of `request` (node()'s arguments), run here or by the holder."""
        started = time.time()
        while True:
            if self.file is not None or self._take():
                return self._run(request)
            holder = self._holder()
            elsewhere = holder is not None and holder.get("hostname") != socket.gethostname()
            if holder is not None and not elsewhere:
                stream = self._connection(holder)
                if stream is not None:
                    return self._send(stream, holder, request)
            if elsewhere and time.time() > started + 2:  # not a holder's address of an earlier run, being rewritten
                raise RuntimeError("the database is held by a dbt worker on host %s (%s, pid %s): a single-writer database is "
                                   "written from one host; run the job on one node, or import it with --process-per-stage"
                                   % (holder.get("hostname"), holder.get("worker"), holder.get("pid")))
            if time.time() > started + 60:
                raise RuntimeError("the dbt worker holding %s does not answer for 60 s" % self.path)
            time.sleep(0.01)

    def _run(self, request):
        _load()
        if request["node"] and _SESSION is not None:
            return _run(**request)
        with self.serial:
            return _run(**request)

    def _take(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            return False
        server = socket.create_server(("127.0.0.1", 0))
        secret = secrets.token_hex(16)
        address = {"host": "127.0.0.1", "hostname": socket.gethostname(), "port": server.getsockname()[1],
                   "pid": os.getpid(), "worker": _WORKER, "secret": secret}
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, (json.dumps(address) + "\n").encode(), 0)
        self.file = descriptor
        atexit.register(_release, ending=True)  # after the session's end (registered later, run first)
        threading.Thread(target=self._serve, args=(server, secret), name="mpibatch-dbt-holder", daemon=True).start()
        return True

    def _holder(self):
        """The holder's address as it wrote it; None while it is being written."""
        try:
            with open(self.path) as file:
                holder = json.loads(file.read())
        except (OSError, ValueError):
            return None
        return holder if isinstance(holder, dict) else None

    def _connection(self, holder):
        """The stream to `holder`: the one kept from the last node when it is this holder's and
        still open (an earlier holder's has ended with it), else a new one; None when the
        holder refuses (a holder that just ended: the lock is free in a moment)."""
        address = (holder["host"], holder["port"], holder["secret"])
        if self.link is not None:
            if self.link[0] == address and not select.select([self.link[1]], [], [], 0)[0]:
                return self.link[2]  # nothing to read between answers: the holder has not ended
            self._unlink()
        try:
            connection = socket.create_connection((holder["host"], holder["port"]), timeout=5)
        except OSError:
            return None
        connection.settimeout(None)
        self.link = (address, connection, connection.makefile("rwb"))
        return self.link[2]

    def _unlink(self):
        _, connection, stream = self.link
        self.link = None
        for end in (stream, connection):
            try:
                end.close()
            except OSError:
                pass

    def _send(self, stream, holder, request):
        try:
            stream.write((json.dumps({"secret": holder["secret"], "request": request}) + "\n").encode())
            stream.flush()
            line = stream.readline()
        except OSError:
            line = b""
        if not line:
            self._unlink()
            raise RuntimeError("the dbt worker this node was sent to (%s, pid %s, the holder of %s) ended while it ran it"
                               % (holder["worker"], holder["pid"], os.path.basename(self.path)))
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer["value"]

    def _serve(self, server, secret):
        while True:
            connection, _ = server.accept()
            threading.Thread(target=self._answer, args=(connection, secret), daemon=True).start()

    def _answer(self, connection, secret):
        """Runs the nodes one worker sends over `connection`, one after the other, in this thread,
        and at the worker's end closes the warehouse connection they kept (see _keep_connections)."""
        try:
            self._answer_all(connection, secret)
        finally:
            if _SESSION is not None:
                _SESSION.let_go()

    def _answer_all(self, connection, secret):
        with connection, connection.makefile("rwb") as stream:
            for line in stream:
                try:
                    message = json.loads(line)
                except ValueError:
                    return
                if not isinstance(message, dict) or not secrets.compare_digest(str(message.get("secret")), secret):
                    return
                try:
                    answer = {"value": self._run(message["request"])}
                except BaseException as error:
                    answer = {"error": str(error)}
                try:
                    stream.write((json.dumps(answer) + "\n").encode())
                    stream.flush()
                except OSError:
                    return  # the worker ended (mpibatch records the node as its death)


_HOLDER = _Holder()
_HOLDER.prepare()


def node(command, select="", stage="dbt", exclude="", node="", attempt=1):
    """Runs one node, in this host's holder (this worker, or the one it sends the node to):
    `node` (its unique id) in the holder's session, or without a session `dbt COMMAND
    --select SELECT [--exclude NAME ...]` (`exclude` is space-separated) on the holder's
    parse. COMMAND `debug` checks the warehouse's connection (the session's set-up, or
    `dbt debug --connection` without a session); `parse` says what the holder's parse found.
    `attempt` (the worker passes it) is the node's try: a retry first looks again at the
    warehouse for the node's own relations (see _refresh)."""
    return _HOLDER.call({"command": command, "select": select, "stage": stage, "exclude": exclude, "node": node, "attempt": attempt})


def _run(command, select, stage, exclude, node, attempt):
    """node()'s work, in this worker."""
    place = _place(stage)
    if command == "parse":
        return {"status": "success", "message": "parsed by %s, which runs the nodes" % _WORKER, "nodes": len(_MANIFEST.nodes)}
    if command == "debug":
        return _SESSION.check() if _SESSION is not None else _check_connection(place)
    if node and _SESSION is not None:
        if node not in _MANIFEST.nodes:
            raise RuntimeError("node %s is not in the project dbt parsed (parse again and import again)" % node)
        results = [_SESSION.run(node, place, attempt)]
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

    from dbt.cli.main import dbtRunner
    outcome = _invoke(dbtRunner(callbacks=[collect]), ["debug", "--connection"] + _PROJECT + ["--log-path", place, "--no-use-colors"])
    if outcome.exception is not None:
        raise RuntimeError(_one_line(outcome.exception))
    if not outcome.success:
        raise RuntimeError(_one_line("\n".join(said)) or "dbt debug --connection failed: see %s/dbt.log" % place)
    return {"status": "success", "message": "the warehouse answers"}
"""#
}
