package io.ferry.config;

/**
 * One entry of {@code uplinks:} in agent.yaml, named by its key. The uplink factory for
 * {@code type} reads its own keys from {@code fields} into an immutable plan.
 */
public record UplinkSection(String name, String type, Fields fields) {}
