package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IoCausesTest {
  static Stream<Arguments> causes() {
    return Stream.of(
        Arguments.of(new ConnectException("Connection refused (x)"), "connection refused"),
        Arguments.of(new UnknownHostException("plc.example"), "unknown host plc.example"),
        Arguments.of(new UnknownHostException(), "unknown host"),
        Arguments.of(new NoRouteToHostException("No route"), "no route to host"),
        Arguments.of(new SocketTimeoutException("Read timed out"), "timed out"),
        Arguments.of(new TimeoutException(), "timed out"),
        Arguments.of(new AccessDeniedException("/etc/ferry"), "permission denied"),
        Arguments.of(new NoSuchFileException("/etc/ferry"), "does not exist"),
        Arguments.of(new NotDirectoryException("/etc/ferry"), "not a directory"),
        Arguments.of(new FileSystemLoopException("/etc/ferry"), "symbolic link loop"),
        Arguments.of(new FileAlreadyExistsException("/var/lib/ferry"), "already exists and is not a directory"),
        Arguments.of(new DirectoryNotEmptyException("/var/lib/ferry"), "directory not empty"),
        Arguments.of(new FileSystemException("/x", null, "Read-only file system"), "read-only file system"),
        Arguments.of(new FileSystemException("/x", null, "  Too many levels of symbolic links  "), "symbolic link loop"),
        Arguments.of(new FileSystemException("/x", null, " "), "/x:"),
        Arguments.of(new SecurityException("denied by policy"), "permission denied"),
        Arguments.of(new IOException(" disk on fire "), "disk on fire"),
        Arguments.of(new IOException("java.io.IOException: nested"), "input/output error"),
        Arguments.of(new IOException(), "input/output error"),
        Arguments.of(new UncheckedIOException(new AccessDeniedException("/x")), "permission denied"),
        Arguments.of(new UncheckedIOException("a wrapper", new IOException()), "input/output error"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("causes")
  void namesTheCauseInTheOperatorsWords(Throwable e, String expected) {
    assertThat(IoCauses.describe(e)).isEqualTo(expected);
  }

  static Stream<Arguments> messages() {
    return Stream.of(
        Arguments.of(new IOException("mb unit 1: cannot connect to modbus-tcp 127.0.0.1:1: connection refused"),
            "mb unit 1: cannot connect to modbus-tcp 127.0.0.1:1: connection refused"),
        Arguments.of(new IOException("java.net.ConnectException: Connection refused"), "Connection refused"),
        Arguments.of(new IOException("wrapped: SimulatedFailureException: poll 3 failed"), "wrapped: poll 3 failed"),
        Arguments.of(new NoSuchFileException("/proc/nope"), "/proc/nope: does not exist"),
        Arguments.of(new AccessDeniedException("/etc/ferry/agent.yaml"), "/etc/ferry/agent.yaml: permission denied"),
        Arguments.of(new FileSystemException("/a", "/b", "Read-only file system"), "/a -> /b: read-only file system"),
        Arguments.of(new ConnectException("Connection refused"), "connection refused"),
        Arguments.of(new ConnectException("connect to plc:502 failed"), "connection refused: connect to plc:502 failed"),
        Arguments.of(new SocketTimeoutException("Read timed out"), "timed out"),
        Arguments.of(new SocketTimeoutException(), "timed out"),
        Arguments.of(new UnknownHostException("plc.example"), "unknown host plc.example"),
        Arguments.of(new java.util.concurrent.CompletionException(new IOException("disk on fire")), "disk on fire"),
        Arguments.of(new java.util.concurrent.ExecutionException(new java.util.concurrent.CompletionException(
            new NoSuchFileException("/x"))), "/x: does not exist"),
        Arguments.of(new RuntimeException(new IOException("the cause says it")), "the cause says it"),
        Arguments.of(new IllegalStateException(), "internal error (details in the debug log)"),
        Arguments.of(new NullPointerException(), "internal error (details in the debug log)"),
        Arguments.of(new IOException(), "input/output error"),
        Arguments.of(new TimeoutException(), "timed out"),
        Arguments.of(new InterruptedException(), "interrupted"),
        Arguments.of(new IllegalStateException("status Bad_InternalError: \n the server failed"),
            "status Bad_InternalError: the server failed"),
        Arguments.of(new IllegalArgumentException("org.eclipse.milo.opcua.stack.core.UaException: status=Bad_Timeout"),
            "status=Bad_Timeout"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("messages")
  void aFailureReadsAsWordsWithoutAClassName(Throwable e, String expected) {
    assertThat(IoCauses.message(e)).isEqualTo(expected).doesNotContain("Exception").doesNotContain("java.");
  }
}
