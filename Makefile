# mpibatch — `make demo` and `make test` work on a fresh Debian machine:
# they install what is missing (Open MPI; Slurm and munge for the tests),
# build in release mode, and run.

SWIFT   ?= swift
NP      ?= $(shell nproc)
# The CPU the build may use: empty (the default) builds for the architecture's
# baseline, which runs on every node (its normal generator also has an AVX2 copy,
# picked at load time); TARGET_CPU=x86-64-v3 (AVX2, FMA) or native (this
# machine's CPU) also compile the Monte Carlo kernels' own arithmetic for it
# (the Asian call ~1.3x faster), with bit-identical estimates. Such a build goes to its own
# .build-$(TARGET_CPU), and stops at once, exit status 2 naming what is missing,
# on a CPU without those features (CSources/CCPUCheck).
TARGET_CPU ?=
SCRATCH := $(if $(TARGET_CPU),.build-$(TARGET_CPU),.build)
CPU_FLAGS := $(if $(TARGET_CPU),--scratch-path $(SCRATCH) -Xswiftc -target-cpu -Xswiftc $(TARGET_CPU) -Xcc -march=$(TARGET_CPU))
BIN     := $(SCRATCH)/release/mpibatch
PREFIX  ?= /usr/local
# Where `make integration-test` installs the binary the multi-node checks run.
TEST_PREFIX := .build/test-install

# Open MPI refuses to run as root unless told it is on purpose (containers, CI).
ifeq ($(shell id -u),0)
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1
endif
# PMIx stalls every MPI start for ~2.3 s when libmunge is installed but munged
# is not running; local runs need no munge (scripts/mpi-env, which the scripts source).
export PMIX_MCA_psec ?= native

.PHONY: deps deps-slurm deps-unit-test deps-test deps-bench build install demo test unit-test integration-test bench clean

deps:
	@scripts/install-deps

deps-slurm:
	@scripts/install-deps --slurm

# What the integration tests need: Slurm and munge, Chromium for the report page, strace, and
# dbt with DuckDB and Postgres for the real dbt's checks.
deps-test:
	@scripts/install-deps --slurm --browser --dbt --numpy --tools

# What the unit tests need beyond the build: numpy (Monte Carlo python: models).
deps-unit-test:
	@scripts/install-deps --numpy

# What the benchmarks' peers need: mpi4py (built with pip against the system Open MPI).
deps-bench:
	@scripts/install-deps --bench --tools

# The Swift runtime linked in (--static-swift-stdlib): nodes need only libc and
# the system's Open MPI, no Swift toolchain. `build` and `install` use the same
# flags, so that `install` after `build` only copies (other flags would rebuild
# every module, the packages' included).
# Each layer of the library is a target that may import only the targets it declares
# (docs/layers.md): an upward or undeclared import fails the build instead of compiling
# because the module happens to be built already.
IMPORT_CHECK := --explicit-target-dependency-import-check error
RELEASE_FLAGS := -c release --static-swift-stdlib $(CPU_FLAGS) $(IMPORT_CHECK)

# SwiftPM's incremental build has been seen to keep the CLI compiled against an older layout
# of a library struct after a `git pull` (a run that crashes as it ends): when the checkout has
# moved since the last build, the project's own modules are compiled afresh (the packages
# it depends on are kept).
BUILT_AT := $(SCRATCH)/release/.built-at-commit

build: deps
	@head=$$(git rev-parse HEAD 2>/dev/null || echo unknown); \
	if [ -d $(SCRATCH)/release ] && [ "$$(cat $(BUILT_AT) 2>/dev/null)" != "$$head" ]; then \
		rm -rf $(SCRATCH)/release/MPIBatch*.build $(SCRATCH)/release/SwiftMPI*.build $(SCRATCH)/release/mpibatch*.build \
			$(SCRATCH)/release/custom_kernel_example*.build $(SCRATCH)/release/generate_manual*.build \
			$(SCRATCH)/release/Modules/MPIBatch* $(SCRATCH)/release/Modules/SwiftMPI* $(SCRATCH)/release/Modules/mpibatch*; \
	fi
	$(SWIFT) build $(RELEASE_FLAGS)
	@git rev-parse HEAD >$(BUILT_AT) 2>/dev/null || true

install: build
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mpibatch

demo: build
	mpirun -np $(NP) $(BIN) run jobs/spin.yaml

unit-test: deps-unit-test
	$(SWIFT) test $(IMPORT_CHECK)

integration-test: build deps-test
	$(MAKE) install PREFIX=$(abspath $(TEST_PREFIX))
	MPIBATCH_INSTALLED=$(abspath $(TEST_PREFIX))/bin/mpibatch Tests/Integration/run-all

test: unit-test integration-test

bench: build deps-bench
	bench/run

clean:
	rm -rf .build .build-* runs
