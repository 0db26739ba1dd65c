/**
 * Subscription mirror: a local, durable copy of a Cognite Data Fusion datapoint subscription.
 *
 * <h2>Flow</h2>
 * {@link io.ferry.mirror.MirrorPlanner} turns the {@code mirror:} section of agent.yaml into
 * an immutable {@link io.ferry.mirror.MirrorPlan}. {@link io.ferry.mirror.MirrorService}
 * runs one worker thread per partition: {@code POST .../timeseries/subscriptions/data/list} with the
 * stored cursor, classify the answer ({@link io.ferry.mirror.ResponseClassifier}, pure),
 * decode it ({@link io.ferry.mirror.BatchParser}, pure), apply it and store its
 * {@code nextCursor} in one transaction, repeat while {@code hasNext}, then long-poll.
 *
 * <h2>Tables (in the buffer's SQLite file, own connection, WAL)</h2>
 * <pre>
 * mirror_meta(key TEXT PRIMARY KEY, value TEXT)            -- schema_version = 1
 * mirror_series(id INTEGER PRIMARY KEY,                    -- CDF internal time series id
 *               external_id TEXT, instance_space TEXT, instance_external_id TEXT,
 *               is_string INTEGER, member INTEGER,          -- member: 1 while in the subscription
 *               changed_at INTEGER)                         -- local ms of the last membership change
 * mirror_points(series INTEGER, ts INTEGER,                -- ts: ms since the epoch (CDF's unit)
 *               num REAL, str TEXT, status INTEGER,         -- status 0 = Good
 *               PRIMARY KEY(series, ts)) WITHOUT ROWID
 * mirror_cursors(subscription TEXT, partition INTEGER,     -- PRIMARY KEY(subscription, partition)
 *               cursor TEXT,                                -- nextCursor of the last applied response
 *               init_from INTEGER,                          -- while cursor IS NULL: start here (ms)
 *               cursor_at, polled_at, applied_at, caught_up_at INTEGER,  -- local ms
 *               responses INTEGER, last_error TEXT, error_at INTEGER)
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>A response's upserts, deletes, membership changes and its {@code nextCursor} are committed in
 *       one transaction. A crash before the commit leaves the previous cursor, so the response is
 *       asked for again: the mirror replays, it never skips.
 *   <li>Applying a response twice gives the same tables: upserts are insert-or-replace by
 *       (series, ts) with the status code, deletes are ranges {@code [inclusiveBegin, exclusiveEnd)}.
 *       Within one update, deletes are applied before upserts.
 *   <li>A series seen in an update before any membership change is recorded as a member; a series
 *       removed from the subscription keeps its points ({@code member = 0}) until retention.
 *   <li>When the server rejects a stored cursor, the cursor is replaced by {@code init_from} =
 *       last caught-up time minus {@code cursorMargin} (or the first start) in one transaction; the
 *       request then carries {@code initializeCursors} computed from it at request time, so a
 *       restart in between never moves the start forward.
 *   <li>Write transactions are {@code BEGIN IMMEDIATE ... COMMIT} on an auto-commit connection, so no
 *       lock is held between responses and the buffer's writer is never starved.
 *   <li>Retention deletes points whose timestamp is older than {@code retention}, at most hourly,
 *       one series per transaction; it then forgets removed series with no points left.
 *   <li>The buffer owns {@code PRAGMA user_version}; the mirror touches only {@code mirror_*} tables.
 *   <li>The client secret and tokens appear in no log line, exception or {@code toString}; server
 *       bodies pass through {@link io.ferry.http.Redact#echo} and are quoted at most
 *       {@link io.ferry.http.HttpClassifier#MAX_EXCERPT} characters.
 *   <li>An answer is judged by the uplinks' rules ({@link io.ferry.http.HttpClassifier}) once the
 *       API's own words (auto-retryable, a rejected cursor, its JSON error) are set aside: refused
 *       credentials (after one fresh token) and answers that are not the API's (redirect, HTML page,
 *       404) pause the partition for {@link io.ferry.http.HttpPolicy#AUTH_RETRY} or
 *       {@link io.ferry.http.HttpPolicy#CONFIG_RETRY}, its cursor kept: nothing is skipped.
 * </ul>
 */
package io.ferry.mirror;
