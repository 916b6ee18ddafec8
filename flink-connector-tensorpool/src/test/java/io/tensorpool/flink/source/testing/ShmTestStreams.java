package io.tensorpool.flink.source.testing;

import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.enumerator.DiscoveredStream;
import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.reader.FrameSource;
import io.tensorpool.flink.source.reader.TensorPoolConnection;
import io.tensorpool.flink.source.split.DriverEndpoint;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-JVM stand-in for one host's tensorpool driver and discovery: a named set of {@link ShmTestStream}s that
 * source readers reach through a serializable {@link TensorPoolConnection.Factory} (looked up by name, since the
 * MiniCluster runs in the test JVM).
 */
public final class ShmTestStreams implements AutoCloseable
{
    private static final Map<String, ShmTestStreams> REGISTRY = new ConcurrentHashMap<>();
    static final DriverEndpoint DRIVER = new DriverEndpoint("aeron:ipc?term-length=4m", 1000);

    private final String name = UUID.randomUUID().toString();
    private final Path baseDir;
    private final String host;
    private final Map<Integer, ShmTestStream> streams = new ConcurrentHashMap<>();

    /**
     * @param baseDir where region files go.
     * @param host    the driver instance id of this "host".
     */
    public ShmTestStreams(final Path baseDir, final String host)
    {
        this.baseDir = baseDir;
        this.host = host;
        REGISTRY.put(name, this);
    }

    /**
     * Create a stream.
     */
    public ShmTestStream add(final int streamId, final int nslots, final int stride)
    {
        final ShmTestStream stream = new ShmTestStream(baseDir, host, streamId, nslots, stride);
        streams.put(streamId, stream);
        return stream;
    }

    /**
     * Remove a stream from discovery (its regions stay mapped by readers until they let go).
     */
    public void remove(final int streamId)
    {
        streams.remove(streamId);
    }

    public ShmTestStream stream(final int streamId)
    {
        return streams.get(streamId);
    }

    public String host()
    {
        return host;
    }

    /** Readers' connection to this set of streams. */
    public TensorPoolConnection.Factory connectionFactory()
    {
        final String key = name;
        return config -> new Connection(REGISTRY.get(key));
    }

    /** Enumerator-side discovery of this set of streams. */
    public StreamDiscoverer.Factory discovererFactory()
    {
        final String key = name;
        return () -> new Discoverer(REGISTRY.get(key));
    }

    List<DiscoveredStream> discover()
    {
        final List<DiscoveredStream> result = new ArrayList<>();
        for (final ShmTestStream stream : streams.values())
        {
            result.add(new DiscoveredStream(stream.streamId(), stream.epoch(), "stream-" + stream.streamId(),
                List.of("test"), host, DRIVER));
        }
        return result;
    }

    @Override
    public void close()
    {
        REGISTRY.remove(name);
        CloseHelper.closeAll(streams.values());
        streams.clear();
    }

    private static final class Connection implements TensorPoolConnection
    {
        private final ShmTestStreams streams;

        Connection(final ShmTestStreams streams)
        {
            this.streams = streams;
        }

        @Override
        public String localDriverInstanceId()
        {
            return streams.host;
        }

        @Override
        public FrameSource open(final TensorPoolSplit split, final StartingPosition position)
        {
            final ShmTestStream stream = streams.streams.get(split.streamId());
            if (stream == null)
            {
                throw new IllegalStateException("no stream " + split.streamId());
            }
            return new RingFrameSource(stream, position == StartingPosition.EARLIEST_IN_RING);
        }

        @Override
        public StreamDiscoverer discoverer()
        {
            return new Discoverer(streams);
        }

        @Override
        public void close()
        {
        }
    }

    private static final class Discoverer implements StreamDiscoverer
    {
        private final ShmTestStreams streams;

        Discoverer(final ShmTestStreams streams)
        {
            this.streams = streams;
        }

        @Override
        public List<DiscoveredStream> discover()
        {
            return streams.discover();
        }

        @Override
        public void close()
        {
        }
    }
}
