/**
 * The OPC UA driver ({@code driver: opcua}), on Eclipse Milo 1.1.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>Planning ({@link io.ferry.drivers.opcua.OpcUaPlanner}) is pure and reads every supported
 *       key through {@code Fields}; a plan is immutable and holds parsed node ids.
 *   <li>Mapping a DataValue to a sample ({@link io.ferry.drivers.opcua.SampleMapper}), endpoint
 *       selection, chunking, backoff and staleness are pure functions.
 *   <li>A server certificate is used only if its DER file is in the instrument's
 *       {@code pki/trusted/} directory; there is no trust-all switch. A refused certificate is copied
 *       to {@code pki/rejected/} and the error names the exact {@code ferry opcua trust} command.
 *   <li>The client certificate is generated once and kept in the instrument's state directory.
 *   <li>Secrets (passwords, key store passwords) leave {@link io.ferry.config.Secret} only on the
 *       way to Milo; no message or log carries them.
 *   <li>A driver never needs a restart: connection attempts back off between
 *       {@code backoffInitial} and {@code backoffMax}, a lost session is replaced by the driver's
 *       own reconnect (never Milo's, whose backoff ignores those bounds), and the subscribe driver
 *       recreates a subscription that was lost or went silent.
 *   <li>Connecting never runs inside a poll: the polling driver connects on its own thread and
 *       answers polls meanwhile with {@code StillConnectingException}. Unknown or unreadable nodes are reported once and skipped; the others go on.
 *   <li>History backfill ({@link io.ferry.drivers.opcua.Backfiller}) runs on its own thread, never in
 *       a poll. A channel's window ({@link io.ferry.drivers.opcua.HistoryWindow}, pure) starts after
 *       the newest source time held (the buffer's at open, then every value delivered) and ends
 *       before the session's first live value (poll mode: the first poll; subscribe mode: the
 *       channel's first notification in each new subscription, a channel without one has no window
 *       until it comes): no source time is delivered twice. An answer is
 *       stored before the next call; a run stops between calls and releases its continuation points.
 *       A session's windows are in the journal ({@link io.ferry.drivers.opcua.BackfillJournal})
 *       before its first live values are returned (or handed to the sink); a restart resumes each
 *       after the newest source time the buffer committed from history, so a crash never reads a
 *       value twice.
 *   <li>A write ({@link io.ferry.drivers.opcua.OpcUaWriter}) never overlaps a poll's Read (poll mode:
 *       the poll's lock) nor a connect or subscription being created (subscribe mode: it runs on the
 *       supervisor thread, and one not started within the request timeout is withdrawn unsent).
 *   <li>Time comes from the injected clock; a sample carries the source timestamp where the server
 *       gives one (configurable).
 * </ul>
 */
package io.ferry.drivers.opcua;
