/// The Python worker shipped inside mpibatch (nothing to install): run as
/// `python3 -c BOOTSTRAP MODULE FUNCTION JOB_DIRECTORY` with the source in the variable
/// `sourceVariable` (so `ps` shows a short, readable command line and no file is written),
/// it speaks the protocol of `docs/worker-protocol.md` and calls `MODULE.FUNCTION(**params)`
/// for each task.
enum PythonWorkerScript {
    /// The variable holding the source; the bootstrap removes it before the user's module loads.
    static let sourceVariable = "MPIBATCH_PYTHON_WORKER"
    /// The variable holding the source of a module shipped inside mpibatch (`WorkerSpec.shippedModules`),
    /// loaded under its name instead of importing it; removed as the worker starts.
    static let shippedVariable = "MPIBATCH_PYTHON_SHIPPED"

    /// The source of shipped module `name`; nil for any other module.
    static func shippedSource(of name: String) -> String? {
        switch name {
        case "mpibatch_dbt": DbtWorkerScript.source
        default: nil
        }
    }
    /// What `-c` runs: the source, taken from the environment.
    static let bootstrap = "import os; exec(compile(os.environ.pop('\(sourceVariable)'), 'mpibatch-python-worker', 'exec'))"
    /// The script.
    static let source = #"""
import importlib, inspect, io, json, math, os, platform, struct, sys, time, traceback

HEADER = struct.Struct("<IB")
JSON_FRAME = 1
FLOAT64_FRAME = 2
GROUP_RESULTS = 256
GROUP_SECONDS = 0.002


# Set by every write to sys.stdout/sys.stderr (text or bytes) and to fds 1 and 2 through
# them: a task that set it has its output flushed and its own result (with "out"/"err").
_touched = [False]


class _Watched(io.RawIOBase):
    """fd 1 or 2 under sys.stdout/sys.stderr."""

    def __init__(self, fd):
        self.fd = fd

    def writable(self):
        return True

    def fileno(self):
        return self.fd

    def write(self, data):
        _touched[0] = True
        return os.write(self.fd, data)


class _Text(io.TextIOWrapper):
    """sys.stdout or sys.stderr."""

    def write(self, text):
        _touched[0] = True
        return super().write(text)


class _Buffer(io.BufferedWriter):
    """sys.stdout.buffer or sys.stderr.buffer."""

