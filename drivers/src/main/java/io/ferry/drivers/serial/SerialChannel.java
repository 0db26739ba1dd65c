package io.ferry.drivers.serial;

import io.ferry.core.ChannelId;

/**
 * One channel of a serial instrument.
 *
 * @param command the request that makes the instrument print this channel's line (poll mode); empty in stream mode
 * @param text true for a text channel (the extracted text as is), false for a number
 */
public record SerialChannel(ChannelId id, String command, FieldRule rule, boolean text, double scale, double offset) {}
