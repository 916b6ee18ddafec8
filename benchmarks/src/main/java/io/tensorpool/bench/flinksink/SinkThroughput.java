package io.tensorpool.bench.flinksink;

import io.tensorpool.client.EmbeddedMediaDriver;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.flink.sink.ArrayTensorSchema;
import io.tensorpool.flink.sink.TensorPoolSink;
import io.tensorpool.shm.RegionPaths;
import io.tensorpool.shm.StreamRegionFiles;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of a generating Flink job into {@link TensorPoolSink} against the same generator into a discarding
 * sink, in the same JVM and run, alternating, at 4 KiB and 640 KiB frames.
 *
 * <p>Job: {@code fromSequence(1, n) -> map(generate into a reused byte[] of the frame size) -> sink}, with two
 * generators (see {@link Generator}), parallelism 1, operators chained, object reuse on. The tensorpool sink attaches through an SHM driver
 * (embedded Aeron media driver, driver profile of 64 slots with pools of 4 KiB and 1 MiB, prefaulted) and copies each
 * array into its slot, commits and publishes the descriptor; no consumer is attached (the writer never waits for
 * one). Time is measured inside the job, from the first record a writer sees to its end-of-input flush, so job
 * deployment is excluded. Each configuration runs {@code repeats} times; the best run of each is reported, with
 * the ratio sink/discard.
 *
 * <p>Arguments (all optional): {@code repeats} (3), {@code frames at 4 KiB} (1000000), {@code frames at 640 KiB}
 * (20000).
 */
public final class SinkThroughput
{
    private static final AtomicLong FIRST_NS = new AtomicLong();
    private static final AtomicLong LAST_NS = new AtomicLong();

    private SinkThroughput()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        final long smallFrames = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
        final long largeFrames = args.length > 2 ? Long.parseLong(args[2]) : 20_000L;

