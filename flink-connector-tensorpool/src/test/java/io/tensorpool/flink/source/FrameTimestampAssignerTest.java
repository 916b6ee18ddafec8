package io.tensorpool.flink.source;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Event time: a producer timestamp taken from CLOCK_MONOTONIC now becomes (about) the wall-clock time now, also after
 * the assigner travelled to a TaskManager; CLOCK_REALTIME nanoseconds convert directly.
 */
class FrameTimestampAssignerTest
{
    @Test
    void monotonicNanosBecomeEpochMillisOfTheSameInstant() throws Exception
    {
        final FrameTimestampAssigner assigner = InstantiationUtil.clone(FrameTimestampAssigner.monotonicToEpochMillis());
        assigner.open();
        final long before = System.currentTimeMillis();
        final long eventTime = assigner.toEpochMillis(System.nanoTime());
        final long after = System.currentTimeMillis();
        assertTrue(eventTime >= before - 50 && eventTime <= after + 50,
            "event time " + eventTime + " not within [" + before + ", " + after + "] +- 50 ms");

        final long oneSecondAgo = assigner.toEpochMillis(System.nanoTime() - 1_000_000_000L);
        assertTrue(Math.abs(System.currentTimeMillis() - 1000 - oneSecondAgo) < 100, "one second earlier");
    }

    @Test
    void realtimeNanosConvertDirectly()
    {
        assertEquals(1_700_000_000_123L, FrameTimestampAssigner.epochNanos().toEpochMillis(1_700_000_000_123_456_789L));
    }
}
