package io.tensorpool.bench.e2e;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.tensorpool.client.EmbeddedMediaDriver;
import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.Hugepages;
import io.tensorpool.shm.StreamRegionFiles;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * End-to-end throughput and latency: a producer in a child JVM, the consumer in this JVM, over {@code aeron:ipc}
 * with an embedded media driver. Per payload size it measures, in the same run, (1) tensorpool (SHM slot + Aeron
 * descriptor; the consumer validates each frame and reads its first and last 64 bytes), (2) the same payload through
 * an Aeron IPC publication (fragmented and reassembled), (3) a plain memory copy of the same bytes. Then latency
 * commit -> callback at 4 KiB against the one-way latency of a 64-byte Aeron IPC message. The producer is kept within
 * half a ring of the consumer by an acknowledgement stream (the protocol itself has no back-pressure).
 * <p>
 * System properties: {@code bench.scale} (default 1.0) scales frame counts; {@code bench.sizes} comma-separated;
 * {@code bench.child.jvmArgs} extra JVM arguments for the sending process (e.g. a profiler agent);
 * {@code bench.rounds} alternating tensorpool/Aeron rounds per size (default 3, the median is reported);
 * {@code bench.idle} how receive loops and latency senders wait: {@code spin} (default, spin hint), {@code yield}
 * ({@code Thread.yield()}, lets other threads in at once where cores are shared) or {@code backoff};
 * {@code bench.parts} any of {@code throughput,cost,latency} (default all); {@code bench.hugepages} a hugetlbfs mount:
 * then every path runs on hugepages (tensorpool's regions, the plain copy's ring and the media driver's log buffers
 * all live there; pool strides are at least one hugepage, as Wire §15.22 requires).
 */
public final class EndToEndBenchmark
{
    static final int TP_STREAM = 500;
    static final String ACK_CHANNEL = "aeron:ipc?term-length=1m";
    static final int ACK_STREAM = 9001;
    static final String AERON_DATA_CHANNEL = "aeron:ipc?term-length=64m";
    static final int AERON_DATA_STREAM = 9002;
    static final String AERON_LATENCY_CHANNEL = "aeron:ipc?term-length=4m";
    static final int AERON_LATENCY_STREAM = 9003;
    static final long TOTAL_BYTES = 16L << 30;
    /**
     * How every receive loop (tensorpool and Aeron alike) waits when a poll found nothing, by measurement: throughput
     * spins with a spin hint; latency spins too where the receiver, the sender and the media driver each have a core,
     * and yields on smaller machines, where a runnable driver, JIT or GC thread would otherwise wait for a scheduler
     * tick to get a core from a spinner (milliseconds in the tail). {@code -Dbench.idle} overrides both. Latency
     * senders pace with the same strategy.
     */
    static final String THROUGHPUT_IDLE = System.getProperty("bench.idle", "spin");
    static final String LATENCY_IDLE = System.getProperty("bench.idle",
        Runtime.getRuntime().availableProcessors() < 4 ? "yield" : "spin");
    /** A hugetlbfs mount every path runs on ({@code -Dbench.hugepages}), or null for /dev/shm and heap-less memory. */
    static final String HUGEPAGES_DIR = System.getProperty("bench.hugepages");
    /** The smallest pool stride: a page, or on hugetlbfs its hugepage (Wire §15.22). */
    static final int STRIDE_FLOOR = HUGEPAGES_DIR == null ? 4096 :
        (int)Math.max(4096, Hugepages.hugetlbfsPageSize(Paths.get(HUGEPAGES_DIR)));
    /** The first 1/WARMUP_DIVISOR of every run is not timed: the sending JVM is fresh and its JIT still compiling. */
    static final int WARMUP_DIVISOR = 4;

