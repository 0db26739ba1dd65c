/**
 * Modbus codec and request planning, pure: register tables and data types, the reads one poll
 * makes ({@link io.ferry.drivers.modbus.codec.RequestPlanner}, honouring learned splits) and the
 * decoding of their bytes into samples ({@link io.ferry.drivers.modbus.codec.ChannelDecoder}); the
 * encoding of a written value into one request ({@link io.ferry.drivers.modbus.codec.RegisterEncoder},
 * {@link io.ferry.drivers.modbus.codec.WriteFrame}), the exact inverse of the decoding.
 *
 * <p>Invariants: no I/O, no clock, no state beyond the arguments; bytes that do not form a valid
 * value never become a sample. Depends on nothing else in {@code io.ferry.drivers.modbus}.
 */
package io.ferry.drivers.modbus.codec;
