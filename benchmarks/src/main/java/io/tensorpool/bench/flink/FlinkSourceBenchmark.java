package io.tensorpool.bench.flink;

import io.aeron.Aeron;
import io.tensorpool.client.DataSourceMetadata;
import io.tensorpool.client.EmbeddedMediaDriver;
import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.flink.source.AttachMode;
import io.tensorpool.flink.source.DiscoveryMode;
import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.TensorPoolDeserializationSchema;
import io.tensorpool.flink.source.TensorPoolSource;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.StreamRegionFiles;
import org.agrona.CloseHelper;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Frames/s and GB/s of a Flink job that only counts frames (TensorPoolSource, parallelism 1, local MiniCluster)
 * against a raw {@link TensorPoolConsumer} reading the same producer in the same run, at 4 KiB and 640 KiB frames.
 * The producer writes whole payloads at a fixed offered rate (4 KiB: 20k frames/s, 640 KiB: 2k frames/s, about
 * 0.08 and 1.3 GB/s); a reader that keeps up receives every frame, one that does not drops frames, and the drops of
 * both readers are shown.
 * Both readers do the same per-frame work: validate the frame through the seqlock path, read its seq, confirm the
 * commit word. Only ratios within one run mean anything on a shared machine.
 * <p>
 * Run with the module's full classpath (Flink is provided scope) and the tensorpool JVM flags:
 * {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
 * --add-opens java.base/java.io=ALL-UNNAMED -cp <benchmarks classpath> io.tensorpool.bench.flink.FlinkSourceBenchmark 10}
 * (arguments: measured seconds per size, default 10; sizes to run, default {@code 4096,655360}; offered frames/s
 * at 4 KiB, default 20000).
 */
public final class FlinkSourceBenchmark
{
    private static final int STREAM_ID = 10900;
    static final AtomicLong FLINK_FRAMES = new AtomicLong();

    private FlinkSourceBenchmark()
    {
    }

    /**
     * @param args optional: measured seconds per frame size.
     * @throws Exception on any failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.println("size_bytes producer_fps raw_fps raw_GBps raw_drops flink_fps flink_GBps flink_drops " +
            "flink_vs_raw");
        final String sizes = args.length > 1 ? args[1] : "4096,655360";
        final int smallRate = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        for (final String size : sizes.split(","))
        {
            switch (size.trim())
            {
                case "4096":
                    run(4096, smallRate, seconds);
                    break;
                case "655360":
                    run(640 * 1024, 2_000, seconds);
                    break;
                default:
                    throw new IllegalArgumentException("sizes are 4096 and/or 655360, got '" + size + "'");
            }
        }
        System.exit(0);
    }

    private static void run(final int size, final int framesPerSecond, final int seconds) throws Exception
    {
        final Path baseDir = Files.createTempDirectory(Paths.get("/dev/shm"), "tp-bench-flink-");
        final EmbeddedMediaDriver mediaDriver = EmbeddedMediaDriver.launch();
        final Aeron aeron = mediaDriver.connect();
        FLINK_FRAMES.set(0);
        final int stride = size <= 4096 ? 4096 : Integer.highestOneBit(size - 1) << 1;
        final TensorPoolProducer producer = new TensorPoolProducer(new TensorPoolProducer.Context()
            .aeron(aeron)
            .streamId(STREAM_ID)
            .producerInstanceId("bench-flink")
            .shmBaseDir(baseDir)
            .headerNslots(size <= 4096 ? 1024 : 64)
            .poolStrides(stride)
            .announcePeriodNs(100_000_000L));
        final TensorPoolConsumer raw = new TensorPoolConsumer(new TensorPoolConsumer.Context()
            .aeron(aeron)
            .streamId(STREAM_ID)
            .allowedBaseDirs(List.of(baseDir)));

        final ProducerLoop producerLoop = new ProducerLoop(producer, size, 1_000_000_000L / framesPerSecond);
        final RawLoop rawLoop = new RawLoop(raw);
        final Thread producerThread = new Thread(producerLoop, "bench-producer");
        final Thread rawThread = new Thread(rawLoop, "bench-raw-consumer");
        producerThread.start();
        rawThread.start();

        final TensorPoolSource<Long> source = TensorPoolSource.<Long>builder()
            .setDiscoveryMode(DiscoveryMode.NONE)
            .setStreamIds(STREAM_ID)
            .setAttachMode(AttachMode.STANDALONE)
            .setAeronDirectory(mediaDriver.aeronDirectoryName())
            .setAllowedBaseDirs(baseDir.toString())
            .setStartingPosition(StartingPosition.LATEST)
            .setDeserializer(new SeqOnly())
            .build();
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "tensorpool").sinkTo(new CountingSink());
        final JobClient job = env.executeAsync("count-frames-" + size);

        final long warmupDeadline = System.nanoTime() + 60_000_000_000L;
        while ((FLINK_FRAMES.get() == 0 || rawLoop.frames == 0) && System.nanoTime() < warmupDeadline)
        {
            Thread.sleep(100);
        }
        Thread.sleep(2_000);

        final long p0 = producerLoop.committed;
        final long r0 = rawLoop.frames;
        final long rd0 = raw.dropsGap() + raw.dropsLate();
        final long f0 = FLINK_FRAMES.get();
        final long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        final long p1 = producerLoop.committed;
        final long r1 = rawLoop.frames;
        final long rd1 = raw.dropsGap() + raw.dropsLate();
        final long f1 = FLINK_FRAMES.get();
        final double secs = (System.nanoTime() - t0) / 1e9;

        final double producerFps = (p1 - p0) / secs;
        final double rawFps = (r1 - r0) / secs;
        final double flinkFps = (f1 - f0) / secs;
        System.out.println(String.format(Locale.ROOT, "%d %.0f %.0f %.3f %d %.0f %.3f %d %.2f",
            size, producerFps, rawFps, rawFps * size / 1e9, rd1 - rd0, flinkFps, flinkFps * size / 1e9,
            Math.max(0, (p1 - p0) - (f1 - f0)), rawFps == 0 ? 0 : flinkFps / rawFps));

        job.cancel().get();
        try
        {
            job.getJobExecutionResult().get();
        }
        catch (final Exception expected)
        {
            // cancelled
        }
        producerLoop.running = false;
        rawLoop.running = false;
        producerThread.join();
        rawThread.join();
        CloseHelper.closeAll(raw, producer, aeron, mediaDriver);
        StreamRegionFiles.deleteRecursively(baseDir);
    }

    /** The counting job's record: the frame's seq only, so both readers do the same work per frame. */
    static final class SeqOnly implements TensorPoolDeserializationSchema<Long>
    {
        private static final long serialVersionUID = 1L;

