package io.tensorpool.flink.source;

import io.tensorpool.flink.testing.RandomRecords;
import io.tensorpool.flink.source.testing.SuiteHost;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.testframe.environment.MiniClusterTestEnvironment;
import org.apache.flink.connector.testframe.external.ExternalContextFactory;
import org.apache.flink.connector.testframe.external.ExternalSystemSplitDataWriter;
import org.apache.flink.connector.testframe.external.source.DataStreamSourceExternalContext;
import org.apache.flink.connector.testframe.external.source.TestingSourceSettings;
import org.apache.flink.connector.testframe.junit.annotations.TestContext;
import org.apache.flink.connector.testframe.junit.annotations.TestEnv;
import org.apache.flink.connector.testframe.junit.annotations.TestSemantics;
import org.apache.flink.connector.testframe.testsuites.SourceTestSuiteBase;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Flink's own source test suite against {@link TensorPoolSource}. The external system is one host: an embedded Aeron
 * media driver and a tensorpool SHM driver with its embedded discovery provider, both with default endpoints and the
 * driver's default instance id. A split data writer is a tensorpool producer attached through that driver on a stream
 * of its own, writing each test record as one UINT8 frame and declaring the test case's data source name and tag; the
 * source finds the streams through the driver's discovery, attaches as a consumer through the driver and starts at
 * {@code EARLIEST_IN_RING}. Nothing about hosts is configured: the readers learn the local driver's instance id.
 * <p>
 * Why every case can pass on a lossy transport: the ring (256 slots) is deeper than the records any stream receives
 * in one case (at most {@value #RECORDS_PER_WRITE} per write, two writes), so no frame is overwritten before it is
 * read, and the producer never restarts, so no epoch changes. A restored split asks for the ring again and emits only
 * frames above its checkpointed seq, which is what makes the savepoint, rescale and TaskManager failure cases see
 * every record exactly once. With a shallower ring or a producer restart these cases would lose records, by design
 * (see docs/flink-source.md, "Semantics").
 * <p>
 * A bounded source here stops each split after {@value #RECORDS_PER_WRITE} frames, the size of one write: the
 * suite's bounded cases write each split once before the job starts. The writer waits until discovery lists its
 * stream, so the bounded source's first discovery sees every split of the case.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TensorPoolSourceTestSuiteITCase extends SourceTestSuiteBase<String>
{
    static final int RECORDS_PER_WRITE = 40;

    @TestEnv
    MiniClusterTestEnvironment flink = new MiniClusterTestEnvironment();

    @TestContext
    ExternalContextFactory<SharedMemoryContext> contexts = testName -> new SharedMemoryContext();

    @TestSemantics
    CheckpointingMode[] semantics = new CheckpointingMode[]{CheckpointingMode.EXACTLY_ONCE, CheckpointingMode.AT_LEAST_ONCE};

    /** One test case's host: its own media driver, SHM driver and streams, and a tag only this case uses. */
    static final class SharedMemoryContext implements DataStreamSourceExternalContext<String>
    {
        private final SuiteHost host = new SuiteHost(RECORDS_PER_WRITE * 2);
        private final List<SuiteHost.StreamWriter> writers = new ArrayList<>();

        @Override
        public Source<String, ?, ?> createSource(final TestingSourceSettings settings)
        {
            final TensorPoolSourceBuilder<String> builder = TensorPoolSource.<String>builder()
                .setAeronDirectory(host.aeronDirectoryName())
                .setAllowedBaseDirs(host.baseDir().toString())
                .setTags(host.tag())
                .setDiscoveryInterval(Duration.ofMillis(200))
                .setStartingPosition(StartingPosition.EARLIEST_IN_RING)
                .setDeserializer(new Utf8Deserializer());
            if (settings.getBoundedness() == Boundedness.BOUNDED)
            {
                builder.setBoundedFramesPerSplit(RECORDS_PER_WRITE);
            }
            return builder.build();
        }

        @Override
        public ExternalSystemSplitDataWriter<String> createSourceSplitDataWriter(final TestingSourceSettings settings)
        {
            final SuiteHost.StreamWriter writer = host.newStream();
            writers.add(writer);
            return new ExternalSystemSplitDataWriter<>()
            {
                @Override
                public void writeRecords(final List<String> records)
                {
                    writer.write(records);
                }

                @Override
                public void close()
                {
                    // the stream stays until the case ends: a restored job reads what is still in its ring
                }
            };
        }

        @Override
        public List<String> generateTestData(
            final TestingSourceSettings settings, final int splitIndex, final long seed)
        {
            return RandomRecords.of("split-" + splitIndex + "-record-", RECORDS_PER_WRITE, 300, seed);
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
            host.close();
        }
    }

    /** A frame's payload as UTF-8 text. */
    static final class Utf8Deserializer implements TensorPoolDeserializationSchema<String>
    {
        private static final long serialVersionUID = 1L;

        @Override
        public String deserialize(final io.tensorpool.shm.FrameView frame,
            final io.tensorpool.client.DataSourceMetadata metadata)
        {
            final byte[] bytes = new byte[frame.valuesLength()];
            frame.payload().getBytes(0, bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public TypeInformation<String> getProducedType()
        {
            return Types.STRING;
        }
    }
}
