package io.ferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry demo} as a newcomer runs it: a separate JVM, stopped with SIGTERM (what Ctrl-C and
 * systemd send), started again. The uploaded file holds exactly what the status line reported.
 */
class DemoProcessTest {
  private static final Pattern STATUS = Pattern.compile("polled (\\d+) \\| buffered (\\d+) \\| uploaded (\\d+) \\| backlog (\\d+)");

  private static final Pattern PAGE = Pattern.compile("^Status page: (http://127\\.0\\.0\\.1:\\d+/)");

  @TempDir Path dir;

  /** GET of the running demo's status server (the page is served while the demo runs). */
  private static String fetch(String url) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(java.time.Duration.ofSeconds(10)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET " + url).isIn(200, 503);
    return r.body();
  }

  record Finished(long uploaded, long buffered, int exit, List<String> out, String health) {}

  private Finished runUntilUploaded(long wanted) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx128m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--dir", dir.toString())
        .redirectError(dir.resolve("stderr.log").toFile())
        .start();
    List<String> out = new ArrayList<>();
    String health = null;
    String page = null;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      boolean signalled = false;
      while ((line = r.readLine()) != null) {
        out.add(line);
        Matcher url = PAGE.matcher(line);
        if (url.find()) {
          page = url.group(1);
        }
        Matcher m = STATUS.matcher(line);
        if (health == null && page != null && m.find()) {
          health = fetch(page + "health"); // the agent runs once it prints status lines
          m.reset();
        }
        if (!signalled && m.find() && Long.parseLong(m.group(3)) >= wanted) {
          // SIGTERM, like Ctrl-C or systemctl stop (Process.destroy would also close our end of stdout)
          p.toHandle().destroy();
          signalled = true;
        }
      }
    } finally {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    String last = out.get(out.size() - 1);
    assertThat(last).as("the last line is the final status").contains(" stopped: polled ");
    Matcher m = STATUS.matcher(last);
    assertThat(m.find()).isTrue();
    return new Finished(Long.parseLong(m.group(3)), Long.parseLong(m.group(2)), p.exitValue(), out, health);
  }

  @Test
  void statusLineMatchesTheUploadedFileAcrossARestart() throws Exception {
    Path uploaded = dir.resolve("uploaded.jsonl");
    Finished first = runUntilUploaded(5);
    assertThat(first.exit()).as("clean stop on SIGTERM (stderr in %s)", dir.resolve("stderr.log")).isZero();
    assertThat(Files.readAllLines(uploaded)).hasSize((int) first.uploaded());
    assertThat(first.out().get(0)).as("the status page's URL comes first").startsWith("Status page: http://127.0.0.1:");
    assertThat(first.out().get(1)).startsWith("Ferry demo: simulated instruments");
    assertThat(first.health()).as("/health of the running demo").contains("\"instruments\"").contains("\"uplinks\"");

    Finished second = runUntilUploaded(5);
    assertThat(Files.readAllLines(uploaded)).hasSize((int) (first.uploaded() + second.uploaded()));
    assertThat(second.buffered()).isPositive();
  }
}
