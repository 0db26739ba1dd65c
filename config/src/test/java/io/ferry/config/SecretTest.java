package io.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret's value never appears in any message, toString or problem. */
class SecretTest {
  private static final String VALUE = "s3cr3t-Value-42";
  @TempDir Path dir;

  private Optional<Secret> read(String yaml, Map<String, String> env, Problems problems) {
    ConfigContext ctx = ConfigContext.of(problems, env);
    Fields f = ctx.fields(YamlReader.read("agent.yaml", yaml, problems).orElseThrow(), "").orElseThrow();
    Optional<Secret> s = f.secret("apiKey");
    ctx.finish();
    return s;
  }

  @Test
  void resolvesEnvironmentReferenceAndRedactsIt() {
    Problems problems = new Problems();
    Secret s = read("apiKey: ${env:GS_KEY}\n", Map.of("GS_KEY", VALUE), problems).orElseThrow();
    assertThat(problems.all()).isEmpty();
    assertThat(s.reveal()).isEqualTo(VALUE);
    assertThat(s.toString()).doesNotContain(VALUE).contains("${env:GS_KEY}");
    assertThat(s.source()).isEqualTo("${env:GS_KEY}");
  }

  @Test
  void resolvesFileReferenceWithoutTrailingNewline() throws IOException {
    Path cred = dir.resolve("gs_key");
    Files.writeString(cred, VALUE + "\n");
    Problems problems = new Problems();
    Secret s = read("apiKey: ${file:" + cred + "}\n", Map.of(), problems).orElseThrow();
    assertThat(s.reveal()).isEqualTo(VALUE);
    assertThat(problems.all()).isEmpty();
  }

  /** Two newlines used to leave one in the token (every request 401); all trailing blanks go, inner ones stay. */
  @Test
  void everyTrailingLineBreakAndSpaceIsTrimmedFromAFileSecret() throws IOException {
    String[][] table = {
        {VALUE + "\n\n", VALUE},
        {VALUE + "\r\n\r\n", VALUE},
        {VALUE + " \t\n \n", VALUE},
        {VALUE + "\r", VALUE},
        {"a b\nc\n\n", "a b\nc"},
        {"  lead", "  lead"}};
    for (String[] row : table) {
      Path cred = dir.resolve("key");
      Files.writeString(cred, row[0]);
      Problems problems = new Problems();
      Secret s = read("apiKey: ${file:" + cred + "}\n", Map.of(), problems).orElseThrow();
      assertThat(s.reveal()).as("%s", row[0].replace("\n", "\\n")).isEqualTo(row[1]);
      assertThat(problems.all()).isEmpty();
    }
    Files.writeString(dir.resolve("key"), "\n\n  \n");
    Problems problems = new Problems();
    assertThat(read("apiKey: ${file:" + dir.resolve("key") + "}\n", Map.of(), problems)).isEmpty();
    assertThat(problems.toString()).contains("secret file " + dir.resolve("key") + " is empty");
  }

  @Test
  void literalSecretInYamlIsRejectedWithoutEchoingIt() {
    Problems problems = new Problems();
    assertThat(read("apiKey: " + VALUE + "\n", Map.of(), problems)).isEmpty();
    assertThat(problems.toString())
        .contains("agent.yaml:1:9 apiKey: secrets are never written in YAML; use ${env:NAME} or ${file:/run/credentials/ferry.service/NAME}")
        .doesNotContain(VALUE);
  }

  @Test
  void missingVariableAndMissingFileNameTheSourceOnly() {
    Problems problems = new Problems();
    read("apiKey: ${env:NOPE}\n", Map.of(), problems);
    read("apiKey: ${file:" + dir.resolve("absent") + "}\n", Map.of(), problems);
    assertThat(problems.toString())
        .contains("environment variable NOPE is not set")
        .contains("secret file " + dir.resolve("absent") + " does not exist")
        .doesNotContain("Exception");
  }

  @Test
  void configExceptionMessageNeverContainsResolvedValues() {
    Problems problems = new Problems();
    ConfigContext ctx = ConfigContext.of(problems, Map.of("K", VALUE));
    Fields f = ctx.fields(YamlReader.read("a.yaml", "apiKey: ${env:K}\nport: nope\n", problems).orElseThrow(), "").orElseThrow();
    Secret s = f.secret("apiKey").orElseThrow();
    f.integer("port", 0, 0, 65535);
    ConfigException e = new ConfigException(problems.all());
    assertThat(e.getMessage()).contains("port").doesNotContain(VALUE);
    assertThat(String.valueOf(s)).doesNotContain(VALUE);
  }
}
