package io.tensorpool.flink.source.testing;

import io.aeron.Aeron;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.flink.source.enumerator.DiscoveredStream;
import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.split.DriverEndpoint;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.TestMediaDriver;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.discovery.DiscoveryProvider;
import io.tensorpool.discovery.DriverFeed;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.ShmDriverLauncher;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Real tensorpool producers for source tests: an embedded Aeron media driver, a region base directory under
 * /dev/shm, and one producer thread per stream running the producer's duty cycle (announces, descriptors, metadata)
 * and writing frames whose bytes are a function of (stream, epoch, seq). A small in-JVM discovery list stands in for
 * a registry.
 */
public final class ProducerRig implements AutoCloseable
{
    private static final Map<String, List<DiscoveredStream>> DISCOVERY = new ConcurrentHashMap<>();
    private static final long ANNOUNCE_PERIOD_NS = 50_000_000L;

    private final TestMediaDriver mediaDriver;
    private final Aeron aeron;
    private final Path baseDir;
    private final String discoveryKey = UUID.randomUUID().toString();
    private final List<ProducerThread> producers = new CopyOnWriteArrayList<>();
    private ShmDriverLauncher shmDriver;
    private AgentRunner discoveryRunner;

    public ProducerRig()
    {
        mediaDriver = TestMediaDriver.launch();
        aeron = mediaDriver.connect();
        try
        {
            baseDir = Files.createTempDirectory(Paths.get("/dev/shm"), "tp-flink-source-");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
        DISCOVERY.put(discoveryKey, new CopyOnWriteArrayList<>());
    }

    public String aeronDirectoryName()
    {
        return mediaDriver.aeronDirectoryName();
    }

    public Path baseDir()
    {
        return baseDir;
    }

    /**
     * Start a producer for {@code streamId} writing {@code frames} frames of {@code frameBytes}, one every
     * {@code intervalNs}; it keeps announcing after the last frame until closed.
     */
    public ProducerThread start(final int streamId, final long frames, final int frameBytes, final long intervalNs)
    {
        return start(streamId, frames, frameBytes, intervalNs, 256);
    }

    public ProducerThread start(
        final int streamId, final long frames, final int frameBytes, final long intervalNs, final int nslots)
    {
        final int stride = Math.max(4096, Integer.highestOneBit(Math.max(1, frameBytes - 1)) << 1);
        final TensorPoolProducer producer = new TensorPoolProducer(producerContext(streamId)
            .producerInstanceId("rig-producer-" + streamId)
            .headerNslots(nslots)
            .poolStrides(stride));
        final ProducerThread thread = new ProducerThread(producer, streamId, frames, frameBytes, intervalNs);
        producers.add(thread);
        return thread;
    }

    /** What every rig producer shares: this rig's client and regions, fast periods, name {@code rig-<id>}, tag rig. */
    private TensorPoolProducer.Context producerContext(final int streamId)
    {
        return new TensorPoolProducer.Context()
            .aeron(aeron)
            .streamId(streamId)
            .shmBaseDir(baseDir)
            .announcePeriodNs(ANNOUNCE_PERIOD_NS)
            .qosPeriodNs(ANNOUNCE_PERIOD_NS)
            .metadataPeriodNs(ANNOUNCE_PERIOD_NS)
            .consumerHelloIntervalNs(ANNOUNCE_PERIOD_NS)
            .dataSourceName("rig-" + streamId)
            .tags(List.of("rig"));
    }

    /** Distinct stream ids of every producer started so far. */
    public int[] streamIdsStarted()
    {
        return producers.stream().mapToInt(ProducerThread::streamId).distinct().toArray();
    }

    /**
     * Start an embedded tensorpool driver ({@code instanceId}, regions under {@link #baseDir()}) with its embedded
     * discovery provider on the default control endpoint.
     */
    public void startDriver(final String instanceId, final int nslots)
    {
        shmDriver = ShmDriverLauncher.launch(new ShmDriver.Context()
            .aeron(aeron)
            .instanceId(instanceId)
            .shmBaseDir(baseDir)
            .profile(new DriverProfile("rig", nslots, new int[]{1, 2}, new int[]{4096, 1 << 20}))
            .prefault(false)
            .announcePeriodNs(ANNOUNCE_PERIOD_NS));
        final DiscoveryProvider provider = new DiscoveryProvider(new DiscoveryProvider.Context()
            .aeron(aeron)
            .addFeed(DriverFeed.local(instanceId)));
        discoveryRunner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, provider);
        AgentRunner.startOnThread(discoveryRunner);
    }

