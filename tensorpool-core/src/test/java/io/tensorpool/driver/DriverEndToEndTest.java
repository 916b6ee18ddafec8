package io.tensorpool.driver;

import io.aeron.Aeron;
import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Producer and consumer clients in Driver Model mode against a real driver: frames flow through driver-owned regions;
 * when the producer's lease expires the epoch is bumped, the consumer remaps, and once the producer reattaches frames
 * flow again on the new epoch.
 */
class DriverEndToEndTest
{
    private static final int STREAM = 10002;
    private static final long PERIOD_NS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long STEP_NS = TimeUnit.MICROSECONDS.toNanos(20);

    @Test
    void framesFlowThroughTheDriverAndSurviveProducerLeaseExpiry()
    {
        final Path base = Path.of("/dev/shm", "tp-driver-e2e-" + UUID.randomUUID());
        TestMediaDriver media = null;
        Aeron aeron = null;
        ShmDriver driver = null;
        // One thread drives driver, producer and consumer on a virtual clock that advances per duty cycle, so a
        // loaded machine cannot starve keepalives into an expiry the test did not ask for.
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(System.nanoTime());
        TensorPoolProducer producer = null;
        TensorPoolConsumer consumer = null;
        try
        {
            media = TestMediaDriver.launch();
            aeron = media.connect();
            driver = new ShmDriver(new ShmDriver.Context()
                .nanoClock(clock)
                .aeron(aeron)
                .instanceId("e2e")
                .shmBaseDir(base)
                .profile(new DriverProfile("small", 64, new int[]{1, 2}, new int[]{4096, 65536}))
                .prefault(false)
                .keepaliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
                .expiryGraceIntervals(3)
                .announcePeriodNs(PERIOD_NS));

            producer = new TensorPoolProducer(new TensorPoolProducer.Context()
                .aeron(aeron)
                .streamId(STREAM)
                .useDriver(true)
                .shmBaseDir(base)
                .announcePeriodNs(PERIOD_NS)
                .qosPeriodNs(PERIOD_NS)
                .metadataPeriodNs(PERIOD_NS)
                .consumerHelloIntervalNs(PERIOD_NS)
                .nanoClock(clock));
            consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
                .aeron(aeron)
                .streamId(STREAM)
                .useDriver(true)
                .allowedBaseDirs(List.of(base))
                .helloPeriodNs(PERIOD_NS)
                .qosPeriodNs(PERIOD_NS)
                .announceFreshnessWindowNs(TimeUnit.SECONDS.toNanos(3))
                .nanoClock(clock));

            final List<long[]> received = new ArrayList<>();
            final FrameHandler handler = frame ->
            {
                final long seq = frame.seq();
                final UnsafeBuffer payload = frame.payload();
                final byte first = payload.getByte(0);
                if (frame.stillCommitted())
                {
                    received.add(new long[]{seq, first, frame.valuesLength()});
                }
            };
            final TensorPoolProducer p = producer;
            final TensorPoolConsumer c = consumer;
            final ShmDriver d = driver;
            final Runnable withoutProducer = () ->
            {
                clock.update(clock.nanoTime() + STEP_NS);
                d.doWork();
                c.poll(handler, 16);
            };
            final Runnable both = () ->
            {
                withoutProducer.run();
                p.doWork();
            };
            Await.until("producer attached and consumer mapped", Duration.ofSeconds(30),
                () -> p.epoch() > 0 && c.state() == TensorPoolConsumer.State.MAPPED && c.epoch() == p.epoch(), both);
            final long firstEpoch = p.epoch();

            sendAndReceive(p, c, handler, both, received, 5, (byte)11);

            // The producer stops its duty cycle: no keepalives, the driver expires its lease and bumps the epoch.
            Await.until("consumer remapped to a new epoch", Duration.ofSeconds(30),
                () -> c.epoch() > firstEpoch && c.state() == TensorPoolConsumer.State.MAPPED,
                withoutProducer);
            assertTrue(c.epochChanges() >= 1);

            // The producer resumes: it finds its lease gone, reattaches on a newer epoch and frames flow again.
            Await.until("producer reattached on the consumer's epoch", Duration.ofSeconds(30),
                () -> p.epoch() > firstEpoch && c.epoch() == p.epoch() &&
                c.state() == TensorPoolConsumer.State.MAPPED, both);
            received.clear();
            sendAndReceive(p, c, handler, both, received, 5, (byte)22);
            assertEquals(0, received.get(0)[0], "seq restarts at 0 on the new epoch");
        }
        finally
        {
            CloseHelper.quietCloseAll(consumer, producer, driver, aeron, media);
            StreamRegionFiles.deleteRecursively(base);
        }
    }

    private static void sendAndReceive(
        final TensorPoolProducer p,
        final TensorPoolConsumer c,
        final FrameHandler handler,
        final Runnable both,
        final List<long[]> received,
        final int count,
        final byte marker)
    {
        final UnsafeBuffer src = new UnsafeBuffer(new byte[4096]);
        src.setMemory(0, 4096, marker);
        final int before = received.size();
        for (int i = 0; i < count; i++)
        {
            final long[] seq = {TensorPoolProducer.NOT_READY};
            Await.until("frame " + i + " offered", Duration.ofSeconds(30), () ->
            {
                seq[0] = p.offer(src, 0, 1024, Dtype.UINT8, new int[]{1024}, 1);
                return seq[0] >= 0;
            }, both);
        }
        Await.until(count + " frames received", Duration.ofSeconds(30), () -> received.size() >= before + count,
            both);
        for (int i = before; i < before + count; i++)
        {
            assertEquals(marker, (byte)received.get(i)[1]);
            assertEquals(1024, received.get(i)[2]);
        }
    }
}
