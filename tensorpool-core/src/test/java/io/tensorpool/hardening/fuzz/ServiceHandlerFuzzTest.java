package io.tensorpool.hardening.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aeron.Aeron;
import io.tensorpool.control.SchemaGatedHandler;
import io.tensorpool.discovery.DiscoveryClient;
import io.tensorpool.discovery.DiscoveryProvider;
import io.tensorpool.discovery.DriverFeed;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.IdRange;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import io.tensorpool.shm.StreamRegionFiles;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Coverage-guided fuzzing of the handlers that serve other processes: the SHM driver's conductor (every Driver v1.0
 * request, schema 901, plus whatever else shares its control stream), the discovery provider's request handler and
 * driver feed (schemas 910 and 900) and the discovery client's response handler. They run against a real embedded
 * media driver and a real {@link ShmDriver}/{@link DiscoveryProvider}, driven from the fuzz thread; each input is one
 * fragment handed straight to the handler. Properties: nothing escapes, every fragment is counted exactly once, and the
 * driver keeps running (a hostile request never terminates it).
 */
class ServiceHandlerFuzzTest
{
    private static final String CHANNEL = "aeron:ipc?term-length=64k";
    private static final FragmentFeed FEED = new FragmentFeed();
    private static final CachedNanoClock CLOCK = new CachedNanoClock();

    private static TestMediaDriver mediaDriver;
    private static Aeron aeron;
    private static Path baseDir;
    private static ShmDriver driver;
    private static SchemaGatedHandler conductor;
    private static DiscoveryProvider provider;
    private static SchemaGatedHandler requestHandler;
    private static SchemaGatedHandler feedHandler;
    private static DiscoveryClient client;
    private static SchemaGatedHandler responseHandler;

    @BeforeAll
    static void start()
    {
        CLOCK.update(System.nanoTime());
        mediaDriver = TestMediaDriver.launch();
        aeron = mediaDriver.connect();
        baseDir = Path.of("/dev/shm", "tp-fuzz-driver-" + UUID.randomUUID());
        driver = new ShmDriver(new ShmDriver.Context()
            .aeron(aeron)
            .instanceId("fuzz-driver")
            .controlChannel(CHANNEL)
            .controlStreamId(7001)
            .announceChannel(CHANNEL)
            .announceStreamId(7002)
            .qosChannel(CHANNEL)
            .qosStreamId(7003)
            .shmBaseDir(baseDir)
            .profile(new DriverProfile("tiny", 4, new int[]{1}, new int[]{4096}))
            .allowDynamicStreams(true)
            .streamIdRange(IdRange.of(10000, 10001))
            .prefault(false)
            .nanoClock(CLOCK));
        driver.onStart();
        conductor = FragmentFeed.field(driver, "conductor", SchemaGatedHandler.class);

        provider = new DiscoveryProvider(new DiscoveryProvider.Context()
            .aeron(aeron)
            .nanoClock(CLOCK)
            .requestChannel(CHANNEL)
            .requestStreamId(7010)
            .addFeed(new DriverFeed("fuzz-driver", CHANNEL, 7001, CHANNEL, 7002, CHANNEL, 7004)));
        requestHandler = FragmentFeed.field(provider, "requestHandler", SchemaGatedHandler.class);
        feedHandler = FragmentFeed.field(provider, "feedHandlers", List.class).isEmpty() ? null :
            (SchemaGatedHandler)FragmentFeed.field(provider, "feedHandlers", List.class).get(0);

        client = DiscoveryClient.connect(new DiscoveryClient.Context()
            .aeron(aeron)
            .requestChannel(CHANNEL)
            .requestStreamId(7010)
            .responseChannel(CHANNEL)
            .responseStreamId(7011));
        responseHandler = FragmentFeed.field(client, "responseHandler", SchemaGatedHandler.class);
    }

    @AfterAll
    static void stop()
    {
        CloseHelper.quietCloseAll(client, provider, driver, aeron, mediaDriver);
        if (baseDir != null)
        {
            StreamRegionFiles.deleteRecursively(baseDir);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void driverConductor(final byte[] data)
    {
        CLOCK.update(CLOCK.nanoTime() + 1_000_000L);
        FEED.deliver(conductor, data);
        driver.doWork();
        assertFalse(driver.isTerminated(), "a single fragment must never stop the driver");
    }

    @FuzzTest(maxDuration = "60s")
    void discoveryRequest(final byte[] data)
    {
        CLOCK.update(CLOCK.nanoTime() + 1_000_000L);
        FEED.deliver(requestHandler, data);
        provider.doWork();
    }

    @FuzzTest(maxDuration = "60s")
    void discoveryFeed(final byte[] data)
    {
        CLOCK.update(CLOCK.nanoTime() + 1_000_000L);
        FEED.deliver(feedHandler, data);
        provider.doWork();
    }

    @FuzzTest(maxDuration = "60s")
    void discoveryResponse(final byte[] data)
    {
        FEED.deliver(responseHandler, data);
    }
}
