package io.tensorpool.client;

import io.aeron.Publication;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.control.MetaBlobChecksum;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.testing.Await;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.*;

/** Meta blobs (Wire §10.3.3): chunked delivery of large metadata, and every reason a blob is discarded. */
class MetaBlobTest
{
    private static final int STREAM = 47;

    private final ClientRig rig = new ClientRig();
    private final WireMessageEncoder encoder = new WireMessageEncoder();
    private final List<byte[]> blobs = new ArrayList<>();
    private final List<long[]> blobIds = new ArrayList<>();
    private final FrameHandler frames = frame -> { };

    @AfterEach
    void close()
    {
        rig.close();
    }

    private TensorPoolConsumer consumer(final TensorPoolConsumer.Context ctx)
    {
        return rig.consumer(ctx.metaBlobHandler((streamId, metaVersion, blobType, blob, offset, length) ->
        {
            final byte[] copy = new byte[length];
            blob.getBytes(offset, copy);
            blobs.add(copy);
            blobIds.add(new long[]{streamId, metaVersion, blobType});
        }));
    }

    @Test
    void aBlobLargerThanOneChunkArrivesWholeUnderTheCurrentMetaVersion()
    {
        final TensorPoolProducer producer = rig.producer(rig.producerContext(STREAM));
        final TensorPoolConsumer consumer = consumer(rig.consumerContext(STREAM));
        rig.await("mapped", () -> consumer.state() == TensorPoolConsumer.State.MAPPED, () -> consumer.poll(frames, 8));
        final long version = producer.updateMetadata(List.of(MetadataAttribute.text("calibration", "flat-field")));

        final byte[] table = new byte[3 * TensorPoolProducer.META_BLOB_CHUNK_MAX + 12_345];
        new Random(7).nextBytes(table);
        assertTrue(producer.publishMetaBlob(42, new UnsafeBuffer(table), 0, table.length));

        rig.await("blob delivered", () -> blobs.size() == 1, () -> consumer.poll(frames, 8));
        assertArrayEquals(table, blobs.get(0));
        assertArrayEquals(new long[]{STREAM, version, 42}, blobIds.get(0));
        assertEquals(1, producer.metaBlobsPublished());
        assertEquals(0, consumer.metaBlobsDiscarded());
    }

    @Test
    void gapsOverlapsOversizeAndBadChecksumsAreDiscardedAndAGoodBlobStillArrives()
    {
        final TensorPoolConsumer consumer = consumer(rig.consumerContext(STREAM).maxMetaBlobLength(1 << 20));
        final Publication metadata = rig.aeron.addPublication(DefaultEndpoints.METADATA_CHANNEL,
            DefaultEndpoints.METADATA_STREAM_ID);
        Await.until("metadata connected", metadata::isConnected, () -> consumer.poll(frames, 8));
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[300]);
        for (int i = 0; i < 300; i++)
        {
            bytes.putByte(i, (byte)(i * 31));
        }
        final long crc = MetaBlobChecksum.crc32c(bytes, 0, 300);

        // gap: second chunk starts past the end of the first
        send(metadata, encoder.metaBlobAnnounce(STREAM, 1, 5, 300, crc));
        send(metadata, encoder.metaBlobChunk(STREAM, 1, 0, bytes, 0, 100));
        send(metadata, encoder.metaBlobChunk(STREAM, 1, 150, bytes, 150, 150));
        send(metadata, encoder.metaBlobComplete(STREAM, 1, crc));
        awaitDiscards(consumer, 1, "gap");

        // overlap: second chunk starts inside the first
        send(metadata, encoder.metaBlobAnnounce(STREAM, 1, 5, 300, crc));
        send(metadata, encoder.metaBlobChunk(STREAM, 1, 0, bytes, 0, 200));
        send(metadata, encoder.metaBlobChunk(STREAM, 1, 100, bytes, 100, 200));
        awaitDiscards(consumer, 2, "gap or overlap");

        // total_len above the consumer's limit
        send(metadata, encoder.metaBlobAnnounce(STREAM, 1, 5, 2 << 20, crc));
        awaitDiscards(consumer, 3, "maxMetaBlobLength");

