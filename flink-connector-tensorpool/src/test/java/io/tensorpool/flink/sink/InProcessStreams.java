package io.tensorpool.flink.sink;

import io.tensorpool.flink.sink.internal.ProducerSettings;
import io.tensorpool.flink.sink.internal.SinkFrameProducer;
import io.tensorpool.flink.sink.internal.SinkFrameProducerFactory;
import io.tensorpool.flink.sink.internal.StreamAttachException;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.tensor.TensorLayoutRules;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/**
 * Test fake of "the SHM driver on this host" for the sink: creates real stream regions in a directory (one epoch
 * per attach, bumped on every attach like a driver does), enforces one producer per stream and publishes each
 * committed seq where a {@link StreamRecorder} can see it (standing in for the descriptor stream). Lives in the test
 * JVM's static state, found by id, because the factory is serialized into the Flink job.
 */
final class InProcessStreams implements AutoCloseable
{
    private static final Map<String, InProcessStreams> REGISTRY = new ConcurrentHashMap<>();

    final String id = UUID.randomUUID().toString();
    final Path baseDir;
    private final Map<Integer, StreamState> streams = new ConcurrentHashMap<>();

    /** One epoch of one stream: the layout to map and the highest committed seq so far. */
    static final class EpochRecord
    {
        final StreamLayout layout;
        final ProducerSettings settings;
        volatile long lastCommittedSeq = -1;
        volatile boolean closed;

        EpochRecord(final StreamLayout layout, final ProducerSettings settings)
        {
            this.layout = layout;
            this.settings = settings;
        }
    }

    static final class StreamState
    {
        final List<EpochRecord> epochs = new CopyOnWriteArrayList<>();
        String holder;
        long nextEpoch = 1;
    }

    InProcessStreams(final Path baseDir)
    {
        this.baseDir = baseDir;
        REGISTRY.put(id, this);
    }

    SinkFrameProducerFactory factory()
    {
        return new Factory(id);
    }

    /** Epochs of {@code streamId} in attach order. */
    List<EpochRecord> epochs(final int streamId)
    {
        return streams.computeIfAbsent(streamId, k -> new StreamState()).epochs;
    }

    /** Mark {@code streamId} as held by another producer. */
    synchronized void holdBy(final int streamId, final String holder)
    {
        streams.computeIfAbsent(streamId, k -> new StreamState()).holder = holder;
    }

    synchronized Producer attach(final ProducerSettings settings) throws StreamAttachException
    {
        final StreamState state = streams.computeIfAbsent(settings.streamId(), k -> new StreamState());
        if (null != state.holder)
        {
            throw new StreamAttachException(settings.streamId(), "attach rejected (REJECTED): stream " +
                settings.streamId() + " already has an exclusive producer: " + state.holder);
        }
        final long epoch = state.nextEpoch++;
        final int[] strides = settings.poolStrides();
        final StreamRegions regions = StreamRegionFiles.create(baseDir, "test", "producer-" + settings.streamId(),
            settings.streamId(), epoch, settings.headerSlots(), IntStream.rangeClosed(1, strides.length).toArray(),
            strides, MappedRegion.PRIVATE_FILE_MODE, false, System.nanoTime());
        final EpochRecord record = new EpochRecord(StreamRegionFiles.layoutOf(regions, false), settings);
        state.epochs.add(record);
        state.holder = "producer " + settings.producerId() + " (subtask " + settings.subtaskIndex() + ")";
        return new Producer(this, state, record, regions);
    }

    private synchronized void release(final StreamState state)
    {
        state.holder = null;
    }

    @Override
    public void close()
    {
        REGISTRY.remove(id);
    }

    static final class Factory implements SinkFrameProducerFactory
    {
        private static final long serialVersionUID = 1L;
        private final String id;

        Factory(final String id)
        {
            this.id = id;
        }

        @Override
        public SinkFrameProducer attach(final ProducerSettings settings) throws StreamAttachException
        {
            return REGISTRY.get(id).attach(settings);
        }
    }

    /** A producer writing real slots through the core seqlock writer. */
    static final class Producer implements SinkFrameProducer
    {
        private final InProcessStreams owner;
        private final StreamState state;
        private final EpochRecord record;
        private final StreamRegions regions;
        private final SlotWriter writer;
        private long nextSeq;
        private boolean closed;

        Producer(final InProcessStreams owner, final StreamState state, final EpochRecord record,
            final StreamRegions regions)
        {
            this.owner = owner;
            this.state = state;
            this.record = record;
            this.regions = regions;
            this.writer = new SlotWriter(regions);
        }

        @Override
        public long tryClaim(final int length, final FrameClaim claim)
        {
            if (closed)
            {
                return CLOSED;
            }
            final int index = writer.claim(nextSeq, length, claim);
            if (index == SlotWriter.NO_POOL_FITS)
            {
                return NO_POOL_FITS;
            }
            if (index < 0)
            {
                throw new IllegalStateException("claim failed " + index);
            }
            claim.timestampNs(System.nanoTime()).metaVersion(0);
            return nextSeq++;
        }

        @Override
        public long commit(final FrameClaim claim)
        {
            if (claim.commit() != TensorLayoutRules.OK)
            {
                return INVALID_LAYOUT;
            }
            record.lastCommittedSeq = claim.seq();
            return claim.seq();
        }

        @Override
        public void abort(final FrameClaim claim)
        {
            claim.abort();
        }

        @Override
        public int doWork()
        {
            writer.refreshActivity(System.nanoTime());
            return 1;
        }

        @Override
        public int streamId()
        {
            return regions.streamId();
        }

        @Override
        public long epoch()
        {
            return regions.epoch();
        }

        @Override
        public int maxPayloadLength()
        {
            return regions.maxStride();
        }

        @Override
        public void close()
        {
            if (!closed)
            {
                closed = true;
                record.closed = true;
                regions.close();
                owner.release(state);
            }
        }
    }
}
