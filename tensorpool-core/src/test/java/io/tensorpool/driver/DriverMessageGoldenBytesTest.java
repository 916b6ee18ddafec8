package io.tensorpool.driver;

import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.driver.client.DriverRequestEncoder;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.StreamLayout;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Byte-exact encodings of every driver message, built independently from Driver Appendix A: SBE header
 * (blockLength, templateId, schemaId 901, version 1), fields packed in schema order, little-endian, var data as u32
 * length + bytes, groups as u16 blockLength + u16 count.
 */
class DriverMessageGoldenBytesTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final DriverRequestEncoder requests = new DriverRequestEncoder();
    private final DriverResponseEncoder responses = new DriverResponseEncoder();

    private static ByteBuffer expected(final int blockLength, final int templateId, final int schemaId)
    {
        final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short)blockLength).putShort((short)templateId).putShort((short)schemaId).putShort((short)1);
        return b;
    }

    private static void putText(final ByteBuffer b, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        b.putInt(bytes.length).put(bytes);
    }

    private void assertBytes(final ByteBuffer expected, final int length)
    {
        final byte[] want = Arrays.copyOf(expected.array(), expected.position());
        final byte[] got = new byte[length];
        buffer.getBytes(0, got);
        assertArrayEquals(want, got);
    }

    @Test
    void shmAttachRequest()
    {
        final int length = requests.attachRequest(buffer, 0, 0x0102030405060708L, 10000, 77, Role.PRODUCER, 0,
            PublishMode.EXISTING_OR_CREATE, HugepagesPolicy.STANDARD);
        final ByteBuffer b = expected(24, 1, 901);
        b.putLong(0x0102030405060708L).putInt(10000).putInt(77).put((byte)1).putInt(0).put((byte)0).put((byte)2)
            .put((byte)1);
        assertBytes(b, length);

        final int absent = requests.attachRequest(buffer, 0, 1, 1, 1, Role.CONSUMER, 0, null,
            HugepagesPolicy.UNSPECIFIED);
        assertEquals(8 + 24, absent);
        assertEquals((byte)255, buffer.getByte(8 + 22), "absent publishMode is nullValue 255");
        assertEquals((byte)2, buffer.getByte(8 + 16), "CONSUMER = 2");
    }

    @Test
    void shmAttachResponseOk()
    {
        final StreamLayout layout = new StreamLayout(10000, 3, 1, 64, "shm:file?path=/dev/shm/t/h",
            List.of(new PoolDescriptor(1, 64, 65536, "shm:file?path=/dev/shm/t/p1")));
        final int length = responses.attachOk(buffer, 0, 42, 9, 123456789L, layout);
        final ByteBuffer b = expected(51, 2, 901);
        b.putLong(42).putInt(0).putLong(9).putLong(123456789L).putInt(10000).putLong(3).putInt(1).putInt(64)
            .putShort((short)256).put((byte)8);
        b.putShort((short)10).putShort((short)1);
        b.putShort((short)1).putInt(64).putInt(65536);
        putText(b, "shm:file?path=/dev/shm/t/p1");
        putText(b, "shm:file?path=/dev/shm/t/h");
        putText(b, "");
        assertBytes(b, length);
    }

    @Test
    void shmAttachResponseErrorUsesNullSentinels()
    {
        final int length = responses.attachError(buffer, 0, 42, ResponseCode.REJECTED, "no");
        final ByteBuffer b = expected(51, 2, 901);
        b.putLong(42).putInt(3).putLong(-1L).putLong(-1L).putInt(-1).putLong(-1L).putInt(-1).putInt(-1)
            .putShort((short)0xFFFF).put((byte)0xFF);
        b.putShort((short)10).putShort((short)0);
        putText(b, "");
        putText(b, "no");
        assertBytes(b, length);
    }

    @Test
    void errorMessagesAreTruncatedTo1024AsciiBytes()
    {
        final String longText = "é".repeat(2000);
        final int length = responses.detachResponse(buffer, 0, 1, ResponseCode.REJECTED, longText);
        assertEquals(8 + 12 + 4 + 1024, length);
        assertEquals(1024, buffer.getInt(8 + 12));
        assertEquals((byte)'?', buffer.getByte(8 + 12 + 4));
    }

    @Test
    void shmDetachRequestAndResponse()
    {
        int length = requests.detachRequest(buffer, 0, 5, 6, 7, 8, Role.CONSUMER);
        ByteBuffer b = expected(25, 3, 901);
        b.putLong(5).putLong(6).putInt(7).putInt(8).put((byte)2);
        assertBytes(b, length);

        length = responses.detachResponse(buffer, 0, 5, ResponseCode.OK, null);
        b = expected(12, 4, 901);
        b.putLong(5).putInt(0);
        putText(b, "");
        assertBytes(b, length);
    }

    @Test
    void shmLeaseKeepalive()
    {
        final int length = requests.keepalive(buffer, 0, 11, 12, 13, Role.PRODUCER, 14);
        final ByteBuffer b = expected(25, 5, 901);
        b.putLong(11).putInt(12).putInt(13).put((byte)1).putLong(14);
        assertBytes(b, length);
    }

    @Test
    void shmDriverShutdown()
    {
        final int length = responses.driverShutdown(buffer, 0, 99, ShutdownReason.ADMIN, "bye");
        final ByteBuffer b = expected(9, 6, 901);
        b.putLong(99).put((byte)1);
        putText(b, "bye");
        assertBytes(b, length);
    }

    @Test
    void shmLeaseRevoked()
    {
        final int length = responses.leaseRevoked(buffer, 0, 100, 101, 102, 103, Role.PRODUCER,
            LeaseRevokeReason.EXPIRED, "late");
        final ByteBuffer b = expected(26, 7, 901);
        b.putLong(100).putLong(101).putInt(102).putInt(103).put((byte)1).put((byte)2);
        putText(b, "late");
        assertBytes(b, length);
    }

    @Test
    void shmDriverShutdownRequest()
    {
        final int length = requests.shutdownRequest(buffer, 0, 7, ShutdownReason.ERROR, "tok", "why");
        final ByteBuffer b = expected(9, 8, 901);
        b.putLong(7).put((byte)2);
        putText(b, "tok");
        putText(b, "why");
        assertBytes(b, length);
    }

    @Test
    void shmPoolAnnounceFromTheDriverIsMonotonicWithProducerId()
    {
        final StreamLayout layout = new StreamLayout(10000, 3, 1, 64, "shm:file?path=/dev/shm/t/h",
            List.of(new PoolDescriptor(1, 64, 65536, "shm:file?path=/dev/shm/t/p1")));
        final int length = responses.poolAnnounce(buffer, 0, layout, 77, 555);
        final ByteBuffer b = expected(35, 1, 900);
        b.putInt(10000).putInt(77).putLong(3).putLong(555).put((byte)1).putInt(1).putInt(64).putShort((short)256);
        b.putShort((short)10).putShort((short)1);
        b.putShort((short)1).putInt(64).putInt(65536);
        putText(b, "shm:file?path=/dev/shm/t/p1");
        putText(b, "shm:file?path=/dev/shm/t/h");
        assertBytes(b, length);
    }
}