        @Override
        public Long deserialize(final FrameView frame, final DataSourceMetadata metadata)
        {
            return frame.seq();
        }

        @Override
        public TypeInformation<Long> getProducedType()
        {
            return BasicTypeInfo.LONG_TYPE_INFO;
        }
    }

    /** Counts records into {@link #FLINK_FRAMES} (same JVM as the local MiniCluster). */
    static final class CountingSink implements Sink<Long>
    {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Long> createWriter(final WriterInitContext context)
        {
            return new SinkWriter<>()
            {
                @Override
                public void write(final Long element, final Context ctx)
                {
                    FLINK_FRAMES.incrementAndGet();
                }

                @Override
                public void flush(final boolean endOfInput)
                {
                }

                @Override
                public void close()
                {
                }
            };
        }
    }

    private static final class ProducerLoop implements Runnable
    {
        private final TensorPoolProducer producer;
        private final int size;
        private final long intervalNs;
        private final org.agrona.concurrent.UnsafeBuffer source;
        private final FrameClaim claim = new FrameClaim();
        volatile boolean running = true;
        volatile long committed;

        ProducerLoop(final TensorPoolProducer producer, final int size, final long intervalNs)
        {
            this.producer = producer;
            this.size = size;
            this.intervalNs = intervalNs;
            this.source = new org.agrona.concurrent.UnsafeBuffer(new byte[size]);
            for (int i = 0; i < size; i++)
            {
                source.putByte(i, (byte)i);
            }
        }

        @Override
        public void run()
        {
            long next = System.nanoTime();
            long n = 0;
            while (running)
            {
                if ((n++ & 15) == 0)
                {
                    producer.doWork();
                }
                final long now = System.nanoTime();
                if (now - next < 0)
                {
                    if (next - now > 50_000)
                    {
                        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                    }
                    continue;
                }
                final long seq = producer.tryClaim(size, claim);
                if (seq >= 0)
                {
                    claim.buffer().putBytes(0, source, 0, size);
                    claim.buffer().putLong(0, seq);
                    claim.dtype(Dtype.UINT8).shape1d(size);
                    if (producer.commit(claim) >= 0)
                    {
                        committed++;
                    }
                    next += intervalNs;
                    if (now - next > 100_000_000L)
                    {
                        next = now; // fell far behind: do not burst to catch up
                    }
                }
                else
                {
                    producer.doWork();
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000);
                }
            }
        }
    }

    private static final class RawLoop implements Runnable, FrameHandler
    {
        private final TensorPoolConsumer consumer;
        // The same back-off as the source's fetch thread (tensorpool.fetch.max-idle = 1 ms).
        private final org.agrona.concurrent.IdleStrategy idle = new org.agrona.concurrent.BackoffIdleStrategy(
            64, 16, 10_000, 1_000_000);
        volatile boolean running = true;
        volatile long frames;
        private long count;
        private long checksum;

        RawLoop(final TensorPoolConsumer consumer)
        {
            this.consumer = consumer;
        }

        @Override
        public void run()
        {
            while (running)
            {
                if (consumer.poll(this, 64) == 0)
                {
                    idle.idle();
                }
                else
                {
                    idle.reset();
                }
                frames = count;
            }
            if (checksum == 42)
            {
                System.out.print("");
            }
        }

        @Override
        public void onFrame(final FrameView frame)
        {
            checksum += frame.seq();
            if (frame.stillCommitted())
            {
                count++;
            }
        }
    }
}
