/**
 * Gatehouse side by side with its peers (Cerbos, SpiceDB, cedar-java, jCasbin) on one {@link
 * dev.gatehouse.bench.peers.Workload}: each peer's model generated from it, every answer verified before
 * timing, HTTP throughput and CPU per request ({@link dev.gatehouse.bench.peers.PeersRun}), in-process latency
 * ({@link dev.gatehouse.bench.peers.PeersInProcessBenchmark}), tables and charts. Run by
 * {@code bench/peers/run.sh}; results and method in docs/benchmarks.md, "Peers side by side".
 */
package dev.gatehouse.bench.peers;
