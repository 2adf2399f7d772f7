/** Benchmarks: JMH for the engine, load scripts for HTTP. Results and commands in docs/benchmarks.md. */
package dev.gatehouse.bench;
