package io.tensorpool.control;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;

import java.util.zip.CRC32C;

/**
 * The meta blob checksum this implementation writes and verifies: CRC-32C (Castagnoli) of the blob bytes, zero-extended
 * to the u64 {@code checksum} field of {@code MetaBlobAnnounce}/{@code MetaBlobComplete} (docs/SPEC_DECISIONS.md; Wire
 * §10.3.3 names the field but not the algorithm). Blobs are rare and large, so this is not a per-frame path.
 */
public final class MetaBlobChecksum
{
    private MetaBlobChecksum()
    {
    }

    /** CRC-32C of {@code length} bytes of {@code buffer} from {@code offset}, as an unsigned value. */
    public static long crc32c(final DirectBuffer buffer, final int offset, final int length)
    {
        final CRC32C crc = new CRC32C();
        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            crc.update(array, (int)(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET) + offset,
                length);
            return crc.getValue();
        }
        // off-heap: feed it through a small scratch array
        final byte[] scratch = new byte[Math.min(length, 64 * 1024)];
        for (int done = 0; done < length; )
        {
            final int n = Math.min(scratch.length, length - done);
            buffer.getBytes(offset + done, scratch, 0, n);
            crc.update(scratch, 0, n);
            done += n;
        }
        return crc.getValue();
    }
}
