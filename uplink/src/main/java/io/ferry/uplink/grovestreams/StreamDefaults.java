package io.ferry.uplink.grovestreams;

import java.util.Optional;

/**
 * The {@code defaults} of one GroveStreams stream, sent only when the stream must be created.
 *
 * @param streamType {@code rdm_stream} for raw samples, {@code intvl_stream} for rollups
 * @param valueType {@code DOUBLE} or {@code STRING}
 * @param baseCycleId the interval's cycle id (interval streams only)
 */
public record StreamDefaults(
    String name,
    String description,
    String unitId,
    String streamType,
    String valueType,
    Optional<String> baseCycleId,
    Optional<String> rollupCalendarId) {}
