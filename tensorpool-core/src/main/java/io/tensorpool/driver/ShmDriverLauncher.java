package io.tensorpool.driver;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link ShmDriver} on its own {@link AgentRunner} thread. {@link #close()} stops the thread, which publishes
 * {@code ShmDriverShutdown} and unmaps every region (on the agent thread, so no state is shared).
 */
public final class ShmDriverLauncher implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ShmDriverLauncher.class);

    private final ShmDriver driver;
    private final AgentRunner runner;

    private ShmDriverLauncher(final ShmDriver driver, final IdleStrategy idleStrategy)
    {
        this.driver = driver;
        this.runner = new AgentRunner(idleStrategy, ex -> LOG.error("SHM driver duty cycle error", ex), null, driver);
    }

    /** Build the driver from {@code ctx} and start it with a backoff idle strategy (park up to 1 ms). */
    public static ShmDriverLauncher launch(final ShmDriver.Context ctx)
    {
        return launch(ctx, new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1)));
    }

    /** Build the driver from {@code ctx} and start it on a new thread with the given idle strategy. */
    public static ShmDriverLauncher launch(final ShmDriver.Context ctx, final IdleStrategy idleStrategy)
    {
        final ShmDriver driver = new ShmDriver(ctx);
        try
        {
            final ShmDriverLauncher launcher = new ShmDriverLauncher(driver, idleStrategy);
            AgentRunner.startOnThread(launcher.runner);
            return launcher;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /** The running driver; touch only its thread-safe parts (context, aeron) from other threads. */
    public ShmDriver driver()
    {
        return driver;
    }

    /** True once the agent thread has stopped (after close, or after an accepted shutdown request). */
    public boolean isClosed()
    {
        return runner.isClosed();
    }

    /** Stop the duty cycle; the driver publishes ShmDriverShutdown and unmaps its regions. Idempotent. */
    @Override
    public void close()
    {
        CloseHelper.close(runner);
    }
}
