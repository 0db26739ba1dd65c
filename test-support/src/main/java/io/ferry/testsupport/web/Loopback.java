package io.ferry.testsupport.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On a {@code MockWebServer} field of a test class: the server is started on 127.0.0.1 (a free
 * port) before each test and closed after the test's own {@code @AfterEach} methods, so the uplinks
 * a test opened stop before their server does.
 *
 * <pre>{@code @Loopback final MockWebServer server = new MockWebServer();}</pre>
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LoopbackServers.class)
public @interface Loopback {}
