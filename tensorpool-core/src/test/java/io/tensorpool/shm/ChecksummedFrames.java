package io.tensorpool.shm;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Self-checking payloads for the torn-read test: word 0 is the sequence, word 1 the length, word 2 a hash of every
 * other word, and the rest is a pattern derived from the sequence, so bytes from two different frames never hash
 * right.
 */
final class ChecksummedFrames
{
    static final int HEADER_WORDS = 3;

    private ChecksummedFrames()
    {
    }

    /** Frame lengths cycle through a few sizes (multiples of 8) so the header's length is checked too. */
    static int lengthFor(final long seq, final int maxLength)
    {
        final int words = maxLength / 8;
        final int variant = (int)(seq & 3);
        return 8 * Math.max(HEADER_WORDS + 1, words - variant * (words / 4));
    }

    static void fill(final MutableDirectBuffer buffer, final long seq, final int length)
    {
        final int words = length / 8;
        buffer.putLong(0, seq);
        buffer.putLong(8, length);
        for (int i = HEADER_WORDS; i < words; i++)
        {
            buffer.putLong(i * 8, mix(seq * 0x9E3779B97F4A7C15L + i));
        }
        buffer.putLong(16, hash(buffer, length));
    }

    /** True if the bytes are one whole frame of {@code seq} with {@code length} bytes. */
    static boolean verify(final DirectBuffer buffer, final long seq, final int length)
    {
        return length >= HEADER_WORDS * 8 && buffer.getLong(0) == seq && buffer.getLong(8) == length &&
            buffer.getLong(16) == hash(buffer, length);
    }

    private static long hash(final DirectBuffer buffer, final int length)
    {
        final int words = length / 8;
        long h = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < words; i++)
        {
            if (i != 2)
            {
                h = mix(h ^ buffer.getLong(i * 8));
            }
        }
        return h;
    }

    private static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
