package io.tensorpool.flink.sink;

import io.tensorpool.flink.sink.internal.ClientProducerFactory;
import io.tensorpool.flink.sink.internal.SinkFrameProducerFactory;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.ShmValidationException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.tensorpool.flink.sink.TensorPoolSinkOptions.*;

/**
 * Builds a {@link TensorPoolSink}. Required: a serialization schema, a stream assignment (a base id or an explicit
 * list) and a data source name. {@link #build()} checks everything that can be checked before the job runs and
 * names the offending value.
 *
 * <pre>{@code
 * TensorPoolSink<float[]> sink = TensorPoolSink.<float[]>builder()
 *     .setAeronDirectory("/dev/shm/aeron")
 *     .setStreamIdBase(100)                      // subtask i writes stream 100 + i
 *     .setDataSourceName("camera-features")
 *     .setTags("features", "camera")
 *     .setPoolStrides(64 * 1024, 1024 * 1024)
 *     .setHeaderSlots(64)
 *     .setSerializationSchema(ArrayTensorSchema.floats(-1, 512))
 *     .build();
 * }</pre>
 *
 * @param <T> the record type.
 */
@PublicEvolving
public final class TensorPoolSinkBuilder<T>
{
    private final Configuration configuration = new Configuration();
    private TensorPoolSerializationSchema<T> serializationSchema;
    private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.NONE;
    private SinkFrameProducerFactory producerFactory;

    TensorPoolSinkBuilder()
    {
    }

    /** Read every {@link TensorPoolSinkOptions} present in {@code config}; later setters override. */
    public TensorPoolSinkBuilder<T> setConfiguration(final ReadableConfig config)
    {
        config.getOptional(AERON_DIRECTORY).ifPresent(v -> configuration.set(AERON_DIRECTORY, v));
        config.getOptional(SHM_BASE_DIR).ifPresent(v -> configuration.set(SHM_BASE_DIR, v));
        config.getOptional(CONTROL_CHANNEL).ifPresent(v -> configuration.set(CONTROL_CHANNEL, v));
        config.getOptional(CONTROL_STREAM_ID).ifPresent(v -> configuration.set(CONTROL_STREAM_ID, v));
        config.getOptional(STREAM_ID_BASE).ifPresent(v -> configuration.set(STREAM_ID_BASE, v));
        config.getOptional(STREAM_IDS).ifPresent(v -> configuration.set(STREAM_IDS, v));
        config.getOptional(DATA_SOURCE_NAME).ifPresent(v -> configuration.set(DATA_SOURCE_NAME, v));
        config.getOptional(TAGS).ifPresent(v -> configuration.set(TAGS, v));
        config.getOptional(POOL_STRIDES).ifPresent(v -> configuration.set(POOL_STRIDES, v));
        config.getOptional(HEADER_SLOTS).ifPresent(v -> configuration.set(HEADER_SLOTS, v));
        config.getOptional(ATTACH_TIMEOUT).ifPresent(v -> configuration.set(ATTACH_TIMEOUT, v));
        config.getOptional(DUTY_CYCLE_INTERVAL).ifPresent(v -> configuration.set(DUTY_CYCLE_INTERVAL, v));
        return this;
    }

    /** Aeron directory of the media driver on every task manager's host ({@link TensorPoolSinkOptions#AERON_DIRECTORY}). */
    public TensorPoolSinkBuilder<T> setAeronDirectory(final String aeronDirectory)
    {
        configuration.set(AERON_DIRECTORY, aeronDirectory);
        return this;
    }

    /** The SHM driver's base directory on every task manager's host ({@link TensorPoolSinkOptions#SHM_BASE_DIR}). */
    public TensorPoolSinkBuilder<T> setShmBaseDir(final String directory)
    {
        configuration.set(SHM_BASE_DIR, directory);
        return this;
    }

    /** Control endpoint of the SHM driver on every task manager's host. */
    public TensorPoolSinkBuilder<T> setDriverControl(final String channel, final int streamId)
    {
        configuration.set(CONTROL_CHANNEL, channel);
        configuration.set(CONTROL_STREAM_ID, streamId);
        return this;
    }

    /** Subtask i writes stream {@code base + i}. */
    public TensorPoolSinkBuilder<T> setStreamIdBase(final int base)
    {
        configuration.set(STREAM_ID_BASE, base);
        return this;
    }

