package io.tensorpool.benchmarks;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.PayloadPool;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.SlotWriter;
import io.tensorpool.tensor.TensorLayoutRules;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A companion to the JMH benchmarks for shared, noisy machines: instead of measuring the commit path and its plain
 * copy minutes apart (where a neighbour's build can change the answer several-fold), it alternates short blocks of
 * each in one JVM, so both sides see the same load. Per operation it reports the best block (the least disturbed
 * one: descheduling only ever adds time) and the median block; ratios are given as the ratio of best blocks and as
 * the median of the per-pair ratios. Same operations as {@link CommitPathBenchmark} and {@link ReadPathBenchmark}.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
 *     --add-opens=java.base/java.io=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.tensorpool.benchmarks.PairedRatioMain [pairs=301] [blockMicros=500]
 * </pre>
 */
public final class PairedRatioMain
{
    private static final int NSLOTS = 4;
    private static final int[] SIZES = {64, 65536, 655360, 16777216};

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private static long sink;

    private PairedRatioMain()
    {
    }

    public static void main(final String[] args)
    {
        final int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 301;
        final long blockNs = (args.length > 1 ? Long.parseLong(args[1]) : 500) * 1_000L;
        System.out.println("ns/op as best block / median block; ratios as ratio of best blocks / median of per-pair ratios");
        System.out.println("| size | commit | plain copy | commit throughput vs plain | validate | readCopy | " +
            "plain read copy | readCopy throughput vs plain | allocated bytes (commit, validate, readCopy) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (final int size : SIZES)
        {
            try (BenchmarkStream stream = new BenchmarkStream(NSLOTS, size, true))
            {
                final Ops ops = new Ops(stream, size);
                final long[] opsPerBlock = new long[Ops.KINDS];
                for (int kind = 0; kind < Ops.KINDS; kind++)
                {
                    opsPerBlock[kind] = calibrate(ops, kind, blockNs);
                }
                // warm up: at least 300 ms of each operation so every path is fully compiled before measuring
                for (int kind = 0; kind < Ops.KINDS; kind++)
                {
                    final long until = System.nanoTime() + 300_000_000L;
                    while (System.nanoTime() - until < 0)
                    {
                        time(ops, kind, opsPerBlock[kind]);
                    }
                }
                final double[][] nsPerOp = new double[Ops.KINDS][pairs];
                final long[] allocated = new long[Ops.KINDS];
                final long[] operations = new long[Ops.KINDS];
                for (int p = 0; p < pairs; p++)
                {
                    for (int kind = 0; kind < Ops.KINDS; kind++)
                    {
                        final long before = THREADS.getCurrentThreadAllocatedBytes();
                        nsPerOp[kind][p] = time(ops, kind, opsPerBlock[kind]) / (double)opsPerBlock[kind];
                        allocated[kind] += THREADS.getCurrentThreadAllocatedBytes() - before;
                        operations[kind] += opsPerBlock[kind];
                    }
                }
                final double[] commitRatio = new double[pairs];
                final double[] readRatio = new double[pairs];
                for (int p = 0; p < pairs; p++)
                {
                    commitRatio[p] = nsPerOp[Ops.PLAIN_WRITE][p] / nsPerOp[Ops.COMMIT][p];
                    readRatio[p] = nsPerOp[Ops.PLAIN_READ][p] / nsPerOp[Ops.READ_COPY][p];
                }
                System.out.printf("| %s | %s | %s | %.0f%% / %.0f%% | %s | %s | %s | %.0f%% / %.0f%% | %s |%n",
                    label(size), both(nsPerOp[Ops.COMMIT]), both(nsPerOp[Ops.PLAIN_WRITE]),
                    100 * min(nsPerOp[Ops.PLAIN_WRITE]) / min(nsPerOp[Ops.COMMIT]), 100 * median(commitRatio),
                    both(nsPerOp[Ops.VALIDATE]), both(nsPerOp[Ops.READ_COPY]), both(nsPerOp[Ops.PLAIN_READ]),
                    100 * min(nsPerOp[Ops.PLAIN_READ]) / min(nsPerOp[Ops.READ_COPY]), 100 * median(readRatio),
                    allocation(allocated, operations));
            }
        }
        if (sink == 42)
        {
            System.out.println();
        }
    }

    /** Operations per block so that one block of {@code kind} takes about {@code blockNs}. */
    private static long calibrate(final Ops ops, final int kind, final long blockNs)
    {
        long n = 1;
        while (true)
        {
            // the best of three, so one descheduling or compile pause does not end the calibration early
            final long t = Math.min(time(ops, kind, n), Math.min(time(ops, kind, n), time(ops, kind, n)));
            if (t >= blockNs || n >= 1L << 40)
            {
                return n;
            }
            n *= 2;
        }
    }

    private static long time(final Ops ops, final int kind, final long n)
    {
        final long start = System.nanoTime();
        long acc = 0;
        for (long i = 0; i < n; i++)
        {
            acc += ops.run(kind);
        }
        final long elapsed = System.nanoTime() - start;
        sink += acc;
        return elapsed;
    }

    /** Bytes allocated by this thread over all measured operations of the three tensorpool paths, and per op. */
    private static String allocation(final long[] allocated, final long[] operations)
    {
        final StringBuilder sb = new StringBuilder();
        for (final int kind : new int[]{Ops.COMMIT, Ops.VALIDATE, Ops.READ_COPY})
        {
            sb.append(sb.length() == 0 ? "" : ", ").append(allocated[kind]).append(" B / ")
                .append(operations[kind]).append(" ops");
        }
        return sb.toString();
    }

    private static String both(final double[] values)
    {
        return String.format("%.0f / %.0f", min(values), median(values));
    }

    private static double min(final double[] values)
    {
        return quantile(values, 0);
    }

    private static double median(final double[] values)
    {
        return quantile(values, 0.5);
    }

    private static double quantile(final double[] values, final double q)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int)Math.round(q * (sorted.length - 1))];
    }

    private static String label(final int size)
    {
        return size >= 1 << 20 ? (size >> 20) + " MiB" : size >= 1024 ? (size >> 10) + " KiB" : size + " B";
    }

    /** The five operations, on one stream, exactly as the JMH benchmarks do them. */
    private static final class Ops
    {
        static final int COMMIT = 0;
        static final int PLAIN_WRITE = 1;
        static final int VALIDATE = 2;
        static final int READ_COPY = 3;
        static final int PLAIN_READ = 4;
        static final int KINDS = 5;

        private final int size;
        private final SlotWriter writer;
        private final FrameClaim claim = new FrameClaim();
        private final UnsafeBuffer source;
        private final UnsafeBuffer producerPool;
        private final PayloadPool pool;
        private final SlotReader reader;
        private final FrameView view = new FrameView();
        private final UnsafeBuffer destination;
        private final UnsafeBuffer consumerPool;
        private final long[] committedSeq = new long[NSLOTS];
        private long seq;
        private int index;

        Ops(final BenchmarkStream stream, final int size)
        {
            this.size = size;
            writer = new SlotWriter(stream.producer);
            pool = stream.producer.pool(0);
            producerPool = pool.region().buffer();
            source = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
            for (int i = 0; i < size; i++)
            {
                source.putByte(i, (byte)i);
            }
            reader = new SlotReader(stream.consumer);
            consumerPool = stream.consumer.pool(0).region().buffer();
            destination = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
            for (int i = 0; i < NSLOTS; i++)
            {
                run(COMMIT); // every slot committed before the first read
            }
        }

        long run(final int kind)
        {
            switch (kind)
            {
                case COMMIT:
                {
                    final long s = seq++;
                    final int i = writer.claim(s, size, claim);
                    claim.buffer().putBytes(0, source, 0, size);
                    claim.dtype(Dtype.UINT8).shape1d(size);
                    if (claim.commit() != TensorLayoutRules.OK)
                    {
                        throw new IllegalStateException("commit failed");
                    }
                    committedSeq[i] = s;
                    return i;
                }
                case PLAIN_WRITE:
                {
                    final int slot = (int)(seq++ & (NSLOTS - 1));
                    producerPool.putBytes(pool.slotOffset(slot), source, 0, size);
                    return slot;
                }
                case VALIDATE:
                {
                    final int i = index = (index + 1) & (NSLOTS - 1);
                    if (reader.begin(i, committedSeq[i], view) != SlotReader.OK || !view.stillCommitted())
                    {
                        throw new IllegalStateException("validate failed at index " + i);
                    }
                    return i;
                }
                case READ_COPY:
                {
                    final int i = index = (index + 1) & (NSLOTS - 1);
                    if (reader.begin(i, committedSeq[i], view) != SlotReader.OK || !view.copyPayloadTo(destination, 0))
                    {
                        throw new IllegalStateException("read failed at index " + i);
                    }
                    return i;
                }
                default:
                {
                    final int i = index = (index + 1) & (NSLOTS - 1);
                    destination.putBytes(0, consumerPool, pool.slotOffset(i), size);
                    return i;
                }
            }
        }
    }
}