    private static final String[] JVM_FLAGS = {
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.io=ALL-UNNAMED"};

    private final EmbeddedMediaDriver driver;
    private final Aeron aeron;
    private final Path baseDir;
    private final double scale;

    private EndToEndBenchmark(final double scale) throws IOException
    {
        this.scale = scale;
        if (HUGEPAGES_DIR != null)
        {
            final Path mount = Paths.get(HUGEPAGES_DIR);
            if (Hugepages.hugetlbfsPageSize(mount) <= 0)
            {
                throw new IllegalArgumentException("bench.hugepages=" + HUGEPAGES_DIR + " is not on a hugetlbfs mount");
            }
            this.driver = EmbeddedMediaDriver.launchIn(mount, "tp-bench-aeron-", STRIDE_FLOOR);
            this.baseDir = Files.createTempDirectory(mount, "tp-bench-");
        }
        else
        {
            this.driver = EmbeddedMediaDriver.launch();
            final Path shm = Paths.get("/dev/shm");
            this.baseDir = Files.createTempDirectory(Files.isDirectory(shm) ? shm : Paths.get("/tmp"), "tp-bench-");
        }
        this.aeron = driver.connect();
    }

    public static void main(final String[] args) throws Exception
    {
        final double scale = Double.parseDouble(System.getProperty("bench.scale", "1.0"));
        final int[] sizes = Arrays.stream(System.getProperty("bench.sizes", "4096,65536,655360,4194304").split(","))
            .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        final EndToEndBenchmark bench = new EndToEndBenchmark(scale);
        try
        {
            bench.run(sizes);
        }
        finally
        {
            bench.close();
        }
    }

    private void run(final int[] sizes) throws Exception
    {
        final String parts = System.getProperty("bench.parts", "throughput,cost,latency");
        if (parts.contains("throughput"))
        {
            throughputTable(sizes);
        }
        if (parts.contains("cost"))
        {
            costTable(sizes);
        }
        if (parts.contains("latency"))
        {
            latencyTable();
        }
    }

    private void throughputTable(final int[] sizes) throws Exception
    {
        final int rounds = Integer.getInteger("bench.rounds", 3);
        final List<String> rows = new ArrayList<>();
        for (final int size : sizes)
        {
            final int frames = (int)Math.max(2000, Math.max(4000, Math.min(400_000, TOTAL_BYTES / size)) * scale);
            // the three paths run in interleaved rounds (copy, tensorpool, Aeron, copy, ...) and each reports its
            // median round: this machine's memory bandwidth drifts over seconds, so rounds taken side by side compare
            // like with like, and one unlucky round moves no side of a ratio
            final Result[] copyRounds = new Result[rounds];
            final Result[] tpRounds = new Result[rounds];
            final Result[] aeRounds = new Result[rounds];
            for (int r = 0; r < rounds; r++)
            {
                copyRounds[r] = plainCopy(size, frames);
                tpRounds[r] = tensorPoolThroughput(size, frames);
                aeRounds[r] = aeronThroughput(size, frames);
            }
            final Result copy = median(copyRounds);
            final Result tp = median(tpRounds);
            final Result ae = median(aeRounds);
            rows.add(String.format(Locale.ROOT,
                "| %8s | %7d | %12.0f %7.2f | %12.0f %7.2f | %12.0f %7.2f | %6.0f%% | %6.1fx | %5.1f / %5.1f |",
                human(size), frames, tp.framesPerSec, tp.gbPerSec, ae.framesPerSec, ae.gbPerSec, copy.framesPerSec,
                copy.gbPerSec, 100 * tp.gbPerSec / copy.gbPerSec, tp.gbPerSec / ae.gbPerSec, tp.consumerAlloc,
                tp.producerAlloc));
            System.out.println("done " + human(size) + " (tensorpool drops late/gap: " + tp.drops + ")");
        }
        System.out.println();
        System.out.println("Throughput, producer and consumer in separate JVMs over aeron:ipc (frames/s and GB/s; " +
            "each the median of " + rounds + " interleaved rounds; receive " +
            "loops: " + THROUGHPUT_IDLE + "; memory: " + (HUGEPAGES_DIR == null ? "4 KiB pages" :
            (STRIDE_FLOOR >> 20) + " MiB hugepages in " + HUGEPAGES_DIR + " for all three paths") + ")");
        System.out.println("| size     | frames  | tensorpool f/s    GB/s | aeron ipc f/s     GB/s | plain copy f/s    " +
            "GB/s | tp/copy | tp/aeron | alloc B/frame cons/prod |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private void costTable(final int[] sizes)
    {
        System.out.println();
        System.out.println("CPU time per frame (thread CPU time, immune to descheduling), producer and consumer " +
            "alternating in one thread, batches of 64");
        System.out.println("| size | producer ns/frame | consumer ns/frame | plain copy ns/frame |");
        System.out.println("|---|---|---|---|");
        for (final int size : sizes)
        {
            final double[] cost = sameThreadCost(size, (int)Math.max(64 * 200, Math.min(64 * 4000,
                TOTAL_BYTES / 64 / size * scale)));
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f |%n", human(size), cost[0], cost[1], cost[2]);
        }

    }

    private void latencyTable() throws Exception
    {
        final int rounds = Integer.getInteger("bench.rounds", 3);
        final int latencyFrames = (int)Math.max(40_000, 40_000 * scale);
        final long[][] tp = new long[rounds][];
        final long[][] ae = new long[rounds][];
        System.out.println();
        System.out.println("Latency at 10k msgs/s (ns) per round: tensorpool 4 KiB commit -> callback vs Aeron IPC 64 B " +
            "one-way, alternating");
        System.out.println("| round | path | p50 | p99 | p99.9 |");
        System.out.println("|---|---|---|---|---|");
        for (int r = 0; r < rounds; r++)
        {
            // start each run with a clean young generation, so a collection of the previous run's garbage does not
            // land in one path's percentiles only
            System.gc();
            final long[] tpLatency = tensorPoolLatency(4096, latencyFrames, 100_000);
            System.gc();
            final long[] aeLatency = aeronLatency(latencyFrames, 100_000);
            tp[r] = new long[]{pct(tpLatency, 50), pct(tpLatency, 99), pct(tpLatency, 99.9)};
            ae[r] = new long[]{pct(aeLatency, 50), pct(aeLatency, 99), pct(aeLatency, 99.9)};
            System.out.printf(Locale.ROOT, "| %d | tensorpool 4 KiB | %d | %d | %d |%n", r + 1, tp[r][0], tp[r][1],
                tp[r][2]);
            System.out.printf(Locale.ROOT, "| %d | aeron ipc 64 B | %d | %d | %d |%n", r + 1, ae[r][0], ae[r][1],
                ae[r][2]);
            if (Boolean.getBoolean("bench.latency.outliers"))
            {
                printOutliers("tensorpool", tpLatency);
                printOutliers("aeron", aeLatency);
            }
        }
        System.out.println();
        System.out.println("Latency (ns), median of the rounds for each percentile (receivers and senders: " +
            LATENCY_IDLE + ", " + Runtime.getRuntime().availableProcessors() + " cores)");
        System.out.println("| path | p50 | p99 | p99.9 |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| tensorpool 4 KiB | %d | %d | %d |%n", medianOf(tp, 0), medianOf(tp, 1),
            medianOf(tp, 2));
        System.out.printf(Locale.ROOT, "| aeron ipc 64 B | %d | %d | %d |%n", medianOf(ae, 0), medianOf(ae, 1),
            medianOf(ae, 2));
        System.out.printf(Locale.ROOT, "p99 ratio tensorpool/aeron: %.2f%n",
            (double)medianOf(tp, 1) / Math.max(1, medianOf(ae, 1)));
    }

    private static long medianOf(final long[][] rounds, final int column)
    {
        final long[] values = new long[rounds.length];
        for (int i = 0; i < rounds.length; i++)
        {
            values[i] = rounds[i][column];
        }
        Arrays.sort(values);
        return values[values.length / 2];
    }

    static IdleStrategy idleStrategy(final String name)
    {
        switch (name)
        {
            case "backoff":
                return new BackoffIdleStrategy(100, 10, 1_000, 100_000);
            case "yield":
                return new YieldingIdleStrategy();
            default:
                return new BusySpinIdleStrategy();
        }
    }

    private static Result median(final Result[] rounds)
    {
        final Result[] sorted = rounds.clone();
        Arrays.sort(sorted, (a, b) -> Double.compare(a.framesPerSec, b.framesPerSec));
        return sorted[sorted.length / 2];
    }

    /** Where the slow deliveries sit in the run (blocks of 500 frames in order), to tell stalls from noise. */
    private static void printOutliers(final String path, final long[] latencies)
    {
        for (int start = 0; start < latencies.length; start += 500)
        {
            final long[] block = Arrays.copyOfRange(latencies, start, Math.min(latencies.length, start + 500));
            int slow = 0;
            for (final long l : block)
            {
                slow += l > 100_000 ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "%s frames %d..: p50 %d us, max %d us, >100us %d%n", path, start,
                pct(block, 50) / 1000, pct(block, 100) / 1000, slow);
        }
    }

    // ---------------------------------------------------------------- plain copy

    /** Copy the payload into a ring with the same slot geometry as the tensorpool pool, then read its ends. */
    private Result plainCopy(final int size, final int frames)
    {
        final int stride = strideFor(size);
        final int nslots = nslotsFor(size);
        final UnsafeBuffer src = new UnsafeBuffer(BufferUtil.allocateDirectAligned(size, 64));
        // on hugepages the copy's ring is a hugetlbfs mapping too, so the baseline gets the same TLB reach
        final MappedByteBuffer hugeRing = HUGEPAGES_DIR == null ? null : mapScratchRing((long)nslots * stride);
        final UnsafeBuffer ring = hugeRing != null ? new UnsafeBuffer(hugeRing) :
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(nslots * stride, 4096));
        final UnsafeBuffer dst = new UnsafeBuffer(0, 0);
        long sink = 0;
        final int warmup = frames / EndToEndBenchmark.WARMUP_DIVISOR;
        long start = 0;
        for (int i = 0; i < frames; i++)
        {
            if (i == warmup)
            {
                start = System.nanoTime();
            }
            src.putLong(0, i);
            dst.wrap(ring, (i & (nslots - 1)) * stride, size);
            dst.putBytes(0, src, 0, size);
            sink += readEnds(dst, size);
        }
        final long elapsed = System.nanoTime() - start;
        if (sink == 42)
        {
            System.out.println("sink");
        }
        if (hugeRing != null)
        {
            IoUtil.unmap(hugeRing);
        }
        return new Result(frames - warmup, size, elapsed);
    }

    /** A ring-sized hugetlbfs mapping for the plain copy (in whole hugepages; the file is gone once mapped). */
    private MappedByteBuffer mapScratchRing(final long length)
    {
        final long mapped = BitUtil.align(length, (long)STRIDE_FLOOR);
        final Path file = baseDir.resolve("copy-ring");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, mapped);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot map a " + mapped + "-byte copy ring in " + baseDir, ex);
        }
        finally
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ignore)
            {
                // removed with baseDir at the end
            }
        }
    }

    // ---------------------------------------------------------------- same-thread cost

    /** {producer ns/frame, consumer ns/frame, plain copy ns/frame}, batches of 64, last 80% of frames timed. */
    private double[] sameThreadCost(final int size, final int frames)
    {
        final int stride = strideFor(size);
        final int nslots = nslotsFor(size);
        final TpHandler handler = new TpHandler(size, frames, false);
        try (TensorPoolProducer producer = new TensorPoolProducer(new TensorPoolProducer.Context()
            .aeron(aeron).streamId(TP_STREAM + 1).shmBaseDir(baseDir).producerInstanceId("cost-" + size)
            .headerNslots(nslots).poolStrides(stride).announcePeriodNs(50_000_000L));
            TensorPoolConsumer consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
                .aeron(aeron).streamId(TP_STREAM + 1).allowedBaseDirs(List.of(baseDir))
                .helloPeriodNs(50_000_000L)))
        {
            while (consumer.state() != TensorPoolConsumer.State.MAPPED)
            {
                producer.doWork();
                consumer.poll(handler, 64);
            }
            final UnsafeBuffer src = new UnsafeBuffer(BufferUtil.allocateDirectAligned(size, 64));
            final FrameClaim claim = new FrameClaim();
            final int[] shape = {size};
            long producerNs = 0;
            long consumerNs = 0;
            int timed = 0;
            final int batches = frames / 64;
            for (int batch = 0; batch < batches; batch++)
            {
                final long t0 = cpuNs();
                for (int i = 0; i < 64; i++)
                {
                    final long seq = producer.tryClaim(size, claim);
                    claim.buffer().putBytes(0, src, 0, size);
                    claim.buffer().putLong(0, seq);
                    claim.buffer().putLong(size - 8, seq);
                    claim.dtype(io.tensorpool.codecs.wire.Dtype.UINT8).shape(shape, 1);
                    producer.commit(claim);
                }
                producer.doWork();
                final long t1 = cpuNs();
                final long target = consumer.lastSeqSeen() + 64;
                while (consumer.lastSeqSeen() < target)
                {
                    consumer.poll(handler, 64);
                }
                final long t2 = cpuNs();
                if (batch >= batches / 5)
                {
                    producerNs += t1 - t0;
                    consumerNs += t2 - t1;
                    timed += 64;
                }
            }
            final long c0 = cpuNs();
            final int copies = Math.max(1000, frames);
            plainCopy(size, copies);
            final double copyNs = (double)(cpuNs() - c0) / copies;
            return new double[]{(double)producerNs / timed, (double)consumerNs / timed, copyNs};
        }
    }

    // ---------------------------------------------------------------- tensorpool

    private Result tensorPoolThroughput(final int size, final int frames) throws Exception
    {
        final ConsumerRun run = runTensorPool("tp-throughput", size, frames, 0, false);
        final Result result = new Result(run.timedFrames, size, run.elapsedNs);
        result.consumerAlloc = run.consumerAllocPerFrame;
        result.producerAlloc = run.producerAllocPerFrame;
        result.drops = run.drops;
        return result;
    }

    private long[] tensorPoolLatency(final int size, final int frames, final long intervalNs) throws Exception
    {
        return runTensorPool("tp-latency", size, frames, intervalNs, true).latencies;
    }

    private ConsumerRun runTensorPool(
        final String role, final int size, final int frames, final long intervalNs, final boolean latency)
        throws Exception
    {
        final IdleStrategy idle = idleStrategy(latency ? LATENCY_IDLE : THROUGHPUT_IDLE);
        final int stride = strideFor(size);
        final int nslots = nslotsFor(size);
        final TpHandler handler = new TpHandler(size, frames, latency);
        try (TensorPoolConsumer consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
            .aeron(aeron)
            .streamId(TP_STREAM)
            .allowedBaseDirs(List.of(baseDir))
            .helloPeriodNs(100_000_000L)
            .maxOutstandingSeqGap(nslots));
            Publication acks = aeron.addPublication(ACK_CHANNEL, ACK_STREAM))
        {
            final Process child = launch(role, aeron.context().aeronDirectoryName(), baseDir.toString(),
                Integer.toString(size), Integer.toString(frames), Integer.toString(nslots), Integer.toString(stride),
                Long.toString(intervalNs));
            final UnsafeBuffer ack = new UnsafeBuffer(new byte[8]);
            final int ackEvery = Math.max(1, nslots / 16);
            long lastAckNs = 0;
            long lastAcked = Long.MIN_VALUE;
            final long deadline = System.nanoTime() + 300_000_000_000L;
            long progressSeq = Long.MIN_VALUE;
            long progressNs = System.nanoTime();
            while (consumer.lastSeqSeen() < frames - 1 && System.nanoTime() < deadline)
            {
                idle.idle(consumer.poll(handler, 64));
                final long now = System.nanoTime();
                if (consumer.lastSeqSeen() != progressSeq)
                {
                    progressSeq = consumer.lastSeqSeen();
                    progressNs = now;
                }
                else if (now - progressNs > 20_000_000_000L)
                {
                    throw new IllegalStateException(role + " " + size + ": no progress for 20 s: state=" +
                        consumer.state() + " epoch=" + consumer.epoch() + " lastSeqSeen=" + consumer.lastSeqSeen() +
                        " frames=" + consumer.framesReceived() + " dropsLate=" + consumer.dropsLate() + " dropsGap=" +
                        consumer.dropsGap() + " unmapped=" + consumer.dropsUnmapped() + " otherEpoch=" +
                        consumer.dropsOtherEpoch() + " remaps=" + consumer.remaps() + " invalid=" +
                        consumer.dropsInvalid() + " duplicates=" + consumer.duplicates());
                }
                // acknowledgements never go backwards (a remap resets lastSeqSeen)
                final long seen = consumer.state() == TensorPoolConsumer.State.MAPPED ?
                    Math.max(consumer.lastSeqSeen(), lastAcked) : -2;
                final boolean acking = !latency || seen < frames / WARMUP_DIVISOR;
                if (acking && seen > -2 && (seen - lastAcked >= ackEvery || now - lastAckNs > 1_000_000L))
                {
                    ack.putLong(0, seen);
                    if (acks.offer(ack, 0, 8) > 0)
                    {
                        lastAcked = seen;
                        lastAckNs = now;
                    }
                }
                if (!child.isAlive() && consumer.lastSeqSeen() < frames - 1)
                {
                    break;
                }
            }
            ack.putLong(0, frames);
            final long ackDeadline = System.nanoTime() + 5_000_000_000L;
            while (acks.offer(ack, 0, 8) < 0 && System.nanoTime() < ackDeadline)
            {
                Thread.onSpinWait();
            }
            final ConsumerRun run = new ConsumerRun();
            run.producerAllocPerFrame = awaitChild(child);
            run.timedFrames = handler.timedFrames;
            run.elapsedNs = handler.lastNs - handler.startNs;
            run.consumerAllocPerFrame = handler.timedFrames == 0 ? 0 :
                (double)(handler.allocEnd - handler.allocStart) / handler.timedFrames;
            run.drops = consumer.dropsLate() + consumer.dropsGap();
            if (run.drops > 0 || consumer.dropsInvalid() > 0)
            {
                System.out.println(role + " " + size + ": dropsLate=" + consumer.dropsLate() + " (after delivery " +
                    consumer.dropsLateAfterDelivery() + ") dropsGap=" + consumer.dropsGap() + " resyncs=" +
                    consumer.resyncs() + " invalid=" + consumer.dropsInvalid() + " remaps=" + consumer.remaps());
            }
            run.latencies = Arrays.copyOf(handler.latencies, handler.latencyCount);
            if (consumer.lastSeqSeen() < frames - 1)
            {
                throw new IllegalStateException(role + " " + size + ": consumer saw only up to seq " +
                    consumer.lastSeqSeen() + " of " + frames);
            }
            return run;
        }
    }

    /** Validates ends of each frame; times from the warmup frame to the last. */
    static final class TpHandler implements FrameHandler
    {
        final int size;
        final int frames;
        final int warmup;
        final boolean latency;
        final long[] latencies;
        int latencyCount;
        long startNs;
        long lastNs;
        long allocStart;
        long allocEnd;
        int timedFrames;
        long sink;

        TpHandler(final int size, final int frames, final boolean latency)
        {
            this.size = size;
            this.frames = frames;
            this.warmup = frames / WARMUP_DIVISOR;
            this.latency = latency;
            this.latencies = new long[latency ? frames : 0];
        }

        @Override
        public void onFrame(final FrameView frame)
        {
            final long now = System.nanoTime();
            final UnsafeBuffer payload = frame.payload();
            final long seq = frame.seq();
            final long first = payload.getLong(0);
            final long last = payload.getLong(size - 8);
            sink += readEnds(payload, size);
            if (!frame.stillCommitted())
            {
                return;
            }
            if (first != seq || last != seq || frame.valuesLength() != size)
            {
                throw new IllegalStateException("bad frame content at seq " + seq);
            }
            if (seq == warmup)
            {
                startNs = now;
                allocStart = BenchProducerProcess.allocatedBytes();
            }
            else if (seq > warmup)
            {
                timedFrames++;
                lastNs = now;
                if (seq == frames - 1)
                {
                    allocEnd = BenchProducerProcess.allocatedBytes();
                }
                if (latency)
                {
                    latencies[latencyCount++] = now - frame.timestampNs();
                }
            }
        }
    }

    // ---------------------------------------------------------------- aeron baselines

    private Result aeronThroughput(final int size, final int frames) throws Exception
    {
        final IdleStrategy idle = idleStrategy(THROUGHPUT_IDLE);
        final AeronHandler handler = new AeronHandler(size, frames, false);
        try (Subscription sub = aeron.addSubscription(AERON_DATA_CHANNEL, AERON_DATA_STREAM))
        {
            final Process child = launch("aeron-throughput", aeron.context().aeronDirectoryName(),
                Integer.toString(size), Integer.toString(frames));
            final FragmentAssembler assembler = new FragmentAssembler(handler);
            final long deadline = System.nanoTime() + 300_000_000_000L;
            while (handler.count < frames && System.nanoTime() < deadline && (child.isAlive() || sub.isConnected()))
            {
                idle.idle(sub.poll(assembler, 64));
            }
            sub.close();
            final double producerAlloc = awaitChild(child);
            final Result result = new Result(handler.timedFrames, size, handler.lastNs - handler.startNs);
            result.producerAlloc = producerAlloc;
            return result;
        }
    }

    private long[] aeronLatency(final int frames, final long intervalNs) throws Exception
    {
        final IdleStrategy idle = idleStrategy(LATENCY_IDLE);
        final AeronHandler handler = new AeronHandler(64, frames, true);
        try (Subscription sub = aeron.addSubscription(AERON_LATENCY_CHANNEL, AERON_LATENCY_STREAM))
        {
            final Process child = launch("aeron-latency", aeron.context().aeronDirectoryName(),
                Integer.toString(frames), Long.toString(intervalNs));
            final long deadline = System.nanoTime() + 300_000_000_000L;
            while (handler.count < frames && System.nanoTime() < deadline && (child.isAlive() || sub.isConnected()))
            {
                idle.idle(sub.poll(handler, 64));
            }
            sub.close();
            awaitChild(child);
            return Arrays.copyOf(handler.latencies, handler.latencyCount);
        }
    }

    static final class AeronHandler implements FragmentHandler
    {
        final int size;
        final int warmup;
        final boolean latency;
        final long[] latencies;
        int latencyCount;
        int count;
        int timedFrames;
        long startNs;
        long lastNs;
        long sink;

        AeronHandler(final int size, final int frames, final boolean latency)
        {
            this.size = size;
            this.warmup = frames / WARMUP_DIVISOR;
            this.latency = latency;
            this.latencies = new long[frames];
        }

        @Override
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            final long now = System.nanoTime();
            if (length != size)
            {
                throw new IllegalStateException("bad message length " + length);
            }
            sink += readEnds(buffer, offset, size);
            if (count == warmup)
            {
                startNs = now;
            }
            else if (count > warmup)
            {
                timedFrames++;
                lastNs = now;
                if (latency)
                {
                    latencies[latencyCount++] = now - buffer.getLong(offset);
                }
            }
            count++;
        }
    }

    // ---------------------------------------------------------------- helpers

    static long readEnds(final DirectBuffer buffer, final int size)
    {
        return readEnds(buffer, 0, size);
    }

    /** Read the first and the last 64 bytes. */
    static long readEnds(final DirectBuffer buffer, final int offset, final int size)
    {
        long sum = 0;
        for (int i = 0; i < 64; i += 8)
        {
            sum += buffer.getLong(offset + i);
            sum += buffer.getLong(offset + size - 64 + i);
        }
        return sum;
    }

    static long cpuNs()
    {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static int strideFor(final int size)
    {
        return Math.max(STRIDE_FLOOR, Integer.highestOneBit(size - 1) << 1);
    }

    /**
     * Slots for a 64 MiB pool of the size's natural stride (a power of two of at least 4 KiB), 16..1024. On hugepages
     * the stride is larger but the ring keeps the same depth in frames, so both memory modes buffer alike, up to a
     * 256 MiB pool (small frames on 2 MiB strides get fewer slots).
     */
    static int nslotsFor(final int size)
    {
        final int natural = Math.max(4096, Integer.highestOneBit(size - 1) << 1);
        final int slots = (int)Math.max(16, Math.min(1024, (64L << 20) / natural));
        return Integer.highestOneBit((int)Math.max(16, Math.min(slots, (256L << 20) / strideFor(size))));
    }

    private static long pct(final long[] values, final double percentile)
    {
        if (values.length == 0)
        {
            return -1;
        }
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        final int index = (int)Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)];
    }

    private static Process launch(final String role, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JVM_FLAGS));
        // the sending JVM runs with this JVM's -XX settings, so both ends of every path are tuned alike
        for (final String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (arg.startsWith("-XX:"))
            {
                command.add(arg);
            }
        }
        command.add("-Dbench.idle=" + (role.contains("latency") ? LATENCY_IDLE : THROUGHPUT_IDLE));
        final String extra = System.getProperty("bench.child.jvmArgs", "").trim();
        if (!extra.isEmpty())
        {
            command.addAll(Arrays.asList(extra.split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchProducerProcess.class.getName());
        command.add(role);
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Wait for the child and return its reported allocation per frame. */
    private static double awaitChild(final Process child) throws Exception
    {
        double alloc = -1;
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (line.startsWith("ALLOC "))
                {
                    alloc = Double.parseDouble(line.substring(6));
                }
            }
        }
        final int exit = child.waitFor();
        if (exit != 0)
        {
            throw new IllegalStateException("producer process exited with " + exit);
        }
        return alloc;
    }

    private static String human(final int size)
    {
        return size >= 1 << 20 && size % (1 << 20) == 0 ? (size >> 20) + " MiB" : (size >> 10) + " KiB";
    }

    private void close()
    {
        CloseHelper.closeAll(aeron, driver);
        StreamRegionFiles.deleteRecursively(baseDir);
        new File(baseDir.toString()).delete();
    }

    static final class Result
    {
        final double framesPerSec;
        final double gbPerSec;
        double consumerAlloc;
        double producerAlloc;
        long drops;

        Result(final int frames, final int size, final long elapsedNs)
        {
            final double seconds = Math.max(1, elapsedNs) / 1e9;
            framesPerSec = frames / seconds;
            gbPerSec = (double)frames * size / seconds / 1e9;
        }
    }

    static final class ConsumerRun
    {
        int timedFrames;
        long elapsedNs;
        double consumerAllocPerFrame;
        double producerAllocPerFrame;
        long drops;
        long[] latencies;
    }
}
