package io.tensorpool.flink.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.MetricGroup;

/**
 * Per-split metrics, written by the fetch thread (drops, epoch changes, fetched and announced seq) and the task
 * thread (emitted seq), read by Flink's metric reporters: single writer per field, published with volatile stores.
 * <p>
 * Registered under {@code <reader group>.tensorpool.split.<host/stream>}.
 */
@Internal
public final class SplitMetrics
{
    volatile long dropsGap;
    volatile long dropsLate;
    volatile long dropsCommitWindow;
    volatile long rejected;
    volatile long epochChanges;
    volatile long epoch = -1;
    volatile long fetchedSeq = -1;
    volatile long latestSeq = -1;
    volatile long emittedSeq = -1;
    volatile long lastFrameNanos = System.nanoTime();

    SplitMetrics(final MetricGroup readerGroup, final String splitId)
    {
        final MetricGroup group = readerGroup.addGroup("tensorpool").addGroup("split", splitId);
        group.gauge("dropsGap", () -> dropsGap);
        group.gauge("dropsLate", () -> dropsLate + dropsCommitWindow);
        group.gauge("dropsCommitWindow", () -> dropsCommitWindow);
        group.gauge("rejectedFrames", () -> rejected);
        group.gauge("epochChanges", () -> epochChanges);
        group.gauge("epoch", () -> epoch);
        group.gauge("lastEmittedSeq", () -> emittedSeq);
        group.gauge("lag", this::lag);
        group.gauge("idleTimeMs", () -> (System.nanoTime() - lastFrameNanos) / 1_000_000L);
    }

    /**
     * @return frames announced or fetched but not yet emitted (0 when nothing is known).
     */
    long lag()
    {
        final long newest = Math.max(latestSeq, fetchedSeq);
        final long emitted = emittedSeq;
        return newest < 0 || emitted < 0 ? 0 : Math.max(0, newest - emitted);
    }

    /**
     * @return frames lost so far (gap + late + commit window).
     */
    public long totalDrops()
    {
        return dropsGap + dropsLate + dropsCommitWindow;
    }

    /**
     * @return frames whose record was built but thrown away because the frame changed meanwhile.
     */
    public long dropsCommitWindow()
    {
        return dropsCommitWindow;
    }
}
