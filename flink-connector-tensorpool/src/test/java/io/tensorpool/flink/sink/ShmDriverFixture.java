package io.tensorpool.flink.sink;

import io.aeron.Aeron;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.discovery.DiscoveryClient;
import io.tensorpool.discovery.DiscoveryProvider;
import io.tensorpool.discovery.DriverFeed;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.RegionPaths;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The host a sink subtask runs on, in the test JVM: an embedded Aeron media driver, the SHM driver on its own agent
 * thread (profile: 64 slots, pools of 4 KiB and 64 KiB) and core consumers on a reader thread that copy out every
 * frame they are handed; a discovery provider fed by the driver's announces and the producers' metadata.
 */
final class ShmDriverFixture implements AutoCloseable
{
    static final String DISCOVERY_CHANNEL = "aeron:ipc?term-length=1m";
    static final int DISCOVERY_REQUEST_STREAM = 2500;
    static final int DISCOVERY_RESPONSE_STREAM = 2600;
    static final long PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(100);

    final TestMediaDriver mediaDriver;
    final Aeron aeron;
    final Path baseDir;
    final ShmDriver driver;
    private final AgentRunner driverRunner;
    final DiscoveryProvider discovery;
    private final AgentRunner discoveryRunner;
    final DiscoveryClient discoveryClient;
    private final Map<Integer, TensorPoolConsumer> consumers = new ConcurrentHashMap<>();
    private final List<StreamRecorder.Frame> frames = new ArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    ShmDriverFixture()
    {
        mediaDriver = TestMediaDriver.launch();
        aeron = mediaDriver.connect();
        baseDir = Path.of("/dev/shm", "tp-sink-it-" + UUID.randomUUID());
        try
        {
            Files.createDirectories(baseDir, PosixFilePermissions.asFileAttribute(RegionPaths.PRIVATE_DIR_MODE));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        driver = new ShmDriver(new ShmDriver.Context()
            .aeron(aeron)
            .instanceId("sink-it")
            .shmBaseDir(baseDir)
            .profile(new DriverProfile("sink-it", 64, new int[]{1, 2}, new int[]{4096, 65536}))
            .defaultProfile("sink-it")
            .prefault(false)
            .announcePeriodNs(PERIOD_NS));
        driverRunner = new AgentRunner(new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null, driver);
        AgentRunner.startOnThread(driverRunner);
        discovery = new DiscoveryProvider(new DiscoveryProvider.Context()
            .aeron(aeron)
            .requestChannel(DISCOVERY_CHANNEL)
            .requestStreamId(DISCOVERY_REQUEST_STREAM)
            .addFeed(new DriverFeed("sink-it", DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID,
                DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID,
                DefaultEndpoints.METADATA_CHANNEL, DefaultEndpoints.METADATA_STREAM_ID)));
        discoveryRunner = new AgentRunner(new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null,
            discovery);
        AgentRunner.startOnThread(discoveryRunner);
        discoveryClient = DiscoveryClient.connect(new DiscoveryClient.Context()
            .aeron(aeron)
            .requestChannel(DISCOVERY_CHANNEL)
            .requestStreamId(DISCOVERY_REQUEST_STREAM)
            .responseChannel(DISCOVERY_CHANNEL)
            .responseStreamId(DISCOVERY_RESPONSE_STREAM)
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(5)));
        reader = new Thread(this::readLoop, "sink-it-consumers");
        reader.setDaemon(true);
        reader.start();
    }

    /** Builder of a sink attaching to this host's driver. */
    <T> TensorPoolSinkBuilder<T> sink(final TensorPoolSinkBuilder<T> builder)
    {
        return builder.setAeronDirectory(mediaDriver.aeronDirectoryName()).setShmBaseDir(baseDir.toString());
    }

    /** Start a consumer of {@code streamId} that replays what is still in the ring when it maps. */
    void consume(final int streamId)
    {
        consumers.computeIfAbsent(streamId, id -> new TensorPoolConsumer(new TensorPoolConsumer.Context()
            .aeron(aeron)
            .streamId(id)
            .allowedBaseDirs(List.of(baseDir))
            .startPosition(TensorPoolConsumer.StartPosition.EARLIEST_IN_RING)
            .helloPeriodNs(PERIOD_NS)
            .qosPeriodNs(PERIOD_NS)
            .announceFreshnessWindowNs(30 * PERIOD_NS)));
    }

    TensorPoolConsumer consumer(final int streamId)
    {
        return consumers.get(streamId);
    }

    List<StreamRecorder.Frame> frames()
    {
        synchronized (frames)
        {
            return new ArrayList<>(frames);
        }
    }

    private void readLoop()
    {
        final SleepingMillisIdleStrategy idle = new SleepingMillisIdleStrategy(1);
        while (running)
        {
            int work = 0;
            for (final TensorPoolConsumer consumer : consumers.values())
            {
                final int streamId = consumer.streamId();
                work += consumer.poll(view -> record(streamId, view), 64);
            }
            idle.idle(work);
        }
    }

    private void record(final int streamId, final FrameView view)
    {
        final byte[] payload = new byte[view.valuesLength()];
        final int[] dims = new int[view.ndims()];
        for (int i = 0; i < dims.length; i++)
        {
            dims[i] = view.dim(i);
        }
        final Dtype dtype = view.dtype();
        final long epoch = view.epoch();
        final long seq = view.seq();
        if (view.copyPayloadTo(new UnsafeBuffer(payload), 0))
        {
            synchronized (frames)
            {
                frames.add(new StreamRecorder.Frame(streamId, epoch, seq, dtype, dims, payload));
            }
        }
    }

    @Override
    public void close() throws Exception
    {
        running = false;
        reader.join(TimeUnit.SECONDS.toMillis(10));
        CloseHelper.closeAll(consumers.values());
        CloseHelper.closeAll(discoveryClient, discoveryRunner, driverRunner, aeron, mediaDriver);
        StreamRegionFiles.deleteRecursively(baseDir);
    }
}
