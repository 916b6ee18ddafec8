package io.tensorpool.client;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.FrameView;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProducerConsumerRoundTripTest
{
    private final ClientRig rig = new ClientRig();

    @AfterEach
    void close()
    {
        rig.close();
    }

    @Test
    void framesPublishedThroughTheClaimApiArriveWithTheirContentShapeAndMetadata()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(42)
            .dataSourceName("camera-1").tags(List.of("lab", "rgb")).dataSourceId(7)
            .metadataAttributes(List.of(MetadataAttribute.text("serial", "SN-1"))));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(42));
        final List<long[]> received = new ArrayList<>();
        final FrameHandler handler = frame -> received.add(checkFrame(frame));

        rig.await("consumer mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));
        assertEquals(producer.epoch(), consumer.epoch());

        final FrameClaim claim = new FrameClaim();
        for (int i = 0; i < 20; i++)
        {
            final int length = 100 + i * 300;
            final long seq = producer.tryClaim(length, claim);
            assertEquals(i, seq);
            final UnsafeBuffer buffer = (UnsafeBuffer)claim.buffer();
            for (int b = 0; b < length; b++)
            {
                buffer.putByte(b, (byte)(seq * 31 + b));
            }
            claim.dtype(Dtype.UINT8).shape(new int[]{length}, 1);
            assertEquals(seq, producer.commit(claim));
        }
        rig.await("20 frames", () -> received.size() == 20, () -> consumer.poll(handler, 10));

        for (int i = 0; i < 20; i++)
        {
            assertEquals(i, received.get(i)[0], "seq order");
            assertEquals(100 + i * 300, received.get(i)[1], "length");
        }
        assertEquals(20, consumer.framesReceived());
        assertEquals(0, consumer.dropsGap());
        assertEquals(0, consumer.dropsLate());
        assertEquals(19, consumer.lastSeqSeen());
        assertEquals(20, producer.framesPublished());

        rig.await("metadata", () -> consumer.metadata(producer.metaVersion()) != null, () -> consumer.poll(handler, 1));
        final DataSourceMetadata metadata = consumer.metadata(producer.metaVersion());
        assertEquals(List.of("lab", "rgb"), metadata.tags());
        assertEquals(7, metadata.dataSourceId());
        assertEquals("SN-1", metadata.attribute("serial").valueAsText());
        rig.await("name", () -> "camera-1".equals(consumer.dataSourceName()), () -> consumer.poll(handler, 1));
    }

    @Test
    void offerCopiesAndDropsFramesNoPoolFits()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(43));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(43));
        final List<long[]> received = new ArrayList<>();
        final FrameHandler handler = frame -> received.add(checkFrame(frame));
        rig.await("consumer mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));

        final UnsafeBuffer src = new UnsafeBuffer(new byte[70000]);
        for (int b = 0; b < 4096; b++)
        {
            src.putByte(b, (byte)(0 * 31 + b));
        }
        assertEquals(0, producer.offer(src, 0, 4096, Dtype.UINT8, new int[]{4096}, 1));
        assertEquals(TensorPoolProducer.NO_POOL_FITS, producer.offer(src, 0, 70000, Dtype.UINT8, new int[]{70000}, 1));
        assertEquals(1, producer.framesDropped());
        for (int b = 0; b < 1024; b++)
        {
            src.putByte(b, (byte)(1 * 31 + b));
        }
        assertEquals(1, producer.offer(src, 0, 1024, Dtype.FLOAT32, new int[]{16, 16}, 2));
        rig.await("2 frames", () -> received.size() == 2, () -> consumer.poll(handler, 10));
        assertEquals(4096, received.get(0)[1]);
        assertEquals(1024, received.get(1)[1]);
        assertEquals(0, consumer.dropsGap(), "a dropped frame does not consume a seq");
    }

    @Test
    void allFourLogicalStreamsMultiplexedOnOneEndpoint()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(44)
            .multiplexedEndpoint("aeron:ipc?term-length=4m", 1500).dataSourceName("mux"));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(44)
            .multiplexedEndpoint("aeron:ipc?term-length=4m", 1500));
        assertEquals(1, consumer.pollers().size());
        assertEquals(1, producer.pollers().size());
        final List<long[]> received = new ArrayList<>();
        final FrameHandler handler = frame -> received.add(checkFrame(frame));
        rig.await("consumer mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));
        EpochAndDropsTest.publish(producer, 30);
        rig.await("30 frames", () -> received.size() == 30 && "mux".equals(consumer.dataSourceName()),
            () -> consumer.poll(handler, 4));
        for (int i = 0; i < 30; i++)
        {
            assertEquals(i, received.get(i)[0]);
        }
        assertEquals(0, consumer.malformedFragments());
        assertEquals(0, consumer.dropsGap() + consumer.dropsLate());
    }

    /** Checks the pattern written by the tests; returns {seq, length}. */
    static long[] checkFrame(final FrameView frame)
    {
        final UnsafeBuffer payload = frame.payload();
        final long seq = frame.seq();
        final byte[] copy = new byte[frame.valuesLength()];
        payload.getBytes(0, copy);
        if (frame.stillCommitted())
        {
            for (int b = 0; b < copy.length; b++)
            {
                assertEquals((byte)(seq * 31 + b), copy[b], "byte " + b + " of seq " + seq);
            }
        }
        return new long[]{seq, frame.valuesLength()};
    }
}