        // bytes that do not match the checksum
        send(metadata, encoder.metaBlobAnnounce(STREAM, 1, 5, 300, crc ^ 1));
        send(metadata, encoder.metaBlobChunk(STREAM, 1, 0, bytes, 0, 300));
        send(metadata, encoder.metaBlobComplete(STREAM, 1, crc ^ 1));
        awaitDiscards(consumer, 4, "CRC-32C");

        // complete before all bytes arrived
        send(metadata, encoder.metaBlobAnnounce(STREAM, 1, 5, 300, crc));
        send(metadata, encoder.metaBlobChunk(STREAM, 1, 0, bytes, 0, 299));
        send(metadata, encoder.metaBlobComplete(STREAM, 1, crc));
        awaitDiscards(consumer, 5, "complete after 299");

        // chunk past total_len
        send(metadata, encoder.metaBlobAnnounce(STREAM, 1, 5, 100, crc));
        send(metadata, encoder.metaBlobChunk(STREAM, 1, 0, bytes, 0, 101));
        awaitDiscards(consumer, 6, "beyond total_len");
        assertTrue(blobs.isEmpty(), "no discarded blob may reach the handler");

        // and a well-formed blob after all that is delivered
        send(metadata, encoder.metaBlobAnnounce(STREAM, 2, 5, 300, crc));
        send(metadata, encoder.metaBlobChunk(STREAM, 2, 0, bytes, 0, 120));
        send(metadata, encoder.metaBlobChunk(STREAM, 2, 120, bytes, 120, 180));
        send(metadata, encoder.metaBlobComplete(STREAM, 2, crc));
        rig.await("good blob", () -> blobs.size() == 1, () -> consumer.poll(frames, 8));
        final byte[] expected = new byte[300];
        bytes.getBytes(0, expected);
        assertArrayEquals(expected, blobs.get(0));
        assertEquals(1, consumer.metaBlobsReceived());
        assertEquals(6, consumer.metaBlobsDiscarded());
    }

    @Test
    void checksumVerificationCanBeTurnedOffForProducersUsingAnotherAlgorithm()
    {
        final TensorPoolConsumer consumer = consumer(rig.consumerContext(STREAM).verifyMetaBlobChecksum(false));
        final Publication metadata = rig.aeron.addPublication(DefaultEndpoints.METADATA_CHANNEL,
            DefaultEndpoints.METADATA_STREAM_ID);
        Await.until("metadata connected", metadata::isConnected, () -> consumer.poll(frames, 8));
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[64]);
        send(metadata, encoder.metaBlobAnnounce(STREAM, 3, 1, 64, 12345));
        send(metadata, encoder.metaBlobChunk(STREAM, 3, 0, bytes, 0, 64));
        send(metadata, encoder.metaBlobComplete(STREAM, 3, 12345));
        rig.await("blob", () -> blobs.size() == 1, () -> consumer.poll(frames, 8));
        assertEquals(64, blobs.get(0).length);
    }

    @Test
    void checksumIsCrc32cOfTheBlobBytes()
    {
        final byte[] data = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        // the CRC-32C check value of "123456789" (RFC 3720 test vector)
        assertEquals(0xE3069283L, MetaBlobChecksum.crc32c(new UnsafeBuffer(data), 0, data.length));
        final UnsafeBuffer offHeap = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(100_000));
        final CRC32C crc = new CRC32C();
        final byte[] copy = new byte[99_000];
        offHeap.putBytes(1000, new Random(3).ints(99_000).collect(() -> new java.io.ByteArrayOutputStream(),
            (out, v) -> out.write(v), (a, b) -> { }).toByteArray());
        offHeap.getBytes(1000, copy);
        crc.update(copy);
        assertEquals(crc.getValue(), MetaBlobChecksum.crc32c(offHeap, 1000, 99_000));
    }

    private void awaitDiscards(final TensorPoolConsumer consumer, final long count, final String reason)
    {
        rig.await("discard #" + count, () -> consumer.metaBlobsDiscarded() == count, () -> consumer.poll(frames, 8));
        assertTrue(consumer.lastMetaBlobDiscardReason().contains(reason), consumer::lastMetaBlobDiscardReason);
    }

    private void send(final Publication publication, final int length)
    {
        final DirectBuffer buffer = encoder.buffer();
        Await.until("offer", () -> publication.offer(buffer, 0, length) > 0);
    }
}