    /** Start a producer attached through the driver, declaring name {@code rig-<id>} and tag {@code rig}. */
    public ProducerThread startAttached(final int streamId, final long frames, final int frameBytes, final long intervalNs)
    {
        final TensorPoolProducer producer = new TensorPoolProducer(producerContext(streamId).useDriver(true));
        final ProducerThread thread = new ProducerThread(producer, streamId, frames, frameBytes, intervalNs);
        producers.add(thread);
        return thread;
    }

    /** Make a stream visible to {@link #discoverer()}, owned by {@code host}. */
    public void announceInDiscovery(final int streamId, final String host)
    {
        DISCOVERY.get(discoveryKey).add(new DiscoveredStream(streamId, 1, "rig-" + streamId, List.of("rig"), host,
            new DriverEndpoint(DefaultEndpoints.CONTROL_CHANNEL, DefaultEndpoints.CONTROL_STREAM_ID)));
    }

    /** Enumerator-side discovery of the streams announced with {@link #announceInDiscovery}. */
    public StreamDiscoverer.Factory discoverer()
    {
        return discovererOf(discoveryKey);
    }

    private static StreamDiscoverer.Factory discovererOf(final String key)
    {
        return () -> new ListDiscoverer(key);
    }

    private static final class ListDiscoverer implements StreamDiscoverer
    {
        private final String key;

        ListDiscoverer(final String key)
        {
            this.key = key;
        }

        @Override
        public List<DiscoveredStream> discover()
        {
            return new ArrayList<>(DISCOVERY.get(key));
        }

        @Override
        public void close()
        {
        }
    }

    /** Expected payload byte {@code i} of frame (stream, epoch, seq). */
    public static byte payloadByte(final int streamId, final long epoch, final long seq, final int i)
    {
        return (byte)(streamId * 31 + epoch * 13 + seq * 7 + i);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(producers);
        DISCOVERY.remove(discoveryKey);
        CloseHelper.closeAll(discoveryRunner, shmDriver, aeron, mediaDriver);
        StreamRegionFiles.deleteRecursively(baseDir);
    }

    /**
     * One producer on its own thread: writes its frames paced by an interval, runs the duty cycle throughout.
     */
    public static final class ProducerThread implements AutoCloseable
    {
        private final TensorPoolProducer producer;
        private final int streamId;
        private final int frameBytes;
        private final long intervalNs;
        private final FrameClaim claim = new FrameClaim();
        private final Thread thread;
        private volatile long target;
        private volatile long written;
        private volatile boolean running = true;
        private volatile long epoch;

        ProducerThread(
            final TensorPoolProducer producer,
            final int streamId,
            final long frames,
            final int frameBytes,
            final long intervalNs)
        {
            this.producer = producer;
            this.streamId = streamId;
            this.target = frames;
            this.frameBytes = frameBytes;
            this.intervalNs = intervalNs;
            this.epoch = producer.epoch();
            thread = new Thread(this::run, "rig-producer-" + streamId);
            thread.setDaemon(true);
            thread.start();
        }

        private void run()
        {
            long next = System.nanoTime();
            while (running)
            {
                int work = producer.doWork();
                final long now = System.nanoTime();
                if (written < target && now - next >= 0 && producer.isReady())
                {
                    final long seq = producer.tryClaim(frameBytes, claim);
                    if (seq >= 0)
                    {
                        final long e = producer.epoch();
                        for (int i = 0; i < frameBytes; i++)
                        {
                            claim.buffer().putByte(i, payloadByte(streamId, e, seq, i));
                        }
                        claim.dtype(Dtype.UINT8).majorOrder(MajorOrder.ROW).shape1d(frameBytes);
                        if (producer.commit(claim) >= 0)
                        {
                            written++;
                            work++;
                        }
                    }
                    next += intervalNs;
                }
                if (work == 0)
                {
                    LockSupport.parkNanos(50_000);
                }
            }
        }

        /** Write {@code more} further frames. */
        public void writeMore(final long more)
        {
            target = target + more;
        }

        public boolean isReady()
        {
            return producer.isReady();
        }

        public long written()
        {
            return written;
        }

        public long epoch()
        {
            return epoch;
        }

        public int streamId()
        {
            return streamId;
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
