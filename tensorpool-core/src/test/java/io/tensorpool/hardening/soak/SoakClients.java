package io.tensorpool.hardening.soak;

import io.aeron.Aeron;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Producer and consumer processes of the soak run ({@link SoakMain}), both attached through the SHM driver. Every
 * payload byte of frame (epoch, seq) is {@code epoch * 31 + seq + i}, so a consumer can verify every delivered byte.
 */
public final class SoakClients
{
    /** The soak stream (created by the SHM driver on first attach, see DriverProcessMain). */
    public static final int STREAM = 10090;
    static final long PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private SoakClients()
    {
    }

    /** Byte {@code i} of frame {@code seq} of {@code epoch}, as the soak producer writes it. */
    public static byte expected(final long epoch, final long seq, final int i)
    {
        return (byte)(epoch * 31 + seq + i);
    }

    /** Args: aeron dir, base dir. Publishes frames of 1..4 KiB as fast as a 0.2 ms pause allows; prints {@code STATS} every second. */
    public static final class Producer
    {
        public static void main(final String[] args) throws Exception
        {
            final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(args[0]));
            final TensorPoolProducer producer = new TensorPoolProducer(new TensorPoolProducer.Context()
                .aeron(aeron).streamId(STREAM).useDriver(true).shmBaseDir(Path.of(args[1]))
                .announcePeriodNs(PERIOD_NS).qosPeriodNs(PERIOD_NS).metadataPeriodNs(PERIOD_NS)
                .consumerHelloIntervalNs(PERIOD_NS));
            final FrameClaim claim = new FrameClaim();
            long nextStats = System.nanoTime();
            long published = 0;
            long attempts = 0;
            while (true)
            {
                producer.doWork();
                if (producer.epoch() > 0)
                {
                    // 1..4 KiB: the driver profile's single pool has a 4 KiB stride
                    final int length = 1024 * (1 + (int)(attempts++ % 4));
                    final long seq = producer.tryClaim(length, claim);
                    if (seq >= 0)
                    {
                        final long epoch = producer.epoch();
                        for (int i = 0; i < length; i++)
                        {
                            claim.buffer().putByte(i, expected(epoch, seq, i));
                        }
                        claim.dtype(Dtype.UINT8).shape1d(length);
                        if (producer.commit(claim) >= 0)
                        {
                            published++;
                        }
                    }
                }
                if (System.nanoTime() - nextStats >= 0)
                {
                    nextStats += TimeUnit.SECONDS.toNanos(1);
                    System.out.println("STATS published=" + published + " epoch=" + producer.epoch());
                    System.out.flush();
                }
                Thread.sleep(0, 200_000);
            }
        }
    }

    /** Args: aeron dir, base dir. Verifies every delivered byte; prints {@code STATS} every second. */
    public static final class Consumer
    {
        public static void main(final String[] args) throws Exception
        {
            final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(args[0]));
            final TensorPoolConsumer consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
                .aeron(aeron).streamId(STREAM).useDriver(true).allowedBaseDirs(List.of(Path.of(args[1])))
                .helloPeriodNs(PERIOD_NS).qosPeriodNs(PERIOD_NS)
                .announceFreshnessWindowNs(TimeUnit.SECONDS.toNanos(2)));
            final long[] counts = new long[2];
            long nextStats = System.nanoTime();
            while (true)
            {
                consumer.poll(frame ->
                {
                    boolean ok = true;
                    for (int i = 0; ok && i < frame.valuesLength(); i++)
                    {
                        ok = frame.payload().getByte(i) == expected(frame.epoch(), frame.seq(), i);
                    }
                    if (frame.stillCommitted())
                    {
                        counts[ok ? 0 : 1]++;
                    }
                }, 64);
                if (System.nanoTime() - nextStats >= 0)
                {
                    nextStats += TimeUnit.SECONDS.toNanos(1);
                    System.out.println("STATS good=" + counts[0] + " bad=" + counts[1] + " dropsGap=" +
                        consumer.dropsGap() + " dropsLate=" + consumer.dropsLate() + " dropsInvalid=" +
                        consumer.dropsInvalid() + " remaps=" + consumer.remaps() + " epoch=" + consumer.epoch());
                    System.out.flush();
                }
                Thread.onSpinWait();
            }
        }
    }
}
