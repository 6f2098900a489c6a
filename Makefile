# mpibatch — `make demo` and `make test` work on a fresh Debian machine:
# they install what is missing (Open MPI; Slurm and munge for the tests),
# build in release mode, and run.

SWIFT   ?= swift
NP      ?= $(shell nproc)
BIN     := .build/release/mpibatch

# Open MPI refuses to run as root unless told it is on purpose (containers, CI).
ifeq ($(shell id -u),0)
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1
endif

.PHONY: deps deps-slurm build demo test unit-test integration-test bench clean

deps:
	@scripts/install-deps

deps-slurm:
	@scripts/install-deps --slurm

build: deps
	$(SWIFT) build -c release

demo: build
	mpirun -np $(NP) $(BIN) run jobs/spin.yaml

unit-test: deps
	$(SWIFT) test

integration-test: build deps-slurm
	Tests/Integration/run-all

test: unit-test integration-test

bench: build
	bench/run

clean:
	rm -rf .build runs
