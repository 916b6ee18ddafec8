package io.tensorpool.flink.source;

/**
 * CLOCK_MONOTONIC nanoseconds to epoch milliseconds: {@code System.nanoTime()} reads CLOCK_MONOTONIC on Linux
 * HotSpot, so {@code currentTimeMillis - nanoTime} sampled together is this host's monotonic-to-realtime offset.
 */
final class MonotonicClockTimestamps implements FrameTimestampAssigner
{
    private static final long serialVersionUID = 1L;

    private transient long offsetNs;
    private transient boolean opened;

    @Override
    public void open()
    {
        // Take the sample with the smallest gap between the two clock reads, so the offset is not skewed by a
        // preemption between them.
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++)
        {
            final long before = System.nanoTime();
            final long wallMs = System.currentTimeMillis();
            final long after = System.nanoTime();
            if (after - before < best)
            {
                best = after - before;
                offsetNs = wallMs * 1_000_000L - (before + (after - before) / 2);
            }
        }
        opened = true;
    }

    @Override
    public long toEpochMillis(final long timestampNs)
    {
        if (!opened)
        {
            open();
        }
        return Math.floorDiv(timestampNs + offsetNs, 1_000_000L);
    }
}
