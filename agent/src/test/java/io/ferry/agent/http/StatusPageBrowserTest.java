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
 * instrument and charts with data points, and a screenshot is saved as target/status.png. At a
 * phone's width (390 px) every cell of the instrument table must be reachable: inside the viewport
 * or inside the scroll area of a box that is (screenshot target/status-phone.png).
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

  /**
   * Measures the page in the browser: the page as the agent serves it (its data inline, so it
   * renders without fetching), with a script after the page's own that lists every instrument
   * cell no one can reach at this width (outside the viewport and outside any scroll box within
   * it), and whether the page itself is wider than the viewport. Headless Chromium's window is at
   * least 500 px wide, so the page runs in a 390 px iframe of a harness page and posts its
   * findings up to it, where {@code --dump-dom} reads them. Loaded from files, so the page's
   * refresh fetch fails harmlessly; the layout is that of the served page.
   */
  static final String LAYOUT_CHECK = """
      <script>
      (function () {
        var vw = document.documentElement.clientWidth, out = [];
        if (document.documentElement.scrollWidth > vw + 1) {
          out.push("page is " + document.documentElement.scrollWidth + " px wide in a " + vw + " px viewport");
        }
        function scroller(e) {
          for (var b = e.parentElement; b && b !== document.body; b = b.parentElement) {
            var o = getComputedStyle(b).overflowX;
            if (o === "auto" || o === "scroll") return b;
          }
          return null;
        }
        var cells = document.querySelectorAll("#instruments th, #instruments td");
        cells.forEach(function (c) {
          var r = c.getBoundingClientRect(), box = scroller(c), ok = r.left >= -0.5 && r.right <= vw + 0.5;
          if (!ok && box) {
            var b = box.getBoundingClientRect(), start = b.left - box.scrollLeft;
            ok = b.left >= -0.5 && b.right <= vw + 0.5 && r.left >= start - 0.5 && r.right <= start + box.scrollWidth + 0.5;
          }
          if (!ok) out.push("cell '" + c.textContent.slice(0, 30) + "' at " + Math.round(r.left) + ".." + Math.round(r.right) + " px");
        });
        parent.postMessage({cells: cells.length, width: vw, problems: out.join("\\n")}, "*");
      })();
      </script>
      """;

  static final String HARNESS = """
      <!doctype html><html><body style="margin:0">
      <iframe src="status-measured.html" style="border:0;width:390px;height:6000px"></iframe>
      <script>
      window.addEventListener("message", function (m) {
        var pre = document.createElement("pre");
        pre.id = "layout-check";
        pre.setAttribute("data-cells", String(m.data.cells));
        pre.setAttribute("data-width", String(m.data.width));
        pre.textContent = m.data.problems;
        document.body.appendChild(pre);
      });
      </script>
      </body></html>
      """;

  @Test
  void atAPhonesWidthEveryColumnOfTheInstrumentTableIsReachable() throws Exception {
    Optional<Path> chromium = chromium();
    assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium; .ci/run does): status page browser test skipped");
    run = new RunningAgent(dir, true);
    // Failing polls and a refusing cloud: long error texts in the last error column.
    await().atMost(Duration.ofSeconds(30)).until(() -> run.observatory.health().instruments().stream()
        .anyMatch(i -> !i.lastError().isEmpty()) && run.unavailable.get() > 0);
    String served = run.get("").body();
    assertThat(served).contains("</body>");
    Path page = dir.resolve("status-measured.html");
    Files.writeString(page, served.replace("</body>", LAYOUT_CHECK + "</body>"), StandardCharsets.UTF_8);
    Path harness = dir.resolve("harness.html");
    Files.writeString(harness, HARNESS, StandardCharsets.UTF_8);

    Document dom = Jsoup.parse(chrome(chromium.get(), dir, harness.toUri(), "--virtual-time-budget=2000", "--dump-dom"));
    Element check = dom.selectFirst("#layout-check");
    assertThat(check).as("the layout check ran").isNotNull();
    assertThat(check.attr("data-width")).isEqualTo("390");
    assertThat(Integer.parseInt(check.attr("data-cells"))).as("header and two instrument rows of 7 cells").isEqualTo(21);
    assertThat(check.text()).as("cells out of reach at 390 px").isEmpty();

    Path shot = Path.of("target", "status-phone.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    chrome(chromium.get(), "--virtual-time-budget=2000", "--hide-scrollbars", "--screenshot=" + shot, "--window-size=390,1400");
    assertThat(shot).exists();
    assertThat(new String(Files.readAllBytes(shot), 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  private static int points(Element svg) {
    Element line = svg.selectFirst("polyline");
    return line == null ? 0 : line.attr("points").trim().split("\\s+").length;
  }
}
