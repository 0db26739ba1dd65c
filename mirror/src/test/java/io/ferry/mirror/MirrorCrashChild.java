package io.ferry.mirror;

import io.ferry.core.Sleeper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The child JVM of {@link MirrorCrashTest}: mirrors the parent's scripted subscription into a
 * database until it is killed with SIGKILL. Arguments: server base URL, database file.
 */
public final class MirrorCrashChild {
  private MirrorCrashChild() {}

  public static void main(String[] args) throws Exception {
    HttpUrl base = HttpUrl.get(args[0]);
    MirrorPlan plan = MirrorTesting.plan(base, List.of(), Optional.empty(), Duration.ofDays(30));
    MirrorService service = new MirrorService(plan, Path.of(args[1]), InstantSource.system(), new OkHttpClient(), Sleeper.system());
    service.start();
    System.out.println("mirroring");
    new CountDownLatch(1).await(); // until killed
  }
}
