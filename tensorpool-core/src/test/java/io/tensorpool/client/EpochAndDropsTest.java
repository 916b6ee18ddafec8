package io.tensorpool.client;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class EpochAndDropsTest
{
    private final ClientRig rig = new ClientRig();

    @AfterEach
    void close()
    {
        rig.close();
    }

    @Test
    void producerRestartBumpsTheEpochAndConsumersRemapAndContinue()
    {
        TensorPoolProducer producer = rig.producer(rig.producerContext(5).producerInstanceId("cam"));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(5));
        final List<long[]> got = new ArrayList<>();
        final List<Long> epochs = new ArrayList<>();
        final FrameHandler handler = frame ->
        {
            got.add(ProducerConsumerRoundTripTest.checkFrame(frame));
            epochs.add(frame.epoch());
        };
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));
        final long firstEpoch = producer.epoch();
        publish(producer, 5);
        rig.await("5 frames", () -> got.size() == 5, () -> consumer.poll(handler, 10));

        producer.close();
        producer = rig.producer(rig.producerContext(5).producerInstanceId("cam"));
        assertEquals(firstEpoch + 1, producer.epoch(), "a restart picks an epoch above the last one");
        publish(producer, 5);
        final TensorPoolProducer restarted = producer;
        rig.await("remapped and 10 frames", () -> got.size() == 10, () -> consumer.poll(handler, 10));

        assertEquals(restarted.epoch(), consumer.epoch());
        assertEquals(1, consumer.epochChanges());
        for (int i = 0; i < 10; i++)
        {
            assertEquals(i % 5, got.get(i)[0], "seq restarts at 0 in the new epoch");
            assertEquals(i < 5 ? firstEpoch : firstEpoch + 1, epochs.get(i));
        }
    }

    @Test
    void layoutChangeBumpsTheEpochAndConsumersRemap()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(8));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(8));
        final List<long[]> got = new ArrayList<>();
        final FrameHandler handler = frame -> got.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));
        final long firstEpoch = producer.epoch();
        publish(producer, 3);
        rig.await("3 frames", () -> got.size() == 3, () -> consumer.poll(handler, 10));

        producer.changeLayout(16, 4096, 131072);
        assertEquals(firstEpoch + 1, producer.epoch());
        assertEquals(0, producer.currentSeq());
        final UnsafeBuffer big = new UnsafeBuffer(new byte[100_000]);
        for (int b = 0; b < big.capacity(); b++)
        {
            big.putByte(b, (byte)b);
        }
        assertEquals(0, producer.offer(big, 0, 100_000, Dtype.UINT8, new int[]{100_000}, 1),
            "a frame too large for the old pools fits the new layout");
        rig.await("remapped, big frame", () -> got.size() == 4, () -> consumer.poll(handler, 10));
        assertEquals(firstEpoch + 1, consumer.epoch());
        assertEquals(16, consumer.mappedLayout().headerNslots());
        assertEquals(100_000, got.get(3)[1]);
    }

    @Test
    void noDescriptorIsLostWhenTheDescriptorTermRotates()
    {
        final String channel = "aeron:ipc?term-length=64k";
        final TensorPoolProducer producer = rig.producer(rig.producerContext(9).descriptorChannel(channel));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(9).descriptorChannel(channel));
        final long[] count = new long[1];
        final FrameHandler handler = frame -> count[0]++;
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));
        // 64 KiB terms hold about 1400 descriptors: 6000 frames rotate the term several times
        for (int batch = 0; batch < 200; batch++)
        {
            publish(producer, 30);
            final long expected = (batch + 1) * 30L;
            // back-pressure may happen on a busy host (queued and retried by the producer's duty cycle), and a
            // starved consumer may lose a slot to the overwrite (drops_late): neither is a lost descriptor
            rig.await("batch " + batch,
                () -> consumer.framesReceived() + consumer.dropsLate() == expected || consumer.dropsGap() > 0 ||
                    producer.descriptorsDropped() > 0 || producer.descriptorNotConnected() > 0 ||
                    consumer.state() != TensorPoolConsumer.State.MAPPED,
                () ->
                {
                    producer.doWork();
                    consumer.poll(handler, 64);
                });
            assertEquals(expected, consumer.framesReceived() + consumer.dropsLate(), "batch " + batch + ": gap=" +
                consumer.dropsGap() + " backPressure=" + producer.descriptorBackPressure() + " dropped=" +
                producer.descriptorsDropped() + " notConnected=" + producer.descriptorNotConnected() + " state=" +
                consumer.state() + " unmapped=" + consumer.dropsUnmapped() + " late=" + consumer.dropsLate() +
                " invalid=" + consumer.dropsInvalid() + " duplicates=" + consumer.duplicates());
        }
        assertEquals(0, consumer.dropsGap());
        assertEquals(0, producer.descriptorsDropped());
        assertEquals(0, producer.descriptorsPending());
        assertEquals(6000, consumer.framesReceived() + consumer.dropsLate());
    }

    @Test
    void staleProducerActivityUnmapsAndTheSameEpochIsRemappedWithoutRedelivery()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(10));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(10)
            .announceFreshnessWindowNs(300_000_000L)
            .startPosition(TensorPoolConsumer.StartPosition.EARLIEST_IN_RING));
        final List<long[]> got = new ArrayList<>();
        final FrameHandler handler = frame -> got.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));
        publish(producer, 5);
        rig.await("5 frames", () -> got.size() == 5, () -> consumer.poll(handler, 10));

        // the producer stops its duty cycle: no activity refresh, no announces
        io.tensorpool.testing.Await.until("unmapped on stale activity",
            () -> consumer.state() == TensorPoolConsumer.State.UNMAPPED, () -> consumer.poll(handler, 10));
        rig.await("remapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));
        publish(producer, 3);
        rig.await("8 frames", () -> got.size() >= 8, () -> consumer.poll(handler, 10));
        for (int i = 0; i < got.size(); i++)
        {
            assertEquals(i, got.get(i)[0], "no frame delivered twice");
        }
        assertEquals(8, got.size());
        assertEquals(0, consumer.epochChanges());
        assertTrue(consumer.remaps() >= 1);
    }

    @Test
    void slowConsumerResyncsAndCountsDropsGap()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(6));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(6).maxOutstandingSeqGap(16));
        final List<long[]> got = new ArrayList<>();
        final FrameHandler handler = frame -> got.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));

        publish(producer, 500); // ring of 64: the consumer does not poll meanwhile
        rig.await("caught up", () -> consumer.lastSeqSeen() == 499, () -> consumer.poll(handler, 50));

        assertEquals(1, consumer.resyncs());
        assertEquals(0, consumer.dropsLate());
        assertEquals(500 - got.size(), consumer.dropsGap());
        assertEquals(499, got.get(got.size() - 1)[0]);
        assertTrue(got.size() <= 64, "only frames still in the ring are delivered: " + got.size());
        for (int i = 1; i < got.size(); i++)
        {
            assertEquals(got.get(i - 1)[0] + 1, got.get(i)[0]);
        }
    }

    @Test
    void consumerRacingTheOverwriteCountsDropsLateAndNeverConfirmsATornFrame() throws Exception
    {
        final int length = 64 * 1024;
        final TensorPoolProducer producer = rig.producer(rig.producerContext(7).headerNslots(8)
            .poolStrides(length));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(7).maxOutstandingSeqGap(1 << 30));
        final byte[] copy = new byte[length];
        final UnsafeBuffer copyBuffer = new UnsafeBuffer(copy);
        final long[] confirmed = new long[1];
        final long[] torn = new long[1];
        final FrameHandler handler = frame ->
        {
            if (frame.copyPayloadTo(copyBuffer, 0))
            {
                confirmed[0]++;
                final byte expected = (byte)(frame.seq() * 31);
                for (int off = 0; off < frame.valuesLength(); off += 512)
                {
                    if (copy[off] != (byte)(expected + off))
                    {
                        torn[0]++;
                        break;
                    }
                }
            }
        };
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));

        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        // the producer is single-threaded: from here on only this thread touches it
        final Thread writer = new Thread(() ->
        {
            try
            {
                final FrameClaim claim = new FrameClaim();
                while (!stop.get())
                {
                    producer.doWork();
                    final long seq = producer.tryClaim(length, claim);
                    if (seq >= 0)
                    {
                        final UnsafeBuffer buffer = (UnsafeBuffer)claim.buffer();
                        for (int off = 0; off < length; off++)
                        {
                            buffer.putByte(off, (byte)(seq * 31 + off));
                        }
                        claim.dtype(Dtype.UINT8).shape1d(length);
                        producer.commit(claim);
                    }
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
        });
        writer.start();
        try
        {
            io.tensorpool.testing.Await.until("late drops and confirmed frames",
                Duration.ofSeconds(30), () -> consumer.dropsLate() > 0 && confirmed[0] > 10,
                () -> consumer.poll(handler, 10));
        }
        finally
        {
            stop.set(true);
            writer.join();
        }
        assertNull(failure.get());
        assertEquals(0, torn[0], "a frame confirmed by copyPayloadTo was torn");
        assertTrue(consumer.dropsLate() > 0);
    }

    static void publish(final TensorPoolProducer producer, final int count)
    {
        final FrameClaim claim = new FrameClaim();
        for (int i = 0; i < count; i++)
        {
            final int length = 1000;
            final long seq = producer.tryClaim(length, claim);
            assertTrue(seq >= 0, "claim " + seq);
            final UnsafeBuffer buffer = (UnsafeBuffer)claim.buffer();
            for (int b = 0; b < length; b++)
            {
                buffer.putByte(b, (byte)(seq * 31 + b));
            }
            claim.dtype(Dtype.UINT8).shape1d(length);
            assertEquals(seq, producer.commit(claim));
        }
    }

}
