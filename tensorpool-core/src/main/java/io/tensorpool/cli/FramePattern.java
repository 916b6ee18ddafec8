package io.tensorpool.cli;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Synthetic frame contents the produce command writes and the consume command verifies. {@code counter}: byte
 * {@code i} of the frame with sequence {@code s} is {@code (s + i) & 0xFF}, so any torn, stale or misplaced payload
 * shows. Both directions copy from a precomputed ramp, allocation-free per frame.
 */
enum FramePattern
{
    /** Byte i of frame s is (s + i) &amp; 0xFF. */
    counter,
    /** All zero bytes (fastest; nothing to verify). */
    zeros;

    /** A ramp of bytes 0,1,..,255,0,1,.. long enough for any frame of {@code length} bytes at any offset. */
    static UnsafeBuffer ramp(final int length)
    {
        final byte[] bytes = new byte[length + 256 + 8];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)i;
        }
        return new UnsafeBuffer(bytes);
    }

    /** Fill {@code length} bytes of {@code dst} for frame {@code seq}. */
    void fill(final MutableDirectBuffer dst, final int length, final long seq, final UnsafeBuffer ramp)
    {
        if (this == counter)
        {
            dst.putBytes(0, ramp, (int)(seq & 0xFF), length);
        }
        else
        {
            dst.setMemory(0, length, (byte)0);
        }
    }

    /**
     * Check {@code length} bytes of {@code src} against frame {@code seq}.
     *
     * @return the index of the first wrong byte, or -1 if all match.
     */
    int firstMismatch(final DirectBuffer src, final int length, final long seq, final UnsafeBuffer ramp)
    {
        final int base = this == counter ? (int)(seq & 0xFF) : -1;
        int i = 0;
        if (base >= 0)
        {
            for (; i + 8 <= length; i += 8)
            {
                if (src.getLong(i) != ramp.getLong(base + i))
                {
                    break;
                }
            }
            for (; i < length; i++)
            {
                if (src.getByte(i) != ramp.getByte(base + i))
                {
                    return i;
                }
            }
            return -1;
        }
        for (; i < length; i++)
        {
            if (src.getByte(i) != 0)
            {
                return i;
            }
        }
        return -1;
    }
}
