package io.tensorpool.discovery;

import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A standalone discovery registry (Discovery §2.2, §8): a {@link DiscoveryProvider} fed by several drivers, running
 * on its own {@link AgentRunner} thread. Launch with {@link #launch(Context)} and close to stop.
 * <p>
 * {@link #main(String[])} runs one from the command line: each argument is a driver feed spec
 * ({@link DriverFeed#parse(String)}); system properties of {@link DiscoveryConfiguration} set the request endpoint
 * and announce period; {@code aeron.dir} selects the media driver, and
 * {@code -Dtensorpool.discovery.embedded.media.driver=true} starts one in-process.
 */
public final class DiscoveryRegistry implements AutoCloseable
{
    /** Start an embedded media driver in the registry process ({@code main} only). */
    public static final String EMBEDDED_MEDIA_DRIVER_PROP_NAME = "tensorpool.discovery.embedded.media.driver";

    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryRegistry.class);

    private final DiscoveryProvider provider;
    private final AgentRunner runner;

    private DiscoveryRegistry(final Context ctx)
    {
        this.provider = new DiscoveryProvider(ctx.providerContext());
        this.runner = new AgentRunner(ctx.idleStrategy(), ctx.errorHandler(), null, provider);
    }

    /**
     * Create the provider (subscriptions are added before this returns) and start its thread.
     *
     * @param ctx registry configuration; its provider context needs at least one feed.
     */
    public static DiscoveryRegistry launch(final Context ctx)
    {
        final DiscoveryRegistry registry = new DiscoveryRegistry(ctx.conclude());
        AgentRunner.startOnThread(registry.runner);
        return registry;
    }

    /** The running provider; its counters may be read for diagnostics. */
    public DiscoveryProvider provider()
    {
        return provider;
    }

    /** Stop the agent thread and close the provider (and its Aeron client if owned). */
    @Override
    public void close()
    {
        CloseHelper.close(runner);
    }

    /**
     * Run a registry until SIGINT/SIGTERM. Arguments: one or more driver feed specs.
     */
    public static void main(final String[] args)
    {
        if (args.length == 0)
        {
            System.err.println("usage: DiscoveryRegistry <feed>... where <feed> is " +
                "instance=<id>[;control=<channel>][;control-stream=<id>][;announce=<channel>][;announce-stream=<id>]" +
                "[;metadata=<channel>|none][;metadata-stream=<id>]");
            System.exit(2);
        }
        final DiscoveryProvider.Context providerCtx = new DiscoveryProvider.Context();
        try
        {
            for (final String arg : args)
            {
                providerCtx.addFeed(DriverFeed.parse(arg));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("invalid driver feed: " + ex.getMessage());
            System.exit(2);
        }
        MediaDriver mediaDriver = null;
        if (Boolean.getBoolean(EMBEDDED_MEDIA_DRIVER_PROP_NAME))
        {
            mediaDriver = MediaDriver.launchEmbedded();
            providerCtx.aeronDirectoryName(mediaDriver.aeronDirectoryName());
        }
        final ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
        try (DiscoveryRegistry registry = launch(new Context().providerContext(providerCtx)))
        {
            LOG.info("discovery registry running requests={}/{} feeds={}",
                providerCtx.requestChannel(), providerCtx.requestStreamId(), providerCtx.feeds());
            barrier.await();
        }
        finally
        {
            CloseHelper.close(mediaDriver);
        }
    }

    /** Configuration of a {@link DiscoveryRegistry}: the provider's context plus how its thread idles. */
    public static final class Context
    {
        private DiscoveryProvider.Context providerContext = new DiscoveryProvider.Context();
        private IdleStrategy idleStrategy;
        private ErrorHandler errorHandler;

        /** Fill defaults: a backoff idle strategy (up to 1 ms) and an error handler that logs. */
        public Context conclude()
        {
            Objects.requireNonNull(providerContext, "providerContext");
            if (null == idleStrategy)
            {
                idleStrategy = new BackoffIdleStrategy(
                    100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (null == errorHandler)
            {
                errorHandler = (throwable) -> LOG.error("discovery registry agent error", throwable);
            }
            return this;
        }

        /** The provider configuration: feeds, request endpoint, limits, Aeron client. */
        public Context providerContext(final DiscoveryProvider.Context providerContext)
        {
            this.providerContext = providerContext;
            return this;
        }

        /** The value set by {@link #providerContext(DiscoveryProvider.Context)} (or its default). */
        public DiscoveryProvider.Context providerContext()
        {
            return providerContext;
        }

        /** Shorthand for {@code providerContext().addFeed(feed)}. */
        public Context addFeed(final DriverFeed feed)
        {
            providerContext.addFeed(feed);
            return this;
        }

        /** Idle strategy of the registry thread. */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /** The value set by {@link #idleStrategy(IdleStrategy)} (or its default). */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /** Handler for exceptions escaping the agent; must not throw. */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /** The value set by {@link #errorHandler(ErrorHandler)} (or its default). */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }
    }
}
