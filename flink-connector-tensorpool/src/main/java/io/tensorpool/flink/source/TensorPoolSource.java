package io.tensorpool.flink.source;

import io.tensorpool.flink.common.HostIdentity;
import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.enumerator.TensorPoolEnumeratorState;
import io.tensorpool.flink.source.enumerator.TensorPoolEnumeratorStateSerializer;
import io.tensorpool.flink.source.enumerator.TensorPoolSourceEnumerator;
import io.tensorpool.flink.source.reader.ReaderMetrics;
import io.tensorpool.flink.source.reader.ReaderSettings;
import io.tensorpool.flink.source.reader.TensorPoolConnection;
import io.tensorpool.flink.source.reader.TensorPoolRecordEmitter;
import io.tensorpool.flink.source.reader.TensorPoolSourceReader;
import io.tensorpool.flink.source.reader.TensorPoolSplitReader;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import io.tensorpool.flink.source.split.TensorPoolSplitSerializer;
import org.agrona.CloseHelper;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.UserCodeClassLoader;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A FLIP-27 source reading tensor frames from tensorpool streams over shared memory: one split per (host, stream),
 * each read only on the host whose driver owns the stream.
 * <p>
 * The transport is lossy by design: a producer never waits for readers, so a reader that falls behind loses frames.
 * Lost frames are counted per split ({@code dropsGap}, {@code dropsLate}), never hidden; frames that are emitted are
 * exactly as committed. Checkpoints store (stream, epoch, last seq) per split; a restored split first emits the
 * frames of its epoch still committed in the ring above that seq, then live frames, with no frame of an epoch
 * emitted twice.
 * <pre>{@code
 * TensorPoolSource<TensorFrame> source = TensorPoolSource.<TensorFrame>builder()
 *     .setDataSourceName("camera-front")
 *     .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
 *     .setStartingPosition(StartingPosition.LATEST)
 *     .build();
 * env.fromSource(source, TensorPoolSource.watermarks(Duration.ofSeconds(1)), "tensorpool");
 * }</pre>
 *
 * @param <T> the record type.
 */
@PublicEvolving
public final class TensorPoolSource<T>
    implements Source<T, TensorPoolSplit, TensorPoolEnumeratorState>, ResultTypeQueryable<T>
{
    private static final long serialVersionUID = 1L;

    private final Configuration config;
    private final StreamSelector selector;
    private final TensorPoolDeserializationSchema<T> deserializer;
    private final FrameTimestampAssigner timestamps;
    private final Boundedness boundedness;
    private final TensorPoolConnection.Factory connectionFactory;
    private final StreamDiscoverer.Factory discovererFactory;

    TensorPoolSource(
        final Configuration config,
        final StreamSelector selector,
        final TensorPoolDeserializationSchema<T> deserializer,
        final FrameTimestampAssigner timestamps,
        final Boundedness boundedness,
        final TensorPoolConnection.Factory connectionFactory,
        final StreamDiscoverer.Factory discovererFactory)
    {
        this.config = config;
        this.selector = selector;
        this.deserializer = deserializer;
        this.timestamps = timestamps;
        this.boundedness = boundedness;
        this.connectionFactory = connectionFactory;
        this.discovererFactory = discovererFactory;
    }

    /**
     * @param <T> the record type.
     * @return a new builder.
     */
    public static <T> TensorPoolSourceBuilder<T> builder()
    {
        return new TensorPoolSourceBuilder<>();
    }

    /**
     * Watermarks for frames whose event time the source assigned: monotonous per split, and a split idle for
     * {@code idleTimeout} stops holding back the watermark (so quiet streams do not stall event time).
     *
     * @param idleTimeout how long a split may be quiet before it is marked idle.
     * @param <T>         the record type.
     * @return the strategy to pass to {@code env.fromSource}.
     */
    public static <T> org.apache.flink.api.common.eventtime.WatermarkStrategy<T> watermarks(
        final java.time.Duration idleTimeout)
    {
        return org.apache.flink.api.common.eventtime.WatermarkStrategy.<T>forMonotonousTimestamps()
            .withIdleness(idleTimeout);
    }

    @Override
    public Boundedness getBoundedness()
    {
        return boundedness;
    }

    @Override
    public SourceReader<T, TensorPoolSplit> createReader(final SourceReaderContext readerContext) throws Exception
    {
        deserializer.open(new DeserializationSchema.InitializationContext()
        {
            @Override
            public MetricGroup getMetricGroup()
            {
                return readerContext.metricGroup().addGroup("deserializer");
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader()
            {
                return readerContext.getUserCodeClassLoader();
            }
        });
        timestamps.open();

        final TensorPoolConnection connection = connectionFactory.connect(config);
        try
        {
            final String configuredHost = config.get(TensorPoolSourceOptions.HOST_ID);
            final boolean configured = configuredHost != null && !configuredHost.isBlank();
            final String hostId = HostIdentity.resolve(configuredHost);
            final String knownDriver = configured ? null : connection.localDriverInstanceId();
            final ReaderMetrics metrics = new ReaderMetrics(readerContext.metricGroup());
            final ReaderSettings settings = ReaderSettings.from(config);
            final Set<String> retired = ConcurrentHashMap.newKeySet();
            final StartingPosition start = config.get(TensorPoolSourceOptions.STARTING_POSITION);
            final long readerDiscovery = config.get(TensorPoolSourceOptions.DISCOVERY_MODE) == DiscoveryMode.READER ?
                config.get(TensorPoolSourceOptions.DISCOVERY_INTERVAL).toMillis() : -1;

            return new TensorPoolSourceReader<>(
                () -> new TensorPoolSplitReader<>(connection, deserializer, timestamps, start, settings, metrics,
                    retired),
                new TensorPoolRecordEmitter<>(metrics),
                toReaderConfiguration(config),
                readerContext,
                connection,
                hostId,
                knownDriver,
                !configured,
                retired,
                readerDiscovery);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(connection);
            throw ex;
        }
    }

    @Override
    public SplitEnumerator<TensorPoolSplit, TensorPoolEnumeratorState> createEnumerator(
        final SplitEnumeratorContext<TensorPoolSplit> enumContext)
    {
        return restoreEnumerator(enumContext, TensorPoolEnumeratorState.empty());
    }

    @Override
    public SplitEnumerator<TensorPoolSplit, TensorPoolEnumeratorState> restoreEnumerator(
        final SplitEnumeratorContext<TensorPoolSplit> enumContext, final TensorPoolEnumeratorState checkpoint)
    {
        final long interval = config.get(TensorPoolSourceOptions.DISCOVERY_INTERVAL).toMillis();
        return new TensorPoolSourceEnumerator(
            enumContext, discovererFactory, selector, interval, boundedness, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<TensorPoolSplit> getSplitSerializer()
    {
        return TensorPoolSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<TensorPoolEnumeratorState> getEnumeratorCheckpointSerializer()
    {
        return new TensorPoolEnumeratorStateSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType()
    {
        return deserializer.getProducedType();
    }

    /**
     * @return the options this source was built with (a copy).
     */
    @VisibleForTesting
    public Configuration configuration()
    {
        return new Configuration(config);
    }

    /**
     * @return which streams this source reads.
     */
    public StreamSelector selector()
    {
        return selector;
    }

    private static Configuration toReaderConfiguration(final Configuration config)
    {
        // SourceReaderBase reads its own options (element queue capacity) from this configuration.
        return new Configuration(config);
    }
}
