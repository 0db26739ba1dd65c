/**
 * OPC UA certificates and trust, apart from the drivers: which endpoint and security policy to
 * use ({@link io.ferry.drivers.opcua.security.EndpointSelector}), Ferry's own application
 * certificate ({@link io.ferry.drivers.opcua.security.ClientCertificate}), the operator's trust
 * list of server certificates ({@link io.ferry.drivers.opcua.security.ServerTrust}) and
 * thumbprints for comparing them by eye.
 *
 * <p>Invariants: a server certificate is trusted only by a file an operator put in
 * {@code trusted/} (or {@code ferry opcua trust} wrote after showing its thumbprints), never
 * automatically; rejected certificates are kept in {@code rejected/} for inspection; the private
 * key never leaves the instrument's state directory. Depends on nothing else in
 * {@code io.ferry.drivers.opcua}.
 */
package io.ferry.drivers.opcua.security;
