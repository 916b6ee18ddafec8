package io.tensorpool.cli;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * When a long-running command should stop: on Ctrl-C or SIGTERM (a JVM shutdown hook), after an optional duration, or
 * when the command itself asks. The hook waits a bounded time for the command to {@link #close()} so that the final
 * summary is printed and resources (leases, mapped regions, the media driver) are released before the JVM exits.
 */
final class StopSignal implements AutoCloseable
{
    /** How long the shutdown hook waits for the command to finish cleanly. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private static final Set<StopSignal> ACTIVE = ConcurrentHashMap.newKeySet();

    private final long deadlineNs;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean stopRequested;
    private volatile boolean interrupted;

    private StopSignal(final Duration duration, final boolean installHook)
    {
        final long now = System.nanoTime();
        this.deadlineNs = duration == null ? Long.MAX_VALUE : now + duration.toNanos();
        if (installHook)
        {
            hook = new Thread(this::onShutdown, "tensorpool-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        else
        {
            hook = null;
        }
        ACTIVE.add(this);
    }

    /**
     * Stop every running command of this JVM as Ctrl-C would, for programs that run commands in-process (the
     * examples and the tests).
     */
    static void stopAll()
    {
        for (final StopSignal signal : ACTIVE)
        {
            signal.requestStop();
        }
    }

    /** Number of commands currently running in this JVM (in-process embedding and tests). */
    static int activeCount()
    {
        return ACTIVE.size();
    }

    /** Stop on Ctrl-C/SIGTERM, or after {@code duration} when it is not null. */
    static StopSignal install(final Duration duration)
    {
        return new StopSignal(duration, true);
    }

    /** True while the command should keep running. */
    boolean running()
    {
        return !stopRequested && System.nanoTime() - deadlineNs < 0;
    }

    /** Ask the command to stop (e.g. its count is reached or a fatal condition occurred). */
    void requestStop()
    {
        stopRequested = true;
    }

    /** True if the stop came from a signal rather than from the command or its duration. */
    boolean interruptedBySignal()
    {
        return interrupted;
    }

    /** The command has finished: release the shutdown hook (or let a waiting hook return). */
    @Override
    public void close()
    {
        ACTIVE.remove(this);
        finished.countDown();
        if (hook != null)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ignore)
            {
                // the JVM is already shutting down: the hook is running and now returns
            }
        }
    }

    private void onShutdown()
    {
        interrupted = true;
        stopRequested = true;
        try
        {
            finished.await(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
