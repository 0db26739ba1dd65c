/**
 * MQTT 3.1.1 input (Eclipse Paho {@code mqttv3}): topic filters with wildcards, topic levels mapped
 * to channel names, JSON / number / text payloads.
 *
 * <p>Invariants: a message is acknowledged to the broker only after the sink's future completed
 * (the samples are durable), and acknowledgements go out in arrival order; the session is
 * persistent (clean session off) under a client id that stays the same across restarts; a
 * payload Ferry cannot read is counted ({@code malformed}), logged at most once a minute, and
 * acknowledged so that it cannot block the session; nothing thrown from decoding reaches Paho;
 * planning and decoding are pure (time is passed in from the injected clock); TLS always
 * verifies the broker's certificate ({@link io.ferry.config.TlsSockets}, shared with the MQTT uplinks).
 */
package io.ferry.drivers.mqtt;
