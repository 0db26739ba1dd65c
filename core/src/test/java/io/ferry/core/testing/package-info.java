/** Test fixtures shared across the modules (a hand-moved clock, fixed randomness). Test sources only. */
package io.ferry.core.testing;
