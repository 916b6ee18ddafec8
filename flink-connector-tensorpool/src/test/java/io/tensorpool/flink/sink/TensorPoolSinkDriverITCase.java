package io.tensorpool.flink.sink;

import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.discovery.DiscoveredStream;
import io.tensorpool.discovery.DiscoveryQuery;
import io.tensorpool.discovery.DiscoveryResult;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.TensorPoolDeserializationSchema;
import io.tensorpool.flink.source.TensorPoolSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import java.util.concurrent.locks.LockSupport;
import io.tensorpool.testing.Await;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.tensorpool.flink.sink.SinkJobs.runJob;
import static io.tensorpool.flink.sink.TensorPoolSinkITCase.floats;
import static io.tensorpool.flink.sink.TensorPoolSinkITCase.record;
import static io.tensorpool.flink.sink.TensorPoolSinkITCase.records;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The sink against the real stack of one host: embedded Aeron media driver, the SHM driver, and core
 * {@code TensorPoolConsumer}s reading what the jobs write.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TensorPoolSinkDriverITCase
{
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4) // job A (2 slots) and job B (2) run side by side
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .build());

    private static ShmDriverFixture host;

    @BeforeAll
    static void startHost()
    {
        host = new ShmDriverFixture();
    }

    @AfterAll
    static void stopHost() throws Exception
    {
        host.close();
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 3})
    void consumersReadEveryFrameWithExactContents(final int parallelism) throws Exception
    {
        final int base = 11000 + parallelism * 10;
        for (int i = 0; i < parallelism; i++)
        {
            host.consume(base + i);
        }
        final int records = 60;
        final JobExecutionResult result = runJob(records(records), parallelism, sink(base), "driver-exact-" +
            parallelism);

        final List<StreamRecorder.Frame> frames = awaitFrames(base, parallelism, records);
        final Set<Integer> seen = new HashSet<>();
        final Set<Integer> streams = new HashSet<>();
        for (final StreamRecorder.Frame frame : frames)
        {
            assertEquals(Dtype.FLOAT32, frame.dtype);
            assertArrayEquals(new int[]{4, 256}, frame.dims);
            final float[] values = floats(frame.payload);
            final int index = (int)values[0] / 10_000;
            assertArrayEquals(record(index), values, "payload of record " + index);
            assertTrue(seen.add(index), "record " + index + " delivered twice");
            streams.add(frame.streamId);
        }
        assertEquals(parallelism, streams.size(), "each subtask is the producer of its own stream");
        assertEquals(records, sum(result.getJobID(), "numRecordsSend"));
        for (int i = 0; i < parallelism; i++)
        {
            assertEquals(0, host.consumer(base + i).dropsLate() + host.consumer(base + i).dropsInvalid());
        }
    }

    @Test
    void oversizedFrameIsDroppedAndCountedAndTheJobKeepsRunning() throws Exception
    {
        final int stream = 11100;
        host.consume(stream);
        final List<float[]> input = new ArrayList<>(records(10));
        input.add(4, new float[256 * 1200]);   // 1.2 MB: larger than the driver's largest pool (64 KiB)
        final JobExecutionResult result = runJob(input, 1, sink(stream), "driver-oversize");

        final List<StreamRecorder.Frame> frames = awaitFrames(stream, 1, 10);
        for (int i = 0; i < 10; i++)
        {
            assertArrayEquals(record(i), floats(frames.get(i).payload), "frame " + i + " in order, none lost");
        }
        assertEquals(1, sum(result.getJobID(), TensorPoolWriter.FRAMES_DROPPED_NO_POOL_FITS));
        assertEquals(10, sum(result.getJobID(), "numRecordsSend"));
    }

    @Test
    void streamHeldByAnotherProducerFailsTheJobAtStartNamingStreamAndHolder()
    {
        final int held = 11201;
        try (DriverClient holder = new DriverClient(new DriverClient.Context()
            .aeron(host.aeron)
            .streamId(held)
            .role(Role.PRODUCER)
            .clientId(4242)
            .publishMode(PublishMode.EXISTING_OR_CREATE)))
        {
            holder.attach(DEADLINE);
            final long started = System.nanoTime();
            final Exception failure = assertThrows(Exception.class,
                () -> runJob(records(5), 3, sink(11200), "driver-held"));

            final Optional<Throwable> refusal = ExceptionUtils.findThrowableWithMessage(failure, "stream 11201");
            assertTrue(refusal.isPresent(), () -> ExceptionUtils.stringifyException(failure));
            final String message = refusal.get().getMessage();
            assertTrue(message.contains("REJECTED") && message.contains("client=4242"), message);
            assertTrue(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class).isPresent(),
                "a refused attach must not be retried by restarts");
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30),
                "fails at start, not after the attach timeout");
            holder.doWork();
        }
    }

    @Test
    void restartedSinkWritesANewEpochAndTheConsumerFollows() throws Exception
    {
        final int stream = 11300;
        host.consume(stream);
        runJob(records(10), 1, sink(stream), "driver-epoch-1");
        final List<StreamRecorder.Frame> first = awaitFrames(stream, 1, 10);
        runJob(records(20).subList(10, 20), 1, sink(stream), "driver-epoch-2");
        final List<StreamRecorder.Frame> all = awaitFrames(stream, 1, 20);

        final long firstEpoch = first.get(0).epoch;
        for (int i = 0; i < 20; i++)
        {
            final StreamRecorder.Frame frame = all.get(i);
            assertArrayEquals(record(i), floats(frame.payload));
            if (i < 10)
            {
                assertEquals(firstEpoch, frame.epoch);
            }
            else
            {
                assertTrue(frame.epoch > firstEpoch, "restart bumps the epoch: " + frame);
                assertEquals(i - 10, frame.seq, "seq restarts at 0 in the new epoch");
            }
        }
        assertTrue(host.consumer(stream).epochChanges() >= 1);
    }

    @Test
    void streamsAreDiscoverableByTheDeclaredTag() throws Exception
    {
        final int base = 11400;
        final JobExecutionResult result = runJob(records(30), 3, host.sink(TensorPoolSink.<float[]>builder())
            .setStreamIdBase(base)
            .setDataSourceName("camera-features")
            .setTags("features", "camera")
            .setSerializationSchema(ArrayTensorSchema.floats(-1, 256))
            .build(), "driver-discovery");
        assertEquals(30, sum(result.getJobID(), "numRecordsSend"));

        final List<DiscoveredStream> found = new ArrayList<>();
        // discovery is soft state: a stream's tags (DataSourceMeta) and name (DataSourceAnnounce) are indexed as
        // they arrive, and an announce that came before the stream was indexed is only taken on the next metadata
        // period, so wait for both
        Await.until("three streams tagged 'features' discovered with their name", DEADLINE, () ->
        {
            final DiscoveryResult answer = host.discoveryClient.query(DiscoveryQuery.byTags("features"));
            found.clear();
            if (answer.isOk())
            {
                answer.streams().stream().filter(s -> s.streamId() >= base && s.streamId() < base + 3)
                    .filter(s -> !s.dataSourceName().isEmpty())
                    .forEach(found::add);
            }
            return found.size() == 3;
        }, () -> { });
        for (final DiscoveredStream stream : found)
        {
            assertEquals("camera-features", stream.dataSourceName());
            assertEquals(Set.of("features", "camera"), stream.tags());
            assertEquals("sink-it", stream.driverInstanceId());
            assertFalse(stream.pools().isEmpty(), "discovery hands out the layout a consumer maps");
        }
    }

    @Test
    void jobBReadsTheStreamsJobAWritesFoundByTag() throws Exception
    {
        final int base = 11500;
        final int wanted = 30;
        final StreamExecutionEnvironment envA = StreamExecutionEnvironment.getExecutionEnvironment();
        envA.fromSequence(0, Long.MAX_VALUE)
            .setParallelism(1)
            .map(new ThrottledRecords())
            .setParallelism(1)
            .returns(PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO)
            .rebalance()
            .sinkTo(host.sink(TensorPoolSink.<float[]>builder())
                .setStreamIdBase(base)
                .setDataSourceName("job-a")
                .setTags("features")
                .setSerializationSchema(ArrayTensorSchema.floats(-1, 256))
                .build())
            .setParallelism(2)
            .name("job-a");
        final JobClient jobA = envA.executeAsync("job-a");
        try
        {
            final TensorPoolSource<TensorFrame> source = TensorPoolSource.<TensorFrame>builder()
                .setAeronDirectory(host.mediaDriver.aeronDirectoryName())
                .setDiscoveryEndpoint(ShmDriverFixture.DISCOVERY_CHANNEL, ShmDriverFixture.DISCOVERY_REQUEST_STREAM)
                .setDataSourceName("job-a")
                .setTags("features")
                .setHostId("sink-it")
                .setAllowedBaseDirs(host.baseDir.toString())
                .setStartingPosition(StartingPosition.EARLIEST_IN_RING)
                .setDiscoveryInterval(Duration.ofMillis(100))
                .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
                .build();
            final StreamExecutionEnvironment envB = StreamExecutionEnvironment.getExecutionEnvironment();
            envB.setParallelism(2);
            final List<TensorFrame> received = new ArrayList<>();
            try (CloseableIterator<TensorFrame> it =
                envB.fromSource(source, WatermarkStrategy.noWatermarks(), "job-b").executeAndCollect("job-b"))
            {
                while (received.size() < wanted && it.hasNext())
                {
                    received.add(it.next());
                }
            }

            final Set<Integer> seen = new HashSet<>();
            final Set<Integer> streams = new HashSet<>();
            for (final TensorFrame frame : received)
            {
                assertEquals(Dtype.FLOAT32, frame.dtype());
                assertArrayEquals(new int[]{4, 256}, frame.shape());
                final float[] values = floats(frame.payload());
                final int index = (int)values[0] / 10_000;
                assertArrayEquals(record(index), values, "frame " + frame);
                assertTrue(seen.add(index), "record " + index + " twice");
                streams.add(frame.streamId());
            }
            assertEquals(Set.of(base, base + 1), streams, "job B reads both of job A's streams");
        }
        finally
        {
            jobA.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** Record i of an endless job at about 50 records per second (a rate limit, not synchronisation). */
    static final class ThrottledRecords implements MapFunction<Long, float[]>
    {
        private static final long serialVersionUID = 1L;

        @Override
        public float[] map(final Long index)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            return record(index.intValue());
        }
    }

    private static TensorPoolSink<float[]> sink(final int base)
    {
        return host.sink(TensorPoolSink.<float[]>builder())
            .setStreamIdBase(base)
            .setDataSourceName("driver-it")
            .setTags("features")
            .setSerializationSchema(ArrayTensorSchema.floats(-1, 256))
            .setAttachTimeout(Duration.ofSeconds(20))
            .build();
    }

    private static List<StreamRecorder.Frame> awaitFrames(final int base, final int streams, final int count)
    {
        final Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < streams; i++)
        {
            ids.add(base + i);
        }
        try
        {
            Await.until(count + " frames on streams " + ids, DEADLINE, () -> select(ids).size() >= count, () -> { });
        }
        catch (final AssertionError ex)
        {
            final StringBuilder state = new StringBuilder(ex.getMessage());
            for (final int id : ids)
            {
                final TensorPoolConsumer c = host.consumer(id);
                state.append("\n stream=").append(id)
                    .append(" frames=").append(select(Set.of(id)).size())
                    .append(" state=").append(c.state()).append(" epoch=").append(c.epoch())
                    .append(" received=").append(c.framesReceived()).append(" gap=").append(c.dropsGap())
                    .append(" late=").append(c.dropsLate()).append(" invalid=").append(c.dropsInvalid())
                    .append(" unmapped=").append(c.dropsUnmapped()).append(" otherEpoch=").append(c.dropsOtherEpoch())
                    .append(" remaps=").append(c.remaps()).append(" mapFailures=").append(c.mapFailures())
                    .append(" stale=").append(c.announcesStale()).append(" beforeJoin=")
                    .append(c.announcesBeforeJoin()).append(" older=").append(c.announcesOlderEpoch())
                    .append(" resyncs=").append(c.resyncs()).append(" lastSeq=").append(c.lastSeqSeen());
            }
            throw new AssertionError(state.toString(), ex);
        }
        final List<StreamRecorder.Frame> frames = select(ids);
        assertEquals(count, frames.size(), () -> "exactly the frames written: " + frames);
        return frames;
    }

    private static List<StreamRecorder.Frame> select(final Set<Integer> ids)
    {
        return host.frames().stream().filter(f -> ids.contains(f.streamId)).collect(Collectors.toList());
    }

    private static long sum(final JobID job, final String metric)
    {
        return SinkJobs.counterTotal(REPORTER, job, metric);
    }
}
