/**
 * The embedded MQTT broker (HiveMQ CE) of Ferry's tests and benchmarks: one setup, where there were
 * three (drivers, uplink, bench).
 *
 * <p>Invariants: the broker binds 127.0.0.1 only; its ports are fixed when it is made, so a test can
 * stop and start it on the same address; it persists nothing (in-memory mode), so a restart loses
 * sessions and retained messages as a real broker without persistence would. Only the test flavour
 * records publishes and checks passwords; the benchmarks' {@code plain} broker does neither, so it
 * neither grows without bound nor spends CPU on Ferry's behalf.
 */
package io.ferry.testsupport.mqtt;
