package io.tensorpool.discovery;

import io.tensorpool.codecs.discovery.DiscoveryRequestEncoder;
import io.tensorpool.codecs.discovery.MessageHeaderEncoder;
import io.tensorpool.testing.Await;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Byte-exact layout of what this implementation sends, against bytes written out by hand from Discovery §15 and
 * SPEC_DECISIONS "Discovery" (tags: group blockLength 0, each entry a u32 length and the ASCII bytes).
 */
class DiscoveryWireGoldenTest
{
    /** Little-endian byte writer for the expected images. */
    private static final class Le
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Le u8(final int v)
        {
            out.write(v);
            return this;
        }

        Le u16(final int v)
        {
            return u8(v & 0xFF).u8((v >>> 8) & 0xFF);
        }

        Le u32(final long v)
        {
            return u16((int)(v & 0xFFFF)).u16((int)((v >>> 16) & 0xFFFF));
        }

        Le u64(final long v)
        {
            return u32(v & 0xFFFF_FFFFL).u32(v >>> 32);
        }

        Le text(final String s)
        {
            final byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
            u32(bytes.length);
            out.write(bytes, 0, bytes.length);
            return this;
        }

        byte[] bytes()
        {
            return out.toByteArray();
        }
    }

    @Test
    void requestHeaderBlockTagsAndDataMatchTheSchema()
    {
        final DiscoveryQuery query = DiscoveryQuery.builder()
            .streamId(7).dataSourceId(5).dataSourceName("cam").tags("ab", "c", "ab").build();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = DiscoveryClient.encodeRequest(new DiscoveryRequestEncoder(), new MessageHeaderEncoder(),
            buffer, 0x0102030405060708L, 9, 2600, "aeron:ipc".getBytes(StandardCharsets.US_ASCII), query);

        final byte[] expected = new Le()
            .u16(32).u16(1).u16(910).u16(1)                 // blockLength, templateId, schemaId, version
            .u64(0x0102030405060708L).u32(9).u32(2600)      // requestId, clientId, responseStreamId
            .u32(7).u32(0xFFFF_FFFFL).u64(5)                // streamId, producerId (null), dataSourceId
            .u16(0).u16(2).text("ab").text("c")             // tags: blockLength 0, 2 distinct entries
            .text("aeron:ipc")                              // responseChannel
            .text("cam")                                    // dataSourceName
            .bytes();
        final byte[] actual = new byte[length];
        buffer.getBytes(0, actual);
        assertArrayEquals(expected, actual);
    }

    @Test
    void unfilteredRequestWritesNullSentinelsAndEmptyData()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final int length = DiscoveryClient.encodeRequest(new DiscoveryRequestEncoder(), new MessageHeaderEncoder(),
            buffer, 1, 2, 3, "x".getBytes(StandardCharsets.US_ASCII), DiscoveryQuery.all());
        final byte[] expected = new Le()
            .u16(32).u16(1).u16(910).u16(1)
            .u64(1).u32(2).u32(3)
            .u32(0xFFFF_FFFFL).u32(0xFFFF_FFFFL).u64(-1L)
            .u16(0).u16(0)
            .text("x")
            .u32(0)
            .bytes();
        final byte[] actual = new byte[length];
        buffer.getBytes(0, actual);
        assertArrayEquals(expected, actual);
    }

    @Test
    void declarationMessagesMatchTheWireSchema()
    {
        final DataSourceDeclaration declaration = new DataSourceDeclaration("cam", java.util.List.of("a", "Bc"),
            java.util.OptionalLong.of(42));
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        int length = declaration.encodeAnnounce(buffer, 0, 10, 77, 5, 2, "");
        byte[] actual = new byte[length];
        buffer.getBytes(0, actual);
        assertArrayEquals(new Le()
            .u16(20).u16(7).u16(900).u16(1)             // DataSourceAnnounce, schema 900
            .u32(10).u32(77).u64(5).u32(2)              // streamId, producerId, epoch, metaVersion
            .text("cam").u32(0)                         // name, summary absent
            .bytes(), actual);

        length = declaration.encodeMeta(buffer, 0, 10, 2, 123);
        actual = new byte[length];
        buffer.getBytes(0, actual);
        assertArrayEquals(new Le()
            .u16(16).u16(8).u16(900).u16(1)             // DataSourceMeta
            .u32(10).u32(2).u64(123)                    // streamId, metaVersion, timestampNs
            .u16(0).u16(3)                              // attributes: blockLength 0, three entries
            .text("tag").text("text/plain").text("a")
            .text("tag").text("text/plain").text("Bc")
            .text("data_source_id").text("text/plain").text("42")
            .bytes(), actual);
    }

    @Test
    void providerResponseMatchesTheSchemaByteForByte()
    {
        try (DiscoveryHarness h = new DiscoveryHarness((ctx) -> {}))
        {
            h.announceA(10, 101, 5);
            h.declare(h.aMetadata, 10, 101, 5, "cam", 42L, "x", "Yz");
            h.sendRaw(TestMessages.request(h.buffer, 77, DiscoveryHarness.CHANNEL,
                DiscoveryHarness.RAW_RESPONSE_STREAM, ""));
            Await.until("response", () -> !h.rawReceived.isEmpty(), h::step);

            final byte[] expected = new Le()
                .u16(9).u16(2).u16(910).u16(1)              // blockLength, templateId, schemaId, version
                .u64(77).u8(1)                              // requestId, status OK
                .u16(39).u16(1)                             // results: blockLength 39, one entry
                .u32(10).u32(101).u64(5).u32(1)             // streamId, producerId, epoch, layoutVersion
                .u32(64).u16(256).u8(8)                     // headerNslots, headerSlotBytes, maxDims
                .u64(42).u32(1000)                          // dataSourceId, driverControlStreamId
                .u16(10).u16(2)                             // payloadPools: blockLength 10, two entries
                .u16(1).u32(64).u32(4096).text(TestMessages.poolUri("drv-a", 10, 5, 1))
                .u16(2).u32(64).u32(65536).text(TestMessages.poolUri("drv-a", 10, 5, 2))
                .u16(0).u16(2).text("x").text("Yz")         // tags: blockLength 0, entries u32 length + bytes
                .text(TestMessages.headerUri("drv-a", 10, 5))
                .text("cam")
                .text("drv-a")
                .text("aeron:ipc?term-length=4m")
                .u32(0)                                     // errorMessage absent
                .bytes();
            assertArrayEquals(expected, h.rawReceived.get(0));
        }
    }

    @Test
    void errorResponseHasAnEmptyResultsGroupAndTheMessage()
    {
        try (DiscoveryHarness h = new DiscoveryHarness((ctx) -> {}))
        {
            h.sendRaw(TestMessages.request(h.buffer, 5, DiscoveryHarness.CHANNEL,
                DiscoveryHarness.RAW_RESPONSE_STREAM, "", ""));
            Await.until("response", () -> !h.rawReceived.isEmpty(), h::step);
            final byte[] expected = new Le()
                .u16(9).u16(2).u16(910).u16(1)
                .u64(5).u8(3)
                .u16(39).u16(0)
                .text("empty tag in request")
                .bytes();
            assertArrayEquals(expected, h.rawReceived.get(0));
        }
    }
}
