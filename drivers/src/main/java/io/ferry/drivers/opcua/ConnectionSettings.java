package io.ferry.drivers.opcua;

import io.ferry.core.Backoff;
import io.ferry.drivers.opcua.security.Identity;
import io.ferry.drivers.opcua.security.SecurityChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where and how to connect.
 *
 * @param endpoint the endpoint URL ({@code opc.tcp://host:port/path})
 * @param useEndpointHost when true, the host the server advertises in its endpoints is replaced by
 *     the host of {@code endpoint} (servers behind NAT or with a wrong hostname advertise addresses
 *     that cannot be reached)
 * @param backoff waits between failed connection attempts (backoffInitial, doubling up to backoffMax)
 * @param maxNodesPerRead a cap on the nodes per Read; 0 means "use the server's OperationLimits"
 * @param pkiDir the directory holding {@code trusted/} and {@code rejected/} server certificates; empty means {@code <stateDir>/pki}
 */
public record ConnectionSettings(
    String endpoint,
    SecurityChoice security,
    Identity identity,
    boolean useEndpointHost,
    Duration requestTimeout,
    Duration sessionTimeout,
    Backoff backoff,
    int maxNodesPerRead,
    Optional<Path> pkiDir) {}
