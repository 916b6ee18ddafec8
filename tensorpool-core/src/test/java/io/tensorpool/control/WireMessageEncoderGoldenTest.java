package io.tensorpool.control;

import io.tensorpool.codecs.wire.FrameProgressState;
import io.tensorpool.codecs.wire.Mode;
import io.tensorpool.codecs.wire.ResponseCode;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.StreamLayout;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Golden bytes for every message the clients encode: header values and field offsets written out by hand from the
 * field order of Wire v1.1 §16 (SBE packs fields without alignment, little-endian), not taken from the generated code.
 */
class WireMessageEncoderGoldenTest
{
    private final WireMessageEncoder encoder = new WireMessageEncoder();

    @Test
    void frameDescriptor()
    {
        final int length = encoder.frameDescriptor(0x01020304, 5L, 0x1122334455667788L, 7, 99L, 3L);
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 36, 4);
        assertEquals(8 + 36, length);
        assertEquals(0x01020304, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x04, b.getByte(8), "little-endian");
        assertEquals(5L, b.getLong(8 + 4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x1122334455667788L, b.getLong(8 + 12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(7, b.getInt(8 + 20, ByteOrder.LITTLE_ENDIAN));
        assertEquals(99L, b.getLong(8 + 24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(3, b.getInt(8 + 32, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void frameDescriptorAbsentOptionalsAreNullValues()
    {
        encoder.frameDescriptor(1, 1, 1, 1, WireMessageEncoder.NULL_U64, WireMessageEncoder.NULL_U32);
        final DirectBuffer b = encoder.buffer();
        assertEquals(-1L, b.getLong(8 + 24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(-1, b.getInt(8 + 32, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void frameProgress()
    {
        final int length = encoder.frameProgress(9, 2, 300, 44, 65536, FrameProgressState.PROGRESS);
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 33, 11);
        assertEquals(8 + 33, length);
        assertEquals(9, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(2L, b.getLong(8 + 4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(300L, b.getLong(8 + 12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(44, b.getInt(8 + 20, ByteOrder.LITTLE_ENDIAN));
        assertEquals(65536L, b.getLong(8 + 24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(2, b.getByte(8 + 32));
    }

    @Test
    void shmPoolAnnounce()
    {
        final StreamLayout layout = new StreamLayout(10, 3, 1, 64, "shm:file?path=/h",
            List.of(new PoolDescriptor(1, 64, 4096, "shm:file?path=/p1"),
                new PoolDescriptor(2, 64, 65536, "shm:file?path=/p22")));
        final int length = encoder.shmPoolAnnounce(layout, 77, 123456789L);
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 35, 1);
        int o = 8;
        assertEquals(10, b.getInt(o, ByteOrder.LITTLE_ENDIAN));
        assertEquals(77, b.getInt(o + 4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(3L, b.getLong(o + 8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(123456789L, b.getLong(o + 16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, b.getByte(o + 24), "clock domain MONOTONIC");
        assertEquals(1, b.getInt(o + 25, ByteOrder.LITTLE_ENDIAN), "layout version");
        assertEquals(64, b.getInt(o + 29, ByteOrder.LITTLE_ENDIAN));
        assertEquals(256, b.getShort(o + 33, ByteOrder.LITTLE_ENDIAN));
        o += 35;
        assertEquals(10, b.getShort(o, ByteOrder.LITTLE_ENDIAN), "group block length");
        assertEquals(2, b.getShort(o + 2, ByteOrder.LITTLE_ENDIAN), "pool count");
        o += 4;
        assertEquals(1, b.getShort(o, ByteOrder.LITTLE_ENDIAN));
        assertEquals(64, b.getInt(o + 2, ByteOrder.LITTLE_ENDIAN));
        assertEquals(4096, b.getInt(o + 6, ByteOrder.LITTLE_ENDIAN));
        o = assertVarAscii(b, o + 10, "shm:file?path=/p1");
        assertEquals(2, b.getShort(o, ByteOrder.LITTLE_ENDIAN));
        assertEquals(65536, b.getInt(o + 6, ByteOrder.LITTLE_ENDIAN));
        o = assertVarAscii(b, o + 10, "shm:file?path=/p22");
        o = assertVarAscii(b, o, "shm:file?path=/h");
        assertEquals(o, length);
    }

    @Test
    void consumerHello()
    {
        final int length = encoder.consumerHello(5, 6, true, true, Mode.RATE_LIMITED, 30, 1,
            WireMessageEncoder.NULL_U32, 4096, WireMessageEncoder.NULL_U32, 2001, 0, "aeron:ipc", "");
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 39, 2);
        final int o = 8;
        assertEquals(5, b.getInt(o, ByteOrder.LITTLE_ENDIAN));
        assertEquals(6, b.getInt(o + 4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, b.getByte(o + 8));
        assertEquals(1, b.getByte(o + 9));
        assertEquals(2, b.getByte(o + 10), "RATE_LIMITED");
        assertEquals(30, b.getInt(o + 11, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, b.getInt(o + 15, ByteOrder.LITTLE_ENDIAN));
        assertEquals(-1, b.getInt(o + 19, ByteOrder.LITTLE_ENDIAN), "absent interval is nullValue");
        assertEquals(4096, b.getInt(o + 23, ByteOrder.LITTLE_ENDIAN));
        assertEquals(-1, b.getInt(o + 27, ByteOrder.LITTLE_ENDIAN));
        assertEquals(2001, b.getInt(o + 31, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0, b.getInt(o + 35, ByteOrder.LITTLE_ENDIAN));
        int v = assertVarAscii(b, o + 39, "aeron:ipc");
        v = assertVarAscii(b, v, "");
        assertEquals(v, length);
    }

    @Test
    void consumerConfig()
    {
        final int length = encoder.consumerConfig(5, 6, true, Mode.STREAM, 2001, 0, "", "aeron:ipc", "");
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 18, 3);
        final int o = 8;
        assertEquals(5, b.getInt(o, ByteOrder.LITTLE_ENDIAN));
        assertEquals(6, b.getInt(o + 4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, b.getByte(o + 8));
        assertEquals(1, b.getByte(o + 9), "STREAM");
        assertEquals(2001, b.getInt(o + 10, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0, b.getInt(o + 14, ByteOrder.LITTLE_ENDIAN));
        int v = assertVarAscii(b, o + 18, "");
        v = assertVarAscii(b, v, "aeron:ipc");
        v = assertVarAscii(b, v, "");
        assertEquals(v, length);
    }

    @Test
    void qosConsumer()
    {
        final int length = encoder.qosConsumer(5, 6, 7, 8, 9, 10, Mode.STREAM);
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 41, 5);
        assertEquals(8 + 41, length);
        assertEquals(5, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(6, b.getInt(12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(7L, b.getLong(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(8L, b.getLong(24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(9L, b.getLong(32, ByteOrder.LITTLE_ENDIAN));
        assertEquals(10L, b.getLong(40, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1, b.getByte(48));
    }

    @Test
    void qosProducer()
    {
        final int length = encoder.qosProducer(5, 6, 7, 8, WireMessageEncoder.NULL_U32);
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 28, 6);
        assertEquals(8 + 28, length);
        assertEquals(5, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(6, b.getInt(12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(7L, b.getLong(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(8L, b.getLong(24, ByteOrder.LITTLE_ENDIAN));
        assertEquals(-1, b.getInt(32, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void dataSourceAnnounce()
    {
        final int length = encoder.dataSourceAnnounce(5, 6, 7, 8, "cam", "u8[4]");
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 20, 7);
        assertEquals(5, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(6, b.getInt(12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(7L, b.getLong(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(8, b.getInt(24, ByteOrder.LITTLE_ENDIAN));
        int v = assertVarAscii(b, 28, "cam");
        v = assertVarAscii(b, v, "u8[4]");
        assertEquals(v, length);
    }

    @Test
    void dataSourceMeta()
    {
        final int length = encoder.dataSourceMeta(5, 8, 1000, List.of("tag", "data_source_id"),
            List.of("text/plain", "text/plain"), List.of(ascii("lab"), ascii("42")));
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 16, 8);
        assertEquals(5, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(8, b.getInt(12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(1000L, b.getLong(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0, b.getShort(24, ByteOrder.LITTLE_ENDIAN), "group block length 0 (all data)");
        assertEquals(2, b.getShort(26, ByteOrder.LITTLE_ENDIAN));
        int v = assertVarAscii(b, 28, "tag");
        v = assertVarAscii(b, v, "text/plain");
        v = assertVarAscii(b, v, "lab");
        v = assertVarAscii(b, v, "data_source_id");
        v = assertVarAscii(b, v, "text/plain");
        v = assertVarAscii(b, v, "42");
        assertEquals(v, length);
    }

    @Test
    void controlResponse()
    {
        final int length = encoder.controlResponse(-2L, ResponseCode.INVALID_PARAMS, "bad");
        final DirectBuffer b = encoder.buffer();
        assertHeader(b, 12, 9);
        assertEquals(-2L, b.getLong(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(2, b.getInt(16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(assertVarAscii(b, 20, "bad"), length);
    }

    @Test
    void metaBlobMessages()
    {
        // SPEC_DECISIONS "Control plane": ids 10/12/13, fields in this order, data as u32 length + bytes
        int length = encoder.metaBlobAnnounce(7, 3, 9, 0x1_0000_0002L, 0xE3069283L);
        DirectBuffer b = encoder.buffer();
        assertHeader(b, 28, 10);
        assertEquals(8 + 28, length);
        assertEquals(7, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(3, b.getInt(8 + 4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(9, b.getInt(8 + 8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0x1_0000_0002L, b.getLong(8 + 12, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0xE3069283L, b.getLong(8 + 20, ByteOrder.LITTLE_ENDIAN));

        final byte[] data = {1, 2, 3, 4, 5};
        length = encoder.metaBlobChunk(7, 3, 65536, new org.agrona.concurrent.UnsafeBuffer(data), 1, 3);
        b = encoder.buffer();
        assertHeader(b, 16, 12);
        assertEquals(7, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(3, b.getInt(8 + 4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(65536L, b.getLong(8 + 8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(3, b.getInt(8 + 16, ByteOrder.LITTLE_ENDIAN));
        assertEquals(2, b.getByte(8 + 20));
        assertEquals(4, b.getByte(8 + 22));
        assertEquals(8 + 16 + 4 + 3, length);

        length = encoder.metaBlobComplete(7, 3, 0xE3069283L);
        b = encoder.buffer();
        assertHeader(b, 16, 13);
        assertEquals(8 + 16, length);
        assertEquals(7, b.getInt(8, ByteOrder.LITTLE_ENDIAN));
        assertEquals(3, b.getInt(8 + 4, ByteOrder.LITTLE_ENDIAN));
        assertEquals(0xE3069283L, b.getLong(8 + 8, ByteOrder.LITTLE_ENDIAN));
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void assertHeader(final DirectBuffer b, final int blockLength, final int templateId)
    {
        assertEquals(blockLength, b.getShort(0, ByteOrder.LITTLE_ENDIAN), "blockLength");
        assertEquals(templateId, b.getShort(2, ByteOrder.LITTLE_ENDIAN), "templateId");
        assertEquals(900, b.getShort(4, ByteOrder.LITTLE_ENDIAN), "schemaId");
        assertEquals(1, b.getShort(6, ByteOrder.LITTLE_ENDIAN), "version");
    }

    /** A u32 length then the ASCII bytes; returns the offset after it. */
    private static int assertVarAscii(final DirectBuffer b, final int offset, final String expected)
    {
        final int length = b.getInt(offset, ByteOrder.LITTLE_ENDIAN);
        assertEquals(expected.length(), length, "length of '" + expected + "'");
        assertEquals(expected, b.getStringWithoutLengthAscii(offset + 4, length));
        return offset + 4 + length;
    }
}