    /** Subtask i writes {@code streamIds[i]}; the sink's parallelism must not exceed the number of ids. */
    public TensorPoolSinkBuilder<T> setStreamIds(final int... streamIds)
    {
        final List<Integer> ids = new ArrayList<>(streamIds.length);
        for (final int id : streamIds)
        {
            ids.add(id);
        }
        configuration.set(STREAM_IDS, ids);
        return this;
    }

    /** Data source name declared for each stream, for discovery. */
    public TensorPoolSinkBuilder<T> setDataSourceName(final String name)
    {
        configuration.set(DATA_SOURCE_NAME, name);
        return this;
    }

    /** Tags declared for each stream, for discovery (e.g. {@code "features"}). */
    public TensorPoolSinkBuilder<T> setTags(final String... tags)
    {
        configuration.set(TAGS, List.of(tags));
        return this;
    }

    /** Payload pool size classes in bytes for streams the driver creates on attach. */
    public TensorPoolSinkBuilder<T> setPoolStrides(final int... strides)
    {
        final List<Integer> list = new ArrayList<>(strides.length);
        for (final int stride : strides)
        {
            list.add(stride);
        }
        configuration.set(POOL_STRIDES, list);
        return this;
    }

    /** Header ring depth (power of two) for streams the driver creates on attach. */
    public TensorPoolSinkBuilder<T> setHeaderSlots(final int headerSlots)
    {
        configuration.set(HEADER_SLOTS, headerSlots);
        return this;
    }

    /** How long each subtask waits for the driver to answer its attach. */
    public TensorPoolSinkBuilder<T> setAttachTimeout(final Duration timeout)
    {
        configuration.set(ATTACH_TIMEOUT, timeout);
        return this;
    }

    /** Period of the producer duty cycle while no records arrive. */
    public TensorPoolSinkBuilder<T> setDutyCycleInterval(final Duration interval)
    {
        configuration.set(DUTY_CYCLE_INTERVAL, interval);
        return this;
    }

    /** How each record becomes a tensor in its slot. */
    public TensorPoolSinkBuilder<T> setSerializationSchema(final TensorPoolSerializationSchema<T> schema)
    {
        this.serializationSchema = schema;
        return this;
    }

    /**
     * Only {@link DeliveryGuarantee#NONE} is possible: frames go into a ring that overwrites the oldest slot and
     * there is no commit phase to replay from, so the sink is at-most-once. Any other value is rejected at
     * {@link #build()} rather than silently weakened.
     */
    public TensorPoolSinkBuilder<T> setDeliveryGuarantee(final DeliveryGuarantee guarantee)
    {
        this.deliveryGuarantee = guarantee;
        return this;
    }

    /** Replace how subtasks attach as producers; for tests and benchmarks. */
    @Internal
    public TensorPoolSinkBuilder<T> setProducerFactory(final SinkFrameProducerFactory factory)
    {
        this.producerFactory = factory;
        return this;
    }

    /**
     * Check the configuration and build the sink.
     *
     * @throws IllegalArgumentException naming the option and the value when something is missing or invalid.
     */
    public TensorPoolSink<T> build()
    {
        if (null == serializationSchema)
        {
            throw new IllegalArgumentException("a serialization schema is required: setSerializationSchema(...)");
        }
        if (deliveryGuarantee != DeliveryGuarantee.NONE)
        {
            throw new IllegalArgumentException("delivery guarantee " + deliveryGuarantee.name() + " is not possible: the " +
                "ring overwrites its oldest slot and has no commit phase, so the sink is at-most-once (NONE)");
        }
        final StreamAssignment assignment = streamAssignment();
        checkDataSource();
        final int headerSlots = configuration.get(HEADER_SLOTS);
        checkPools(headerSlots, configuration.get(POOL_STRIDES));
        checkPositive(ATTACH_TIMEOUT.key(), configuration.get(ATTACH_TIMEOUT));
        checkPositive(DUTY_CYCLE_INTERVAL.key(), configuration.get(DUTY_CYCLE_INTERVAL));
        final String channel = configuration.get(CONTROL_CHANNEL);
        if (null == channel || !channel.startsWith("aeron:"))
        {
            throw new IllegalArgumentException(CONTROL_CHANNEL.key() + " must be an Aeron channel URI, was '" +
                channel + "'");
        }
        final String baseDir = configuration.getOptional(SHM_BASE_DIR).orElse(null);
        if (null != baseDir && !baseDir.startsWith("/"))
        {
            throw new IllegalArgumentException(SHM_BASE_DIR.key() + " must be an absolute path, was '" + baseDir + "'");
        }
        final SinkFrameProducerFactory factory = null != producerFactory ?
            producerFactory : new ClientProducerFactory();
        return new TensorPoolSink<>(new Configuration(configuration), assignment, serializationSchema, factory);
    }

