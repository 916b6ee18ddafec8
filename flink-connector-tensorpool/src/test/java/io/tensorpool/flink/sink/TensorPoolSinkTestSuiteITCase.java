package io.tensorpool.flink.sink;

import io.tensorpool.flink.testing.RandomRecords;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.ExternalSystemDataReader;
import org.apache.flink.connector.testframe.external.sink.DataStreamSinkV2ExternalContext;
import org.apache.flink.connector.testframe.external.sink.TestingSinkSettings;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SinkTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

/**
 * Flink's sink test suite against {@link TensorPoolSink}. The "external system" is shared memory: regions created by
 * the in-process driver stand-in, read back through a separate read-only mapping with the seqlock reader.
 *
 * <p>Only {@code AT_LEAST_ONCE} is run: the sink's guarantee is {@code NONE} (the ring overwrites and nothing is
 * replayed), which the suite cannot express. The ring (256 slots) is deeper than the records any subtask writes in a
 * test, so no frame is overwritten before it is read and the suite's "nothing lost" check is meaningful. The suite
 * never fails the job, so it does not exercise the at-most-once loss on failure; that is documented, not tested.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TensorPoolSinkTestSuiteITCase extends SinkTestSuiteBase<String>
{
    private static final AtomicInteger NEXT_BASE = new AtomicInteger(1000);

    @TestEnv
    MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestContext
    ExternalContextFactory<SharedMemoryContext> contexts = testName -> new SharedMemoryContext();

    @TestSemantics
    CheckpointingMode[] semantics = new CheckpointingMode[]{CheckpointingMode.AT_LEAST_ONCE};

    /** One test case's streams: four stream ids (the suite scales up to 4 subtasks) in a private directory. */
    static final class SharedMemoryContext implements DataStreamSinkV2ExternalContext<String>
    {
        private final int base = NEXT_BASE.getAndAdd(10);
        private final Path dir;
        private final InProcessStreams streams;
        private final StreamRecorder recorder;

        SharedMemoryContext()
        {
            try
            {
                dir = Files.createTempDirectory("tp-sink-suite");
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            streams = new InProcessStreams(dir);
            recorder = new StreamRecorder(streams);
        }

        @Override
        public Sink<String> createSink(final TestingSinkSettings settings)
        {
            return TensorPoolSink.<String>builder()
                .setStreamIdBase(base)
                .setDataSourceName("suite")
                .setTags("suite")
                .setPoolStrides(4096)
                .setHeaderSlots(256)
                .setSerializationSchema(new Utf8Schema())
                .setProducerFactory(streams.factory())
                .build();
        }

        @Override
        public ExternalSystemDataReader<String> createSinkDataReader(final TestingSinkSettings settings)
        {
            final int[] streamIds = IntStream.range(base, base + 4).toArray();
            return new ExternalSystemDataReader<>()
            {
                private int delivered;  // a new reader sees the sink's output from the start, like a topic read from offset 0

                @Override
                public List<String> poll(final Duration timeout)
                {
                    final long deadline = System.nanoTime() + timeout.toNanos();
                    do
                    {
                        recorder.poll(streamIds);
                        final List<StreamRecorder.Frame> frames = recorder.frames();
                        if (frames.size() > delivered)
                        {
                            final List<String> out = new ArrayList<>();
                            for (int i = delivered; i < frames.size(); i++)
                            {
                                out.add(new String(frames.get(i).payload, StandardCharsets.UTF_8));
                            }
                            delivered = frames.size();
                            return out;
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                    while (System.nanoTime() < deadline);
                    return Collections.emptyList();
                }

                @Override
                public void close()
                {
                }
            };
        }

        @Override
        public List<String> generateTestData(final TestingSinkSettings settings, final long seed)
        {
            return RandomRecords.of("record-", 100, 200, seed);
        }

        @Override
        public TypeInformation<String> getProducedType()
        {
            return Types.STRING;
        }

        @Override
        public List<URL> getConnectorJarPaths()
        {
            return Collections.emptyList();
        }

        @Override
        public void close()
        {
            recorder.close();
            streams.close();
            io.tensorpool.shm.StreamRegionFiles.deleteRecursively(dir);
        }
    }

    /** UTF-8 text as a one-dimensional UINT8 tensor. */
    static final class Utf8Schema implements TensorPoolSerializationSchema<String>
    {
        private static final long serialVersionUID = 1L;

        @Override
        public int payloadLength(final String element)
        {
            return element.getBytes(StandardCharsets.UTF_8).length;
        }

        @Override
        public void serialize(final String element, final TensorSlot slot)
        {
            final byte[] bytes = element.getBytes(StandardCharsets.UTF_8);
            slot.putBytes(0, bytes, 0, bytes.length);
        }
    }
}
