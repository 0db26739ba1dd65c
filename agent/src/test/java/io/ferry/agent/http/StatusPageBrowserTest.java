package io.ferry.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: headless Chromium (Debian package {@code chromium}, which
 * .ci/run installs) loads {@code /} from a running agent; the rendered DOM must show a row per
 * instrument and charts with data points, and a screenshot is saved as target/status.png.
 */
public class StatusPageBrowserTest {
  @TempDir Path dir;
  RunningAgent run;

  @AfterEach
  void stop() throws IOException {
    if (run != null) {
      run.close();
    }
  }

  public static Optional<Path> chromium() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(d, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  private String chrome(Path chromium, String... extra) throws IOException, InterruptedException {
    return chrome(chromium, dir, run.uri(), extra);
  }

  /** Runs headless Chromium on {@code page} with {@code extra} flags (files in {@code dir}); its standard output. */
  public static String chrome(Path chromium, Path dir, java.net.URI page, String... extra) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
    cmd.addAll(List.of(extra));
    cmd.add(page.toString());
    Path out = dir.resolve("chromium-" + System.nanoTime() + ".out");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(dir.resolve("chromium.err").toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + cmd);
    }
    assertThat(p.exitValue()).as("chromium exit (stderr in %s)", dir.resolve("chromium.err")).isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  @Test
  void theRenderedPageShowsEveryInstrumentAndChartsWithData() throws Exception {
    Optional<Path> chromium = chromium();
    assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium; .ci/run does): status page browser test skipped");
    run = new RunningAgent(dir, false);
    // A few looks of history, so the charts have points to draw.
    await().atMost(Duration.ofSeconds(30)).until(() -> run.observatory.backlogHistory().get("gs").size() >= 5
        && run.observatory.latencyHistory().get("kiln").size() >= 5);

    Document dom = Jsoup.parse(chrome(chromium.get(), "--virtual-time-budget=2000", "--dump-dom"));

    assertThat(dom.select("#overall").text()).isIn("healthy", "unhealthy");
    List<Element> rows = dom.select("#instruments tr.instrument");
    assertThat(rows).extracting(r -> r.attr("data-id")).containsExactly("kiln", "press");
    for (Element row : rows) {
      assertThat(row.select(".badge").text()).isIn("ok", "starting", "failing");
      Element spark = row.selectFirst("svg.chart.sparkline");
      assertThat(spark).as("latency sparkline of " + row.attr("data-id")).isNotNull();
      assertThat(points(spark)).as("sparkline points").isGreaterThanOrEqualTo(2)
          .isEqualTo(Integer.parseInt(spark.attr("data-points")));
    }
    Element uplink = dom.selectFirst("section.uplink[data-name=gs]");
    assertThat(uplink).isNotNull();
    Element backlog = uplink.selectFirst("svg.chart.backlog");
    assertThat(backlog).isNotNull();
    assertThat(points(backlog)).isGreaterThanOrEqualTo(5);
    assertThat(uplink.select(".catch-up").text()).isNotBlank();
    assertThat(dom.select("#buffer").text()).contains("maxSize 64.0 MiB");

    Path shot = Path.of("target", "status.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    chrome(chromium.get(), "--virtual-time-budget=2000", "--hide-scrollbars", "--screenshot=" + shot, "--window-size=1200,900");
    assertThat(shot).exists();
    byte[] png = Files.readAllBytes(shot);
    assertThat(png.length).isGreaterThan(10_000);
    assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  private static int points(Element svg) {
    Element line = svg.selectFirst("polyline");
    return line == null ? 0 : line.attr("points").trim().split("\\s+").length;
  }
}
