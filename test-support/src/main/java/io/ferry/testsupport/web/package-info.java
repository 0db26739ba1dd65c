/**
 * The uplink tests' HTTP server fixture: {@link io.ferry.testsupport.web.Loopback} on a
 * {@code MockWebServer} field replaces the start-in-{@code @BeforeEach}, close-in-{@code @AfterEach}
 * pair every uplink and end-to-end test wrote by hand.
 *
 * <p>Invariants: a server binds 127.0.0.1 on a free port (never a fixed one, never all interfaces);
 * it is started before the test's {@code @BeforeEach} methods and closed after its
 * {@code @AfterEach} methods, once per test; what it answers (the dispatcher) stays the test's business.
 */
package io.ferry.testsupport.web;
