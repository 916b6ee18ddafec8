package io.tensorpool.hardening;

import io.aeron.Aeron;
import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import io.tensorpool.shm.FrameClaim;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SHM driver is SIGKILLed (its own JVM) while a producer and a consumer are attached, then a new driver process
 * starts on the same base directory. Both clients must reattach by themselves, on a higher epoch, and frames must flow
 * again with byte-exact payloads; nothing from the old epoch may be delivered under the new one.
 */
class DriverRestartTest
{
    private static final int STREAM = 10003;
    private static final int LENGTH = 256;

    @Test
    void clientsReattachToARestartedDriverOnAHigherEpoch() throws Exception
    {
        final Path base = Path.of("/dev/shm", "tp-restart-" + UUID.randomUUID());
        final long period = DriverProcessMain.PERIOD_NS;
        TestMediaDriver media = null;
        Aeron aeron = null;
        TensorPoolProducer producer = null;
        TensorPoolConsumer consumer = null;
        ChildJvm driver = null;
        try
        {
            media = TestMediaDriver.launch();
            aeron = media.connect();
            driver = startDriver(media, base);
            producer = new TensorPoolProducer(new TensorPoolProducer.Context()
                .aeron(aeron).streamId(STREAM).useDriver(true).shmBaseDir(base)
                .announcePeriodNs(period).qosPeriodNs(period).metadataPeriodNs(period)
                .consumerHelloIntervalNs(period));
            consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
                .aeron(aeron).streamId(STREAM).useDriver(true).allowedBaseDirs(List.of(base))
                .helloPeriodNs(period).qosPeriodNs(period)
                .announceFreshnessWindowNs(TimeUnit.SECONDS.toNanos(2)));
            final long[] bad = new long[1];
            final long[] good = new long[1];
            final FrameHandler handler = frame ->
            {
                final byte expected = (byte)(frame.epoch() * 31 + frame.seq());
                boolean ok = frame.valuesLength() == LENGTH;
                for (int i = 0; ok && i < LENGTH; i++)
                {
                    ok = frame.payload().getByte(i) == expected;
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
                    }
                }
            };
            final TensorPoolProducer p = producer;
            final TensorPoolConsumer c = consumer;
            final FrameClaim claim = new FrameClaim();
            final Runnable both = () ->
            {
                p.doWork();
                if (p.epoch() > 0 && c.state() == TensorPoolConsumer.State.MAPPED && c.epoch() == p.epoch())
                {
                    final long seq = p.tryClaim(LENGTH, claim);
                    if (seq >= 0)
                    {
                        claim.buffer().setMemory(0, LENGTH, (byte)(p.epoch() * 31 + seq));
                        claim.dtype(Dtype.UINT8).shape1d(LENGTH);
                        p.commit(claim);
                    }
                }
                c.poll(handler, 16);
            };
            Await.until("frames flow through the first driver", Duration.ofSeconds(60), () -> good[0] >= 20, both);
            final long firstEpoch = p.epoch();

            assertEquals(137, driver.kill(), "driver SIGKILLed");
            driver = startDriver(media, base);

            final long before = good[0];
            Await.until("clients reattached to the restarted driver on a higher epoch and frames flow",
                Duration.ofSeconds(90),
                () -> p.epoch() > firstEpoch && c.epoch() == p.epoch() && good[0] >= before + 20, both);
            System.out.println("driver restart: epochs " + firstEpoch + " -> " + p.epoch() + " good=" + good[0] +
                " bad=" + bad[0] + " consumerRemaps=" + c.remaps() + " dropsInvalid=" + c.dropsInvalid());
            assertEquals(0, bad[0], "a frame with wrong bytes was delivered");
        }
        finally
        {
            CloseHelper.quietCloseAll(consumer, producer, driver, aeron, media);
            StreamRegionFiles.deleteRecursively(base);
        }
    }

    private static ChildJvm startDriver(final TestMediaDriver media, final Path base) throws Exception
    {
        final ChildJvm driver = ChildJvm.start(DriverProcessMain.class, media.aeronDirectoryName(), base.toString());
        assertNotNull(driver.awaitLine("DRIVER READY"), "driver process did not start");
        return driver;
    }
}
