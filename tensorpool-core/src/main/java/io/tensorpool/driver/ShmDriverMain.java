package io.tensorpool.driver;

import io.aeron.CommonContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The standalone SHM driver process: {@code ShmDriverMain [--config driver.toml]}. Without a config file it runs the
 * zero-configuration defaults (docs/driver.md). SIGTERM/SIGINT close the driver cleanly: {@code ShmDriverShutdown} is
 * published and every region unmapped before the process exits; an accepted {@code ShmDriverShutdownRequest} ends the
 * process the same way. Exit code 0 on clean shutdown, 2 on a configuration error.
 */
@Command(name = "tensorpool-driver", mixinStandardHelpOptions = true,
    description = "Run the tensorpool SHM driver (Driver Model v1.0).")
public final class ShmDriverMain implements Callable<Integer>
{
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "TOML configuration (Driver Model §17 keys); defaults apply without it.")
    private Path config;

    /** Entry point; exits the JVM with the command's exit code. */
    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new ShmDriverMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException
    {
        final ShmDriver.Context ctx;
        final DriverConfigLoader.MediaDriverMode mode;
        try
        {
            final Map<String, String> env = System.getenv();
            ctx = config == null ? DriverConfigLoader.defaults(env) : DriverConfigLoader.load(config, env);
            mode = DriverConfigLoader.mediaDriverMode(config, env);
        }
        catch (final DriverConfigException ex)
        {
            System.err.println("tensorpool driver: invalid configuration: " + ex.getMessage());
            return 2;
        }
        run(ctx, mode);
        return 0;
    }

    /**
     * Run a driver until SIGTERM/SIGINT or an accepted shutdown request, then close it cleanly. Blocks the caller.
     *
     * @param mode how to get an Aeron media driver (AUTO: connect if one is active, else launch one embedded).
     */
    public static void run(final ShmDriver.Context ctx, final DriverConfigLoader.MediaDriverMode mode)
        throws InterruptedException
    {
        final String aeronDir = ctx.aeronDirectoryName() != null ? ctx.aeronDirectoryName() :
            CommonContext.getAeronDirectoryName();
        final boolean embedded = mode == DriverConfigLoader.MediaDriverMode.EMBEDDED ||
            (mode == DriverConfigLoader.MediaDriverMode.AUTO && !CommonContext.isDriverActive(
                new java.io.File(aeronDir), 1000, s -> {}));
        ctx.aeronDirectoryName(aeronDir).launchEmbeddedMediaDriver(embedded);
        final CountDownLatch stopped = new CountDownLatch(1);
        ctx.terminationHook(stopped::countDown);
        final ShmDriverLauncher launcher = ShmDriverLauncher.launch(ctx);
        final ShmDriver.Context c = launcher.driver().context();
        final AtomicBoolean closed = new AtomicBoolean();
        final Runnable stop = () ->
        {
            if (closed.compareAndSet(false, true))
            {
                launcher.close();
                System.out.println("tensorpool driver stopped: instance=" + c.instanceId());
                System.out.flush();
            }
        };
        // On SIGTERM/SIGINT the JVM halts as soon as the hooks finish, so the hook itself closes the driver.
        final Thread hook = new Thread(() ->
        {
            stop.run();
            stopped.countDown();
        }, "tensorpool-driver-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("tensorpool driver running: instance=" + c.instanceId() + " control=" +
            c.controlChannel() + ":" + c.controlStreamId() + " announce=" + c.announceChannel() + ":" +
            c.announceStreamId() + " base_dir=" + c.shmBaseDir() + " aeron_dir=" + aeronDir +
            (embedded ? " (embedded media driver)" : "") + " dynamic_streams=" +
            (c.allowDynamicStreams() ? c.streamIdRange().toString() : "off") + " pid=" + ProcessHandle.current().pid());
        stopped.await();
        stop.run();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignore)
        {
            // Already shutting down: the hook is running or ran.
        }
    }
}
