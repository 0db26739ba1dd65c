package io.ferry.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code buffer:} section of agent.yaml.
 *
 * @param path database file (relative paths resolve against the state directory)
 * @param synchronous {@code full} or {@code normal}
 * @param commitInterval the writer commits at least this often
 * @param commitSamples ... or when this many samples wait
 * @param maxSize byte budget of the database (0 = unbounded)
 * @param maxAge raw samples older than this are dropped and counted (0 = keep)
 * @param leaseTimeout an uplink lease not completed in this time is released for resend
 */
public record BufferSettings(
    Path path,
    String synchronous,
    Duration commitInterval,
    int commitSamples,
    long maxSize,
    Duration maxAge,
    Duration leaseTimeout) {}
