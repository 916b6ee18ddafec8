package io.tensorpool.hardening;

import io.aeron.Aeron;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child processes of {@link RegionTruncationTest}. {@link Producer}: media driver plus a standalone producer writing
 * frames whose bytes are {@code (seq + i)}; after a fault on its own truncated mapping it stops producing but keeps
 * the media driver up. {@link Consumer}: a consumer on that media driver that checks every delivered byte and prints
 * its counters.
 */
public final class RegionTruncationMains
{
    static final int STREAM_ID = 10077;
    static final int LENGTH = 2048;
    static final long PERIOD_NS = 50_000_000L;
    static final int POLL_LIMIT = 16;

    private RegionTruncationMains()
    {
    }

    /** Args: base dir. Prints {@code AERON <dir>} then {@code PRODUCING epoch}. */
    public static final class Producer
    {
        public static void main(final String[] args) throws Exception
        {
            final TestMediaDriver driver = TestMediaDriver.launch();
            final Aeron aeron = driver.connect();
            System.out.println("AERON " + driver.aeronDirectoryName());
            final TensorPoolProducer producer = new TensorPoolProducer(new TensorPoolProducer.Context()
                .aeron(aeron)
                .streamId(STREAM_ID)
                .shmBaseDir(Path.of(args[0]))
                .headerNslots(16)
                .poolStrides(4096)
                .announcePeriodNs(PERIOD_NS)
                .qosPeriodNs(PERIOD_NS)
                .metadataPeriodNs(PERIOD_NS)
                .consumerHelloIntervalNs(PERIOD_NS));
            System.out.println("PRODUCING " + producer.epoch());
            System.out.flush();
            final UnsafeBuffer src = new UnsafeBuffer(new byte[LENGTH]);
            long next = 0;
            boolean faulted = false;
            while (true)
            {
                try
                {
                    if (!faulted)
                    {
                        producer.doWork();
                        for (int i = 0; i < LENGTH; i++)
                        {
                            src.putByte(i, (byte)(next + i));
                        }
                        if (producer.offer(src, 0, LENGTH, Dtype.UINT8, new int[]{LENGTH}, 1) >= 0)
                        {
                            next++;
                        }
                    }
                    Thread.sleep(1);
                }
                catch (final InternalError ex)
                {
                    // our own mapping was truncated under us: stop producing, keep the media driver up
                    faulted = true;
                    System.out.println("PRODUCER-FAULT " + ex.getMessage());
                    System.out.flush();
                }
            }
        }
    }

    static String sizes(final String base)
    {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(Path.of(base)))
        {
            final StringBuilder sb = new StringBuilder();
            files.filter(java.nio.file.Files::isRegularFile).forEach(f ->
            {
                try
                {
                    sb.append(f.getFileName()).append(':').append(java.nio.file.Files.size(f)).append(',');
                }
                catch (final java.io.IOException ex)
                {
                    sb.append(f.getFileName()).append(":gone,");
                }
            });
            return sb.toString();
        }
        catch (final java.io.IOException ex)
        {
            return "?";
        }
    }

    /** Args: aeron dir, base dir, seconds to run. Prints {@code MAPPED} once, then {@code RESULT k=v ...}. */
    public static final class Consumer
    {
        public static void main(final String[] args) throws Exception
        {
            final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(args[0]));
            final long[] bad = new long[1];
            final long[] good = new long[1];
            final TensorPoolConsumer consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
                .aeron(aeron)
                .streamId(STREAM_ID)
                .allowedBaseDirs(List.of(Path.of(args[1])))
                .helloPeriodNs(PERIOD_NS)
                .qosPeriodNs(PERIOD_NS)
                .announceFreshnessWindowNs(30 * PERIOD_NS));
            final long runNs = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
            final long start = System.nanoTime();
            boolean announced = false;
            while (System.nanoTime() - start < runNs)
            {
                consumer.poll(frame ->
                {
                    final long seq = frame.seq();
                    boolean ok = frame.valuesLength() == LENGTH;
                    for (int i = 0; ok && i < LENGTH; i++)
                    {
                        ok = frame.payload().getByte(i) == (byte)(seq + i);
                    }
                    if (frame.stillCommitted())
                    {
                        if (ok)
                        {
                            good[0]++;
                        }
                        else
                        {
                            bad[0]++;
                            if (bad[0] <= 3)
                            {
                                int zeros = 0;
                                int firstWrong = -1;
                                for (int i = 0; i < LENGTH; i++)
                                {
                                    final byte b = frame.payload().getByte(i);
                                    zeros += b == 0 ? 1 : 0;
                                    if (firstWrong < 0 && b != (byte)(seq + i))
                                    {
                                        firstWrong = i;
                                    }
                                }
                                System.err.println("BADFRAME seq=" + seq + " len=" + frame.valuesLength() +
                                    " zeros=" + zeros + " firstWrong=" + firstWrong + " sizes=" + sizes(args[1]) +
                                    " stillCommitted=" + frame.stillCommitted());
                            }
                        }
                    }
                }, POLL_LIMIT);
                if (!announced && good[0] > 10)
                {
                    announced = true;
                    System.out.println("MAPPED");
                    System.out.flush();
                }
                Thread.onSpinWait();
            }
            System.out.println("RESULT good=" + good[0] + " bad=" + bad[0] + " faults=" + consumer.regionFaults() +
                " remaps=" + consumer.remaps() + " state=" + consumer.state() + " dropsInvalid=" +
                consumer.dropsInvalid());
            System.out.flush();
            consumer.close();
            aeron.close();
        }
    }
}
