package io.tensorpool.flink.source;

import org.apache.flink.annotation.PublicEvolving;

import java.io.Serializable;

/**
 * Gives each record its event time in epoch milliseconds from the frame's producer timestamp.
 * <p>
 * The default, {@link #monotonicToEpochMillis()}, treats {@code timestamp_ns} as CLOCK_MONOTONIC on the producer's
 * host (Wire §15.7) and adds the reader host's offset between the monotonic and the realtime clock, measured once when
 * the reader opens. That is exact up to clock adjustments made later, because a split is only ever read on the host
 * of its producer (shared memory does not cross hosts). Producers that write another clock need their own assigner,
 * e.g. {@link #epochNanos()} for CLOCK_REALTIME nanoseconds.
 */
@PublicEvolving
@FunctionalInterface
public interface FrameTimestampAssigner extends Serializable
{
    /**
     * Called once per reader before the first frame, on the reader's host.
     */
    default void open()
    {
    }

    /**
     * @param timestampNs the frame's producer timestamp.
     * @return the event time in epoch milliseconds.
     */
    long toEpochMillis(long timestampNs);

    /**
     * @return the default: CLOCK_MONOTONIC nanoseconds to epoch milliseconds with this host's offset.
     */
    static FrameTimestampAssigner monotonicToEpochMillis()
    {
        return new MonotonicClockTimestamps();
    }

    /**
     * @return an assigner for producers writing CLOCK_REALTIME nanoseconds.
     */
    static FrameTimestampAssigner epochNanos()
    {
        return timestampNs -> timestampNs / 1_000_000L;
    }
}
