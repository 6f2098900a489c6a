"""The trivial two-parameter function of bench/python-functions.sh, called by mpibatch's
python: tasks and by mpi4py.futures alike."""


def add(a, b):
    """Returns a + b."""
    return a + b