        final Path baseDir = Path.of("/dev/shm", "tp-bench-sink-" + UUID.randomUUID());
        Files.createDirectories(baseDir, PosixFilePermissions.asFileAttribute(RegionPaths.PRIVATE_DIR_MODE));
        final EmbeddedMediaDriver media = EmbeddedMediaDriver.launch();
        final ShmDriver driver = new ShmDriver(new ShmDriver.Context()
            .aeronDirectoryName(media.aeronDirectoryName())
            .instanceId("bench")
            .shmBaseDir(baseDir)
            .profile(new DriverProfile("bench", 64, new int[]{1, 2}, new int[]{4096, 1024 * 1024}))
            .defaultProfile("bench")
            .prefault(true));
        final AgentRunner driverRunner = new AgentRunner(
            new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null, driver);
        AgentRunner.startOnThread(driverRunner);
        try
        {
            System.out.println("generator,size_bytes,sink,frames,best_seconds,frames_per_s,gb_per_s");
            int streamId = 10_000;
            for (final boolean compute : new boolean[]{false, true})
            for (final int size : new int[]{4096, 640 * 1024})
            {
                final String generator = compute ? "compute" : "fill";
                final long frames = size == 4096 ? smallFrames : largeFrames;
                double bestSink = Double.MAX_VALUE;
                double bestDiscard = Double.MAX_VALUE;
                for (int r = 0; r < repeats; r++)
                {
                    bestSink = Math.min(bestSink, run(size, frames, TensorPoolSink.<byte[]>builder()
                        .setAeronDirectory(media.aeronDirectoryName())
                        .setShmBaseDir(baseDir.toString())
                        .setStreamIdBase(streamId++)
                        .setDataSourceName("bench")
                        .setSerializationSchema(ArrayTensorSchema.bytes())
                        .build(), compute));
                    bestDiscard = Math.min(bestDiscard, run(size, frames, new DiscardingSink(), compute));
                }
                report(generator, size, "tensorpool", frames, bestSink);
                report(generator, size, "discarding", frames, bestDiscard);
                System.out.printf(Locale.ROOT, "%s,%d,ratio_sink_over_discard,,,%.3f,%n", generator, size,
                    bestDiscard / bestSink);
            }
        }
        finally
        {
            CloseHelper.closeAll(driverRunner, media);
            StreamRegionFiles.deleteRecursively(baseDir);
        }
    }

    private static void report(
        final String generator, final int size, final String sink, final long frames, final double seconds)
    {
        System.out.printf(Locale.ROOT, "%s,%d,%s,%d,%.3f,%.0f,%.3f%n", generator, size, sink, frames, seconds,
            frames / seconds,
            frames * (double)size / seconds / 1e9);
    }

    /** One job; returns seconds from the first record to the end of input, measured in the writer. */
    private static double run(final int size, final long frames, final Sink<byte[]> sink, final boolean compute)
        throws Exception
    {
        FIRST_NS.set(0);
        LAST_NS.set(0);
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        env.getConfig().enableObjectReuse();
        env.fromSequence(1, frames)
            .map(new Generator(size, compute))
            .returns(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)
            .sinkTo(new TimedSink(sink));
        env.execute("sink-throughput-" + size);
        return (LAST_NS.get() - FIRST_NS.get()) / 1e9;
    }

    /**
     * Produces one reused array per record: the work the baseline does too. {@code fill} is a memset (the cheapest
     * generator possible, an upper bound on its speed); {@code compute} derives every 4-byte sample from the sequence
     * and its index, like a synthetic sensor frame.
     */
    static final class Generator extends RichMapFunction<Long, byte[]>
    {
        private static final long serialVersionUID = 1L;
        private final int size;
        private final boolean compute;
        private transient byte[] frame;

        Generator(final int size, final boolean compute)
        {
            this.size = size;
            this.compute = compute;
        }

        @Override
        public byte[] map(final Long seq)
        {
            if (null == frame)
            {
                frame = new byte[size];
            }
            final long s = seq;
            if (compute)
            {
                final byte[] out = frame;
                int x = (int)s * 0x9E3779B9;
                for (int i = 0; i < out.length; i += 4)
                {
                    x ^= x << 13;
                    x ^= x >>> 17;
                    x ^= x << 5;
                    out[i] = (byte)x;
                    out[i + 1] = (byte)(x >>> 8);
                    out[i + 2] = (byte)(x >>> 16);
                    out[i + 3] = (byte)(x >>> 24);
                }
            }
            else
            {
                Arrays.fill(frame, (byte)s);
            }
            return frame;
        }
    }

    /** Times another sink's writer from its first record to its end-of-input flush. */
    static final class TimedSink implements Sink<byte[]>
    {
        private static final long serialVersionUID = 1L;
        private final Sink<byte[]> delegate;

        TimedSink(final Sink<byte[]> delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public SinkWriter<byte[]> createWriter(final WriterInitContext context) throws java.io.IOException
        {
            final SinkWriter<byte[]> writer = delegate.createWriter(context);
            return new SinkWriter<>()
            {
                private boolean started;

                @Override
                public void write(final byte[] element, final Context ctx) throws java.io.IOException,
                    InterruptedException
                {
                    if (!started)
                    {
                        started = true;
                        FIRST_NS.set(System.nanoTime());
                    }
                    writer.write(element, ctx);
                }

                @Override
                public void flush(final boolean endOfInput) throws java.io.IOException, InterruptedException
                {
                    writer.flush(endOfInput);
                    if (endOfInput)
                    {
                        LAST_NS.set(System.nanoTime());
                    }
                }

                @Override
                public void close() throws Exception
                {
                    writer.close();
                }
            };
        }
    }

    /** Reads one byte of each array and drops it. */
    static final class DiscardingSink implements Sink<byte[]>
    {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<byte[]> createWriter(final WriterInitContext context)
        {
            return new SinkWriter<>()
            {
                private long checksum;

                @Override
                public void write(final byte[] element, final Context ctx)
                {
                    checksum += element[element.length - 1];
                }

                @Override
                public void flush(final boolean endOfInput)
                {
                }

                @Override
                public void close()
                {
                    if (checksum == Long.MIN_VALUE)
                    {
                        System.out.println(checksum);
                    }
                }
            };
        }
    }

    static
    {
        // quiet Flink's INFO logging if a binding is present; the harness prints CSV to stdout
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
}
