# Sourced by run-all: the multi-node checks on a virtual cluster (Tests/Cluster/checks.sh).
source Tests/Cluster/checks.sh
