package io.tensorpool.flink.sink;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.codecs.wire.MajorOrder;
import io.tensorpool.flink.common.TensorFrame;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.tensorpool.flink.sink.SinkJobs.runJob;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Flink jobs writing through the sink into real shared-memory regions (created by an in-process stand-in for the
 * driver), read back by a separate read-only mapping with the seqlock reader.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TensorPoolSinkITCase
{
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(3)
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .build());

    private static final int FLOATS = 1024;

    @TempDir
    Path shmDir;

    private InProcessStreams streams;
    private StreamRecorder recorder;

    @BeforeEach
    void setUp()
    {
        streams = new InProcessStreams(shmDir);
        recorder = new StreamRecorder(streams);
    }

    @AfterEach
    void tearDown()
    {
        recorder.close();
        streams.close();
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 3})
    void framesAreReadBackWithExactContents(final int parallelism) throws Exception
    {
        final int base = 100;
        final int records = 60;
        final JobExecutionResult result = runJob(records(records), parallelism, sink(base).build(), "exact");

        final int[] streamIds = IntStream.range(base, base + parallelism).toArray();
        recorder.poll(streamIds);
        final List<StreamRecorder.Frame> frames = recorder.frames();
        assertEquals(records, frames.size(), () -> "frames read back: " + frames);
        assertEquals(0, recorder.late());

        final Set<Integer> seen = new HashSet<>();
        final Set<Integer> streamsWritten = new HashSet<>();
        for (final StreamRecorder.Frame frame : frames)
        {
            assertEquals(Dtype.FLOAT32, frame.dtype);
            assertArrayEquals(new int[]{FLOATS / 256, 256}, frame.dims);
            final float[] values = floats(frame.payload);
            final int index = (int)values[0] / 10_000;
            assertArrayEquals(record(index), values, "payload of record " + index);
            assertTrue(seen.add(index), "record " + index + " delivered twice");
            assertEquals(1, frame.epoch);
            streamsWritten.add(frame.streamId);
        }
        assertEquals(parallelism, streamsWritten.size(), "every subtask writes its own stream");
        for (final int streamId : streamIds)
        {
            final long[] seqs = frames.stream().filter(f -> f.streamId == streamId).mapToLong(f -> f.seq).toArray();
            assertArrayEquals(LongStreamOf(seqs.length), seqs, "stream " + streamId + " seqs are 0..n-1");
        }

        assertEquals(records, sum(result.getJobID(), "numRecordsSend"));
        assertEquals((long)records * FLOATS * Float.BYTES, sum(result.getJobID(), "numBytesSend"));
        assertEquals(0, sum(result.getJobID(), TensorPoolWriter.FRAMES_DROPPED_NO_POOL_FITS));
    }

    @Test
    void oversizedFrameIsDroppedAndCountedAndTheJobKeepsRunning() throws Exception
    {
        final List<float[]> input = new ArrayList<>(records(10));
        input.add(5, new float[256 * 1200]);       // 1.2 MB: larger than every pool
        input.add(7, new float[FLOATS + 1]);       // does not fit the declared shape (-1, 256)
        final JobExecutionResult result = runJob(input, 1,
            sink(200).setPoolStrides(4096, 65536).build(), "oversize");

        recorder.poll(200);
        final List<StreamRecorder.Frame> frames = recorder.frames();
        assertEquals(10, frames.size(), () -> "all well-formed records, before and after the drops: " + frames);
        for (int i = 0; i < 10; i++)
        {
            assertArrayEquals(record(i), floats(frames.get(i).payload));
            assertEquals(i, frames.get(i).seq, "dropped frames consume no sequence number");
        }
        final JobID job = result.getJobID();
        assertEquals(1, sum(job, TensorPoolWriter.FRAMES_DROPPED_NO_POOL_FITS));
        assertEquals(1, sum(job, TensorPoolWriter.RECORDS_REJECTED));
        assertEquals(2, sum(job, "numRecordsSendErrors"));
        assertEquals(10, sum(job, "numRecordsSend"));
    }

    @Test
    void streamHeldByAnotherProducerFailsTheJobAtStartNamingStreamAndHolder()
    {
        streams.holdBy(301, "producer 77 (pid 4242)");
        final Exception failure = assertThrows(Exception.class,
            () -> runJob(records(5), 3, sink(300).build(), "held"));

        final Optional<Throwable> refusal = ExceptionUtils.findThrowableWithMessage(failure, "stream 301");
        assertTrue(refusal.isPresent(), () -> ExceptionUtils.stringifyException(failure));
        assertTrue(refusal.get().getMessage().contains("producer 77 (pid 4242)"), refusal.get().getMessage());
        assertTrue(ExceptionUtils.findThrowable(failure, SuppressRestartsException.class).isPresent(),
            "a refused attach must not be retried by restarts");
        assertTrue(streams.epochs(301).isEmpty(), "nothing may be written to a held stream");
    }

    @Test
    void restartedSinkWritesANewEpochAndTheReaderFollows() throws Exception
    {
        runJob(records(10), 1, sink(400).build(), "epoch-1");
        recorder.poll(400);
        runJob(records(20).subList(10, 20), 1, sink(400).build(), "epoch-2");
        recorder.poll(400);

        final List<StreamRecorder.Frame> frames = recorder.frames();
        assertEquals(20, frames.size(), () -> frames.toString());
        for (int i = 0; i < 20; i++)
        {
            final StreamRecorder.Frame frame = frames.get(i);
            assertEquals(i < 10 ? 1 : 2, frame.epoch, "restart bumps the epoch");
            assertEquals(i % 10, frame.seq, "seq restarts at 0 in a new epoch (Wire §15.7)");
            assertArrayEquals(record(i), floats(frame.payload));
        }
    }

    @Test
    void tensorFramesKeepTheirDescriptionAndTimestamp() throws Exception
    {
        final byte[] shorts = new byte[24];
        for (int i = 0; i < shorts.length; i++)
        {
            shorts[i] = (byte)i;
        }
        final byte[] padded = new byte[32];
        Arrays.fill(padded, (byte)7);
        final List<TensorFrame> input = List.of(
            new TensorFrame(9, 9, 9, 12_345, 9, Dtype.INT16.value(), MajorOrder.COLUMN.value(), new int[]{3, 4},
                new long[0], shorts),
            new TensorFrame(0, 0, 0, 0, 0, (short)99, MajorOrder.ROW.value(), new int[]{4}, new long[0], shorts),
            TensorFrame.contiguous(Dtype.FLOAT32, MajorOrder.ROW, new int[]{2, 3}, new byte[24]),
            new TensorFrame(0, 0, 0, 777, 0, Dtype.FLOAT32.value(), MajorOrder.ROW.value(), new int[]{2, 3},
                new long[]{16, 4}, padded));

        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(input, TypeInformation.of(TensorFrame.class))
            .sinkTo(TensorPoolSink.<TensorFrame>builder()
                .setStreamIdBase(500)
                .setDataSourceName("frames")
                .setPoolStrides(4096)
                .setSerializationSchema(new TensorFrameSchema())
                .setProducerFactory(streams.factory())
                .build())
            .setParallelism(1)
            .name("frames");
        final JobExecutionResult result = env.execute("frames");

        recorder.poll(500);
        final List<StreamRecorder.Frame> frames = recorder.frames();
        assertEquals(3, frames.size(), () -> frames.toString());
        final StreamRecorder.Frame column = frames.get(0);
        assertEquals(Dtype.INT16, column.dtype);
        assertEquals(MajorOrder.COLUMN, column.majorOrder);
        assertArrayEquals(new int[]{3, 4}, column.dims);
        assertArrayEquals(new long[]{2, 6}, column.strides, "column-major strides inferred");
        assertEquals(12_345, column.timestampNs, "a record's own timestamp is kept");
        assertArrayEquals(shorts, column.payload);
        assertEquals(0, column.seq, "the producer's seq, not the record's");
        assertTrue(frames.get(1).timestampNs > 0, "a zero timestamp gets the producer's clock");
        assertArrayEquals(new long[]{16, 4}, frames.get(2).strides, "explicit strides kept");
        assertArrayEquals(padded, frames.get(2).payload);
        assertEquals(1, sum(result.getJobID(), TensorPoolWriter.RECORDS_REJECTED), "unknown dtype 99 rejected");
    }

    private static TensorPoolSinkBuilder<float[]> sinkBuilder()
    {
        return TensorPoolSink.<float[]>builder()
            .setDataSourceName("it-features")
            .setTags("features")
            .setPoolStrides(4096, 65536)
            .setHeaderSlots(64)
            .setSerializationSchema(ArrayTensorSchema.floats(-1, 256));
    }

    private TensorPoolSinkBuilder<float[]> sink(final int base)
    {
        return sinkBuilder().setStreamIdBase(base).setProducerFactory(streams.factory());
    }

    private static long sum(final JobID job, final String metric)
    {
        return SinkJobs.counterTotal(REPORTER, job, metric);
    }

    static List<float[]> records(final int count)
    {
        final List<float[]> records = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            records.add(record(i));
        }
        return records;
    }

    static float[] record(final int index)
    {
        final float[] values = new float[FLOATS];
        for (int j = 0; j < FLOATS; j++)
        {
            values[j] = index * 10_000 + j;
        }
        return values;
    }

    static float[] floats(final byte[] payload)
    {
        final float[] values = new float[payload.length / Float.BYTES];
        ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static long[] LongStreamOf(final int n)
    {
        return java.util.stream.LongStream.range(0, n).toArray();
    }
}