    def write(self, data):
        _touched[0] = True
        return super().write(data)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_parts(fd, parts):
    """Writes `parts` (bytes-like, C-contiguous) whole, with writev: a block's values go from
    the numpy array itself, not copied into one bytes object first (two copies of 512 KB a
    block of 65,536 paths, a few percent of a vectorised model's own time)."""
    views = [view for view in (memoryview(part).cast("B") for part in parts) if view.nbytes]
    while views:
        written = os.writev(fd, views[:1024])
        done = 0
        while done < len(views) and written >= views[done].nbytes:
            written -= views[done].nbytes
            done += 1
        del views[:done]
        if written:
            views[0] = views[0][written:]


def _send(fd, payload):
    _write_all(fd, HEADER.pack(len(payload) + 1, JSON_FRAME) + payload)


def _receive(stream):
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    length, kind = HEADER.unpack(head)
    body = stream.read(length - 1)
    if len(body) < length - 1:
        return None
    if kind != JSON_FRAME:
        raise RuntimeError("mpibatch sent a frame of type %d" % kind)
    return json.loads(body)


def _jsonable(value):
    """numpy scalars and arrays as Python values, tuples as lists, NaN and infinities as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    raise TypeError("the return value holds a %s, which JSON cannot carry "
                    "(return numbers, strings, lists, dicts or numpy values)" % type(value).__name__)


def _encode(value):
    kind = type(value)
    if kind is float:
        return repr(value).encode() if math.isfinite(value) else b"null"
    if kind is int:
        return str(value).encode()
    if value is None:
        return b"null"
    return json.dumps(_jsonable(value), allow_nan=False, ensure_ascii=False, separators=(",", ":")).encode()


def _numpy_value(value):
    if type(value).__module__ == "numpy" and hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError("not plain JSON")


_dumps = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":"), default=_numpy_value).encode


def _last_lines(text, count=3):
    lines = [line for line in text.rstrip().splitlines() if line.strip(" ^~")]
    return "\n".join(lines[-count:])


def _failure(index, message):
    return b'{"kind":"result","index":%d,"error":%s' % (index, json.dumps(message, ensure_ascii=False).encode())


class _ModelFailure(Exception):
    """A Monte Carlo block that failed: the message names the block, or the path and its seed."""


def _montecarlo(numpy, function, task):
    """A Monte Carlo block's path values, as little-endian float64 (see docs/worker-protocol.md)."""
    plan, params = task["montecarlo"], task["params"]
    first, count = plan["first_path"], plan["paths"]
    if plan["calls"] == "block":
        bits = numpy.random.Philox(key=numpy.array(plan["key"], dtype=numpy.uint64),
                                   counter=numpy.array(plan["counter"], dtype=numpy.uint64))
        value = function(numpy.random.Generator(bits), count, **params)
        try:
            values = numpy.asarray(value, dtype="<f8")
        except (TypeError, ValueError) as error:
            raise _ModelFailure("block %d: the function returned a %s that is not numbers (%s)"
                                % (task["index"], type(value).__name__, error)) from None
        if values.ndim != 1:
            raise _ModelFailure("block %d: the function returned an array of shape %s; return the block's %d path values "
                            "as a 1-d array or a list" % (task["index"], values.shape, count))
        return numpy.ascontiguousarray(values)
    root, as_uint32 = plan["seed"], plan["seed_as"] == "uint32"
    values = numpy.empty(count, dtype="<f8")
    for offset, seed in enumerate(_path_seeds(numpy, root, first, count, as_uint32)):
        try:
            values[offset] = function(seed, **params)
        except BaseException:
            text = traceback.format_exc()
            sys.stderr.write(text)
            path = first + offset
            shown = "SeedSequence(%d, spawn_key=(%d,))" % (root, path)
            if as_uint32:
                shown = "%d = %s.generate_state(1)[0]" % (seed, shown)
            raise _ModelFailure("path %d (seed %s): %s" % (path, shown, _last_lines(text, 1))) from None
    return values


def _path_seeds(numpy, root, first, count, as_uint32):
    """The seeds of paths first ..< first + count: numpy.random.SeedSequence(root, spawn_key=(i,)),
    or its generate_state(1)[0] (as_uint32), as numpy's constructor makes them. The constructor
    hashes each path's pool apart (~8 us, a third of a 64-step model's own time); here the
    pools of the whole block are hashed at once (_seed_pools) and each SeedSequence is restored
    from its pool as pickle restores one (what a ProcessPoolExecutor's workers get). Both ends
    of every block are checked against the constructor: a numpy whose hash or pickle differs
    gets its constructor, path by path, as do paths from 2**32 on (a spawn key of two words)."""
    sequence = numpy.random.SeedSequence
    last = first + count - 1
    ends = sequence(root, spawn_key=(first,)), sequence(root, spawn_key=(last,))
    if last < 1 << 32:
        pools = _seed_pools(numpy, root, numpy.arange(first, first + count, dtype=numpy.uint64))
        if as_uint32:
            seeds = _first_words(numpy, pools[:, 0]).tolist()
            if [seeds[0], seeds[-1]] == [int(end.generate_state(1)[0]) for end in ends]:
                return seeds
        else:
            seeds = _restored(numpy, ends[0], root, first, pools)
            if seeds and all(_same_sequence(seed, end) for seed, end in zip((seeds[0], seeds[-1]), ends)):
                return seeds
    seeds = (sequence(root, spawn_key=(path,)) for path in range(first, first + count))
    return [int(seed.generate_state(1)[0]) for seed in seeds] if as_uint32 else seeds


def _seed_pools(numpy, root, paths):
    """SeedSequence(root, spawn_key=(i,)).pool for each path i of `paths` (uint64, each below
    2**32), one row each: numpy's entropy hash (bit_generator.pyx, mix_entropy, pool size 4)
    on whole columns of uint32 (numpy arrays wrap around as its C does)."""
    u32 = numpy.uint32
    words = []
    while True:  # the root's 32-bit words, low first, padded with zeros to the pool (a spawn key follows)
        words.append(numpy.full(1, root & 0xFFFFFFFF, dtype=u32))
        root >>= 32
        if not root:
            break
    words += [numpy.zeros(1, dtype=u32)] * (4 - len(words)) + [paths.astype(u32)]
    constant = [0x43B0D7E5]

