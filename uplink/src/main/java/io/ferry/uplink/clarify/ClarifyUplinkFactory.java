package io.ferry.uplink.clarify;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.config.AgentConfig;
import io.ferry.config.Durations;
import io.ferry.config.Fields;
import io.ferry.config.InstrumentInfo;
import io.ferry.config.Secret;
import io.ferry.config.UplinkSection;
import io.ferry.core.ChannelSpec;
import io.ferry.core.Route;
import io.ferry.core.Stat;
import io.ferry.http.BaseUrl;
import io.ferry.http.HttpClassifier;
import io.ferry.http.Redact;
import io.ferry.uplink.RunnerSettings;
import io.ferry.uplink.UplinkContext;
import io.ferry.uplink.UplinkFactory;
import io.ferry.uplink.UplinkPlan;
import io.ferry.uplink.UplinkRunner;
import io.ferry.uplink.UplinkService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/** {@code type: clarify}: JSON-RPC {@code integration.insert} data frames. */
public final class ClarifyUplinkFactory implements UplinkFactory {
  /** Clarify's integration id: {@code ^[a-v0-9]{20}$}. */
  static final Pattern INTEGRATION = Pattern.compile("[a-v0-9]{20}");
  /** Clarify advises at most one sample per minute per signal on average. */
  static final Duration ADVISED_INTERVAL = Duration.ofMinutes(1);

  @Override
  public String type() {
    return ClarifyPlan.TYPE;
  }

  @Override
  public Set<Route> routes() {
    return EnumSet.of(Route.RAW, Route.ROLLUP);
  }

