/**
 * Configuration: a directory with {@code agent.yaml} and {@code instruments.d/*.yaml}, read
 * with Jackson's streaming YAML parser into located nodes ({@link io.ferry.config.YamlReader}),
 * then validated by typed readers ({@link io.ferry.config.Fields}) into immutable records.
 *
 * <p>Invariants: validation has no side effects (it reads files and secret references only);
 * every problem is collected, never thrown one at a time, and names file, line, column and path;
 * unknown keys are errors with a did-you-mean; a {@link io.ferry.config.Secret}'s value never
 * appears in a message or {@code toString}. Drivers and uplinks read their own keys through the
 * same readers, so {@code ferry check} reports all errors of all files in one pass.
 */
package io.ferry.config;
