package io.tensorpool.flink.source;

import io.tensorpool.flink.source.enumerator.ClientStreamDiscoverer;
import io.tensorpool.flink.source.enumerator.StaticStreamDiscoverer;
import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.reader.ClientConnection;
import io.tensorpool.flink.source.reader.TensorPoolConnection;
import io.tensorpool.flink.source.split.DriverEndpoint;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Builds a {@link TensorPoolSource}. Only the deserializer and what to read are required; {@link #build()} checks
 * the whole configuration once and names the first problem with its value.
 * <pre>{@code
 * TensorPoolSource<float[]> source = TensorPoolSource.<float[]>builder()
 *     .setTags("lidar")
 *     .setDeserializer(TensorPoolDeserializationSchema.floatArrays())
 *     .setDiscoveryInterval(Duration.ofSeconds(2))
 *     .build();
 * }</pre>
 *
 * @param <T> the record type.
 */
@PublicEvolving
public final class TensorPoolSourceBuilder<T>
{
    private final Configuration config = new Configuration();
    private final Set<Integer> streamIds = new LinkedHashSet<>();
    private final List<String> tags = new ArrayList<>();
    private String dataSourceName;
    private TensorPoolDeserializationSchema<T> deserializer;
    private FrameTimestampAssigner timestamps = FrameTimestampAssigner.monotonicToEpochMillis();
    private TensorPoolConnection.Factory connectionFactory;
    private StreamDiscoverer.Factory discovererFactory;

    TensorPoolSourceBuilder()
    {
    }

    /**
     * @param aeronDirectory the Aeron directory of each host's media driver.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setAeronDirectory(final String aeronDirectory)
    {
        config.set(TensorPoolSourceOptions.AERON_DIRECTORY, Objects.requireNonNull(aeronDirectory, "aeronDirectory"));
        return this;
    }

    /**
     * @param channel  the tensorpool driver's control channel on each host.
     * @param streamId its control stream id.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setDriverEndpoint(final String channel, final int streamId)
    {
        config.set(TensorPoolSourceOptions.DRIVER_CHANNEL, Objects.requireNonNull(channel, "channel"));
        config.set(TensorPoolSourceOptions.DRIVER_STREAM_ID, streamId);
        return this;
    }

    /**
     * @param mode how readers reach shared memory (default {@link AttachMode#DRIVER}).
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setAttachMode(final AttachMode mode)
    {
        config.set(TensorPoolSourceOptions.ATTACH_MODE, Objects.requireNonNull(mode, "mode"));
        return this;
    }

    /**
     * @param channel  where discovery requests go (a registry or a driver's embedded provider).
     * @param streamId its stream id.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setDiscoveryEndpoint(final String channel, final int streamId)
    {
        config.set(TensorPoolSourceOptions.DISCOVERY_CHANNEL, Objects.requireNonNull(channel, "channel"));
        config.set(TensorPoolSourceOptions.DISCOVERY_STREAM_ID, streamId);
        return this;
    }

    /**
     * @param mode who discovers streams (default {@link DiscoveryMode#ENUMERATOR}).
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setDiscoveryMode(final DiscoveryMode mode)
    {
        config.set(TensorPoolSourceOptions.DISCOVERY_MODE, Objects.requireNonNull(mode, "mode"));
        return this;
    }

    /**
     * @param interval discovery period; zero discovers once.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setDiscoveryInterval(final Duration interval)
    {
        config.set(TensorPoolSourceOptions.DISCOVERY_INTERVAL, Objects.requireNonNull(interval, "interval"));
        return this;
    }

    /**
     * @param ids stream ids to read (combined with name and tags, if given).
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setStreamIds(final int... ids)
    {
        streamIds.clear();
        Arrays.stream(ids).forEach(streamIds::add);
        return this;
    }

    /**
     * @param name the data source name streams must be declared with.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setDataSourceName(final String name)
    {
        this.dataSourceName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * @param required tags every stream must be declared with.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setTags(final String... required)
    {
        tags.clear();
        tags.addAll(Arrays.asList(required));
        return this;
    }

    /**
     * @param schema builds records from frames.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setDeserializer(final TensorPoolDeserializationSchema<T> schema)
    {
        this.deserializer = Objects.requireNonNull(schema, "schema");
        return this;
    }

    /**
     * @param position where splits without a checkpointed position start (default LATEST).
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setStartingPosition(final StartingPosition position)
    {
        config.set(TensorPoolSourceOptions.STARTING_POSITION, Objects.requireNonNull(position, "position"));
        return this;
    }

    /**
     * Make the source bounded: each split finishes after {@code frames} frames.
     *
     * @param frames frames per split, at least 1.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setBoundedFramesPerSplit(final long frames)
    {
        config.set(TensorPoolSourceOptions.STOP_AFTER_FRAMES, frames);
        return this;
    }

    /**
     * Make the source bounded: a split finishes at its first frame with event time at or after {@code epochMillis}.
     *
     * @param epochMillis the stop time.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setBoundedAtTimestamp(final long epochMillis)
    {
        config.set(TensorPoolSourceOptions.STOP_AT_TIMESTAMP, epochMillis);
        return this;
    }

    /**
     * @param assigner event time of frames (default: CLOCK_MONOTONIC to epoch millis on the reader's host).
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setTimestampAssigner(final FrameTimestampAssigner assigner)
    {
        this.timestamps = Objects.requireNonNull(assigner, "assigner");
        return this;
    }

    /**
     * @param hostId this job's readers' host identity, replacing the default (the host name together with the
     *               instance id of the driver on the reader's host, learned from that driver).
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setHostId(final String hostId)
    {
        config.set(TensorPoolSourceOptions.HOST_ID, Objects.requireNonNull(hostId, "hostId"));
        return this;
    }

    /**
     * @param dirs directories region files may be mapped from.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setAllowedBaseDirs(final String... dirs)
    {
        config.set(TensorPoolSourceOptions.ALLOWED_BASE_DIRS, List.of(dirs));
        return this;
    }

    /**
     * Set any option of {@link TensorPoolSourceOptions} (or Flink's reader options) by key.
     *
     * @param key   the option key.
     * @param value the value as text.
     * @return this builder.
     */
    public TensorPoolSourceBuilder<T> setProperty(final String key, final String value)
    {
        config.setString(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Replace how readers reach tensorpool (tests and embedding).
     *
     * @param factory creates a reader's connection.
     * @return this builder.
     */
    @Internal
    public TensorPoolSourceBuilder<T> setConnectionFactory(final TensorPoolConnection.Factory factory)
    {
        this.connectionFactory = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /**
     * Replace enumerator-side discovery (tests and embedding).
     *
     * @param factory creates the enumerator's discoverer.
     * @return this builder.
     */
    @Internal
    public TensorPoolSourceBuilder<T> setDiscovererFactory(final StreamDiscoverer.Factory factory)
    {
        this.discovererFactory = Objects.requireNonNull(factory, "factory");
        return this;
    }

    /**
     * Check the configuration and build the source.
     *
     * @return the source.
     * @throws IllegalArgumentException naming the first invalid setting and its value.
     * @throws IllegalStateException    if a required setting is missing.
     */
    public TensorPoolSource<T> build()
    {
        sanityCheck();
        final StreamSelector selector = StreamSelector.of(streamIds, dataSourceName, tags);
        final DiscoveryMode mode = config.get(TensorPoolSourceOptions.DISCOVERY_MODE);
        final DriverEndpoint driver = new DriverEndpoint(
            config.get(TensorPoolSourceOptions.DRIVER_CHANNEL), config.get(TensorPoolSourceOptions.DRIVER_STREAM_ID));

        StreamDiscoverer.Factory enumeratorDiscovery = discovererFactory;
        if (enumeratorDiscovery == null)
        {
            switch (mode)
            {
                case NONE:
                    enumeratorDiscovery = StaticStreamDiscoverer.factory(streamIds, driver);
                    break;
                case ENUMERATOR:
                    enumeratorDiscovery = ClientStreamDiscoverer.factory(config, selector);
                    break;
                default:
                    break;
            }
        }
        else if (mode == DiscoveryMode.READER)
        {
            throw new IllegalArgumentException("a discoverer factory is for enumerator-side discovery, but " +
                TensorPoolSourceOptions.DISCOVERY_MODE.key() + "=READER");
        }

        final boolean bounded = config.getOptional(TensorPoolSourceOptions.STOP_AFTER_FRAMES).isPresent() ||
            config.getOptional(TensorPoolSourceOptions.STOP_AT_TIMESTAMP).isPresent();
        return new TensorPoolSource<>(
            new Configuration(config),
            selector,
            deserializer,
            timestamps,
            bounded ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED,
            connectionFactory != null ? connectionFactory : ClientConnection.factory(),
            enumeratorDiscovery);
    }

    private void sanityCheck()
    {
        if (deserializer == null)
        {
            throw new IllegalStateException("no deserializer: call setDeserializer(...), e.g. " +
                "TensorPoolDeserializationSchema.tensorFrames()");
        }
        final DiscoveryMode mode = config.get(TensorPoolSourceOptions.DISCOVERY_MODE);
        if (mode == DiscoveryMode.NONE && (streamIds.isEmpty() || dataSourceName != null || !tags.isEmpty()))
        {
            throw new IllegalArgumentException("discovery mode NONE reads explicit stream ids only: got ids=" +
                streamIds + " name=" + dataSourceName + " tags=" + tags);
        }
        if (streamIds.isEmpty() && dataSourceName == null && tags.isEmpty() && mode != DiscoveryMode.NONE)
        {
            throw new IllegalStateException("nothing to read: set stream ids, a data source name or tags " +
                "(reading every stream a registry knows must be asked for with setTags() of a common tag)");
        }
        requirePositive(TensorPoolSourceOptions.FETCH_MAX_FRAMES, config.get(TensorPoolSourceOptions.FETCH_MAX_FRAMES));
        requirePositive(TensorPoolSourceOptions.FETCH_MAX_BYTES,
            config.get(TensorPoolSourceOptions.FETCH_MAX_BYTES).getBytes());
        final Duration interval = config.get(TensorPoolSourceOptions.DISCOVERY_INTERVAL);
        if (interval.isNegative())
        {
            throw new IllegalArgumentException(TensorPoolSourceOptions.DISCOVERY_INTERVAL.key() + "=" + interval +
                " must not be negative");
        }
        config.getOptional(TensorPoolSourceOptions.STOP_AFTER_FRAMES)
            .ifPresent(n -> requirePositive(TensorPoolSourceOptions.STOP_AFTER_FRAMES, n));
        if (config.get(TensorPoolSourceOptions.ALLOWED_BASE_DIRS).isEmpty())
        {
            throw new IllegalArgumentException(TensorPoolSourceOptions.ALLOWED_BASE_DIRS.key() +
                " is empty: no region file could be mapped");
        }
        for (final String dir : config.get(TensorPoolSourceOptions.ALLOWED_BASE_DIRS))
        {
            if (!dir.startsWith("/"))
            {
                throw new IllegalArgumentException(TensorPoolSourceOptions.ALLOWED_BASE_DIRS.key() +
                    " must hold absolute paths, got '" + dir + "'");
            }
        }
    }

    private static void requirePositive(final ConfigOption<?> option, final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(option.key() + "=" + value + " must be positive");
        }
    }
}
