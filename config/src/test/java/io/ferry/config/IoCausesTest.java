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
}
