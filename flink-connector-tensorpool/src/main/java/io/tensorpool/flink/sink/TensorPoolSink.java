package io.tensorpool.flink.sink;

import io.tensorpool.driver.ShmDriverConfiguration;
import io.tensorpool.flink.sink.internal.ProducerSettings;
import io.tensorpool.flink.sink.internal.SinkFrameProducer;
import io.tensorpool.flink.sink.internal.SinkFrameProducerFactory;
import io.tensorpool.flink.sink.internal.StreamAttachException;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

import static io.tensorpool.flink.sink.TensorPoolSinkOptions.*;

/**
 * A Flink Sink V2 that writes each record as one tensor frame into shared memory through the Wire §8.3 seqlock
 * commit path, for any tensorpool consumer (Java, C, Julia, or a {@code TensorPoolSource}) to read.
 *
 * <p>Each subtask attaches, through the SHM driver on its own host, as the exclusive producer of one stream: stream
 * {@code base + subtask} or the subtask's entry of an explicit list. It declares the configured data source name and
 * tags so discovery can find the stream. If the stream already has a producer the attach is refused and the job
 * fails at start (no restart) with the driver's message naming the stream and the holder.
 *
 * <p>Delivery guarantee: {@code NONE} (at-most-once). The ring overwrites its oldest slot without waiting for
 * consumers and there is no commit phase, so a slow consumer misses frames and a restarted job does not replay
 * frames written before a failure. A frame larger than every pool, or whose description breaks a layout rule, is
 * dropped and counted; the job keeps running. The writer never blocks on consumers.
 *
 * <p>Build with {@link #builder()}.
 *
 * @param <T> the record type.
 */
@PublicEvolving
public final class TensorPoolSink<T> implements Sink<T>
{
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolSink.class);

    private final Configuration configuration;
    private final StreamAssignment assignment;
    private final TensorPoolSerializationSchema<T> serializationSchema;
    private final SinkFrameProducerFactory producerFactory;

    TensorPoolSink(
        final Configuration configuration,
        final StreamAssignment assignment,
        final TensorPoolSerializationSchema<T> serializationSchema,
        final SinkFrameProducerFactory producerFactory)
    {
        this.configuration = configuration;
        this.assignment = assignment;
        this.serializationSchema = serializationSchema;
        this.producerFactory = producerFactory;
    }

    /** Start building a sink. */
    public static <T> TensorPoolSinkBuilder<T> builder()
    {
        return new TensorPoolSinkBuilder<>();
    }

    /**
     * Attach this subtask's producer and return its writer.
     *
     * @throws SuppressRestartsException wrapping a {@link StreamAttachException} when the driver refuses the attach
     *                                   (for instance the stream is held by another producer): restarting would
     *                                   meet the same refusal.
     * @throws IOException               when the driver cannot be reached within the attach timeout.
     */
    @Override
    public SinkWriter<T> createWriter(final WriterInitContext context) throws IOException
    {
        final TaskInfo taskInfo = context.getTaskInfo();
        final ProducerSettings settings = producerSettings(
            taskInfo.getIndexOfThisSubtask(), taskInfo.getNumberOfParallelSubtasks());
        try
        {
            serializationSchema.open(context.asSerializationSchemaInitializationContext());
        }
        catch (final Exception ex)
        {
            throw new FlinkRuntimeException("stream=" + settings.streamId() + ": opening the serialization schema " +
                serializationSchema + " failed", ex);
        }

        final SinkFrameProducer producer;
        try
        {
            producer = producerFactory.attach(settings);
        }
        catch (final StreamAttachException ex)
        {
            LOG.error("attach refused stream={} subtask={}: {}", settings.streamId(), settings.subtaskIndex(),
                ex.getMessage());
            throw new SuppressRestartsException(ex);
        }
        LOG.info("attached stream={} epoch={} subtask={} dataSource={} tags={}", producer.streamId(),
            producer.epoch(), settings.subtaskIndex(), settings.dataSourceName(), settings.tags());

        try
        {
            return new TensorPoolWriter<>(producer, serializationSchema, context.metricGroup(),
                context.getProcessingTimeService(), configuration.get(DUTY_CYCLE_INTERVAL).toMillis());
        }
        catch (final RuntimeException ex)
        {
            producer.close();
            throw ex;
        }
    }

    /** What the subtask {@code subtask} of {@code parallelism} attaches with. */
    @VisibleForTesting
    ProducerSettings producerSettings(final int subtask, final int parallelism)
    {
        final int streamId = assignment.streamIdFor(subtask, parallelism);
        final int[] strides = configuration.get(POOL_STRIDES).stream().mapToInt(Integer::intValue).toArray();
        return new ProducerSettings(
            configuration.getOptional(AERON_DIRECTORY).orElse(null),
            configuration.get(CONTROL_CHANNEL),
            configuration.get(CONTROL_STREAM_ID),
            streamId,
            0,
            subtask,
            configuration.get(DATA_SOURCE_NAME),
            configuration.get(TAGS),
            streamId,
            strides,
            configuration.get(HEADER_SLOTS),
            configuration.get(ATTACH_TIMEOUT),
            Path.of(configuration.getOptional(SHM_BASE_DIR)
                .orElseGet(() -> ShmDriverConfiguration.defaultShmBaseDir().toString())));
    }

    @Override
    public String toString()
    {
        return "TensorPoolSink{" + assignment + " dataSource=" + configuration.get(DATA_SOURCE_NAME) + " tags=" +
            configuration.get(TAGS) + " schema=" + serializationSchema + "}";
    }
}
