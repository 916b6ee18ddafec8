package io.tensorpool.shm;

/**
 * The seqlock commit word at offset 0 of every header slot (Wire §8.3, SPEC_DECISIONS "Seqlock encoding"):
 * IN-PROGRESS is {@code seq << 1}, COMMITTED is {@code (seq << 1) | 1}.
 */
public final class SeqCommit
{
    private SeqCommit()
    {
    }

    /** The IN-PROGRESS word for {@code seq}: LSB 0. */
    public static long inProgress(final long seq)
    {
        return seq << 1;
    }

    /** The COMMITTED word for {@code seq}: LSB 1. */
    public static long committed(final long seq)
    {
        return (seq << 1) | 1L;
    }

    /** True if the word's LSB is 1. */
    public static boolean isCommitted(final long word)
    {
        return (word & 1L) == 1L;
    }

    /** The logical sequence, {@code word >>> 1}. */
    public static long sequence(final long word)
    {
        return word >>> 1;
    }
}
