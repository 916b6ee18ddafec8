package io.tensorpool.bench.e2e;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.nio.file.Paths;

/**
 * The sending side of {@link EndToEndBenchmark}, run in its own JVM. Roles: {@code tp-throughput},
 * {@code aeron-throughput}, {@code tp-latency}, {@code aeron-latency}. Prints {@code ALLOC <bytes per frame>} at the
 * end (bytes allocated by the sending thread during the timed frames).
 */
public final class BenchProducerProcess
{
    /** How a latency sender waits for its next send time: the same idle strategy as the receivers. */
    private static final org.agrona.concurrent.IdleStrategy PACING =
        EndToEndBenchmark.idleStrategy(System.getProperty("bench.idle", "spin"));

    private BenchProducerProcess()
    {
    }

    public static void main(final String[] args)
    {
        final String role = args[0];
        final String aeronDir = args[1];
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir)))
        {
            switch (role)
            {
                case "tp-throughput":
                    tensorPool(aeron, args, false);
                    break;
                case "tp-latency":
                    tensorPool(aeron, args, true);
                    break;
                case "aeron-throughput":
                    aeronThroughput(aeron, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                    break;
                case "aeron-latency":
                    aeronLatency(aeron, Integer.parseInt(args[2]), Long.parseLong(args[3]));
                    break;
                default:
                    throw new IllegalArgumentException("unknown role " + role);
            }
        }
    }

    /** args: role aeronDir baseDir size frames nslots stride intervalNs */
    private static void tensorPool(final Aeron aeron, final String[] args, final boolean latency)
    {
        final int size = Integer.parseInt(args[3]);
        final int frames = Integer.parseInt(args[4]);
        final int nslots = Integer.parseInt(args[5]);
        final int stride = Integer.parseInt(args[6]);
        final long intervalNs = Long.parseLong(args[7]);
        final UnsafeBuffer src = new UnsafeBuffer(BufferUtil.allocateDirectAligned(size, 64));
        for (int i = 0; i < size; i++)
        {
            src.putByte(i, (byte)i);
        }
        try (TensorPoolProducer producer = new TensorPoolProducer(new TensorPoolProducer.Context()
            .aeron(aeron)
            .streamId(EndToEndBenchmark.TP_STREAM)
            .shmBaseDir(Paths.get(args[2]))
            .producerInstanceId("bench-" + ProcessHandle.current().pid())
            .headerNslots(nslots)
            .poolStrides(stride)
            .announcePeriodNs(100_000_000L));
            Subscription acks = aeron.addSubscription(EndToEndBenchmark.ACK_CHANNEL, EndToEndBenchmark.ACK_STREAM))
        {
            final AckHandler ack = new AckHandler();
            while (ack.acked == Long.MIN_VALUE)
            {
                producer.doWork();
                acks.poll(ack, 10);
            }
            final FrameClaim claim = new FrameClaim();
            // the consumer acknowledges every nslots/16 frames: three quarters of a ring keeps the producer busy
            final int window = nslots * 3 / 4;
            final int[] shape = {size};
            long allocStart = 0;
            final int warmup = frames / EndToEndBenchmark.WARMUP_DIVISOR;
            long nextSendNs = System.nanoTime();
            long waitNs = 0;
            long timedStartNs = 0;
            for (int i = 0; i < frames; i++)
            {
                if (i == warmup)
                {
                    allocStart = allocatedBytes();
                    timedStartNs = System.nanoTime();
                    waitNs = 0;
                }
                // benchmark flow control: stay within the window of the consumer's acknowledged seq. Paced latency
                // frames need none (10k/s against a 1024-slot ring) and, like the Aeron latency run, get none: no
                // acknowledgement traffic competes with the measured path
                if ((!latency || i < warmup) && producer.currentSeq() - ack.acked > window)
                {
                    final long w0 = System.nanoTime();
                    while (producer.currentSeq() - ack.acked > window)
                    {
                        acks.poll(ack, 10);
                        producer.doWork();
                    }
                    waitNs += System.nanoTime() - w0;
                }
                if (latency && i >= warmup)
                {
                    if (i == warmup)
                    {
                        nextSendNs = settleAfterWarmup();
                    }
                    while (System.nanoTime() - nextSendNs < 0)
                    {
                        PACING.idle();
                    }
                    nextSendNs += intervalNs;
                }
                final long seq = producer.tryClaim(size, claim);
                if (seq < 0)
                {
                    throw new IllegalStateException("claim failed: " + seq);
                }
                claim.buffer().putBytes(0, src, 0, size);
                claim.buffer().putLong(0, seq);
                claim.buffer().putLong(size - 8, seq);
                claim.dtype(Dtype.UINT8).shape(shape, 1);
                if (latency)
                {
                    // latency is measured from here, after the payload copy (tryClaim preset the claim time)
                    claim.timestampNs(System.nanoTime());
                }
                producer.commit(claim);
                if ((i & 63) == 0)
                {
                    producer.doWork();
                    acks.poll(ack, 10);
                }
            }
            final long alloc = allocatedBytes() - allocStart;
            final long timedNs = System.nanoTime() - timedStartNs;
            System.err.printf("producer %d B: %.2f us/frame, waiting for the consumer's acknowledgements %.0f%%%n",
                size, timedNs / 1e3 / (frames - warmup), 100.0 * waitNs / timedNs);
            System.out.println("ALLOC " + (double)alloc / (frames - warmup));
            // keep the regions alive until the consumer has everything
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (ack.acked < frames - 1 && System.nanoTime() < deadline)
            {
                producer.doWork();
                acks.poll(ack, 10);
                Thread.onSpinWait();
            }
        }
    }

    private static void aeronThroughput(final Aeron aeron, final int size, final int frames)
    {
        final UnsafeBuffer src = new UnsafeBuffer(BufferUtil.allocateDirectAligned(size, 64));
        try (Publication pub = aeron.addPublication(EndToEndBenchmark.AERON_DATA_CHANNEL,
            EndToEndBenchmark.AERON_DATA_STREAM))
        {
            while (!pub.isConnected())
            {
                Thread.onSpinWait();
            }
            final int warmup = frames / EndToEndBenchmark.WARMUP_DIVISOR;
            long allocStart = 0;
            for (int i = 0; i < frames; i++)
            {
                if (i == warmup)
                {
                    allocStart = allocatedBytes();
                }
                src.putLong(0, i);
                src.putLong(size - 8, i);
                while (pub.offer(src, 0, size) < 0)
                {
                    Thread.onSpinWait();
                }
            }
            System.out.println("ALLOC " + (double)(allocatedBytes() - allocStart) / (frames - warmup));
            while (pub.isConnected())
            {
                Thread.onSpinWait();
            }
        }
    }

    private static void aeronLatency(final Aeron aeron, final int frames, final long intervalNs)
    {
        final UnsafeBuffer msg = new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
        try (Publication pub = aeron.addPublication(EndToEndBenchmark.AERON_LATENCY_CHANNEL,
            EndToEndBenchmark.AERON_LATENCY_STREAM))
        {
            while (!pub.isConnected())
            {
                Thread.onSpinWait();
            }
            final int warmup = frames / EndToEndBenchmark.WARMUP_DIVISOR;
            long nextSendNs = System.nanoTime();
            for (int i = 0; i < frames; i++)
            {
                if (i < warmup)
                {
                    // unpaced warm-up: gets the send path compiled before the timed, paced part
                    msg.putLong(0, System.nanoTime());
                    while (pub.offer(msg, 0, 64) < 0)
                    {
                        Thread.onSpinWait();
                    }
                    continue;
                }
                if (i == warmup)
                {
                    nextSendNs = settleAfterWarmup();
                }
                while (System.nanoTime() - nextSendNs < 0)
                {
                    PACING.idle();
                }
                nextSendNs += intervalNs;
                msg.putLong(8, i);
                msg.putLong(0, System.nanoTime());
                while (pub.offer(msg, 0, 64) < 0)
                {
                    msg.putLong(0, System.nanoTime());
                    Thread.onSpinWait();
                }
            }
            System.out.println("ALLOC 0");
            while (pub.isConnected())
            {
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Latency runs send their warm-up frames unpaced (so the JIT compiles the send path early), then pause for the
     * compiler threads to finish before the paced, timed frames: on a small box a compiler thread competing with the
     * spinning sender and receiver shows up as millisecond stalls in the percentiles.
     *
     * @return the send time of the first timed frame.
     */
    private static long settleAfterWarmup()
    {
        try
        {
            Thread.sleep(500);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return System.nanoTime();
    }

    /** Latest sequence acknowledged by the consumer (benchmark-only flow control). */
    static final class AckHandler implements io.aeron.logbuffer.FragmentHandler
    {
        long acked = Long.MIN_VALUE;

        @Override
        public void onFragment(
            final org.agrona.DirectBuffer buffer, final int offset, final int length, final io.aeron.logbuffer.Header h)
        {
            acked = Math.max(acked, buffer.getLong(offset));
        }
    }

    static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean())
            .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
