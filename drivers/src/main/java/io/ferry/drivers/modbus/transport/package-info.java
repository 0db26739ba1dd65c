/**
 * Modbus transport: where a bus is ({@link io.ferry.drivers.modbus.transport.ModbusTransport}:
 * TCP, RTU on a serial port, RTU over TCP) and the link that sends one read and returns a
 * {@link io.ferry.drivers.modbus.transport.ReadResult} (digitalpetri client, no hand-written
 * framing).
 *
 * <p>Invariants: a link never throws for a device's answer or silence, it returns a result; it is
 * used from one bus thread only. Depends only on {@code modbus.codec} (the request) and
 * {@code serial.SerialSettings}.
 */
package io.ferry.drivers.modbus.transport;