    private StreamAssignment streamAssignment()
    {
        final Integer base = configuration.getOptional(STREAM_ID_BASE).orElse(null);
        final List<Integer> ids = configuration.getOptional(STREAM_IDS).orElse(null);
        if (null != base && null != ids)
        {
            throw new IllegalArgumentException("set either a stream id base (" + base + ") or explicit stream ids " +
                ids + ", not both");
        }
        if (null == base && null == ids)
        {
            throw new IllegalArgumentException(
                "a stream assignment is required: setStreamIdBase(base) or setStreamIds(ids...)");
        }
        if (null != base)
        {
            if (base <= 0)
            {
                throw new IllegalArgumentException(STREAM_ID_BASE.key() + " must be positive, was " + base);
            }
            return StreamAssignment.fromBase(base);
        }
        if (ids.isEmpty())
        {
            throw new IllegalArgumentException(STREAM_IDS.key() + " must not be empty");
        }
        final Set<Integer> seen = new HashSet<>();
        final int[] array = new int[ids.size()];
        for (int i = 0; i < array.length; i++)
        {
            final int id = ids.get(i);
            if (id <= 0)
            {
                throw new IllegalArgumentException(STREAM_IDS.key() + " must be positive, was " + id + " in " + ids);
            }
            if (!seen.add(id))
            {
                throw new IllegalArgumentException(STREAM_IDS.key() + " must be distinct (one producer per " +
                    "stream), " + id + " repeats in " + ids);
            }
            array[i] = id;
        }
        return StreamAssignment.fromList(array);
    }

    private void checkDataSource()
    {
        final String name = configuration.getOptional(DATA_SOURCE_NAME).orElse(null);
        if (null == name || name.isBlank())
        {
            throw new IllegalArgumentException("a data source name is required so downstream consumers can " +
                "discover the streams: setDataSourceName(name)");
        }
        checkAscii(DATA_SOURCE_NAME.key(), name);
        final Set<String> tags = new HashSet<>();
        for (final String tag : configuration.get(TAGS))
        {
            if (null == tag || tag.isBlank())
            {
                throw new IllegalArgumentException(TAGS.key() + " must not contain blank tags, was " +
                    configuration.get(TAGS));
            }
            checkAscii(TAGS.key(), tag);
            if (!tags.add(tag))
            {
                throw new IllegalArgumentException(TAGS.key() + " repeats tag '" + tag + "'");
            }
        }
    }

    private static void checkAscii(final String key, final String value)
    {
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E)
            {
                throw new IllegalArgumentException(key + " must be printable ASCII (it travels as ASCII bytes), " +
                    "was '" + value + "' with character " + (int)c + " at " + i);
            }
        }
    }

    private static void checkPools(final int headerSlots, final List<Integer> strides)
    {
        try
        {
            RegionSpec.headerRing(1, 0, headerSlots);
        }
        catch (final ShmValidationException ex)
        {
            throw new IllegalArgumentException(HEADER_SLOTS.key() + " " + ex.getMessage(), ex);
        }
        if (strides.isEmpty())
        {
            throw new IllegalArgumentException(POOL_STRIDES.key() + " needs at least one pool stride");
        }
        int previous = 0;
        for (final int stride : strides)
        {
            if (stride <= previous)
            {
                throw new IllegalArgumentException(POOL_STRIDES.key() + " must be strictly ascending and positive, " +
                    "was " + strides);
            }
            try
            {
                RegionSpec.payloadPool(1, 0, 1, headerSlots, stride);
            }
            catch (final ShmValidationException ex)
            {
                throw new IllegalArgumentException(POOL_STRIDES.key() + " stride " + stride + ": " + ex.getMessage(),
                    ex);
            }
            previous = stride;
        }
    }

    private static void checkPositive(final String key, final Duration duration)
    {
        if (duration.isNegative() || duration.isZero())
        {
            throw new IllegalArgumentException(key + " must be positive, was " + duration);
        }
    }

    @Override
    public String toString()
    {
        return "TensorPoolSinkBuilder{" + configuration + " schema=" + serializationSchema + " guarantee=" +
            deliveryGuarantee + " strides=" + Arrays.toString(configuration.get(POOL_STRIDES).toArray()) + "}";
    }
}
