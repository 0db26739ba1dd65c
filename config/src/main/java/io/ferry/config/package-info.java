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
 *
 * <p>Only regular files (or links to them) are read, at most {@link io.ferry.config.ConfigFiles#MAX_YAML_BYTES}
 * per YAML file and {@link io.ferry.config.ConfigFiles#MAX_SECRET_BYTES} per secret file, so no
 * input can block (a pipe) or exhaust memory ({@code /dev/zero}); TLS files named in a configuration
 * go through the same reader ({@link io.ferry.config.TlsFiles}, at most
 * {@link io.ferry.config.ConfigFiles#MAX_TLS_BYTES}) and are parsed at check exactly as at run;
 * {@link io.ferry.config.TlsSockets} is the one place a TLS client socket is built from them.
 * Every {@code {placeholder}} template is checked by {@link io.ferry.config.Templates}; every
 * list-valued key takes a list (a single value is an error, never a list of one); a
 * {@code ${file:}} value loses its trailing line breaks and spaces. {@code ${env:}} and
 * {@code ${file:}} references are resolved in every text value or reported; never used literally.
 * One root cause gives one problem: readers of a part that is already invalid (a channel without
 * a name, an uplink of unknown type) do not also report its keys. Messages never name a Java
 * class ({@link io.ferry.config.IoCauses} puts file-system causes in words, and its
 * {@code message} is where every runtime failure becomes the text of a log line, the status JSON
 * and page: drivers, uplinks, the mirror and the agent use it). A required key missing because it
 * is misspelt is one problem, at the misspelling. A directory or file the running user may not read
 * is "permission denied", never "missing". Keys shared by every driver are read in one place each:
 * retry delays by {@link io.ferry.config.BackoffKeys}, report by exception ({@code report:},
 * instrument default and channel override) by {@code ReportKeys}. Warnings
 * ({@link io.ferry.config.Problems#warn}) are printed but do not make a configuration invalid.
 */
package io.ferry.config;
