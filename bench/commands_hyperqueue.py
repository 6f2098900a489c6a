"""HyperQueue as a peer of bench/commands.sh: every line of a task file as a task of one
job, run by `sh -c LINE` (as xargs runs it), on a local HyperQueue (the server and one worker
of WORKER_CORES cores, from the PyPI wheel's LocalCluster: there is no `hq` binary here),
output off (no per-task files). Prints the tasks per second end to end (cluster start to the
job's end) and with the cluster already up (submit to the job's end).

    python3 bench/commands_hyperqueue.py TASK_FILE [WORKER_CORES]
"""
import sys
import tempfile
import time

from hyperqueue import Job
from hyperqueue.cluster import LocalCluster, WorkerConfig


def main() -> None:
    lines = [line.rstrip("\n") for line in open(sys.argv[1]) if line.strip()]
    cores = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory() as server_dir:
        started = time.perf_counter()
        with LocalCluster(server_dir=server_dir, worker_config=WorkerConfig(cores=cores)) as cluster:
            client = cluster.client()
            job = Job()
            for line in lines:
                job.program(["sh", "-c", line], stdout=None, stderr=None)
            submitted = time.perf_counter()
            client.wait_for_jobs([client.submit(job)])
            ended = time.perf_counter()
    n = len(lines)
    print(f"hyperqueue tasks={n} cores={cores} end_to_end={ended - started:.3f}s "
          f"tasks_per_second={n / (ended - started):.0f} from_submit={ended - submitted:.3f}s "
          f"tasks_per_second_from_submit={n / (ended - submitted):.0f}")


if __name__ == "__main__":
    main()
