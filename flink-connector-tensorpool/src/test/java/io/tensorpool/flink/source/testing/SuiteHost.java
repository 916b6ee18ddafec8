package io.tensorpool.flink.source.testing;

import io.aeron.Aeron;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.ShmDriverLauncher;
import io.tensorpool.flink.source.StreamSelector;
import io.tensorpool.flink.source.enumerator.ClientStreamDiscoverer;
import io.tensorpool.flink.source.enumerator.DiscoveredStream;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One host as a Flink job sees it, with everything at its defaults: an embedded Aeron media driver, a tensorpool SHM
 * driver (default instance id, default control endpoint, embedded discovery provider on it) with regions under a
 * private /dev/shm directory, and producers attached through the driver, each on a stream of its own, declaring one
 * data source name and tag per host so test cases never see each other's streams.
 */
public final class SuiteHost implements AutoCloseable
{
    private static final long PERIOD_NS = 50_000_000L;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final TestMediaDriver mediaDriver;
    private final Aeron aeron;
    private final Path baseDir;
    private final ShmDriverLauncher driver;
    private final String tag = "suite-" + UUID.randomUUID();
    private final AtomicInteger nextStreamId = new AtomicInteger(10001); // inside the driver's default dynamic stream id range
    private final List<StreamWriter> writers = new CopyOnWriteArrayList<>();
    private ClientStreamDiscoverer discoverer;

    /**
     * @param framesPerStream the most frames any stream gets; the ring is deeper, so none is overwritten.
     */
    public SuiteHost(final int framesPerStream)
    {
        mediaDriver = TestMediaDriver.launch();
        aeron = mediaDriver.connect();
        try
        {
            baseDir = Files.createTempDirectory(Paths.get("/dev/shm"), "tp-source-suite-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final int nslots = Math.max(64, Integer.highestOneBit(framesPerStream) << 2);
        driver = ShmDriverLauncher.launch(new ShmDriver.Context()
            .aeron(aeron)
            .shmBaseDir(baseDir)
            .profile(new DriverProfile("suite", nslots, new int[]{1}, new int[]{4096}))
            .prefault(false)
            .announcePeriodNs(PERIOD_NS));
    }

    public String aeronDirectoryName()
    {
        return mediaDriver.aeronDirectoryName();
    }

    public Path baseDir()
    {
        return baseDir;
    }

    /** The data source name and tag every stream of this host declares. */
    public String tag()
    {
        return tag;
    }

    /** The SHM driver's instance id (its default: nothing is configured). */
    public String driverInstanceId()
    {
        return driver.driver().context().instanceId();
    }

    /** A producer on a new stream, attached through the driver. */
    public StreamWriter newStream()
    {
        final StreamWriter writer = new StreamWriter(nextStreamId.getAndIncrement());
        writers.add(writer);
        return writer;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(writers);
        CloseHelper.closeAll(discoverer, driver, aeron, mediaDriver);
        StreamRegionFiles.deleteRecursively(baseDir);
    }

    private synchronized boolean discoverable(final int streamId)
    {
        try
        {
            if (discoverer == null)
            {
                discoverer = new ClientStreamDiscoverer(aeron, false, DefaultEndpoints.CONTROL_CHANNEL,
                    DefaultEndpoints.CONTROL_STREAM_ID, "aeron:ipc?term-length=1m",
                    StreamSelector.of(Set.of(), null, List.of(tag)));
            }
            for (final DiscoveredStream stream : discoverer.discover())
            {
                // discovery is soft state: the name (DataSourceAnnounce) may be indexed a little after the tags
                if (stream.streamId() == streamId && tag.equals(stream.name()))
                {
                    return true;
                }
            }
            return false;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * A producer on its own thread running its duty cycle (attach, announces, metadata, descriptors) and writing
     * each record handed to {@link #write} as one UINT8 frame.
     */
    public final class StreamWriter implements AutoCloseable
    {
        private final int streamId;
        private final TensorPoolProducer producer;
        private final Queue<byte[]> pending = new ConcurrentLinkedQueue<>();
        private final FrameClaim claim = new FrameClaim();
        private final Thread thread;
        private volatile long written;
        private volatile boolean running = true;
        private long requested;
        private boolean announced;

        StreamWriter(final int streamId)
        {
            this.streamId = streamId;
            producer = new TensorPoolProducer(new TensorPoolProducer.Context()
                .aeron(aeron)
                .streamId(streamId)
                .useDriver(true)
                .shmBaseDir(baseDir)
                .announcePeriodNs(PERIOD_NS)
                .qosPeriodNs(PERIOD_NS)
                .metadataPeriodNs(PERIOD_NS)
                .consumerHelloIntervalNs(PERIOD_NS)
                .dataSourceName(tag)
                .tags(List.of(tag)));
            thread = new Thread(this::run, "suite-producer-" + streamId);
            thread.setDaemon(true);
            thread.start();
        }

        public int streamId()
        {
            return streamId;
        }

        /**
         * Write each record as one frame, in order; returns once all are committed and the stream is discoverable.
         */
        public void write(final List<String> records)
        {
            for (final String record : records)
            {
                pending.add(record.getBytes(StandardCharsets.UTF_8));
            }
            requested += records.size();
            Await.until("stream " + streamId + " committed " + requested + " frames", DEADLINE,
                () -> written >= requested, () -> LockSupport.parkNanos(1_000_000L));
            if (!announced)
            {
                Await.until("stream " + streamId + " discoverable with its name and tag", DEADLINE,
                    () -> discoverable(streamId), () -> LockSupport.parkNanos(20_000_000L));
                announced = true;
            }
        }

        private void run()
        {
            while (running)
            {
                int work = producer.doWork();
                final byte[] next = pending.peek();
                if (next != null && producer.isReady())
                {
                    final long seq = producer.tryClaim(next.length, claim);
                    if (seq >= 0)
                    {
                        claim.buffer().putBytes(0, next);
                        claim.dtype(Dtype.UINT8).majorOrder(MajorOrder.ROW).shape1d(next.length);
                        if (producer.commit(claim) < 0)
                        {
                            throw new IllegalStateException("stream " + streamId + " commit failed seq=" + seq);
                        }
                        pending.poll();
                        written++;
                        work++;
                    }
                }
                if (work == 0)
                {
                    LockSupport.parkNanos(100_000L);
                }
            }
        }

        @Override
        public void close()
        {
            running = false;
            try
            {
                thread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            producer.close();
        }
    }
}
