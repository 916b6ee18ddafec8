package io.tensorpool.flink.source.reader;

import io.aeron.Aeron;
import io.tensorpool.client.DataSourceMetadata;
import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.LoggingAeronClients;
import io.tensorpool.flink.source.AttachMode;
import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.TensorPoolSourceOptions;
import io.tensorpool.flink.source.enumerator.ClientStreamDiscoverer;
import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import io.tensorpool.shm.FrameView;
import org.agrona.CloseHelper;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The production connection: one Aeron client per reader shared by one {@link TensorPoolConsumer} per split, each
 * on its split's driver control endpoint and the default descriptor and metadata endpoints. In
 * {@link AttachMode#DRIVER} each consumer holds a consumer lease that its polling keeps alive.
 */
@Internal
public final class ClientConnection implements TensorPoolConnection
{
    private static final long LOCAL_DISCOVERY_TIMEOUT_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);

    private final ReadableConfig config;
    private final Aeron aeron;
    private final List<Path> allowedBaseDirs = new ArrayList<>();

    private ClientConnection(final ReadableConfig config)
    {
        this.config = config;
        this.aeron = LoggingAeronClients.connect(
            config.getOptional(TensorPoolSourceOptions.AERON_DIRECTORY).orElse(null), "source reader");
        for (final String dir : config.get(TensorPoolSourceOptions.ALLOWED_BASE_DIRS))
        {
            allowedBaseDirs.add(Paths.get(dir));
        }
    }

    /**
     * @return the factory the source uses by default.
     */
    public static TensorPoolConnection.Factory factory()
    {
        return ClientConnection::new;
    }

    @Override
    public String localDriverInstanceId()
    {
        return null;
    }

    @Override
    public FrameSource open(final TensorPoolSplit split, final StartingPosition position)
    {
        // a closed client (its media driver went away) opens nothing ever again: fail the reader, not retry forever
        LoggingAeronClients.requireOpen(aeron, "tensorpool source reader");
        final TensorPoolConsumer.Context ctx = new TensorPoolConsumer.Context()
            .aeron(aeron)
            .streamId(split.streamId())
            .controlChannel(split.driver().channel())
            .controlStreamId(split.driver().streamId())
            .allowedBaseDirs(allowedBaseDirs)
            .useDriver(config.get(TensorPoolSourceOptions.ATTACH_MODE) == AttachMode.DRIVER)
            .startPosition(position == StartingPosition.EARLIEST_IN_RING ?
                TensorPoolConsumer.StartPosition.EARLIEST_IN_RING : TensorPoolConsumer.StartPosition.LATEST);
        return new ConsumerFrameSource(new TensorPoolConsumer(ctx));
    }

    @Override
    public StreamDiscoverer discoverer()
    {
        // The local driver answers over IPC at once; a short timeout keeps a reader's close prompt when it does not.
        return new ClientStreamDiscoverer(aeron, false,
            config.get(TensorPoolSourceOptions.DRIVER_CHANNEL), config.get(TensorPoolSourceOptions.DRIVER_STREAM_ID),
            config.get(TensorPoolSourceOptions.DISCOVERY_RESPONSE_CHANNEL), null, LOCAL_DISCOVERY_TIMEOUT_NS);
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(aeron);
    }

    /**
     * A consumer seen through the connector's {@link FrameSource} port; counts frames the callback accepted.
     */
    private static final class ConsumerFrameSource implements FrameSource, FrameHandler
    {
        private final TensorPoolConsumer consumer;
        private FrameCallback callback;

        ConsumerFrameSource(final TensorPoolConsumer consumer)
        {
            this.consumer = consumer;
        }

        @Override
        public int poll(final FrameCallback callback, final int limit)
        {
            this.callback = callback;
            return consumer.poll(this, limit);
        }

        @Override
        public void onFrame(final FrameView frame)
        {
            callback.onFrame(frame);
        }

        @Override
        public long epoch()
        {
            return consumer.epoch() == 0 ? NO_EPOCH : consumer.epoch();
        }

        @Override
        public DataSourceMetadata metadata(final long metaVersion)
        {
            return consumer.metadata(metaVersion);
        }

        @Override
        public long dropsGap()
        {
            return consumer.dropsGap();
        }

        @Override
        public long dropsLate()
        {
            return consumer.dropsLate();
        }

        @Override
        public long latestSeq()
        {
            return consumer.lastSeqSeen();
        }

        @Override
        public void close()
        {
            consumer.close();
        }
    }
}
