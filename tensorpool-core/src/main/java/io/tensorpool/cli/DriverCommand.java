package io.tensorpool.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.driver.exceptions.ActiveDriverException;
import io.tensorpool.client.LoggingAeronClients;
import io.tensorpool.discovery.DiscoveryProvider;
import io.tensorpool.driver.DriverCounters;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.DriverConfigException;
import io.tensorpool.driver.DriverConfigLoader;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code tensorpool driver}: the SHM driver with embedded discovery, and by default an embedded Aeron media driver in
 * Aeron's default directory so that clients in other shells find it with no options. Everything runs on the calling
 * thread (one duty cycle for driver and discovery) until Ctrl-C, SIGTERM or {@code --duration}.
 */
@Command(
    name = "driver",
    mixinStandardHelpOptions = true,
    description = {
        "Run the SHM driver (Driver Model v1.0) with embedded discovery.",
        "",
        "By default an Aeron media driver is embedded, in Aeron's default directory, so 'tensorpool " +
            "produce' and 'tensorpool consume' in other shells connect with no options. Unknown stream ids " +
            "in 10000-19999 are created on demand; region files go under a per-user directory in /dev/shm. " +
            "Stop with Ctrl-C.",
    })
final class DriverCommand implements Callable<Integer>, TensorPoolCommand.ServerCommand
{
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
        description = "Driver TOML configuration (Driver Model §17 keys, as the other implementations use); " +
        "the zero-configuration defaults apply without it.")
    Path config;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Use the external media driver already running in DIR instead of embedding one.")
    String externalAeronDir;

    @Option(names = "--embedded-aeron-dir", paramLabel = "DIR", hidden = true,
        description = "Directory for the embedded media driver (default: Aeron's default directory).")
    String embeddedAeronDir = CommonContext.getAeronDirectoryName();

    @Option(names = "--shm-dir", paramLabel = "DIR",
        description = "Base directory of region files (default: the config's shm.base_dir, else " +
        "/dev/shm/tensorpool-$USER).")
    Path shmDir;

    @Option(names = "--instance-id", paramLabel = "ID",
        description = "Driver instance id, advertised by discovery (default: the config's, else driver-01).")
    String instanceId;

    @Option(names = "--no-discovery", description = "Do not run the embedded discovery provider.")
    boolean noDiscovery;

    @Mixin
    RunOptions run;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
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
            throw new CliFailure("invalid configuration: " + ex.getMessage(), TensorPoolCommand.EXIT_USAGE, ex);
        }
        if (shmDir != null)
        {
            ctx.shmBaseDir(shmDir);
        }
        if (instanceId != null)
        {
            ctx.instanceId(instanceId);
        }

        MediaDriver mediaDriver = null;
        Aeron aeron = null;
        ShmDriver driver = null;
        final StopSignal stop = StopSignal.install(run.duration());
        try
        {
            final String aeronDir;
            if (externalAeronDir != null)
            {
                AeronOptions.requireActiveMediaDriver(externalAeronDir);
                aeronDir = externalAeronDir;
            }
            else
            {
                final String dir = ctx.aeronDirectoryName() != null ? ctx.aeronDirectoryName() : embeddedAeronDir;
                final boolean active = CommonContext.isDriverActive(new File(dir), 1000, message -> {});
                if (mode == DriverConfigLoader.MediaDriverMode.EXTERNAL ||
                    (mode == DriverConfigLoader.MediaDriverMode.AUTO && active))
                {
                    AeronOptions.requireActiveMediaDriver(dir);
                    aeronDir = dir;
                }
                else
                {
                    mediaDriver = launchMediaDriver(dir);
                    aeronDir = mediaDriver.aeronDirectoryName();
                }
            }
            aeron = LoggingAeronClients.connect(aeronDir, "cli driver");
            if (noDiscovery)
            {
                ctx.embeddedDiscovery(false);
            }
            driver = new ShmDriver(ctx.aeron(aeron).launchEmbeddedMediaDriver(false));
            final ShmDriver.Context c = driver.context();
            // the driver's own embedded provider (Discovery §13), driven by its duty cycle: one answer per request
            final DiscoveryProvider discovery = driver.discoveryProvider();

            out.println("tensorpool driver: instance=" + c.instanceId() + " aeron-dir=" + aeronDir +
                (mediaDriver != null ? " (embedded media driver)" : " (external media driver)") +
                " shm-dir=" + c.shmBaseDir() + " control=" + c.controlChannel() + " " + c.controlStreamId() +
                " dynamic-streams=" + (c.allowDynamicStreams() ? c.streamIdRange().toString() : "off") +
                " discovery=" + (discovery == null ? "off" :
                discovery.context().requestChannel() + " " + discovery.context().requestStreamId()) +
                "; Ctrl-C to stop");
            out.flush();

            final ObjectNode summary = runDutyCycle(stop, driver, discovery, err);
            summary.put("aeronDir", aeronDir);
            driver.onClose();
            driver = null;
            SummaryOutput.print(out, run.json, summary);
            return TensorPoolCommand.EXIT_OK;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliFailure("invalid driver configuration: " + ex.getMessage(), TensorPoolCommand.EXIT_USAGE, ex);
        }
        finally
        {
            if (driver != null)
            {
                driver.onClose();
            }
            CloseHelper.quietCloseAll(aeron, mediaDriver);
            // last, so that a Ctrl-C waits until everything above is closed
            stop.close();
        }
    }

    private ObjectNode runDutyCycle(
        final StopSignal stop, final ShmDriver driver, final DiscoveryProvider discovery, final PrintWriter err)
    {
        final String instance = driver.context().instanceId();
        final StatusLine status = new StatusLine(err, "driver " + instance, !run.noStatus);
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
        final long start = System.nanoTime();
        driver.onStart();
        while (stop.running() && !driver.isTerminated())
        {
            final int work = driver.doWork();
            final long now = System.nanoTime();
            if (status.due(now))
            {
                status.print(now, driverStatus(driver, discovery));
            }
            idle.idle(work);
        }
        status.finish();

        final DriverCounters counters = driver.counters();
        final ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("instanceId", instance);
        summary.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
        summary.put("attachOk", counters.attachOk());
        summary.put("attachRejected", counters.attachRejected());
        summary.put("detachOk", counters.detachOk());
        summary.put("leasesExpired", counters.leasesExpired());
        summary.put("leasesRevoked", counters.leasesRevoked());
        summary.put("epochBumps", counters.epochBumps());
        summary.put("announces", counters.announces());
        summary.put("malformedRequests", counters.malformedRequests());
        summary.put("activeLeases", driver.activeLeaseCount());
        if (discovery != null)
        {
            summary.put("discoveryRequests", discovery.requestsReceived());
            summary.put("discoveryResponses", discovery.responsesSent());
        }
        summary.put("terminatedByShutdownRequest", driver.isTerminated());
        return summary;
    }

    private String driverStatus(final ShmDriver driver, final DiscoveryProvider discovery)
    {
        final DriverCounters c = driver.counters();
        return "driver " + driver.context().instanceId() + ": leases=" + driver.activeLeaseCount() + " attach_ok=" +
            c.attachOk() +
            " attach_rejected=" + c.attachRejected() + " expired=" + c.leasesExpired() + " revoked=" +
            c.leasesRevoked() + " announces=" + c.announces() +
            (discovery == null ? "" : " discovery_requests=" + discovery.requestsReceived());
    }

    private static MediaDriver launchMediaDriver(final String dir)
    {
        try
        {
            // No dirDeleteOnStart: a live driver in the directory is detected and reported, never deleted.
            return MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnShutdown(true)
                .termBufferSparseFile(true));
        }
        catch (final ActiveDriverException ex)
        {
            throw new CliFailure("a media driver is already running in " + dir +
                " (another 'tensorpool driver'?); use it with --aeron-dir " + dir, ex);
        }
    }
}
