package io.ferry.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * agent.yaml after its common keys were validated.
 *
 * @param gatewayId this gateway's name (sent as {@code X-Forwarded-For}, used in MQTT client ids)
 * @param stateDir where the buffer, certificates and state live ({@code /var/lib/ferry} by default)
 * @param uplinks by name, in file order
 * @param mirror the {@code mirror:} section, read by the mirror's own planner
 * @param http the {@code http:} section: the local status server (health, metrics, status page); empty = off
 */
public record AgentConfig(
    String gatewayId,
    Path stateDir,
    BufferSettings buffer,
    Map<String, UplinkSection> uplinks,
    Optional<Fields> mirror,
    Optional<HttpSettings> http,
    Fields fields) {}