    def hashmix(value):
        value = value ^ u32(constant[0])
        constant[0] = constant[0] * 0x931E8875 & 0xFFFFFFFF
        value = value * u32(constant[0])
        return value ^ (value >> u32(16))

    def mix(x, y):
        result = u32(0xCA01F9DD) * x - u32(0x4973F715) * y
        return result ^ (result >> u32(16))

    pool = [hashmix(word) for word in words[:4]]
    for source in range(4):
        for target in range(4):
            if source != target:
                pool[target] = mix(pool[target], hashmix(pool[source]))
    for word in words[4:]:
        for target in range(4):
            pool[target] = mix(pool[target], hashmix(word))
    return numpy.ascontiguousarray(numpy.stack(numpy.broadcast_arrays(*pool), axis=1))


def _first_words(numpy, column):
    """generate_state(1)[0] of the SeedSequences whose pools start with `column`."""
    u32 = numpy.uint32
    value = (column ^ u32(0x8B51F9DD)) * u32(0x8B51F9DD * 0x58F38DED & 0xFFFFFFFF)
    return value ^ (value >> u32(16))


def _restored(numpy, template, root, first, pools):
    """SeedSequence(root, spawn_key=(first + row,)) for each row of `pools`, restored as pickle
    restores one from its __reduce__ (`template` is the first); [] when that is not the form
    of a state holding the pool and the spawn key."""
    try:
        restore, arguments, state = template.__reduce__()
        where_pool = [at for at, part in enumerate(state) if isinstance(part, numpy.ndarray)]
        where_key = [at for at, part in enumerate(state) if isinstance(part, tuple) and part == (first,)]
    except (TypeError, ValueError):
        return []
    if len(where_pool) != 1 or len(where_key) != 1:
        return []
    parts = list(state)
    seeds = []
    for row, pool in enumerate(pools):
        parts[where_pool[0]], parts[where_key[0]] = pool, (first + row,)
        seed = restore(*arguments)
        seed.__setstate__(tuple(parts))
        seeds.append(seed)
    return seeds


def _same_sequence(seed, expected):
    """Whether two SeedSequences are the same: state, pool and output."""
    return (seed.state == expected.state and (seed.pool == expected.pool).all()
            and (seed.generate_state(4) == expected.generate_state(4)).all())


def _start_error(fd, message, path=None, line=None):
    reply = {"kind": "start_error", "error": message}
    if path:
        reply["file"] = path
    if line:
        reply["line"] = line
    _send(fd, json.dumps(reply).encode())
    sys.stderr.flush()
    os._exit(1)


def _shipped(module_name, source):
    """A module shipped inside mpibatch, run from its source under its name."""
    import types
    module = types.ModuleType(module_name)
    module.__file__ = "<mpibatch: %s>" % module_name
    sys.modules[module_name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def _load(fd, module_name, function_name, shipped=None):
    try:
        module = importlib.import_module(module_name) if shipped is None else _shipped(module_name, shipped)
    except SyntaxError as error:
        traceback.print_exc()
        _start_error(fd, "SyntaxError: %s" % error.msg, error.filename, error.lineno)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            _start_error(fd, "no module named %r (looked beside the job file and on PYTHONPATH: %s)"
                         % (error.name, os.pathsep.join(sys.path[:3])))
        traceback.print_exc()
        _start_error(fd, "importing %s: %s" % (module_name, _last_lines(traceback.format_exc(), 1)))
    except BaseException:
        text = traceback.format_exc()
        sys.stderr.write(text)
        frames = traceback.extract_tb(sys.exc_info()[2])
        where = frames[-1] if frames else None
        _start_error(fd, "importing %s: %s" % (module_name, _last_lines(text, 1)),
                     where.filename if where else None, where.lineno if where else None)
    function = getattr(module, function_name, None)
    if not callable(function):
        _start_error(fd, "module %s has no function %r" % (module_name, function_name), getattr(module, "__file__", None))
    try:
        parameters = inspect.signature(function).parameters
        wide = any(p.kind == p.VAR_KEYWORD for p in parameters.values())
        extras = tuple(name for name in ("index", "seed", "attempt") if wide or name in parameters)
    except (TypeError, ValueError):
        extras = ()
    return function, extras


def _numpy(fd):
    # numpy.random too: numpy 2 loads it at its first use, which was a model's first block
    # (~15 ms of the run at every rank count, run after the workers' ready).
    try:
        import numpy
        import numpy.random
    except ImportError as error:
        _start_error(fd, "a montecarlo: model needs numpy, which %s cannot import (%s): install it for this "
                     "interpreter, or name another with python_program:" % (sys.executable, error))
    _reuse_block_memory()
    return numpy


def _reuse_block_memory():
    """glibc's malloc maps every allocation above its mmap threshold afresh, and the kernel
    zero-fills each page at its first touch: a vectorised model's block-sized temporaries
    (512 KB at 65,536 paths) were mapped and faulted in at every call, 61,000 page faults
    over 306 blocks, a fifth of the model's CPU. With the threshold fixed at 16 MB (and up
    to 64 MB kept free at the heap's top) they are reused: 7,500. Nothing without glibc."""
    try:
        import ctypes
        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return
    mallopt(-3, 1 << 24)  # M_MMAP_THRESHOLD
    mallopt(-1, 1 << 26)  # M_TRIM_THRESHOLD


class _SharedValues:
    """The ring of shared memory mpibatch offers for a block's values (hello's "shared_values",
    see docs/worker-protocol.md): a block goes at the next position where it fits before the
    end of the ring and within what mpibatch has taken back (the header's count), and the
    result says where ("shared_at"); a block that does not fit goes by the socket."""

    def __init__(self, numpy, offer):
        import mmap
        header, self.size = offer["header"], offer["bytes"]
        self.memory = mmap.mmap(offer["fd"], header + self.size)
        os.close(offer["fd"])  # the mapping keeps it; a process the function starts must not
        self.taken = numpy.frombuffer(self.memory, dtype="<u8", count=1)
        self.ring = numpy.frombuffer(self.memory, dtype="<f8", offset=header, count=self.size // 8)
        self.written = 0

    def put(self, values):
        """Copies `values` (float64, contiguous) into the ring: their position, or None when they do not fit."""
        count = values.nbytes
        at = self.written
        if at % self.size + count > self.size:
            at += self.size - at % self.size
        if count == 0 or at + count - int(self.taken[0]) > self.size:
            return None
        start = at % self.size // 8
        self.ring[start:start + len(values)] = values
        self.written = at + count
        return at


def _columns_call(function, extras, names, cache):
    """How to call the function on a columns batch whose parameters are `names` (with the
    extra columns `extras` after them): (positional, argument names in call order)."""
    plan = cache.get(names)
    if plan is None:
        wanted = names + extras
        try:
            # The callable's own parameters, not those of a function it wraps (a decorator's
            # wrapper may take keywords only), and never positional-only ones (a keyword call fails).
            order = [name for name, p in inspect.signature(function, follow_wrapped=False).parameters.items()
                     if p.kind == p.POSITIONAL_OR_KEYWORD][:len(wanted)]
        except (TypeError, ValueError):
            order = []
        # Positional when the names are exactly the function's first parameters (any order):
        # the same call as with keywords, without a dictionary per task.
        plan = cache[names] = (True, tuple(order)) if sorted(order) == sorted(wanted) else (False, wanted)
    return plan


def main():
    module_name, function_name, job_directory = sys.argv[1:4]
    montecarlo = sys.argv[4:5] == ["montecarlo"]
    fd_in, fd_out = (int(part) for part in os.environ["MPIBATCH_WORKER_FDS"].split(","))
    # Non-inheritable copies: a process the function starts (os.system) must not hold the protocol.
    fd_in, fd_out = os.dup(fd_in), os.dup(fd_out)
    for fd in set(int(part) for part in os.environ.pop("MPIBATCH_WORKER_FDS").split(",")):
        os.close(fd)
    tasks_in = io.open(fd_in, "rb", buffering=1 << 16)
    out_raw, err_raw = _Watched(1), _Watched(2)
    out_text = sys.stdout = _Text(_Buffer(out_raw, 1 << 16), encoding="utf-8", errors="backslashreplace")
    err_text = sys.stderr = _Text(_Buffer(err_raw, 1 << 13), encoding="utf-8", errors="backslashreplace")
    hello = _receive(tasks_in)
    if hello is None:
        return
    if hello.get("protocol") != 1:
        _start_error(fd_out, "the Python worker speaks protocol 1, mpibatch asked for %r" % hello.get("protocol"))
    sys.path.insert(0, job_directory)
    numpy = _numpy(fd_out) if montecarlo else None
    function, extras = _load(fd_out, module_name, function_name, os.environ.pop("MPIBATCH_PYTHON_SHIPPED", None))
    python = "%s %s" % (platform.python_implementation(), platform.python_version())
    # What path values depend on (recorded in run.json; --resume under others is refused).
    environment = {"python": python, "executable": sys.executable}
    if numpy is not None:
        environment["numpy"] = str(numpy.__version__)
    ready = {"kind": "ready", "protocol": 1, "worker": "%s %s" % (python, sys.executable), "environment": environment}
    if not montecarlo and "columns" in hello.get("offers", ()):
        ready["accepts"] = ["columns", "seeds"] if "seed" in extras else ["columns"]
    shared = None
    if montecarlo and "shared_values" in hello.get("offers", ()):
        try:
            shared = _SharedValues(numpy, hello["shared_values"])
            ready["accepts"] = ["shared_values"]
        except (KeyError, TypeError, ValueError, OSError):
            shared = None
    _send(fd_out, json.dumps(ready).encode())
    ends = [0, 0]
    lseek, SEEK_CUR, cpu_time, wall_time = os.lseek, os.SEEK_CUR, time.process_time, time.perf_counter
    # Results are written in groups (one write for up to GROUP_RESULTS of them, or for those of
    # GROUP_SECONDS): a write per result would cost more than a trivial function. A worker that
    # dies with results unsent has them rerun by mpibatch, one task at a time if it dies again.
    held, held_since = [], 0.0
    plans = {}
    # A columns batch's run of tasks that succeeded and printed nothing: their values, sent as
    # one "results" frame; `run` is [first index, CPU time when it began].
    values, run = [], [0, 0.0]

    def hold(body, data=None):
        nonlocal held_since
        wall = wall_time()
        if not held:
            held_since = wall
        # A block's values (a numpy array) go at once, into the shared ring or from the
        # array: the function may write into the same array when it is called again.
        at = shared.put(data) if data is not None and shared is not None else None
        if at is not None:
            body = body[:-1] + b',"shared_at":%d}' % at
        held.append(HEADER.pack(len(body) + 1, JSON_FRAME))
        held.append(body)
        if at is not None:
            send_held()
        elif data is not None:
            held.append(HEADER.pack(data.nbytes + 1, FLOAT64_FRAME))
            _write_parts(fd_out, held + [data])
            held.clear()
        elif len(held) >= 2 * GROUP_RESULTS or wall - held_since >= GROUP_SECONDS:
            send_held()

    def send_held():
        _write_all(fd_out, b"".join(held))
        held.clear()

    def hold_values():
        """The run's values as one "results" frame; a value JSON cannot carry (or NaN, ±Inf)
        sends them one by one, the failing one as a failed task."""
        first = run[0]
        cpu = max(0.0, cpu_time() - run[1])
        try:
            hold(b'{"kind":"results","index":%d,"cpu":%.6f,"values":%s}' % (first, cpu, _dumps(values).encode()))
        except (TypeError, ValueError):
            share = cpu / len(values)
            for offset, value in enumerate(values):
                try:
                    body = b'{"kind":"result","index":%d,"value":%s' % (first + offset, _encode(value))
                except (TypeError, ValueError) as error:
                    body = _failure(first + offset, "%s: %s" % (type(error).__name__, error))
                hold(body + b',"cpu":%.6f}' % share)
        values.clear()

    def flushed_ends():
        """Flushes what the task printed; where stdout and stderr end now."""
        sys.stdout.flush()
        sys.stderr.flush()
        _touched[0] = False
        ends[0], ends[1] = lseek(1, 0, SEEK_CUR), lseek(2, 0, SEEK_CUR)
        return b',"out":%d,"err":%d' % (ends[0], ends[1])

    while True:
        batch = _receive(tasks_in)
        if batch is None:
            break
        # A task's CPU time is the process's since the previous task ended; process_time is a
        # system call (~1-2 us), so for tasks under 100 us the wall time stands in for it.
        last_cpu, last_wall = cpu_time(), wall_time()
        if batch["kind"] == "columns":
            first, count, params = batch["index"], batch["count"], batch["params"]
            positional, order = _columns_call(function, extras, tuple(params), plans)
            columns = dict(params)
            for extra in extras:
                columns[extra] = (range(first, first + count) if extra == "index" else batch["seeds"] if extra == "seed"
                                  else (batch["attempt"],) * count)
            rows = zip(*[columns[name] for name in order]) if order else ((),) * count
            if not positional:
                call = function
                function = lambda *row, _names=order, _call=call: _call(**dict(zip(_names, row)))
            run[0], run[1] = first, last_cpu
            # The loop's per-call checks read locals only (a global or a module attribute is a
            # dictionary lookup): ~0.1-0.3 us a call, as much as a trivial function costs.
            append, touched, system = values.append, _touched, sys
            due = last_wall + GROUP_SECONDS  # when the run's values go, if it is still going
            index = first - 1
            for row in rows:
                index += 1
                try:
                    value = function(*row)
                except BaseException:
                    text = traceback.format_exc()
                    sys.stderr.write(text)
                    body = _failure(index, _last_lines(text))
                else:
                    if not (touched[0] or system.stdout is not out_text or system.stderr is not err_text):
                        append(value)
                        wall = wall_time()
                        if wall >= due:
                            hold_values()
                            send_held()
                            run[0], run[1], due = index + 1, cpu_time(), wall + GROUP_SECONDS
                        continue
                    try:
                        body = b'{"kind":"result","index":%d,"value":%s' % (index, _encode(value))
                    except (TypeError, ValueError) as error:
                        body = _failure(index, "%s: %s" % (type(error).__name__, error))
                # A task that failed or printed: the run before it, then its own result.
                if values:
                    hold_values()
                started = cpu_time()
                hold(body + flushed_ends() + b',"cpu":%.6f}' % max(0.0, started - run[1]))
                run[0], run[1], due = index + 1, cpu_time(), wall_time() + GROUP_SECONDS
            if not positional:
                function = call
            if values:
                hold_values()
            send_held()
            continue
        for task in batch["tasks"]:
            index = task["index"]
            data = None
            try:
                if montecarlo:
                    values_of_block = _montecarlo(numpy, function, task)
                else:
                    arguments = task["params"]
                    for extra in extras:
                        arguments[extra] = task[extra]
                    value = function(**arguments)
            except _ModelFailure as failure:
                body = _failure(index, str(failure))
            except BaseException:
                text = traceback.format_exc()
                sys.stderr.write(text)
                body = _failure(index, _last_lines(text))
            else:
                if montecarlo:
                    data = values_of_block
                    body = b'{"kind":"result","index":%d,"float64":%d' % (index, len(values_of_block))
                else:
                    try:
                        body = b'{"kind":"result","index":%d,"value":%s' % (index, _encode(value))
                    except (TypeError, ValueError) as error:
                        body = _failure(index, "%s: %s" % (type(error).__name__, error))
            # Flushing costs more than a trivial function: only after something was printed
            # (or the function put other streams in sys.stdout/sys.stderr).
            if _touched[0] or sys.stdout is not out_text or sys.stderr is not err_text:
                out_err = flushed_ends()
            else:
                out_err = b',"out":%d,"err":%d' % (ends[0], ends[1])
            wall = wall_time()
            if wall - last_wall < 1e-4:
                cpu = wall - last_wall
                last_cpu += cpu
            else:
                now = cpu_time()
                cpu, last_cpu = max(0.0, now - last_cpu), now
            last_wall = wall
            hold(body + out_err + b',"cpu":%.6f}' % cpu, data)
        if held:
            send_held()

main()
"""#
}
