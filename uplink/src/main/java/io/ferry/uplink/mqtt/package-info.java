/**
 * The MQTT publishing uplink (Paho v3 client, QoS 1).
 *
 * <p>Invariants:
 * <ul>
 *   <li>A leased record is acknowledged in the buffer only after the broker's PUBACK for the message
 *       that carries it; records of messages without a PUBACK stay buffered and are published again
 *       (at least once: a PUBACK lost with the connection means a duplicate, with the same explicit
 *       times, never a loss).
 *   <li>One persistent session per gateway and uplink (clean session off, a stable client id); the
 *       client connects on demand and never reconnects on its own: a failed connect or publish is a
 *       {@link io.ferry.uplink.Delivery.Retry}, so reconnects follow the engine's backoff.
 *   <li>The status topic holds a retained {@code online} after each connect and {@code offline}
 *       after a clean stop; {@code offline} is also the retained last will, published by the broker
 *       when the connection dies without a DISCONNECT.
 *   <li>Message building ({@link io.ferry.uplink.mqtt.MqttMessages}) and topic templates
 *       ({@link io.ferry.uplink.mqtt.TopicTemplate}) are pure. TLS always verifies the broker
 *       ({@link io.ferry.config.TlsSockets}, shared with the MQTT instrument driver).
 * </ul>
 */
package io.ferry.uplink.mqtt;
