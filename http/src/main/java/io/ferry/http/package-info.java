/**
 * The one HTTP policy of Ferry's HTTP clients: every uplink and the subscription mirror.
 *
 * <p>Each API keeps its own words (GroveStreams' {@code success:false}, CDF's rejected cursor,
 * Clarify's JSON-RPC errors) and asks this package for everything else, so the same answer means the
 * same thing wherever it comes from (issue 29).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@link io.ferry.http.HttpClassifier} is pure and never rejects records: 401/403 are refused
 *       credentials ({@link io.ferry.http.Verdict.Unauthorized}: pause), 408/425/429/5xx are transient
 *       ({@link io.ferry.http.Verdict.RetryAfter}, honouring Retry-After), 413 is
 *       {@link io.ferry.http.Verdict.TooLarge}, and every answer that did not come from the API (a
 *       redirect, 404/405/410, an HTML page, a 2xx of another shape) is
 *       {@link io.ferry.http.Verdict.Misconfigured}: pause, lose nothing, look again every
 *       {@link io.ferry.http.HttpPolicy#CONFIG_RETRY}.
 *   <li>No client follows a redirect ({@link io.ferry.http.HttpPolicy#apply}): credentials must not
 *       travel to another host, and a redirect means the address is wrong.
 *   <li>Secrets never reach a message: bodies pass through {@link io.ferry.http.Redact#echo} before
 *       anything quotes them, and quotes are at most {@link io.ferry.http.HttpClassifier#MAX_EXCERPT}
 *       characters; URLs are quoted without user info and query ({@link io.ferry.http.Redact#url}).
 *   <li>A base URL is https, or plain http to this machine only ({@link io.ferry.http.BaseUrl}); it
 *       never carries a query. Checked at planning, without DNS.
 *   <li>One OAuth client-credentials client ({@link io.ferry.http.ClientCredentials}): a token is
 *       renewed {@link io.ferry.http.ClientCredentials#MARGIN} before it expires (at most half its
 *       life), dropped only when the API refused that very token; thread-safe.
 * </ul>
 *
 * <p>Depends on core and config only; uplink and mirror depend on it (ARCHITECTURE.md).
 */
package io.ferry.http;