  @Override
  public Optional<UplinkPlan> plan(UplinkSection section, AgentConfig agent, List<InstrumentInfo> instruments) {
    Fields f = section.fields();
    Optional<CredentialsFile> file = f.has("credentials") ? f.secret("credentials").flatMap(s -> CredentialsFile.read(f, s))
        : Optional.empty();
    Optional<HttpUrl> apiUrl = apiUrl(f, file);
    Optional<String> integration = f.string("integration").or(() -> file.flatMap(CredentialsFile::integration));
    if (integration.isEmpty() && !f.has("credentials")) {
      f.error("integration", "missing required key \"integration\" (the Clarify integration id)");
    } else if (integration.isPresent() && !INTEGRATION.matcher(integration.get()).matches()) {
      f.error("integration", "expected a Clarify integration id (20 characters a-v, 0-9), got \"" + integration.get() + "\"");
      integration = Optional.empty();
    }
    Optional<ClarifyPlan.Auth> auth = auth(f, file, integration, apiUrl);
    Optional<String> rawKeys = f.template("inputKey", InputKeys.DEFAULT_RAW, InputKeys.RAW_PLACEHOLDERS);
    Optional<String> rollupKeys = f.template("rollupInputKey", InputKeys.DEFAULT_ROLLUP, InputKeys.ROLLUP_PLACEHOLDERS);
    // A refused template is one error; the keys below follow the default so they add no more.
    String rawTemplate = rawKeys.orElse(InputKeys.DEFAULT_RAW);
    String rollupTemplate = rollupKeys.orElse(InputKeys.DEFAULT_ROLLUP);
    Map<String, String> overrides = new HashMap<>();
    f.object("inputKeys").ifPresent(o -> {
      for (String k : o.keys()) {
        o.string(k).ifPresent(v -> overrides.put(k, v));
      }
    });
    Map<String, List<String>> labels = new LinkedHashMap<>();
    f.object("labels").ifPresent(o -> {
      for (String k : o.keys()) {
        labels.put(k, o.strings(k));
      }
    });
    long maxBytes = f.size("maxRequestSize", ClarifyPlan.API_MAX_REQUEST_BYTES);
    if (maxBytes < 4096 || maxBytes > ClarifyPlan.API_MAX_REQUEST_BYTES) {
      f.error("maxRequestSize", "must be between 4KiB and 8MiB (Clarify's request limit), got " + maxBytes + " bytes");
      maxBytes = ClarifyPlan.API_MAX_REQUEST_BYTES;
    }
    RunnerSettings runner = RunnerSettings.read(f, 100_000, ClarifyPlan.API_MIN_INTERVAL, Duration.ofSeconds(1));
    if (runner.minInterval().compareTo(ClarifyPlan.API_MIN_INTERVAL) < 0) {
      f.error("minInterval", "Clarify takes at most 1 request/s per integration: must be at least 1s");
    }

    Map<ClarifyPlan.Series, ClarifyPlan.Signal> signals = new LinkedHashMap<>();
    Map<String, String> keyOwners = new HashMap<>();
    boolean badKeys = false;
    for (InstrumentInfo inst : instruments) {
      boolean fastRaw = false;
      for (ChannelSpec spec : inst.channels()) {
        Map<String, List<String>> l = new LinkedHashMap<>(labels);
        l.put("instrument", List.of(inst.id()));
        if (spec.routes(section.name(), Route.RAW)) {
          ClarifyPlan.Series series = ClarifyPlan.Series.raw(spec.id());
          String key = overrides.getOrDefault(series.label(), InputKeys.key(rawTemplate, inst.id(), spec.id().channel(), null));
          signals.put(series, new ClarifyPlan.Signal(key, inst.id() + " " + spec.id().channel(), spec.description(), spec.unit(), l,
              Optional.of(inst.poll())));
          fastRaw |= inst.poll().compareTo(ADVISED_INTERVAL) < 0;
        }
        if (spec.routes(section.name(), Route.ROLLUP) && spec.rollup().isPresent()) {
          Duration every = spec.rollup().get().every();
          for (Stat stat : spec.rollup().get().stats()) {
            ClarifyPlan.Series series = new ClarifyPlan.Series(spec.id(), stat);
            String key = overrides.getOrDefault(series.label(), InputKeys.key(rollupTemplate, inst.id(), spec.id().channel(), stat));
            String what = stat.name().toLowerCase(Locale.ROOT) + " per " + Durations.format(every);
            signals.put(series, new ClarifyPlan.Signal(key, inst.id() + " " + spec.id().channel() + " " + what,
                spec.description(), stat == Stat.COUNT ? "" : spec.unit(), l, Optional.of(every)));
          }
        }
      }
      if (fastRaw) {
        f.warn("instrument " + inst.id() + " routes raw samples here every " + Durations.format(inst.poll())
            + ": Clarify advises at most 1 sample/min per signal on average (signals above your plan may be billed); "
            + "route a 1m rollup instead");
      }
    }
    // One problem is one line: a template that gives every statistic of a channel the same key
    // is reported once, naming all the series that share it.
    Map<String, List<String>> sharing = new LinkedHashMap<>();
    Map<String, String> sharingWhere = new HashMap<>();
    Set<String> invalidReported = new java.util.HashSet<>();
    for (Map.Entry<ClarifyPlan.Series, ClarifyPlan.Signal> e : signals.entrySet()) {
      String key = e.getValue().inputKey();
      String where = overrides.containsKey(e.getKey().label()) ? "inputKeys" : e.getKey().stat() == null ? "inputKey" : "rollupInputKey";
      if (!InputKeys.valid(key)) {
        badKeys = true;
        // The rollup template fails the same way for each statistic of a channel: say it once.
        if (invalidReported.add(where + " " + e.getKey().channel())) {
          List<String> alike = signals.entrySet().stream()
              .filter(o -> o.getKey().channel().equals(e.getKey().channel()) && o.getKey() != e.getKey()
                  && (o.getKey().stat() == null) == (e.getKey().stat() == null) && !overrides.containsKey(o.getKey().label())
                  && !InputKeys.valid(o.getValue().inputKey()))
              .map(o -> o.getKey().label()).toList();
          f.error(where, "input key \"" + key + "\" of " + e.getKey().label() + " is not a Clarify input key "
              + "(1 to 128 of a-z A-Z 0-9 - _ : . # + /)"
              + (alike.isEmpty() || where.equals("inputKeys") ? "" : "; nor are the keys of " + String.join(", ", alike)));
        }
      }
      String other = keyOwners.putIfAbsent(key, e.getKey().label());
      sharing.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getKey().label());
      if (other != null) {
        sharingWhere.putIfAbsent(key, where);
      }
    }
    for (Map.Entry<String, List<String>> s : sharing.entrySet()) {
      List<String> owners = s.getValue();
      if (owners.size() > 1) {
        badKeys = true;
        f.error(sharingWhere.get(s.getKey()), "input key \"" + s.getKey() + "\" is given to "
            + (owners.size() == 2 ? "both " : "all of ") + String.join(", ", owners.subList(0, owners.size() - 1))
            + " and " + owners.get(owners.size() - 1) + "; make the template or inputKeys tell them apart");
      }
    }
    for (String k : overrides.keySet()) {
      if (signals.keySet().stream().noneMatch(s -> s.label().equals(k))) {
        f.warn("inputKeys", "\"" + k + "\" is not a series routed to this uplink, ignored (write instrument/channel, or "
            + "instrument/channel:stat for a rollup statistic)");
      }
    }
    if (apiUrl.isEmpty() || integration.isEmpty() || auth.isEmpty() || badKeys || rawKeys.isEmpty() || rollupKeys.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ClarifyPlan(section.name(), apiUrl.get(), integration.get(), auth.get(), maxBytes, signals, runner));
  }

  /** {@code url} + {@code /v1/}, or the credentials file's {@code apiUrl}. */
  private static Optional<HttpUrl> apiUrl(Fields f, Optional<CredentialsFile> file) {
    if (!f.has("url") && file.isPresent() && file.get().apiUrl().isPresent()) {
      return file.get().apiUrl();
    }
    return BaseUrl.read(f, "url", "https://api.clarify.io")
        .map(u -> u.newBuilder().addPathSegment("v1").addPathSegment("").build());
  }

  private static Optional<ClarifyPlan.Auth> auth(Fields f, Optional<CredentialsFile> file, Optional<String> integration,
      Optional<HttpUrl> apiUrl) {
    boolean oauth = f.choice("auth", List.of("basic", "client-credentials")).map("client-credentials"::equals)
        .orElse(f.has("clientId") || file.map(CredentialsFile::oauth).orElse(false));
    // A credentials file that was refused is already reported: do not also report what it would have given.
    boolean fromFile = f.has("credentials");
    String audience = f.string("audience", apiUrl.map(HttpUrl::toString).orElse("https://api.clarify.io/v1/"));
    if (oauth) {
      Optional<String> clientId = f.string("clientId").or(() -> file.flatMap(CredentialsFile::clientId));
      Optional<Secret> secret = f.has("clientSecret") ? Redact.plausible(f, "clientSecret", f.secret("clientSecret"))
          : file.flatMap(CredentialsFile::clientSecret);
      if (clientId.isEmpty() && !fromFile) {
        f.error("clientId", "missing required key \"clientId\" (OAuth client credentials)");
      }
      if (secret.isEmpty() && !fromFile && !f.has("clientSecret")) {
        f.error("clientSecret", "missing required key \"clientSecret\" (a ${env:NAME} or ${file:PATH} reference)");
      }
      return clientId.isPresent() && secret.isPresent()
          ? Optional.of(new ClarifyPlan.Auth.ClientCredentials(clientId.get(), secret.get(), audience)) : Optional.empty();
    }
    Optional<String> user = f.string("username").or(() -> file.flatMap(CredentialsFile::username)).or(() -> integration);
    Optional<Secret> password = f.has("password") || !fromFile ? Redact.requiredSecret(f, "password")
        : file.flatMap(CredentialsFile::password);
    return user.isPresent() && password.isPresent() ? Optional.of(new ClarifyPlan.Auth.Basic(user.get(), password.get()))
        : Optional.empty();
  }

  @Override
  public UplinkService open(UplinkPlan plan, UplinkContext context) {
    ClarifyPlan p = (ClarifyPlan) plan;
    return new UplinkRunner(p.name(), p.type(), p.runner(), new ClarifyHandler(p, context.buffer().uplinkState(p.name()),
        context.clock()), context);
  }

  /**
   * A Clarify credentials file ({@code clarify-credentials.json}) read through a secret reference:
   * {@code {"apiUrl", "integration", "credentials": {"type": "client-credentials"|"basic-auth", ...}}}.
   */
  record CredentialsFile(JsonNode root, Secret source) {
    static Optional<CredentialsFile> read(Fields f, Secret secret) {
      Optional<JsonNode> root = HttpClassifier.parse(secret.reveal()).filter(JsonNode::isObject);
      if (root.isEmpty() || !root.get().path("credentials").isObject()) {
        f.error("credentials", secret.source() + " is not a Clarify credentials file (JSON with \"credentials\": {\"type\": ...})");
        return Optional.empty();
      }
      String type = root.get().path("credentials").path("type").asText("");
      if (!type.equals("client-credentials") && !type.equals("basic-auth")) {
        f.error("credentials", secret.source() + ": credentials.type must be client-credentials or basic-auth, got \"" + type + "\"");
        return Optional.empty();
      }
      JsonNode apiUrl = root.get().path("apiUrl");
      if (!apiUrl.isMissingNode() && !apiUrl.isNull() && (!apiUrl.isTextual() || HttpUrl.parse(apiUrl.asText()) == null)) {
        // Never fall back to the default URL: the file names another deployment on purpose.
        f.error("credentials", secret.source() + ": apiUrl must be an http:// or https:// URL, got "
            + (apiUrl.isTextual() ? "\"" + apiUrl.asText() + "\"" : apiUrl.toString()));
        return Optional.empty();
      }
      CredentialsFile file = new CredentialsFile(root.get(), secret);
      Optional<Secret> key = file.oauth() ? file.clientSecret() : file.password();
      if (key.isEmpty()) {
        f.error("credentials", secret.source() + ": credentials." + (file.oauth() ? "clientSecret" : "password") + " is missing");
        return Optional.empty();
      }
      if (Redact.plausible(f, "credentials", key).isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(file);
    }

    boolean oauth() {
      return root.path("credentials").path("type").asText().equals("client-credentials");
    }

    Optional<HttpUrl> apiUrl() {
      return text("apiUrl").map(HttpUrl::parse).map(u -> u.encodedPath().endsWith("/") ? u : u.newBuilder().addPathSegment("").build());
    }

    Optional<String> integration() {
      return text("integration");
    }

    Optional<String> clientId() {
      return Optional.ofNullable(root.path("credentials").path("clientId").textValue()).filter(s -> !s.isEmpty());
    }

    Optional<String> username() {
      return Optional.ofNullable(root.path("credentials").path("username").textValue()).filter(s -> !s.isEmpty());
    }

    Optional<Secret> clientSecret() {
      return secret("clientSecret");
    }

    Optional<Secret> password() {
      return secret("password");
    }

    private Optional<Secret> secret(String field) {
      String v = root.path("credentials").path(field).textValue();
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(new Secret(source.source() + " credentials." + field, v));
    }

    private Optional<String> text(String field) {
      String v = root.path(field).textValue();
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    @Override
    public String toString() {
      return "CredentialsFile[" + source.source() + "]";
    }
  }
}
