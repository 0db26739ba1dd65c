/**
 * The Sparkplug B 3.0 edge node uplink: the gateway is the edge node, each instrument a device,
 * each channel (and each rollup statistic and increment) a metric. Paho v3 is the client, Tahu
 * encodes the payloads; the SQLite buffer is the store-and-forward.
 *
 * <p>Invariants:
 * <ul>
 *   <li>One session per MQTT connection (clean session): {@code bdSeq} is read from the buffer's
 *       uplink state, advanced (mod 256) and committed before each CONNECT, and carried by the
 *       NDEATH will of that CONNECT and by every NBIRTH of the connection; a clean stop or a
 *       primary host going offline publishes that NDEATH before DISCONNECT.
 *   <li>{@code seq} is 0 in every NBIRTH and advances by one (mod 256) over every message of the
 *       session that follows (DBIRTH, DDATA), across leases; births and data are published under
 *       one lock, so a rebirth never interleaves with a batch.
 *   <li>Nothing but NDEATH is published before the births; with a primary host, births only after
 *       its STATE says online (a newer timestamp wins, older ones are ignored), and nothing while it
 *       is offline: the lease is released, the samples stay buffered.
 *   <li>A lease is acknowledged in the buffer only when its DDATA were all written and, at QoS 0, the
 *       broker has answered a later request on the same connection (so it has read them); at
 *       {@code dataQos: 1}, when every message carrying a record has its PUBACK.
 *   <li>DDATA carry aliases only and no datatypes; a value taken before the session's first NBIRTH
 *       is flagged {@code is_historical}. Aliases are unique within the edge node and follow the
 *       configuration order ({@link io.ferry.uplink.sparkplug.Devices}, pure).
 *   <li>A device is dead (DDEATH) exactly while the agent's {@link io.ferry.uplink.InstrumentWatch} says its
 *       instrument is down; it is born again (DBIRTH) before any DDATA once it is up, and a dead
 *       device's records go between a DBIRTH and a DDEATH: the host never gets DDATA of a device it
 *       holds dead. The watch's thread only hands the change to the control thread.
 *   <li>A rebirth request stops DATA at once: the messages already written count (after the round
 *       trip), the rest of the lease is released and goes after the new births.
 *   <li>A DCMD is a write through the agent's {@link io.ferry.uplink.InstrumentWrites} (source
 *       {@code sparkplug}): the uplink never judges whether a metric is writable and never opens a
 *       device. The writes run on the handler's own command thread, in arrival order, with a
 *       bounded queue: a device slow to answer never holds Paho's thread, births or rebirths.
 *   <li>Paho's callback thread never blocks: it hands STATE, NCMD and a lost connection to the
 *       handler's control thread, DCMD to the command thread. Waits for tokens end when the session ends (a lost connection, a
 *       host going offline), not only at the timeout: Paho may never complete tokens of a dead
 *       connection.
 * </ul>
 */
package io.ferry.uplink.sparkplug;
