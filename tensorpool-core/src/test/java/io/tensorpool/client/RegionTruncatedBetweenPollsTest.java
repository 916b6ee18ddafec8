package io.tensorpool.client;

import io.tensorpool.codecs.wire.Dtype;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A payload pool file truncated between two polls (docs/hardening.md, truncated mappings): the consumer's next batch
 * finds it before reading anything (an fstat per mapped region at the batch's first frame), counts a region fault and
 * drops the mapping, and no frame of that mapping reaches the handler any more. No page of the truncated file is
 * touched, so this runs safely inside the test JVM: the truncated pool is the 64 KiB one, which the producer never
 * writes for these small frames, and its superblock page is kept.
 */
class RegionTruncatedBetweenPollsTest
{
    private final ClientRig rig = new ClientRig();

    @AfterEach
    void close()
    {
        rig.close();
    }

    @Test
    void truncatedPoolIsFoundBeforeTheNextFrameIsRead() throws Exception
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(46));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(46));
        final AtomicLong received = new AtomicLong();
        final FrameHandler handler = frame -> received.incrementAndGet();
        rig.await("consumer mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(handler, 10));

        final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(i, producer.offer(payload, 0, 256, Dtype.UINT8, new int[]{256}, 1));
        }
        rig.await("3 frames", () -> received.get() == 3, () -> consumer.poll(handler, 10));
        assertEquals(0, consumer.regionFaults());

        final Path largePool = largePool(producer.epoch());
        try (FileChannel channel = FileChannel.open(largePool, StandardOpenOption.WRITE))
        {
            channel.truncate(4096);
        }
        assertEquals(3, producer.offer(payload, 0, 256, Dtype.UINT8, new int[]{256}, 1));
        rig.await("region fault counted", () -> consumer.regionFaults() == 1, () -> consumer.poll(handler, 10));

        assertEquals(3, received.get(), "no frame of the truncated mapping may be delivered");
        assertNotEquals(TensorPoolConsumer.State.MAPPED, consumer.state());
        assertTrue(consumer.remaps() >= 1, "the mapping was dropped");
    }

    @Test
    void withThePerFrameCheckATruncationDuringTheHandlerFailsItsConfirmation() throws Exception
    {
        assertEquals(java.util.List.of(true, false), truncateInsideHandler(true));
    }

    @Test
    void withTheDefaultPerBatchCheckATruncationDuringTheHandlerIsFoundOnlyByTheNextBatch() throws Exception
    {
        // the documented window (docs/hardening.md): the frame being handled still confirms
        assertEquals(java.util.List.of(true, true), truncateInsideHandler(false));
    }

    /** @return the handler's confirmation before and after truncating the (unwritten) large pool mid-handler. */
    private java.util.List<Boolean> truncateInsideHandler(final boolean perFrame) throws Exception
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(48));
        final TensorPoolConsumer consumer = rig.consumer(rig.consumerContext(48).regionBackingCheckPerFrame(perFrame));
        final FrameHandler idle = frame -> { };
        rig.await("consumer mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED,
            () -> consumer.poll(idle, 10));
        final Path largePool = largePool(producer.epoch());
        final java.util.List<Boolean> confirmations = new java.util.ArrayList<>();
        final FrameHandler truncating = frame ->
        {
            confirmations.add(frame.stillCommitted());
            try (FileChannel channel = FileChannel.open(largePool, StandardOpenOption.WRITE))
            {
                channel.truncate(4096);
            }
            catch (final java.io.IOException ex)
            {
                throw new IllegalStateException(ex);
            }
            // only the header ring and an fstat are read here; the truncated pool's pages are never touched
            confirmations.add(frame.stillCommitted());
        };
        assertEquals(0, producer.offer(new UnsafeBuffer(new byte[256]), 0, 256, Dtype.UINT8, new int[]{256}, 1));
        rig.await("frame handled", () -> confirmations.size() == 2, () -> consumer.poll(truncating, 10));
        assertEquals(perFrame ? 0 : 1, consumer.framesReceived(), "a frame whose confirmation failed is not received");
        return confirmations;
    }

    private Path largePool(final long epoch) throws Exception
    {
        try (Stream<Path> files = Files.walk(rig.baseDir))
        {
            final List<Path> pools = files
                .filter(p -> p.getParent().getFileName().toString().equals("epoch-" + epoch))
                .filter(p -> p.getFileName().toString().endsWith(".pool"))
                .filter(p -> p.toFile().length() > 64 * 65536L)
                .toList();
            assertEquals(1, pools.size(), "one 64 KiB-stride pool: " + pools);
            return pools.get(0);
        }
    }
}
