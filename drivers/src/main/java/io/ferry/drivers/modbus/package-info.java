/**
 * Modbus TCP, RTU and RTU over TCP on the digitalpetri client (no hand-written framing).
 *
 * <p>Invariants: configuration is validated once into an immutable {@link io.ferry.drivers.modbus.ModbusPlan};
 * planning ({@link io.ferry.drivers.modbus.codec.RequestPlanner}) and decoding
 * ({@link io.ferry.drivers.modbus.codec.RegisterDecoder}) are pure and live in {@code codec}, apart from the
 * transport ({@code transport}: the link to a TCP host or serial port, and its settings); one bus (a TCP host:port or a serial port)
 * has exactly one thread and never has two requests in flight; a unit that does not answer is
 * backed off alone (exponential, capped) so the other units on its bus keep their rate; a read
 * never crosses an address the device rejected (learned from exception 2, kept in the
 * instrument's state directory); bytes that do not form a valid answer never become a value;
 * faults are counted per instrument and logged once per change of state, not per poll. A write is
 * one request of the read codec backwards ({@link io.ferry.drivers.modbus.codec.RegisterEncoder}),
 * queued on the same bus thread, so it never overlaps a read; only channels whose instrument file
 * says {@code write:} and whose table can be written are ever written.
 */
package io.ferry.drivers.modbus;
