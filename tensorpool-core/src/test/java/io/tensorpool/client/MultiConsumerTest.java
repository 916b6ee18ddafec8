package io.tensorpool.client;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One producer, three consumers: one on a per-consumer descriptor stream, one RATE_LIMITED on a capped per-consumer
 * stream, one with progress on a per-consumer control stream.
 */
class MultiConsumerTest
{
    private static final int STREAM = 77;
    private static final int FRAMES = 60;
    private static final int LENGTH = 60_000;

    private final ClientRig rig = new ClientRig();

    @AfterEach
    void close()
    {
        rig.close();
    }

    @Test
    void eachConsumerGetsTheRightFramesOnItsOwnStreams()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(STREAM)
            .perConsumerDescriptorStreamIds(2000, 2009)
            .perConsumerControlStreamIds(2100, 2109)
            .progressIntervalFloorNs(1_000)
            .progressBytesFloor(1024));

        final TensorPoolConsumer perConsumer = rig.consumer(rig.consumerContext(STREAM)
            .requestDescriptorStream("aeron:ipc", 2000));
        final TensorPoolConsumer rateLimited = rig.consumer(rig.consumerContext(STREAM)
            .mode(TensorPoolConsumer.ConsumerMode.RATE_LIMITED).maxRateHz(20)
            .requestDescriptorStream("aeron:ipc", 2000));
        final List<long[]> progress = new ArrayList<>();
        final TensorPoolConsumer withProgress = rig.consumer(rig.consumerContext(STREAM)
            .supportsProgress(true).progressIntervalUs(1).progressBytesDelta(8192)
            .progressHandler((stream, epoch, frameId, index, filled, state) ->
                progress.add(new long[]{frameId, filled, state}))
            .requestControlStream("aeron:ipc", 2100));

        final List<long[]> a = new ArrayList<>();
        final List<long[]> b = new ArrayList<>();
        final List<long[]> c = new ArrayList<>();
        final FrameHandler ha = frame -> a.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        final FrameHandler hb = frame -> b.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        final FrameHandler hc = frame -> c.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        final Runnable pollAll = () ->
        {
            perConsumer.poll(ha, 10);
            rateLimited.poll(hb, 10);
            withProgress.poll(hc, 10);
        };

        rig.await("all mapped and on their streams", () ->
            perConsumer.state() == TensorPoolConsumer.State.MAPPED &&
            rateLimited.state() == TensorPoolConsumer.State.MAPPED &&
            withProgress.state() == TensorPoolConsumer.State.MAPPED &&
            perConsumer.usingConsumerDescriptorStream() &&
            rateLimited.usingConsumerDescriptorStream() &&
            withProgress.usingConsumerControlStream() &&
            producer.progressConsumerCount() == 1, pollAll);
        assertEquals(1_000, producer.progressIntervalNs(), "smallest hint, at the floor");
        assertEquals(8192, producer.progressBytesDelta(), "smallest hint above the floor");

        final FrameClaim claim = new FrameClaim();
        for (int i = 0; i < FRAMES; i++)
        {
            final long seq = producer.tryClaim(LENGTH, claim);
            assertEquals(i, seq);
            final UnsafeBuffer buffer = (UnsafeBuffer)claim.buffer();
            for (int part = 0; part < 3; part++)
            {
                final int from = part * LENGTH / 3;
                final int to = (part + 1) * LENGTH / 3;
                for (int off = from; off < to; off++)
                {
                    buffer.putByte(off, (byte)(seq * 31 + off));
                }
                producer.reportProgress(claim, to);
            }
            claim.dtype(Dtype.UINT8).shape(new int[]{LENGTH}, 1);
            assertEquals(seq, producer.commit(claim));
            // spread the frames over time so the 20 Hz consumer gets some
            final long until = System.nanoTime() + 5_000_000L;
            rig.await("pace", () -> System.nanoTime() - until >= 0, pollAll);
        }
        rig.await("all frames at the streaming consumers", () -> a.size() == FRAMES && c.size() == FRAMES &&
            rateLimited.lastSeqSeen() >= 0, pollAll);

        for (int i = 0; i < FRAMES; i++)
        {
            assertEquals(i, a.get(i)[0]);
            assertEquals(i, c.get(i)[0]);
            assertEquals(LENGTH, a.get(i)[1]);
        }
        assertEquals(0, perConsumer.dropsGap() + perConsumer.dropsLate());
        assertTrue(perConsumer.duplicates() < FRAMES, "shared-stream copies ignored once switched");

        assertTrue(b.size() >= 2 && b.size() < FRAMES / 2, "rate capped at 20 Hz: got " + b.size());
        for (int i = 1; i < b.size(); i++)
        {
            assertTrue(b.get(i)[0] > b.get(i - 1)[0]);
        }
        assertEquals(0, rateLimited.dropsGap(), "capped frames are not gaps");
        assertTrue(producer.descriptorsRateCapped() > 0);

        // progress: per frame STARTED, PROGRESS..., COMPLETE with non-decreasing bytes
        int started = 0;
        int completed = 0;
        for (int i = 0; i < progress.size(); i++)
        {
            final long[] p = progress.get(i);
            if (p[2] == 1)
            {
                started++;
            }
            if (p[2] == 3)
            {
                completed++;
                assertEquals(LENGTH, p[1]);
            }
            if (i > 0 && progress.get(i - 1)[0] == p[0])
            {
                assertTrue(p[1] >= progress.get(i - 1)[1]);
            }
        }
        assertEquals(FRAMES, started);
        assertEquals(FRAMES, completed);
        assertTrue(progress.size() > 2 * FRAMES, "PROGRESS messages between STARTED and COMPLETE");
        assertEquals(0, withProgress.progressDropped());
    }

    @Test
    void invalidPerConsumerRequestsAreDeclinedAndTheConsumerStaysOnTheSharedStream()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(STREAM)); // no ranges configured
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(STREAM)
            .requestDescriptorStream("aeron:ipc", 2000));
        final List<long[]> got = new ArrayList<>();
        final FrameHandler handler = frame -> got.add(ProducerConsumerRoundTripTest.checkFrame(frame));
        rig.await("declined", () -> consumer.descriptorRequestDeclined() &&
            consumer.state() == TensorPoolConsumer.State.MAPPED, () -> consumer.poll(handler, 10));
        final UnsafeBuffer src = new UnsafeBuffer(new byte[100]);
        for (int off = 0; off < 100; off++)
        {
            src.putByte(off, (byte)off);
        }
        assertEquals(0, producer.offer(src, 0, 100, Dtype.UINT8, new int[]{100}, 1));
        rig.await("frame on shared stream", () -> got.size() == 1, () -> consumer.poll(handler, 10));
        assertFalse(consumer.usingConsumerDescriptorStream());
        rig.await("told why", () -> consumer.controlResponses() > 0, () -> consumer.poll(handler, 10));
        assertTrue(consumer.lastControlResponse().startsWith("REJECTED"), consumer.lastControlResponse());
    }

    @Test
    void staleConsumersLoseTheirPerConsumerStreams()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(STREAM)
            .perConsumerDescriptorStreamIds(2000, 2009));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(STREAM)
            .requestDescriptorStream("aeron:ipc", 2003));
        final FrameHandler handler = frame -> { };
        rig.await("assigned", consumer::usingConsumerDescriptorStream, () -> consumer.poll(handler, 10));
        assertEquals(1, producer.consumerCount());
        consumer.close();
        rig.await("stale consumer closed", () -> producer.consumerCount() == 0, () -> { });
        assertEquals(1, producer.consumersClosedStale());
    }
}
