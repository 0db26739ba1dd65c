package io.ferry.uplink.sparkplug;

import io.ferry.buffer.BufferRecord;
import io.ferry.core.Quality;

/**
 * One metric value to publish: a raw sample, one statistic of a rollup, or an increment.
 *
 * @param value a {@code Double}, {@code Long} or {@code String} as the metric's type says
 * @param record the leased record it comes from (a rollup gives one point per statistic)
 */
record Point(String device, MetricDef metric, long timeMicros, Object value, Quality quality, BufferRecord record) {}
