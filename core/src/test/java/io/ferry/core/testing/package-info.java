/** Test fixtures shared across the agent's packages (a hand-moved clock). Test sources only. */
package io.ferry.core.testing;
