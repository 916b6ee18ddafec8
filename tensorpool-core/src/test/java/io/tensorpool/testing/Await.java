package io.tensorpool.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Poll a condition with a deadline instead of sleeping. */
public final class Await
{
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private Await()
    {
    }

    /** Run {@code step} (e.g. a duty cycle) until {@code done} holds, failing with {@code what} after the timeout. */
    public static void until(final String what, final BooleanSupplier done, final Runnable step)
    {
        until(what, DEFAULT_TIMEOUT, done, step);
    }

    public static void until(final String what, final Duration timeout, final BooleanSupplier done, final Runnable step)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            step.run();
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    public static void until(final String what, final BooleanSupplier done)
    {
        until(what, done, () -> {});
    }
}
