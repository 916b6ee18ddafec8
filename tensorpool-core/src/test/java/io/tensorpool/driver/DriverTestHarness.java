package io.tensorpool.driver;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.DriverClientListener;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedNanoClock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real driver over an embedded media driver, driven from the test thread with a manual clock, plus clients and a
 * spy on the control stream that records every driver message in order.
 */
final class DriverTestHarness implements AutoCloseable
{
    static final int STREAM = 10001;
    static final long KEEPALIVE_NS = TimeUnit.MILLISECONDS.toNanos(200);

    final CachedNanoClock clock = new CachedNanoClock();
    final TestMediaDriver mediaDriver;
    final Aeron aeron;
    final Path baseDir;
    final ShmDriver driver;
    final ControlSpy spy;
    final Subscription spySubscription;
    private final FragmentAssembler spyAssembler;
    final List<DriverClient> clients = new ArrayList<>();
    boolean driverRunning = true;
    int terminations;

    DriverTestHarness()
    {
        this(ctx -> {});
    }

    DriverTestHarness(final java.util.function.Consumer<ShmDriver.Context> customise)
    {
        clock.update(System.nanoTime());
        mediaDriver = TestMediaDriver.launch();
        aeron = mediaDriver.connect();
        baseDir = Path.of("/dev/shm", "tp-driver-test-" + UUID.randomUUID());
        final ShmDriver.Context ctx = new ShmDriver.Context()
            .aeron(aeron)
            .instanceId("test-driver")
            .shmBaseDir(baseDir)
            .profile(new DriverProfile("small", 16, new int[]{1, 2}, new int[]{4096, 65536}))
            .prefault(false)
            .keepaliveIntervalNs(KEEPALIVE_NS)
            .expiryGraceIntervals(3)
            .announcePeriodNs(TimeUnit.MILLISECONDS.toNanos(100))
            .nanoClock(clock)
            .terminationHook(() -> terminations++);
        customise.accept(ctx);
        driver = new ShmDriver(ctx);
        driver.onStart();
        spy = new ControlSpy();
        spyAssembler = new FragmentAssembler(spy);
        spySubscription = aeron.addSubscription(DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID);
    }

    DriverClient.Context clientContext(final int streamId, final Role role, final DriverClientListener listener)
    {
        return new DriverClient.Context()
            .aeron(aeron)
            .streamId(streamId)
            .role(role)
            .publishMode(PublishMode.EXISTING_OR_CREATE)
            .keepaliveIntervalNs(KEEPALIVE_NS)
            .attachTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .announceFreshnessNs(TimeUnit.SECONDS.toNanos(30))
            .nanoClock(clock)
            .listener(listener);
    }

    DriverClient client(final DriverClient.Context ctx)
    {
        final DriverClient client = new DriverClient(ctx);
        clients.add(client);
        return client;
    }

    /** One duty cycle of everything, with the clock following real time unless frozen. */
    void pump()
    {
        if (driverRunning)
        {
            driver.doWork();
        }
        for (final DriverClient client : clients)
        {
            client.doWork();
        }
        spySubscription.poll(spyAssembler, 64);
    }

    void pumpUntil(final String what, final BooleanSupplier done)
    {
        Await.until(what, done, this::pump);
    }

    /** Attach a client, pumping everything; fails the test on timeout. */
    void attach(final DriverClient client)
    {
        client.requestAttach();
        pumpUntil("client " + client.clientId() + " attached (last: " + client.lastMessage() + ")",
            () -> client.state() == io.tensorpool.driver.client.LeaseState.ATTACHED);
    }

    /** Advance the manual clock. */
    void advance(final long nanos)
    {
        clock.update(clock.nanoTime() + nanos);
    }

    Path streamDirectory(final int streamId)
    {
        return baseDir.resolve("tensorpool").resolve("test-driver-stream-" + streamId);
    }

    @Override
    public void close()
    {
        for (final DriverClient client : clients)
        {
            CloseHelper.quietClose(client);
        }
        CloseHelper.quietClose(driver);
        CloseHelper.quietCloseAll(spySubscription, aeron, mediaDriver);
        if (Files.exists(baseDir))
        {
            StreamRegionFiles.deleteRecursively(baseDir);
        }
    }
}
